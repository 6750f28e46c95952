//! The 监管看板's counts (第五条、第二十七至二十八条), aggregated in the
//! database: a directory may hold millions of objects, so nothing here reads
//! it row by row. Each function answers per department of `ids`.
//!
//! The queries carry no bound values: every literal is an id, a year or a
//! date formatted here, so one text serves both backends.

use crate::StoreError;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Statement};

/// A comma-separated list of ids for an `IN (…)`: integers only, so safe to
/// write into the SQL; `0` keeps the list valid when it is empty.
fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "0".into();
    }
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Runs a query whose first column is an id, the last a count and the
/// `texts` ones between texts.
async fn grouped(
    db: &impl ConnectionTrait,
    sql: String,
    texts: usize,
) -> Result<Vec<(i64, Vec<String>, u64)>, StoreError> {
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get_by_index(0)?;
        let mut t = Vec::with_capacity(texts);
        for i in 0..texts {
            let s: Option<String> = r.try_get_by_index(1 + i)?;
            t.push(s.unwrap_or_default());
        }
        let n: i64 = r.try_get_by_index(1 + texts)?;
        out.push((id, t, u64::try_from(n).unwrap_or(0)));
    }
    Ok(out)
}

fn triples(rows: Vec<(i64, Vec<String>, u64)>) -> Vec<(i64, String, String, u64)> {
    rows.into_iter()
        .map(|(d, mut t, n)| {
            let risk = t.pop().unwrap_or_default();
            let kind = t.pop().unwrap_or_default();
            (d, kind, risk, n)
        })
        .collect()
}

fn pairs(rows: Vec<(i64, Vec<String>, u64)>) -> Vec<(i64, u64)> {
    rows.into_iter().map(|(d, _, n)| (d, n)).collect()
}

/// Active objects of each directory: (department, kind, risk class, count).
pub async fn objects_by_kind_and_risk(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<(i64, String, String, u64)>, StoreError> {
    let sql = format!(
        "SELECT department_id, kind, risk_class, COUNT(*) FROM objects \
         WHERE active = TRUE AND department_id IN ({}) GROUP BY department_id, kind, risk_class",
        id_list(ids)
    );
    Ok(triples(grouped(db, sql, 2).await?))
}

/// Active objects inspected in the year (a final inspection of a task that
/// starts in it, or an inspection outside double-random that was not voided).
/// Driven from the year's inspections (few) to the objects, never the other
/// way round.
pub async fn inspected_by_kind_and_risk(
    db: &impl ConnectionTrait,
    ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
    year: i32,
) -> Result<Vec<(i64, String, String, u64)>, StoreError> {
    let sql = format!(
        "SELECT o.department_id, o.kind, o.risk_class, COUNT(*) FROM objects o JOIN (\
         SELECT i.object_id FROM inspections i JOIN tasks t ON t.id = i.task_id \
         WHERE i.status = 'final' AND t.window_start >= '{from}' AND t.window_start <= '{to}' \
         UNION SELECT x.object_id FROM outside_inspections x WHERE x.year = {year} AND x.voided_at IS NULL\
         ) s ON s.object_id = o.id \
         WHERE o.active = TRUE AND o.department_id IN ({ids}) GROUP BY o.department_id, o.kind, o.risk_class",
        from = day(from),
        to = day(to),
        ids = id_list(ids)
    );
    Ok(triples(grouped(db, sql, 2).await?))
}

/// Approved or completed replacements (第十八条) per executing unit, of tasks starting in the window.
pub async fn replacements_by_unit(
    db: &impl ConnectionTrait,
    ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, u64)>, StoreError> {
    let sql = format!(
        "SELECT tm.department_id, COUNT(*) FROM replacements r JOIN teams tm ON tm.id = r.team_id \
         JOIN tasks t ON t.id = r.task_id WHERE r.status IN ('approved', 'done') \
         AND t.window_start >= '{from}' AND t.window_start <= '{to}' \
         AND tm.department_id IN ({ids}) GROUP BY tm.department_id",
        from = day(from),
        to = day(to),
        ids = id_list(ids)
    );
    Ok(pairs(grouped(db, sql, 0).await?))
}

/// Draws published with `none` as beacon, per drawing department, of tasks starting in the window.
pub async fn unbeaconed_draws_by_department(
    db: &impl ConnectionTrait,
    ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, u64)>, StoreError> {
    let sql = format!(
        "SELECT COALESCE(d.department_id, t.department_id), COUNT(*) FROM draws d \
         JOIN tasks t ON t.id = d.task_id WHERE d.beacon_source = 'none' \
         AND t.window_start >= '{from}' AND t.window_start <= '{to}' \
         AND COALESCE(d.department_id, t.department_id) IN ({ids}) \
         GROUP BY COALESCE(d.department_id, t.department_id)",
        from = day(from),
        to = day(to),
        ids = id_list(ids)
    );
    Ok(pairs(grouped(db, sql, 0).await?))
}
