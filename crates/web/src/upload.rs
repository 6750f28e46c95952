//! Receiving an uploaded spreadsheet: streamed to a temporary file chunk by
//! chunk (never held in memory), with a size limit, beside the form's text
//! fields.

use axum::extract::Multipart;
use spotcheck_app::AppError;
use std::collections::HashMap;
use std::io::Write;

/// The largest spreadsheet accepted (a 1,000,000-row 企业 list is about 80 MB).
pub const MAX_UPLOAD_BYTES: usize = 200 * 1024 * 1024;

pub struct Upload {
    pub file: tempfile::NamedTempFile,
    pub file_name: String,
    pub fields: HashMap<String, String>,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

/// Reads a multipart form with one file part named `file`.
pub async fn receive(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("上传中断或格式错误：{e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_string();
            // Keep the extension: the reader uses it to tell a renamed file from a real one.
            let ext: String = std::path::Path::new(&file_name)
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| e.chars().filter(char::is_ascii_alphanumeric).take(8).collect())
                .unwrap_or_default();
            let mut tmp = tempfile::Builder::new()
                .prefix("spotcheck-upload-")
                .suffix(&if ext.is_empty() {
                    String::new()
                } else {
                    format!(".{ext}")
                })
                .tempfile()
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut size = 0usize;
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| bad(format!("上传中断：{e}，请重新上传")))?
            {
                size += chunk.len();
                if size > MAX_UPLOAD_BYTES {
                    return Err(bad(format!(
                        "文件超过{}MB，请拆分后分批导入",
                        MAX_UPLOAD_BYTES / 1024 / 1024
                    )));
                }
                tmp.write_all(&chunk).map_err(|e| AppError::Internal(e.to_string()))?;
            }
            tmp.flush().map_err(|e| AppError::Internal(e.to_string()))?;
            file = Some((tmp, file_name));
        } else {
            let value = field.text().await.map_err(|e| bad(e.to_string()))?;
            fields.insert(name, value);
        }
    }
    let (file, file_name) = file.ok_or_else(|| bad("请选择要导入的文件"))?;
    Ok(Upload {
        file,
        file_name,
        fields,
    })
}

/// A request with all attachments of one objection.
pub const ATTACHMENTS_LIMIT: usize = 60 * 1024 * 1024;

/// Reads a multipart form whose file parts are named `files` (an objection's
/// attachments): each held in memory up to `max_each` bytes, at most
/// `max_files` of them, beside the text fields.
pub async fn receive_attachments(
    mut multipart: Multipart,
    max_each: usize,
    max_files: usize,
) -> Result<(HashMap<String, String>, Vec<spotcheck_app::objections::Attachment>), AppError> {
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("上传中断或格式错误：{e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| bad(format!("上传中断：{e}")))? {
                if bytes.len() + chunk.len() > max_each {
                    return Err(bad(format!(
                        "附件“{file_name}”超过 {} MB，请压缩后再提交",
                        max_each / 1024 / 1024
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            if bytes.is_empty() && file_name.is_empty() {
                continue; // the empty file input of a form sent without a file
            }
            if files.len() == max_files {
                return Err(bad(format!("附件最多 {max_files} 个")));
            }
            files.push(spotcheck_app::objections::Attachment {
                file_name,
                bytes: bytes.into(),
            });
        } else {
            let value = field.text().await.map_err(|e| bad(format!("表单内容无法识别：{e}")))?;
            fields.insert(name, value);
        }
    }
    Ok((fields, files))
}

/// An API request body that is either JSON (text only) or a multipart form
/// whose text fields carry the same names as the JSON and whose parts named
/// `files` are attachments: one route serves a script sending JSON and a
/// client that must attach a scanned letter.
pub struct JsonOrAttachments<T> {
    pub input: T,
    pub files: Vec<spotcheck_app::objections::Attachment>,
}

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<crate::AppState> for JsonOrAttachments<T> {
    type Rejection = crate::error::ApiError;
    async fn from_request(req: axum::extract::Request, state: &crate::AppState) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart {
            let axum::Json(input) = axum::Json::<T>::from_request(req, state).await.map_err(|e| {
                AppError::invalid("body", format!("请求内容应为 JSON 或带附件的表单：{}", e.body_text()))
            })?;
            return Ok(JsonOrAttachments {
                input,
                files: Vec::new(),
            });
        }
        let form = Multipart::from_request(req, state)
            .await
            .map_err(|e| bad(format!("表单无法识别：{}", e.body_text())))?;
        let (fields, files) = receive_attachments(
            form,
            spotcheck_app::objections::MAX_ATTACHMENT_BYTES,
            spotcheck_domain::publication::MAX_OBJECTION_FILES,
        )
        .await?;
        // Text fields become the JSON object the route documents, so both
        // forms are validated by the same use case.
        let object = fields
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect::<serde_json::Map<_, _>>();
        let input = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| AppError::invalid("body", format!("表单字段无法识别：{e}")))?;
        Ok(JsonOrAttachments { input, files })
    }
}
