//! The population of a plan entry or task item: the active objects of a
//! department's directory that an item and its 抽查范围 cover (第十三条). Used
//! for a plan entry's live 预估数量 and, later, as the candidate set of a draw.

use crate::entity::object;
use crate::scope;
use crate::{Store, StoreError, sqlite_reads};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use spotcheck_domain::eligibility::DEFAULT_COMPLAINT_THRESHOLD;
use spotcheck_domain::plan::PlanScope;
use spotcheck_domain::vocab::ObjectKind;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What decides whether an object is in the population.
#[derive(Clone, Debug)]
pub struct Population<'a> {
    /// The directory: the department's own (谁管辖、谁维护, 第九条).
    pub department_id: i64,
    /// The item's object kinds.
    pub item_object_kinds: &'a BTreeSet<ObjectKind>,
    /// The item's 适用企业类型 (empty: every enterprise), see [`enterprise_kind_condition`].
    pub enterprise_kinds: &'a [String],
    pub scope: &'a PlanScope,
}

/// A type as `objects.enterprise_kinds` holds it: a JSON string, quotes included.
fn json_string(kind: &str) -> String {
    serde_json::to_string(kind).expect("a string serialises")
}

/// An enterprise is in an item's population only when its recorded types
/// (`objects.enterprise_kinds`, a JSON array of names) include one of the
/// item's 适用企业类型: a 房地产开发企业资质检查 draws 房地产开发企业, never a gas
/// company of the same directory. An enterprise with no type recorded is in
/// no typed item's population. Practitioners and projects have no type.
/// One escaped `LIKE` of one JSON string per type; `None` when the item names
/// no type (every enterprise).
fn enterprise_kind_condition(kinds: &[String]) -> Option<Condition> {
    if kinds.is_empty() {
        return None;
    }
    let mut any = Condition::any().add(object::Column::Kind.ne(ObjectKind::Enterprise.code()));
    for k in kinds {
        any = any.add(object::Column::EnterpriseKinds.like(scope::contains(&json_string(k))));
    }
    Some(any)
}

/// The condition in SQL. The risk-class scope never leaves out a flagged
/// object (经营异常, 重点关注, 严重违法失信, frequent complaints): 第十四条 asks for
/// more checks of those, see `spotcheck_domain::plan::PlanScope`.
fn condition(p: &Population<'_>) -> Condition {
    let kinds: Vec<&str> = p
        .item_object_kinds
        .iter()
        .filter(|k| p.scope.covers_kind(**k))
        .map(|k| k.code())
        .collect();
    let mut c = Condition::all()
        .add(object::Column::DepartmentId.eq(p.department_id))
        .add(object::Column::Active.eq(true))
        .add(object::Column::Kind.is_in(kinds));
    if let Some(types) = enterprise_kind_condition(p.enterprise_kinds) {
        c = c.add(types);
    }
    if !p.scope.divisions.is_empty() {
        let mut any = Condition::any();
        for d in &p.scope.divisions {
            any = any.add(object::Column::DivisionCode.like(scope::starts_with(d.prefix())));
        }
        c = c.add(any);
    }
    if !p.scope.risk_classes.is_empty() {
        c = c.add(
            Condition::any()
                .add(object::Column::RiskClass.is_in(p.scope.risk_classes.iter().map(|r| r.code())))
                .add(object::Column::Abnormal.eq(true))
                .add(object::Column::KeyFocus.eq(true))
                .add(object::Column::SeriousViolation.eq(true))
                .add(object::Column::Complaints.gte(DEFAULT_COMPLAINT_THRESHOLD as i32)),
        );
    }
    c
}

/// How many objects the population has now.
pub async fn count(db: &impl ConnectionTrait, p: &Population<'_>) -> Result<u64, StoreError> {
    Ok(object::Entity::find().filter(condition(p)).count(db).await?)
}

/// What the eligibility rules need of one object of the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsRow {
    pub id: i64,
    pub kind: String,
    pub key_code: String,
    pub division_code: String,
    pub risk_class: String,
    pub abnormal: bool,
    pub key_focus: bool,
    pub serious_violation: bool,
    pub complaints: i32,
    pub active: bool,
}

/// Every object of the item's kinds (and, for enterprises, of its 适用企业类型
/// when it names any, see [`enterprise_kind_condition`]) in a department's
/// directory, active or not (an inactive one is listed as excluded with its
/// reason), in no particular order (see [`scan`]).
pub async fn facts(
    store: &Store,
    department_id: i64,
    kinds: &BTreeSet<ObjectKind>,
    enterprise_kinds: &[String],
) -> Result<Vec<FactsRow>, StoreError> {
    const COLUMNS: [Column; 10] = [
        Column::Int(object::Column::Id),
        Column::Text(object::Column::Kind),
        Column::Text(object::Column::KeyCode),
        Column::Text(object::Column::DivisionCode),
        Column::Text(object::Column::RiskClass),
        Column::Bool(object::Column::Abnormal),
        Column::Bool(object::Column::KeyFocus),
        Column::Bool(object::Column::SeriousViolation),
        Column::Int(object::Column::Complaints),
        Column::Bool(object::Column::Active),
    ];
    scan(store, department_id, kinds, enterprise_kinds, &COLUMNS, |f| {
        Ok(Some(FactsRow {
            id: f.int(0)?,
            kind: f.text(1)?.to_string(),
            key_code: f.text(2)?.to_string(),
            division_code: f.text(3)?.to_string(),
            risk_class: f.text(4)?.to_string(),
            abnormal: f.int(5)? != 0,
            key_focus: f.int(6)? != 0,
            serious_violation: f.int(7)? != 0,
            complaints: i32::try_from(f.int(8)?).unwrap_or(i32::MAX),
            active: f.int(9)? != 0,
        }))
    })
    .await
}

/// The id and division of each object of `kind` in a department's directory
/// whose code is in `codes`, by code: where a reveal's drawn objects are and
/// whom they go to. Every enterprise type, so that a type edited since the
/// commit cannot hide a drawn object. One scan of the directory's three
/// columns: faster than a lookup per code when hundreds of thousands are
/// drawn.
pub async fn locate(
    store: &Store,
    department_id: i64,
    kind: ObjectKind,
    codes: HashSet<String>,
) -> Result<HashMap<String, (i64, String)>, StoreError> {
    const COLUMNS: [Column; 3] = [
        Column::Int(object::Column::Id),
        Column::Text(object::Column::KeyCode),
        Column::Text(object::Column::DivisionCode),
    ];
    let found = scan(store, department_id, &[kind].into(), &[], &COLUMNS, move |f| {
        let code = f.text(1)?;
        if !codes.contains(code) {
            return Ok(None);
        }
        Ok(Some((code.to_string(), (f.int(0)?, f.text(2)?.to_string()))))
    })
    .await?;
    Ok(found.into_iter().collect())
}

/// A column [`scan`] reads, by how it is stored.
#[derive(Clone, Copy)]
enum Column {
    Int(object::Column),
    Text(object::Column),
    Bool(object::Column),
}

impl Column {
    fn column(self) -> object::Column {
        match self {
            Column::Int(c) | Column::Text(c) | Column::Bool(c) => c,
        }
    }
}

/// One object's fields as a [`scan`] reads them, by position in its columns.
trait Fields {
    fn text(&self, i: usize) -> Result<&str, StoreError>;
    fn int(&self, i: usize) -> Result<i64, StoreError>;
}

fn bad_field(what: &str) -> StoreError {
    StoreError::Unsupported(format!("名录数据读取有误：{what}"))
}

/// A line of a slice the database joined (PostgreSQL): text fields.
struct Joined<'a>(&'a [&'a str]);

impl Fields for Joined<'_> {
    fn text(&self, i: usize) -> Result<&str, StoreError> {
        self.0.get(i).copied().ok_or_else(|| bad_field(&self.0.join("\t")))
    }

    fn int(&self, i: usize) -> Result<i64, StoreError> {
        let t = self.text(i)?;
        t.parse().map_err(|_| bad_field(t))
    }
}

/// A row of a direct SQLite read (booleans are stored as 0 and 1).
impl Fields for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<&str, StoreError> {
        match self.get_ref(i).map_err(sqlite_reads::failed)? {
            rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t).map_err(|_| bad_field("非 UTF-8 文本")),
            other => Err(bad_field(&format!("{other:?}"))),
        }
    }

    fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.get_ref(i)
            .map_err(sqlite_reads::failed)?
            .as_i64()
            .map_err(|e| bad_field(&e.to_string()))
    }
}

/// What `keep` makes of the `columns` of every object of `kinds` (and
/// `enterprise_kinds`, see [`enterprise_kind_condition`]) in a department's
/// directory, leaving out what it answers `None` to, in no particular order
/// (the draw sorts what it needs: spec §2). A draw
/// reads a department's whole directory this way — a million rows — at its
/// preview, its commit and its reveal, so the read is the database's own
/// speed rather than the driver's: fetched through sqlx one row at a time, a
/// million rows cost ≈ 12 µs each in the driver alone (12 s;
/// docs/performance.md, 抽查任务的对象抽取).
///
/// - **SQLite**: one statement on a direct connection ([`sqlite_reads`]) on
///   the blocking pool, its rows read in place.
/// - **PostgreSQL**: 20,000 objects a statement, each slice coming back as
///   **one** row the database joins (`string_agg` of tab-separated fields,
///   one line an object) and this function splits. The fields are codes and
///   integers, which never hold a tab or a newline. The slices follow the
///   ids; the lines of one are left unsorted (`string_agg(… ORDER BY id)`
///   sorts every slice again: 35 ms a slice instead of 20).
async fn scan<T: Send + 'static>(
    store: &Store,
    department_id: i64,
    kinds: &BTreeSet<ObjectKind>,
    enterprise_kinds: &[String],
    columns: &'static [Column],
    keep: impl Fn(&dyn Fields) -> Result<Option<T>, StoreError> + Send + 'static,
) -> Result<Vec<T>, StoreError> {
    use sea_orm::{IdenStatic, QueryOrder, QuerySelect, QueryTrait};
    const SLICE: u64 = 20_000;
    // The objects after `after`, by the condition `count` uses too.
    let select = |after: i64| {
        let mut c = Condition::all()
            .add(object::Column::DepartmentId.eq(department_id))
            .add(object::Column::Kind.is_in(kinds.iter().map(|k| k.code())))
            .add(object::Column::Id.gt(after));
        if let Some(types) = enterprise_kind_condition(enterprise_kinds) {
            c = c.add(types);
        }
        object::Entity::find()
            .select_only()
            .columns(columns.iter().map(|c| c.column()))
            .filter(c)
            .order_by_asc(object::Column::Id)
    };

    if let Some(readers) = store.sqlite_readers() {
        let stmt = select(0).build(sea_orm::DbBackend::Sqlite);
        let params = sqlite_reads::values(&stmt)?;
        let sql = stmt.sql;
        return readers
            .read_long(move |conn| {
                let mut st = conn.prepare(&sql).map_err(sqlite_reads::failed)?;
                let mut rows = st
                    .query(rusqlite::params_from_iter(params))
                    .map_err(sqlite_reads::failed)?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(sqlite_reads::failed)? {
                    if let Some(t) = keep(row)? {
                        out.push(t);
                    }
                }
                Ok(out)
            })
            .await;
    }

    let db = store.conn();
    let fields: Vec<String> = columns
        .iter()
        .map(|c| match c {
            Column::Bool(c) => format!("{}::int", c.as_str()),
            Column::Int(c) | Column::Text(c) => c.as_str().to_string(),
        })
        .collect();
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let inner = select(after).limit(SLICE).build(db.get_database_backend());
        let result = db
            .query_one_raw(sea_orm::Statement {
                sql: format!(
                    "SELECT max(id), string_agg(concat_ws(E'\\t', {}), E'\\n') FROM ({}) s",
                    fields.join(", "),
                    inner.sql
                ),
                ..inner
            })
            .await?;
        let Some(result) = result else { return Ok(out) };
        let last: Option<i64> = result.try_get_by_index(0)?;
        let text: Option<String> = result.try_get_by_index(1)?;
        let (Some(last), Some(text)) = (last, text) else {
            return Ok(out);
        };
        let mut n = 0u64;
        let mut split: Vec<&str> = Vec::with_capacity(columns.len());
        for line in text.split('\n') {
            split.clear();
            split.extend(line.split('\t'));
            if split.len() != columns.len() {
                return Err(bad_field(line));
            }
            if let Some(t) = keep(&Joined(&split))? {
                out.push(t);
            }
            n += 1;
        }
        after = last;
        if n < SLICE {
            return Ok(out);
        }
    }
}

/// One object of a department's directory found by its code: (id, code, name, division).
pub type CodeRow = (i64, String, String, String);

/// The objects of `kind` in a department's directory with the given codes
/// (the drawn ones at a reveal, the named ones of a preview), in slices.
pub async fn by_codes(
    db: &impl ConnectionTrait,
    department_id: i64,
    kind: &str,
    codes: &[String],
) -> Result<Vec<CodeRow>, StoreError> {
    use sea_orm::QuerySelect;
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(500) {
        let rows: Vec<CodeRow> = object::Entity::find()
            .select_only()
            .columns([
                object::Column::Id,
                object::Column::KeyCode,
                object::Column::Name,
                object::Column::DivisionCode,
            ])
            .filter(object::Column::DepartmentId.eq(department_id))
            .filter(object::Column::Kind.eq(kind))
            .filter(object::Column::KeyCode.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
