use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 of the token the client holds: a stolen database does not hold usable tokens.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub user_id: i64,
    /// `browser` (cookie, CSRF token) or `api` (bearer token).
    pub kind: String,
    /// `full`, or `totp` while the second factor is awaited.
    pub stage: String,
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub client_addr: String,
}

impl ActiveModelBehavior for ActiveModel {}
