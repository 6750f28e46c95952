//! The audit trail: append inside the transaction of the change it records,
//! list within a jurisdiction, verify the whole chain.

use crate::entity::{audit_entry, audit_head};
use crate::{StoreError, scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use spotcheck_domain::audit::{AuditFields, ChainBreak, ChainVerifier, StoredEntry, entry_hash, truncate_time};
use spotcheck_domain::jurisdiction::Jurisdiction;

/// An entry to append; `seq`, hashes and the exact time are assigned here.
#[derive(Clone, Debug, Default)]
pub struct NewAuditEntry {
    pub occurred_at: Option<DateTime<Utc>>,
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntryRow {
    pub fields: AuditFields,
    pub prev_hash: String,
    pub hash: String,
}

impl From<audit_entry::Model> for AuditEntryRow {
    fn from(m: audit_entry::Model) -> Self {
        Self {
            fields: AuditFields {
                seq: m.seq,
                occurred_at: m.occurred_at,
                actor_user_id: m.actor_user_id,
                actor: m.actor,
                actor_role: m.actor_role,
                department: m.department,
                target_department: m.target_department,
                action: m.action,
                target_type: m.target_type,
                target_id: m.target_id,
                summary: m.summary,
                before_digest: m.before_digest,
                after_digest: m.after_digest,
                client_addr: m.client_addr,
                request_id: m.request_id,
            },
            prev_hash: m.prev_hash,
            hash: m.hash,
        }
    }
}

/// Appends one entry. Call it last in a transaction: it takes the chain
/// head's row lock, which serialises appends across server processes, and
/// holds it until commit.
pub async fn append(db: &impl ConnectionTrait, e: NewAuditEntry) -> Result<AuditEntryRow, StoreError> {
    let bump = Query::update()
        .table(audit_head::Entity)
        .value(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(1))
        .and_where(audit_head::Column::Id.eq(1))
        .returning(Query::returning().columns([audit_head::Column::Seq, audit_head::Column::Hash]))
        .to_owned();
    let row = db
        .query_one(&bump)
        .await?
        .ok_or_else(|| StoreError::Unavailable("审计链头缺失：数据库未正确初始化".into()))?;
    let seq: i64 = row.try_get("", "seq")?;
    let prev_hash: String = row.try_get("", "hash")?;

    let fields = AuditFields {
        seq,
        occurred_at: truncate_time(e.occurred_at.unwrap_or_else(Utc::now)),
        actor_user_id: e.actor_user_id,
        actor: e.actor,
        actor_role: e.actor_role,
        department: e.department,
        target_department: e.target_department,
        action: e.action,
        target_type: e.target_type,
        target_id: e.target_id,
        summary: e.summary,
        before_digest: e.before_digest,
        after_digest: e.after_digest,
        client_addr: e.client_addr,
        request_id: e.request_id,
    };
    let hash = entry_hash(&prev_hash, &fields);
    let f = fields.clone();
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        seq: Set(f.seq),
        occurred_at: Set(f.occurred_at),
        actor_user_id: Set(f.actor_user_id),
        actor: Set(f.actor),
        actor_role: Set(f.actor_role),
        department: Set(f.department),
        target_department: Set(f.target_department),
        action: Set(f.action),
        target_type: Set(f.target_type),
        target_id: Set(f.target_id),
        summary: Set(f.summary),
        before_digest: Set(f.before_digest),
        after_digest: Set(f.after_digest),
        client_addr: Set(f.client_addr),
        request_id: Set(f.request_id),
        prev_hash: Set(prev_hash.clone()),
        hash: Set(hash.clone()),
    })
    .exec_without_returning(db)
    .await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(hash.clone()))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(AuditEntryRow {
        fields,
        prev_hash,
        hash,
    })
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// A department code; entries by or about it.
    pub department: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
}

fn in_scope(scope: &Jurisdiction) -> Condition {
    Condition::any()
        .add(audit_entry::Column::Department.in_subquery(scope::department_codes_in(scope)))
        .add(audit_entry::Column::TargetDepartment.in_subquery(scope::department_codes_in(scope)))
}

/// One page of entries inside `scope`, newest first, with the total count.
pub async fn list_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &AuditFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<AuditEntryRow>, u64), StoreError> {
    let mut cond = Condition::all().add(in_scope(scope));
    if let Some(d) = &f.department {
        cond = cond.add(
            Condition::any()
                .add(audit_entry::Column::Department.eq(d.as_str()))
                .add(audit_entry::Column::TargetDepartment.eq(d.as_str())),
        );
    }
    if let Some(a) = &f.actor {
        cond = cond.add(audit_entry::Column::Actor.eq(a.as_str()));
    }
    if let Some(a) = &f.action {
        cond = cond.add(audit_entry::Column::Action.eq(a.as_str()));
    }
    if let Some(t) = f.from {
        cond = cond.add(audit_entry::Column::OccurredAt.gte(t));
    }
    if let Some(t) = f.to {
        cond = cond.add(audit_entry::Column::OccurredAt.lt(t));
    }
    if let Some(t) = &f.target_type {
        cond = cond.add(audit_entry::Column::TargetType.eq(t.as_str()));
    }
    if let Some(t) = &f.target_id {
        cond = cond.add(audit_entry::Column::TargetId.eq(t.as_str()));
    }
    let q = audit_entry::Entity::find().filter(cond);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(audit_entry::Column::Seq)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// One entry inside `scope`.
pub async fn get_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    seq: i64,
) -> Result<Option<AuditEntryRow>, StoreError> {
    Ok(audit_entry::Entity::find_by_id(seq)
        .filter(in_scope(scope))
        .one(db)
        .await?
        .map(Into::into))
}

/// One entry by its sequence number, for a caller that authorised through
/// what the entry is about (the archive a task's manifest is signed by).
pub async fn by_seq(db: &impl ConnectionTrait, seq: i64) -> Result<Option<AuditEntryRow>, StoreError> {
    Ok(audit_entry::Entity::find_by_id(seq).one(db).await?.map(Into::into))
}

/// The recorded head: last sequence number and hash.
pub async fn head(db: &impl ConnectionTrait) -> Result<(i64, String), StoreError> {
    let h = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Unavailable("审计链头缺失：数据库未正确初始化".into()))?;
    Ok((h.seq, h.hash))
}

/// The outcome of verifying the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainReport {
    Intact { entries: i64 },
    Broken(ChainBreak),
}

/// Recomputes every hash in order, reading the table in slices so memory
/// stays flat however long the trail grows.
pub async fn verify_chain(db: &impl ConnectionTrait) -> Result<ChainReport, StoreError> {
    const SLICE: u64 = 5_000;
    let mut v = ChainVerifier::default();
    let mut after = 0i64;
    loop {
        let rows = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(after))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(SLICE)
            .all(db)
            .await?;
        let n = rows.len() as u64;
        for m in rows {
            after = m.seq;
            let r = AuditEntryRow::from(m);
            let e = StoredEntry {
                fields: r.fields,
                prev_hash: r.prev_hash,
                hash: r.hash,
            };
            if let Err(b) = v.feed(&e) {
                return Ok(ChainReport::Broken(b));
            }
        }
        if n < SLICE {
            break;
        }
    }
    let (seq, hash) = head(db).await?;
    Ok(match v.finish(seq, &hash) {
        Ok(entries) => ChainReport::Intact { entries },
        Err(b) => ChainReport::Broken(b),
    })
}

/// Entries inside `scope` since a time, optionally of one action (home-page figures).
pub async fn count_since_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    since: DateTime<Utc>,
    action: Option<&str>,
) -> Result<u64, StoreError> {
    let mut q = audit_entry::Entity::find()
        .filter(in_scope(scope))
        .filter(audit_entry::Column::OccurredAt.gte(since));
    if let Some(a) = action {
        q = q.filter(audit_entry::Column::Action.eq(a));
    }
    Ok(q.count(db).await?)
}
