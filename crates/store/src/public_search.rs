//! The public result search (一公开) over `public_results`, newest inspection
//! first, fast at a million rows whichever filter leads.
//!
//! Each search is led by one index, chosen here rather than left to the
//! planner, because a planner that assumes matching rows are spread evenly
//! walks the date index and filters when a department's or a name's results
//! are all old (PostgreSQL did: 56 ms instead of 2 ms, docs/performance.md):
//!
//! - a whole code: `idx_public_results_code`;
//! - a name part of two or more characters: its rarest gram (trigram, or
//!   the bigram of a two-character part) in `public_result_grams`
//!   (migrations 000015 and 000020), read newest first, each entry of a
//!   common one checked in the same index for the next rarest grams before
//!   its result is read; a gram no result has answers at once with nothing.
//!   Counts of grams in some result are kept a few minutes ([`GramCounts`]);
//! - one department: `idx_public_results_department_date`, with `withheld`
//!   tested as `IS NOT TRUE` so that the date index, which leads with
//!   `withheld`, cannot offer the same order;
//! - otherwise the date index.
//!
//! The other filters are conditions on the rows the leading index yields.

use crate::entity::{department, public_result, public_result_gram as gram};
use crate::scope::{contains, contains_pattern};
use crate::{Store, StoreError, sqlite_reads};
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, RelationDef, Select, Statement,
};
use spotcheck_domain::vocab::ObjectKind;

pub use public_result::Model as PublicResultRow;

/// A public search. Every field is optional; texts match literally.
#[derive(Clone, Debug, Default)]
pub struct PublicQuery {
    /// A 统一社会信用代码 / 项目代码 / 证书编号 (exact) or part of a name.
    pub q: String,
    /// A department code (exact) or part of its name.
    pub department: String,
    /// Part of an item's name.
    pub item: String,
    pub kind: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub offset: u64,
    pub limit: u64,
}

/// The pieces of `text` a name search looks up in the name index: its
/// trigrams when it has three characters or more (each nearly as selective
/// as the name part itself, migration 000020), else its bigram; ASCII
/// letters in lower case, as the triggers cut them (`lower` on SQLite and
/// `translate` on PostgreSQL fold ASCII only). Repeated pieces are listed
/// once.
pub fn name_grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let width = if chars.len() >= 3 { 3 } else { 2 };
    let mut grams: Vec<String> = chars.windows(width).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    grams
}

/// How far a gram is counted: past this it is common, and which common
/// one leads matters little next to the other grams' checks.
const COUNT_CAP: u64 = 50_000;
/// Counts from here up are kept a while. A gram in no result is always
/// counted afresh: that count answers a search with nothing at once, so an
/// old zero would hide what was published since. Any other count only
/// chooses the lead, and is kept however small: counting a rare gram
/// (≈ 3,700 of the ≈ 8,600 SQLite steps of a name search at a million
/// results) was the larger part of such a search's reading, and a rare
/// gram that turns common within [`KEEP_FOR`] makes its searches slower,
/// never wrong.
const KEEP_FROM: u64 = 1;
/// How long a kept count serves.
const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(600);
/// At most this many of a name part's other grams are checked in the index
/// for each entry of the leading one, rarest first (SQLite only, see
/// [`search_public`]).
const CHECKED: usize = 3;
/// A lead with fewer entries than this is read without checks: its entries
/// are mostly the name part's own (a rare trigram), where a probe of the
/// index for each would cost more than the results it spares reading, and
/// reading all of them is bounded anyway.
const CHECK_FROM: u64 = 1_000;

/// Counts of the name index's grams (all but zeros, see [`KEEP_FROM`]),
/// kept for [`KEEP_FOR`]. They only choose which gram leads a search and
/// which others are checked first, never what the search answers, so a
/// count gone stale by a publication costs speed at worst. Counting `公司` (in almost every name)
/// for each search would read tens of thousands of index entries.
#[derive(Clone)]
pub struct GramCounts(moka::sync::Cache<String, u64>);

impl Default for GramCounts {
    fn default() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(KEEP_FOR)
                .build(),
        )
    }
}

/// What the search is led by.
enum Lead {
    Code(String),
    /// The rarest gram of the name part, and the next rarest, checked in
    /// the index for each of its entries before the result is read.
    Gram(String, Vec<String>),
    Department,
    Date,
}

/// A whole code is typed as issued: letters and digits (and `-`), six or more.
fn code_like(text: &str) -> bool {
    text.len() >= 6 && text.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
}

/// `grams` split into those whose count is kept and those to count.
fn kept_counts(kept: &GramCounts, grams: Vec<String>) -> (Vec<(u64, String)>, Vec<String>) {
    let mut counted = Vec::new();
    let mut unknown = Vec::new();
    for g in grams {
        match kept.0.get(&g) {
            Some(n) => counted.push((n, g)),
            None => unknown.push(g),
        }
    }
    (counted, unknown)
}

/// One statement counting the index entries of each of `unknown` (up to
/// [`COUNT_CAP`]), one column each.
fn count_statement(backend: DbBackend, unknown: &[String]) -> Statement {
    let counts: Vec<String> = (0..unknown.len())
        .map(|i| {
            let p = match backend {
                DbBackend::Postgres => format!("${}", i + 1),
                _ => "?".to_string(),
            };
            format!(
                "(SELECT count(*) FROM (SELECT 1 FROM public_result_grams WHERE gram = {p} LIMIT {COUNT_CAP}) AS c{i})"
            )
        })
        .collect();
    let sql = format!("SELECT {}", counts.join(", "));
    let values: Vec<sea_orm::Value> = unknown.iter().map(|g| g.as_str().into()).collect();
    Statement::from_sql_and_values(backend, sql, values)
}

/// `counted` with the new counts of `unknown` (kept unless zero), rarest first.
fn with_counts(
    kept: &GramCounts,
    mut counted: Vec<(u64, String)>,
    unknown: Vec<String>,
    counts: Vec<i64>,
) -> Vec<(u64, String)> {
    for (g, n) in unknown.into_iter().zip(counts) {
        let n = u64::try_from(n).unwrap_or(0);
        if n >= KEEP_FROM {
            kept.0.insert(g.clone(), n);
        }
        counted.push((n, g));
    }
    counted.sort();
    counted
}

/// How many index entries each of `unknown` has (up to [`COUNT_CAP`]), in
/// one statement; nothing to read when every count is kept.
async fn count_unknown(db: &impl ConnectionTrait, unknown: &[String]) -> Result<Vec<i64>, StoreError> {
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let row = db
        .query_one_raw(count_statement(db.get_database_backend(), unknown))
        .await?
        .ok_or_else(|| StoreError::Unavailable("name index counts: no row".into()))?;
    Ok((0..unknown.len())
        .map(|i| row.try_get_by_index::<i64>(i))
        .collect::<Result<Vec<_>, _>>()?)
}

/// [`count_unknown`] on a direct SQLite connection.
fn count_unknown_direct(conn: &rusqlite::Connection, unknown: &[String]) -> Result<Vec<i64>, StoreError> {
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = count_statement(DbBackend::Sqlite, unknown);
    let values = sqlite_reads::values(&stmt)?;
    conn.prepare_cached(&stmt.sql)
        .and_then(|mut st| {
            st.query_row(rusqlite::params_from_iter(values), |r| {
                (0..unknown.len())
                    .map(|i| r.get::<_, i64>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
        })
        .map_err(sqlite_reads::failed)
}

/// Conditions every search applies besides its lead; `departments` is what
/// the department text resolved to.
fn conditions(db: DbBackend, q: &PublicQuery, name: Option<&str>, departments: &[String]) -> Condition {
    use public_result::Column as C;
    let mut c = Condition::all();
    if let Some(name) = name {
        // A practitioner is published under a masked name: the full one must
        // not be found by guessing.
        c = c.add(C::ObjectKind.ne(ObjectKind::Practitioner.code()));
        // ASCII letters match in either case on both backends, as the name
        // index folds them.
        c = c.add(match db {
            // Written out: sea-query puts `pattern ESCAPE …` of ILIKE in
            // parentheses, which PostgreSQL refuses.
            DbBackend::Postgres => Expr::cust_with_values(
                r#""public_results"."object_name" ILIKE $1 ESCAPE '\'"#,
                [contains_pattern(name)],
            ),
            _ => Expr::col((public_result::Entity, C::ObjectName)).like(contains(name)),
        });
    }
    match departments {
        [] => {}
        [one] => c = c.add(C::DepartmentCode.eq(one.as_str())),
        many => c = c.add(C::DepartmentCode.is_in(many.iter().map(String::as_str))),
    }
    let item = q.item.trim();
    if !item.is_empty() {
        c = c.add(C::ItemNames.like(contains(item)));
    }
    if !q.kind.is_empty() {
        c = c.add(C::TaskKind.eq(q.kind.as_str()));
    }
    if let Some(f) = q.from {
        c = c.add(Expr::col((public_result::Entity, C::InspectedOn)).gte(f));
    }
    if let Some(t) = q.to {
        c = c.add(Expr::col((public_result::Entity, C::InspectedOn)).lte(t));
    }
    c
}

/// The department codes the department text names: a code as typed
/// (`230100`, an executing unit's `230100-01`), or every
/// department whose name holds the text.
async fn departments_named(db: &impl ConnectionTrait, text: &str) -> Result<Vec<String>, StoreError> {
    if text.chars().all(|ch| ch.is_ascii_digit() || ch == '-') {
        return Ok(vec![text.to_string()]);
    }
    Ok(department::Entity::find()
        .select_only()
        .column(department::Column::Code)
        .filter(department::Column::Name.like(contains(text)))
        .order_by_asc(department::Column::Code)
        .into_tuple::<String>()
        .all(db)
        .await?)
}

fn gram_join() -> RelationDef {
    gram::Entity::belongs_to(public_result::Entity)
        .from(gram::Column::InspectionId)
        .to(public_result::Column::InspectionId)
        .into()
}

/// The leading gram's entry is also in the index under `other`: a probe
/// of the index's primary key, cheaper than reading the result to test its
/// name, which is still tested (the grams may be in other places).
fn also_has(other: &str) -> Expr {
    let o = Alias::new("other_gram");
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(gram::Entity, o.clone())
            .and_where(Expr::col((o.clone(), gram::Column::Gram)).eq(other))
            .and_where(
                Expr::col((o.clone(), gram::Column::InspectedOn)).equals((gram::Entity, gram::Column::InspectedOn)),
            )
            .and_where(Expr::col((o, gram::Column::InspectionId)).equals((gram::Entity, gram::Column::InspectionId)))
            .to_owned(),
    )
}

/// A search with its texts resolved: what every lead's statement is built from.
struct Search {
    q: PublicQuery,
    /// The name part, when the text is not a code.
    name: Option<String>,
    /// What the department text named.
    departments: Vec<String>,
    backend: DbBackend,
}

impl Search {
    /// The lead for a name part whose grams are `counted`, rarest first;
    /// `None` when a gram is in no result (nothing can match).
    fn gram_lead(&self, counted: Vec<(u64, String)>) -> Option<Lead> {
        let mut counted = counted.into_iter();
        match counted.next() {
            Some((0, _)) | None => None,
            Some((n, g)) => {
                // On PostgreSQL the checks are not probes: the planner turns
                // each EXISTS into a join and, for common grams, hashes
                // hundreds of thousands of entries (over 30 s for `建筑工程` at
                // a million results); there the leading gram alone is read.
                let checked = match self.backend {
                    DbBackend::Postgres => 0,
                    _ if n < CHECK_FROM => 0,
                    _ => CHECKED,
                };
                Some(Lead::Gram(g, counted.take(checked).map(|(_, g)| g).collect()))
            }
        }
    }

    /// The page's statement: the lead, the other conditions, one row more
    /// than the page shows.
    fn select(&self, lead: Lead) -> Select<public_result::Entity> {
        use public_result::Column as C;
        let filters = conditions(self.backend, &self.q, self.name.as_deref(), &self.departments);
        let select = public_result::Entity::find().filter(filters);
        let select = match lead {
            Lead::Code(code) => select
                .filter(C::ObjectCode.eq(code))
                .filter(C::Withheld.eq(false))
                .order_by_desc(C::InspectedOn)
                .order_by_desc(C::InspectionId),
            Lead::Gram(g, others) => others
                .iter()
                .fold(select, |s, o| s.filter(also_has(o)))
                .join_rev(JoinType::InnerJoin, gram_join())
                .filter(gram::Column::Gram.eq(g))
                .filter(C::Withheld.eq(false))
                .order_by_desc(gram::Column::InspectedOn)
                .order_by_desc(gram::Column::InspectionId),
            Lead::Department => select
                // A literal: `IS NOT` a bound parameter is not PostgreSQL.
                .filter(Expr::cust(r#""public_results"."withheld" IS NOT TRUE"#))
                .order_by_desc(C::InspectedOn)
                .order_by_desc(C::InspectionId),
            Lead::Date => select
                .filter(C::Withheld.eq(false))
                .order_by_desc(C::InspectedOn)
                .order_by_desc(C::InspectionId),
        };
        select.offset(self.q.offset).limit(self.q.limit + 1)
    }
}

/// The page's rows and whether more follow (the statement read one more).
fn page_of(mut rows: Vec<PublicResultRow>, limit: u64) -> (Vec<PublicResultRow>, bool) {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    (rows, more)
}

/// The page through the pool.
async fn page(
    db: &impl ConnectionTrait,
    select: Select<public_result::Entity>,
    limit: u64,
) -> Result<(Vec<PublicResultRow>, bool), StoreError> {
    Ok(page_of(select.all(db).await?, limit))
}

/// The page on a direct SQLite connection: the statement sea-orm would run,
/// its rows read in the entity's column order (the order of `find()`'s
/// select list).
fn page_direct(
    conn: &rusqlite::Connection,
    select: Select<public_result::Entity>,
    limit: u64,
) -> Result<(Vec<PublicResultRow>, bool), StoreError> {
    let stmt = select.build(DbBackend::Sqlite);
    let values = sqlite_reads::values(&stmt)?;
    let rows = conn
        .prepare_cached(&stmt.sql)
        .and_then(|mut st| {
            st.query_map(rusqlite::params_from_iter(values), |r| {
                Ok(PublicResultRow {
                    inspection_id: r.get(0)?,
                    task_id: r.get(1)?,
                    task_code: r.get(2)?,
                    task_name: r.get(3)?,
                    task_kind: r.get(4)?,
                    department_id: r.get(5)?,
                    department_code: r.get(6)?,
                    department_name: r.get(7)?,
                    inspected_on: sqlite_reads::date(r, 8)?,
                    object_kind: r.get(9)?,
                    object_name: r.get(10)?,
                    object_code: r.get(11)?,
                    item_names: r.get(12)?,
                    result_category: r.get(13)?,
                    result_label: r.get(14)?,
                    result_summary: r.get(15)?,
                    withheld: r.get(16)?,
                    withheld_reason: r.get(17)?,
                    version: r.get(18)?,
                    corrected_on: sqlite_reads::date_or_null(r, 19)?,
                    correction_reason: r.get(20)?,
                    disposal: r.get(21)?,
                    published_at: sqlite_reads::timestamp(r, 22)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(sqlite_reads::failed)?;
    Ok(page_of(rows, limit))
}

/// One page of public results, newest inspection first, and whether more follow.
/// The page asks for one row more than it shows, so no count of a million
/// rows runs for each search.
///
/// On SQLite the reads run on the store's direct readers ([`sqlite_reads`]),
/// on the request's own thread unless they take long.
pub async fn search_public(
    store: &Store,
    counts: &GramCounts,
    q: &PublicQuery,
) -> Result<(Vec<PublicResultRow>, bool), StoreError> {
    let db = store.conn();
    let text = q.q.trim();
    let name = (!text.is_empty() && !code_like(text)).then(|| text.to_string());
    let dep = q.department.trim();
    let departments = if dep.is_empty() {
        Vec::new()
    } else {
        departments_named(db, dep).await?
    };
    if !dep.is_empty() && departments.is_empty() {
        return Ok((Vec::new(), false));
    }
    let grams = name.as_deref().map(name_grams).unwrap_or_default();
    let search = Search {
        q: q.clone(),
        name,
        departments,
        backend: db.get_database_backend(),
    };
    let limit = q.limit;
    let readers = store.sqlite_readers();

    if !text.is_empty() && search.name.is_none() {
        // Codes are stored as issued: upper case (统一社会信用代码, 项目代码).
        let select = search.select(Lead::Code(text.to_ascii_uppercase()));
        return match readers {
            Some(r) => r.read(move |conn| page_direct(conn, select.clone(), limit)).await,
            None => page(db, select, limit).await,
        };
    }
    if !grams.is_empty() {
        // The grams rarest first, those whose count is not kept counted in one statement.
        let (kept, unknown) = kept_counts(counts, grams);
        return match readers {
            Some(r) => {
                let counts = counts.clone();
                r.read(move |conn| {
                    let fresh = count_unknown_direct(conn, &unknown)?;
                    let counted = with_counts(&counts, kept.clone(), unknown.clone(), fresh);
                    match search.gram_lead(counted) {
                        Some(lead) => page_direct(conn, search.select(lead), limit),
                        None => Ok((Vec::new(), false)),
                    }
                })
                .await
            }
            None => {
                let fresh = count_unknown(db, &unknown).await?;
                let counted = with_counts(counts, kept, unknown, fresh);
                match search.gram_lead(counted) {
                    Some(lead) => page(db, search.select(lead), limit).await,
                    None => Ok((Vec::new(), false)),
                }
            }
        };
    }
    let lead = if search.departments.len() == 1 {
        Lead::Department
    } else {
        Lead::Date
    };
    let select = search.select(lead);
    match readers {
        Some(r) => r.read(move |conn| page_direct(conn, select.clone(), limit)).await,
        None => page(db, select, limit).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_the_triples_of_characters_or_the_pair_ascii_folded() {
        assert_eq!(name_grams("龙江建工"), ["江建工", "龙江建"]);
        assert_eq!(name_grams("ABc公司"), ["abc", "bc公", "c公司"]);
        assert_eq!(name_grams("哈哈哈哈"), ["哈哈哈"]);
        assert_eq!(name_grams("AB"), ["ab"]);
        assert!(name_grams("哈").is_empty());
    }

    #[test]
    fn codes_are_whole_ascii_words() {
        assert!(code_like("91230100MA00123457"));
        assert!(code_like("2301-2026-001"));
        assert!(!code_like("91230"));
        assert!(!code_like("黑龙江建工"));
    }
}
