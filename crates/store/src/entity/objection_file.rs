use sea_orm::entity::prelude::*;

/// An attachment of an objection, kept in the evidence store. Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objection_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub objection_id: i64,
    pub storage_key: String,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
    pub file_name: String,
    pub uploaded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
