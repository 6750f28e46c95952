use sea_orm::entity::prelude::*;

/// A law-enforcement inspector (执法检查人员) of a department or unit.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspectors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub cert_no: String,
    pub id_sealed: Option<String>,
    pub id_masked: String,
    pub id_lookup: String,
    pub title: String,
    /// JSON array of 专业执法资格.
    pub qualifications: String,
    pub non_business: String,
    pub cert_valid_until: Date,
    pub phone: String,
    pub status: String,
    pub status_since: Option<Date>,
    pub status_until: Option<Date>,
    pub user_id: Option<i64>,
    pub active: bool,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
