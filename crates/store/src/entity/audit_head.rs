use sea_orm::entity::prelude::*;

/// The single row holding the chain's last sequence number and hash. Its row
/// lock serialises appends across processes, and it lets verification notice
/// entries removed from the end.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub seq: i64,
    pub hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
