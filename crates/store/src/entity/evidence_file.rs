use sea_orm::entity::prelude::*;

/// One stored evidence file (执法全过程记录). Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    #[sea_orm(unique)]
    pub storage_key: String,
    pub sha256: String,
    pub size: i64,
    /// Read from the content, never from the name.
    pub mime: String,
    /// An `EvidenceKind` code.
    pub kind: String,
    /// The name the uploader's device gave it (shown, never trusted).
    pub file_name: String,
    pub note: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
