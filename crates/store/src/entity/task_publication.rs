use sea_orm::entity::prelude::*;

/// The publication of a task's results (第二十三条). Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_publications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// 20 working days after the task's end.
    pub due_on: Date,
    /// The due date was computed through a year without an official schedule.
    pub provisional: bool,
    /// Results published (withheld ones included).
    pub results: i32,
    /// Results marked 依法不予公开.
    pub withheld: i32,
    pub published_by: String,
    pub published_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
