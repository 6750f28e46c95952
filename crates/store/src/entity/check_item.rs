use sea_orm::entity::prelude::*;

/// An item of the 随机抽查事项清单: its stable code and which version is the
/// latest. The content lives in its versions, which are never edited.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `ZJ001`, assigned in order, never reused.
    #[sea_orm(unique)]
    pub code: String,
    pub created_at: DateTimeUtc,
    /// The id of the latest published version (a row of `check_item_versions`).
    pub current_version_id: i64,
    /// Its version number (1, 2, …).
    pub current_version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
