use sea_orm::entity::prelude::*;

/// One member's 签字确认 of an inspection's revision. Append-only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_signoffs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub revision: i32,
    pub member_id: i64,
    pub user_id: i64,
    /// A `ConfirmMethod` code.
    pub method: String,
    pub confirmed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
