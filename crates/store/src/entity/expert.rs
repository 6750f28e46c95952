use sea_orm::entity::prelude::*;

/// An expert who may assist a team but never counts toward its size.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "experts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub organisation: String,
    /// 检测机构, 科研院所, 高等院校 or 其他.
    pub organisation_kind: String,
    pub expertise: String,
    pub phone: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
