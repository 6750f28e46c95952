//! 一公开: the publication of a task's results, published versions, the
//! public search projection, correction requests, objections with their
//! attachments, and follow-up steps.
//!
//! Decisions are conditional updates on the status the caller read
//! (`…WHERE status = 'pending'`), so two heads approving the same request or
//! two officials deciding the same objection never both succeed.

use crate::StoreError;
use crate::entity::{
    followup, objection, objection_file, public_result, result_correction, result_version, task_publication,
};
use crate::scope::department_ids_in;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use spotcheck_domain::jurisdiction::Jurisdiction;

pub use followup::Model as FollowupRow;
pub use objection::Model as ObjectionRow;
pub use objection_file::Model as ObjectionFileRow;
pub use public_result::Model as PublicResultRow;
pub use result_correction::Model as CorrectionRow;
pub use result_version::Model as VersionRow;
pub use task_publication::Model as TaskPublicationRow;

// ---- task publication ----

pub struct NewTaskPublication {
    pub task_id: i64,
    pub due_on: NaiveDate,
    pub provisional: bool,
    pub results: i32,
    pub withheld: i32,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
}

pub async fn insert_task_publication(db: &impl ConnectionTrait, p: NewTaskPublication) -> Result<(), StoreError> {
    task_publication::Entity::insert(task_publication::ActiveModel {
        task_id: Set(p.task_id),
        due_on: Set(p.due_on),
        provisional: Set(p.provisional),
        results: Set(p.results),
        withheld: Set(p.withheld),
        published_by: Set(p.published_by),
        published_at: Set(p.published_at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

pub async fn task_publication(
    db: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Option<TaskPublicationRow>, StoreError> {
    Ok(task_publication::Entity::find()
        .filter(task_publication::Column::TaskId.eq(task_id))
        .one(db)
        .await?)
}

/// The publications of the given tasks.
pub async fn task_publications(
    db: &impl ConnectionTrait,
    task_ids: &[i64],
) -> Result<Vec<TaskPublicationRow>, StoreError> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for chunk in task_ids.chunks(500) {
        out.extend(
            task_publication::Entity::find()
                .filter(task_publication::Column::TaskId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

// ---- versions and the public projection ----

pub struct NewVersion {
    pub inspection_id: i64,
    pub task_id: i64,
    pub version: i32,
    pub result_category: String,
    pub result_summary: String,
    pub withheld_reason: String,
    pub reason: String,
    pub correction_id: Option<i64>,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
}

pub async fn insert_version(db: &impl ConnectionTrait, v: NewVersion) -> Result<(), StoreError> {
    result_version::Entity::insert(result_version::ActiveModel {
        inspection_id: Set(v.inspection_id),
        task_id: Set(v.task_id),
        version: Set(v.version),
        result_category: Set(v.result_category),
        result_summary: Set(v.result_summary),
        withheld_reason: Set(v.withheld_reason),
        reason: Set(v.reason),
        correction_id: Set(v.correction_id),
        published_by: Set(v.published_by),
        published_at: Set(v.published_at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Every published version of a result, oldest first.
pub async fn versions_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<VersionRow>, StoreError> {
    Ok(result_version::Entity::find()
        .filter(result_version::Column::InspectionId.eq(inspection_id))
        .order_by_asc(result_version::Column::Version)
        .all(db)
        .await?)
}

/// Writes the current version of a result into the public projection.
pub async fn put_public(db: &impl ConnectionTrait, row: PublicResultRow) -> Result<(), StoreError> {
    use public_result::Column as C;
    public_result::Entity::insert(row.into_active_model())
        .on_conflict(
            OnConflict::column(C::InspectionId)
                .update_columns([
                    C::ResultCategory,
                    C::ResultLabel,
                    C::ResultSummary,
                    C::Withheld,
                    C::WithheldReason,
                    C::Version,
                    C::CorrectedOn,
                    C::CorrectionReason,
                    C::Disposal,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts many projection rows at once (the demo and the benchmark loader).
pub async fn insert_public_many(db: &impl ConnectionTrait, rows: Vec<PublicResultRow>) -> Result<(), StoreError> {
    // SQLite allows 32,766 bound values; 23 columns a row.
    for chunk in rows.chunks(1000) {
        public_result::Entity::insert_many(chunk.iter().cloned().map(IntoActiveModel::into_active_model))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub async fn public_result(
    db: &impl ConnectionTrait,
    inspection_id: i64,
) -> Result<Option<PublicResultRow>, StoreError> {
    Ok(public_result::Entity::find_by_id(inspection_id).one(db).await?)
}

pub async fn public_results_of_task(
    db: &impl ConnectionTrait,
    task_id: i64,
) -> Result<Vec<PublicResultRow>, StoreError> {
    Ok(public_result::Entity::find()
        .filter(public_result::Column::TaskId.eq(task_id))
        .order_by_asc(public_result::Column::InspectionId)
        .all(db)
        .await?)
}

pub async fn set_disposal(db: &impl ConnectionTrait, inspection_id: i64, disposal: &str) -> Result<(), StoreError> {
    public_result::Entity::update_many()
        .col_expr(public_result::Column::Disposal, Expr::value(disposal))
        .filter(public_result::Column::InspectionId.eq(inspection_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many published results are public and how many withheld (依法不予公开).
pub async fn public_counts(db: &impl ConnectionTrait) -> Result<(u64, u64), StoreError> {
    let public = public_result::Entity::find()
        .filter(public_result::Column::Withheld.eq(false))
        .count(db)
        .await?;
    let withheld = public_result::Entity::find()
        .filter(public_result::Column::Withheld.eq(true))
        .count(db)
        .await?;
    Ok((public, withheld))
}

// ---- corrections ----

pub struct NewCorrection {
    pub inspection_id: i64,
    pub objection_id: Option<i64>,
    pub reason: String,
    pub result_category: String,
    pub result_summary: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
}

pub async fn insert_correction(db: &impl ConnectionTrait, c: NewCorrection) -> Result<CorrectionRow, StoreError> {
    let id = result_correction::Entity::insert(result_correction::ActiveModel {
        inspection_id: Set(c.inspection_id),
        objection_id: Set(c.objection_id),
        reason: Set(c.reason),
        result_category: Set(c.result_category),
        result_summary: Set(c.result_summary),
        status: Set("pending".into()),
        requested_by: Set(c.requested_by),
        requested_at: Set(c.requested_at),
        decided_by: Set(String::new()),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(result_correction::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted"))
}

pub async fn correction(db: &impl ConnectionTrait, id: i64) -> Result<Option<CorrectionRow>, StoreError> {
    Ok(result_correction::Entity::find_by_id(id).one(db).await?)
}

pub async fn corrections_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<CorrectionRow>, StoreError> {
    Ok(result_correction::Entity::find()
        .filter(result_correction::Column::InspectionId.eq(inspection_id))
        .order_by_asc(result_correction::Column::Id)
        .all(db)
        .await?)
}

/// Every pending request (few at any time; the caller keeps those it may decide).
pub async fn pending_corrections(db: &impl ConnectionTrait) -> Result<Vec<CorrectionRow>, StoreError> {
    Ok(result_correction::Entity::find()
        .filter(result_correction::Column::Status.eq("pending"))
        .order_by_asc(result_correction::Column::Id)
        .all(db)
        .await?)
}

/// Decides a pending request; false when it was no longer pending.
pub async fn decide_correction(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    by: &str,
    note: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use result_correction::Column as C;
    let r = result_correction::Entity::update_many()
        .col_expr(C::Status, Expr::value(status))
        .col_expr(C::DecidedBy, Expr::value(by))
        .col_expr(C::DecidedAt, Expr::value(at))
        .col_expr(C::DecisionNote, Expr::value(note))
        .filter(C::Id.eq(id))
        .filter(C::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

// ---- objections ----

pub struct NewObjection {
    pub inspection_id: i64,
    pub department_id: i64,
    pub channel: String,
    pub submitter: String,
    pub contact: String,
    pub content: String,
    pub received_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub async fn insert_objection(db: &impl ConnectionTrait, o: NewObjection) -> Result<ObjectionRow, StoreError> {
    let id = objection::Entity::insert(objection::ActiveModel {
        inspection_id: Set(o.inspection_id),
        department_id: Set(o.department_id),
        channel: Set(o.channel),
        submitter: Set(o.submitter),
        contact: Set(o.contact),
        content: Set(o.content),
        received_on: Set(o.received_on),
        recorded_by: Set(o.recorded_by),
        recorded_at: Set(o.recorded_at),
        status: Set("received".into()),
        decision: Set(String::new()),
        decision_reason: Set(String::new()),
        decided_by: Set(String::new()),
        decided_on: Set(None),
        correction_id: Set(None),
        feedback_method: Set(String::new()),
        feedback_note: Set(String::new()),
        feedback_on: Set(None),
        feedback_by: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(objection::Entity::find_by_id(id).one(db).await?.expect("just inserted"))
}

pub async fn objection(db: &impl ConnectionTrait, id: i64) -> Result<Option<ObjectionRow>, StoreError> {
    Ok(objection::Entity::find_by_id(id).one(db).await?)
}

pub async fn objections_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<ObjectionRow>, StoreError> {
    Ok(objection::Entity::find()
        .filter(objection::Column::InspectionId.eq(inspection_id))
        .order_by_asc(objection::Column::Id)
        .all(db)
        .await?)
}

/// Objections reviewed by a unit inside `scope`, newest first.
pub async fn objections_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<Vec<ObjectionRow>, StoreError> {
    Ok(objection::Entity::find()
        .filter(objection::Column::DepartmentId.in_subquery(department_ids_in(scope)))
        .order_by_desc(objection::Column::Id)
        .all(db)
        .await?)
}

/// Records the review decision; false when it was already decided.
#[allow(clippy::too_many_arguments)]
pub async fn decide_objection(
    db: &impl ConnectionTrait,
    id: i64,
    decision: &str,
    reason: &str,
    by: &str,
    on: NaiveDate,
    correction_id: Option<i64>,
) -> Result<bool, StoreError> {
    use objection::Column as C;
    let r = objection::Entity::update_many()
        .col_expr(C::Status, Expr::value("decided"))
        .col_expr(C::Decision, Expr::value(decision))
        .col_expr(C::DecisionReason, Expr::value(reason))
        .col_expr(C::DecidedBy, Expr::value(by))
        .col_expr(C::DecidedOn, Expr::value(on))
        .col_expr(C::CorrectionId, Expr::value(correction_id))
        .filter(C::Id.eq(id))
        .filter(C::Status.eq("received"))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records the feedback to the object; false unless it was decided and not yet answered.
pub async fn answer_objection(
    db: &impl ConnectionTrait,
    id: i64,
    method: &str,
    note: &str,
    by: &str,
    on: NaiveDate,
) -> Result<bool, StoreError> {
    use objection::Column as C;
    let r = objection::Entity::update_many()
        .col_expr(C::Status, Expr::value("answered"))
        .col_expr(C::FeedbackMethod, Expr::value(method))
        .col_expr(C::FeedbackNote, Expr::value(note))
        .col_expr(C::FeedbackBy, Expr::value(by))
        .col_expr(C::FeedbackOn, Expr::value(on))
        .filter(C::Id.eq(id))
        .filter(C::Status.eq("decided"))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

pub struct NewObjectionFile {
    pub objection_id: i64,
    pub storage_key: String,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
    pub file_name: String,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn insert_objection_file(db: &impl ConnectionTrait, f: NewObjectionFile) -> Result<(), StoreError> {
    objection_file::Entity::insert(objection_file::ActiveModel {
        objection_id: Set(f.objection_id),
        storage_key: Set(f.storage_key),
        sha256: Set(f.sha256),
        size: Set(f.size),
        mime: Set(f.mime),
        file_name: Set(f.file_name),
        uploaded_at: Set(f.uploaded_at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

pub async fn objection_files(
    db: &impl ConnectionTrait,
    objection_id: i64,
) -> Result<Vec<ObjectionFileRow>, StoreError> {
    Ok(objection_file::Entity::find()
        .filter(objection_file::Column::ObjectionId.eq(objection_id))
        .order_by_asc(objection_file::Column::Id)
        .all(db)
        .await?)
}

pub async fn objection_file(db: &impl ConnectionTrait, id: i64) -> Result<Option<ObjectionFileRow>, StoreError> {
    Ok(objection_file::Entity::find_by_id(id).one(db).await?)
}

// ---- follow-up ----

pub struct NewFollowup {
    pub inspection_id: i64,
    pub finding_id: i64,
    pub step: String,
    pub receiving_body: String,
    pub on_date: NaiveDate,
    pub status: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub async fn insert_followup(db: &impl ConnectionTrait, f: NewFollowup) -> Result<(), StoreError> {
    followup::Entity::insert(followup::ActiveModel {
        inspection_id: Set(f.inspection_id),
        finding_id: Set(f.finding_id),
        step: Set(f.step),
        receiving_body: Set(f.receiving_body),
        on_date: Set(f.on_date),
        status: Set(f.status),
        note: Set(f.note),
        recorded_by: Set(f.recorded_by),
        recorded_at: Set(f.recorded_at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The follow-up steps of a result, in the order they were recorded.
pub async fn followups_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<FollowupRow>, StoreError> {
    Ok(followup::Entity::find()
        .filter(followup::Column::InspectionId.eq(inspection_id))
        .order_by_asc(followup::Column::Id)
        .all(db)
        .await?)
}
