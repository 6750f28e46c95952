use sea_orm::entity::prelude::*;

/// A problem found (发现问题) with its basis and measures (第二十一条).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_findings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub position: i32,
    pub description: String,
    pub legal_basis: String,
    /// `Measure` codes joined by commas.
    pub measures: String,
    pub rectify_by: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
