use sea_orm::entity::prelude::*;

/// The result of one item of an inspection outside 双随机.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outside_inspection_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    /// The item (any of its versions counts for 第十二条).
    pub item_id: i64,
    /// The version current when the inspection was recorded.
    pub item_version_id: i64,
    /// An `ItemResult` code: `compliant`, `noncompliant`, `not_applicable`.
    pub result: String,
}

impl ActiveModelBehavior for ActiveModel {}
