//! Fonts: found in the configured folders, chosen by preference, loaded once.
//!
//! The official 公文 fonts (仿宋_GB2312 for the body, 方正小标宋 for titles)
//! are commercial, so nothing is bundled: the renderer scans the folders it is
//! given (Debian's fonts-noto-cjk by default) and picks, for each role, the
//! first family of a preference list that is there — an administrator who
//! drops the official fonts into the folder gets them — and otherwise any
//! family that has Chinese characters.
//!
//! A `.ttc` collection holds many faces (SC, TC, JP, KR…); the file is read
//! once, when the first of its faces is used, and shared by all of them.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst_kit::fonts::{FontSource, FontStore};

use crate::error::DocumentError;

/// Where Debian installs fonts (fonts-noto-cjk, fonts-lxgw-wenkai).
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts";

/// Body text: 仿宋 (official) first, then 宋体-like serifs, then anything.
const BODY: &[&str] = &[
    "FangSong_GB2312",
    "仿宋_GB2312",
    "FangSong",
    "仿宋",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "SimSun",
    "LXGW WenKai GB",
    "LXGW WenKai",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
];

/// Titles and labels: 方正小标宋 (official) first, then 黑体-like sans.
const HEADING: &[&str] = &[
    "FZXiaoBiaoSong-B05S",
    "方正小标宋简体",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "SimHei",
    "黑体",
    "WenQuanYi Micro Hei",
];

/// Codes and hashes.
const MONO: &[&str] = &["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Liberation Mono"];

/// The families the renderer uses, as found in the font folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontChoice {
    /// Body text, e.g. `Noto Serif CJK SC`.
    pub body: String,
    /// Titles and labels, e.g. `Noto Sans CJK SC`.
    pub heading: String,
    /// Codes and hashes (falls back to the body family).
    pub mono: String,
}

/// The scanned fonts and the choice made among them.
pub(crate) struct Fonts {
    pub(crate) store: FontStore,
    pub(crate) choice: FontChoice,
}

/// One face of a font file; the file's bytes are shared by its faces.
struct SharedFace {
    path: PathBuf,
    index: u32,
    file: Arc<OnceLock<Option<Bytes>>>,
}

impl FontSource for SharedFace {
    fn load(&self) -> Option<Font> {
        let bytes = self
            .file
            .get_or_init(|| fs::read(&self.path).ok().map(Bytes::new))
            .clone()?;
        Font::new(bytes, self.index)
    }
}

impl Fonts {
    pub(crate) fn scan(dirs: &[PathBuf]) -> Result<Fonts, DocumentError> {
        let mut store = FontStore::new();
        let mut files: HashMap<PathBuf, Arc<OnceLock<Option<Bytes>>>> = HashMap::new();
        let mut missing = Vec::new();
        for dir in dirs {
            if !is_readable_dir(dir) {
                missing.push(dir.clone());
                continue;
            }
            for (path, info) in typst_kit::fonts::scan(dir) {
                let file = files.entry(path.path.clone()).or_default().clone();
                store.push((
                    SharedFace {
                        path: path.path,
                        index: path.index,
                        file,
                    },
                    info,
                ));
            }
        }
        let no_font = || DocumentError::NoCjkFont {
            searched: dirs.to_vec(),
            missing: missing.clone(),
        };
        let book = store.book();
        let body = pick(book, BODY).or_else(|| any_cjk(book)).ok_or_else(no_font)?;
        let heading = pick(book, HEADING).unwrap_or_else(|| body.clone());
        let mono = pick(book, MONO).unwrap_or_else(|| body.clone());
        Ok(Fonts {
            store,
            choice: FontChoice { body, heading, mono },
        })
    }
}

fn is_readable_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok()
}

/// Characters every family used must have: a font without them would print
/// tofu boxes in the first line of every document.
const PROBE: &[char] = &['中', '检', '查', '书', '〔', '〕', '号'];

fn has_cjk(book: &FontBook, family: &str) -> bool {
    book.select_family(&family.to_lowercase())
        .filter_map(|i| book.info(i))
        .any(|info| PROBE.iter().all(|&c| info.coverage.contains(c as u32)))
}

fn pick(book: &LazyHash<FontBook>, preferred: &[&str]) -> Option<String> {
    preferred
        .iter()
        .find(|f| has_cjk(book, f) || is_latin_mono(book, f))
        .map(|f| family_name(book, f))
}

/// Monospace families are only for codes and hashes (ASCII): no CJK needed.
fn is_latin_mono(book: &FontBook, family: &str) -> bool {
    MONO.contains(&family)
        && book
            .select_family(&family.to_lowercase())
            .filter_map(|i| book.info(i))
            .any(|info| "0123456789abcdef".chars().all(|c| info.coverage.contains(c as u32)))
}

/// The family as the fonts spell it (the book is keyed in lower case).
fn family_name(book: &FontBook, family: &str) -> String {
    book.select_family(&family.to_lowercase())
        .next()
        .and_then(|i| book.info(i))
        .map(|info| info.family.clone())
        .unwrap_or_else(|| family.to_string())
}

/// Any family with Chinese characters, serif first, in name order (stable).
fn any_cjk(book: &FontBook) -> Option<String> {
    let mut found: Vec<(bool, String)> = book
        .families()
        .filter(|(name, _)| has_cjk(book, name))
        .map(|(name, mut ids)| {
            let serif = ids.any(|i| {
                book.info(i)
                    .is_some_and(|info| info.flags.contains(typst::text::FontFlags::SERIF))
            });
            (!serif, name.to_string())
        })
        .collect();
    found.sort();
    found.into_iter().next().map(|(_, name)| name)
}
