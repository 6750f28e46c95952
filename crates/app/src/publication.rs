//! 第二十三条 as use cases: publishing a task's results within 20 working days
//! after the task's end, withholding what the law keeps from the public
//! (依法不予公开, counted but not shown), and correcting a published result —
//! never in place: a request with its reason, approved by the 主要负责人 of the
//! executing unit, adds the next version; every version stays in the record.
//!
//! Who does what:
//! - the initiating department's operator (`ManageTasks`) publishes a task
//!   once every team's result is final (任务 已录入 → 已公示);
//! - the executing unit's operator asks for a correction;
//! - the executing unit's 主要负责人 (role `head`) approves or refuses it;
//! - officials who may see the task read everything, the public reads the
//!   current version and that (when, why) it was corrected.
//!
//! Objections are in `objections.rs`, follow-up in `followups.rs`, the public
//! search in `public_results.rs`.

use crate::audit::{By, Change, record};
use crate::plans::Term;
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::inspection::{InspectionStatus, MAX_SUMMARY};
use spotcheck_domain::item::FieldError;
use spotcheck_domain::publication::{
    self as rules, CorrectionStatus, DeadlineStatus, Disposal, FollowupStatus, PUBLISH_WORKDAYS,
};
use spotcheck_domain::role::{Permission, Role};
use spotcheck_domain::task::{TaskAction, TaskKind, TaskStatus};
use spotcheck_domain::vocab::ObjectKind;
use spotcheck_store::inspections::{self as inspections_store, InspectionRow};
use spotcheck_store::publication::{
    self as store, CorrectionRow, NewCorrection, NewTaskPublication, NewVersion, PublicResultRow, VersionRow,
};
use spotcheck_store::tasks::{self, TaskRow};
use spotcheck_store::{ConnectionTrait, StoreError, departments, items, objects, teams};
use std::collections::{BTreeSet, HashMap};
use utoipa::ToSchema;

pub(crate) fn term(code: &str, label: &str) -> Term {
    Term {
        code: code.into(),
        label: label.into(),
    }
}

pub(crate) fn invalid(e: FieldError) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// A deadline as the pages and the API show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    /// The period runs from the day after this date.
    pub from: NaiveDate,
    pub workdays: u32,
    pub due: NaiveDate,
    /// Computed through a year without an official holiday schedule: may still move.
    pub provisional: bool,
    pub done_on: Option<NaiveDate>,
    /// Working days left (negative: over).
    pub days_left: i64,
    pub days_over: i64,
    /// `open`, `due_soon`, `overdue`, `met`, `met_late`.
    pub state: Term,
    /// `剩余 5 个工作日`, `已逾期 3 个工作日`, …
    pub text: String,
}

impl From<DeadlineStatus> for DeadlineView {
    fn from(s: DeadlineStatus) -> Self {
        DeadlineView {
            from: s.from,
            workdays: s.workdays,
            due: s.due,
            provisional: s.provisional,
            done_on: s.done_on,
            days_left: s.days_left,
            days_over: s.days_over(),
            state: term(s.state.code(), s.state.label()),
            text: s.describe(),
        }
    }
}

impl DeadlineView {
    pub fn missed(&self) -> bool {
        matches!(self.state.code.as_str(), "overdue" | "met_late")
    }
}

/// One team's result as the publisher sees it before publishing.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublishCandidate {
    pub inspection_id: i64,
    pub team_id: i64,
    pub object_name: String,
    pub object_code: String,
    pub result: String,
    pub is_final: bool,
}

/// A task's publication: the deadline and, once published, what and when.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskPublicationView {
    pub task_id: i64,
    pub task_status: Term,
    /// 20 working days after the task's last day.
    pub deadline: DeadlineView,
    pub published: bool,
    pub published_by: String,
    pub published_at: Option<DateTime<Utc>>,
    pub results: i32,
    pub withheld: i32,
    /// Before publication: every team's result.
    pub candidates: Vec<PublishCandidate>,
    pub can_publish: bool,
    /// Why it cannot be published yet (empty when it can or is published).
    pub blocked: String,
    /// After publication: every result as published now (withheld ones included).
    pub published_results: Vec<PublishedRow>,
}

/// A published result in the task's list (officials see withheld ones too).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublishedRow {
    pub inspection_id: i64,
    pub object_name: String,
    pub object_code: String,
    pub result: String,
    pub withheld_reason: String,
    pub version: i32,
    pub disposal: Term,
}

/// 依法不予公开: a result the publisher withholds, with the legal reason.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct WithholdInput {
    pub inspection_id: i64,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PublishInput {
    #[serde(default)]
    pub withheld: Vec<WithholdInput>,
}

/// A request to correct a published result.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CorrectionInput {
    /// Why the published result is wrong.
    #[serde(default)]
    pub reason: String,
    /// The corrected result category's code.
    #[serde(default)]
    pub result_category: String,
    #[serde(default)]
    pub result_summary: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CorrectionDecisionInput {
    /// `true` approves, `false` refuses.
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CorrectionView {
    pub id: i64,
    pub inspection_id: i64,
    pub objection_id: Option<i64>,
    pub reason: String,
    pub result: Term,
    pub result_summary: String,
    pub status: Term,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub result: Term,
    pub result_summary: String,
    pub withheld_reason: String,
    /// Why it replaced the previous version (empty for the first).
    pub reason: String,
    pub correction_id: Option<i64>,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
}

/// A published result as the public sees it (withheld ones never leave the app).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicResultView {
    pub inspection_id: i64,
    /// 检查实施机关.
    pub department: String,
    pub department_code: String,
    /// 检查类型: 双随机抽查 / 联合抽查.
    pub kind: Term,
    pub task_code: String,
    pub task_name: String,
    pub task_id: i64,
    /// 检查日期.
    pub inspected_on: NaiveDate,
    pub object_kind: Term,
    pub object_name: String,
    pub object_code: String,
    /// 检查事项.
    pub items: String,
    /// 检查结果.
    pub result: Term,
    pub result_summary: String,
    /// 后续处置.
    pub disposal: Term,
    pub version: i32,
    /// Set once the result has been corrected.
    pub corrected_on: Option<NaiveDate>,
    pub correction_reason: String,
    pub published_at: DateTime<Utc>,
}

pub(crate) fn public_view(r: PublicResultRow) -> PublicResultView {
    let kind = TaskKind::parse(&r.task_kind).unwrap_or(TaskKind::DoubleRandom);
    let object_kind = ObjectKind::parse(&r.object_kind).unwrap_or(ObjectKind::Enterprise);
    let disposal = Disposal::parse(&r.disposal).unwrap_or(Disposal::Pending);
    PublicResultView {
        inspection_id: r.inspection_id,
        department: r.department_name,
        department_code: r.department_code,
        kind: term(kind.code(), kind.label()),
        task_code: r.task_code,
        task_name: r.task_name,
        task_id: r.task_id,
        inspected_on: r.inspected_on,
        object_kind: term(object_kind.code(), object_kind.label()),
        object_name: crate::tasks::public_name(&r.object_kind, &r.object_name),
        object_code: r.object_code,
        items: r.item_names,
        result: term(&r.result_category, &r.result_label),
        result_summary: r.result_summary,
        disposal: term(disposal.code(), disposal.label()),
        version: r.version,
        corrected_on: r.corrected_on,
        correction_reason: r.correction_reason,
        published_at: r.published_at,
    }
}

/// The record of one result for officials: the current public form, every
/// version, the corrections, objections and follow-up.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResultRecord {
    pub inspection_id: i64,
    pub team_id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_name: String,
    pub unit: String,
    pub object_name: String,
    pub object_code: String,
    /// The inspection's own final result (version 1 before publication).
    pub final_result: Term,
    pub final_summary: String,
    /// `None` until the task is published.
    pub public: Option<PublicResultView>,
    pub withheld_reason: String,
    pub versions: Vec<VersionView>,
    pub corrections: Vec<CorrectionView>,
    pub objections: Vec<crate::objections::ObjectionView>,
    pub findings: Vec<crate::followups::FindingFollowup>,
    pub categories: Vec<Term>,
    /// The actor may ask for a correction / decide one / record objections and follow-up.
    pub can_request_correction: bool,
    pub can_decide_correction: bool,
    pub can_handle_objections: bool,
    pub can_record_followup: bool,
}

impl App {
    /// The publication deadline of a task as it stands today.
    pub(crate) async fn publication_deadline(
        &self,
        task: &TaskRow,
        published_on: Option<NaiveDate>,
    ) -> Result<DeadlineView, AppError> {
        let cal = self.work_calendar().await?;
        Ok(rules::deadline(&cal, task.window_end, PUBLISH_WORKDAYS, published_on, self.today()).into())
    }

    /// A task's publication: deadline, state, and the results to publish.
    pub async fn task_publication(&self, actor: &Actor, task_id: i64) -> Result<TaskPublicationView, AppError> {
        let db = self.store().conn();
        let task = self.task_for(db, actor, task_id).await?;
        self.publication_view(db, actor, &task).await
    }

    async fn publication_view(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        task: &TaskRow,
    ) -> Result<TaskPublicationView, AppError> {
        let status = TaskStatus::parse(&task.status).unwrap_or(TaskStatus::Draft);
        let row = store::task_publication(db, task.id).await?;
        let deadline = self
            .publication_deadline(task, row.as_ref().map(|r| crate::actor::china_date(&r.published_at)))
            .await?;
        let mut candidates = Vec::new();
        if row.is_none() && matches!(status, TaskStatus::Inspecting | TaskStatus::Entered) {
            let labels = self.category_labels(db).await?;
            let teams = teams::teams_of(db, task.id).await?;
            let by_team: HashMap<i64, InspectionRow> = inspections_store::of_task(db, task.id)
                .await?
                .into_iter()
                .map(|i| (i.team_id, i))
                .collect();
            for t in teams {
                let Some(i) = by_team.get(&t.id) else { continue };
                let o = objects::by_id(db, i.object_id).await?;
                candidates.push(PublishCandidate {
                    inspection_id: i.id,
                    team_id: t.id,
                    object_name: o.as_ref().map(|o| o.data.name.clone()).unwrap_or_default(),
                    object_code: o.as_ref().map(|o| o.data.key_code.clone()).unwrap_or_default(),
                    result: labels.get(&i.result_category).cloned().unwrap_or_default(),
                    is_final: i.status == InspectionStatus::Final.code(),
                });
            }
        }
        let published_results = if row.is_some() {
            store::public_results_of_task(db, task.id)
                .await?
                .into_iter()
                .map(|r| {
                    let d = Disposal::parse(&r.disposal).unwrap_or(Disposal::Pending);
                    PublishedRow {
                        inspection_id: r.inspection_id,
                        object_name: r.object_name,
                        object_code: r.object_code,
                        result: r.result_label,
                        withheld_reason: r.withheld_reason,
                        version: r.version,
                        disposal: term(d.code(), d.label()),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let runs = actor.may(Permission::ManageTasks) && actor.department.id == task.department_id;
        let blocked = match (status, &row) {
            (_, Some(_)) => String::new(),
            (TaskStatus::Entered, None) => String::new(),
            _ => format!("任务状态为“{}”：全部检查组签字确认（已录入）后才能公示", status.label()),
        };
        Ok(TaskPublicationView {
            task_id: task.id,
            task_status: term(status.code(), status.label()),
            deadline,
            published: row.is_some(),
            published_by: row.as_ref().map(|r| r.published_by.clone()).unwrap_or_default(),
            published_at: row.as_ref().map(|r| r.published_at),
            results: row.as_ref().map(|r| r.results).unwrap_or(0),
            withheld: row.as_ref().map(|r| r.withheld).unwrap_or(0),
            candidates,
            can_publish: runs && row.is_none() && status == TaskStatus::Entered,
            blocked,
            published_results,
        })
    }

    async fn category_labels(&self, db: &impl ConnectionTrait) -> Result<HashMap<String, String>, AppError> {
        Ok(inspections_store::categories(db, false)
            .await?
            .into_iter()
            .map(|c| (c.code, c.label))
            .collect())
    }

    /// The public form of an inspection's result (version 1).
    async fn public_row(
        &self,
        db: &impl ConnectionTrait,
        task: &TaskRow,
        i: &InspectionRow,
        labels: &HashMap<String, String>,
        withheld_reason: &str,
        now: DateTime<Utc>,
    ) -> Result<PublicResultRow, AppError> {
        let unit = departments::by_id(db, i.department_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("检查记录{}的实施单位不存在", i.id)))?;
        let object = objects::by_id(db, i.object_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("检查记录{}的检查对象不存在", i.id)))?;
        let item_names = self.inspection_item_names(db, task.id, i.id).await?;
        // Follow-up may be under way, or done, before the result is published.
        let disposal = self.disposal_of(db, i.id).await?;
        let inspected_on = i
            .started_at
            .or(i.finalized_at)
            .map(|t| crate::actor::china_date(&t))
            .unwrap_or(task.window_end);
        Ok(PublicResultRow {
            inspection_id: i.id,
            task_id: task.id,
            task_code: task.code.clone(),
            task_name: task.name.clone(),
            task_kind: task.kind.clone(),
            department_id: unit.id,
            department_code: unit.code.as_str().to_string(),
            department_name: unit.name,
            inspected_on,
            object_kind: object.data.kind,
            object_name: object.data.name,
            object_code: object.data.key_code,
            item_names,
            result_category: i.result_category.clone(),
            result_label: labels.get(&i.result_category).cloned().unwrap_or_default(),
            result_summary: i.result_summary.clone(),
            withheld: !withheld_reason.is_empty(),
            withheld_reason: withheld_reason.to_string(),
            version: 1,
            corrected_on: None,
            correction_reason: String::new(),
            disposal: disposal.code().into(),
            published_at: now,
        })
    }

    /// 检查事项: the names of the task items the inspection's checklist covers.
    async fn inspection_item_names(
        &self,
        db: &impl ConnectionTrait,
        task_id: i64,
        inspection_id: i64,
    ) -> Result<String, AppError> {
        let points = inspections_store::points_of(db, inspection_id).await?;
        let used: BTreeSet<i64> = points.iter().map(|p| p.task_item_id).collect();
        let mut names = Vec::new();
        for ti in tasks::items(db, task_id).await? {
            if !used.contains(&ti.id) {
                continue;
            }
            if let Some(v) = items::version(db, ti.item_version_id).await? {
                let name = match v.spec.sub_item.as_deref() {
                    Some(sub) if !sub.is_empty() => format!("{}（{}）", v.spec.name, sub),
                    _ => v.spec.name,
                };
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        Ok(names.join("、"))
    }

    /// Publishes every result of a task (已录入 → 已公示). Results marked
    /// 依法不予公开 are recorded and counted but never shown publicly.
    pub async fn publish_task(
        &self,
        actor: &Actor,
        task_id: i64,
        input: PublishInput,
    ) -> Result<TaskPublicationView, AppError> {
        let tx = self.store().begin().await?;
        let task = self.task_for(&tx, actor, task_id).await?;
        if !(actor.may(Permission::ManageTasks) && actor.department.id == task.department_id) {
            return Err(AppError::Forbidden("只有任务发起部门的管理员可以公示检查结果".into()));
        }
        if store::task_publication(&tx, task.id).await?.is_some() {
            return Err(AppError::Conflict("该任务的检查结果已经公示".into()));
        }
        let status = TaskStatus::parse(&task.status).unwrap_or(TaskStatus::Draft);
        let next = status
            .transition(TaskAction::Publish)
            .map_err(|e| AppError::Conflict(format!("{e}。全部检查组签字确认（已录入）后才能公示")))?;
        let rows = inspections_store::of_task(&tx, task.id).await?;
        let teams = teams::teams_of(&tx, task.id).await?;
        if rows.len() != teams.len() || rows.iter().any(|i| i.status != InspectionStatus::Final.code()) {
            return Err(AppError::Conflict(
                "还有检查组的检查结果未经全组签字确认，不能公示".into(),
            ));
        }
        let mut withheld: HashMap<i64, String> = HashMap::new();
        for w in &input.withheld {
            if !rows.iter().any(|i| i.id == w.inspection_id) {
                return Err(AppError::invalid(
                    "withheld",
                    format!("检查记录{}不属于本任务", w.inspection_id),
                ));
            }
            let reason = rules::required_text("withheld", "不予公开的法定理由", &w.reason, rules::MAX_REASON)
                .map_err(invalid)?;
            withheld.insert(w.inspection_id, reason);
        }
        let now = self.now();
        let today = self.today();
        let deadline = self.publication_deadline(&task, Some(today)).await?;
        let labels = self.category_labels(&tx).await?;
        let by = By::actor(actor);
        for i in &rows {
            let reason = withheld.get(&i.id).cloned().unwrap_or_default();
            let row = self.public_row(&tx, &task, i, &labels, &reason, now).await?;
            store::insert_version(
                &tx,
                NewVersion {
                    inspection_id: i.id,
                    task_id: task.id,
                    version: 1,
                    result_category: i.result_category.clone(),
                    result_summary: i.result_summary.clone(),
                    withheld_reason: reason,
                    reason: String::new(),
                    correction_id: None,
                    published_by: by.name.clone(),
                    published_at: now,
                },
            )
            .await?;
            store::put_public(&tx, row).await?;
        }
        store::insert_task_publication(
            &tx,
            NewTaskPublication {
                task_id: task.id,
                due_on: deadline.due,
                provisional: deadline.provisional,
                results: rows.len() as i32,
                withheld: withheld.len() as i32,
                published_by: by.name.clone(),
                published_at: now,
            },
        )
        .await?;
        tasks::set_status(&tx, task.id, status.code(), next.code(), now, false).await?;
        crate::messages::close_todos(&tx, now, crate::deadlines::publication_subject(task.id)).await?;
        let department = departments::by_id(&tx, task.department_id).await?;
        record(
            &tx,
            &by,
            Change::new(AuditAction::TaskPublished, "task", task.id)
                .in_department(department.as_ref().map(|d| d.code.as_str()).unwrap_or_default())
                .summary(format!(
                    "公示任务“{}”的检查结果 {} 条（依法不予公开 {} 条），公示期限 {}，{}",
                    task.name,
                    rows.len(),
                    withheld.len(),
                    deadline.due,
                    deadline.text
                ))
                .after(serde_json::json!({
                    "task_id": task.id,
                    "results": rows.iter().map(|i| i.id).collect::<Vec<_>>(),
                    "withheld": withheld,
                    "due": deadline.due,
                })),
        )
        .await?;
        let task = tasks::by_id(&tx, task.id)
            .await?
            .ok_or_else(|| AppError::not_found("抽查任务"))?;
        let view = self.publication_view(&tx, actor, &task).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.public_changed();
        Ok(view)
    }

    /// The inspection and its task, if the actor may see the task.
    pub(crate) async fn result_ctx(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        inspection_id: i64,
    ) -> Result<(InspectionRow, TaskRow), AppError> {
        let i = inspections_store::by_id(db, inspection_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查结果"))?;
        let task = self
            .task_for(db, actor, i.task_id)
            .await
            .map_err(|_| AppError::not_found("检查结果"))?;
        Ok((i, task))
    }

    /// The operator of the executing unit or of the department it belongs to
    /// (who asks for corrections, handles objections and records follow-up),
    /// as for matching its inspectors.
    pub(crate) async fn handles_results(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        i: &InspectionRow,
    ) -> Result<bool, AppError> {
        Ok(match departments::by_id(db, i.department_id).await? {
            Some(unit) => Self::acts_for_unit(actor, &unit),
            None => false,
        })
    }

    /// The executing unit's code, for the audit entry of a step on its result.
    pub(crate) async fn unit_code(&self, db: &impl ConnectionTrait, department_id: i64) -> Result<String, AppError> {
        Ok(departments::by_id(db, department_id)
            .await?
            .map(|u| u.code.as_str().to_string())
            .unwrap_or_default())
    }

    /// The 主要负责人 of the executing unit or of the department it belongs to.
    async fn heads_unit(&self, db: &impl ConnectionTrait, actor: &Actor, i: &InspectionRow) -> Result<bool, AppError> {
        Ok(actor.role() == Role::Head
            && match departments::by_id(db, i.department_id).await? {
                Some(unit) => actor.department.id == unit.id || unit.parent_id == Some(actor.department.id),
                None => false,
            })
    }

    /// Everything recorded about one result.
    pub async fn result_record(&self, actor: &Actor, inspection_id: i64) -> Result<ResultRecord, AppError> {
        let db = self.store().conn();
        let (i, task) = self.result_ctx(db, actor, inspection_id).await?;
        let labels = self.category_labels(db).await?;
        let label = |code: &str| term(code, labels.get(code).map(String::as_str).unwrap_or(code));
        let unit = departments::by_id(db, i.department_id).await?;
        let object = objects::by_id(db, i.object_id).await?;
        let public = store::public_result(db, i.id).await?;
        let versions = store::versions_of(db, i.id).await?;
        let corrections = store::corrections_of(db, i.id).await?;
        let objections = self.objection_views(db, &i).await?;
        let findings = self.finding_followups(db, i.id).await?;
        let final_ = i.status == InspectionStatus::Final.code();
        let handles = self.handles_results(db, actor, &i).await?;
        let heads = self.heads_unit(db, actor, &i).await?;
        let categories = inspections_store::categories(db, true)
            .await?
            .into_iter()
            .map(|c| term(&c.code, &c.label))
            .collect();
        Ok(ResultRecord {
            inspection_id: i.id,
            team_id: i.team_id,
            task_id: task.id,
            task_code: task.code.clone(),
            task_name: task.name.clone(),
            unit: unit.map(|u| u.name).unwrap_or_default(),
            object_name: object.as_ref().map(|o| o.data.name.clone()).unwrap_or_default(),
            object_code: object.as_ref().map(|o| o.data.key_code.clone()).unwrap_or_default(),
            final_result: label(&i.result_category),
            final_summary: i.result_summary.clone(),
            withheld_reason: public.as_ref().map(|p| p.withheld_reason.clone()).unwrap_or_default(),
            public: public.clone().map(public_view),
            versions: versions.iter().map(|v| version_view(v, &label)).collect(),
            can_request_correction: public.is_some()
                && handles
                && !corrections.iter().any(|c| c.status == CorrectionStatus::Pending.code()),
            can_decide_correction: heads && corrections.iter().any(|c| c.status == CorrectionStatus::Pending.code()),
            corrections: corrections.iter().map(|c| correction_view(c, &label)).collect(),
            objections,
            can_handle_objections: final_ && handles,
            can_record_followup: final_ && handles && !findings.is_empty(),
            findings,
            categories,
        })
    }

    /// Asks for the correction of a published result (第二十三条). Only one
    /// request of a result is pending at a time.
    pub async fn request_correction(
        &self,
        actor: &Actor,
        inspection_id: i64,
        input: CorrectionInput,
    ) -> Result<CorrectionView, AppError> {
        let tx = self.store().begin().await?;
        let (i, _task) = self.result_ctx(&tx, actor, inspection_id).await?;
        let row = self.insert_correction(&tx, actor, &i, input, None).await?;
        let labels = self.category_labels(&tx).await?;
        let view = correction_view(&row, &|c: &str| term(c, labels.get(c).map(String::as_str).unwrap_or(c)));
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    /// Validates and stores a correction request (also used by an objection decided 更正).
    pub(crate) async fn insert_correction(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        i: &InspectionRow,
        input: CorrectionInput,
        objection_id: Option<i64>,
    ) -> Result<CorrectionRow, AppError> {
        if !self.handles_results(db, actor, i).await? {
            return Err(AppError::Forbidden(
                "只有检查实施单位的管理员可以申请更正检查结果".into(),
            ));
        }
        let Some(public) = store::public_result(db, i.id).await? else {
            return Err(AppError::Conflict(
                "检查结果尚未公示：公示前的检查记录由检查组退回修改，公示后才需申请更正".into(),
            ));
        };
        if store::corrections_of(db, i.id)
            .await?
            .iter()
            .any(|c| c.status == CorrectionStatus::Pending.code())
        {
            return Err(AppError::Conflict(
                "该检查结果已有一项更正申请等待主要负责人审批".into(),
            ));
        }
        let reason = rules::required_text("reason", "更正理由", &input.reason, rules::MAX_REASON).map_err(invalid)?;
        let category = inspections_store::category(db, input.result_category.trim())
            .await?
            .filter(|c| c.active)
            .ok_or_else(|| AppError::invalid("result_category", "请选择更正后的检查结果类别"))?;
        let summary = rules::optional_text("result_summary", "检查结果说明", &input.result_summary, MAX_SUMMARY)
            .map_err(invalid)?;
        if category.code == public.result_category && summary == public.result_summary {
            return Err(AppError::invalid(
                "result_category",
                "更正后的检查结果与现公示结果相同，无需更正",
            ));
        }
        let by = By::actor(actor);
        let row = store::insert_correction(
            db,
            NewCorrection {
                inspection_id: i.id,
                objection_id,
                reason: reason.clone(),
                result_category: category.code.clone(),
                result_summary: summary.clone(),
                requested_by: by.name.clone(),
                requested_at: self.now(),
            },
        )
        .await?;
        record(
            db,
            &by,
            Change::new(AuditAction::CorrectionRequested, "result_correction", row.id)
                .in_department(&public.department_code)
                .summary(format!(
                    "申请更正“{}”的检查结果：{} → {}，理由：{}",
                    public.object_name, public.result_label, category.label, reason
                ))
                .after(serde_json::json!({
                    "inspection_id": i.id,
                    "result_category": category.code,
                    "result_summary": summary,
                    "reason": reason,
                    "objection_id": objection_id,
                })),
        )
        .await?;
        Ok(row)
    }

    /// The 主要负责人 approves (a new published version) or refuses a correction.
    pub async fn decide_correction(
        &self,
        actor: &Actor,
        correction_id: i64,
        input: CorrectionDecisionInput,
    ) -> Result<CorrectionView, AppError> {
        let tx = self.store().begin().await?;
        let c = store::correction(&tx, correction_id)
            .await?
            .ok_or_else(|| AppError::not_found("更正申请"))?;
        let (i, task) = self.result_ctx(&tx, actor, c.inspection_id).await?;
        if !self.heads_unit(&tx, actor, &i).await? {
            return Err(AppError::Forbidden(
                "已公示结果的更正须经检查实施单位的主要负责人批准".into(),
            ));
        }
        let note = rules::optional_text("note", "审批意见", &input.note, rules::MAX_NOTE).map_err(invalid)?;
        if !input.approve && note.is_empty() {
            return Err(AppError::invalid("note", "不批准时请填写理由"));
        }
        let status = if input.approve {
            CorrectionStatus::Approved
        } else {
            CorrectionStatus::Rejected
        };
        let by = By::actor(actor);
        let now = self.now();
        if !store::decide_correction(&tx, c.id, status.code(), &by.name, &note, now).await? {
            return Err(AppError::Conflict("该更正申请已经审批".into()));
        }
        let mut public = store::public_result(&tx, i.id)
            .await?
            .ok_or_else(|| AppError::Internal("已公示结果缺失".into()))?;
        let labels = self.category_labels(&tx).await?;
        let new_label = labels.get(&c.result_category).cloned().unwrap_or_default();
        let summary = if input.approve {
            let version = store::versions_of(&tx, i.id).await?.len() as i32 + 1;
            store::insert_version(
                &tx,
                NewVersion {
                    inspection_id: i.id,
                    task_id: task.id,
                    version,
                    result_category: c.result_category.clone(),
                    result_summary: c.result_summary.clone(),
                    withheld_reason: public.withheld_reason.clone(),
                    reason: c.reason.clone(),
                    correction_id: Some(c.id),
                    published_by: by.name.clone(),
                    published_at: now,
                },
            )
            .await?;
            let old = public.result_label.clone();
            public.result_category = c.result_category.clone();
            public.result_label = new_label.clone();
            public.result_summary = c.result_summary.clone();
            public.version = version;
            public.corrected_on = Some(self.today());
            public.correction_reason = c.reason.clone();
            let object = public.object_name.clone();
            store::put_public(&tx, public.clone()).await?;
            format!(
                "批准更正“{object}”的检查结果（第 {version} 版）：{old} → {new_label}，理由：{}",
                c.reason
            )
        } else {
            format!("不批准更正“{}”的检查结果，意见：{note}", public.object_name)
        };
        record(
            &tx,
            &by,
            Change::new(
                if input.approve {
                    AuditAction::CorrectionApproved
                } else {
                    AuditAction::CorrectionRejected
                },
                "result_correction",
                c.id,
            )
            .in_department(&public.department_code)
            .summary(summary)
            .after(serde_json::json!({
                "inspection_id": i.id,
                "status": status.code(),
                "note": note,
                "version": public.version,
            })),
        )
        .await?;
        let row = store::correction(&tx, c.id).await?.expect("exists");
        let view = correction_view(&row, &|code: &str| {
            term(code, labels.get(code).map(String::as_str).unwrap_or(code))
        });
        tx.commit().await.map_err(StoreError::from)?;
        self.public_changed();
        Ok(view)
    }

    /// Pending correction requests the actor may decide (a 主要负责人's to-do list).
    pub async fn pending_corrections(&self, actor: &Actor) -> Result<Vec<CorrectionView>, AppError> {
        if actor.role() != Role::Head {
            return Ok(Vec::new());
        }
        let db = self.store().conn();
        let labels = self.category_labels(db).await?;
        let mut out = Vec::new();
        for c in store::pending_corrections(db).await? {
            if let Some(i) = inspections_store::by_id(db, c.inspection_id).await?
                && self.heads_unit(db, actor, &i).await?
            {
                out.push(correction_view(&c, &|code: &str| {
                    term(code, labels.get(code).map(String::as_str).unwrap_or(code))
                }));
            }
        }
        Ok(out)
    }

    /// Recomputes a published result's 后续处置 after a follow-up step.
    pub(crate) async fn refresh_disposal(
        &self,
        db: &impl ConnectionTrait,
        inspection_id: i64,
    ) -> Result<Disposal, AppError> {
        let d = self.disposal_of(db, inspection_id).await?;
        store::set_disposal(db, inspection_id, d.code()).await?;
        Ok(d)
    }

    /// The 后续处置 of a result, from the latest follow-up step of each problem found.
    async fn disposal_of(&self, db: &impl ConnectionTrait, inspection_id: i64) -> Result<Disposal, AppError> {
        let findings = inspections_store::findings_of(db, inspection_id).await?;
        let steps = store::followups_of(db, inspection_id).await?;
        let latest: Vec<Option<FollowupStatus>> = findings
            .iter()
            .map(|f| {
                steps
                    .iter()
                    .rev()
                    .find(|s| s.finding_id == f.id)
                    .and_then(|s| FollowupStatus::parse(&s.status).ok())
            })
            .collect();
        Ok(rules::disposal(&latest))
    }
}

fn version_view(v: &VersionRow, label: &dyn Fn(&str) -> Term) -> VersionView {
    VersionView {
        version: v.version,
        result: label(&v.result_category),
        result_summary: v.result_summary.clone(),
        withheld_reason: v.withheld_reason.clone(),
        reason: v.reason.clone(),
        correction_id: v.correction_id,
        published_by: v.published_by.clone(),
        published_at: v.published_at,
    }
}

fn correction_view(c: &CorrectionRow, label: &dyn Fn(&str) -> Term) -> CorrectionView {
    let status = CorrectionStatus::parse(&c.status).unwrap_or(CorrectionStatus::Pending);
    CorrectionView {
        id: c.id,
        inspection_id: c.inspection_id,
        objection_id: c.objection_id,
        reason: c.reason.clone(),
        result: label(&c.result_category),
        result_summary: c.result_summary.clone(),
        status: term(status.code(), status.label()),
        requested_by: c.requested_by.clone(),
        requested_at: c.requested_at,
        decided_by: c.decided_by.clone(),
        decided_at: c.decided_at,
        decision_note: c.decision_note.clone(),
    }
}
