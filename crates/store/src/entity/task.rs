use sea_orm::entity::prelude::*;

/// An 抽查任务 (第十五条): name, window, items, and for a joint task the
/// participating departments (`task_units`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `RW2026-230102-001`.
    pub code: String,
    pub name: String,
    /// A `TaskKind` code.
    pub kind: String,
    /// The initiating department.
    pub department_id: i64,
    /// The plan version the task was made from.
    pub plan_id: Option<i64>,
    pub window_start: Date,
    pub window_end: Date,
    /// Inspectors per object (at least 2).
    pub team_size: i32,
    /// Complaints in a year that put an object in the 重点关注 stratum.
    pub complaint_threshold: i32,
    /// A `TaskStatus` code.
    pub status: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub dispatched_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
