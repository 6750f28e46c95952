//! File-level problems: the file cannot be read as a list at all. Row and
//! cell problems are [`CellError`](spotcheck_domain::directory::CellError)s.

/// Why a file cannot be imported. `Display` is the Chinese message for the
/// user: what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("文件是空的（0字节）。请选择填写好的模板文件")]
    EmptyFile,
    /// Not a spreadsheet at all, or a kind we do not read; `what` says what it seems to be.
    #[error("无法读取：{what}。请上传平台模板填写后的.xlsx文件（也可以是.xls或.csv）")]
    NotASpreadsheet { what: String },
    #[error("文件设置了打开密码，平台无法读取。请在Excel或WPS中取消密码（另存时不设密码）后重新导入")]
    Password,
    /// The container is a spreadsheet but its content is damaged or truncated.
    #[error("文件已损坏或不完整（{detail}）。请在Excel或WPS中打开，另存为.xlsx后重新导入")]
    Corrupt { detail: String },
    #[error("文件中没有任何内容。请在模板第1行表头下逐行填写后再导入")]
    NoContent,
    /// The header row does not fit the list: every problem of it, in one message.
    #[error("表头与「{list}」模板不符：{problems}。请使用平台下载的模板，不要修改、删除或合并表头{hint}")]
    Header {
        list: &'static str,
        problems: String,
        /// e.g. `（这个文件的表头与「企业」模板一致，请确认导入的名录类型）`, or empty.
        hint: String,
    },
    #[error("文件只有表头，没有数据行。请从第{first_row}行起逐行填写后再导入")]
    NoDataRows { first_row: u32 },
    #[error("读取文件失败：{0}")]
    Io(#[from] std::io::Error),
    /// Writing a spreadsheet failed (only the writer functions).
    #[error("生成表格文件失败：{0}")]
    Write(String),
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        SheetError::Write(e.to_string())
    }
}
