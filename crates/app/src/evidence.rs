//! 执法全过程记录 (第二十二条): evidence files of an inspection, uploaded by a
//! member of its team while it is being filled in, streamed into the evidence
//! store (never held in memory), typed from their content, and recorded with
//! their SHA-256, size, type, uploader and time in the audit trail.
//!
//! Two ways in: one streamed request for a file that fits a good connection,
//! or a resumable upload (begin, chunks at offsets, finish) for a phone on a
//! poor one; the chunks live in the evidence store, so any server process can
//! take the next one. Files are never overwritten or deleted: a file whose
//! inspection was closed while it streamed stays unreferenced in the store.

use crate::audit::{By, Change, record};
use crate::inspections::{EvidenceView, full_state};
use crate::{Actor, App, AppError};
use bytes::Bytes;
use futures_util::Stream;
use serde::Serialize;
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::inspection::{self as rules, EvidenceKind};
use spotcheck_evidence::{EvidenceError, EvidenceReader, EvidenceStore, StoredEvidence};
use spotcheck_store::StoreError;
use spotcheck_store::inspections::{self as store, EvidenceRow, NewEvidence};
use utoipa::ToSchema;

/// Where a resumable upload stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UploadState {
    pub upload_id: String,
    /// Bytes received without a gap: the next chunk starts here.
    pub received: u64,
    pub expected_size: Option<u64>,
    /// The stored file once finished.
    pub evidence: Option<EvidenceView>,
}

/// The evidence store's refusals as the user reads them.
pub fn evidence_error(e: EvidenceError) -> AppError {
    use EvidenceError as E;
    match e {
        E::TypeNotAllowed { .. } | E::Empty | E::TooLarge { .. } | E::BadChunk(_) | E::Body(_) => {
            AppError::invalid("file", e.to_string())
        }
        E::UploadIncomplete { .. } => AppError::invalid("file", e.to_string()),
        E::UploadNotFound { .. } | E::NotFound { .. } | E::InvalidKey { .. } => AppError::NotFound(e.to_string()),
        E::UploadFinishing | E::AlreadyExists { .. } => AppError::Conflict(e.to_string()),
        E::Storage(source) => {
            tracing::error!(error = %source, "evidence store");
            AppError::Internal("证据存储暂时不可用，请稍后重试".into())
        }
        E::Config(m) => AppError::Internal(m),
    }
}

/// The device's file name, kept for display: one line, no folders.
fn file_name(raw: &str) -> Result<String, AppError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name =
        rules::check_text("file_name", "文件名", base, 200).map_err(|e| AppError::invalid(e.field, e.message))?;
    Ok(if name.is_empty() {
        "未命名文件".into()
    } else {
        name.replace('\n', " ")
    })
}

impl App {
    /// The largest evidence file accepted, in bytes (0 without a store).
    pub fn evidence_max_file_size(&self) -> u64 {
        self.inner.evidence.as_ref().map(|e| e.max_file_size()).unwrap_or(0)
    }

    pub(crate) fn evidence_store(&self) -> Result<&EvidenceStore, AppError> {
        self.inner
            .evidence
            .as_ref()
            .ok_or_else(|| AppError::Internal("本平台未配置证据存储".into()))
    }

    /// Checks that the actor may add evidence to the inspection now; the
    /// handler calls this before it reads a byte of the body.
    pub async fn may_add_evidence(&self, actor: &Actor, team_id: i64) -> Result<i64, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let id = ctx.require_editable()?.id;
        self.evidence_store()?;
        Ok(id)
    }

    /// Stores one file streamed in a single request.
    pub async fn upload_evidence<S, E>(
        &self,
        actor: &Actor,
        team_id: i64,
        name: &str,
        note: &str,
        body: S,
    ) -> Result<EvidenceView, AppError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let inspection_id = self.may_add_evidence(actor, team_id).await?;
        let name = file_name(name)?;
        let note = note_text(note)?;
        let stored = self.evidence_store()?.store(body).await.map_err(evidence_error)?;
        self.record_evidence(actor, inspection_id, stored, name, note).await
    }

    /// Begins a resumable upload of `size` bytes.
    pub async fn begin_evidence_upload(
        &self,
        actor: &Actor,
        team_id: i64,
        size: Option<u64>,
    ) -> Result<UploadState, AppError> {
        let inspection_id = self.may_add_evidence(actor, team_id).await?;
        let es = self.evidence_store()?;
        if let Some(s) = size {
            if s == 0 {
                return Err(evidence_error(EvidenceError::Empty));
            }
            if s > es.max_file_size() {
                return Err(evidence_error(EvidenceError::TooLarge {
                    limit: es.max_file_size(),
                }));
            }
        }
        let upload_id = es.begin_upload(size).await.map_err(evidence_error)?;
        store::insert_upload(
            self.store().conn(),
            &upload_id,
            inspection_id,
            actor.user.id,
            size.map(|s| s as i64),
            self.now(),
        )
        .await?;
        Ok(UploadState {
            upload_id,
            received: 0,
            expected_size: size,
            evidence: None,
        })
    }

    /// The upload of the team's inspection (else "not found"), for a member
    /// who may add evidence now.
    async fn team_upload(&self, actor: &Actor, team_id: i64, upload_id: &str) -> Result<store::UploadRow, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let up = store::upload(db, upload_id)
            .await?
            .filter(|u| ctx.inspection.as_ref().is_some_and(|i| i.id == u.inspection_id))
            .ok_or_else(|| AppError::not_found("上传"))?;
        ctx.require_editable()?;
        self.evidence_store()?;
        Ok(up)
    }

    /// Writes a chunk at `offset`; a repeated chunk is harmless.
    pub async fn put_evidence_chunk(
        &self,
        actor: &Actor,
        team_id: i64,
        upload_id: &str,
        offset: u64,
        bytes: Bytes,
    ) -> Result<UploadState, AppError> {
        self.team_upload(actor, team_id, upload_id).await?;
        let es = self.evidence_store()?;
        es.put_chunk(upload_id, offset, bytes).await.map_err(evidence_error)?;
        self.upload_state(upload_id).await
    }

    /// Where the upload stands: the client resumes from `received`.
    pub async fn evidence_upload_state(
        &self,
        actor: &Actor,
        team_id: i64,
        upload_id: &str,
    ) -> Result<UploadState, AppError> {
        self.team_upload(actor, team_id, upload_id).await?;
        self.upload_state(upload_id).await
    }

    async fn upload_state(&self, upload_id: &str) -> Result<UploadState, AppError> {
        let s = self
            .evidence_store()?
            .upload_status(upload_id)
            .await
            .map_err(evidence_error)?;
        let evidence = match &s.finished {
            Some(f) => store::evidence_by_key(self.store().conn(), &f.key)
                .await?
                .as_ref()
                .map(EvidenceView::from),
            None => None,
        };
        Ok(UploadState {
            upload_id: upload_id.into(),
            received: s.received,
            expected_size: s.expected_size,
            evidence,
        })
    }

    /// Assembles the upload into one evidence file and records it. A retried
    /// finish returns the same file.
    pub async fn finish_evidence_upload(
        &self,
        actor: &Actor,
        team_id: i64,
        upload_id: &str,
        name: &str,
        note: &str,
    ) -> Result<EvidenceView, AppError> {
        let up = self.team_upload(actor, team_id, upload_id).await?;
        let name = file_name(name)?;
        let note = note_text(note)?;
        let stored = self
            .evidence_store()?
            .finish_upload(upload_id)
            .await
            .map_err(evidence_error)?;
        if let Some(done) = store::evidence_by_key(self.store().conn(), &stored.key).await? {
            return Ok(EvidenceView::from(&done));
        }
        self.record_evidence(actor, up.inspection_id, stored, name, note).await
    }

    /// The row and audit entry of a stored file, if the inspection is still a draft.
    async fn record_evidence(
        &self,
        actor: &Actor,
        inspection_id: i64,
        stored: StoredEvidence,
        name: String,
        note: String,
    ) -> Result<EvidenceView, AppError> {
        let kind = EvidenceKind::of_mime(&stored.mime);
        let tx = self.store().begin().await?;
        let current = store::by_id(&tx, inspection_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查记录"))?;
        if current.status != "draft" {
            return Err(AppError::Conflict(
                "上传期间检查结果已提交签字确认，文件未列入本次检查；请组长退回修改后重新上传".into(),
            ));
        }
        let row = store::insert_evidence(
            &tx,
            NewEvidence {
                inspection_id,
                storage_key: stored.key.clone(),
                sha256: stored.sha256.clone(),
                size: stored.size as i64,
                mime: stored.mime.clone(),
                kind: kind.code().into(),
                file_name: name.clone(),
                note,
                uploaded_by: actor.user.username.clone(),
                now: self.now(),
            },
        )
        .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::EvidenceUploaded, "inspection", inspection_id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "上传{}“{}”：{}，{} 字节，SHA-256 {}",
                    kind.label(),
                    name,
                    stored.mime,
                    stored.size,
                    stored.sha256
                ))
                .after(full_state(&tx, &current).await?),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(EvidenceView::from(&row))
    }

    /// An evidence file of the team's inspection for download, if the actor may see it.
    pub async fn read_evidence(
        &self,
        actor: &Actor,
        team_id: i64,
        id: i64,
    ) -> Result<(EvidenceRow, EvidenceReader), AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let row = store::evidence(db, id)
            .await?
            .filter(|e| ctx.inspection.as_ref().is_some_and(|i| i.id == e.inspection_id))
            .ok_or_else(|| AppError::not_found("证据文件"))?;
        let reader = self
            .evidence_store()?
            .read(&row.storage_key)
            .await
            .map_err(evidence_error)?;
        Ok((row, reader))
    }
}

/// How long an unfinished resumable upload is kept before its chunks go: a
/// week covers an inspector who resumes after a weekend in the field.
pub const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

impl App {
    /// Starts the daily sweep of abandoned resumable uploads (their chunks and
    /// staging objects; evidence files are never touched). Any number of server
    /// processes may run it: removing what another already removed is harmless.
    pub fn start_upload_sweeper(&self) -> Option<tokio::task::JoinHandle<()>> {
        let store = self.inner.evidence.clone()?;
        Some(tokio::spawn(async move {
            loop {
                match store.remove_abandoned(ABANDONED_AFTER).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "abandoned evidence uploads removed"),
                    Err(e) => tracing::warn!(error = %e, "sweeping abandoned evidence uploads failed"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
            }
        }))
    }
}

fn note_text(note: &str) -> Result<String, AppError> {
    rules::check_text("note", "说明", note, rules::MAX_EVIDENCE_NOTE).map_err(|e| AppError::invalid(e.field, e.message))
}
