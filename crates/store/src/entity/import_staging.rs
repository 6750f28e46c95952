use sea_orm::entity::prelude::*;

/// A validated row waiting for the import's single saving transaction.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_staging")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub row_no: i64,
    pub key_code: String,
    /// The record as JSON, identity numbers already sealed.
    pub payload: String,
}

impl ActiveModelBehavior for ActiveModel {}
