use sea_orm::entity::prelude::*;

/// An object drawn for a task item, in the draw's order.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_objects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub task_item_id: i64,
    pub object_id: i64,
    pub object_kind: String,
    /// The object's public code (统一社会信用代码, 注册证书编号, 项目代码): the draw's id.
    pub object_code: String,
    /// The stratum's code.
    pub stratum: String,
    /// 1-based position in the draw's order (检查批次顺序).
    pub position: i32,
    /// The executing unit the object is dispatched to.
    pub executing_department_id: Option<i64>,
    /// The calendar year of the task's window (第十四条's count).
    pub year: i32,
    /// Drawn in a double-random task (counts toward 第十四条's two per year).
    pub random: bool,
}

impl ActiveModelBehavior for ActiveModel {}
