use sea_orm::entity::prelude::*;

/// A message waiting for (or done with) the outbound channel.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub message_id: i64,
    pub created_at: DateTimeUtc,
    /// `pending`, `delivered`, `failed` or `skipped`.
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub last_error: String,
}

impl ActiveModelBehavior for ActiveModel {}
