use sea_orm::entity::prelude::*;

/// A 检查结果 category the province offers (configurable; never deleted).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result_categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub label: String,
    /// A `FindingRule` code: `no_problem`, `problem`, `not_inspectable`.
    pub rule: String,
    pub position: i32,
    pub active: bool,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
