use sea_orm::entity::prelude::*;

/// A published version of a result: 1 is the team's final result, each
/// approved correction the next. Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub task_id: i64,
    pub version: i32,
    /// A result category code.
    pub result_category: String,
    pub result_summary: String,
    /// 依法不予公开 with its legal reason; empty when public.
    pub withheld_reason: String,
    /// Why this version replaced the previous one; empty for version 1.
    pub reason: String,
    pub correction_id: Option<i64>,
    pub published_by: String,
    pub published_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
