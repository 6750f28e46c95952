use sea_orm::entity::prelude::*;

/// One entry of a plan version: an item version, its scope, ratio and months.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    /// 1-based order in the plan.
    pub position: i32,
    pub item_version_id: i64,
    /// JSON array of object-kind codes; empty = all the item's kinds.
    pub object_kinds: String,
    /// JSON array of 行政区划代码; empty = the whole jurisdiction.
    pub divisions: String,
    /// JSON array of risk classes; empty = all.
    pub risk_classes: String,
    pub ratio_bp: i32,
    /// JSON array of months 1..=12.
    pub months: String,
    pub note: String,
}

impl ActiveModelBehavior for ActiveModel {}
