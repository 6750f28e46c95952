//! Where evidence goes: a plain struct the CLI or a config file fills in, checked once by
//! [`EvidenceConfig::validate`] so that a wrong setting stops `spotcheck serve` at start-up with a
//! Chinese message instead of failing the first inspector's upload.

use std::path::{Path, PathBuf};

use crate::error::EvidenceError;

/// Two gigabytes: a long 执法记录仪 video at phone quality fits; anything larger is more likely a
/// mistake than evidence.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024 * 1024;

/// The evidence store's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceConfig {
    pub backend: Backend,
    /// The largest file accepted, in bytes (enforced while the file streams in).
    pub max_file_size: u64,
}

/// Where the files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A directory on this machine (one-machine deployments: `<data dir>/evidence`).
    Local { dir: PathBuf },
    /// An S3-compatible object store (several stateless servers share it).
    S3(S3Config),
}

/// An S3-compatible store: AWS S3, MinIO, Ceph RGW, 阿里云 OSS, 腾讯云 COS, 华为云 OBS...
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `https://s3.example.com` (or `http://` on a closed network); the scheme decides TLS.
    pub endpoint: String,
    /// The region the store signs requests for; self-hosted stores usually accept `us-east-1`.
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// `true`: `https://endpoint/bucket/key` (MinIO, most self-hosted stores);
    /// `false`: `https://bucket.endpoint/key` (virtual-hosted, e.g. 阿里云 OSS).
    pub path_style: bool,
    /// How the store refuses a copy onto an existing key (object_store's `copy_if_not_exists`
    /// syntax): `multipart` (AWS S3 and stores with `If-None-Match` on CompleteMultipartUpload,
    /// the default), `header: NAME: VALUE` for stores with their own header (Cloudflare R2), or
    /// `disabled` for a store that can do neither: then a new key is checked with HEAD before the
    /// copy, which is safe only because keys are fresh random UUIDs.
    pub copy_if_not_exists: String,
}

impl std::fmt::Debug for S3Config {
    /// Without the secret, which must not reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("access_key_id", &self.access_key_id)
            .field("path_style", &self.path_style)
            .field("copy_if_not_exists", &self.copy_if_not_exists)
            .finish_non_exhaustive()
    }
}

impl EvidenceConfig {
    /// Files under `<data_dir>/evidence`, with the default size limit.
    pub fn local(data_dir: impl AsRef<Path>) -> Self {
        EvidenceConfig {
            backend: Backend::Local {
                dir: data_dir.as_ref().join("evidence"),
            },
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// Files in an S3-compatible store, with the default size limit.
    pub fn s3(s3: S3Config) -> Self {
        EvidenceConfig {
            backend: Backend::S3(s3),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// Checks every field; the error names the field and what is wrong, in Chinese.
    pub fn validate(&self) -> Result<(), EvidenceError> {
        let bad = |m: String| Err(EvidenceError::Config(m));
        if self.max_file_size == 0 {
            return bad("证据文件大小上限（max_file_size）必须大于 0".into());
        }
        match &self.backend {
            Backend::Local { dir } => {
                if dir.as_os_str().is_empty() {
                    return bad("本地证据目录（dir）不能为空".into());
                }
            }
            Backend::S3(s3) => {
                let e = s3.endpoint.trim();
                let host = e.strip_prefix("https://").or_else(|| e.strip_prefix("http://"));
                match host {
                    None => return bad(format!("S3 地址（endpoint）“{e}”必须以 http:// 或 https:// 开头")),
                    Some(h) if h.trim_end_matches('/').is_empty() || h.contains(char::is_whitespace) => {
                        return bad(format!("S3 地址（endpoint）“{e}”缺少主机名或含有空格"));
                    }
                    Some(_) => {}
                }
                if s3.region.trim().is_empty() {
                    return bad("S3 区域（region）不能为空；自建存储通常填 us-east-1".into());
                }
                if let Some(why) = bucket_problem(&s3.bucket) {
                    return bad(format!("S3 存储桶名称（bucket）“{}”不合法：{why}", s3.bucket));
                }
                if s3.access_key_id.trim().is_empty() {
                    return bad("S3 访问密钥 ID（access_key_id）不能为空".into());
                }
                if s3.secret_access_key.is_empty() {
                    return bad("S3 访问密钥（secret_access_key）不能为空".into());
                }
                let c = s3.copy_if_not_exists.trim();
                // The create-only copy of `multipart` is one UploadPartCopy, which S3 caps at 5 GiB.
                if c == "multipart" && self.max_file_size > 5 << 30 {
                    return bad(format!(
                        "S3 以 multipart 方式防覆盖复制时，证据文件大小上限（max_file_size）不能超过 5 GB，现为 {} 字节",
                        self.max_file_size
                    ));
                }
                if !(c == "multipart"
                    || c == "disabled"
                    || c.starts_with("header:")
                    || c.starts_with("header-with-status:"))
                {
                    return bad(format!(
                        "S3 防覆盖复制方式（copy_if_not_exists）“{c}”不认识：应为 multipart、disabled 或 header: 名称: 值"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// S3's bucket naming rules, which every compatible store follows.
fn bucket_problem(b: &str) -> Option<&'static str> {
    if !(3..=63).contains(&b.len()) {
        return Some("长度须为 3 到 63 个字符");
    }
    if !b
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
    {
        return Some("只能包含小写字母、数字、连字符和点");
    }
    let first_last_ok = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !first_last_ok(b.as_bytes()[0]) || !first_last_ok(b.as_bytes()[b.len() - 1]) {
        return Some("须以小写字母或数字开头和结尾");
    }
    if b.contains("..") {
        return Some("不能有连续的点");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3() -> S3Config {
        S3Config {
            endpoint: "https://s3.example.com".into(),
            region: "us-east-1".into(),
            bucket: "spotcheck-evidence".into(),
            access_key_id: "AK".into(),
            secret_access_key: "SK".into(),
            path_style: true,
            copy_if_not_exists: "multipart".into(),
        }
    }

    fn message(c: &EvidenceConfig) -> String {
        c.validate().unwrap_err().to_string()
    }

    #[test]
    fn good_configs_pass() {
        EvidenceConfig::local("/var/lib/spotcheck").validate().unwrap();
        EvidenceConfig::s3(s3()).validate().unwrap();
        assert_eq!(
            EvidenceConfig::local("/d").backend,
            Backend::Local {
                dir: PathBuf::from("/d/evidence")
            }
        );
    }

    #[test]
    fn bad_configs_say_which_field_in_chinese() {
        let m = message(&EvidenceConfig::s3(S3Config {
            endpoint: "s3.example.com".into(),
            ..s3()
        }));
        assert!(m.contains("endpoint") && m.contains("http://"), "{m}");
        let m = message(&EvidenceConfig::s3(S3Config {
            bucket: "Evidence_Files".into(),
            ..s3()
        }));
        assert!(m.contains("存储桶") && m.contains("小写"), "{m}");
        let m = message(&EvidenceConfig::s3(S3Config {
            secret_access_key: String::new(),
            ..s3()
        }));
        assert!(m.contains("secret_access_key"), "{m}");
        let m = message(&EvidenceConfig {
            max_file_size: 0,
            ..EvidenceConfig::local("/d")
        });
        assert!(m.contains("大小上限"), "{m}");
        let m = message(&EvidenceConfig {
            max_file_size: 6 << 30,
            ..EvidenceConfig::s3(s3())
        });
        assert!(m.contains("5 GB"), "{m}");
        let m = message(&EvidenceConfig::s3(S3Config {
            copy_if_not_exists: "yes".into(),
            ..s3()
        }));
        assert!(m.contains("copy_if_not_exists"), "{m}");
    }

    #[test]
    fn debug_hides_the_secret() {
        let shown = format!(
            "{:?}",
            S3Config {
                secret_access_key: "very-secret".into(),
                ..s3()
            }
        );
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}
