use sea_orm::entity::prelude::*;

/// One 抽查内容 of the checklist with its result.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_points")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub task_item_id: i64,
    pub item_version_id: i64,
    /// 1-based line of the item version's 抽查内容.
    pub point_no: i32,
    pub content: String,
    /// An `ItemResult` code, empty while open.
    pub result: String,
    pub note: String,
}

impl ActiveModelBehavior for ActiveModel {}
