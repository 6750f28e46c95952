//! 检查对象名录库: the objects of each department's directory, their history,
//! and the province's master list they can be claimed from.

use crate::entity::{master_object, object, object_history};
use crate::{StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use spotcheck_domain::jurisdiction::Jurisdiction;

/// What an object (or a master-list entry) says about itself. Kind-specific
/// fields are empty for the other kinds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectData {
    /// `enterprise`, `practitioner` or `project`.
    pub kind: String,
    /// 统一社会信用代码, 注册证书编号 or 项目代码.
    pub key_code: String,
    pub name: String,
    pub division_code: String,
    /// `A`–`D`.
    pub risk_class: String,
    pub abnormal: bool,
    pub key_focus: bool,
    pub serious_violation: bool,
    pub complaints: i32,
    pub phone: String,
    pub legal_rep: String,
    pub address: String,
    pub enterprise_kinds: Vec<String>,
    /// Sealed 身份证号 (never in clear here).
    pub id_sealed: Option<String>,
    pub id_masked: String,
    pub id_lookup: String,
    pub qualification: String,
    pub employer_code: String,
    pub builder_code: String,
    pub contractor_code: String,
    pub supervisor_code: String,
    pub stage: String,
    pub start_date: Option<NaiveDate>,
}

impl ObjectData {
    /// Equal in everything a user can see: a re-sealed identical 身份证号
    /// (fresh nonce, same lookup hash) is no change.
    pub fn same_as(&self, other: &ObjectData) -> bool {
        let strip = |d: &ObjectData| ObjectData {
            id_sealed: None,
            ..d.clone()
        };
        strip(self) == strip(other)
    }

    /// The state kept in history: everything but the sealed number.
    pub fn history_state(&self) -> String {
        serde_json::to_string(&ObjectData {
            id_sealed: None,
            ..self.clone()
        })
        .expect("serialisable")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRow {
    pub id: i64,
    pub department_id: i64,
    pub data: ObjectData,
    pub active: bool,
    pub source: String,
    pub master_id: Option<i64>,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn kinds_from(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn kinds_to(kinds: &[String]) -> String {
    serde_json::to_string(kinds).expect("serialisable")
}

macro_rules! data_of {
    ($m:expr) => {
        ObjectData {
            kind: $m.kind,
            key_code: $m.key_code,
            name: $m.name,
            division_code: $m.division_code,
            risk_class: $m.risk_class,
            abnormal: $m.abnormal,
            key_focus: $m.key_focus,
            serious_violation: $m.serious_violation,
            complaints: $m.complaints,
            phone: $m.phone,
            legal_rep: $m.legal_rep,
            address: $m.address,
            enterprise_kinds: kinds_from(&$m.enterprise_kinds),
            id_sealed: $m.id_sealed,
            id_masked: $m.id_masked,
            id_lookup: $m.id_lookup,
            qualification: $m.qualification,
            employer_code: $m.employer_code,
            builder_code: $m.builder_code,
            contractor_code: $m.contractor_code,
            supervisor_code: $m.supervisor_code,
            stage: $m.stage,
            start_date: $m.start_date,
        }
    };
}

impl From<object::Model> for ObjectRow {
    fn from(m: object::Model) -> Self {
        let (id, department_id, active, source, master_id, revision, created_at, updated_at) = (
            m.id,
            m.department_id,
            m.active,
            m.source.clone(),
            m.master_id,
            m.revision,
            m.created_at,
            m.updated_at,
        );
        Self {
            id,
            department_id,
            data: data_of!(m),
            active,
            source,
            master_id,
            revision,
            created_at,
            updated_at,
        }
    }
}

fn active_model(department_id: i64, d: &ObjectData) -> object::ActiveModel {
    object::ActiveModel {
        department_id: Set(department_id),
        kind: Set(d.kind.clone()),
        key_code: Set(d.key_code.clone()),
        name: Set(d.name.clone()),
        division_code: Set(d.division_code.clone()),
        risk_class: Set(d.risk_class.clone()),
        abnormal: Set(d.abnormal),
        key_focus: Set(d.key_focus),
        serious_violation: Set(d.serious_violation),
        complaints: Set(d.complaints),
        phone: Set(d.phone.clone()),
        legal_rep: Set(d.legal_rep.clone()),
        address: Set(d.address.clone()),
        enterprise_kinds: Set(kinds_to(&d.enterprise_kinds)),
        id_sealed: Set(d.id_sealed.clone()),
        id_masked: Set(d.id_masked.clone()),
        id_lookup: Set(d.id_lookup.clone()),
        qualification: Set(d.qualification.clone()),
        employer_code: Set(d.employer_code.clone()),
        builder_code: Set(d.builder_code.clone()),
        contractor_code: Set(d.contractor_code.clone()),
        supervisor_code: Set(d.supervisor_code.clone()),
        stage: Set(d.stage.clone()),
        start_date: Set(d.start_date),
        ..Default::default()
    }
}

/// Where a new object came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Manual,
    Import,
    Claim,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Import => "import",
            Source::Claim => "claim",
        }
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    department_id: i64,
    d: &ObjectData,
    source: Source,
    master_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ObjectRow, StoreError> {
    let mut am = active_model(department_id, d);
    am.active = Set(true);
    am.source = Set(source.code().to_string());
    am.master_id = Set(master_id);
    am.revision = Set(1);
    am.created_at = Set(now);
    am.updated_at = Set(now);
    let id = object::Entity::insert(am).exec(db).await?.last_insert_id;
    Ok(object::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted")
        .into())
}

/// Inserts many new objects at once (imports), in one statement; returns how
/// many. The caller keeps a call to at most 1,000 rows (31 columns each stay
/// under SQLite's 32,766 bound values).
///
/// Values every row shares are written into the statement instead of being
/// bound once per row: the department, kind, source, revision and state of
/// a new entry, and each kind-specific column that is empty in every row
/// (an enterprise has no 身份证号, no 项目阶段, …). A row of 企业 binds 14
/// values instead of 31, and SQLite copies each bound text; the statement's
/// text still depends only on the list kind, so its prepared form is reused.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    department_id: i64,
    rows: &[ObjectData],
    source: Source,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    db.execute_raw(insert_statement(
        db.get_database_backend(),
        department_id,
        rows,
        source,
        now,
    ))
    .await?;
    Ok(rows.len() as u64)
}

/// The statement [`insert_many`] runs for `rows` (not empty), built apart
/// from running it so that an import can build its next batch's statement
/// while the database runs the current one.
pub fn insert_statement(
    backend: sea_orm::DbBackend,
    department_id: i64,
    rows: &[ObjectData],
    source: Source,
    now: DateTime<Utc>,
) -> sea_orm::Statement {
    use object::Column as C;
    use sea_orm::sea_query::{Query, Value};
    debug_assert!(!rows.is_empty(), "an INSERT of no rows");
    let constant = |v: Value| Expr::Constant(v);
    // A kind-specific text column: written once when empty in every row.
    let text = |get: fn(&ObjectData) -> &String| -> Option<Expr> {
        rows.iter()
            .all(|d| get(d).is_empty())
            .then(|| constant(Value::from(String::new())))
    };
    let same_kind = rows.iter().all(|d| d.kind == rows[0].kind);
    let no_id = rows.iter().all(|d| d.id_sealed.is_none());
    let no_date = rows.iter().all(|d| d.start_date.is_none());
    let shared: [(C, Option<Expr>); 11] = [
        (C::IdMasked, text(|d| &d.id_masked)),
        (C::IdLookup, text(|d| &d.id_lookup)),
        (C::Qualification, text(|d| &d.qualification)),
        (C::EmployerCode, text(|d| &d.employer_code)),
        (C::BuilderCode, text(|d| &d.builder_code)),
        (C::ContractorCode, text(|d| &d.contractor_code)),
        (C::SupervisorCode, text(|d| &d.supervisor_code)),
        (C::Stage, text(|d| &d.stage)),
        (C::IdSealed, no_id.then(|| constant(Value::String(None)))),
        (C::StartDate, no_date.then(|| constant(Value::ChronoDate(None)))),
        (C::Kind, same_kind.then(|| constant(Value::from(rows[0].kind.clone())))),
    ];
    let mut columns = vec![
        C::DepartmentId,
        C::Active,
        C::Source,
        C::MasterId,
        C::Revision,
        C::KeyCode,
        C::Name,
        C::DivisionCode,
        C::RiskClass,
        C::Abnormal,
        C::KeyFocus,
        C::SeriousViolation,
        C::Complaints,
        C::Phone,
        C::LegalRep,
        C::Address,
        C::EnterpriseKinds,
        C::CreatedAt,
        C::UpdatedAt,
    ];
    columns.extend(shared.iter().map(|(c, _)| *c));
    let mut q = Query::insert();
    q.into_table(object::Entity).columns(columns);
    for d in rows {
        let mut values = vec![
            constant(Value::from(department_id)),
            constant(Value::from(true)),
            constant(Value::from(source.code())),
            constant(Value::BigInt(None)),
            constant(Value::from(1i32)),
            Expr::val(d.key_code.as_str()),
            Expr::val(d.name.as_str()),
            Expr::val(d.division_code.as_str()),
            Expr::val(d.risk_class.as_str()),
            Expr::val(d.abnormal),
            Expr::val(d.key_focus),
            Expr::val(d.serious_violation),
            Expr::val(d.complaints),
            Expr::val(d.phone.as_str()),
            Expr::val(d.legal_rep.as_str()),
            Expr::val(d.address.as_str()),
            Expr::val(kinds_to(&d.enterprise_kinds)),
            Expr::val(now),
            Expr::val(now),
        ];
        for (column, fixed) in &shared {
            values.push(match fixed {
                Some(e) => e.clone(),
                None => match column {
                    C::IdMasked => Expr::val(d.id_masked.as_str()),
                    C::IdLookup => Expr::val(d.id_lookup.as_str()),
                    C::Qualification => Expr::val(d.qualification.as_str()),
                    C::EmployerCode => Expr::val(d.employer_code.as_str()),
                    C::BuilderCode => Expr::val(d.builder_code.as_str()),
                    C::ContractorCode => Expr::val(d.contractor_code.as_str()),
                    C::SupervisorCode => Expr::val(d.supervisor_code.as_str()),
                    C::Stage => Expr::val(d.stage.as_str()),
                    C::IdSealed => Expr::val(d.id_sealed.clone()),
                    C::StartDate => Expr::val(d.start_date),
                    _ => Expr::val(d.kind.as_str()),
                },
            });
        }
        q.values_panic(values);
    }
    let mut statement = backend.build(&q);
    if backend == sea_orm::DbBackend::Sqlite {
        // OR FAIL, with the deferred department key (migration 000019), lets
        // SQLite run the statement without a statement journal: a failing
        // row stops the statement without undoing the rows before it, which
        // is only safe because every caller runs inside a transaction that a
        // failure rolls back whole. Any abort-on-failure constraint — the
        // default of NOT NULL and UNIQUE — would bring the journal back.
        debug_assert!(statement.sql.starts_with("INSERT INTO "));
        statement.sql.replace_range(.."INSERT".len(), "INSERT OR FAIL");
    }
    statement
}

/// Replaces an object's data, keeping the previous state in its history.
pub async fn update(
    db: &impl ConnectionTrait,
    current: &ObjectRow,
    d: &ObjectData,
    changed_by: &str,
    reason: &str,
    import_job_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    add_history(db, current, changed_by, reason, import_job_id, now).await?;
    let mut am = active_model(current.department_id, d);
    am.id = Set(current.id);
    am.active = Set(current.active);
    am.source = Set(current.source.clone());
    am.master_id = Set(current.master_id);
    am.revision = Set(current.revision + 1);
    am.created_at = Set(current.created_at);
    am.updated_at = Set(now);
    object::Entity::update(am).exec(db).await?;
    Ok(())
}

pub async fn set_active(
    db: &impl ConnectionTrait,
    current: &ObjectRow,
    active: bool,
    changed_by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    add_history(db, current, changed_by, reason, None, now).await?;
    object::Entity::update_many()
        .col_expr(object::Column::Active, Expr::value(active))
        .col_expr(object::Column::Revision, Expr::value(current.revision + 1))
        .col_expr(object::Column::UpdatedAt, Expr::value(now))
        .filter(object::Column::Id.eq(current.id))
        .exec(db)
        .await?;
    Ok(())
}

async fn add_history(
    db: &impl ConnectionTrait,
    current: &ObjectRow,
    changed_by: &str,
    reason: &str,
    import_job_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut state: serde_json::Value = serde_json::from_str(&current.data.history_state()).expect("json");
    state["active"] = serde_json::Value::Bool(current.active);
    object_history::Entity::insert(object_history::ActiveModel {
        object_id: Set(current.id),
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    pub revision: i32,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    pub reason: String,
    pub state: serde_json::Value,
}

pub async fn history(db: &impl ConnectionTrait, object_id: i64) -> Result<Vec<HistoryRow>, StoreError> {
    Ok(object_history::Entity::find()
        .filter(object_history::Column::ObjectId.eq(object_id))
        .order_by_desc(object_history::Column::Revision)
        .all(db)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            revision: h.revision,
            changed_at: h.changed_at,
            changed_by: h.changed_by,
            reason: h.reason,
            state: serde_json::from_str(&h.state).unwrap_or_default(),
        })
        .collect())
}

/// An object whose department lies inside `scope`.
pub async fn get_in(db: &impl ConnectionTrait, scope: &Jurisdiction, id: i64) -> Result<Option<ObjectRow>, StoreError> {
    Ok(object::Entity::find_by_id(id)
        .filter(object::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .map(Into::into))
}

/// The objects of `kind` with public code `code` in the directories of the
/// departments inside `scope` (the same enterprise may be in several), by id.
pub async fn by_code_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    kind: &str,
    code: &str,
) -> Result<Vec<ObjectRow>, StoreError> {
    Ok(object::Entity::find()
        .filter(object::Column::KeyCode.eq(code))
        .filter(object::Column::Kind.eq(kind))
        .filter(object::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .order_by_asc(object::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Lets the database plan the next lookups with the rows written so far in
/// this transaction. PostgreSQL's planner, without statistics for a table
/// filled inside the current transaction, takes a list of 2,000 codes for
/// most of the table and scans all of it (seconds per batch of an import);
/// ANALYZE counts the transaction's own new rows. SQLite plans by its
/// indexes without statistics, and its ANALYZE reads every row, so there
/// this does nothing.
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE objects").await?;
    }
    Ok(())
}

/// The objects of one department with the given keys (imports compare against these).
pub async fn by_keys(
    db: &impl ConnectionTrait,
    department_id: i64,
    kind: &str,
    keys: &[String],
) -> Result<Vec<ObjectRow>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // Filtered on the code alone, through `idx_objects_code`: a planner
    // without statistics (PostgreSQL inside a large import, before ANALYZE)
    // given the department and kind too walked every row of the department
    // through an index that starts with them, seconds per batch.
    Ok(object::Entity::find()
        .filter(object::Column::KeyCode.is_in(keys.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .filter(|m| m.department_id == department_id && m.kind == kind)
        .map(Into::into)
        .collect())
}

#[derive(Clone, Debug, Default)]
pub struct ObjectFilter {
    pub kind: Option<String>,
    /// Part of the name, or a code (exact or prefix).
    pub text: Option<String>,
    /// Objects located in this division or below it (code prefix).
    pub division_prefix: Option<String>,
    pub risk_class: Option<String>,
    pub active: Option<bool>,
    pub department_id: Option<i64>,
    /// Exact lookup of a 身份证号 through its keyed hash.
    pub id_lookup: Option<String>,
}

fn condition(scope: &Jurisdiction, f: &ObjectFilter) -> Condition {
    let mut c = Condition::all().add(object::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)));
    if let Some(k) = &f.kind {
        c = c.add(object::Column::Kind.eq(k.as_str()));
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        c = c.add(
            Condition::any()
                .add(object::Column::Name.like(scope::contains(t)))
                .add(object::Column::KeyCode.like(scope::starts_with(&t.to_uppercase()))),
        );
    }
    if let Some(p) = f.division_prefix.as_deref().filter(|p| !p.is_empty()) {
        c = c.add(object::Column::DivisionCode.like(scope::starts_with(p)));
    }
    if let Some(r) = &f.risk_class {
        c = c.add(object::Column::RiskClass.eq(r.as_str()));
    }
    if let Some(a) = f.active {
        c = c.add(object::Column::Active.eq(a));
    }
    if let Some(d) = f.department_id {
        c = c.add(object::Column::DepartmentId.eq(d));
    }
    if let Some(l) = &f.id_lookup {
        c = c.add(object::Column::IdLookup.eq(l.as_str()));
    }
    c
}

/// One page inside `scope`, with the total.
pub async fn list_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &ObjectFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<ObjectRow>, u64), StoreError> {
    let q = object::Entity::find().filter(condition(scope, f));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(object::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// The next slice after `after_id`, for streaming exports by key.
pub async fn slice_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &ObjectFilter,
    after_id: i64,
    limit: u64,
) -> Result<Vec<ObjectRow>, StoreError> {
    Ok(object::Entity::find()
        .filter(condition(scope, f))
        .filter(object::Column::Id.gt(after_id))
        .order_by_asc(object::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Active objects per kind inside `scope`.
pub async fn count_by_kind_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
) -> Result<Vec<(String, u64)>, StoreError> {
    let mut out = Vec::new();
    for kind in ["enterprise", "practitioner", "project"] {
        let f = ObjectFilter {
            kind: Some(kind.to_string()),
            active: Some(true),
            ..Default::default()
        };
        out.push((
            kind.to_string(),
            object::Entity::find().filter(condition(scope, &f)).count(db).await?,
        ));
    }
    Ok(out)
}

// ---- the province's master list (认领) ----

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterRow {
    pub id: i64,
    pub data: ObjectData,
}

impl From<master_object::Model> for MasterRow {
    fn from(m: master_object::Model) -> Self {
        let id = m.id;
        Self { id, data: data_of!(m) }
    }
}

/// Adds or refreshes master-list entries by key; returns (added, refreshed).
pub async fn upsert_master(
    db: &impl ConnectionTrait,
    rows: &[ObjectData],
    now: DateTime<Utc>,
) -> Result<(u64, u64), StoreError> {
    let (mut added, mut refreshed) = (0, 0);
    for d in rows {
        let existing = master_object::Entity::find()
            .filter(master_object::Column::Kind.eq(d.kind.as_str()))
            .filter(master_object::Column::KeyCode.eq(d.key_code.as_str()))
            .one(db)
            .await?;
        let o = active_model(0, d);
        let mut am = master_object::ActiveModel {
            kind: o.kind,
            key_code: o.key_code,
            name: o.name,
            division_code: o.division_code,
            risk_class: o.risk_class,
            abnormal: o.abnormal,
            key_focus: o.key_focus,
            serious_violation: o.serious_violation,
            complaints: o.complaints,
            phone: o.phone,
            legal_rep: o.legal_rep,
            address: o.address,
            enterprise_kinds: o.enterprise_kinds,
            id_sealed: o.id_sealed,
            id_masked: o.id_masked,
            id_lookup: o.id_lookup,
            qualification: o.qualification,
            employer_code: o.employer_code,
            builder_code: o.builder_code,
            contractor_code: o.contractor_code,
            supervisor_code: o.supervisor_code,
            stage: o.stage,
            start_date: o.start_date,
            loaded_at: Set(now),
            ..Default::default()
        };
        match existing {
            Some(e) => {
                am.id = Set(e.id);
                master_object::Entity::update(am).exec(db).await?;
                refreshed += 1;
            }
            None => {
                master_object::Entity::insert(am).exec_without_returning(db).await?;
                added += 1;
            }
        }
    }
    Ok((added, refreshed))
}

#[derive(Clone, Debug, Default)]
pub struct MasterFilter {
    pub kind: Option<String>,
    pub text: Option<String>,
    /// Division prefixes the caller may claim from (its jurisdiction's divisions).
    pub division_prefixes: Vec<String>,
    /// Leave out entries already in this department's directory.
    pub not_in_department: Option<i64>,
}

/// One page of the master list.
pub async fn list_master(
    db: &impl ConnectionTrait,
    f: &MasterFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<MasterRow>, u64), StoreError> {
    let mut c = Condition::all();
    if let Some(k) = &f.kind {
        c = c.add(master_object::Column::Kind.eq(k.as_str()));
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        c = c.add(
            Condition::any()
                .add(master_object::Column::Name.like(scope::contains(t)))
                .add(master_object::Column::KeyCode.like(scope::starts_with(&t.to_uppercase()))),
        );
    }
    let mut divisions = Condition::any();
    for p in &f.division_prefixes {
        divisions = divisions.add(master_object::Column::DivisionCode.like(scope::starts_with(p)));
    }
    c = c.add(divisions);
    if let Some(d) = f.not_in_department {
        let claimed = sea_orm::sea_query::Query::select()
            .column(object::Column::KeyCode)
            .from(object::Entity)
            .and_where(object::Column::DepartmentId.eq(d))
            .to_owned();
        c = c.add(master_object::Column::KeyCode.not_in_subquery(claimed));
    }
    let q = master_object::Entity::find().filter(c);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(master_object::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

pub async fn master_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<MasterRow>, StoreError> {
    Ok(master_object::Entity::find()
        .filter(master_object::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// An object by id, whatever its directory: for a caller that has already
/// authorised through something else (an inspector through its team).
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<ObjectRow>, StoreError> {
    Ok(object::Entity::find_by_id(id).one(db).await?.map(Into::into))
}
