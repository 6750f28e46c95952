use sea_orm::entity::prelude::*;

/// The 检查组 of one drawn object of a task (第十七条).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub object_id: i64,
    pub object_kind: String,
    pub object_code: String,
    /// The executing unit that matched the team.
    pub department_id: i64,
    /// The inspectors draw that made the team.
    pub draw_id: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
