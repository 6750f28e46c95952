//! The one error type of the crate. Every message is a Chinese sentence that
//! says what went wrong and what to do; `Display` is what a user sees.

use std::path::PathBuf;

use crate::model::DocumentKind;

/// Why a renderer could not be built or a document not rendered.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// No font with Chinese characters in the configured folders.
    #[error("{}", no_cjk_font_message(.searched, .missing))]
    NoCjkFont {
        /// The folders searched (as configured).
        searched: Vec<PathBuf>,
        /// Those of them that do not exist or cannot be read.
        missing: Vec<PathBuf>,
    },
    /// A field the document cannot do without is empty or malformed.
    #[error("{kind}的“{field}”{problem}，请补全或改正后再生成。", kind = .kind.title())]
    InvalidField {
        /// The document.
        kind: DocumentKind,
        /// The field's printed name, e.g. `检查对象名称`.
        field: String,
        /// What is wrong, e.g. `不能为空`.
        problem: String,
    },
    /// typst could not lay the document out: a fault of the template or of
    /// this crate, not of the user's data.
    #[error(
        "排版{kind}时出错（{message}）。这是文书模板的问题，不是所填内容的问题，请把这段文字告诉系统管理员。",
        kind = .kind.title()
    )]
    Layout {
        /// The document.
        kind: DocumentKind,
        /// typst's diagnostics, joined.
        message: String,
    },
    /// The PDF could not be written.
    #[error("生成{kind}的 PDF 文件时出错（{message}），请稍后重试；仍然出错请告诉系统管理员。", kind = .kind.title())]
    Pdf {
        /// The document.
        kind: DocumentKind,
        /// typst-pdf's diagnostics, joined.
        message: String,
    },
}

fn no_cjk_font_message(searched: &[PathBuf], missing: &[PathBuf]) -> String {
    if searched.is_empty() {
        return "没有配置字体目录，无法排版中文文书。请配置至少一个含有中文字体的目录（如 /usr/share/fonts），\
                并在 Debian/Ubuntu 上安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）。"
            .to_string();
    }
    let list = |dirs: &[PathBuf]| {
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut s = format!("在字体目录 {} 中没有找到中文字体，无法排版文书。", list(searched));
    if !missing.is_empty() {
        s.push_str(&format!("其中 {} 不存在或无法读取。", list(missing)));
    }
    s.push_str(
        "请在 Debian/Ubuntu 上安装 fonts-noto-cjk（apt-get install fonts-noto-cjk，字体装在 /usr/share/fonts），\
         或把字体目录配置为存放中文字体（如思源宋体、仿宋_GB2312 的 .ttf/.otf/.ttc 文件）的文件夹。",
    );
    s
}
