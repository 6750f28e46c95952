//! Archive packages of tasks (第二十四条): the manifest as hashed and the audit
//! entry that signs it. Only inserted.

use crate::StoreError;
use crate::entity::task_archive;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub use task_archive::Model as ArchiveRow;

pub struct NewArchive {
    pub task_id: i64,
    pub manifest: String,
    pub manifest_sha256: String,
    pub files: i32,
    pub bytes: i64,
    pub audit_seq: i64,
    pub created_by: String,
    pub now: DateTime<Utc>,
}

pub async fn insert(db: &impl ConnectionTrait, a: NewArchive) -> Result<ArchiveRow, StoreError> {
    let id = task_archive::Entity::insert(task_archive::ActiveModel {
        task_id: Set(a.task_id),
        manifest: Set(a.manifest),
        manifest_sha256: Set(a.manifest_sha256),
        files: Set(a.files),
        bytes: Set(a.bytes),
        audit_seq: Set(a.audit_seq),
        created_by: Set(a.created_by),
        created_at: Set(a.now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(task_archive::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted"))
}

/// The archives of a task, newest first.
pub async fn of_task(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<ArchiveRow>, StoreError> {
    Ok(task_archive::Entity::find()
        .filter(task_archive::Column::TaskId.eq(task_id))
        .order_by_desc(task_archive::Column::Id)
        .all(db)
        .await?)
}
