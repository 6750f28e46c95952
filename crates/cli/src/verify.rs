//! `spotcheck verify FILE…`: checks published draw records (spotcheck-draw-v1).
//!
//! A thin wrapper: it reads the files and prints; what a file may hold (a
//! record, a list of records, a vectors file) and what each line says is
//! decided by `spotcheck_draw::report`, which is pure and tested there.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use spotcheck_draw::report::{self, FileReport, RecordLine, Status};

/// Prints one line per record and exits 0 only when every record is as it
/// must be: `vectors` and plain records verified (or committed, not yet
/// revealed), `invalid` records of a vectors file rejected.
pub fn run(files: &[PathBuf]) -> ExitCode {
    if files.is_empty() {
        eprintln!("usage: spotcheck verify FILE…");
        return ExitCode::from(2);
    }
    let mut reports = Vec::with_capacity(files.len());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in files {
        let name = path.display().to_string();
        let report = match std::fs::read(path) {
            Ok(bytes) => report::check_file(&name, &bytes),
            Err(e) => FileReport {
                file: name,
                lines: vec![RecordLine {
                    label: String::new(),
                    status: Status::Failed {
                        reason: format!("cannot read the file: {e}"),
                    },
                }],
            },
        };
        for line in report.render() {
            let _ = writeln!(out, "{line}");
        }
        reports.push(report);
    }
    let _ = writeln!(out, "{}", report::summary(&reports));
    if reports.iter().all(FileReport::is_ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
