//! Reading and checking a whole file: every row through
//! [`validate_row`], keys repeated within the file, cells left empty by
//! merging, and progress for the UI's bar — one row at a time, so the caller
//! can save valid records in batches while memory stays flat.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::path::Path;

use calamine::Dimensions;
use spotcheck_domain::directory::{CellError, ListKind, Record, RowContext, columns, trim_cell, validate_row};

use crate::detect::Format;
use crate::error::SheetError;
use crate::read::{SheetReader, SheetRow, column_letter};

/// The outcome of one data row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOutcome {
    /// The row number as the user sees it in the spreadsheet (1-based).
    pub row: u32,
    /// The record, or every problem of the row, in column order.
    pub result: Result<Record, Vec<CellError>>,
}

/// Where a validation stands, for a progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Data rows read so far.
    pub rows: u64,
    pub valid: u64,
    pub rejected: u64,
    /// How much of the file has been read (0.0–1.0), when the format tells.
    pub fraction: Option<f64>,
}

/// A hasher for keys that are already 64-bit hashes.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

enum Merges {
    /// Not read yet (xlsx: merges sit after the cells, so they cost a second
    /// pass over the sheet and are read only when an empty required cell
    /// needs explaining).
    Unread,
    Known(Vec<Dimensions>),
}

/// Validates a file row by row; see [`validate_file`].
pub struct Validation<'c> {
    reader: SheetReader,
    ctx: &'c RowContext<'c>,
    /// Natural keys seen so far, as 64-bit SipHash values, with their row:
    /// about 20 bytes a row, instead of the keys themselves; `None` when the
    /// caller checks repeated keys itself
    /// ([`Validation::without_repeated_key_check`]).
    seen: Option<HashMap<u64, u32, BuildHasherDefault<PassThrough>>>,
    progress: Progress,
    merges: Merges,
    order: Vec<&'static str>,
}

/// Opens `path` as a list of `kind` and checks it row by row. File-level
/// problems come back here; then iterating gives one [`RowOutcome`] per
/// non-empty data row, in order. An `Err` item means the file broke off
/// (damaged part-way) or had no data rows: the import must then save nothing.
///
/// A key (统一社会信用代码, 注册证书编号, 项目代码, 执法证号) repeated within the
/// file rejects its second and later rows, naming the first — unless the
/// caller does that check ([`Validation::without_repeated_key_check`]).
pub fn validate_file<'c>(
    kind: ListKind,
    path: impl AsRef<Path>,
    ctx: &'c RowContext<'c>,
) -> Result<Validation<'c>, SheetError> {
    let reader = SheetReader::open(kind, path)?;
    let merges = match (reader.format(), reader.merges()) {
        (_, Some(m)) => Merges::Known(m.to_vec()),
        (Format::Xlsx, None) => Merges::Unread,
        _ => Merges::Known(Vec::new()),
    };
    Ok(Validation {
        reader,
        ctx,
        seen: Some(HashMap::default()),
        progress: Progress::default(),
        merges,
        order: columns(kind).iter().map(|c| c.name).collect(),
    })
}

/// The problem of a row whose key an earlier row of the same file holds
/// (row `first`): one wording wherever the check runs.
pub fn repeated_key(kind: ListKind, key: &str, first: u32) -> CellError {
    let column = kind.key_column();
    CellError::new(
        column,
        key,
        format!("与第{first}行重复（同一文件中{column}不能重复）"),
        format!("请删除重复的行，或核对{column}是否填错"),
    )
}

impl Validation<'_> {
    /// Leaves the check for keys repeated within the file to the caller,
    /// which then gets such rows as valid records (and counts them valid in
    /// [`Progress`]) and rejects them itself with [`repeated_key`]. An
    /// import checks them in its database transaction instead, so that the
    /// memory of a large file's keys (≈ 50 bytes a row here) is not needed.
    pub fn without_repeated_key_check(mut self) -> Self {
        self.seen = None;
        self
    }

    /// The reader underneath: format, header row, warnings.
    pub fn reader(&self) -> &SheetReader {
        &self.reader
    }

    pub fn progress(&self) -> Progress {
        Progress {
            fraction: self.reader.fraction_read(),
            ..self.progress
        }
    }

    fn column_index(&self, column: &str) -> usize {
        self.order.iter().position(|c| *c == column).unwrap_or(usize::MAX)
    }

    fn check(&mut self, row: SheetRow) -> RowOutcome {
        let kind = self.reader.kind();
        let validated = validate_row(kind, &row.cells, self.ctx);
        let mut result = if row.problems.is_empty() {
            validated
        } else {
            // The reader's findings are about what the cell really held;
            // they replace whatever validation made of its text.
            let mut errors = row.problems;
            if let Err(more) = validated {
                let flagged: Vec<&'static str> = errors.iter().map(|e| e.column).collect();
                errors.extend(more.into_iter().filter(|e| !flagged.contains(&e.column)));
            }
            errors.sort_by_key(|e| self.column_index(e.column));
            Err(errors)
        };
        if let (Ok(record), Some(seen)) = (&result, &mut self.seen) {
            let mut h = DefaultHasher::new();
            record.key().hash(&mut h);
            let first = *seen.entry(h.finish()).or_insert(row.row);
            if first != row.row {
                result = Err(vec![repeated_key(kind, record.key(), first)]);
            }
        }
        if let Err(errors) = &mut result {
            self.explain_merged(row.row, &row.cells, errors);
        }
        RowOutcome { row: row.row, result }
    }

    /// An empty required cell inside a merged region (not its first cell) is
    /// empty because of the merge: say so, and how to fix it.
    fn explain_merged(&mut self, row: u32, cells: &[String], errors: &mut [CellError]) {
        let cols = columns(self.reader.kind());
        let empty_required: Vec<usize> = errors
            .iter()
            .filter_map(|e| {
                let i = cols.iter().position(|c| c.name == e.column)?;
                (cols[i].required && trim_cell(cells.get(i).map_or("", String::as_str)).is_empty()).then_some(i)
            })
            .collect();
        if empty_required.is_empty() {
            return;
        }
        if matches!(self.merges, Merges::Unread) {
            self.merges = Merges::Known(read_xlsx_merges(self.reader.path(), self.reader.sheet_name()));
        }
        let Merges::Known(merges) = &self.merges else {
            return;
        };
        if merges.is_empty() {
            return;
        }
        let positions = self.reader.column_positions();
        for i in empty_required {
            let Some(col) = positions[i] else { continue };
            let r0 = row - 1;
            let Some(m) = merges.iter().find(|m| m.contains(r0, col) && m.start != (r0, col)) else {
                continue;
            };
            let area = format!(
                "{}{}:{}{}",
                column_letter(m.start.1),
                m.start.0 + 1,
                column_letter(m.end.1),
                m.end.0 + 1
            );
            if let Some(e) = errors.iter_mut().find(|e| e.column == cols[i].name) {
                e.problem = format!("必填项，不能为空（该单元格在合并单元格{area}中，合并后只有第一行有内容）");
                e.fix = format!("请取消合并单元格，在每一行都填写{}", cols[i].name);
            }
        }
    }
}

fn read_xlsx_merges(path: &Path, sheet: &str) -> Vec<Dimensions> {
    crate::xlsx::Workbook::open(path)
        .and_then(|mut workbook| workbook.merges(sheet))
        .unwrap_or_default()
}

impl Iterator for Validation<'_> {
    type Item = Result<RowOutcome, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = match self.reader.next()? {
            Ok(row) => row,
            Err(e) => return Some(Err(e)),
        };
        let outcome = self.check(row);
        self.progress.rows += 1;
        if outcome.result.is_ok() {
            self.progress.valid += 1;
        } else {
            self.progress.rejected += 1;
        }
        Some(Ok(outcome))
    }
}
