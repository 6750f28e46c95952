use sea_orm::entity::prelude::*;

/// A department taking part in a task: the initiator, or a participant of a joint task.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub department_id: i64,
    /// `initiator` or `participant`.
    pub role: String,
}

impl ActiveModelBehavior for ActiveModel {}
