//! Writing spreadsheets: the import templates, exports that can be edited
//! and imported again, and the downloadable error report.

use std::io::Write;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};
use spotcheck_domain::directory::{CellError, ColumnSpec, ListKind, ValueKind, columns, parse_count_cell};

use crate::error::SheetError;

/// Rows of the list sheet that get drop-downs and input hints: 2–100,001.
pub const TEMPLATE_ROWS: u32 = 100_000;
/// The name of the instructions sheet.
pub const INSTRUCTIONS_SHEET: &str = "填写说明";
/// Excel's limits: characters in a cell, rows in a sheet.
const CELL_MAX_CHARS: usize = 32_767;
const SHEET_MAX_ROWS: u32 = 1_048_576;

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Truncates to `max` UTF-16 code units (the unit of Excel's limits on validation texts).
fn truncate_utf16(s: &str, max: usize) -> String {
    let mut n = 0;
    s.chars()
        .take_while(|c| {
            n += c.len_utf16();
            n <= max
        })
        .collect()
}

/// The width of a text in Excel's character units: CJK characters count two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Lines a text takes when wrapped in a column `width` characters wide (row
/// heights are not computed by the writer, and not every program fits them).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0);
    ((display_width(text) as f64 / per_line).ceil() as usize).max(1)
}

fn column_width(c: &ColumnSpec) -> f64 {
    let w = display_width(&c.header()).max(display_width(c.example)) + 2;
    w.clamp(8, 40) as f64
}

struct Formats {
    header: Format,
    header_required: Format,
    text: Format,
    date: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap()
            .set_num_format("@");
        Self {
            header_required: header
                .clone()
                .set_background_color(Color::RGB(0xFCE4D6))
                .set_font_color(Color::RGB(0xC00000)),
            header: header.set_background_color(Color::RGB(0xDDEBF7)),
            text: Format::new().set_num_format("@"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// The list sheet's frame: header row, widths, cell formats, frozen header,
/// drop-downs for single-choice columns and a hint on every column.
fn list_sheet(ws: &mut Worksheet, kind: ListKind, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(kind.label())?;
    for (i, c) in columns(kind).iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, column_width(c))?;
        match c.value {
            ValueKind::Code | ValueKind::Text | ValueKind::Choice => {
                ws.set_column_format(col, &f.text)?;
            }
            ValueKind::Date => {
                ws.set_column_format(col, &f.date)?;
            }
            ValueKind::Count => {}
        }
        let format = if c.required { &f.header_required } else { &f.header };
        ws.write_string_with_format(0, col, c.header(), format)?;
        ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &column_validation(c)?)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn column_validation(c: &ColumnSpec) -> Result<DataValidation, XlsxError> {
    let mut message = c.help.to_string();
    if let (Some(choices), true) = (c.choices, c.multi) {
        message.push_str("。可选：");
        message.push_str(&choices.join("、"));
    }
    let base = match (c.value, c.choices) {
        (ValueKind::Choice, Some(choices)) if !c.multi => DataValidation::new()
            .allow_list_strings(choices)?
            .set_error_title("不在可选范围内")?
            .set_error_message(truncate_utf16(
                &format!("请从下拉列表中选择：{}", choices.join("、")),
                255,
            ))?,
        (ValueKind::Count, _) => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_title("应为整数")?
            .set_error_message("请填写不小于0的整数")?,
        _ => DataValidation::new().allow_any_value(),
    };
    base.set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title(truncate_utf16(c.name, 32))?
        .set_input_message(truncate_utf16(&message, 255))
}

/// Sheet 2: for every column its name, 必填/选填, how to fill it, the allowed
/// values and an example; then general rules.
fn instructions_sheet(ws: &mut Worksheet, kind: ListKind, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    let widths = [26.0, 10.0, 50.0, 50.0, 30.0];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    for (i, h) in ["列名", "必填/选填", "填写说明", "可选值", "示例"].iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &f.header)?;
    }
    let cols = columns(kind);
    for (i, c) in cols.iter().enumerate() {
        let r = i as u32 + 1;
        let allowed = match c.choices {
            Some(ch) if c.multi => format!("{}（可填多个，用顿号\"、\"分隔）", ch.join("、")),
            Some(ch) => ch.join("、"),
            None => String::new(),
        };
        let cells = [
            c.header(),
            if c.required { "必填" } else { "选填" }.to_string(),
            c.help.to_string(),
            allowed,
            c.example.to_string(),
        ];
        for (j, text) in cells.iter().enumerate() {
            ws.write_string_with_format(r, j as u16, text, &f.wrap)?;
        }
        let lines = cells
            .iter()
            .zip(widths)
            .map(|(t, w)| wrapped_lines(t, w))
            .max()
            .unwrap_or(1);
        ws.set_row_height(r, 16.0 * lines as f64)?;
    }
    let notes = [
        "填写规则：".to_string(),
        format!(
            "1. 在「{}」工作表第2行起逐行填写，每行一条记录；不要修改、删除或合并表头，不要合并单元格。",
            kind.label()
        ),
        "2. 列名带*的为必填项；选填项可以留空，是/否类留空视为\"否\"，次数留空视为0。".to_string(),
        "3. 代码类的列（统一社会信用代码、身份证号、行政区划代码等）已设为文本格式，请直接输入或粘贴为\"值\"，不要改成数值格式，否则Excel会把长号码改成科学计数法并丢失末尾数字。".to_string(),
        "4. 日期写成2026-03-10，也可以写2026/3/10或2026年3月10日。".to_string(),
        format!(
            "5. 导入时逐行检查，有问题的行不会导入，可下载错误清单，按\"修改方法\"改正后重新导入；{}相同的记录再次导入时会更新原记录。",
            kind.key_column()
        ),
        "6. 本说明页不会被导入，可以保留。".to_string(),
    ];
    let start = cols.len() as u32 + 2;
    let total: f64 = widths.iter().sum();
    for (i, note) in notes.iter().enumerate() {
        let r = start + i as u32;
        ws.merge_range(r, 0, r, widths.len() as u16 - 1, note, &f.wrap)?;
        ws.set_row_height(r, 16.0 * wrapped_lines(note, total) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn build_template(kind: ListKind) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut workbook = Workbook::new();
    list_sheet(workbook.add_worksheet(), kind, &f)?;
    instructions_sheet(workbook.add_worksheet(), kind, &f)?;
    workbook.save_to_buffer()
}

/// The import template of a list as an .xlsx file: sheet 1 named after the
/// list with the header row (`*` after required columns), text format for
/// codes, drop-downs for single-choice columns; sheet 2 `填写说明` with every
/// column's rules and an example. Sheet 1 holds no example row, since it would
/// be imported.
pub fn template(kind: ListKind) -> Vec<u8> {
    build_template(kind).expect("the template is built from static, tested data")
}

/// Writes an export of `rows` (cells in `columns(kind)` order, as the
/// caller wants them shown — mask the 身份证号 unless the reader may see it)
/// to `out` as an .xlsx with the template's header, formats and
/// instructions, so that it can be edited and imported again. Rows are
/// streamed to a temporary file (rust_xlsxwriter's constant-memory mode), so
/// memory does not grow with the export. Returns the number of rows written.
pub fn export_to<W: Write + Send>(
    kind: ListKind,
    rows: impl IntoIterator<Item = Vec<String>>,
    out: W,
) -> Result<u64, SheetError> {
    let f = Formats::new();
    let cols = columns(kind);
    let mut workbook = Workbook::new();
    let mut ws = workbook.new_worksheet_with_constant_memory()?;
    list_sheet(&mut ws, kind, &f)?;
    let mut n: u64 = 0;
    let mut r: u32 = 1;
    for row in rows {
        if r >= SHEET_MAX_ROWS {
            return Err(SheetError::Write(format!(
                "导出超过Excel单个工作表的上限（{}行），请缩小筛选范围后分批导出",
                SHEET_MAX_ROWS - 1
            )));
        }
        for (i, (spec, value)) in cols.iter().zip(&row).enumerate() {
            if value.is_empty() {
                continue;
            }
            match (spec.value, parse_count_cell(value)) {
                (ValueKind::Count, Some(count)) => ws.write_number(r, i as u16, count)?,
                _ => ws.write_string(r, i as u16, truncate(value, CELL_MAX_CHARS))?,
            };
        }
        r += 1;
        n += 1;
    }
    workbook.push_worksheet(ws);
    instructions_sheet(workbook.add_worksheet(), kind, &f)?;
    workbook.save_to_writer(out)?;
    Ok(n)
}

/// [`export_to`] into memory.
pub fn export(kind: ListKind, rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, SheetError> {
    let mut buf = Vec::new();
    export_to(kind, rows, std::io::Cursor::new(&mut buf))?;
    Ok(buf)
}

/// The downloadable error file, written row by row: 行号, 列名, 填写内容,
/// 问题, 修改方法. Add file-level problems first and rows in ascending order
/// (as [`validate_file`](crate::validate_file) yields them); memory stays flat
/// (constant-memory mode). Past Excel's row limit the rest is summarised in a
/// last line.
pub struct ErrorReport {
    workbook: Workbook,
    sheet: Worksheet,
    wrap: Format,
    next_row: u32,
    problems: u64,
    dropped: u64,
}

impl ErrorReport {
    pub fn new(kind: ListKind) -> Result<Self, SheetError> {
        let f = Formats::new();
        let mut workbook = Workbook::new();
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(format!("{}导入错误清单", kind.label()))?;
        let widths = [8.0, 24.0, 28.0, 50.0, 50.0];
        for (i, w) in widths.iter().enumerate() {
            sheet.set_column_width(i as u16, *w)?;
        }
        sheet.set_column_format(2, &f.text)?;
        for (i, h) in ["行号", "列名", "填写内容", "问题", "修改方法"].iter().enumerate() {
            sheet.write_string_with_format(0, i as u16, *h, &f.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Self {
            workbook,
            sheet,
            wrap: f.wrap,
            next_row: 1,
            problems: 0,
            dropped: 0,
        })
    }

    fn line(&mut self, row: Option<u32>, cells: [&str; 4]) -> Result<(), SheetError> {
        if self.next_row >= SHEET_MAX_ROWS - 1 {
            self.dropped += 1;
            return Ok(());
        }
        let r = self.next_row;
        match row {
            Some(n) => self.sheet.write_number(r, 0, n)?,
            None => self.sheet.write_string(r, 0, "整个文件")?,
        };
        for (i, text) in cells.iter().enumerate() {
            let text = truncate(text, 2000);
            if !text.is_empty() {
                self.sheet.write_string_with_format(r, i as u16 + 1, text, &self.wrap)?;
            }
        }
        self.next_row += 1;
        self.problems += 1;
        Ok(())
    }

    /// A problem of the whole file (wrong header, damaged file …).
    pub fn add_file_error(&mut self, message: &str) -> Result<(), SheetError> {
        self.line(None, ["", "", message, "请按提示修改后重新导入"])
    }

    /// Every problem of one rejected row.
    pub fn add_row(&mut self, row: u32, errors: &[CellError]) -> Result<(), SheetError> {
        for e in errors {
            self.line(Some(row), [e.column, &e.value, &e.problem, &e.fix])?;
        }
        Ok(())
    }

    /// Problems written so far.
    pub fn len(&self) -> u64 {
        self.problems
    }

    pub fn is_empty(&self) -> bool {
        self.problems == 0
    }

    pub fn finish_to<W: Write + Send>(mut self, out: W) -> Result<(), SheetError> {
        if self.dropped > 0 {
            let r = self.next_row;
            self.sheet.write_string(
                r,
                3,
                format!(
                    "还有{}个问题超出Excel的行数上限，未列出；请先改正以上问题后重新导入",
                    self.dropped
                ),
            )?;
        }
        self.workbook.push_worksheet(self.sheet);
        self.workbook.save_to_writer(out)?;
        Ok(())
    }

    pub fn finish(self) -> Result<Vec<u8>, SheetError> {
        let mut buf = Vec::new();
        self.finish_to(std::io::Cursor::new(&mut buf))?;
        Ok(buf)
    }
}

/// The error file for problems already collected: file-level problems first,
/// then every rejected row's problems sorted by row.
pub fn error_report(
    kind: ListKind,
    rejected: &[(u32, Vec<CellError>)],
    file_errors: &[String],
) -> Result<Vec<u8>, SheetError> {
    let mut report = ErrorReport::new(kind)?;
    for e in file_errors {
        report.add_file_error(e)?;
    }
    let mut order: Vec<&(u32, Vec<CellError>)> = rejected.iter().collect();
    order.sort_by_key(|(row, _)| *row);
    for (row, errors) in order {
        report.add_row(*row, errors)?;
    }
    report.finish()
}
