//! 年度抽查计划: plan versions, their entries and events.
//!
//! A version's status changes only through [`set_status`], which updates the
//! row only if it still has the status the caller read: two people acting on
//! one plan at once never both succeed. Entries of a version are replaced as a
//! whole while the version is editable and never touched afterwards.
//!
//! Multi-valued scope fields are JSON arrays in text columns, like the item
//! list's; the ratio is in basis points.

use crate::entity::{plan, plan_entry, plan_event};
use crate::{StoreError, scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::item::Ratio;
use spotcheck_domain::jurisdiction::Jurisdiction;
use spotcheck_domain::plan::{PlanScope, PlanStatus};
use spotcheck_domain::vocab::{ObjectKind, RiskClass};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRow {
    pub id: i64,
    pub department_id: i64,
    pub year: i32,
    pub version: i32,
    pub status: PlanStatus,
    pub adjustment_reason: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub filed_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer_comment: String,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
}

impl From<plan::Model> for PlanRow {
    fn from(m: plan::Model) -> Self {
        Self {
            id: m.id,
            department_id: m.department_id,
            year: m.year,
            version: m.version,
            // Written by this module; an unknown code can only come from a newer platform.
            status: PlanStatus::parse(&m.status).unwrap_or(PlanStatus::Draft),
            adjustment_reason: m.adjustment_reason,
            created_at: m.created_at,
            created_by: m.created_by,
            updated_at: m.updated_at,
            filed_at: m.filed_at,
            answered_at: m.answered_at,
            answer_comment: m.answer_comment,
            published_at: m.published_at,
            superseded_at: m.superseded_at,
        }
    }
}

/// One stored entry: the item version and the department's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRow {
    pub id: i64,
    pub plan_id: i64,
    pub position: i32,
    pub item_version_id: i64,
    pub scope: PlanScope,
    pub ratio: Ratio,
    pub months: BTreeSet<u32>,
    pub note: String,
}

/// An entry to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub item_version_id: i64,
    pub scope: PlanScope,
    pub ratio: Ratio,
    pub months: BTreeSet<u32>,
    pub note: String,
}

fn json_codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&codes.collect::<Vec<_>>()).expect("serialisable")
}

fn parse_codes<T: Ord>(text: &str, parse: impl Fn(&str) -> Option<T>) -> BTreeSet<T> {
    serde_json::from_str::<Vec<String>>(text)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| parse(c))
        .collect()
}

impl From<plan_entry::Model> for EntryRow {
    fn from(m: plan_entry::Model) -> Self {
        Self {
            id: m.id,
            plan_id: m.plan_id,
            position: m.position,
            item_version_id: m.item_version_id,
            scope: PlanScope {
                object_kinds: parse_codes(&m.object_kinds, |c| ObjectKind::parse(c).ok()),
                divisions: parse_codes(&m.divisions, |c| DivisionCode::parse(c).ok()),
                risk_classes: parse_codes(&m.risk_classes, |c| RiskClass::parse(c).ok()),
            },
            ratio: Ratio::from_basis_points(m.ratio_bp.clamp(0, 10_000) as u16).unwrap_or(Ratio::FULL),
            months: serde_json::from_str::<Vec<u32>>(&m.months)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            note: m.note,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    pub plan_id: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_name: String,
    pub actor_department: String,
    pub comment: String,
}

impl From<plan_event::Model> for EventRow {
    fn from(m: plan_event::Model) -> Self {
        Self {
            id: m.id,
            plan_id: m.plan_id,
            at: m.at,
            action: m.action,
            actor_name: m.actor_name,
            actor_department: m.actor_department,
            comment: m.comment,
        }
    }
}

pub struct NewPlan<'a> {
    pub department_id: i64,
    pub year: i32,
    pub version: i32,
    pub adjustment_reason: &'a str,
    pub created_by: &'a str,
    pub now: DateTime<Utc>,
}

/// Inserts a draft version. A second version with the same number for the
/// same department and year is refused by the unique index
/// ([`StoreError::Duplicate`]), so two people starting the same plan at once
/// get one plan.
pub async fn insert(db: &impl ConnectionTrait, p: NewPlan<'_>) -> Result<PlanRow, StoreError> {
    let id = plan::Entity::insert(plan::ActiveModel {
        department_id: Set(p.department_id),
        year: Set(p.year),
        version: Set(p.version),
        status: Set(PlanStatus::Draft.code().to_string()),
        adjustment_reason: Set(p.adjustment_reason.to_string()),
        created_at: Set(p.now),
        created_by: Set(p.created_by.to_string()),
        updated_at: Set(p.now),
        filed_at: Set(None),
        answered_at: Set(None),
        answer_comment: Set(String::new()),
        published_at: Set(None),
        superseded_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(by_id(db, id).await?.expect("just inserted"))
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<PlanRow>, StoreError> {
    Ok(plan::Entity::find_by_id(id).one(db).await?.map(Into::into))
}

/// A version of a department inside `scope`.
pub async fn get_in(db: &impl ConnectionTrait, scope: &Jurisdiction, id: i64) -> Result<Option<PlanRow>, StoreError> {
    Ok(plan::Entity::find_by_id(id)
        .filter(plan::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .map(Into::into))
}

/// Every version of a department's plan for a year, oldest first.
pub async fn versions(db: &impl ConnectionTrait, department_id: i64, year: i32) -> Result<Vec<PlanRow>, StoreError> {
    Ok(plan::Entity::find()
        .filter(plan::Column::DepartmentId.eq(department_id))
        .filter(plan::Column::Year.eq(year))
        .order_by_asc(plan::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[derive(Clone, Debug, Default)]
pub struct PlanFilter {
    pub year: Option<i32>,
    pub status: Option<PlanStatus>,
    pub department_id: Option<i64>,
    /// Only the latest version of each department and year.
    pub latest_only: bool,
}

/// Plans of the departments inside `scope`, newest year first, then by
/// department and version. Small by nature (a department has one plan a
/// year), so no paging.
pub async fn list_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &PlanFilter,
) -> Result<Vec<PlanRow>, StoreError> {
    list(db, Some(scope), f, None).await
}

/// The public versions (已公开 and 已调整) of every department.
pub async fn list_public(db: &impl ConnectionTrait, f: &PlanFilter) -> Result<Vec<PlanRow>, StoreError> {
    list(db, None, f, Some(&[PlanStatus::Published, PlanStatus::Superseded])).await
}

async fn list(
    db: &impl ConnectionTrait,
    scope: Option<&Jurisdiction>,
    f: &PlanFilter,
    statuses: Option<&[PlanStatus]>,
) -> Result<Vec<PlanRow>, StoreError> {
    let mut c = Condition::all();
    if let Some(s) = scope {
        c = c.add(plan::Column::DepartmentId.in_subquery(scope::department_ids_in(s)));
    }
    if let Some(y) = f.year {
        c = c.add(plan::Column::Year.eq(y));
    }
    if let Some(s) = f.status {
        c = c.add(plan::Column::Status.eq(s.code()));
    }
    if let Some(d) = f.department_id {
        c = c.add(plan::Column::DepartmentId.eq(d));
    }
    if let Some(list) = statuses {
        c = c.add(plan::Column::Status.is_in(list.iter().map(|s| s.code())));
    }
    let rows = plan::Entity::find()
        .filter(c)
        .order_by_desc(plan::Column::Year)
        .order_by_asc(plan::Column::DepartmentId)
        .order_by_asc(plan::Column::Version)
        .all(db)
        .await?;
    let mut out: Vec<PlanRow> = rows.into_iter().map(Into::into).collect();
    if f.latest_only {
        // Keep the highest version of each (department, year); the list is
        // ordered by version within each group.
        let mut keep: Vec<PlanRow> = Vec::with_capacity(out.len());
        for p in out.drain(..) {
            match keep.last_mut() {
                Some(last) if last.department_id == p.department_id && last.year == p.year => *last = p,
                _ => keep.push(p),
            }
        }
        out = keep;
    }
    Ok(out)
}

/// Plans waiting for an answer from the superior whose direct subordinates are
/// `department_ids` (已报备 versions of those departments).
pub async fn filed_by(db: &impl ConnectionTrait, department_ids: &[i64]) -> Result<Vec<PlanRow>, StoreError> {
    if department_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(plan::Entity::find()
        .filter(plan::Column::DepartmentId.is_in(department_ids.iter().copied()))
        .filter(plan::Column::Status.eq(PlanStatus::Filed.code()))
        .order_by_asc(plan::Column::FiledAt)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// What a status change writes besides the status.
#[derive(Clone, Debug, Default)]
pub struct StatusFields {
    pub filed_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer_comment: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
}

/// Moves version `id` from `from` to `to`. Refuses (as
/// [`StoreError::Unsupported`]) when the version no longer has status `from`:
/// someone else acted first.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    from: PlanStatus,
    to: PlanStatus,
    fields: StatusFields,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut q = plan::Entity::update_many()
        .col_expr(plan::Column::Status, Expr::value(to.code()))
        .col_expr(plan::Column::UpdatedAt, Expr::value(now));
    if let Some(t) = fields.filed_at {
        q = q.col_expr(plan::Column::FiledAt, Expr::value(t));
    }
    if let Some(t) = fields.answered_at {
        q = q.col_expr(plan::Column::AnsweredAt, Expr::value(t));
    }
    if let Some(c) = fields.answer_comment {
        q = q.col_expr(plan::Column::AnswerComment, Expr::value(c));
    }
    if let Some(t) = fields.published_at {
        q = q.col_expr(plan::Column::PublishedAt, Expr::value(t));
    }
    if let Some(t) = fields.superseded_at {
        q = q.col_expr(plan::Column::SupersededAt, Expr::value(t));
    }
    let moved = q
        .filter(plan::Column::Id.eq(id))
        .filter(plan::Column::Status.eq(from.code()))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(StoreError::Unsupported(
            "该计划的状态刚刚已被其他人改变，请刷新页面查看最新状态后再操作".into(),
        ));
    }
    Ok(())
}

/// The entries of a version, in order.
pub async fn entries(db: &impl ConnectionTrait, plan_id: i64) -> Result<Vec<EntryRow>, StoreError> {
    Ok(plan_entry::Entity::find()
        .filter(plan_entry::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_entry::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// One entry by id.
pub async fn entry(db: &impl ConnectionTrait, id: i64) -> Result<Option<EntryRow>, StoreError> {
    Ok(plan_entry::Entity::find_by_id(id).one(db).await?.map(Into::into))
}

/// Replaces the entries of an editable version (the caller checked the status
/// in the same transaction) and touches its `updated_at`.
pub async fn replace_entries(
    db: &impl ConnectionTrait,
    plan_id: i64,
    entries: &[NewEntry],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    plan_entry::Entity::delete_many()
        .filter(plan_entry::Column::PlanId.eq(plan_id))
        .exec(db)
        .await?;
    if !entries.is_empty() {
        let models = entries.iter().enumerate().map(|(i, e)| plan_entry::ActiveModel {
            plan_id: Set(plan_id),
            position: Set(i as i32 + 1),
            item_version_id: Set(e.item_version_id),
            object_kinds: Set(json_codes(e.scope.object_kinds.iter().map(|k| k.code()))),
            divisions: Set(json_codes(e.scope.divisions.iter().map(|d| d.as_str()))),
            risk_classes: Set(json_codes(e.scope.risk_classes.iter().map(|r| r.code()))),
            ratio_bp: Set(i32::from(e.ratio.basis_points())),
            months: Set(serde_json::to_string(&e.months.iter().collect::<Vec<_>>()).expect("serialisable")),
            note: Set(e.note.clone()),
            ..Default::default()
        });
        plan_entry::Entity::insert_many(models).exec(db).await?;
    }
    plan::Entity::update_many()
        .col_expr(plan::Column::UpdatedAt, Expr::value(now))
        .filter(plan::Column::Id.eq(plan_id))
        .exec(db)
        .await?;
    Ok(())
}

pub struct NewEvent<'a> {
    pub plan_id: i64,
    pub at: DateTime<Utc>,
    pub action: &'a str,
    pub actor_name: &'a str,
    pub actor_department: &'a str,
    pub comment: &'a str,
}

pub async fn add_event(db: &impl ConnectionTrait, e: NewEvent<'_>) -> Result<(), StoreError> {
    plan_event::Entity::insert(plan_event::ActiveModel {
        plan_id: Set(e.plan_id),
        at: Set(e.at),
        action: Set(e.action.to_string()),
        actor_name: Set(e.actor_name.to_string()),
        actor_department: Set(e.actor_department.to_string()),
        comment: Set(e.comment.to_string()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The events of a version, oldest first.
pub async fn events(db: &impl ConnectionTrait, plan_id: i64) -> Result<Vec<EventRow>, StoreError> {
    Ok(plan_event::Entity::find()
        .filter(plan_event::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Years that have at least one plan inside `scope` (for the year filter).
pub async fn years_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<Vec<i32>, StoreError> {
    let mut years: Vec<i32> = plan::Entity::find()
        .filter(plan::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .select_only()
        .column(plan::Column::Year)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(years)
}
