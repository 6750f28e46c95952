use sea_orm::entity::prelude::*;

/// A follow-up step (后续处置, 第二十五条) of a problem found. Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "followups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub finding_id: i64,
    /// A `FollowupStep` code.
    pub step: String,
    pub receiving_body: String,
    pub on_date: Date,
    /// A `FollowupStatus` code.
    pub status: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
