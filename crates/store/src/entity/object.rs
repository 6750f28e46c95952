use sea_orm::entity::prelude::*;

/// An inspection object in a department's directory (检查对象名录库).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub kind: String,
    pub key_code: String,
    pub name: String,
    pub division_code: String,
    pub risk_class: String,
    pub abnormal: bool,
    pub key_focus: bool,
    pub serious_violation: bool,
    pub complaints: i32,
    pub phone: String,
    pub legal_rep: String,
    pub address: String,
    /// JSON array of 企业类别.
    pub enterprise_kinds: String,
    /// 身份证号 sealed with the platform key (practitioners only).
    pub id_sealed: Option<String>,
    pub id_masked: String,
    /// Keyed hash of the 身份证号, for exact lookups without decrypting.
    pub id_lookup: String,
    pub qualification: String,
    pub employer_code: String,
    pub builder_code: String,
    pub contractor_code: String,
    pub supervisor_code: String,
    pub stage: String,
    pub start_date: Option<Date>,
    pub active: bool,
    /// `manual`, `import` or `claim`.
    pub source: String,
    pub master_id: Option<i64>,
    pub revision: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
