//! 执法检查人员名录库: inspectors with their history, experts, and declared
//! conflicts of interest.

use crate::entity::{conflict, expert, inspector, inspector_history, object};
use crate::{StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use spotcheck_domain::jurisdiction::Jurisdiction;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectorData {
    pub name: String,
    /// 执法证号, unique across the province.
    pub cert_no: String,
    pub id_sealed: Option<String>,
    pub id_masked: String,
    pub id_lookup: String,
    /// 职务.
    pub title: String,
    /// 专业执法资格.
    pub qualifications: Vec<String>,
    /// 非业务类别.
    pub non_business: String,
    pub cert_valid_until: NaiveDate,
    pub phone: String,
    /// `on_duty`, `on_leave`, `seconded` or `transferred`.
    pub status: String,
    pub status_since: Option<NaiveDate>,
    pub status_until: Option<NaiveDate>,
}

impl InspectorData {
    pub fn same_as(&self, other: &InspectorData) -> bool {
        let strip = |d: &InspectorData| InspectorData {
            id_sealed: None,
            ..d.clone()
        };
        strip(self) == strip(other)
    }

    pub fn history_state(&self) -> String {
        serde_json::to_string(&InspectorData {
            id_sealed: None,
            ..self.clone()
        })
        .expect("serialisable")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectorRow {
    pub id: i64,
    pub department_id: i64,
    pub data: InspectorData,
    pub user_id: Option<i64>,
    pub active: bool,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<inspector::Model> for InspectorRow {
    fn from(m: inspector::Model) -> Self {
        Self {
            id: m.id,
            department_id: m.department_id,
            data: InspectorData {
                name: m.name,
                cert_no: m.cert_no,
                id_sealed: m.id_sealed,
                id_masked: m.id_masked,
                id_lookup: m.id_lookup,
                title: m.title,
                qualifications: serde_json::from_str(&m.qualifications).unwrap_or_default(),
                non_business: m.non_business,
                cert_valid_until: m.cert_valid_until,
                phone: m.phone,
                status: m.status,
                status_since: m.status_since,
                status_until: m.status_until,
            },
            user_id: m.user_id,
            active: m.active,
            revision: m.revision,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

fn active_model(department_id: i64, d: &InspectorData) -> inspector::ActiveModel {
    inspector::ActiveModel {
        department_id: Set(department_id),
        name: Set(d.name.clone()),
        cert_no: Set(d.cert_no.clone()),
        id_sealed: Set(d.id_sealed.clone()),
        id_masked: Set(d.id_masked.clone()),
        id_lookup: Set(d.id_lookup.clone()),
        title: Set(d.title.clone()),
        qualifications: Set(serde_json::to_string(&d.qualifications).expect("serialisable")),
        non_business: Set(d.non_business.clone()),
        cert_valid_until: Set(d.cert_valid_until),
        phone: Set(d.phone.clone()),
        status: Set(d.status.clone()),
        status_since: Set(d.status_since),
        status_until: Set(d.status_until),
        ..Default::default()
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    department_id: i64,
    d: &InspectorData,
    now: DateTime<Utc>,
) -> Result<InspectorRow, StoreError> {
    let mut am = active_model(department_id, d);
    am.user_id = Set(None);
    am.active = Set(true);
    am.revision = Set(1);
    am.created_at = Set(now);
    am.updated_at = Set(now);
    let id = inspector::Entity::insert(am).exec(db).await?.last_insert_id;
    Ok(inspector::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted")
        .into())
}

/// Replaces an inspector's data (department included), keeping the previous state.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    db: &impl ConnectionTrait,
    current: &InspectorRow,
    department_id: i64,
    d: &InspectorData,
    changed_by: &str,
    reason: &str,
    import_job_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    add_history(db, current, changed_by, reason, import_job_id, now).await?;
    let mut am = active_model(department_id, d);
    am.id = Set(current.id);
    am.user_id = Set(current.user_id);
    am.active = Set(current.active);
    am.revision = Set(current.revision + 1);
    am.created_at = Set(current.created_at);
    am.updated_at = Set(now);
    inspector::Entity::update(am).exec(db).await?;
    Ok(())
}

pub async fn set_active(
    db: &impl ConnectionTrait,
    current: &InspectorRow,
    active: bool,
    changed_by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    add_history(db, current, changed_by, reason, None, now).await?;
    inspector::Entity::update_many()
        .col_expr(inspector::Column::Active, Expr::value(active))
        .col_expr(inspector::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(inspector::Column::UpdatedAt, Expr::value(now))
        .filter(inspector::Column::Id.eq(current.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Links an inspector to the platform account the inspector logs in with.
pub async fn link_user(db: &impl ConnectionTrait, id: i64, user_id: Option<i64>) -> Result<(), StoreError> {
    inspector::Entity::update_many()
        .col_expr(inspector::Column::UserId, Expr::value(user_id))
        .filter(inspector::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn add_history(
    db: &impl ConnectionTrait,
    current: &InspectorRow,
    changed_by: &str,
    reason: &str,
    import_job_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut state: serde_json::Value = serde_json::from_str(&current.data.history_state()).expect("json");
    state["active"] = serde_json::Value::Bool(current.active);
    state["department_id"] = serde_json::Value::from(current.department_id);
    inspector_history::Entity::insert(inspector_history::ActiveModel {
        inspector_id: Set(current.id),
        revision: Set(current.revision),
        changed_at: Set(now),
        changed_by: Set(changed_by.to_string()),
        reason: Set(reason.to_string()),
        state: Set(state.to_string()),
        import_job_id: Set(import_job_id),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn history(
    db: &impl ConnectionTrait,
    inspector_id: i64,
) -> Result<Vec<crate::objects::HistoryRow>, StoreError> {
    Ok(inspector_history::Entity::find()
        .filter(inspector_history::Column::InspectorId.eq(inspector_id))
        .order_by_desc(inspector_history::Column::Revision)
        .all(db)
        .await?
        .into_iter()
        .map(|h| crate::objects::HistoryRow {
            revision: h.revision,
            changed_at: h.changed_at,
            changed_by: h.changed_by,
            reason: h.reason,
            state: serde_json::from_str(&h.state).unwrap_or_default(),
        })
        .collect())
}

pub async fn get_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    id: i64,
) -> Result<Option<InspectorRow>, StoreError> {
    Ok(inspector::Entity::find_by_id(id)
        .filter(inspector::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .map(Into::into))
}

/// Unscoped, by id (for messages to the inspector's account).
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<InspectorRow>, StoreError> {
    Ok(inspector::Entity::find_by_id(id).one(db).await?.map(Into::into))
}

/// Unscoped, by 执法证号 (unique across the province; imports need to know
/// whether a number is taken by another department).
pub async fn by_cert_nos(db: &impl ConnectionTrait, certs: &[String]) -> Result<Vec<InspectorRow>, StoreError> {
    if certs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(inspector::Entity::find()
        .filter(inspector::Column::CertNo.is_in(certs.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The inspectors (active or not) of the given departments, by 执法证号.
pub async fn of_departments(
    db: &impl ConnectionTrait,
    department_ids: &[i64],
) -> Result<Vec<InspectorRow>, StoreError> {
    Ok(inspector::Entity::find()
        .filter(inspector::Column::DepartmentId.is_in(department_ids.iter().copied()))
        .order_by_asc(inspector::Column::CertNo)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The inspector record linked to a platform account.
pub async fn by_user(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<InspectorRow>, StoreError> {
    Ok(inspector::Entity::find()
        .filter(inspector::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map(Into::into))
}

#[derive(Clone, Debug, Default)]
pub struct InspectorFilter {
    /// Part of the name, or the start of the 执法证号.
    pub text: Option<String>,
    pub department_id: Option<i64>,
    pub status: Option<String>,
    /// Holding this 专业执法资格.
    pub qualification: Option<String>,
    pub active: Option<bool>,
    pub id_lookup: Option<String>,
}

fn condition(scope: &Jurisdiction, f: &InspectorFilter) -> Condition {
    let mut c = Condition::all().add(inspector::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)));
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        c = c.add(
            Condition::any()
                .add(inspector::Column::Name.like(scope::contains(t)))
                .add(inspector::Column::CertNo.like(scope::starts_with(t))),
        );
    }
    if let Some(d) = f.department_id {
        c = c.add(inspector::Column::DepartmentId.eq(d));
    }
    if let Some(s) = &f.status {
        c = c.add(inspector::Column::Status.eq(s.as_str()));
    }
    if let Some(q) = f.qualification.as_deref().filter(|q| !q.is_empty()) {
        // Stored as a JSON array of strings: match the quoted element.
        c = c.add(inspector::Column::Qualifications.like(scope::contains(&format!("\"{q}\""))));
    }
    if let Some(a) = f.active {
        c = c.add(inspector::Column::Active.eq(a));
    }
    if let Some(l) = &f.id_lookup {
        c = c.add(inspector::Column::IdLookup.eq(l.as_str()));
    }
    c
}

pub async fn list_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &InspectorFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<InspectorRow>, u64), StoreError> {
    let q = inspector::Entity::find().filter(condition(scope, f));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(inspector::Column::DepartmentId)
        .order_by_asc(inspector::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

pub async fn slice_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &InspectorFilter,
    after_id: i64,
    limit: u64,
) -> Result<Vec<InspectorRow>, StoreError> {
    Ok(inspector::Entity::find()
        .filter(condition(scope, f))
        .filter(inspector::Column::Id.gt(after_id))
        .order_by_asc(inspector::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn count_in(db: &impl ConnectionTrait, scope: &Jurisdiction, active_only: bool) -> Result<u64, StoreError> {
    let f = InspectorFilter {
        active: active_only.then_some(true),
        ..Default::default()
    };
    Ok(inspector::Entity::find().filter(condition(scope, &f)).count(db).await?)
}

// ---- experts ----

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertData {
    pub name: String,
    pub organisation: String,
    pub organisation_kind: String,
    pub expertise: String,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpertRow {
    pub id: i64,
    pub department_id: i64,
    pub data: ExpertData,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<expert::Model> for ExpertRow {
    fn from(m: expert::Model) -> Self {
        Self {
            id: m.id,
            department_id: m.department_id,
            data: ExpertData {
                name: m.name,
                organisation: m.organisation,
                organisation_kind: m.organisation_kind,
                expertise: m.expertise,
                phone: m.phone,
            },
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

pub async fn insert_expert(
    db: &impl ConnectionTrait,
    department_id: i64,
    d: &ExpertData,
    now: DateTime<Utc>,
) -> Result<ExpertRow, StoreError> {
    let id = expert::Entity::insert(expert::ActiveModel {
        department_id: Set(department_id),
        name: Set(d.name.clone()),
        organisation: Set(d.organisation.clone()),
        organisation_kind: Set(d.organisation_kind.clone()),
        expertise: Set(d.expertise.clone()),
        phone: Set(d.phone.clone()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(expert::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted")
        .into())
}

pub async fn update_expert(
    db: &impl ConnectionTrait,
    id: i64,
    d: &ExpertData,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    expert::Entity::update_many()
        .col_expr(expert::Column::Name, Expr::value(d.name.clone()))
        .col_expr(expert::Column::Organisation, Expr::value(d.organisation.clone()))
        .col_expr(
            expert::Column::OrganisationKind,
            Expr::value(d.organisation_kind.clone()),
        )
        .col_expr(expert::Column::Expertise, Expr::value(d.expertise.clone()))
        .col_expr(expert::Column::Phone, Expr::value(d.phone.clone()))
        .col_expr(expert::Column::Active, Expr::value(active))
        .col_expr(expert::Column::UpdatedAt, Expr::value(now))
        .filter(expert::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn expert_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    id: i64,
) -> Result<Option<ExpertRow>, StoreError> {
    Ok(expert::Entity::find_by_id(id)
        .filter(expert::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .map(Into::into))
}

pub async fn experts_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    text: Option<&str>,
    page: u64,
    page_size: u64,
) -> Result<(Vec<ExpertRow>, u64), StoreError> {
    let mut c = Condition::all().add(expert::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)));
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        c = c.add(
            Condition::any()
                .add(expert::Column::Name.like(scope::contains(t)))
                .add(expert::Column::Organisation.like(scope::contains(t)))
                .add(expert::Column::Expertise.like(scope::contains(t))),
        );
    }
    let q = expert::Entity::find().filter(c);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(expert::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

// ---- conflicts of interest ----

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictRow {
    pub id: i64,
    pub inspector_id: i64,
    pub object_id: i64,
    pub reason: String,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub active: bool,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_reason: String,
}

impl From<conflict::Model> for ConflictRow {
    fn from(m: conflict::Model) -> Self {
        Self {
            id: m.id,
            inspector_id: m.inspector_id,
            object_id: m.object_id,
            reason: m.reason,
            declared_by: m.declared_by,
            declared_at: m.declared_at,
            active: m.active,
            withdrawn_at: m.withdrawn_at,
            withdrawn_reason: m.withdrawn_reason,
        }
    }
}

pub async fn declare_conflict(
    db: &impl ConnectionTrait,
    inspector_id: i64,
    object_id: i64,
    reason: &str,
    declared_by: &str,
    now: DateTime<Utc>,
) -> Result<ConflictRow, StoreError> {
    let id = conflict::Entity::insert(conflict::ActiveModel {
        inspector_id: Set(inspector_id),
        object_id: Set(object_id),
        reason: Set(reason.to_string()),
        declared_by: Set(declared_by.to_string()),
        declared_at: Set(now),
        active: Set(true),
        withdrawn_at: Set(None),
        withdrawn_reason: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(conflict::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted")
        .into())
}

pub async fn withdraw_conflict(
    db: &impl ConnectionTrait,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conflict::Entity::update_many()
        .col_expr(conflict::Column::Active, Expr::value(false))
        .col_expr(conflict::Column::WithdrawnAt, Expr::value(now))
        .col_expr(conflict::Column::WithdrawnReason, Expr::value(reason))
        .filter(conflict::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A conflict whose inspector lies inside `scope`.
pub async fn conflict_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    id: i64,
) -> Result<Option<ConflictRow>, StoreError> {
    let inspectors = sea_orm::sea_query::Query::select()
        .column(inspector::Column::Id)
        .from(inspector::Entity)
        .and_where(inspector::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .to_owned();
    Ok(conflict::Entity::find_by_id(id)
        .filter(conflict::Column::InspectorId.in_subquery(inspectors))
        .one(db)
        .await?
        .map(Into::into))
}

/// Conflicts of an inspector or of an object (at least one must be given).
pub async fn conflicts_of(
    db: &impl ConnectionTrait,
    inspector_id: Option<i64>,
    object_id: Option<i64>,
    active_only: bool,
) -> Result<Vec<ConflictRow>, StoreError> {
    let mut q = conflict::Entity::find();
    if let Some(i) = inspector_id {
        q = q.filter(conflict::Column::InspectorId.eq(i));
    }
    if let Some(o) = object_id {
        q = q.filter(conflict::Column::ObjectId.eq(o));
    }
    if active_only {
        q = q.filter(conflict::Column::Active.eq(true));
    }
    Ok(q.order_by_desc(conflict::Column::DeclaredAt)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The active conflicts of the given inspectors.
pub async fn active_conflicts_of(
    db: &impl ConnectionTrait,
    inspector_ids: &[i64],
) -> Result<Vec<ConflictRow>, StoreError> {
    Ok(conflict::Entity::find()
        .filter(conflict::Column::InspectorId.is_in(inspector_ids.iter().copied()))
        .filter(conflict::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Names and codes of objects, for showing beside conflicts.
pub async fn object_labels(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(object::Entity::find()
        .filter(object::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.key_code, o.name)))
        .collect())
}
