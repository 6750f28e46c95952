use sea_orm::entity::prelude::*;

/// An archive package of a task (第二十四条). Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_archives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// The manifest JSON exactly as hashed.
    pub manifest: String,
    pub manifest_sha256: String,
    pub files: i32,
    pub bytes: i64,
    /// The audit entry whose hash chain signs the manifest.
    pub audit_seq: i64,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
