//! spotcheck-sheets: the spreadsheets of the directories (检查对象名录库 and
//! 执法检查人员名录库) — the import templates, reading and checking filled-in
//! files, the downloadable error report, and exports that can be imported
//! again.
//!
//! What each list holds, and how a row is checked, is
//! [`spotcheck_domain::directory`]; this crate moves those rows in and out of
//! files. It does no database work: the import use case drives
//! [`validate_file`], saves the valid records in batches, and writes the
//! rejected rows to an [`ErrorReport`].
//!
//! ```no_run
//! use spotcheck_domain::directory::{ListKind, RowContext};
//! use spotcheck_sheets::{ErrorReport, validate_file};
//! # fn main() -> Result<(), spotcheck_sheets::SheetError> {
//! # let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
//! let ctx = RowContext {
//!     today,
//!     division_allowed: &|d| d.as_str().starts_with("2301"),
//!     department_allowed: &|code| code.starts_with("230100"),
//! };
//! let mut report = ErrorReport::new(ListKind::Enterprise)?;
//! let mut rows = validate_file(ListKind::Enterprise, "企业.xlsx", &ctx)?;
//! while let Some(outcome) = rows.next() {
//!     let outcome = outcome?; // a damaged file: abort, save nothing
//!     match outcome.result {
//!         Ok(record) => { /* stage `record` for the saving transaction */ }
//!         Err(errors) => report.add_row(outcome.row, &errors)?,
//!     }
//!     let _progress = rows.progress(); // for the progress bar
//! }
//! let _xlsx = report.finish()?;
//! # Ok(())
//! # }
//! ```
//!
//! Formats are recognised by content, not by name: xlsx (streamed by our own
//! reader, its shared strings in a temporary file: `xlsx.rs` says why), xls
//! and ods (read whole by calamine; xls holds at most 65,536 rows), csv (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK;
//! comma, tab or semicolon). Every message meant for users is Chinese.

mod csv_source;
mod detect;
mod error;
mod read;
mod validate;
mod write;
mod xlsx;

pub use detect::Format;
pub use error::SheetError;
pub use read::{SheetReader, SheetRow, column_letter};
pub use validate::{Progress, RowOutcome, Validation, repeated_key, validate_file};
pub use write::{ErrorReport, INSTRUCTIONS_SHEET, TEMPLATE_ROWS, error_report, export, export_to, template};
