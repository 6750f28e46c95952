//! Login sessions, for browsers (cookie) and API clients (bearer token) alike.
//! Kept in the database so that any of several server processes can serve a
//! request, and so that locking or deactivating a user ends its sessions.

use crate::StoreError;
use crate::entity::session;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub kind: String,
    pub stage: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub client_addr: String,
}

impl From<session::Model> for SessionRow {
    fn from(m: session::Model) -> Self {
        Self {
            token_hash: m.token_hash,
            user_id: m.user_id,
            kind: m.kind,
            stage: m.stage,
            csrf_token: m.csrf_token,
            created_at: m.created_at,
            last_seen_at: m.last_seen_at,
            client_addr: m.client_addr,
        }
    }
}

pub async fn insert(db: &impl ConnectionTrait, s: &SessionRow) -> Result<(), StoreError> {
    session::Entity::insert(session::ActiveModel {
        token_hash: Set(s.token_hash.clone()),
        user_id: Set(s.user_id),
        kind: Set(s.kind.clone()),
        stage: Set(s.stage.clone()),
        csrf_token: Set(s.csrf_token.clone()),
        created_at: Set(s.created_at),
        last_seen_at: Set(s.last_seen_at),
        client_addr: Set(s.client_addr.clone()),
    })
    .exec(db)
    .await?;
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(session::Entity::find_by_id(token_hash.to_string())
        .one(db)
        .await?
        .map(Into::into))
}

pub async fn touch(db: &impl ConnectionTrait, token_hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_stage(db: &impl ConnectionTrait, token_hash: &str, stage: &str) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::Stage, Expr::value(stage))
        .filter(session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), StoreError> {
    session::Entity::delete_by_id(token_hash.to_string()).exec(db).await?;
    Ok(())
}

/// Ends every session of a user except, optionally, the one in use.
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i64, except: Option<&str>) -> Result<u64, StoreError> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = except {
        q = q.filter(session::Column::TokenHash.ne(keep));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Removes sessions idle since before `cutoff`.
pub async fn purge_idle(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::LastSeenAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
