use sea_orm::entity::prelude::*;

/// A request to correct a published result, decided by the 主要负责人.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result_corrections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    /// The objection whose review asked for it, if any.
    pub objection_id: Option<i64>,
    pub reason: String,
    /// The corrected result.
    pub result_category: String,
    pub result_summary: String,
    /// A `CorrectionStatus` code.
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub decided_by: String,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
}

impl ActiveModelBehavior for ActiveModel {}
