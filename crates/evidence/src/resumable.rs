//! Resumable uploads for phones on a poor connection: the file arrives in chunks, any of which may
//! be sent again, in any order, to any server; `finish` assembles them into one evidence file.
//!
//! All state is in the store, under `uploads/<upload id>/`:
//! - `session.json`: the final key (chosen at `begin`, so every server and every retry of
//!   `finish` aims at the same key) and the announced size;
//! - `chunks/<offset, 20 digits>`: one object per chunk, named by where it starts. Sending a chunk
//!   again overwrites it with the same bytes: idempotent, and chunks are not evidence;
//! - `finishing`: a create-only marker, so that two servers do not assemble the same upload at
//!   once (a marker older than [`FINISH_TIMEOUT`] is taken over: its server died);
//! - `result.json`: the stored record, kept after the chunks are removed, so a `finish` retried
//!   after a lost answer returns the same record.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{GetOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};

use crate::error::EvidenceError;
use crate::store::{EvidenceStore, StoredEvidence, new_key};

/// The largest chunk `put_chunk` takes: the web layer's body limit for a chunk request. A chunk is
/// held in memory while it is written, so this bounds the memory of a chunk request.
pub const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;

/// After this long a `finishing` marker is taken to belong to a server that died.
pub const FINISH_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Where an upload stands: what the client needs to resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
    /// Bytes received without a gap from the start: the offset to resume from.
    pub received: u64,
    /// The size announced at `begin`, if any.
    pub expected_size: Option<u64>,
    /// The stored file once `finish` has succeeded.
    pub finished: Option<StoredEvidence>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Session {
    key: String,
    expected_size: Option<u64>,
    created_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Finishing {
    started_at: chrono::DateTime<chrono::Utc>,
}

struct Upload {
    dir: String,
}

impl Upload {
    fn parse(upload_id: &str) -> Result<Self, EvidenceError> {
        match uuid::Uuid::parse_str(upload_id) {
            Ok(id) if id.hyphenated().to_string() == upload_id => Ok(Upload {
                dir: format!("uploads/{upload_id}"),
            }),
            _ => Err(EvidenceError::UploadNotFound {
                upload_id: upload_id.to_string(),
            }),
        }
    }
    fn session(&self) -> Path {
        Path::from(format!("{}/session.json", self.dir))
    }
    fn result(&self) -> Path {
        Path::from(format!("{}/result.json", self.dir))
    }
    fn finishing(&self) -> Path {
        Path::from(format!("{}/finishing", self.dir))
    }
    fn chunks(&self) -> Path {
        Path::from(format!("{}/chunks", self.dir))
    }
    fn chunk(&self, offset: u64) -> Path {
        Path::from(format!("{}/chunks/{offset:020}", self.dir))
    }
}

/// The bytes `range` of the object `chunk`, as a stream.
async fn read_range(
    backend: Arc<dyn ObjectStore>,
    chunk: Path,
    range: std::ops::Range<u64>,
) -> Result<BoxStream<'static, Result<Bytes, object_store::Error>>, object_store::Error> {
    let got = backend
        .get_opts(&chunk, GetOptions::new().with_range(Some(range)))
        .await?;
    Ok(got.into_stream())
}

/// Which stored chunk covers which part of the file.
struct Plan {
    /// (chunk, range within the chunk) in file order, without overlaps.
    parts: Vec<(Path, std::ops::Range<u64>)>,
    /// Bytes covered from the start without a gap.
    received: u64,
    /// Whether some chunk lies beyond the first gap.
    beyond_gap: bool,
}

impl EvidenceStore {
    /// Starts an upload and returns its id for the client to keep. `expected_size`, when the client
    /// knows it, lets chunks beyond it be refused and `finish` insist on every byte.
    pub async fn begin_upload(&self, expected_size: Option<u64>) -> Result<String, EvidenceError> {
        match expected_size {
            Some(0) => return Err(EvidenceError::Empty),
            Some(n) if n > self.max_file_size => {
                return Err(EvidenceError::TooLarge {
                    limit: self.max_file_size,
                });
            }
            _ => {}
        }
        let id = uuid::Uuid::new_v4();
        let upload = Upload::parse(&id.hyphenated().to_string())?;
        let session = Session {
            key: new_key(&id).to_string(),
            expected_size,
            created_at: chrono::Utc::now().to_rfc3339(),
        };
        let body = serde_json::to_vec(&session).expect("a session serializes");
        let opts = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        self.backend.put_opts(&upload.session(), body.into(), opts).await?;
        Ok(id.hyphenated().to_string())
    }

    /// Stores the bytes at `offset` of the upload. Sending the same chunk again (after a timeout)
    /// is harmless; chunks may come in any order and to any server.
    pub async fn put_chunk(&self, upload_id: &str, offset: u64, bytes: Bytes) -> Result<(), EvidenceError> {
        let upload = Upload::parse(upload_id)?;
        let session = self.session(&upload, upload_id).await?;
        if bytes.is_empty() {
            return Err(EvidenceError::BadChunk("数据块为空".into()));
        }
        if bytes.len() > MAX_CHUNK_SIZE {
            return Err(EvidenceError::BadChunk(format!("数据块超过 {MAX_CHUNK_SIZE} 字节")));
        }
        let end = offset
            .checked_add(bytes.len() as u64)
            .ok_or_else(|| EvidenceError::BadChunk("偏移量过大".into()))?;
        if let Some(expected) = session.expected_size
            && end > expected
        {
            return Err(EvidenceError::BadChunk(format!(
                "数据块（第 {offset} 到 {end} 字节）超出了开始上传时声明的文件大小 {expected} 字节"
            )));
        }
        if end > self.max_file_size {
            return Err(EvidenceError::TooLarge {
                limit: self.max_file_size,
            });
        }
        let payload = PutPayload::from(bytes);
        self.backend
            .put_opts(&upload.chunk(offset), payload, PutOptions::default())
            .await?;
        Ok(())
    }

    /// How far the upload got: `received` is where the client resumes. Once finished, the record.
    pub async fn upload_status(&self, upload_id: &str) -> Result<UploadStatus, EvidenceError> {
        let upload = Upload::parse(upload_id)?;
        if let Some(done) = self.result(&upload).await? {
            return Ok(UploadStatus {
                received: done.size,
                expected_size: Some(done.size),
                finished: Some(done),
            });
        }
        let session = self.session(&upload, upload_id).await?;
        let plan = self.plan(&upload).await?;
        Ok(UploadStatus {
            received: plan.received,
            expected_size: session.expected_size,
            finished: None,
        })
    }

    /// Assembles the chunks into one evidence file, streaming them through the same checks as
    /// [`EvidenceStore::store`] (type, size, SHA-256; create-only write), then removes the chunks.
    /// Calling it again after success returns the same record.
    pub async fn finish_upload(&self, upload_id: &str) -> Result<StoredEvidence, EvidenceError> {
        let upload = Upload::parse(upload_id)?;
        if let Some(done) = self.result(&upload).await? {
            return Ok(done);
        }
        let session = self.session(&upload, upload_id).await?;
        let plan = self.plan(&upload).await?;
        let complete = match session.expected_size {
            Some(expected) => plan.received == expected,
            None => plan.received > 0 && !plan.beyond_gap,
        };
        if !complete {
            return Err(EvidenceError::UploadIncomplete {
                received: plan.received,
                expected: session.expected_size,
            });
        }

        self.lock_finish(&upload).await?;
        let key = Path::parse(&session.key).map_err(|e| EvidenceError::Storage(e.into()))?;
        let backend = self.backend.clone();
        // Boxed: the concrete combinator type trips the compiler's `Send` inference in callers.
        let body = futures_util::stream::iter(plan.parts)
            .then(move |(chunk, range)| read_range(backend.clone(), chunk, range))
            .try_flatten()
            .boxed();
        let stored = match self.write_new(&key, body).await {
            Ok(stored) => stored,
            Err(e) => {
                // Another server finished it after all (its marker was taken over as stale)?
                if let (EvidenceError::AlreadyExists { .. }, Ok(Some(done))) = (&e, self.result(&upload).await) {
                    return Ok(done);
                }
                let _ = self.backend.delete(&upload.finishing()).await;
                return Err(e);
            }
        };

        let record = serde_json::to_vec(&stored).expect("a record serializes");
        self.backend.put(&upload.result(), record.into()).await?;
        // The evidence is safe and its record written: the rest is tidying up.
        let chunks: Vec<Path> = self
            .backend
            .list(Some(&upload.chunks()))
            .map_ok(|m| m.location)
            .try_collect()
            .await?;
        let doomed = chunks.into_iter().chain([upload.session(), upload.finishing()]);
        let mut deleted = self
            .backend
            .delete_stream(futures_util::stream::iter(doomed.map(Ok)).boxed());
        while let Some(d) = deleted.next().await {
            if let Err(e) = d {
                tracing::warn!(upload_id, error = %e, "could not remove an upload's chunk");
            }
        }
        Ok(stored)
    }

    /// Removes what abandoned uploads left: every `uploads/<id>/` whose newest object is older
    /// than `older_than` (sessions nobody finished, results nobody asked for again) and staging
    /// objects of that age. Never touches `evidence/`. Returns how many objects were removed.
    /// Meant for a daily job, with `older_than` of a few days.
    pub async fn remove_abandoned(&self, older_than: Duration) -> Result<usize, EvidenceError> {
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::MAX);
        let mut doomed: Vec<Path> = Vec::new();
        let mut uploads: std::collections::BTreeMap<String, (chrono::DateTime<chrono::Utc>, Vec<Path>)> =
            Default::default();
        let mut listed = self.backend.list(Some(&Path::from("uploads")));
        while let Some(meta) = listed.try_next().await? {
            let Some(id) = meta.location.parts().nth(1) else {
                continue;
            };
            let entry = uploads
                .entry(id.as_ref().to_string())
                .or_insert((meta.last_modified, Vec::new()));
            entry.0 = entry.0.max(meta.last_modified);
            entry.1.push(meta.location);
        }
        for (_, (newest, paths)) in uploads {
            if newest < cutoff {
                doomed.extend(paths);
            }
        }
        let mut staging = self.backend.list(Some(&Path::from("staging")));
        while let Some(meta) = staging.try_next().await? {
            if meta.last_modified < cutoff {
                doomed.push(meta.location);
            }
        }
        let count = doomed.len();
        let mut deleted = self
            .backend
            .delete_stream(futures_util::stream::iter(doomed.into_iter().map(Ok)).boxed());
        while let Some(d) = deleted.next().await {
            d?;
        }
        Ok(count)
    }

    async fn session(&self, upload: &Upload, upload_id: &str) -> Result<Session, EvidenceError> {
        match self.backend.get(&upload.session()).await {
            Ok(got) => {
                let bytes = got.bytes().await?;
                serde_json::from_slice(&bytes).map_err(|_| EvidenceError::UploadNotFound {
                    upload_id: upload_id.to_string(),
                })
            }
            Err(object_store::Error::NotFound { .. }) => Err(EvidenceError::UploadNotFound {
                upload_id: upload_id.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    async fn result(&self, upload: &Upload) -> Result<Option<StoredEvidence>, EvidenceError> {
        match self.backend.get(&upload.result()).await {
            Ok(got) => Ok(serde_json::from_slice(&got.bytes().await?).ok()),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Takes the `finishing` marker, or says another server is at it.
    async fn lock_finish(&self, upload: &Upload) -> Result<(), EvidenceError> {
        let marker = serde_json::to_vec(&Finishing {
            started_at: chrono::Utc::now(),
        })
        .expect("serializes");
        let create = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        match self
            .backend
            .put_opts(&upload.finishing(), marker.clone().into(), create)
            .await
        {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => {
                let got = self.backend.get(&upload.finishing()).await?.bytes().await?;
                let stale = serde_json::from_slice::<Finishing>(&got).map_or(true, |f| {
                    chrono::Utc::now() - f.started_at > chrono::Duration::from_std(FINISH_TIMEOUT).expect("fits")
                });
                if !stale {
                    return Err(EvidenceError::UploadFinishing);
                }
                self.backend.put(&upload.finishing(), marker.into()).await?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Lists the chunks and works out which bytes of the file they cover.
    async fn plan(&self, upload: &Upload) -> Result<Plan, EvidenceError> {
        let mut chunks: Vec<(u64, u64, Path)> = self
            .backend
            .list(Some(&upload.chunks()))
            .try_filter_map(|m| async move {
                Ok(m.location
                    .filename()
                    .and_then(|f| f.parse::<u64>().ok())
                    .map(|o| (o, m.size, m.location.clone())))
            })
            .try_collect()
            .await?;
        chunks.sort_by_key(|(offset, size, _)| (*offset, std::cmp::Reverse(*size)));
        let mut plan = Plan {
            parts: Vec::new(),
            received: 0,
            beyond_gap: false,
        };
        for (offset, size, path) in chunks {
            let end = offset + size;
            if end <= plan.received {
                continue;
            }
            if offset > plan.received {
                plan.beyond_gap = true;
                break;
            }
            plan.parts.push((path, plan.received - offset..size));
            plan.received = end;
        }
        Ok(plan)
    }
}
