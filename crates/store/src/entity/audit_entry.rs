use sea_orm::entity::prelude::*;

/// One entry of the hash-chained audit trail. Rows are only ever inserted.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub actor_role: String,
    pub department: String,
    pub target_department: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub summary: String,
    pub before_digest: String,
    pub after_digest: String,
    pub client_addr: String,
    pub request_id: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
