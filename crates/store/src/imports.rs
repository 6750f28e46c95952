//! Template imports: the job row that carries the outcome of each import
//! (and its 问题清单).

use crate::entity::import_job;
use crate::{StoreError, scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use spotcheck_domain::jurisdiction::Jurisdiction;

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

/// Jobs left unfinished by a stopped server are marked failed at start.
pub async fn fail_abandoned(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, Expr::value("failed"))
        .col_expr(
            import_job::Column::Message,
            Expr::value("导入过程中服务重启，本次导入未保存任何数据，请重新导入"),
        )
        .col_expr(import_job::Column::FinishedAt, Expr::value(now))
        .filter(import_job::Column::FinishedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
