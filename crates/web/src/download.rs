//! Answers that are files to save: the one place that writes
//! `Content-Disposition`, with an ASCII fallback and the UTF-8 name (RFC 6266),
//! so a Chinese file name arrives intact in every browser.

use http::{HeaderMap, HeaderValue, header};

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
