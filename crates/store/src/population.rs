//! The population of a plan entry or task item: the active objects of a
//! department's directory that an item and its 抽查范围 cover (第十三条). Used
//! for a plan entry's live 预估数量 and, later, as the candidate set of a draw.

use crate::StoreError;
use crate::entity::object;
use crate::scope;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use spotcheck_domain::eligibility::DEFAULT_COMPLAINT_THRESHOLD;
use spotcheck_domain::plan::PlanScope;
use spotcheck_domain::vocab::ObjectKind;
use std::collections::BTreeSet;

/// What decides whether an object is in the population.
#[derive(Clone, Debug)]
pub struct Population<'a> {
    /// The directory: the department's own (谁管辖、谁维护, 第九条).
    pub department_id: i64,
    /// The item's object kinds.
    pub item_object_kinds: &'a BTreeSet<ObjectKind>,
    /// The item's 适用企业类型 (empty: every enterprise), see [`enterprise_kind_patterns`].
    pub enterprise_kinds: &'a [String],
    pub scope: &'a PlanScope,
}

/// An enterprise is in an item's population only when its recorded types
/// (`objects.enterprise_kinds`, a JSON array of names) include one of the
/// item's 适用企业类型: a 房地产开发企业资质检查 draws 房地产开发企业, never a gas
/// company of the same directory. An enterprise with no type recorded is in
/// no typed item's population. Practitioners and projects have no type.
/// These are the `LIKE` patterns (with `ESCAPE '\'`) of one JSON string each.
fn enterprise_kind_patterns(kinds: &[String]) -> Vec<String> {
    kinds.iter().map(|k| scope::contains_pattern(&json_string(k))).collect()
}

/// A type as `objects.enterprise_kinds` holds it: a JSON string, quotes included.
fn json_string(kind: &str) -> String {
    serde_json::to_string(kind).expect("a string serialises")
}

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
/// when it names any, see [`enterprise_kind_patterns`]) in a department's
/// directory, active or not (an inactive one is listed as excluded with its
/// reason), read by key in slices so that a directory of millions streams
/// through bounded queries.
///
/// Each slice comes back as **one** row: the database joins the slice's
/// fields into a tab- and newline-separated text (`group_concat` /
/// `string_agg`), which is split here. Fetching a million rows one by one
/// costs ≈ 12 µs a row in the driver alone (12 s at 1,000,000 objects,
/// docs/performance.md); this way the scan is the database's own speed. The
/// fields are codes and integers, which never hold a tab or a newline.
pub async fn facts(
    db: &impl ConnectionTrait,
    department_id: i64,
    kinds: &BTreeSet<ObjectKind>,
    enterprise_kinds: &[String],
) -> Result<Vec<FactsRow>, StoreError> {
    use sea_orm::{DbBackend, Statement, Value};
    const SLICE: i64 = 20_000;
    let backend = db.get_database_backend();
    // Kind codes are fixed ASCII words of the vocabulary: safe as literals.
    let kinds = kinds
        .iter()
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let patterns = enterprise_kind_patterns(enterprise_kinds);
    let types = if patterns.is_empty() {
        String::new()
    } else {
        let likes: Vec<String> = (0..patterns.len())
            .map(|i| format!("enterprise_kinds LIKE ${} ESCAPE '\\'", i + 3))
            .collect();
        format!(" AND (kind <> 'enterprise' OR {})", likes.join(" OR "))
    };
    let inner = format!(
        "SELECT id, kind, key_code, division_code, risk_class, abnormal, key_focus, serious_violation, \
         complaints, active FROM objects WHERE department_id = $1 AND kind IN ({kinds}){types} AND id > $2 \
         ORDER BY id LIMIT {SLICE}"
    );
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT max(id), string_agg(concat_ws(E'\\t', id, kind, key_code, division_code, risk_class, \
             abnormal::int, key_focus::int, serious_violation::int, complaints, active::int), E'\\n' ORDER BY id) \
             FROM ({inner}) s"
        ),
        _ => format!(
            "SELECT max(id), group_concat(id || char(9) || kind || char(9) || key_code || char(9) || division_code \
             || char(9) || risk_class || char(9) || (abnormal + 0) || char(9) || (key_focus + 0) || char(9) \
             || (serious_violation + 0) || char(9) || complaints || char(9) || (active + 0), char(10)) FROM ({inner})"
        )
        // SQLite numbers `?NNN` as PostgreSQL numbers `$NNN`.
        .replace('$', "?"),
    };
    let bad = |what: &str| StoreError::Unsupported(format!("名录数据读取有误：{what}"));
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let mut values = vec![Value::from(department_id), Value::from(after)];
        values.extend(patterns.iter().map(|p| Value::from(p.clone())));
        let row = db
            .query_one_raw(Statement::from_sql_and_values(backend, sql.clone(), values))
            .await?;
        let Some(row) = row else { return Ok(out) };
        let last: Option<i64> = row.try_get_by_index(0)?;
        let text: Option<String> = row.try_get_by_index(1)?;
        let (Some(last), Some(text)) = (last, text) else {
            return Ok(out);
        };
        let before = out.len();
        for line in text.split('\n') {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 10 {
                return Err(bad(line));
            }
            let int = |s: &str| s.parse::<i64>().map_err(|_| bad(s));
            out.push(FactsRow {
                id: int(f[0])?,
                kind: f[1].to_string(),
                key_code: f[2].to_string(),
                division_code: f[3].to_string(),
                risk_class: f[4].to_string(),
                abnormal: int(f[5])? != 0,
                key_focus: int(f[6])? != 0,
                serious_violation: int(f[7])? != 0,
                complaints: int(f[8])? as i32,
                active: int(f[9])? != 0,
            });
        }
        after = last;
        if ((out.len() - before) as i64) < SLICE {
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
