//! What `spotcheck verify FILE…` prints, as pure functions over bytes so it
//! can be tested without files. A file holds a single record, a JSON list of
//! records, or a vectors file shaped like draw-v1-vectors.json (`vectors`
//! must all verify, `invalid` must all be rejected). One line per record.

use std::fmt;

use crate::error::DrawError;
use crate::json::Json;
use crate::verify::{Verified, verify_json};

/// The verdict on one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Revealed and recomputed exactly.
    Verified { notes: Vec<String> },
    /// Committed, commitment matches, not yet revealed.
    Committed { notes: Vec<String> },
    /// An `invalid` record of a vectors file, rejected as it must be.
    RejectedAsExpected { reason: String, why: String },
    /// Not as it must be.
    Failed { reason: String },
}

impl Status {
    /// Whether the record is as it must be.
    pub fn is_ok(&self) -> bool {
        !matches!(self, Status::Failed { .. })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let notes = |f: &mut fmt::Formatter<'_>, n: &[String]| {
            if n.is_empty() {
                Ok(())
            } else {
                write!(f, " ({})", n.join("; "))
            }
        };
        match self {
            Status::Verified { notes: n } => {
                f.write_str("verified")?;
                notes(f, n)
            }
            Status::Committed { notes: n } => {
                f.write_str("committed, not yet revealed")?;
                notes(f, n)
            }
            Status::RejectedAsExpected { reason, why } => {
                write!(f, "rejected as expected: {reason}")?;
                if !why.is_empty() {
                    write!(f, " [why_invalid: {why}]")?;
                }
                Ok(())
            }
            Status::Failed { reason } => write!(f, "FAILED: {reason}"),
        }
    }
}

/// One printed line: which record, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    /// e.g. `[3] 2026-HLJ-0001` or `invalid[5] 2026-HLJ-0001`.
    pub label: String,
    pub status: Status,
}

/// The verdicts for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub file: String,
    pub lines: Vec<RecordLine>,
}

impl FileReport {
    /// Whether every record in the file is as it must be (and there is one).
    pub fn is_ok(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(|l| l.status.is_ok())
    }

    /// The printed lines: `FILE: LABEL: STATUS`.
    pub fn render(&self) -> Vec<String> {
        if self.lines.is_empty() {
            return vec![format!("{}: FAILED: the file holds no records", self.file)];
        }
        self.lines
            .iter()
            .map(|l| {
                if l.label.is_empty() {
                    format!("{}: {}", self.file, l.status)
                } else {
                    format!("{}: {}: {}", self.file, l.label, l.status)
                }
            })
            .collect()
    }
}

fn verdict(record: &Json<'_>) -> Result<Status, DrawError> {
    let v = verify_json(record)?;
    Ok(match v.outcome {
        Verified::Revealed(_) => Status::Verified { notes: v.notes },
        Verified::Committed(_) => Status::Committed { notes: v.notes },
    })
}

fn label(prefix: &str, record: &Json<'_>) -> String {
    // A draw_id that is not clean text is shown quoted, so that a control
    // character cannot break the one-line-per-record output.
    let id = record.get("draw_id").and_then(Json::as_str).map(|id| {
        if crate::text::check_text(id).is_ok() {
            id.to_owned()
        } else {
            format!("{id:?}")
        }
    });
    match id.as_deref() {
        Some(id) if prefix.is_empty() => id.to_owned(),
        Some(id) => format!("{prefix} {id}"),
        None => prefix.to_owned(),
    }
}

fn must_verify(prefix: String, record: &Json<'_>) -> RecordLine {
    RecordLine {
        label: label(&prefix, record),
        status: verdict(record).unwrap_or_else(|e| Status::Failed { reason: e.to_string() }),
    }
}

fn must_fail(prefix: String, record: &Json<'_>) -> RecordLine {
    let why = record
        .get("why_invalid")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_owned();
    RecordLine {
        label: label(&prefix, record),
        status: match verdict(record) {
            Err(e) => Status::RejectedAsExpected {
                reason: e.to_string(),
                why,
            },
            Ok(s) => Status::Failed {
                reason: format!(
                    "listed as invalid{} but it is {s}",
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(" ({why})")
                    }
                ),
            },
        },
    }
}

/// Whether a top-level object is a vectors file rather than a record.
fn is_vectors_file(v: &Json<'_>) -> bool {
    v.get("kind").is_none() && (v.get("vectors").is_some() || v.get("invalid").is_some())
}

/// Checks one file's bytes; `file` is the name to print.
pub fn check_file(file: &str, bytes: &[u8]) -> FileReport {
    let failed = |reason: String| FileReport {
        file: file.to_owned(),
        lines: vec![RecordLine {
            label: String::new(),
            status: Status::Failed { reason },
        }],
    };
    let v = match Json::parse(bytes) {
        Ok(v) => v,
        Err(e) => {
            return failed(format!("not valid JSON at byte {}: {}", e.offset, e.message));
        }
    };
    let mut lines = Vec::new();
    match &v {
        Json::Array(records) => {
            for (i, r) in records.iter().enumerate() {
                lines.push(must_verify(format!("[{i}]"), r));
            }
        }
        Json::Object(members) if is_vectors_file(&v) => {
            for section in ["vectors", "invalid"] {
                if members.iter().filter(|(k, _)| k == section).count() > 1 {
                    return failed(format!("member {section:?} appears more than once in the vectors file"));
                }
                match v.get(section) {
                    None => {}
                    Some(Json::Array(records)) => {
                        for (i, r) in records.iter().enumerate() {
                            let prefix = format!("{section}[{i}]");
                            lines.push(if section == "vectors" {
                                must_verify(prefix, r)
                            } else {
                                must_fail(prefix, r)
                            });
                        }
                    }
                    Some(_) => return failed(format!("{section} must be an array of records")),
                }
            }
        }
        _ => lines.push(must_verify(String::new(), &v)),
    }
    FileReport {
        file: file.to_owned(),
        lines,
    }
}

/// The closing line after all files.
pub fn summary(reports: &[FileReport]) -> String {
    let total: usize = reports.iter().map(|r| r.lines.len().max(1)).sum();
    let bad: usize = reports
        .iter()
        .map(|r| {
            if r.lines.is_empty() {
                1
            } else {
                r.lines.iter().filter(|l| !l.status.is_ok()).count()
            }
        })
        .sum();
    if bad == 0 {
        format!("all {total} records are as they must be")
    } else {
        format!("{bad} of {total} records are NOT as they must be")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_lines() {
        let r = check_file("x.json", b"not json");
        assert!(!r.is_ok());
        assert!(r.render()[0].starts_with("x.json: FAILED: not valid JSON"));

        let r = check_file("l.json", b"[]");
        assert!(!r.is_ok());
        assert_eq!(r.render(), vec!["l.json: FAILED: the file holds no records"]);

        let r = check_file("l.json", br#"[{"spec": "spotcheck-draw-v1", "draw_id": "d1"}, 3]"#);
        let lines = r.render();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("l.json: [0] d1: FAILED: kind: is required"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("l.json: [1]: FAILED: record: must be a JSON object"),
            "{}",
            lines[1]
        );

        // A repeated member name or a lone surrogate inside one record of a
        // vectors file condemns that record only.
        let r = check_file(
            "d.json",
            br#"{"invalid": [{"draw_id": "a", "x": {"k": 1, "k": 2}}, {"draw_id": "b", "y": "\ud800"}]}"#,
        );
        let lines = r.render();
        assert!(r.is_ok(), "{lines:?}");
        assert!(
            lines[0].contains("rejected as expected: x: member \"k\" appears more than once"),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("rejected as expected"), "{}", lines[1]);

        let r = check_file(
            "v.json",
            br#"{"invalid": [{"draw_id": "z", "why_invalid": "no spec"}]}"#,
        );
        assert!(r.is_ok());
        assert_eq!(
            r.render(),
            vec!["v.json: invalid[0] z: rejected as expected: spec: is required but missing [why_invalid: no spec]"]
        );
    }
}
