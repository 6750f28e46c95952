//! Reading a list from a spreadsheet: [`SheetReader`] finds the header row,
//! maps it to the list's columns, and yields the data rows as text in
//! [`columns`] order, one at a time.
//!
//! The file is parsed on a background thread that hands rows over through a
//! small bounded channel, so memory stays flat whatever the file's length
//! (xlsx and csv are streamed; xls and ods are read whole by calamine, which
//! bounds them by what those formats hold) and parsing overlaps with the
//! caller's validation and saving. Dropping the reader stops the thread at its
//! next hand-over.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{
    Data, Dimensions, Ods, OdsError, Reader, Sheet, SheetType, SheetVisible, Xls, XlsError, Xlsx, XlsxError,
};
use spotcheck_domain::directory::{CellError, ColumnSpec, ListKind, ValueKind, columns, mask_id_text, trim_cell};

use crate::detect::{Format, detect};
use crate::error::SheetError;

/// One data row: its number as the user sees it (1-based), its cells as text
/// in [`columns`] order (missing columns are empty), and the problems found
/// while reading cells (a 身份证号 stored as a number and so already rounded by
/// Excel, a formula without a saved result, an error value such as `#N/A`):
/// these cells cannot be trusted whatever their text says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    pub row: u32,
    pub cells: Vec<String>,
    pub problems: Vec<CellError>,
}

/// A cell as read from the file, before it is placed in a column.
#[derive(Debug)]
pub(crate) enum RawCell {
    Text(String),
    Problem {
        text: String,
        problem: String,
        fix: &'static str,
    },
}

impl RawCell {
    fn text(&self) -> &str {
        match self {
            Self::Text(t) | Self::Problem { text: t, .. } => t,
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self, Self::Text(t) if blank(t))
    }
}

/// True for a text of nothing but spaces (looks at the first character only
/// when that settles it: this runs for every cell).
fn blank(s: &str) -> bool {
    match s.chars().next() {
        None => true,
        Some(c) if c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}') => trim_cell(s).is_empty(),
        Some(_) => false,
    }
}

/// What the header row told us.
#[derive(Debug)]
pub(crate) struct HeaderInfo {
    /// 1-based row number of the header.
    pub row: u32,
    /// For each of `columns(kind)`, the 0-based column of the file holding it.
    pub positions: Vec<Option<u32>>,
    pub warnings: Vec<String>,
    pub sheet: String,
    /// Merged regions, when the format gives them cheaply (xls).
    pub merges: Option<Vec<Dimensions>>,
}

pub(crate) enum Msg {
    Header(Box<HeaderInfo>),
    Rows(Vec<SheetRow>, Option<f64>),
    End,
    Failed(SheetError),
}

const BATCH: usize = 512;
const CHANNEL_BATCHES: usize = 4;
/// How many non-empty rows at the top may precede the header (a title row,
/// a note) before the first non-empty row is taken as the header anyway.
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads the rows of one list from a file; see the module documentation.
/// Iterating yields `Ok(SheetRow)` for every non-empty data row, in order,
/// and ends with `Err` if the file turns out to be damaged part-way, or has
/// no data row at all ([`SheetError::NoDataRows`]).
pub struct SheetReader {
    kind: ListKind,
    format: Format,
    path: PathBuf,
    header: HeaderInfo,
    rx: Receiver<Msg>,
    buffer: std::vec::IntoIter<SheetRow>,
    fraction: Option<f64>,
    rows: u64,
    done: bool,
}

impl SheetReader {
    /// Opens `path`, decides its format from its content (xlsx, xls, ods or
    /// csv), and reads up to the header. File-level problems (not a
    /// spreadsheet, password, wrong or missing header, nothing in it) are
    /// returned here, each as one clear error.
    pub fn open(kind: ListKind, path: impl AsRef<Path>) -> Result<Self, SheetError> {
        let path = path.as_ref().to_path_buf();
        let format = detect(&path)?;
        let (tx, rx) = sync_channel(CHANNEL_BATCHES);
        let thread_path = path.clone();
        std::thread::Builder::new()
            .name("sheet-reader".to_string())
            .spawn(move || {
                if let Err(e) = produce(format, &thread_path, kind, &tx) {
                    let _ = tx.send(Msg::Failed(e));
                }
            })?;
        let header = match rx.recv() {
            Ok(Msg::Header(h)) => *h,
            Ok(Msg::Failed(e)) => return Err(e),
            Ok(_) | Err(_) => return Err(interrupted()),
        };
        Ok(Self {
            kind,
            format,
            path,
            header,
            rx,
            buffer: Vec::new().into_iter(),
            fraction: Some(0.0),
            rows: 0,
            done: false,
        })
    }

    pub fn kind(&self) -> ListKind {
        self.kind
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name of the worksheet read (the one named after the list, else the first).
    pub fn sheet_name(&self) -> &str {
        &self.header.sheet
    }

    /// The header's row number (1-based).
    pub fn header_row(&self) -> u32 {
        self.header.row
    }

    /// Things the user should know that do not stop the import, in Chinese:
    /// columns that are not in the template (ignored), optional columns that
    /// are missing (taken as empty), rows above the header (ignored).
    pub fn warnings(&self) -> &[String] {
        &self.header.warnings
    }

    /// For each of `columns(kind)`, the 0-based column of the file that holds it.
    pub fn column_positions(&self) -> &[Option<u32>] {
        &self.header.positions
    }

    /// How much of the file has been read, 0.0–1.0, when the format tells
    /// (xlsx: by the sheet's declared size; csv: by bytes).
    pub fn fraction_read(&self) -> Option<f64> {
        self.fraction
    }

    pub(crate) fn merges(&self) -> Option<&[Dimensions]> {
        self.header.merges.as_deref()
    }
}

fn interrupted() -> SheetError {
    SheetError::Corrupt {
        detail: "读取过程中意外中断，文件内容可能有错".to_string(),
    }
}

impl Iterator for SheetReader {
    type Item = Result<SheetRow, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.buffer.next() {
                self.rows += 1;
                return Some(Ok(row));
            }
            if self.done {
                return None;
            }
            match self.rx.recv() {
                Ok(Msg::Rows(rows, fraction)) => {
                    self.buffer = rows.into_iter();
                    if fraction.is_some() {
                        self.fraction = fraction;
                    }
                }
                Ok(Msg::End) => {
                    self.done = true;
                    self.fraction = Some(1.0);
                    if self.rows == 0 {
                        return Some(Err(SheetError::NoDataRows {
                            first_row: self.header.row + 1,
                        }));
                    }
                    return None;
                }
                Ok(Msg::Failed(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(Msg::Header(_)) => {}
                Err(_) => {
                    self.done = true;
                    return Some(Err(interrupted()));
                }
            }
        }
    }
}

// ------------------------------------------------------------------ producer

/// Whether the consumer still listens.
#[derive(PartialEq, Eq)]
pub(crate) enum Flow {
    Go,
    Stop,
}

/// Turns a stream of raw rows into the header and batches of [`SheetRow`]s.
pub(crate) struct Assembler<'t> {
    kind: ListKind,
    tx: &'t SyncSender<Msg>,
    sheet: String,
    merges: Option<Vec<Dimensions>>,
    pending: Vec<(u32, Vec<(u32, RawCell)>)>,
    positions: Option<Vec<Option<u32>>>,
    /// For each column of the file (by index), the list column it holds.
    columns_of_file: Vec<Option<usize>>,
    batch: Vec<SheetRow>,
    fraction: Option<f64>,
    /// Text decoded from bytes (csv) may hold U+FFFD where the encoding was wrong.
    check_encoding: bool,
}

impl<'t> Assembler<'t> {
    pub(crate) fn new(kind: ListKind, tx: &'t SyncSender<Msg>, sheet: String, merges: Option<Vec<Dimensions>>) -> Self {
        Self {
            kind,
            tx,
            sheet,
            merges,
            pending: Vec::new(),
            positions: None,
            columns_of_file: Vec::new(),
            batch: Vec::with_capacity(BATCH),
            fraction: None,
            check_encoding: false,
        }
    }

    /// Report cells holding U+FFFD (text decoded with the wrong encoding).
    pub(crate) fn check_encoding(mut self) -> Self {
        self.check_encoding = true;
        self
    }

    /// One row of the file (0-based row index, its non-empty cells by 0-based column).
    pub(crate) fn row(
        &mut self,
        row0: u32,
        cells: Vec<(u32, RawCell)>,
        fraction: Option<f64>,
    ) -> Result<Flow, SheetError> {
        self.fraction = fraction;
        if cells.iter().all(|(_, c)| c.is_blank()) {
            return Ok(Flow::Go);
        }
        if self.positions.is_none() {
            let known = known_headers(self.kind, &cells);
            self.pending.push((row0, cells));
            if known >= 2 {
                let header = self.pending.len() - 1;
                return self.start(header);
            }
            if self.pending.len() >= HEADER_SEARCH_ROWS {
                return self.start(0);
            }
            return Ok(Flow::Go);
        }
        if let Some(row) = place(self.kind, &self.columns_of_file, self.check_encoding, row0, cells) {
            self.batch.push(row);
            if self.batch.len() >= BATCH {
                return Ok(self.flush());
            }
        }
        Ok(Flow::Go)
    }

    /// Takes `pending[header]` as the header row; rows after it are data.
    fn start(&mut self, header: usize) -> Result<Flow, SheetError> {
        let mut pending = std::mem::take(&mut self.pending);
        let rest = pending.split_off(header + 1);
        let (row0, cells) = pending.pop().expect("header row is pending");
        let (positions, mut warnings) = map_header(self.kind, &cells)?;
        if !pending.is_empty() {
            let first = pending[0].0 + 1;
            let last = pending[pending.len() - 1].0 + 1;
            let rows = if first == last {
                format!("第{first}行")
            } else {
                format!("第{first}—{last}行")
            };
            warnings.insert(0, format!("表头在第{}行，{rows}在表头之前，已忽略", row0 + 1));
        }
        let info = HeaderInfo {
            row: row0 + 1,
            positions: positions.clone(),
            warnings,
            sheet: std::mem::take(&mut self.sheet),
            merges: self.merges.take(),
        };
        if self.tx.send(Msg::Header(Box::new(info))).is_err() {
            return Ok(Flow::Stop);
        }
        let width = positions.iter().flatten().max().map_or(0, |m| *m as usize + 1);
        self.columns_of_file = vec![None; width];
        for (i, p) in positions.iter().enumerate() {
            if let Some(p) = p {
                self.columns_of_file[*p as usize] = Some(i);
            }
        }
        self.positions = Some(positions);
        for (r, cells) in rest {
            if self.row(r, cells, self.fraction)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Go)
    }

    fn flush(&mut self) -> Flow {
        if self.batch.is_empty() {
            return Flow::Go;
        }
        let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if self.tx.send(Msg::Rows(rows, self.fraction)).is_err() {
            Flow::Stop
        } else {
            Flow::Go
        }
    }

    pub(crate) fn finish(mut self) -> Result<(), SheetError> {
        if self.positions.is_none() {
            if self.pending.is_empty() {
                return Err(SheetError::NoContent);
            }
            if self.start(0)? == Flow::Stop {
                return Ok(());
            }
        }
        if self.flush() == Flow::Go {
            let _ = self.tx.send(Msg::End);
        }
        Ok(())
    }
}

/// A header cell as a column name: no spaces or line breaks anywhere, no `*`
/// or `＊` marks, no `（必填）`/`（选填）` notes.
fn header_key(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '\u{feff}' | '\u{200b}'))
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    for note in ["（必填）", "（选填）", "（必填项）", "（选填项）"] {
        if let Some(t) = s.strip_suffix(note) {
            s = t.to_string();
        }
    }
    s
}

/// Other names people give a column (alias → template name).
const HEADER_ALIASES: &[(&str, &str)] = &[
    ("社会信用代码", "统一社会信用代码"),
    ("统一信用代码", "统一社会信用代码"),
    ("信用代码", "统一社会信用代码"),
    ("单位名称", "企业名称"),
    ("身份证号码", "身份证号"),
    ("公民身份号码", "身份证号"),
    ("行政区划代码", "所在行政区划代码"),
    ("区划代码", "所在行政区划代码"),
    ("电话", "联系电话"),
    ("手机号", "联系电话"),
    ("手机号码", "联系电话"),
    ("执法证编号", "执法证号"),
    ("证书编号", "注册证书编号"),
    ("投诉举报次数", "近一年投诉举报次数"),
];

fn column_for(cols: &[ColumnSpec], header: &str) -> Option<usize> {
    let key = header_key(header);
    cols.iter().position(|c| c.name == key).or_else(|| {
        let (_, name) = HEADER_ALIASES.iter().find(|(alias, _)| *alias == key)?;
        cols.iter().position(|c| c.name == *name)
    })
}

fn known_headers(kind: ListKind, cells: &[(u32, RawCell)]) -> usize {
    let cols = columns(kind);
    cells
        .iter()
        .filter(|(_, c)| column_for(cols, c.text()).is_some())
        .count()
}

/// Excel's name of a 0-based column: 0 → A, 26 → AA.
pub fn column_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn map_header(kind: ListKind, cells: &[(u32, RawCell)]) -> Result<(Vec<Option<u32>>, Vec<String>), SheetError> {
    let cols = columns(kind);
    let mut positions: Vec<Option<u32>> = vec![None; cols.len()];
    let mut found: Vec<Vec<u32>> = vec![Vec::new(); cols.len()];
    let mut warnings = Vec::new();
    for (col, cell) in cells {
        let text = trim_cell(cell.text());
        if text.is_empty() {
            continue;
        }
        match column_for(cols, text) {
            Some(i) => {
                found[i].push(*col);
                positions[i].get_or_insert(*col);
            }
            None => warnings.push(format!("第{}列\"{text}\"不是模板中的列，已忽略", column_letter(*col))),
        }
    }
    let mut problems = Vec::new();
    let missing: Vec<String> = cols
        .iter()
        .zip(&positions)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| format!("\"{}\"", c.name))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("缺少必填列{}", missing.join("、")));
    }
    for (c, cols_found) in cols.iter().zip(&found) {
        if cols_found.len() > 1 {
            let letters: Vec<String> = cols_found
                .iter()
                .map(|c| format!("第{}列", column_letter(*c)))
                .collect();
            problems.push(format!(
                "列\"{}\"出现了{}次（{}）",
                c.name,
                cols_found.len(),
                letters.join("和")
            ));
        }
    }
    if !problems.is_empty() {
        return Err(SheetError::Header {
            list: kind.label(),
            problems: problems.join("；"),
            hint: other_kind_hint(kind, cells),
        });
    }
    for (c, p) in cols.iter().zip(&positions) {
        if p.is_none() {
            warnings.push(format!("缺少选填列\"{}\"，按未填写处理", c.name));
        }
    }
    Ok((positions, warnings))
}

/// When the header fits another list's template, say so.
fn other_kind_hint(kind: ListKind, cells: &[(u32, RawCell)]) -> String {
    for other in ListKind::ALL.iter().copied().filter(|k| *k != kind) {
        let cols = columns(other);
        let present: Vec<usize> = cells.iter().filter_map(|(_, c)| column_for(cols, c.text())).collect();
        let all_required = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.required)
            .all(|(i, _)| present.contains(&i));
        if all_required {
            return format!(
                "（这个文件的表头与「{}」模板一致，请确认导入的名录类型是否选错）",
                other.label()
            );
        }
    }
    String::new()
}

fn looks_scientific(s: &str) -> bool {
    let b = s.as_bytes();
    // Quick rejection: every cell of a code column passes here.
    if b.len() > 40 || !matches!(b.get(1), Some(b'.' | b'E' | b'e')) {
        return false;
    }
    let s = trim_cell(s);
    let Some((mantissa, exp)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    int.len() == 1
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

/// Places a raw row into `columns(kind)` order; `None` when it is empty there.
fn place(
    kind: ListKind,
    columns_of_file: &[Option<usize>],
    check_encoding: bool,
    row0: u32,
    cells: Vec<(u32, RawCell)>,
) -> Option<SheetRow> {
    let cols = columns(kind);
    let mut out = vec![String::new(); cols.len()];
    let mut problems = Vec::new();
    let mut any = false;
    for (col, cell) in cells {
        let Some(&Some(i)) = columns_of_file.get(col as usize) else {
            continue;
        };
        let spec = &cols[i];
        let is_id = spec.name == "身份证号";
        let shown = |t: &str| {
            if is_id {
                mask_id_text(t)
            } else {
                trim_cell(t).to_string()
            }
        };
        match cell {
            RawCell::Text(t) => {
                if blank(&t) {
                    continue;
                }
                any = true;
                if spec.value == ValueKind::Code && looks_scientific(&t) {
                    problems.push(CellError::new(
                        spec.name,
                        shown(&t),
                        "号码被显示成了科学计数法，原来的数字已经丢失",
                        "请在Excel中把此列设为文本格式，重新输入完整的号码后再保存",
                    ));
                } else if check_encoding && t.contains('\u{fffd}') {
                    problems.push(CellError::new(
                        spec.name,
                        shown(&t),
                        "含有无法识别的字符（文件的文字编码有误）",
                        "请在Excel或WPS中把文件另存为.xlsx（或\"CSV UTF-8\"）后重新导入",
                    ));
                }
                out[i] = t;
            }
            RawCell::Problem { text, problem, fix } => {
                any = true;
                problems.push(CellError::new(spec.name, shown(&text), problem, fix));
                out[i] = text;
            }
        }
    }
    if problems.len() > 1 {
        problems.sort_by_key(|e| cols.iter().position(|c| c.name == e.column));
    }
    any.then_some(SheetRow {
        row: row0 + 1,
        cells: out,
        problems,
    })
}

/// Text of a cell value: strings as they are, whole numbers without `.0`,
/// dates as `YYYY-MM-DD`, booleans as 是/否. Numbers of 16 and more digits
/// (which Excel has already cut to 15 significant digits) and error values
/// become problems.
pub(crate) fn cell_text(value: Data, is_formula: bool) -> RawCell {
    match value {
        Data::Empty if is_formula => RawCell::Problem {
            text: String::new(),
            problem: "单元格是公式，但文件中没有保存公式的计算结果".to_string(),
            fix: "请在Excel或WPS中打开此文件并保存一次，或把公式改成直接填写的内容",
        },
        Data::Empty => RawCell::Text(String::new()),
        Data::String(s) => RawCell::Text(s),
        Data::Int(i) => RawCell::Text(i.to_string()),
        Data::Float(f) => float_text(f),
        Data::Bool(b) => RawCell::Text(if b { "是" } else { "否" }.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            RawCell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) => {
            let date_part = s.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-'));
            RawCell::Text(date_part.map_or(s.clone(), str::to_string))
        }
        Data::DurationIso(s) => RawCell::Text(s),
        Data::Error(e) => RawCell::Problem {
            text: e.to_string(),
            problem: format!("单元格是错误值{e}（公式计算出错）"),
            fix: "请改正公式，或直接填写内容",
        },
    }
}

fn float_text(f: f64) -> RawCell {
    if !f.is_finite() {
        return RawCell::Text(String::new());
    }
    if f.fract() == 0.0 {
        if f.abs() >= 1e15 {
            return RawCell::Problem {
                text: format!("{f:.0}"),
                problem: "号码被存成了数字，超过15位的数字Excel只保留前15位，末尾几位已经改变，原来的号码无法恢复"
                    .to_string(),
                fix: "请把此列设为文本格式，重新输入完整的号码",
            };
        }
        return RawCell::Text(format!("{f:.0}"));
    }
    RawCell::Text(format!("{f}"))
}

/// The worksheet to read: the one named after the list (`企业`), else the
/// first visible worksheet that is not the instructions.
fn choose_sheet(sheets: &[Sheet], kind: ListKind) -> Result<String, SheetError> {
    let worksheets: Vec<&Sheet> = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet).collect();
    if let Some(s) = worksheets.iter().find(|s| s.name.trim() == kind.label()) {
        return Ok(s.name.clone());
    }
    worksheets
        .iter()
        .find(|s| s.visible == SheetVisible::Visible && s.name.trim() != "填写说明")
        .or(worksheets.first())
        .map(|s| s.name.clone())
        .ok_or(SheetError::NoContent)
}

fn produce(format: Format, path: &Path, kind: ListKind, tx: &SyncSender<Msg>) -> Result<(), SheetError> {
    match format {
        Format::Xlsx => produce_xlsx(path, kind, tx),
        Format::Xls => produce_xls(path, kind, tx),
        Format::Ods => produce_ods(path, kind, tx),
        Format::Csv => crate::csv_source::produce(path, kind, tx),
    }
}

fn open_buffered(path: &Path) -> Result<BufReader<File>, SheetError> {
    Ok(BufReader::with_capacity(1 << 16, File::open(path)?))
}

fn produce_xlsx(path: &Path, kind: ListKind, tx: &SyncSender<Msg>) -> Result<(), SheetError> {
    let mut workbook = crate::xlsx::Workbook::open(path)?;
    let sheet = choose_sheet(&workbook.sheets(), kind)?;
    let strings = workbook.shared_strings()?;
    let mut cells = workbook.cells(&sheet, strings)?;
    let last_row = cells.dimensions().end.0;
    let fraction = |row: u32| (last_row > 0).then(|| (f64::from(row) / f64::from(last_row)).min(1.0));
    let mut asm = Assembler::new(kind, tx, sheet.clone(), None);
    let mut current: Option<u32> = None;
    let mut row_cells: Vec<(u32, RawCell)> = Vec::new();
    while let Some(cell) = cells.next_cell()? {
        let (r, c) = (cell.row, cell.col);
        if current != Some(r) {
            if let Some(prev) = current
                && asm.row(prev, std::mem::take(&mut row_cells), fraction(prev))? == Flow::Stop
            {
                return Ok(());
            }
            current = Some(r);
        }
        let raw = cell_text(cell.value, cell.formula);
        if !raw.is_blank() {
            row_cells.push((c, raw));
        }
    }
    if let Some(prev) = current
        && asm.row(prev, row_cells, fraction(prev))? == Flow::Stop
    {
        return Ok(());
    }
    asm.finish()
}

fn xls_error(e: XlsError) -> SheetError {
    match e {
        XlsError::Password => SheetError::Password,
        XlsError::Io(e) => SheetError::Io(e),
        other => SheetError::Corrupt {
            detail: format!("xls文件无法解析：{other}"),
        },
    }
}

fn produce_xls(path: &Path, kind: ListKind, tx: &SyncSender<Msg>) -> Result<(), SheetError> {
    // A password-protected xlsx is an OLE compound file too, like an xls.
    if let Err(XlsxError::Password) = Xlsx::new(open_buffered(path)?) {
        return Err(SheetError::Password);
    }
    let mut workbook: Xls<_> = Xls::new(open_buffered(path)?).map_err(xls_error)?;
    let sheet = choose_sheet(workbook.sheets_metadata(), kind)?;
    let range = workbook.worksheet_range(&sheet).map_err(xls_error)?;
    let merges = workbook.merge_cells_by_sheet_name(&sheet).ok();
    produce_range(&range, Assembler::new(kind, tx, sheet, merges))
}

fn produce_ods(path: &Path, kind: ListKind, tx: &SyncSender<Msg>) -> Result<(), SheetError> {
    let mut workbook: Ods<_> = Ods::new(open_buffered(path)?).map_err(|e| match e {
        OdsError::Password => SheetError::Password,
        other => SheetError::Corrupt {
            detail: format!("ods文件无法解析：{other}"),
        },
    })?;
    let sheet = choose_sheet(workbook.sheets_metadata(), kind)?;
    let range = workbook.worksheet_range(&sheet).map_err(|e| SheetError::Corrupt {
        detail: format!("ods工作表无法解析：{e}"),
    })?;
    produce_range(&range, Assembler::new(kind, tx, sheet, None))
}

fn produce_range(range: &calamine::Range<Data>, mut asm: Assembler) -> Result<(), SheetError> {
    let Some((row_start, col_start)) = range.start() else {
        return asm.finish();
    };
    let height = range.height().max(1) as f64;
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<(u32, RawCell)> = row
            .iter()
            .enumerate()
            .filter(|(_, v)| !matches!(v, Data::Empty))
            .map(|(j, v)| (col_start + j as u32, cell_text(v.clone(), false)))
            .collect();
        let fraction = Some((i + 1) as f64 / height);
        if asm.row(row_start + i as u32, cells, fraction)? == Flow::Stop {
            return Ok(());
        }
    }
    asm.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys() {
        assert_eq!(header_key(" 统一社会信用代码* "), "统一社会信用代码");
        assert_eq!(header_key("＊统一社会信用代码\n(必填)"), "统一社会信用代码");
        assert_eq!(header_key("注册土木工程师(岩土)"), "注册土木工程师（岩土）");
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn numbers_as_text() {
        let text = |f: f64| match float_text(f) {
            RawCell::Text(t) => t,
            RawCell::Problem { .. } => "problem".to_string(),
        };
        assert_eq!(text(230102.0), "230102");
        assert_eq!(text(3.5), "3.5");
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(999_999_999_999_999.0), "999999999999999");
        assert_eq!(text(2.30102198001011e17), "problem");
        assert!(looks_scientific("2.30102E+17"));
        assert!(looks_scientific("9E+17"));
        assert!(!looks_scientific("91230102MA1B2C3D8J"));
        assert!(!looks_scientific("E+17"));
    }
}
