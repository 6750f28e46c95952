use sea_orm::entity::prelude::*;

/// A previous state of an inspector.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspector_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspector_id: i64,
    pub revision: i32,
    pub changed_at: DateTimeUtc,
    pub changed_by: String,
    pub reason: String,
    pub state: String,
    pub import_job_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
