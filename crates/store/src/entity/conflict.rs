use sea_orm::entity::prelude::*;

/// A declared conflict of interest (利害关系) between an inspector and an object.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conflicts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspector_id: i64,
    pub object_id: i64,
    pub reason: String,
    pub declared_by: String,
    pub declared_at: DateTimeUtc,
    pub active: bool,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_reason: String,
}

impl ActiveModelBehavior for ActiveModel {}
