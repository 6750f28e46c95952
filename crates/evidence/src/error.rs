//! The one error type of the crate. Its `Display` is the Chinese message a user may see (the web
//! layer maps variants to HTTP statuses); the storage cause stays in `source` for the log.

/// What went wrong with an evidence file or upload.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The configuration is wrong (message names the field).
    #[error("证据存储配置有误：{0}")]
    Config(String),
    /// The content is not an allowed kind of evidence, whatever its name says.
    #[error(
        "文件内容不是允许的证据类型（检测到：{detected}）。只接受照片（JPEG、PNG、HEIC、WebP）、录音（MP3、M4A、AAC、WAV、AMR、Ogg、WebM）、视频（MP4、MOV、3GP、WebM）和文档（PDF、DOCX、XLSX、DOC、XLS）；类型按文件内容判断，与文件名无关"
    )]
    TypeNotAllowed { detected: String },
    #[error("文件为空，未保存")]
    Empty,
    /// Larger than the configured limit; nothing was kept.
    #[error("文件超过大小上限 {limit_text}（{limit} 字节），未保存", limit_text = human(*limit))]
    TooLarge { limit: u64 },
    /// A create-only write met an existing object: evidence is never overwritten.
    #[error("证据文件 {key} 已存在，不能覆盖")]
    AlreadyExists { key: String },
    #[error("证据文件 {key} 不存在")]
    NotFound { key: String },
    /// The key is not one this crate gives out (`evidence/YYYY/MM/DD/<uuid>`).
    #[error("“{key}”不是证据文件的存储键")]
    InvalidKey { key: String },
    #[error("上传编号“{upload_id}”不存在、已过期或格式不对")]
    UploadNotFound { upload_id: String },
    /// Another request is assembling this upload right now; ask again shortly.
    #[error("该上传正在合并保存，请稍后再查询")]
    UploadFinishing,
    /// `finish` before every byte arrived; `received` is where the client resumes.
    #[error("上传尚未完成：已连续收到 {received} 字节{}，请从第 {received} 字节处继续上传",
        expected.map(|e| format!("，共 {e} 字节")).unwrap_or_default())]
    UploadIncomplete { received: u64, expected: Option<u64> },
    /// A chunk that cannot belong to the upload (beyond the announced size, too big, empty).
    #[error("上传的数据块有误：{0}")]
    BadChunk(String),
    /// The incoming body broke off (the phone lost its connection); nothing was kept.
    #[error("上传中断，文件未保存：{0}")]
    Body(String),
    /// The backend failed (disk full, S3 unreachable...); the cause is for the log.
    #[error("证据存储暂时不可用，请稍后重试")]
    Storage(#[source] object_store::Error),
}

impl From<object_store::Error> for EvidenceError {
    fn from(e: object_store::Error) -> Self {
        EvidenceError::Storage(e)
    }
}

/// `2 GB`, `512 KB`, `300 B`: the limit as a person reads it.
fn human(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let whole = bytes / size;
            let tenth = (bytes % size) * 10 / size;
            return if tenth == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenth} {unit}")
            };
        }
    }
    format!("{bytes} B")
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(super::human(2 << 30), "2 GB");
        assert_eq!(super::human(1536 << 10), "1.5 MB");
        assert_eq!(super::human(100), "100 B");
    }
}
