//! 归档 (第二十四条: 检查过程中形成的文字和音像记录应归档保管). Once every team of a
//! task has confirmed its result, the initiating department archives the task:
//! each inspection's documents are rendered once and stored beside the
//! evidence, and a manifest lists every file of the package — documents,
//! evidence files, the published draw records — with its size and SHA-256.
//! The manifest's own SHA-256 goes into an audit entry, so the hash chain signs
//! it: years later, `spotcheck audit verify` shows the chain intact and the
//! entry names the manifest, whose hashes name the files.
//!
//! The package is a zip written on demand from the stored pieces, checked
//! against the manifest while it is written: a file that no longer matches
//! stops the download with the file's name instead of handing out a package
//! that does not verify.

use crate::audit::{By, Change, record};
use crate::documents::available;
use crate::evidence::evidence_error;
use crate::{Actor, App, AppError};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::{TaskAction, TaskStatus};
use spotcheck_store::archives::{self, ArchiveRow, NewArchive};
use spotcheck_store::{StoreError, inspections, tasks, teams};
use std::io::Write;
use utoipa::ToSchema;

/// The manifest's format name, so a reader years later knows what it holds.
pub const MANIFEST_FORMAT: &str = "spotcheck-archive-v1";

/// One file of the package.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ManifestFile {
    /// Path inside the zip.
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// Where it is kept: an evidence-store key, or a draw's public record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub task_id: i64,
    pub task_code: String,
    pub task_name: String,
    pub archived_at: DateTime<Utc>,
    pub archived_by: String,
    pub files: Vec<ManifestFile>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ArchiveView {
    pub id: i64,
    pub manifest_sha256: String,
    pub files: i32,
    pub bytes: i64,
    /// The audit entry that signs the manifest.
    pub audit_seq: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<&ArchiveRow> for ArchiveView {
    fn from(a: &ArchiveRow) -> Self {
        ArchiveView {
            id: a.id,
            manifest_sha256: a.manifest_sha256.clone(),
            files: a.files,
            bytes: a.bytes,
            audit_seq: a.audit_seq,
            created_by: a.created_by.clone(),
            created_at: a.created_at,
        }
    }
}

/// A package to download: its name, size and bytes as a stream.
pub struct ArchivePackage {
    pub file_name: String,
    pub size: u64,
    pub stream: BoxStream<'static, Result<Bytes, std::io::Error>>,
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file or folder name as it may appear in a zip path.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

impl App {
    /// The archives of a task, newest first.
    pub async fn task_archives(&self, actor: &Actor, task_id: i64) -> Result<Vec<ArchiveView>, AppError> {
        let db = self.store().conn();
        let t = self.task_for(db, actor, task_id).await?;
        Ok(archives::of_task(db, t.id)
            .await?
            .iter()
            .map(ArchiveView::from)
            .collect())
    }

    /// Archives the task: documents stored, manifest written and signed by
    /// an audit entry. A 已公示 task becomes 已归档; an archive may be made
    /// again later (after a correction), each one kept.
    pub async fn archive_task(&self, actor: &Actor, task_id: i64) -> Result<ArchiveView, AppError> {
        let db = self.store().conn();
        let task = self.task_for(db, actor, task_id).await?;
        if !(actor.may(Permission::ManageTasks) && actor.department.id == task.department_id) {
            return Err(AppError::Forbidden("只有任务发起部门的管理员可以归档".into()));
        }
        let status = TaskStatus::parse(&task.status).unwrap_or(TaskStatus::Draft);
        if !matches!(
            status,
            TaskStatus::Entered | TaskStatus::Published | TaskStatus::Archived
        ) {
            return Err(AppError::Conflict(format!(
                "任务状态为“{}”：全部检查组签字确认、检查结果录入后才能归档",
                status.label()
            )));
        }
        let es = self.evidence_store()?.clone();
        let mut files: Vec<ManifestFile> = Vec::new();
        for team in teams::teams_of(db, task.id).await? {
            let v = self.team_inspection(actor, team.id).await?;
            let folder = safe(&format!("{}-{}", v.object.code, v.object.name));
            for kind in available(&v) {
                let (_, pdf) = self.inspection_document(actor, team.id, kind).await?;
                let stored = es
                    .store(futures_util::stream::once(async move {
                        Ok::<_, std::io::Error>(Bytes::from(pdf))
                    }))
                    .await
                    .map_err(evidence_error)?;
                files.push(ManifestFile {
                    path: format!("检查文书/{folder}/{}.pdf", kind.title()),
                    size: stored.size,
                    sha256: stored.sha256,
                    key: Some(stored.key),
                    draw_id: None,
                });
            }
            if let Some(id) = v.id {
                for e in inspections::evidence_of(db, id).await? {
                    files.push(ManifestFile {
                        path: format!("证据/{folder}/{}-{}", e.id, safe(&e.file_name)),
                        size: e.size as u64,
                        sha256: e.sha256.clone(),
                        key: Some(e.storage_key.clone()),
                        draw_id: None,
                    });
                }
            }
        }
        for d in tasks::draws_of(db, task.id).await? {
            if let Some(text) = tasks::public_record(db, &d.draw_id).await? {
                files.push(ManifestFile {
                    path: format!("抽取记录/{}.json", safe(&d.draw_id)),
                    size: text.len() as u64,
                    sha256: hex_sha256(text.as_bytes()),
                    key: None,
                    draw_id: Some(d.draw_id.clone()),
                });
            }
        }
        let now = self.now();
        let manifest = Manifest {
            format: MANIFEST_FORMAT.into(),
            task_id: task.id,
            task_code: task.code.clone(),
            task_name: task.name.clone(),
            archived_at: now,
            archived_by: actor.user.username.clone(),
            files,
        };
        let text = serde_json::to_string_pretty(&manifest).expect("serialisable");
        let sha = hex_sha256(text.as_bytes());
        let bytes: u64 = manifest.files.iter().map(|f| f.size).sum();
        let tx = self.store().begin().await?;
        let seq = record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::TaskArchived, "task", task.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "归档任务{}：{}个文件，共{}字节，清单SHA-256 {}",
                    task.code,
                    manifest.files.len(),
                    bytes,
                    sha
                ))
                .after(serde_json::json!({ "manifest_sha256": sha })),
        )
        .await?;
        if let Some(to) = status.next(TaskAction::Archive) {
            tasks::set_status(&tx, task.id, status.code(), to.code(), now, false).await?;
        }
        let row = archives::insert(
            &tx,
            NewArchive {
                task_id: task.id,
                manifest: text,
                manifest_sha256: sha,
                files: manifest.files.len() as i32,
                bytes: bytes as i64,
                audit_seq: seq,
                created_by: actor.user.username.clone(),
                now,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ArchiveView::from(&row))
    }

    /// The latest archive of the task as one zip: `manifest.json` exactly as
    /// hashed, `签名.json` (the audit entry that signs it), then every file,
    /// each checked against its hash as it is written.
    pub async fn archive_package(&self, actor: &Actor, task_id: i64) -> Result<ArchivePackage, AppError> {
        let db = self.store().conn();
        let task = self.task_for(db, actor, task_id).await?;
        let archive = archives::of_task(db, task.id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Conflict("该任务尚未归档".into()))?;
        let manifest: Manifest = serde_json::from_str(&archive.manifest)
            .map_err(|e| AppError::Internal(format!("归档清单无法读取：{e}")))?;
        let mut records = std::collections::HashMap::new();
        for f in &manifest.files {
            if let Some(d) = &f.draw_id {
                let text = tasks::public_record(db, d).await?.unwrap_or_default();
                records.insert(d.clone(), text);
            }
        }
        let entry = spotcheck_store::audit::by_seq(db, archive.audit_seq)
            .await?
            .ok_or_else(|| AppError::Internal("签署归档清单的审计记录不存在".into()))?;
        let signature = serde_json::to_string_pretty(&serde_json::json!({
            "manifest_sha256": archive.manifest_sha256,
            "audit_seq": archive.audit_seq,
            "audit_entry_hash": entry.hash,
            "audit_action": entry.fields.action,
            "audit_summary": entry.fields.summary,
            "how_to_check": "用 sha256sum 计算 manifest.json 的哈希，应与本文件和审计记录中的清单哈希一致；清单中每个文件的哈希应与包内文件一致；平台“审计日志—校验”或 spotcheck audit verify 应显示哈希链完整。",
        }))
        .expect("serialisable");
        let es = self.evidence_store()?.clone();
        let handle = tokio::runtime::Handle::current();
        let file_name = format!("{}-归档-{}.zip", task.code, archive.id);
        let file = tokio::task::spawn_blocking(move || -> Result<tempfile::NamedTempFile, AppError> {
            let tmp = tempfile::NamedTempFile::new().map_err(|e| AppError::Internal(e.to_string()))?;
            let mut zip = zip::ZipWriter::new(tmp.reopen().map_err(|e| AppError::Internal(e.to_string()))?);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(true);
            let io = |e: std::io::Error| AppError::Internal(format!("写入归档包失败：{e}"));
            let zerr = |e: zip::result::ZipError| AppError::Internal(format!("写入归档包失败：{e}"));
            zip.start_file("manifest.json", options).map_err(zerr)?;
            zip.write_all(archive.manifest.as_bytes()).map_err(io)?;
            zip.start_file("签名.json", options).map_err(zerr)?;
            zip.write_all(signature.as_bytes()).map_err(io)?;
            for f in &manifest.files {
                zip.start_file(f.path.as_str(), options).map_err(zerr)?;
                let mut hasher = Sha256::new();
                let mut size = 0u64;
                if let Some(d) = &f.draw_id {
                    let text = records.get(d).map(String::as_str).unwrap_or_default();
                    hasher.update(text.as_bytes());
                    size = text.len() as u64;
                    zip.write_all(text.as_bytes()).map_err(io)?;
                } else if let Some(key) = &f.key {
                    let mut reader = handle.block_on(es.read(key)).map_err(evidence_error)?;
                    while let Some(chunk) = handle.block_on(reader.stream.next()) {
                        let chunk = chunk.map_err(evidence_error)?;
                        hasher.update(&chunk);
                        size += chunk.len() as u64;
                        zip.write_all(&chunk).map_err(io)?;
                    }
                }
                if hex::encode(hasher.finalize()) != f.sha256 || size != f.size {
                    return Err(AppError::Conflict(format!(
                        "归档文件“{}”与归档清单记录的哈希不一致，归档包未生成；请联系管理员核查存储",
                        f.path
                    )));
                }
            }
            zip.finish().map_err(zerr)?;
            Ok(tmp)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        let size = file
            .as_file()
            .metadata()
            .map_err(|e| AppError::Internal(e.to_string()))?
            .len();
        let reader = tokio::fs::File::from_std(file.reopen().map_err(|e| AppError::Internal(e.to_string()))?);
        // The temporary file lives as long as the stream reads it.
        let stream = futures_util::stream::unfold((reader, file), |(mut reader, file)| async move {
            use tokio::io::AsyncReadExt;
            let mut buf = vec![0u8; 256 * 1024];
            match reader.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), (reader, file)))
                }
                Err(e) => Some((Err(e), (reader, file))),
            }
        })
        .boxed();
        Ok(ArchivePackage {
            file_name,
            size,
            stream,
        })
    }
}
