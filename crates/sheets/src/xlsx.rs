//! Our own streaming reader for .xlsx worksheets, over the zip and XML
//! parsers calamine itself uses (same versions), with the shared-string
//! table in a temporary file instead of in memory.
//!
//! Why not calamine here (it still reads .xls and .ods): before the first cell
//! it loads the whole shared-string table into a `Vec<String>` — Excel, WPS
//! and LibreOffice put every text cell there, so a list of 1,000,000 企业
//! with unique names and addresses holds ≈ 3,000,000 strings, ≈ 230 MB of
//! memory that grows with the file (docs/performance.md, 名录导入). No
//! maintained crate streams rows with a bounded table and the reading of
//! formulas, error values and date formats the import needs without a second
//! copy of calamine, zip and quick-xml in older versions (docs/architecture.md).
//!
//! What this reads, and nothing more: the workbook's sheets (name, kind,
//! visibility) and date system, which cell styles are dates (the rules are
//! calamine's: built-in format ids and custom format codes), the
//! shared strings, and a worksheet's cells in file order as calamine's
//! [`Data`] values, each with whether it holds a formula — so the rest of the
//! reader treats them exactly as before. Merged regions are read on demand
//! from the worksheet's end.
//!
//! The shared strings are copied once into two anonymous temporary files (the
//! text, and the offset of each entry, 8 bytes each) and read back through a
//! small cache of 64 KiB blocks: cells refer to the table almost in order
//! (each new text is appended when first used), so nearly every lookup hits
//! a cached block, and memory stays at the cache's size whatever the file's.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use calamine::{CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType, Sheet, SheetType, SheetVisible};
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::read::ZipFile;
use zip::result::ZipError;

use crate::error::SheetError;

type Zip = ZipArchive<BufReader<File>>;
type Xml<'a> = quick_xml::Reader<BufReader<ZipFile<'a, BufReader<File>>>>;

fn bad(detail: impl std::fmt::Display) -> SheetError {
    SheetError::Corrupt {
        detail: format!("工作表内容无法解析：{detail}"),
    }
}

fn zip_error(e: ZipError) -> SheetError {
    match e {
        ZipError::Io(e) => SheetError::Io(e),
        e => SheetError::Corrupt {
            detail: format!("压缩内容无法解压：{e}"),
        },
    }
}

fn xml_error(e: quick_xml::Error) -> SheetError {
    match e {
        quick_xml::Error::Io(e) => SheetError::Io(std::io::Error::new(e.kind(), e.to_string())),
        e => bad(e),
    }
}

/// How a number in a cell style reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberKind {
    Plain,
    Date,
    Duration,
}

/// A workbook opened for reading one worksheet.
pub(crate) struct Workbook {
    zip: Zip,
    /// Entry names by their lower-case form with `/` separators (some
    /// writers differ in case or use `\`).
    names: HashMap<String, String>,
    xl_path: String,
    /// Each sheet and the zip entry of its part.
    sheets: Vec<(Sheet, String)>,
    is_1904: bool,
    /// For each cell style (`s` attribute), how its numbers read.
    formats: Vec<NumberKind>,
}

fn xml_of<'a>(zip: &'a mut Zip, names: &HashMap<String, String>, path: &str) -> Result<Option<Xml<'a>>, SheetError> {
    let key = path.replace('\\', "/").to_lowercase();
    let Some(name) = names.get(&key) else {
        return Ok(None);
    };
    let file = zip.by_name(name).map_err(zip_error)?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::with_capacity(1 << 16, file));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    Ok(Some(xml))
}

fn attr(e: &BytesStart, name: &str) -> Result<Option<String>, SheetError> {
    match e.try_get_attribute(name).map_err(bad)? {
        None => Ok(None),
        Some(a) => Ok(Some(
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(xml_error)?
                .into_owned(),
        )),
    }
}

/// The value of an attribute whose local name is `local` (`r:id` and the like).
fn attr_local(e: &BytesStart, local: &str) -> Result<Option<String>, SheetError> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(bad)?;
        if a.key.local_name().as_ref() == local {
            return Ok(Some(
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(xml_error)?
                    .into_owned(),
            ));
        }
    }
    Ok(None)
}

impl Workbook {
    pub(crate) fn open(path: &Path) -> Result<Self, SheetError> {
        let zip = ZipArchive::new(BufReader::with_capacity(1 << 16, File::open(path)?)).map_err(zip_error)?;
        let names = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| (n.replace('\\', "/").to_lowercase(), n.into_owned()))
            .collect();
        let mut book = Self {
            zip,
            names,
            xl_path: "xl/".to_string(),
            sheets: Vec::new(),
            is_1904: false,
            formats: Vec::new(),
        };
        let workbook_name = book.read_package_relationships()?;
        let relationships = book.read_relationships(&workbook_name)?;
        book.read_workbook(&workbook_name, &relationships)?;
        book.read_styles()?;
        Ok(book)
    }

    /// Where the workbook part is (`_rels/.rels`, usually `xl/workbook.xml`).
    fn read_package_relationships(&mut self) -> Result<String, SheetError> {
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, "_rels/.rels")? else {
            return Ok("workbook.xml".to_string());
        };
        let mut buf = Vec::new();
        let mut target = None;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    let typ = attr(&e, "Type")?.unwrap_or_default();
                    if typ.ends_with("/relationships/officeDocument") {
                        target = attr(&e, "Target")?;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let Some(target) = target else {
            return Err(bad("找不到工作簿"));
        };
        let (dir, name) = target.rsplit_once('/').unwrap_or(("", target.as_str()));
        let dir = dir.strip_prefix('/').unwrap_or(dir);
        self.xl_path = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        Ok(if name.is_empty() { "workbook.xml" } else { name }.to_string())
    }

    /// The workbook's relationships: id → (target, type).
    fn read_relationships(&mut self, workbook_name: &str) -> Result<HashMap<String, (String, String)>, SheetError> {
        let path = format!("{}_rels/{workbook_name}.rels", self.xl_path);
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, &path)? else {
            return Err(bad(format!("缺少{path}")));
        };
        let mut out = HashMap::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    if let Some(id) = attr(&e, "Id")? {
                        let target = attr(&e, "Target")?.unwrap_or_default();
                        let typ = attr(&e, "Type")?.unwrap_or_default();
                        out.insert(id, (target, typ));
                    }
                }
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    fn read_workbook(
        &mut self,
        workbook_name: &str,
        relationships: &HashMap<String, (String, String)>,
    ) -> Result<(), SheetError> {
        let path = format!("{}{workbook_name}", self.xl_path);
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, &path)? else {
            return Err(bad(format!("缺少{path}")));
        };
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                    let name = attr(&e, "name")?.unwrap_or_default();
                    let visible = match attr(&e, "state")?.as_deref() {
                        Some("hidden") => SheetVisible::Hidden,
                        Some("veryHidden") => SheetVisible::VeryHidden,
                        _ => SheetVisible::Visible,
                    };
                    let rel_id = attr_local(&e, "id")?.unwrap_or_default();
                    let Some((target, typ)) = relationships.get(&rel_id) else {
                        return Err(bad(format!("工作表“{name}”没有对应的内容")));
                    };
                    let part = match target.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("{}{target}", self.xl_path),
                    };
                    let typ = match typ.rsplit('/').next() {
                        Some("worksheet") => SheetType::WorkSheet,
                        Some("chartsheet") => SheetType::ChartSheet,
                        Some("dialogsheet") => SheetType::DialogSheet,
                        _ => SheetType::MacroSheet,
                    };
                    self.sheets.push((Sheet { name, typ, visible }, part));
                }
                Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                    if let Some(v) = attr(&e, "date1904")? {
                        self.is_1904 = v == "1" || v == "true";
                    }
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn read_styles(&mut self) -> Result<(), SheetError> {
        let path = format!("{}styles.xml", self.xl_path);
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, &path)? else {
            return Ok(());
        };
        let mut custom: HashMap<String, String> = HashMap::new();
        let mut in_cell_xfs = false;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "numFmt" => {
                        if let (Some(id), Some(code)) = (attr(&e, "numFmtId")?, attr(&e, "formatCode")?) {
                            custom.insert(id, code);
                        }
                    }
                    "cellXfs" => in_cell_xfs = true,
                    "xf" if in_cell_xfs => {
                        let kind = match attr(&e, "numFmtId")? {
                            None => NumberKind::Plain,
                            Some(id) => match custom.get(&id) {
                                Some(code) => custom_format_kind(code),
                                None => builtin_format_kind(&id),
                            },
                        };
                        self.formats.push(kind);
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    pub(crate) fn sheets(&self) -> Vec<Sheet> {
        self.sheets.iter().map(|(s, _)| s.clone()).collect()
    }

    fn part_of(&self, sheet: &str) -> Result<String, SheetError> {
        self.sheets
            .iter()
            .find(|(s, _)| s.name == sheet)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| bad(format!("找不到工作表“{sheet}”")))
    }

    /// Copies the shared-string table into temporary files.
    pub(crate) fn shared_strings(&mut self) -> Result<SharedStrings, SheetError> {
        let path = format!("{}sharedStrings.xml", self.xl_path);
        let mut table = SharedStrings::new()?;
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, &path)? else {
            return table.finish();
        };
        let mut buf = Vec::new();
        let (mut inner, mut run, mut text) = (Vec::new(), String::new(), String::new());
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == "si" => {
                    text.clear();
                    read_rich_text(&mut xml, &mut inner, &mut run, &mut text)?;
                    table.push(&text)?;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        table.finish()
    }

    /// The cells of worksheet `sheet`, in file order.
    pub(crate) fn cells(&mut self, sheet: &str, strings: SharedStrings) -> Result<Cells<'_>, SheetError> {
        let part = self.part_of(sheet)?;
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, &part)? else {
            return Err(bad(format!("缺少{part}")));
        };
        let mut buf = Vec::new();
        let mut dimensions = Dimensions::default();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == "dimension" => {
                    if let Some(d) = attr(&e, "ref")?.and_then(|r| range(&r)) {
                        dimensions = d;
                    }
                }
                Event::Start(e) if e.local_name().as_ref() == "sheetData" => break,
                Event::Eof => return Err(bad(format!("“{sheet}”不是工作表"))),
                _ => {}
            }
        }
        Ok(Cells {
            xml,
            strings,
            formats: &self.formats,
            is_1904: self.is_1904,
            dimensions,
            row: 0,
            col: 0,
            buf: Vec::with_capacity(1024),
            text: String::new(),
            run: String::new(),
        })
    }

    /// The merged regions of worksheet `sheet` (they follow its cells, so
    /// this reads the sheet once more, without keeping anything).
    pub(crate) fn merges(&mut self, sheet: &str) -> Result<Vec<Dimensions>, SheetError> {
        let part = self.part_of(sheet)?;
        let Some(mut xml) = xml_of(&mut self.zip, &self.names, &part)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_error)? {
                Event::Start(e) if e.local_name().as_ref() == "mergeCell" => {
                    if let Some(d) = attr(&e, "ref")?.and_then(|r| range(&r)) {
                        out.push(d);
                    }
                }
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }
}

/// calamine's reading of a custom number format code: a date when its first
/// section has a date or time token outside quotes, brackets and escapes; a
/// duration when it starts with an elapsed-time bracket (`[h]`).
fn custom_format_kind(format: &str) -> NumberKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberKind::Plain,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberKind::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberKind::Date,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => return NumberKind::Date,
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberKind::Plain
}

/// calamine's built-in date and time format ids (ECMA-376 18.8.30, and the
/// East Asian ones).
fn builtin_format_kind(id: &str) -> NumberKind {
    match id.parse::<u32>() {
        Ok(14..=22 | 27..=36 | 45 | 47 | 50..=58) => NumberKind::Date,
        Ok(46) => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// `A1` → (0, 0); `None` without a row or column.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let (row, col) = row_and_column(r)?;
    Some((row, col?))
}

fn row_and_column(r: &str) -> Option<(u32, Option<u32>)> {
    let b = r.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let mut col: u32 = 0;
    for c in &b[..letters] {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(c.to_ascii_uppercase() - b'A') + 1)?;
    }
    let digits = &r[letters..];
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)))
}

/// `A1:L100` → its dimensions.
fn range(r: &str) -> Option<Dimensions> {
    match r.split_once(':') {
        Some((a, b)) => Some(Dimensions::new(cell_ref(a)?, cell_ref(b)?)),
        None => {
            let a = cell_ref(r)?;
            Some(Dimensions::new(a, a))
        }
    }
}

/// Excel's escapes of characters XML cannot hold, `_xHHHH_` (a UTF-16 unit;
/// `_x005F_` escapes the underscore itself), as calamine undoes them.
fn unescape_excel(s: &str) -> std::borrow::Cow<'_, str> {
    fn unit_at(s: &str, i: usize) -> Option<u16> {
        let b = s.as_bytes();
        if b.len() >= i + 7 && b[i] == b'_' && b[i + 1] == b'x' && b[i + 6] == b'_' {
            u16::from_str_radix(s.get(i + 2..i + 6)?, 16).ok()
        } else {
            None
        }
    }
    if !s.contains("_x") {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if let Some(unit) = unit_at(s, i) {
            i += 7;
            match unit {
                0xD800..=0xDBFF => match unit_at(s, i) {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                        i += 7;
                    }
                    _ => out.push(char::REPLACEMENT_CHARACTER),
                },
                0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
                u => out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
            }
        } else {
            let c = s[i..].chars().next().expect("inside the string");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out.into()
}

fn push_entity(e: &quick_xml::events::BytesRef, out: &mut String) -> Result<(), SheetError> {
    let name = e.as_ref();
    let known = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    };
    match known {
        Some(c) => out.push(c),
        None => match e.resolve_char_ref().map_err(xml_error)? {
            Some(c) => out.push(c),
            None => return Err(bad(format!("无法识别的字符引用&{name};"))),
        },
    }
    Ok(())
}

/// The text of the element just opened, up to its end: its character data,
/// with entities resolved.
fn read_text<R: std::io::BufRead>(
    xml: &mut quick_xml::Reader<R>,
    buf: &mut Vec<u8>,
    out: &mut String,
) -> Result<(), SheetError> {
    let mut depth = 0u32;
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(xml_error)? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(e) => push_entity(&e, out)?,
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(bad("文件意外结束")),
            _ => {}
        }
    }
}

/// The text of a shared string (`<si>`) or an inline string (`<is>`) just
/// opened: its `<t>` runs joined, phonetic runs (`<rPh>`) left out, spaces
/// trimmed unless preserved, Excel's escapes undone — as calamine reads them.
fn read_rich_text<R: std::io::BufRead>(
    xml: &mut quick_xml::Reader<R>,
    buf: &mut Vec<u8>,
    run: &mut String,
    out: &mut String,
) -> Result<(), SheetError> {
    let mut depth = 0u32;
    let mut phonetic = false;
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(xml_error)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "rPh" => {
                    phonetic = true;
                    depth += 1;
                }
                "t" if !phonetic => {
                    let preserve = attr(&e, "xml:space")?.is_some_and(|v| v == "preserve");
                    run.clear();
                    read_text(xml, buf, run)?;
                    let text = if preserve {
                        run.as_str()
                    } else {
                        run.trim_matches([' ', '\t', '\r', '\n'])
                    };
                    out.push_str(&unescape_excel(text));
                }
                _ => depth += 1,
            },
            Event::End(e) if depth == 0 => {
                let _ = e;
                return Ok(());
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "rPh" {
                    phonetic = false;
                }
                depth -= 1;
            }
            Event::Eof => return Err(bad("文件意外结束")),
            _ => {}
        }
    }
}

/// Skips the rest of the element just opened.
fn skip<R: std::io::BufRead>(xml: &mut quick_xml::Reader<R>, buf: &mut Vec<u8>) -> Result<(), SheetError> {
    let mut depth = 0u32;
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(xml_error)? {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(bad("文件意外结束")),
            _ => {}
        }
    }
}

/// One cell as read.
pub(crate) struct Cell {
    pub row: u32,
    pub col: u32,
    pub value: Data,
    pub formula: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CellType {
    Number,
    Shared,
    Bool,
    Error,
    Date,
    FormulaText,
    Inline,
}

/// The cells of one worksheet, in file order; see [`Workbook::cells`].
pub(crate) struct Cells<'a> {
    xml: Xml<'a>,
    strings: SharedStrings,
    formats: &'a [NumberKind],
    is_1904: bool,
    dimensions: Dimensions,
    row: u32,
    col: u32,
    buf: Vec<u8>,
    text: String,
    run: String,
}

enum Tag {
    Row(Option<u32>),
    RowEnd,
    Cell {
        pos: Option<(u32, u32)>,
        style: Option<usize>,
        typ: CellType,
    },
    SheetEnd,
    Other,
}

impl Cells<'_> {
    /// The sheet's size as it declares it (`<dimension>`), for progress.
    pub(crate) fn dimensions(&self) -> Dimensions {
        self.dimensions
    }

    pub(crate) fn next_cell(&mut self) -> Result<Option<Cell>, SheetError> {
        loop {
            self.buf.clear();
            let tag = match self.xml.read_event_into(&mut self.buf).map_err(xml_error)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "row" => Tag::Row(match e.try_get_attribute("r").map_err(bad)? {
                        Some(r) => Some(
                            row_and_column(&r.value)
                                .ok_or_else(|| bad(format!("行号{}无效", r.value)))?
                                .0,
                        ),
                        None => None,
                    }),
                    "c" => {
                        let (mut pos, mut style, mut typ) = (None, None, CellType::Number);
                        for a in e.attributes().with_checks(false) {
                            let a = a.map_err(bad)?;
                            match a.key.as_ref() {
                                "r" => {
                                    pos = Some(cell_ref(&a.value).ok_or_else(|| bad(format!("单元格{}无效", a.value)))?)
                                }
                                "s" => style = a.value.parse().ok(),
                                "t" => {
                                    typ = match a.value.as_ref() {
                                        "n" => CellType::Number,
                                        "s" => CellType::Shared,
                                        "b" => CellType::Bool,
                                        "e" => CellType::Error,
                                        "d" => CellType::Date,
                                        "str" => CellType::FormulaText,
                                        "inlineStr" | "is" => CellType::Inline,
                                        t => return Err(bad(format!("单元格类型{t}无法识别"))),
                                    }
                                }
                                _ => {}
                            }
                        }
                        Tag::Cell { pos, style, typ }
                    }
                    _ => Tag::Other,
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "row" => Tag::RowEnd,
                    "sheetData" => Tag::SheetEnd,
                    _ => Tag::Other,
                },
                Event::Eof => return Err(bad("工作表在数据结束之前中断")),
                _ => Tag::Other,
            };
            match tag {
                Tag::Row(r) => {
                    if let Some(r) = r {
                        self.row = r;
                    }
                }
                Tag::RowEnd => {
                    self.row += 1;
                    self.col = 0;
                }
                Tag::Cell { pos, style, typ } => {
                    let (row, col) = match pos {
                        Some((r, c)) => {
                            self.col = c;
                            (r, c)
                        }
                        None => (self.row, self.col),
                    };
                    let (value, formula) = self.cell_body(style, typ)?;
                    self.col += 1;
                    return Ok(Some(Cell {
                        row,
                        col,
                        value,
                        formula,
                    }));
                }
                Tag::SheetEnd => return Ok(None),
                Tag::Other => {}
            }
        }
    }

    /// The inside of a `<c>` just opened, up to its end.
    fn cell_body(&mut self, style: Option<usize>, typ: CellType) -> Result<(Data, bool), SheetError> {
        let mut value = Data::Empty;
        let mut formula = false;
        loop {
            self.buf.clear();
            let name = match self.xml.read_event_into(&mut self.buf).map_err(xml_error)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "v" => "v",
                    "f" => "f",
                    "is" => "is",
                    _ => "",
                },
                Event::End(_) => return Ok((value, formula)),
                Event::Eof => return Err(bad("单元格在结束之前中断")),
                _ => continue,
            };
            match name {
                "v" => {
                    self.text.clear();
                    read_text(&mut self.xml, &mut self.buf, &mut self.text)?;
                    if typ != CellType::Inline {
                        value = self.value_of(style, typ)?;
                    }
                }
                "is" => {
                    self.text.clear();
                    read_rich_text(&mut self.xml, &mut self.buf, &mut self.run, &mut self.text)?;
                    value = Data::String(std::mem::take(&mut self.text));
                }
                "f" => {
                    formula = true;
                    skip(&mut self.xml, &mut self.buf)?;
                }
                _ => skip(&mut self.xml, &mut self.buf)?,
            }
        }
    }

    /// The value of a `<v>` whose text is in `self.text`, as calamine reads it.
    fn value_of(&mut self, style: Option<usize>, typ: CellType) -> Result<Data, SheetError> {
        let v = self.text.as_str();
        Ok(match typ {
            CellType::Shared => {
                if v.is_empty() {
                    return Ok(Data::Empty);
                }
                let i: u64 = v.trim().parse().map_err(|_| bad(format!("共享字符串序号{v}无效")))?;
                Data::String(self.strings.get(i)?)
            }
            CellType::Bool => match v.trim() {
                "" => Data::Empty,
                "0" | "false" => Data::Bool(false),
                "1" | "true" => Data::Bool(true),
                other => return Err(bad(format!("逻辑值{other}无效"))),
            },
            CellType::Date => Data::DateTimeIso(v.to_string()),
            CellType::Error => match v.parse::<CellErrorType>() {
                Ok(e) => Data::Error(e),
                Err(_) => Data::String(v.to_string()),
            },
            CellType::FormulaText => Data::String(unescape_excel(v).into_owned()),
            CellType::Inline => Data::Empty,
            CellType::Number => {
                if v.is_empty() {
                    return Ok(Data::Empty);
                }
                let kind = match style {
                    Some(s) => self.formats.get(s).copied(),
                    None => Some(NumberKind::Plain),
                };
                match v.parse::<f64>() {
                    Ok(n) => match kind {
                        Some(NumberKind::Date) => {
                            Data::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::DateTime, self.is_1904))
                        }
                        Some(NumberKind::Duration) => {
                            Data::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::TimeDelta, self.is_1904))
                        }
                        _ => Data::Float(n),
                    },
                    Err(_) => Data::String(v.to_string()),
                }
            }
        })
    }
}

// ------------------------------------------------------------ shared strings

const BLOCK: u64 = 64 * 1024;
/// Blocks kept per file: 2 × 64 × 64 KiB = 8 MiB at most.
const CACHED_BLOCKS: usize = 64;

/// The shared-string table, on disk; see the module documentation.
pub(crate) struct SharedStrings {
    text: BlockFile,
    offsets: BlockFile,
    count: u64,
    writer: Option<(BufWriter<File>, BufWriter<File>, u64)>,
}

impl SharedStrings {
    fn new() -> Result<Self, SheetError> {
        let text = tempfile::tempfile()?;
        let offsets = tempfile::tempfile()?;
        let writer = Some((
            BufWriter::with_capacity(1 << 16, text.try_clone()?),
            BufWriter::with_capacity(1 << 16, offsets.try_clone()?),
            0,
        ));
        Ok(Self {
            text: BlockFile::new(text),
            offsets: BlockFile::new(offsets),
            count: 0,
            writer,
        })
    }

    fn push(&mut self, s: &str) -> Result<(), SheetError> {
        let (text, offsets, end) = self.writer.as_mut().expect("still writing");
        offsets.write_all(&end.to_le_bytes())?;
        text.write_all(s.as_bytes())?;
        *end += s.len() as u64;
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<Self, SheetError> {
        if let Some((mut text, mut offsets, end)) = self.writer.take() {
            offsets.write_all(&end.to_le_bytes())?;
            text.flush()?;
            offsets.flush()?;
        }
        Ok(self)
    }

    fn get(&mut self, i: u64) -> Result<String, SheetError> {
        if i >= self.count {
            return Err(bad(format!("共享字符串表中没有第{i}项")));
        }
        let mut pair = Vec::with_capacity(16);
        self.offsets.append(i * 8, 16, &mut pair)?;
        let start = u64::from_le_bytes(pair[..8].try_into().expect("8 bytes"));
        let end = u64::from_le_bytes(pair[8..].try_into().expect("8 bytes"));
        let len = end.checked_sub(start).ok_or_else(|| bad("共享字符串表已损坏"))?;
        let mut bytes = Vec::with_capacity(usize::try_from(len).map_err(|_| bad("共享字符串过长"))?);
        self.text.append(start, len, &mut bytes)?;
        String::from_utf8(bytes).map_err(|_| bad("共享字符串表已损坏"))
    }
}

/// A file read through a small cache of blocks (least recently used out).
struct BlockFile {
    file: File,
    blocks: Vec<(u64, Vec<u8>, u64)>,
    index: HashMap<u64, usize>,
    clock: u64,
    /// The block used last, and its slot: most lookups ask for it again.
    last: Option<(u64, usize)>,
}

impl BlockFile {
    fn new(file: File) -> Self {
        Self {
            file,
            blocks: Vec::new(),
            index: HashMap::new(),
            clock: 0,
            last: None,
        }
    }

    fn block(&mut self, n: u64) -> Result<&[u8], SheetError> {
        self.clock += 1;
        let cached = match self.last {
            Some((block, slot)) if block == n => Some(slot),
            _ => self.index.get(&n).copied(),
        };
        let slot = match cached {
            Some(slot) => slot,
            None => {
                let slot = if self.blocks.len() < CACHED_BLOCKS {
                    self.blocks.push((n, Vec::new(), 0));
                    self.blocks.len() - 1
                } else {
                    let (slot, _) = self
                        .blocks
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, b)| b.2)
                        .expect("a full cache");
                    self.index.remove(&self.blocks[slot].0);
                    slot
                };
                let data = &mut self.blocks[slot].1;
                data.clear();
                self.file.seek(SeekFrom::Start(n * BLOCK))?;
                (&self.file).take(BLOCK).read_to_end(data)?;
                self.blocks[slot].0 = n;
                self.index.insert(n, slot);
                slot
            }
        };
        self.blocks[slot].2 = self.clock;
        self.last = Some((n, slot));
        Ok(&self.blocks[slot].1)
    }

    /// Appends `len` bytes from `offset` to `out`.
    fn append(&mut self, offset: u64, len: u64, out: &mut Vec<u8>) -> Result<(), SheetError> {
        let mut done = 0;
        while done < len {
            let at = offset + done;
            let block = self.block(at / BLOCK)?;
            let from = (at % BLOCK) as usize;
            let n = ((len - done) as usize).min(block.len().saturating_sub(from));
            if n == 0 {
                return Err(bad("共享字符串表已损坏"));
            }
            out.extend_from_slice(&block[from..from + n]);
            done += n as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("12"), None);
        assert_eq!(row_and_column("7"), Some((6, None)));
        assert_eq!(range("A1:L9"), Some(Dimensions::new((0, 0), (8, 11))));
    }

    #[test]
    fn date_formats_as_calamine_reads_them() {
        for date in [
            "yyyy-mm-dd",
            "DD/MM/YY",
            "H:MM:SS;@",
            "yyyy\"年\"m\"月\"d\"日\"",
            "[$-804]yyyy/m/d",
        ] {
            assert_eq!(custom_format_kind(date), NumberKind::Date, "{date}");
        }
        for plain in ["0", "#,##0.00", "@", "\"dm\"0", "0;[Red]-0", "#,##0\\ [$\\u20bd-46D]"] {
            assert_eq!(custom_format_kind(plain), NumberKind::Plain, "{plain}");
        }
        assert_eq!(custom_format_kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(builtin_format_kind("14"), NumberKind::Date);
        assert_eq!(builtin_format_kind("49"), NumberKind::Plain);
        assert_eq!(builtin_format_kind("46"), NumberKind::Duration);
    }

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "📷");
        assert_eq!(unescape_excel("统一_x社会"), "统一_x社会");
    }

    #[test]
    fn shared_strings_round_trip_beyond_the_cache() {
        let mut t = SharedStrings::new().unwrap();
        let texts: Vec<String> = (0..200_000)
            .map(|i| format!("哈尔滨市道里区示例第{i}建筑工程有限公司"))
            .collect();
        for s in &texts {
            t.push(s).unwrap();
        }
        t.push("").unwrap();
        let mut t = t.finish().unwrap();
        // In order, backwards (every lookup a miss), and an empty entry.
        for i in (0..texts.len()).step_by(7) {
            assert_eq!(t.get(i as u64).unwrap(), texts[i]);
        }
        for i in (0..texts.len()).rev().step_by(1013) {
            assert_eq!(t.get(i as u64).unwrap(), texts[i]);
        }
        assert_eq!(t.get(200_000).unwrap(), "");
        assert!(t.get(200_001).is_err());
        assert!(t.text.blocks.len() <= CACHED_BLOCKS);
    }
}
