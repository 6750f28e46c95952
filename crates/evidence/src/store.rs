//! The store: open a backend, write a new evidence file from a stream, read it back, verify it.

use std::pin::pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt, stream::BoxStream};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    CopyMode, CopyOptions, ObjectStore, ObjectStoreExt, PutMode, PutMultipartOptions, PutOptions, PutPayload,
    WriteMultipart,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Backend, EvidenceConfig, S3Config};
use crate::error::EvidenceError;
use crate::kind::{self, Kind, SNIFF_LEN, Sniffed};

/// Parts of a multipart upload: S3 wants at least 5 MiB per part (but the last); 8 MiB keeps the
/// number of parts of a 2 GB file at 256 and the memory of an upload at a few parts.
pub(crate) const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once while the next one fills: memory stays about (1 + this) × `PART_SIZE`.
const PARTS_IN_FLIGHT: usize = 2;

/// What a stored evidence file is: the database keeps this row, the archive lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvidence {
    /// Where it is: `evidence/YYYY/MM/DD/<uuid>` (date in China Standard Time, UTC+8).
    pub key: String,
    /// SHA-256 of the content, lowercase hex: what `verify` and the audit trail compare against.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// The MIME type read from the content, e.g. `image/jpeg`.
    pub mime: String,
    /// The usual extension for that type, without a dot (`jpg`), for download names.
    pub ext: String,
}

/// A stored file opened for reading.
pub struct EvidenceReader {
    pub size: u64,
    /// The content in chunks as the backend delivers them (an axum `Body::from_stream` takes it).
    pub stream: BoxStream<'static, Result<Bytes, EvidenceError>>,
}

impl std::fmt::Debug for EvidenceReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceReader")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// The evidence store. Cheap to clone (one shared backend client); hold one in the app state.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    pub(crate) backend: Arc<dyn ObjectStore>,
    pub(crate) max_file_size: u64,
    /// Whether the backend refuses a copy onto an existing key by itself.
    native_create_copy: bool,
}

impl EvidenceStore {
    /// Validates the config and connects (S3) or creates the directory (local). S3 is not
    /// contacted here: a wrong key or an unreachable store shows on the first request.
    pub fn open(config: &EvidenceConfig) -> Result<Self, EvidenceError> {
        config.validate()?;
        let (backend, native_create_copy): (Arc<dyn ObjectStore>, bool) = match &config.backend {
            Backend::Local { dir } => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| EvidenceError::Config(format!("无法创建本地证据目录 {}：{e}", dir.display())))?;
                let fs = LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| EvidenceError::Config(format!("无法使用本地证据目录 {}：{e}", dir.display())))?
                    // Removing the chunks of a finished upload also removes their empty folder.
                    .with_automatic_cleanup(true)
                    // The database row that records a file commits with synchronous=FULL;
                    // the file must be on disk as surely as the row that names it (S3
                    // gives the same promise by itself).
                    .with_fsync(true);
                (Arc::new(fs), true)
            }
            Backend::S3(s3) => (Arc::new(s3_store(s3)?), s3.copy_if_not_exists.trim() != "disabled"),
        };
        Ok(EvidenceStore {
            backend,
            max_file_size: config.max_file_size,
            native_create_copy,
        })
    }

    /// The size limit in bytes.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// Stores one new evidence file from a stream of chunks (an axum request body's
    /// `into_data_stream()`), never holding more than a few parts in memory. The type is checked
    /// from the first bytes before anything is written; the size limit and the SHA-256 are applied
    /// as the bytes go by. On any error nothing is left in the store.
    pub async fn store<S, E>(&self, body: S) -> Result<StoredEvidence, EvidenceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        self.write_new(&new_key(&uuid::Uuid::new_v4()), body).await
    }

    /// Writes at a chosen key, create-only: for tests that show an existing key is refused.
    #[cfg(feature = "testing")]
    #[doc(hidden)]
    pub async fn store_at<S, E>(&self, key: &str, body: S) -> Result<StoredEvidence, EvidenceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        self.write_new(&evidence_path(key)?, body).await
    }

    /// Opens a stored file for reading as a stream.
    pub async fn read(&self, key: &str) -> Result<EvidenceReader, EvidenceError> {
        let path = evidence_path(key)?;
        let got = self.backend.get(&path).await.map_err(|e| not_found(e, key))?;
        let size = got.meta.size;
        Ok(EvidenceReader {
            size,
            stream: got.into_stream().map_err(EvidenceError::from).boxed(),
        })
    }

    /// The size of a stored file, or `NotFound`.
    pub async fn size(&self, key: &str) -> Result<u64, EvidenceError> {
        let path = evidence_path(key)?;
        Ok(self.backend.head(&path).await.map_err(|e| not_found(e, key))?.size)
    }

    /// Reads the whole file again and says whether its SHA-256 is still `sha256` (hex, any case).
    pub async fn verify(&self, key: &str, sha256: &str) -> Result<bool, EvidenceError> {
        let mut reader = self.read(key).await?;
        let mut hasher = Sha256::new();
        while let Some(chunk) = reader.stream.next().await {
            hasher.update(&chunk?);
        }
        Ok(hex::encode(hasher.finalize()).eq_ignore_ascii_case(sha256.trim()))
    }

    /// The pipeline every new file goes through: sniff, hash, count, write create-only at `key`.
    ///
    /// A file that ends within the first part is written with one create-only PUT. A larger one
    /// goes as a multipart upload to a `staging/` key (a multipart upload cannot be create-only
    /// in object_store) and is then copied create-only to `key` (a hard link on local disk, a
    /// conditional server-side copy on S3); the staging object is removed either way.
    pub(crate) async fn write_new<S, E>(&self, key: &Path, body: S) -> Result<StoredEvidence, EvidenceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let mut body = pin!(body);
        let mut meter = Meter::new(self.max_file_size);
        let mut kind: Option<Checked> = None;
        let mut pending: Vec<Bytes> = Vec::new();
        let mut pending_len = 0usize;
        let mut ended = false;

        // The head: enough to tell the type, up to one part to know whether one PUT will do.
        while pending_len < PART_SIZE {
            match body.next().await {
                None => {
                    ended = true;
                    break;
                }
                Some(Err(e)) => return Err(EvidenceError::Body(e.to_string())),
                Some(Ok(chunk)) => {
                    meter.take(&chunk, kind.as_mut())?;
                    pending_len += chunk.len();
                    pending.push(chunk);
                    if kind.is_none() && pending_len >= SNIFF_LEN {
                        kind = Some(Checked::sniff(&pending)?);
                    }
                }
            }
        }
        if meter.size == 0 {
            return Err(EvidenceError::Empty);
        }
        let mut kind = match kind {
            Some(k) => k,
            None => Checked::sniff(&pending)?,
        };

        if ended {
            let found = kind.finish()?;
            let payload: PutPayload = pending.into_iter().collect();
            let opts = PutOptions {
                mode: PutMode::Create,
                ..Default::default()
            };
            self.backend
                .put_opts(key, payload, opts)
                .await
                .map_err(|e| exists(e, key))?;
            return Ok(meter.record(key, found));
        }

        let staging = Path::from(format!("staging/{}", uuid::Uuid::new_v4()));
        let upload = self
            .backend
            .put_multipart_opts(&staging, PutMultipartOptions::default())
            .await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        for chunk in pending {
            writer.put(chunk);
        }
        let streamed: Result<(), EvidenceError> = async {
            while let Some(next) = body.next().await {
                let chunk = next.map_err(|e| EvidenceError::Body(e.to_string()))?;
                meter.take(&chunk, Some(&mut kind))?;
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                writer.put(chunk);
            }
            Ok(())
        }
        .await;
        if let Err(e) = streamed {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(%staging, error = %abort, "could not abort an evidence upload");
            }
            return Err(e);
        }
        writer.finish().await?;

        let published: Result<Kind, EvidenceError> = async {
            let found = kind.finish()?;
            self.copy_create(&staging, key).await?;
            Ok(found)
        }
        .await;
        if let Err(e) = self.backend.delete(&staging).await {
            tracing::warn!(%staging, error = %e, "could not remove a staging object");
        }
        Ok(meter.record(key, published?))
    }

    /// Copies `from` to a `to` that must not exist yet.
    async fn copy_create(&self, from: &Path, to: &Path) -> Result<(), EvidenceError> {
        if self.native_create_copy {
            let opts = CopyOptions {
                mode: CopyMode::Create,
                ..Default::default()
            };
            return self.backend.copy_opts(from, to, opts).await.map_err(|e| exists(e, to));
        }
        // A store without conditional copy: check, then copy. Not atomic, which is acceptable only
        // because `to` holds a fresh random UUID.
        match self.backend.head(to).await {
            Ok(_) => Err(EvidenceError::AlreadyExists { key: to.to_string() }),
            Err(object_store::Error::NotFound { .. }) => Ok(self.backend.copy(from, to).await?),
            Err(e) => Err(e.into()),
        }
    }
}

/// Size, hash and size limit of the bytes seen so far.
struct Meter {
    hasher: Sha256,
    size: u64,
    limit: u64,
}

impl Meter {
    fn new(limit: u64) -> Self {
        Meter {
            hasher: Sha256::new(),
            size: 0,
            limit,
        }
    }

    fn take(&mut self, chunk: &[u8], kind: Option<&mut Checked>) -> Result<(), EvidenceError> {
        if self.size + chunk.len() as u64 > self.limit {
            return Err(EvidenceError::TooLarge { limit: self.limit });
        }
        if let Some(k) = kind {
            k.feed(self.size, chunk);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        Ok(())
    }

    fn record(self, key: &Path, kind: Kind) -> StoredEvidence {
        StoredEvidence {
            key: key.to_string(),
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
            mime: kind.mime.into(),
            ext: kind.ext.into(),
        }
    }
}

/// The type of a file being written: known from its head, or (Office 97) once it has streamed by.
enum Checked {
    Known(Kind),
    Ole2(kind::Ole2),
}

impl Checked {
    /// Looks at the first `SNIFF_LEN` bytes of `pending`; an OLE2 tracker is shown all of them.
    fn sniff(pending: &[Bytes]) -> Result<Self, EvidenceError> {
        let mut head = Vec::with_capacity(SNIFF_LEN);
        for chunk in pending {
            let room = SNIFF_LEN - head.len();
            head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if head.len() == SNIFF_LEN {
                break;
            }
        }
        match kind::sniff(&head) {
            Sniffed::Known(k) => Ok(Checked::Known(k)),
            Sniffed::Ole2(mut ole) => {
                let mut offset = 0;
                for chunk in pending {
                    ole.feed(offset, chunk);
                    offset += chunk.len() as u64;
                }
                Ok(Checked::Ole2(ole))
            }
            Sniffed::Refused(detected) => Err(EvidenceError::TypeNotAllowed { detected }),
        }
    }

    fn feed(&mut self, offset: u64, chunk: &[u8]) {
        if let Checked::Ole2(ole) = self {
            ole.feed(offset, chunk);
        }
    }

    fn finish(&self) -> Result<Kind, EvidenceError> {
        match self {
            Checked::Known(k) => Ok(*k),
            Checked::Ole2(ole) => ole
                .finish()
                .map_err(|detected| EvidenceError::TypeNotAllowed { detected }),
        }
    }
}

/// `evidence/YYYY/MM/DD/<uuid>`: the date (China Standard Time) keeps listings and backups by day;
/// the random UUID makes every key new, so nothing ever needs to be overwritten.
pub(crate) fn new_key(id: &uuid::Uuid) -> Path {
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    Path::from(format!("evidence/{}/{}", today.format("%Y/%m/%d"), id.hyphenated()))
}

/// Parses a key given back by a caller, accepting only keys this crate makes (so a key from a
/// request cannot reach the upload sessions or escape the store).
fn evidence_path(key: &str) -> Result<Path, EvidenceError> {
    let invalid = || EvidenceError::InvalidKey { key: key.to_string() };
    let parts: Vec<&str> = key.split('/').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        ["evidence", y, m, d, id]
            if digits(y, 4) && digits(m, 2) && digits(d, 2) && uuid::Uuid::parse_str(id).is_ok() =>
        {
            Path::parse(key).map_err(|_| invalid())
        }
        _ => Err(invalid()),
    }
}

fn not_found(e: object_store::Error, key: &str) -> EvidenceError {
    match e {
        object_store::Error::NotFound { .. } => EvidenceError::NotFound { key: key.to_string() },
        e => e.into(),
    }
}

fn exists(e: object_store::Error, key: &Path) -> EvidenceError {
    match e {
        object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. } => {
            EvidenceError::AlreadyExists { key: key.to_string() }
        }
        e => e.into(),
    }
}

fn s3_store(s3: &S3Config) -> Result<object_store::aws::AmazonS3, EvidenceError> {
    // reqwest's rustls comes without a crypto provider in this workspace; install ring once.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let endpoint = s3.endpoint.trim().trim_end_matches('/');
    let endpoint = if s3.path_style {
        endpoint.to_string()
    } else {
        // Virtual-hosted style: object_store wants the bucket in the endpoint's host.
        let (scheme, host) = endpoint.split_once("://").unwrap_or(("https", endpoint));
        format!("{scheme}://{}.{host}", s3.bucket)
    };
    let mut builder = AmazonS3Builder::new()
        .with_allow_http(endpoint.starts_with("http://"))
        .with_endpoint(endpoint)
        .with_region(s3.region.trim())
        .with_bucket_name(&s3.bucket)
        .with_access_key_id(s3.access_key_id.trim())
        .with_secret_access_key(&s3.secret_access_key)
        .with_virtual_hosted_style_request(!s3.path_style);
    let copy = s3.copy_if_not_exists.trim();
    if copy != "disabled" {
        builder = builder.with_config(AmazonS3ConfigKey::CopyIfNotExists, copy);
    }
    builder
        .build()
        .map_err(|e| EvidenceError::Config(format!("S3 设置无法使用：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_dated_uuids_and_only_those_are_accepted() {
        let key = new_key(&uuid::Uuid::new_v4()).to_string();
        assert!(key.starts_with("evidence/20"), "{key}");
        assert!(evidence_path(&key).is_ok());
        for bad in [
            "uploads/0b7c6a3e-8f5e-4f1e-9c3a-1d2e3f405060/session.json",
            "evidence/2026/11/27/../../../etc/passwd",
            "evidence/2026/11/27/not-a-uuid",
            "/evidence/2026/11/27/0b7c6a3e-8f5e-4f1e-9c3a-1d2e3f405060",
        ] {
            assert!(
                matches!(evidence_path(bad), Err(EvidenceError::InvalidKey { .. })),
                "{bad}"
            );
        }
    }
}
