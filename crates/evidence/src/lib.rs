//! Evidence files (执法全过程记录, 第二十二条): the photos, recordings, videos and documents an
//! inspector takes on site, stored so that they can be trusted later.
//!
//! What this crate holds and why:
//! - **One API for local disk and S3** ([`object_store`]): a single machine keeps files under
//!   `<data dir>/evidence`; a deployment of several stateless servers points all of them at one
//!   S3-compatible bucket. The code above this crate does not know which.
//! - **Streaming**: [`EvidenceStore::store`] takes the request body as a stream of chunks and
//!   writes it as a multipart upload, computing SHA-256 and size as the bytes pass and enforcing
//!   the size limit on the way; memory stays at a few 8 MiB parts whatever the file's size.
//! - **Type from the content**: the first bytes decide (magic numbers), against an allowlist of
//!   what an inspector records; a script named `.jpg` is refused before anything is written.
//! - **Never overwritten, never deleted**: every file gets a new key
//!   `evidence/YYYY/MM/DD/<uuid v4>` and is written create-only (`PutMode::Create`, or a
//!   create-only copy from a staging object for multipart uploads), so a bug or a replayed request
//!   cannot replace evidence the audit trail points to. There is no delete for evidence here on
//!   purpose; retention is decided elsewhere, by people, not by this API.
//! - **Resumable uploads across servers**: [`EvidenceStore::begin_upload`],
//!   [`EvidenceStore::put_chunk`] (idempotent per offset), [`EvidenceStore::upload_status`] (where
//!   to resume) and [`EvidenceStore::finish_upload`]. The session, its chunks and its result live
//!   in the store itself under `uploads/<id>/`, not in process memory, so each chunk may reach a
//!   different server behind the load balancer (see the `resumable` module).
//! - **Read back and verify**: [`EvidenceStore::read`] streams a file out (downloads, archives);
//!   [`EvidenceStore::verify`] hashes it again against the SHA-256 recorded at upload.
//!
//! Besides `evidence/`, the store holds `uploads/` (sessions in progress and their results) and
//! `staging/` (multipart uploads not yet published). Neither is evidence; leftovers of a crashed
//! server there may be removed by [`EvidenceStore::remove_abandoned`]. On S3, also configure a
//! lifecycle rule that aborts incomplete multipart uploads after a day.
#![forbid(unsafe_code)]

mod config;
mod error;
mod kind;
mod resumable;
mod store;

pub use config::{Backend, DEFAULT_MAX_FILE_SIZE, EvidenceConfig, S3Config};
pub use error::EvidenceError;
pub use resumable::{FINISH_TIMEOUT, MAX_CHUNK_SIZE, UploadStatus};
pub use store::{EvidenceReader, EvidenceStore, StoredEvidence};
