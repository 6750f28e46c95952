use sea_orm::entity::prelude::*;

/// The current version of a published result as the public search reads it
/// (a projection of `result_versions` and `followups`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub inspection_id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_name: String,
    /// A `TaskKind` code.
    pub task_kind: String,
    /// 检查实施机关: the executing unit.
    pub department_id: i64,
    pub department_code: String,
    pub department_name: String,
    pub inspected_on: Date,
    /// An `ObjectKind` code.
    pub object_kind: String,
    pub object_name: String,
    pub object_code: String,
    /// 检查事项, joined by `、`.
    pub item_names: String,
    pub result_category: String,
    pub result_label: String,
    pub result_summary: String,
    pub withheld: bool,
    pub withheld_reason: String,
    pub version: i32,
    pub corrected_on: Option<Date>,
    pub correction_reason: String,
    /// A `Disposal` code.
    pub disposal: String,
    pub published_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
