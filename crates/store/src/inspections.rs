//! The inspection of each drawn object (第十九条至第二十二条): the inspection row
//! with its work plan and result, its checklist, findings, confirmations and
//! evidence; and the province's result categories.
//!
//! Every change of an inspection is conditional on the status the caller read
//! (`…WHERE status = 'draft'`), so two members saving or a save racing the
//! leader's close never both succeed. Confirmations and evidence rows are only
//! ever inserted; the database refuses any change to a final inspection
//! (triggers of migration 000011).

use crate::StoreError;
use crate::entity::{
    evidence_file, evidence_upload, inspection, inspection_finding, inspection_point, inspection_signoff,
    result_category,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use spotcheck_domain::inspection::{FindingInput, Measure};
use std::collections::{HashMap, HashSet};

pub use evidence_file::Model as EvidenceRow;
pub use evidence_upload::Model as UploadRow;
pub use inspection::Model as InspectionRow;
pub use inspection_finding::Model as FindingRow;
pub use inspection_point::Model as PointRow;
pub use inspection_signoff::Model as SignoffRow;
pub use result_category::Model as CategoryRow;

/// The result categories in their order; `active_only` leaves out retired ones.
pub async fn categories(db: &impl ConnectionTrait, active_only: bool) -> Result<Vec<CategoryRow>, StoreError> {
    let mut q = result_category::Entity::find();
    if active_only {
        q = q.filter(result_category::Column::Active.eq(true));
    }
    Ok(q.order_by_asc(result_category::Column::Position)
        .order_by_asc(result_category::Column::Id)
        .all(db)
        .await?)
}

pub async fn category(db: &impl ConnectionTrait, code: &str) -> Result<Option<CategoryRow>, StoreError> {
    Ok(result_category::Entity::find()
        .filter(result_category::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Adds a category at the end of the list.
pub async fn insert_category(
    db: &impl ConnectionTrait,
    code: &str,
    label: &str,
    rule: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<CategoryRow, StoreError> {
    let position = result_category::Entity::find().count(db).await? as i32 + 1;
    let id = result_category::Entity::insert(result_category::ActiveModel {
        code: Set(code.into()),
        label: Set(label.into()),
        rule: Set(rule.into()),
        position: Set(position),
        active: Set(true),
        updated_by: Set(by.into()),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(result_category::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted"))
}

/// Renames a category or retires / restores it. Results keep the code, so a
/// renamed category shows its new label everywhere.
pub async fn update_category(
    db: &impl ConnectionTrait,
    code: &str,
    label: &str,
    active: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = result_category::Entity::update_many()
        .col_expr(result_category::Column::Label, Expr::value(label))
        .col_expr(result_category::Column::Active, Expr::value(active))
        .col_expr(result_category::Column::UpdatedBy, Expr::value(by))
        .col_expr(result_category::Column::UpdatedAt, Expr::value(now))
        .filter(result_category::Column::Code.eq(code))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// A check point to create with the inspection.
pub struct NewPoint {
    pub task_item_id: i64,
    pub item_version_id: i64,
    pub point_no: i32,
    pub content: String,
}

pub struct NewInspection {
    pub task_id: i64,
    pub team_id: i64,
    pub object_id: i64,
    pub department_id: i64,
    pub document_no: String,
    pub verification_sealed: String,
    pub verification_hash: String,
    pub created_by: String,
    pub now: DateTime<Utc>,
    pub points: Vec<NewPoint>,
}

/// Creates a team's inspection with its checklist. The team's unique key
/// makes a second creation fail (the caller re-reads).
pub async fn insert(db: &impl ConnectionTrait, n: NewInspection) -> Result<InspectionRow, StoreError> {
    let id = inspection::Entity::insert(inspection::ActiveModel {
        task_id: Set(n.task_id),
        team_id: Set(n.team_id),
        object_id: Set(n.object_id),
        department_id: Set(n.department_id),
        status: Set("draft".into()),
        revision: Set(1),
        plan_division: Set(String::new()),
        plan_procedure: Set(String::new()),
        plan_schedule: Set(String::new()),
        plan_recorded_by: Set(String::new()),
        plan_recorded_at: Set(None),
        method: Set(String::new()),
        started_at: Set(None),
        ended_at: Set(None),
        place: Set(String::new()),
        present: Set("[]".into()),
        result_category: Set(String::new()),
        result_summary: Set(String::new()),
        rights_notified_at: Set(None),
        statement_person: Set(String::new()),
        statement: Set(String::new()),
        statement_waived: Set(false),
        statement_recorded_at: Set(None),
        statement_started_at: Set(None),
        statement_ended_at: Set(None),
        document_no: Set(n.document_no),
        verification_sealed: Set(n.verification_sealed),
        verification_hash: Set(n.verification_hash),
        closed_by: Set(String::new()),
        closed_at: Set(None),
        finalized_at: Set(None),
        created_by: Set(n.created_by.clone()),
        created_at: Set(n.now),
        updated_by: Set(n.created_by),
        updated_at: Set(n.now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    if !n.points.is_empty() {
        inspection_point::Entity::insert_many(n.points.into_iter().map(|p| inspection_point::ActiveModel {
            inspection_id: Set(id),
            task_item_id: Set(p.task_item_id),
            item_version_id: Set(p.item_version_id),
            point_no: Set(p.point_no),
            content: Set(p.content),
            result: Set(String::new()),
            note: Set(String::new()),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    Ok(by_id(db, id).await?.expect("just inserted"))
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<InspectionRow>, StoreError> {
    Ok(inspection::Entity::find_by_id(id).one(db).await?)
}

pub async fn by_team(db: &impl ConnectionTrait, team_id: i64) -> Result<Option<InspectionRow>, StoreError> {
    Ok(inspection::Entity::find()
        .filter(inspection::Column::TeamId.eq(team_id))
        .one(db)
        .await?)
}

/// The inspections of a task, by team.
pub async fn of_task(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<InspectionRow>, StoreError> {
    Ok(inspection::Entity::find()
        .filter(inspection::Column::TaskId.eq(task_id))
        .order_by_asc(inspection::Column::TeamId)
        .all(db)
        .await?)
}

/// The inspections whose 核验码 hashes to `hash`.
pub async fn by_verification(db: &impl ConnectionTrait, hash: &str) -> Result<Vec<InspectionRow>, StoreError> {
    Ok(inspection::Entity::find()
        .filter(inspection::Column::VerificationHash.eq(hash))
        .all(db)
        .await?)
}

pub async fn points_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<PointRow>, StoreError> {
    Ok(inspection_point::Entity::find()
        .filter(inspection_point::Column::InspectionId.eq(inspection_id))
        .order_by_asc(inspection_point::Column::Id)
        .all(db)
        .await?)
}

pub async fn findings_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<FindingRow>, StoreError> {
    Ok(inspection_finding::Entity::find()
        .filter(inspection_finding::Column::InspectionId.eq(inspection_id))
        .order_by_asc(inspection_finding::Column::Position)
        .all(db)
        .await?)
}

/// The measures of a stored finding, in the vocabulary's order.
pub fn measures_of(row: &FindingRow) -> Vec<Measure> {
    row.measures.split(',').filter_map(|c| Measure::parse(c).ok()).collect()
}

/// The confirmations of the inspection's `revision`, in the order given.
pub async fn signoffs_of(
    db: &impl ConnectionTrait,
    inspection_id: i64,
    revision: i32,
) -> Result<Vec<SignoffRow>, StoreError> {
    Ok(inspection_signoff::Entity::find()
        .filter(inspection_signoff::Column::InspectionId.eq(inspection_id))
        .filter(inspection_signoff::Column::Revision.eq(revision))
        .order_by_asc(inspection_signoff::Column::Id)
        .all(db)
        .await?)
}

pub async fn evidence_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<EvidenceRow>, StoreError> {
    Ok(evidence_file::Entity::find()
        .filter(evidence_file::Column::InspectionId.eq(inspection_id))
        .order_by_asc(evidence_file::Column::Id)
        .all(db)
        .await?)
}

pub async fn evidence(db: &impl ConnectionTrait, id: i64) -> Result<Option<EvidenceRow>, StoreError> {
    Ok(evidence_file::Entity::find_by_id(id).one(db).await?)
}

/// What a save of a draft writes. Each part is optional so the work plan, the
/// checklist and the result can be saved separately from a phone.
#[derive(Default)]
pub struct DraftUpdate {
    pub plan: Option<(String, String, String)>,
    pub method: Option<String>,
    pub started_at: Option<Option<DateTime<Utc>>>,
    pub ended_at: Option<Option<DateTime<Utc>>>,
    pub place: Option<String>,
    pub present_json: Option<String>,
    pub result_category: Option<String>,
    pub result_summary: Option<String>,
    pub rights_notified_at: Option<Option<DateTime<Utc>>>,
    pub statement: Option<StatementUpdate>,
}

/// The 陈述申辩 as recorded: who, what, or that the object declined, and when.
pub struct StatementUpdate {
    pub person: String,
    pub text: String,
    pub waived: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Writes `u` to a draft inspection; `false` when it is no longer a draft of
/// `revision` (someone closed or reopened it meanwhile).
pub async fn update_draft(
    db: &impl ConnectionTrait,
    id: i64,
    revision: i32,
    u: DraftUpdate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use inspection::Column as C;
    let mut q = inspection::Entity::update_many()
        .col_expr(C::UpdatedBy, Expr::value(by))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if let Some((division, procedure, schedule)) = u.plan {
        q = q
            .col_expr(C::PlanDivision, Expr::value(division))
            .col_expr(C::PlanProcedure, Expr::value(procedure))
            .col_expr(C::PlanSchedule, Expr::value(schedule))
            .col_expr(C::PlanRecordedBy, Expr::value(by))
            .col_expr(C::PlanRecordedAt, Expr::value(now));
    }
    if let Some(v) = u.method {
        q = q.col_expr(C::Method, Expr::value(v));
    }
    if let Some(v) = u.started_at {
        q = q.col_expr(C::StartedAt, Expr::value(v));
    }
    if let Some(v) = u.ended_at {
        q = q.col_expr(C::EndedAt, Expr::value(v));
    }
    if let Some(v) = u.place {
        q = q.col_expr(C::Place, Expr::value(v));
    }
    if let Some(v) = u.present_json {
        q = q.col_expr(C::Present, Expr::value(v));
    }
    if let Some(v) = u.result_category {
        q = q.col_expr(C::ResultCategory, Expr::value(v));
    }
    if let Some(v) = u.result_summary {
        q = q.col_expr(C::ResultSummary, Expr::value(v));
    }
    if let Some(v) = u.rights_notified_at {
        q = q.col_expr(C::RightsNotifiedAt, Expr::value(v));
    }
    if let Some(st) = u.statement {
        q = q
            .col_expr(C::StatementPerson, Expr::value(st.person))
            .col_expr(C::Statement, Expr::value(st.text))
            .col_expr(C::StatementWaived, Expr::value(st.waived))
            .col_expr(C::StatementStartedAt, Expr::value(st.started_at))
            .col_expr(C::StatementEndedAt, Expr::value(st.ended_at))
            .col_expr(C::StatementRecordedAt, Expr::value(now));
    }
    moved(db, q, id, "draft", revision).await
}

/// Applies `q` to the inspection only if it is still at `from` and `revision`,
/// the status the caller read: the one place every change of an inspection
/// row is made conditional.
async fn moved(
    db: &impl ConnectionTrait,
    q: sea_orm::UpdateMany<inspection::Entity>,
    id: i64,
    from: &str,
    revision: i32,
) -> Result<bool, StoreError> {
    use inspection::Column as C;
    let r = q
        .filter(C::Id.eq(id))
        .filter(C::Status.eq(from))
        .filter(C::Revision.eq(revision))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets one check point's result and note (inside the transaction that
/// checked the inspection is a draft).
pub async fn set_point(
    db: &impl ConnectionTrait,
    point_id: i64,
    inspection_id: i64,
    result: &str,
    note: &str,
) -> Result<(), StoreError> {
    inspection_point::Entity::update_many()
        .col_expr(inspection_point::Column::Result, Expr::value(result))
        .col_expr(inspection_point::Column::Note, Expr::value(note))
        .filter(inspection_point::Column::Id.eq(point_id))
        .filter(inspection_point::Column::InspectionId.eq(inspection_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces the findings of a draft (inside the transaction that checked it).
pub async fn replace_findings(
    db: &impl ConnectionTrait,
    inspection_id: i64,
    findings: &[FindingInput],
) -> Result<(), StoreError> {
    inspection_finding::Entity::delete_many()
        .filter(inspection_finding::Column::InspectionId.eq(inspection_id))
        .exec(db)
        .await?;
    if findings.is_empty() {
        return Ok(());
    }
    inspection_finding::Entity::insert_many(findings.iter().enumerate().map(|(i, f)| {
        inspection_finding::ActiveModel {
            inspection_id: Set(inspection_id),
            position: Set(i as i32 + 1),
            description: Set(f.description.clone()),
            legal_basis: Set(f.legal_basis.clone()),
            measures: Set(f.measures.iter().map(|m| m.code()).collect::<Vec<_>>().join(",")),
            rectify_by: Set(f.rectify_by),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// draft → closed by the leader; `false` if it was not a draft of `revision`.
pub async fn close(
    db: &impl ConnectionTrait,
    id: i64,
    revision: i32,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use inspection::Column as C;
    let q = inspection::Entity::update_many()
        .col_expr(C::Status, Expr::value("closed"))
        .col_expr(C::ClosedBy, Expr::value(by))
        .col_expr(C::ClosedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(by))
        .col_expr(C::UpdatedAt, Expr::value(now));
    moved(db, q, id, "draft", revision).await
}

/// closed → draft with the next revision: the confirmations given so far no
/// longer count.
pub async fn reopen(
    db: &impl ConnectionTrait,
    id: i64,
    revision: i32,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use inspection::Column as C;
    let q = inspection::Entity::update_many()
        .col_expr(C::Status, Expr::value("draft"))
        .col_expr(C::Revision, Expr::value(revision + 1))
        .col_expr(C::ClosedBy, Expr::value(""))
        .col_expr(C::ClosedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::UpdatedBy, Expr::value(by))
        .col_expr(C::UpdatedAt, Expr::value(now));
    moved(db, q, id, "closed", revision).await
}

/// closed → final once every member confirmed revision `revision`.
pub async fn finalize(
    db: &impl ConnectionTrait,
    id: i64,
    revision: i32,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use inspection::Column as C;
    let q = inspection::Entity::update_many()
        .col_expr(C::Status, Expr::value("final"))
        .col_expr(C::FinalizedAt, Expr::value(now));
    moved(db, q, id, "closed", revision).await
}

pub struct NewSignoff {
    pub inspection_id: i64,
    pub revision: i32,
    pub member_id: i64,
    pub user_id: i64,
    pub method: &'static str,
    pub now: DateTime<Utc>,
}

/// A member's confirmation; the unique key refuses a second one for the same revision.
pub async fn insert_signoff(db: &impl ConnectionTrait, s: NewSignoff) -> Result<(), StoreError> {
    inspection_signoff::Entity::insert(inspection_signoff::ActiveModel {
        inspection_id: Set(s.inspection_id),
        revision: Set(s.revision),
        member_id: Set(s.member_id),
        user_id: Set(s.user_id),
        method: Set(s.method.into()),
        confirmed_at: Set(s.now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

pub struct NewEvidence {
    pub inspection_id: i64,
    pub storage_key: String,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
    pub kind: String,
    pub file_name: String,
    pub note: String,
    pub uploaded_by: String,
    pub now: DateTime<Utc>,
}

pub async fn insert_evidence(db: &impl ConnectionTrait, e: NewEvidence) -> Result<EvidenceRow, StoreError> {
    let id = evidence_file::Entity::insert(evidence_file::ActiveModel {
        inspection_id: Set(e.inspection_id),
        storage_key: Set(e.storage_key),
        sha256: Set(e.sha256),
        size: Set(e.size),
        mime: Set(e.mime),
        kind: Set(e.kind),
        file_name: Set(e.file_name),
        note: Set(e.note),
        uploaded_by: Set(e.uploaded_by),
        uploaded_at: Set(e.now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(evidence(db, id).await?.expect("just inserted"))
}

/// The evidence row of a storage key, if a finished upload already wrote it.
pub async fn evidence_by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<EvidenceRow>, StoreError> {
    Ok(evidence_file::Entity::find()
        .filter(evidence_file::Column::StorageKey.eq(key))
        .one(db)
        .await?)
}

pub async fn insert_upload(
    db: &impl ConnectionTrait,
    upload_id: &str,
    inspection_id: i64,
    user_id: i64,
    size: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    evidence_upload::Entity::insert(evidence_upload::ActiveModel {
        upload_id: Set(upload_id.into()),
        inspection_id: Set(inspection_id),
        user_id: Set(user_id),
        size: Set(size),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn upload(db: &impl ConnectionTrait, upload_id: &str) -> Result<Option<UploadRow>, StoreError> {
    Ok(evidence_upload::Entity::find_by_id(upload_id.to_string())
        .one(db)
        .await?)
}

/// 第十二条 for double-random results: the object codes of `object_kind` whose
/// final inspection in a task of `year` found the item (any of its versions)
/// compliant — every point of it 符合 or 不适用, at least one 符合.
pub async fn compliant_item_codes(
    db: &impl ConnectionTrait,
    item_id: i64,
    object_kind: &str,
    year: i32,
) -> Result<HashSet<String>, StoreError> {
    use crate::entity::{check_item_version, task, team};
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::Query;
    let (first, last) = (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("valid"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("valid"),
    );
    let tasks_of_year = Query::select()
        .column(task::Column::Id)
        .from(task::Entity)
        .and_where(task::Column::WindowStart.between(first, last))
        .to_owned();
    let finals = Query::select()
        .column(inspection::Column::Id)
        .from(inspection::Entity)
        .and_where(inspection::Column::Status.eq("final"))
        .and_where(inspection::Column::TaskId.in_subquery(tasks_of_year))
        .to_owned();
    let versions = Query::select()
        .column(check_item_version::Column::Id)
        .from(check_item_version::Entity)
        .and_where(check_item_version::Column::ItemId.eq(item_id))
        .to_owned();
    let points: Vec<(i64, String)> = inspection_point::Entity::find()
        .select_only()
        .column(inspection_point::Column::InspectionId)
        .column(inspection_point::Column::Result)
        .filter(inspection_point::Column::ItemVersionId.in_subquery(versions))
        .filter(inspection_point::Column::InspectionId.in_subquery(finals))
        .into_tuple()
        .all(db)
        .await?;
    let mut verdict: HashMap<i64, (bool, bool)> = HashMap::new();
    for (id, result) in points {
        let v = verdict.entry(id).or_insert((true, false));
        match result.as_str() {
            "compliant" => v.1 = true,
            "not_applicable" => {}
            _ => v.0 = false,
        }
    }
    let passed: Vec<i64> = verdict
        .into_iter()
        .filter(|(_, (ok, any))| *ok && *any)
        .map(|(id, _)| id)
        .collect();
    let mut out = HashSet::new();
    for chunk in passed.chunks(500) {
        let teams_of = Query::select()
            .column(inspection::Column::TeamId)
            .from(inspection::Entity)
            .and_where(inspection::Column::Id.is_in(chunk.iter().copied()))
            .to_owned();
        let codes: Vec<String> = team::Entity::find()
            .select_only()
            .column(team::Column::ObjectCode)
            .filter(team::Column::ObjectKind.eq(object_kind))
            .filter(team::Column::Id.in_subquery(teams_of))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(codes);
    }
    Ok(out)
}
