//! Answers that are files to save: the one place that writes
//! `Content-Disposition`, with an ASCII fallback and the UTF-8 name (RFC 6266),
//! so a Chinese file name arrives intact in every browser — and the file
//! answers the API and the pages share (evidence, 文书, 归档 packages).

use crate::AppState;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, header};
use spotcheck_app::{Actor, AppError};

/// Marks the answer as a download named `file_name`.
pub fn attachment(h: &mut HeaderMap, file_name: &str) {
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let ext = file_name.rsplit_once('.').map(|(_, e)| e).unwrap_or("bin");
    let ext: String = ext.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"download.{ext}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
}

/// A spreadsheet the server wrote, as a download.
pub fn xlsx(file_name: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    attachment(h, file_name);
    res
}

/// The stored file as a download, streamed from the store.
pub async fn evidence(state: &AppState, actor: &Actor, team_id: i64, evidence_id: i64) -> Result<Response, AppError> {
    let (row, reader) = state.app.read_evidence(actor, team_id, evidence_id).await?;
    Ok(stored(reader, &row.mime, &row.file_name))
}

/// An attachment of an objection, streamed from the store.
pub async fn objection_file(state: &AppState, actor: &Actor, file_id: i64) -> Result<Response, AppError> {
    let (row, reader) = state.app.read_objection_file(actor, file_id).await?;
    Ok(stored(reader, &row.mime, &row.file_name))
}

fn stored(reader: spotcheck_evidence::EvidenceReader, mime: &str, file_name: &str) -> Response {
    let mut res = Body::from_stream(reader.stream).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(reader.size));
    attachment(h, file_name);
    res
}

/// A 文书 of the team's inspection as a PDF download.
pub async fn pdf(state: &AppState, actor: &Actor, team_id: i64, kind: &str) -> Result<Response, AppError> {
    let kind = spotcheck_app::documents::kind_of(kind).ok_or_else(|| AppError::not_found("文书"))?;
    let (name, pdf) = state.app.inspection_document(actor, team_id, kind).await?;
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    attachment(h, &name);
    Ok(res)
}

/// The task's latest 归档 package as a zip download.
pub async fn archive(state: &AppState, actor: &Actor, task_id: i64) -> Result<Response, AppError> {
    let p = state.app.archive_package(actor, task_id).await?;
    let mut res = Body::from_stream(p.stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(p.size));
    attachment(h, &p.file_name);
    Ok(res)
}
