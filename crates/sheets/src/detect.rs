//! What kind of file was uploaded, decided by its first bytes (magic numbers)
//! rather than trusted from its name, so that junk fails at once with a
//! message saying what it is.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::SheetError;

/// The spreadsheet formats the reader understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Office Open XML (Excel 2007 and later, WPS, LibreOffice): streamed.
    Xlsx,
    /// Excel 97–2003 (BIFF8 in an OLE compound file): read whole (at most 65,536 rows).
    Xls,
    /// OpenDocument spreadsheet: read whole.
    Ods,
    /// Comma (or tab/semicolon) separated text in UTF-8 (with or without BOM),
    /// UTF-16 with BOM, or GB18030/GBK: streamed.
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Xls => "xls",
            Self::Ods => "ods",
            Self::Csv => "csv",
        }
    }
}

const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn not_a_sheet(what: impl Into<String>) -> SheetError {
    SheetError::NotASpreadsheet { what: what.into() }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// Decides the format of the file at `path`.
pub(crate) fn detect(path: &Path) -> Result<Format, SheetError> {
    let mut file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Err(SheetError::EmptyFile);
    }
    let mut head = Vec::with_capacity(4096);
    file.by_ref().take(4096).read_to_end(&mut head)?;
    let ext = extension(path);

    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return zip_kind(path);
    }
    if head.starts_with(CFB_MAGIC) {
        return Ok(Format::Xls);
    }
    let text_start: Vec<u8> = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&head)
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .take(512)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let contains = |needle: &[u8]| text_start.windows(needle.len()).any(|w| w == needle);
    if text_start.starts_with(b"<") {
        if contains(b"<html") || contains(b"<table") || contains(b"<!doctype html") {
            return Err(not_a_sheet(format!(
                "这是网页（HTML）格式的文件{}，不是真正的Excel表格；请用Excel或WPS打开后另存为.xlsx",
                if ext.is_empty() {
                    String::new()
                } else {
                    format!("，只是扩展名为.{ext}")
                }
            )));
        }
        if contains(b"<?xml") {
            return Err(not_a_sheet(
                "这是XML格式的文件（可能是Excel 2003 XML表格）；请用Excel或WPS打开后另存为.xlsx",
            ));
        }
    }
    let magic: &[(&[u8], &str)] = &[
        (b"%PDF", "这是PDF文件"),
        (b"\x89PNG", "这是PNG图片"),
        (b"\xFF\xD8\xFF", "这是JPEG图片"),
        (b"GIF8", "这是GIF图片"),
        (b"Rar!", "这是RAR压缩包"),
        (b"7z\xBC\xAF", "这是7z压缩包"),
        (b"\x1F\x8B", "这是gzip压缩文件"),
        (b"{\\rtf", "这是RTF文档"),
    ];
    if let Some((_, what)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
        return Err(not_a_sheet(*what));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "et" | "ett") {
        return Err(not_a_sheet(format!(
            "文件扩展名是.{ext}，但内容不是Excel表格（可能已损坏，或是改了扩展名的其他文件）"
        )));
    }
    Ok(Format::Csv)
}

/// A zip file: xlsx, ods, or something else packed the same way.
fn zip_kind(path: &Path) -> Result<Format, SheetError> {
    let file = BufReader::new(File::open(path)?);
    let mut zip = zip::ZipArchive::new(file).map_err(|e| SheetError::Corrupt {
        detail: format!("压缩结构无法解析：{e}"),
    })?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if has("xl/") {
        for name in names.iter().filter(|n| n.ends_with("sharedStrings.xml")) {
            check_shared_strings(&mut zip, name)?;
        }
        return Ok(Format::Xlsx);
    }
    let mut mime = String::new();
    if let Ok(f) = zip.by_name("mimetype") {
        let _ = f.take(200).read_to_string(&mut mime);
    }
    if mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
        check_ods_size(&mut zip)?;
        return Ok(Format::Ods);
    }
    if mime.starts_with("application/vnd.oasis.opendocument.text") {
        return Err(not_a_sheet("这是OpenDocument文字文档（.odt）"));
    }
    if has("word/") {
        return Err(not_a_sheet("这是Word文档（.docx）"));
    }
    if has("ppt/") {
        return Err(not_a_sheet("这是PowerPoint演示文稿（.pptx）"));
    }
    Err(not_a_sheet("这是一个zip压缩包，里面没有Excel表格"))
}

/// More shared strings than any list has: calamine reserves memory for the
/// count the file declares, so an absurd count would abort the process.
const MAX_SHARED_STRINGS: u64 = 20_000_000;
/// calamine holds the whole shared-string table in memory (a 1,000,000-row
/// list of unique names and addresses has about 150 MB of it).
const MAX_SHARED_STRINGS_BYTES: u64 = 400 * 1024 * 1024;

/// Refuses a shared-string table too large to hold in memory, or whose
/// declared `uniqueCount` is absurd or larger than its own size allows (each
/// entry takes at least `<si/>`). The zip reader stops at an entry's declared
/// size, so these bounds hold for what is actually inflated.
fn check_shared_strings<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Result<(), SheetError> {
    let Ok(entry) = zip.by_name(name) else {
        return Ok(());
    };
    let size = entry.size();
    if size > MAX_SHARED_STRINGS_BYTES {
        return Err(SheetError::NotASpreadsheet {
            what: format!(
                "表格的文字内容超过{}MB，一次导入不了；请分成几个文件分别导入",
                MAX_SHARED_STRINGS_BYTES / 1024 / 1024
            ),
        });
    }
    let mut head = Vec::with_capacity(2048);
    entry
        .take(2048)
        .read_to_end(&mut head)
        .map_err(|e| SheetError::Corrupt {
            detail: format!("共享字符串表无法解压：{e}"),
        })?;
    let text = String::from_utf8_lossy(&head);
    let Some(start) = text.find("uniqueCount=\"") else {
        return Ok(());
    };
    let digits: String = text[start + 13..].chars().take_while(char::is_ascii_digit).collect();
    let count: u64 = digits.parse().unwrap_or(u64::MAX);
    if count > MAX_SHARED_STRINGS || count > size / 5 {
        return Err(SheetError::Corrupt {
            detail: format!("共享字符串表声明了{digits}个条目，与文件内容不符"),
        });
    }
    Ok(())
}

/// Cells calamine may expand an ods into (it builds the whole sheet in
/// memory, repeating rows and cells as `number-rows-repeated` and
/// `number-columns-repeated` say): 15 million cells of 32 bytes each.
const MAX_ODS_CELLS: u64 = 15_000_000;

/// Adds up, row by row, the cells up to the last one with a value, times the
/// row's repeat count, and refuses a file that would expand beyond
/// [`MAX_ODS_CELLS`] — a few bytes of XML can declare billions of cells.
fn check_ods_size<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(), SheetError> {
    use quick_xml::events::{BytesStart, Event};
    let Ok(entry) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let repeats = |e: &BytesStart, name: &str| -> u64 {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.parse().ok())
            .unwrap_or(1)
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    let (mut total, mut row_repeats, mut col, mut width) = (0u64, 1u64, 0u64, 0u64);
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                "table:table-row" => {
                    row_repeats = repeats(&e, "table:number-rows-repeated").min(1 << 20);
                    (col, width) = (0, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    col = col.saturating_add(repeats(&e, "table:number-columns-repeated").min(1 << 14));
                    if e.try_get_attribute("office:value-type").ok().flatten().is_some() {
                        width = col;
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" => {
                total = total.saturating_add(row_repeats.saturating_mul(width));
                if total > MAX_ODS_CELLS {
                    return Err(SheetError::NotASpreadsheet {
                        what: format!(
                            "这个ods表格展开后超过{}万个单元格，一次导入不了；请另存为.xlsx或分成几个文件导入",
                            MAX_ODS_CELLS / 10_000
                        ),
                    });
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}
