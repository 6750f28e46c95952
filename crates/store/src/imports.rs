//! Template imports: the job row that carries the outcome of each import
//! (and its 问题清单), and the register of the keys an import has met.

use crate::entity::import_job;
use crate::{StoreError, scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use spotcheck_domain::jurisdiction::Jurisdiction;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportJob {
    pub id: i64,
    pub department_id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub file_size: i64,
    pub status: String,
    pub processed_rows: i64,
    pub progress_permille: i32,
    pub valid_rows: i64,
    pub imported: i64,
    pub updated: i64,
    pub rejected: i64,
    pub message: String,
    pub has_error_report: bool,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<import_job::Model> for ImportJob {
    fn from(m: import_job::Model) -> Self {
        Self {
            id: m.id,
            department_id: m.department_id,
            kind: m.kind,
            file_name: m.file_name,
            file_sha256: m.file_sha256,
            file_size: m.file_size,
            status: m.status,
            processed_rows: m.processed_rows,
            progress_permille: m.progress_permille,
            valid_rows: m.valid_rows,
            imported: m.imported,
            updated: m.updated,
            rejected: m.rejected,
            message: m.message,
            has_error_report: m.error_report.is_some(),
            started_by: m.started_by,
            started_at: m.started_at,
            finished_at: m.finished_at,
        }
    }
}

pub struct NewJob<'a> {
    pub department_id: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub file_size: i64,
    pub started_by: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn create(db: &impl ConnectionTrait, j: NewJob<'_>) -> Result<ImportJob, StoreError> {
    let id = import_job::Entity::insert(import_job::ActiveModel {
        department_id: Set(j.department_id),
        kind: Set(j.kind.to_string()),
        file_name: Set(j.file_name.to_string()),
        file_sha256: Set(j.file_sha256.to_string()),
        file_size: Set(j.file_size),
        status: Set("parsing".to_string()),
        processed_rows: Set(0),
        progress_permille: Set(0),
        valid_rows: Set(0),
        imported: Set(0),
        updated: Set(0),
        rejected: Set(0),
        message: Set(String::new()),
        error_report: Set(None),
        started_by: Set(j.started_by.to_string()),
        started_at: Set(j.now),
        finished_at: Set(None),
        seen_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(import_job::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted")
        .into())
}

/// Progress while parsing.
pub async fn progress(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    processed: i64,
    permille: i32,
    valid: i64,
    rejected: i64,
) -> Result<(), StoreError> {
    import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, Expr::value(status))
        .col_expr(import_job::Column::ProgressPermille, Expr::value(permille))
        .col_expr(import_job::Column::ProcessedRows, Expr::value(processed))
        .col_expr(import_job::Column::ValidRows, Expr::value(valid))
        .col_expr(import_job::Column::Rejected, Expr::value(rejected))
        .filter(import_job::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub struct Outcome<'a> {
    pub status: &'a str,
    pub imported: i64,
    pub updated: i64,
    pub rejected: i64,
    pub message: &'a str,
    pub error_report: Option<Vec<u8>>,
    pub now: DateTime<Utc>,
}

impl<'a> Outcome<'a> {
    /// An import that saved nothing.
    pub fn failed(message: &'a str, error_report: Option<Vec<u8>>, now: DateTime<Utc>) -> Self {
        Self {
            status: "failed",
            imported: 0,
            updated: 0,
            rejected: 0,
            message,
            error_report,
            now,
        }
    }
}

pub async fn finish(db: &impl ConnectionTrait, id: i64, o: Outcome<'_>) -> Result<(), StoreError> {
    import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, Expr::value(o.status))
        .col_expr(import_job::Column::Imported, Expr::value(o.imported))
        .col_expr(import_job::Column::Updated, Expr::value(o.updated))
        .col_expr(import_job::Column::Rejected, Expr::value(o.rejected))
        .col_expr(import_job::Column::Message, Expr::value(o.message))
        .col_expr(import_job::Column::ErrorReport, Expr::value(o.error_report))
        .col_expr(import_job::Column::FinishedAt, Expr::value(o.now))
        .filter(import_job::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn get_in(db: &impl ConnectionTrait, scope: &Jurisdiction, id: i64) -> Result<Option<ImportJob>, StoreError> {
    Ok(import_job::Entity::find_by_id(id)
        .filter(import_job::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .map(Into::into))
}

/// The error report of a job inside `scope`.
pub async fn error_report_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    id: i64,
) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(import_job::Entity::find_by_id(id)
        .filter(import_job::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .and_then(|m| m.error_report))
}

/// Recent imports inside `scope`, newest first.
pub async fn recent_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    limit: u64,
) -> Result<Vec<ImportJob>, StoreError> {
    Ok(import_job::Entity::find()
        .filter(import_job::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .order_by_desc(import_job::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// How long an unfinished job may go unseen before it counts as abandoned:
/// its process marks it every minute ([`mark_alive`]).
pub const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Marks the jobs this process is running as alive.
pub async fn mark_alive(db: &impl ConnectionTrait, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    import_job::Entity::update_many()
        .col_expr(import_job::Column::SeenAt, Expr::value(now))
        .filter(import_job::Column::Id.is_in(ids.iter().copied()))
        .filter(import_job::Column::FinishedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Marks failed the jobs whose process stopped before they finished: not
/// finished, not among `running` (this process's own), and neither started
/// nor seen alive for [`ABANDONED_AFTER`]. Nothing of such an import was
/// saved (its rows are written in one transaction, gone with the process).
pub async fn fail_abandoned(db: &impl ConnectionTrait, running: &[i64], now: DateTime<Utc>) -> Result<u64, StoreError> {
    use import_job::Column as C;
    let before = now - ABANDONED_AFTER;
    Ok(import_job::Entity::update_many()
        .col_expr(C::Status, Expr::value("failed"))
        .col_expr(
            C::Message,
            Expr::value("导入过程中服务停止，本次导入未保存任何数据，请重新导入"),
        )
        .col_expr(C::FinishedAt, Expr::value(now))
        .filter(C::FinishedAt.is_null())
        .filter(C::Id.is_not_in(running.iter().copied()))
        .filter(C::StartedAt.lt(before))
        .filter(Condition::any().add(C::SeenAt.is_null()).add(C::SeenAt.lt(before)))
        .exec(db)
        .await?
        .rows_affected)
}

/// The keys an import has met so far, for its check that a key
/// (统一社会信用代码, 注册证书编号, 项目代码, 执法证号) appears only once in the
/// file: a table that lives inside the import's transaction, so memory does
/// not grow with the file. On SQLite it is an ordinary table, created by
/// [`open_key_register`] and dropped by [`close_key_register`] before the
/// commit (a rollback takes it away too): the connection's temporary tables
/// would be held in memory (`temp_store = memory`). On PostgreSQL it is a
/// temporary table of the session, dropped at the end of the transaction.
///
/// Its primary key is a 64-bit hash of the key ([`key_hash`]): on SQLite the
/// table's rowid, a B-tree of integers, cheaper to search and to insert into
/// in random order than one of texts. The key itself is kept beside the hash
/// and compared on every hash hit, so that two keys with the same hash are
/// never taken for a repeated key: the later of them goes to a second
/// register keyed by the text ([`KEY_OVERFLOW`], empty in practice).
const KEY_REGISTER: &str = "import_keys";
/// Keys whose hash an other key in [`KEY_REGISTER`] holds already.
///
/// Neither table has a NOT NULL column (the values are never null): on
/// SQLite a multi-row INSERT that may abort on a NOT NULL check keeps a
/// statement journal, a copy of every page it touches; with only the
/// primary key's conflict, which `ON CONFLICT DO NOTHING` handles, it needs
/// none.
const KEY_OVERFLOW: &str = "import_keys_more";

/// The register's hash of a key: SipHash-1-3 with fixed keys (the standard
/// library's `DefaultHasher::new()`), the same within one process, which is
/// all the register needs (it lives for one transaction).
pub fn key_hash(key: &str) -> i64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish() as i64
}

/// Creates the key register inside the import's transaction `tx`.
pub async fn open_key_register(tx: &impl ConnectionTrait) -> Result<(), StoreError> {
    let sqls = match tx.get_database_backend() {
        DbBackend::Postgres => [
            format!(
                "CREATE TEMPORARY TABLE {KEY_REGISTER} \
                 (h BIGINT PRIMARY KEY, row_no BIGINT, key_code TEXT) ON COMMIT DROP"
            ),
            format!("CREATE TEMPORARY TABLE {KEY_OVERFLOW} (key_code TEXT PRIMARY KEY, row_no BIGINT) ON COMMIT DROP"),
        ],
        _ => [
            format!("CREATE TABLE {KEY_REGISTER} (h INTEGER PRIMARY KEY, row_no INTEGER, key_code TEXT)"),
            format!("CREATE TABLE {KEY_OVERFLOW} (key_code TEXT PRIMARY KEY, row_no INTEGER) WITHOUT ROWID"),
        ],
    };
    for sql in sqls {
        tx.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// Drops the key register; call it before the commit.
pub async fn close_key_register(tx: &impl ConnectionTrait) -> Result<(), StoreError> {
    tx.execute_unprepared(&format!("DROP TABLE {KEY_REGISTER}")).await?;
    tx.execute_unprepared(&format!("DROP TABLE {KEY_OVERFLOW}")).await?;
    Ok(())
}

/// Enters a batch's keys into the register: `keys` are distinct, each with
/// the row that first holds it in the batch. Returns the keys that an
/// earlier batch had entered already, each with that earlier row.
pub async fn register_keys(
    tx: &impl ConnectionTrait,
    keys: &[(&str, u32)],
) -> Result<HashMap<String, u32>, StoreError> {
    register_keys_hashed(tx, keys, key_hash).await
}

/// [`register_keys`] with the hash function given: tests pass one that
/// collides.
#[doc(hidden)]
pub async fn register_keys_hashed(
    tx: &impl ConnectionTrait,
    keys: &[(&str, u32)],
    hash: fn(&str) -> i64,
) -> Result<HashMap<String, u32>, StoreError> {
    let mut hashed: Vec<(i64, &str, u32)> = keys.iter().map(|&(k, row)| (hash(k), k, row)).collect();
    // In hash order, the register's B-tree takes them on neighbouring pages.
    hashed.sort_unstable();
    let mut earlier = HashMap::new();
    let mut collided: Vec<(&str, u32)> = Vec::new();
    // Three values a key: far below SQLite's 32,766 and PostgreSQL's 65,535.
    for chunk in hashed.chunks(5000) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(KEY_REGISTER))
            .columns([Alias::new("h"), Alias::new("row_no"), Alias::new("key_code")])
            .on_conflict(OnConflict::column(Alias::new("h")).do_nothing().to_owned());
        for (h, key, row) in chunk {
            insert.values_panic([(*h).into(), i64::from(*row).into(), (*key).into()]);
        }
        // Usually every key is new, and that is all there is to it.
        if tx.execute(&insert).await?.rows_affected() == chunk.len() as u64 {
            continue;
        }
        // Some hashes were there before (or twice in this chunk): the register
        // holds each with the key and row that entered it first.
        let select = Query::select()
            .columns([Alias::new("h"), Alias::new("row_no"), Alias::new("key_code")])
            .from(Alias::new(KEY_REGISTER))
            .and_where(Expr::col(Alias::new("h")).is_in(chunk.iter().map(|(h, _, _)| *h)))
            .to_owned();
        let mut held: HashMap<i64, (String, u32)> = HashMap::new();
        for r in tx.query_all(&select).await? {
            let h: i64 = r.try_get("", "h")?;
            let key: String = r.try_get("", "key_code")?;
            let row = r.try_get::<i64>("", "row_no")? as u32;
            held.insert(h, (key, row));
        }
        for &(h, key, row) in chunk {
            match held.get(&h) {
                // This row entered it just now.
                Some((k, r)) if k == key && *r == row => {}
                Some((k, r)) if k == key => {
                    earlier.insert(key.to_string(), *r);
                }
                // An other key with the same hash: compare texts instead.
                _ => collided.push((key, row)),
            }
        }
    }
    if !collided.is_empty() {
        earlier.extend(register_texts(tx, &collided).await?);
    }
    Ok(earlier)
}

/// The register by text, for keys whose hash an other key holds.
async fn register_texts(tx: &impl ConnectionTrait, keys: &[(&str, u32)]) -> Result<HashMap<String, u32>, StoreError> {
    let mut earlier = HashMap::new();
    for chunk in keys.chunks(5000) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(KEY_OVERFLOW))
            .columns([Alias::new("key_code"), Alias::new("row_no")])
            .on_conflict(OnConflict::column(Alias::new("key_code")).do_nothing().to_owned());
        for (key, row) in chunk {
            insert.values_panic([(*key).into(), i64::from(*row).into()]);
        }
        if tx.execute(&insert).await?.rows_affected() == chunk.len() as u64 {
            continue;
        }
        let select = Query::select()
            .columns([Alias::new("key_code"), Alias::new("row_no")])
            .from(Alias::new(KEY_OVERFLOW))
            .and_where(Expr::col(Alias::new("key_code")).is_in(chunk.iter().map(|(k, _)| *k)))
            .to_owned();
        let here: HashMap<&str, u32> = chunk.iter().copied().collect();
        for r in tx.query_all(&select).await? {
            let key: String = r.try_get("", "key_code")?;
            let row = r.try_get::<i64>("", "row_no")? as u32;
            if here.get(key.as_str()) != Some(&row) {
                earlier.insert(key, row);
            }
        }
    }
    Ok(earlier)
}
