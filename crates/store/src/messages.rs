//! 站内消息. A message goes to one user or to a department's holders of a
//! permission; the latter is matched when a user reads (the roles that hold
//! the permission are stored with the message), so a user sees what is
//! addressed to the department and role they have now. Read marks are per
//! user (`message_reads`); a 待办 is closed for everyone at once when the
//! thing it is about has been done (`done_at`). Every message also gets an
//! outbox row, which a background worker hands to the outbound channel once
//! the writing transaction has committed.
//!
//! Every read takes a [`Reader`]: there is no query for "messages of
//! somebody else".

use crate::entity::{message, message_outbox, message_read, user};
use crate::{StoreError, scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// Who a message goes to, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum To {
    User(i64),
    /// The users of a department whose role is one of `roles` (role codes)
    /// when they read; `permission` names what they were chosen for.
    Department {
        department_id: i64,
        permission: String,
        roles: Vec<String>,
    },
}

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub created_at: DateTime<Utc>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub action_required: bool,
    pub subject_type: String,
    pub subject_id: i64,
    pub to: To,
}

/// The user reading: their messages are those addressed to them, and those
/// addressed to their department for a role they hold.
#[derive(Clone, Debug)]
pub struct Reader {
    pub user_id: i64,
    pub department_id: i64,
    /// Role code, e.g. `deputy_head`.
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub action_required: bool,
    pub subject_type: String,
    pub subject_id: i64,
    pub recipient_user_id: Option<i64>,
    pub recipient_department_id: Option<i64>,
    pub recipient_permission: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// When the reader read it; None while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl MessageRow {
    fn of(m: message::Model, read_at: Option<DateTime<Utc>>) -> Self {
        Self {
            id: m.id,
            created_at: m.created_at,
            kind: m.kind,
            title: m.title,
            body: m.body,
            link: m.link,
            action_required: m.action_required,
            subject_type: m.subject_type,
            subject_id: m.subject_id,
            recipient_user_id: m.recipient_user_id,
            recipient_department_id: m.recipient_department_id,
            recipient_permission: m.recipient_permission,
            done_at: m.done_at,
            read_at,
        }
    }

    /// A 待办 not yet done.
    pub fn is_open_todo(&self) -> bool {
        self.action_required && self.done_at.is_none()
    }
}

/// Which of the reader's messages a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Folder {
    #[default]
    All,
    Unread,
    /// Open 待办: action required and not yet done.
    Todo,
}

fn roles_text(roles: &[String]) -> String {
    format!(",{},", roles.join(","))
}

/// Writes a message and its outbox row; returns the message id. Call it in
/// the transaction of the hand-over it reports.
pub async fn insert(db: &impl ConnectionTrait, m: NewMessage) -> Result<i64, StoreError> {
    let (user_id, department_id, permission, roles) = match m.to {
        To::User(u) => (Some(u), None, None, None),
        To::Department {
            department_id,
            permission,
            roles,
        } => (None, Some(department_id), Some(permission), Some(roles_text(&roles))),
    };
    let id = message::Entity::insert(message::ActiveModel {
        created_at: Set(m.created_at),
        kind: Set(m.kind),
        title: Set(m.title),
        body: Set(m.body),
        link: Set(m.link),
        action_required: Set(m.action_required),
        subject_type: Set(m.subject_type),
        subject_id: Set(m.subject_id),
        recipient_user_id: Set(user_id),
        recipient_department_id: Set(department_id),
        recipient_permission: Set(permission),
        recipient_roles: Set(roles),
        done_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    message_outbox::Entity::insert(message_outbox::ActiveModel {
        message_id: Set(id),
        created_at: Set(m.created_at),
        state: Set(OutboxState::Pending.code().to_string()),
        attempts: Set(0),
        next_attempt_at: Set(m.created_at),
        claimed_until: Set(None),
        finished_at: Set(None),
        last_error: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(id)
}

/// The messages `r` may see.
fn visible(r: &Reader) -> Condition {
    Condition::any()
        .add(message::Column::RecipientUserId.eq(r.user_id))
        .add(
            Condition::all()
                .add(message::Column::RecipientDepartmentId.eq(r.department_id))
                .add(message::Column::RecipientRoles.like(scope::contains(&format!(",{},", r.role)))),
        )
}

/// `SELECT message_id FROM message_reads WHERE user_id = <reader>`.
fn read_by(r: &Reader) -> SelectStatement {
    Query::select()
        .column(message_read::Column::MessageId)
        .from(message_read::Entity)
        .and_where(message_read::Column::UserId.eq(r.user_id))
        .to_owned()
}

fn in_box(r: &Reader, b: Folder) -> Condition {
    let mut c = Condition::all().add(visible(r));
    match b {
        Folder::All => {}
        Folder::Unread => c = c.add(message::Column::Id.not_in_subquery(read_by(r))),
        Folder::Todo => {
            c = c
                .add(message::Column::ActionRequired.eq(true))
                .add(message::Column::DoneAt.is_null())
        }
    }
    c
}

async fn reads_of(
    db: &impl ConnectionTrait,
    r: &Reader,
    ids: Vec<i64>,
) -> Result<HashMap<i64, DateTime<Utc>>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(message_read::Entity::find()
        .filter(message_read::Column::UserId.eq(r.user_id))
        .filter(message_read::Column::MessageId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.message_id, m.read_at))
        .collect())
}

/// One page of the reader's messages, newest first, with the total count.
pub async fn list_for(
    db: &impl ConnectionTrait,
    r: &Reader,
    b: Folder,
    page: u64,
    page_size: u64,
) -> Result<(Vec<MessageRow>, u64), StoreError> {
    let q = message::Entity::find().filter(in_box(r, b));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    let reads = reads_of(db, r, rows.iter().map(|m| m.id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|m| {
            let read = reads.get(&m.id).copied();
            MessageRow::of(m, read)
        })
        .collect();
    Ok((items, total))
}

/// One of the reader's messages; None when it is not theirs.
pub async fn get_for(db: &impl ConnectionTrait, r: &Reader, id: i64) -> Result<Option<MessageRow>, StoreError> {
    let Some(m) = message::Entity::find_by_id(id).filter(visible(r)).one(db).await? else {
        return Ok(None);
    };
    let read = reads_of(db, r, vec![id]).await?.get(&id).copied();
    Ok(Some(MessageRow::of(m, read)))
}

/// (unread, open 待办) of the reader.
pub async fn counts_for(db: &impl ConnectionTrait, r: &Reader) -> Result<(u64, u64), StoreError> {
    let unread = message::Entity::find()
        .filter(in_box(r, Folder::Unread))
        .count(db)
        .await?;
    let todo = message::Entity::find()
        .filter(in_box(r, Folder::Todo))
        .count(db)
        .await?;
    Ok((unread, todo))
}

/// Marks one of the reader's messages read (again: the first time is kept).
/// False when the message is not theirs.
pub async fn mark_read(db: &impl ConnectionTrait, r: &Reader, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let mine = message::Entity::find_by_id(id)
        .filter(visible(r))
        .select_only()
        .column(message::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    if mine.is_none() {
        return Ok(false);
    }
    let exists = message_read::Entity::find_by_id((id, r.user_id)).one(db).await?;
    if exists.is_none() {
        message_read::Entity::insert(message_read::ActiveModel {
            message_id: Set(id),
            user_id: Set(r.user_id),
            read_at: Set(now),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    }
    Ok(true)
}

/// Marks every unread message of the reader read; returns how many.
pub async fn mark_all_read(db: &impl ConnectionTrait, r: &Reader, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let unread = Query::select()
        .column(message::Column::Id)
        .expr(Expr::value(r.user_id))
        .expr(Expr::value(now))
        .from(message::Entity)
        .cond_where(in_box(r, Folder::Unread))
        .to_owned();
    let insert = Query::insert()
        .into_table(message_read::Entity)
        .columns([
            message_read::Column::MessageId,
            message_read::Column::UserId,
            message_read::Column::ReadAt,
        ])
        .select_from(unread)
        .map_err(|e| StoreError::Unsupported(e.to_string()))?
        .to_owned();
    Ok(db.execute(&insert).await?.rows_affected())
}

/// Closes every open 待办 about a subject, for everyone; returns how many.
pub async fn close_subject(
    db: &impl ConnectionTrait,
    subject_type: &str,
    subject_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(message::Entity::update_many()
        .col_expr(message::Column::DoneAt, Expr::value(now))
        .filter(message::Column::SubjectType.eq(subject_type))
        .filter(message::Column::SubjectId.eq(subject_id))
        .filter(message::Column::ActionRequired.eq(true))
        .filter(message::Column::DoneAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Unscoped, for the outbound worker: a message by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<MessageRow>, StoreError> {
    Ok(message::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| MessageRow::of(m, None)))
}

/// Unscoped, for tests and diagnosis: every message about a subject.
pub async fn about(
    db: &impl ConnectionTrait,
    subject_type: &str,
    subject_id: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    Ok(message::Entity::find()
        .filter(message::Column::SubjectType.eq(subject_type))
        .filter(message::Column::SubjectId.eq(subject_id))
        .order_by_asc(message::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MessageRow::of(m, None))
        .collect())
}

/// A user a message reaches, for the outbound channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addressee {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub phone: String,
}

/// The active users a message reaches now (resolving a department recipient).
pub async fn addressees(db: &impl ConnectionTrait, message_id: i64) -> Result<Vec<Addressee>, StoreError> {
    let Some(m) = message::Entity::find_by_id(message_id).one(db).await? else {
        return Ok(Vec::new());
    };
    let mut q = user::Entity::find().filter(user::Column::Active.eq(true));
    if let Some(u) = m.recipient_user_id {
        q = q.filter(user::Column::Id.eq(u));
    } else if let (Some(d), Some(roles)) = (m.recipient_department_id, m.recipient_roles) {
        let roles: Vec<String> = roles.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
        q = q
            .filter(user::Column::DepartmentId.eq(d))
            .filter(user::Column::Role.is_in(roles));
    } else {
        return Ok(Vec::new());
    }
    Ok(q.order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|u| Addressee {
            user_id: u.id,
            username: u.username,
            display_name: u.display_name,
            phone: u.phone,
        })
        .collect())
}

// ---- the outbox ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxState {
    Pending,
    Delivered,
    /// Gave up after the last attempt.
    Failed,
    /// Nothing to send: no channel configured, or nobody to send to.
    Skipped,
}

impl OutboxState {
    pub fn code(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Delivered => "delivered",
            OutboxState::Failed => "failed",
            OutboxState::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed, Self::Skipped]
            .into_iter()
            .find(|x| x.code() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub message_id: i64,
    pub created_at: DateTime<Utc>,
    pub state: OutboxState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub last_error: String,
}

impl From<message_outbox::Model> for OutboxRow {
    fn from(m: message_outbox::Model) -> Self {
        Self {
            id: m.id,
            message_id: m.message_id,
            created_at: m.created_at,
            state: OutboxState::parse(&m.state).unwrap_or(OutboxState::Failed),
            attempts: m.attempts.max(0) as u32,
            next_attempt_at: m.next_attempt_at,
            finished_at: m.finished_at,
            last_error: m.last_error,
        }
    }
}

fn unclaimed(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(message_outbox::Column::ClaimedUntil.is_null())
        .add(message_outbox::Column::ClaimedUntil.lt(now))
}

/// Pending rows whose time has come and that no process holds, oldest first.
/// A plain read: it takes no write lock.
pub async fn outbox_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(message_outbox::Entity::find()
        .filter(message_outbox::Column::State.eq(OutboxState::Pending.code()))
        .filter(message_outbox::Column::NextAttemptAt.lte(now))
        .filter(unclaimed(now))
        .order_by_asc(message_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Takes a due row for one attempt, until `until`; false when another
/// process took it first. Counts the attempt.
pub async fn outbox_claim(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use sea_orm::ExprTrait;
    let n = message_outbox::Entity::update_many()
        .col_expr(message_outbox::Column::ClaimedUntil, Expr::value(until))
        .col_expr(
            message_outbox::Column::Attempts,
            Expr::col(message_outbox::Column::Attempts).add(1),
        )
        .filter(message_outbox::Column::Id.eq(id))
        .filter(message_outbox::Column::State.eq(OutboxState::Pending.code()))
        .filter(unclaimed(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(n == 1)
}

/// Ends a row: delivered, failed for good, or skipped.
pub async fn outbox_finish(
    db: &impl ConnectionTrait,
    id: i64,
    state: OutboxState,
    now: DateTime<Utc>,
    error: &str,
) -> Result<(), StoreError> {
    message_outbox::Entity::update_many()
        .col_expr(message_outbox::Column::State, Expr::value(state.code()))
        .col_expr(message_outbox::Column::FinishedAt, Expr::value(now))
        .col_expr(
            message_outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message_outbox::Column::LastError, Expr::value(error))
        .filter(message_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A failed attempt: try again at `next`.
pub async fn outbox_retry(
    db: &impl ConnectionTrait,
    id: i64,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), StoreError> {
    message_outbox::Entity::update_many()
        .col_expr(message_outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(
            message_outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message_outbox::Column::LastError, Expr::value(error))
        .filter(message_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether any row is pending (a read, so that an idle worker takes no write lock).
pub async fn outbox_any_pending(db: &impl ConnectionTrait) -> Result<bool, StoreError> {
    Ok(message_outbox::Entity::find()
        .filter(message_outbox::Column::State.eq(OutboxState::Pending.code()))
        .select_only()
        .column(message_outbox::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

/// Marks every pending row skipped (no channel is configured); returns how many.
pub async fn outbox_skip_pending(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(message_outbox::Entity::update_many()
        .col_expr(message_outbox::Column::State, Expr::value(OutboxState::Skipped.code()))
        .col_expr(message_outbox::Column::FinishedAt, Expr::value(now))
        .col_expr(message_outbox::Column::LastError, Expr::value("未配置外发渠道"))
        .filter(message_outbox::Column::State.eq(OutboxState::Pending.code()))
        .exec(db)
        .await?
        .rows_affected)
}

/// The outbox row of a message (for tests and diagnosis).
pub async fn outbox_of(db: &impl ConnectionTrait, message_id: i64) -> Result<Option<OutboxRow>, StoreError> {
    Ok(message_outbox::Entity::find()
        .filter(message_outbox::Column::MessageId.eq(message_id))
        .one(db)
        .await?
        .map(Into::into))
}
