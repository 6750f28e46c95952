//! 第十九条至第二十二条 as use cases: the inspection of one drawn object by its
//! 检查组 — the work plan, the checklist of every item that applies (一次到位),
//! findings and measures, the result, the 权利告知 and 陈述申辩 — and the
//! team's sign-off (签字确认), after which nobody can change it.
//!
//! Who does what:
//! - an active drawn member of the team (组长 or 组员) with an account fills the
//!   inspection in while it is 填写中;
//! - the 组长 records the 检查工作方案, closes the inspection for sign-off and
//!   may reopen it before it is final (the confirmations given lapse);
//! - each drawn member confirms with their password or a one-time code;
//! - officials who may see the task (`ViewPlans` in its jurisdiction) read it.
//!
//! Evidence uploads are in `evidence.rs`, the PDF documents in `documents.rs`.

use crate::audit::{By, Change, record};
use crate::crypto::{random_bytes, verify_password};
use crate::plans::Term;
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::inspection::{
    self as rules, CloseFacts, ConfirmMethod, EvidenceKind, FindingInput, FindingRule, InspectionStatus, Measure,
    Present,
};
use spotcheck_domain::item::FieldError;
use spotcheck_domain::outside::ItemResult;
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::{TaskAction, TaskKind, TaskStatus};
use spotcheck_domain::vocab::{InspectionMethod, ObjectKind};
use spotcheck_store::inspections::{
    self as store, CategoryRow, DraftUpdate, EvidenceRow, InspectionRow, NewInspection, NewPoint, NewSignoff,
};
use spotcheck_store::tasks::{self, TaskRow};
use spotcheck_store::teams::{self, MemberRow, TeamRow};
use spotcheck_store::{ConnectionTrait, StoreError, departments, inspectors, items, objects, users};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

fn term(code: &str, label: &str) -> Term {
    Term {
        code: code.into(),
        label: label.into(),
    }
}

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&crate::actor::china()).naive_local()
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    crate::actor::china()
        .from_local_datetime(&t)
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

fn invalid(e: FieldError) -> AppError {
    AppError::invalid(e.field, e.message)
}

fn invalid_all(errors: Vec<FieldError>) -> AppError {
    let field = errors.first().map(|e| e.field).unwrap_or("inspection");
    let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
    AppError::invalid(field, message)
}

/// `2026-05-10T09:30`, `2026-05-10 09:30` (Beijing time); empty for none.
fn parse_local(field: &'static str, label: &str, raw: &str) -> Result<Option<NaiveDateTime>, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    for f in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(Some(t));
        }
    }
    Err(AppError::invalid(
        field,
        format!("{label}“{s}”应为“年-月-日 时:分”，如 2026-05-10 09:30"),
    ))
}

fn parse_day(field: &'static str, label: &str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("{label}“{s}”应为“年-月-日”，如 2026-05-20")))
}

/// The 检查工作方案 (第十七条) as entered by the leader.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct WorkPlanInput {
    /// 分工: who does what.
    #[serde(default)]
    pub division: String,
    /// 程序规范: how the visit proceeds.
    #[serde(default)]
    pub procedure: String,
    /// 时间节点.
    #[serde(default)]
    pub schedule: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct PresentInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub phone: String,
}

/// One check point's result.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PointInput {
    /// The point's id (`points[].id` of the inspection).
    pub id: i64,
    /// `compliant` (符合), `noncompliant` (不符合), `not_applicable` (不适用), or empty for open.
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub note: String,
}

/// A problem found (第二十一条).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct FindingEntry {
    #[serde(default)]
    pub description: String,
    /// 法律依据 (law and article).
    #[serde(default)]
    pub legal_basis: String,
    /// `on_site_record`, `evidence_taken`, `ordered_to_stop`, `rectification`, `case_referral` (or the labels).
    #[serde(default)]
    pub measures: Vec<String>,
    /// 整改期限 `YYYY-MM-DD`, with `rectification`.
    #[serde(default)]
    pub rectify_by: String,
}

/// The 陈述申辩 of the object (第二十二条).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct StatementInput {
    /// Who spoke for the object.
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub text: String,
    /// The object declined to state anything.
    #[serde(default)]
    pub waived: bool,
    /// 陈述申辩时间, from and to, Beijing time (`YYYY-MM-DD HH:MM`); needed
    /// to close when a statement is recorded.
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub ended_at: String,
}

/// A save of an inspection being filled in. Every part is optional: what is
/// left out stays as it was, so a phone can save one part at a time.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct InspectionInput {
    /// `on_site` (实地核查) or `documentary` (书面检查).
    #[serde(default)]
    pub method: Option<String>,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub ended_at: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    /// Who was present for the object.
    #[serde(default)]
    pub present: Option<Vec<PresentInput>>,
    #[serde(default)]
    pub points: Vec<PointInput>,
    /// The complete list of findings (replaces the saved one).
    #[serde(default)]
    pub findings: Option<Vec<FindingEntry>>,
    /// A result category code (`GET /api/v1/result-categories`).
    #[serde(default)]
    pub result_category: Option<String>,
    #[serde(default)]
    pub result_summary: Option<String>,
    /// When the 权利告知书 was given, Beijing time.
    #[serde(default)]
    pub rights_notified_at: Option<String>,
    #[serde(default)]
    pub statement: Option<StatementInput>,
}

/// How a member proves it is them when confirming.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ConfirmInput {
    /// The member's login password.
    #[serde(default)]
    pub password: String,
    /// Or a current code of the member's authenticator (动态口令).
    #[serde(default)]
    pub code: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    pub label: String,
    /// `no_problem`, `problem` or `not_inspectable`.
    pub rule: Term,
    pub active: bool,
}

impl From<&CategoryRow> for CategoryView {
    fn from(c: &CategoryRow) -> Self {
        let rule = FindingRule::parse(&c.rule).unwrap_or(FindingRule::NotInspectable);
        CategoryView {
            code: c.code.clone(),
            label: c.label.clone(),
            rule: term(rule.code(), rule.label()),
            active: c.active,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PointView {
    pub id: i64,
    pub point_no: i32,
    pub content: String,
    pub result: Option<Term>,
    pub note: String,
}

/// One item of the checklist with its points.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChecklistItem {
    pub task_item_id: i64,
    pub item_name: String,
    /// The department whose item it is (for a 联合抽查, several).
    pub department: String,
    pub legal_basis: Vec<String>,
    /// The object was drawn for this item (else it applies by kind).
    pub drawn: bool,
    pub points: Vec<PointView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FindingView {
    pub description: String,
    pub legal_basis: String,
    pub measures: Vec<Term>,
    pub rectify_by: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignView {
    pub member_id: i64,
    pub name: String,
    pub cert_no: String,
    pub role: Term,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub method: Option<Term>,
    /// The member has an account and can confirm in the platform.
    pub has_account: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: i64,
    pub file_name: String,
    pub kind: Term,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub note: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<&EvidenceRow> for EvidenceView {
    fn from(e: &EvidenceRow) -> Self {
        let kind = EvidenceKind::parse(&e.kind).unwrap_or(EvidenceKind::Document);
        EvidenceView {
            id: e.id,
            file_name: e.file_name.clone(),
            kind: term(kind.code(), kind.label()),
            mime: e.mime.clone(),
            size: e.size,
            sha256: e.sha256.clone(),
            note: e.note.clone(),
            uploaded_by: e.uploaded_by.clone(),
            uploaded_at: e.uploaded_at,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectBrief {
    pub id: i64,
    pub kind: Term,
    pub code: String,
    pub name: String,
    pub address: String,
    pub legal_rep: String,
}

/// A team's inspection as the team and the officials see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InspectionView {
    /// `None` until a member starts the inspection.
    pub id: Option<i64>,
    pub team_id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_name: String,
    pub task_kind: Term,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub unit: String,
    pub object: ObjectBrief,
    pub status: Option<Term>,
    pub revision: i32,
    pub members: Vec<SignView>,
    pub experts: Vec<String>,
    pub plan_division: String,
    pub plan_procedure: String,
    pub plan_schedule: String,
    pub plan_recorded_by: String,
    pub plan_recorded_at: Option<DateTime<Utc>>,
    pub method: Option<Term>,
    /// Beijing time.
    pub started_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub place: String,
    pub present: Vec<PresentInput>,
    pub items: Vec<ChecklistItem>,
    pub open_points: usize,
    pub findings: Vec<FindingView>,
    pub result_category: Option<CategoryView>,
    pub result_summary: String,
    pub rights_notified_at: Option<NaiveDateTime>,
    pub statement_person: String,
    pub statement: String,
    pub statement_waived: bool,
    /// 陈述申辩时间, Beijing time.
    pub statement_started_at: Option<NaiveDateTime>,
    pub statement_ended_at: Option<NaiveDateTime>,
    pub evidence: Vec<EvidenceView>,
    pub document_no: String,
    /// The 核验码 printed on the 检查结果告知书 (team and officials only).
    pub verification_code: String,
    pub closed_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub finalized_at: Option<DateTime<Utc>>,
    /// The actor is an active drawn member / the leader.
    pub is_member: bool,
    pub is_leader: bool,
    pub can_start: bool,
    pub can_edit: bool,
    pub can_close: bool,
    pub can_reopen: bool,
    pub can_confirm: bool,
    /// Whether the actor's account has a one-time code to confirm with.
    pub confirm_with_code: bool,
    /// The categories a result may take now.
    pub categories: Vec<CategoryView>,
    pub max_file_size: u64,
}

/// Everything an inspection use case needs, authorised.
pub(crate) struct Ctx {
    pub task: TaskRow,
    pub team: TeamRow,
    pub members: Vec<MemberRow>,
    /// The actor's own active place on the team.
    pub me: Option<MemberRow>,
    pub inspection: Option<InspectionRow>,
}

impl Ctx {
    fn is_leader(&self) -> bool {
        self.me.as_ref().is_some_and(|m| m.role == "leader")
    }

    /// The drawn members who must confirm: active, not experts, in team order.
    pub(crate) fn signers(&self) -> Vec<&MemberRow> {
        self.members
            .iter()
            .filter(|m| m.team_id == self.team.id && m.active && m.role != "expert")
            .collect()
    }

    pub(crate) fn inspection(&self) -> Result<&InspectionRow, AppError> {
        self.inspection
            .as_ref()
            .ok_or_else(|| AppError::Conflict("检查组尚未开始检查".into()))
    }

    fn status(&self) -> Option<InspectionStatus> {
        self.inspection
            .as_ref()
            .map(|i| InspectionStatus::parse(&i.status).unwrap_or(InspectionStatus::Final))
    }

    /// A member may change it: a draft, and the actor on the team.
    pub(crate) fn require_editable(&self) -> Result<&InspectionRow, AppError> {
        let i = self.inspection()?;
        if self.me.is_none() {
            return Err(AppError::Forbidden("只有本检查组的执法人员可以填写检查记录".into()));
        }
        match self.status() {
            Some(InspectionStatus::Draft) => Ok(i),
            Some(InspectionStatus::Closed) => Err(AppError::Conflict(
                "检查结果已提交全组签字确认，不能再修改；如需修改，请组长先退回修改".into(),
            )),
            _ => Err(AppError::Conflict(
                "检查结果已经全组签字确认，任何人都不能再修改".into(),
            )),
        }
    }

    fn require_leader(&self) -> Result<(), AppError> {
        if self.is_leader() {
            Ok(())
        } else {
            Err(AppError::Forbidden("只有检查组组长可以执行此操作".into()))
        }
    }
}

impl App {
    /// The team's inspection context if the actor is on the team or may see the task.
    pub(crate) async fn inspection_ctx(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        team_id: i64,
    ) -> Result<Ctx, AppError> {
        let team = teams::team(db, team_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查组"))?;
        let members: Vec<MemberRow> = teams::members_of_task(db, team.task_id)
            .await?
            .into_iter()
            .filter(|m| m.team_id == team.id)
            .collect();
        let me = match inspectors::by_user(db, actor.user.id).await? {
            Some(i) => members
                .iter()
                .find(|m| m.active && m.role != "expert" && m.inspector_id == Some(i.id))
                .cloned(),
            None => None,
        };
        let task = match &me {
            Some(_) => tasks::by_id(db, team.task_id)
                .await?
                .ok_or_else(|| AppError::not_found("检查组"))?,
            None => {
                if !actor.may(Permission::ViewPlans) {
                    return Err(AppError::not_found("检查组"));
                }
                self.task_for(db, actor, team.task_id)
                    .await
                    .map_err(|_| AppError::not_found("检查组"))?
            }
        };
        let inspection = store::by_team(db, team.id).await?;
        Ok(Ctx {
            task,
            team,
            members,
            me,
            inspection,
        })
    }

    /// The inspection of a team (begun or not). Everything here is keyed by
    /// the team: one inspection per team, and the team is what the actor is
    /// authorised through.
    pub async fn team_inspection(&self, actor: &Actor, team_id: i64) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        self.inspection_view(db, actor, &ctx).await
    }

    /// The result categories; `all` includes the retired ones.
    pub async fn result_categories(&self, all: bool) -> Result<Vec<CategoryView>, AppError> {
        Ok(store::categories(self.store().conn(), !all)
            .await?
            .iter()
            .map(CategoryView::from)
            .collect())
    }

    /// The province adds a result category (第二十一条's list is configurable).
    pub async fn add_result_category(&self, actor: &Actor, label: &str, rule: &str) -> Result<CategoryView, AppError> {
        actor.require(Permission::ManageItems)?;
        let label = rules::check_text("label", "类别名称", label, 60).map_err(invalid)?;
        if label.is_empty() {
            return Err(AppError::invalid("label", "请填写检查结果类别的名称"));
        }
        let rule =
            FindingRule::parse(rule.trim()).ok_or_else(|| AppError::invalid("rule", "请选择该类别对发现问题的要求"))?;
        let db = self.store().conn();
        if store::categories(db, false).await?.iter().any(|c| c.label == label) {
            return Err(AppError::invalid("label", format!("检查结果类别“{label}”已存在")));
        }
        let code = format!("c{}", hex::encode(random_bytes::<4>()));
        let tx = self.store().begin().await?;
        let row = store::insert_category(&tx, &code, &label, rule.code(), &actor.user.username, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ResultCategorySaved, "result_category", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!("新增检查结果类别“{label}”（{}）", rule.label())),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(CategoryView::from(&row))
    }

    /// The province renames, retires or restores a category; results that used
    /// it keep it.
    pub async fn update_result_category(
        &self,
        actor: &Actor,
        code: &str,
        label: &str,
        active: bool,
    ) -> Result<(), AppError> {
        actor.require(Permission::ManageItems)?;
        let label = rules::check_text("label", "类别名称", label, 60).map_err(invalid)?;
        if label.is_empty() {
            return Err(AppError::invalid("label", "请填写检查结果类别的名称"));
        }
        let db = self.store().conn();
        let before = store::category(db, code)
            .await?
            .ok_or_else(|| AppError::not_found("检查结果类别"))?;
        let tx = self.store().begin().await?;
        store::update_category(&tx, code, &label, active, &actor.user.username, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ResultCategorySaved, "result_category", before.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "修改检查结果类别“{}”为“{label}”（{}）",
                    before.label,
                    if active { "启用" } else { "停用" }
                )),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// A member begins the team's inspection: the checklist is built from
    /// every item of the task that applies to the object, the 文号 and the
    /// 核验码 are given, and the task moves to 检查中 with its first inspection.
    pub async fn start_inspection(&self, actor: &Actor, team_id: i64) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        if ctx.me.is_none() {
            return Err(AppError::Forbidden("只有本检查组的执法人员可以开始检查".into()));
        }
        if ctx.inspection.is_some() {
            return self.inspection_view(db, actor, &ctx).await;
        }
        let status = TaskStatus::parse(&ctx.task.status).unwrap_or(TaskStatus::Draft);
        if !matches!(status, TaskStatus::Matched | TaskStatus::Inspecting) {
            return Err(AppError::Conflict(format!(
                "任务状态为“{}”，匹配检查人员之后才能开始检查",
                status.label()
            )));
        }
        let object = objects::by_id(db, ctx.team.object_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查对象"))?;
        let points = self.checklist_for(db, &ctx.task, &object).await?;
        let position = teams::teams_of(db, ctx.task.id)
            .await?
            .iter()
            .position(|t| t.id == ctx.team.id)
            .unwrap_or(0)
            + 1;
        let code = rules::verification_code(random_bytes::<8>());
        let document_no = format!(
            "〔{}〕{}-{:03}",
            ctx.task.window_start.format("%Y"),
            ctx.task.code,
            position
        );
        let now = self.now();
        let tx = self.store().begin().await?;
        if status == TaskStatus::Matched {
            let to = status
                .transition(TaskAction::StartInspection)
                .map_err(|e| AppError::Conflict(e.to_string()))?;
            tasks::set_status(&tx, ctx.task.id, status.code(), to.code(), now, false).await?;
            record(
                &tx,
                &By::actor(actor),
                Change::new(AuditAction::TaskInspectionStarted, "task", ctx.task.id)
                    .in_department(actor.department.code.as_str())
                    .summary(format!("任务{}开始检查（第一个检查组开始检查）", ctx.task.code)),
            )
            .await?;
        }
        let n_points = points.len();
        let row = match store::insert(
            &tx,
            NewInspection {
                task_id: ctx.task.id,
                team_id: ctx.team.id,
                object_id: ctx.team.object_id,
                department_id: ctx.team.department_id,
                document_no: document_no.clone(),
                verification_sealed: self.sealer().seal(&code),
                verification_hash: self.sealer().lookup_hash(&code),
                created_by: actor.user.username.clone(),
                now,
                points,
            },
        )
        .await
        {
            Ok(r) => r,
            // Another member of the team started it a moment ago.
            Err(StoreError::Duplicate { .. }) => {
                drop(tx);
                let ctx = self.inspection_ctx(db, actor, team_id).await?;
                return self.inspection_view(db, actor, &ctx).await;
            }
            Err(e) => return Err(e.into()),
        };
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectionSaved, "inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "开始检查：任务{}，检查对象{}，检查表{}条抽查内容，文号{}",
                    ctx.task.code, ctx.team.object_code, n_points, document_no
                ))
                .after(state_of(&row)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        self.inspection_view(db, actor, &ctx).await
    }

    /// Every check point of every item of the task that applies to the object:
    /// the items that drew it, and the task's other items for its kind (for a
    /// joint task, the participants' too) — 一次到位.
    async fn checklist_for(
        &self,
        db: &impl ConnectionTrait,
        task: &TaskRow,
        object: &objects::ObjectRow,
    ) -> Result<Vec<NewPoint>, AppError> {
        let drawn: HashSet<i64> = tasks::items_drawing(db, task.id, object.id)
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::new();
        for ti in tasks::items(db, task.id).await? {
            let Some(v) = items::version(db, ti.item_version_id).await? else {
                continue;
            };
            let applies = drawn.contains(&ti.id)
                || (v.spec.object_kind.code() == object.data.kind
                    && (v.spec.enterprise_kinds.is_empty()
                        || v.spec
                            .enterprise_kinds
                            .iter()
                            .any(|k| object.data.enterprise_kinds.contains(k))));
            if !applies {
                continue;
            }
            for (i, p) in v.spec.check_points.iter().enumerate() {
                out.push(NewPoint {
                    task_item_id: ti.id,
                    item_version_id: v.id,
                    point_no: i as i32 + 1,
                    content: p.as_str().to_string(),
                });
            }
        }
        Ok(out)
    }

    /// The leader records the team's 检查工作方案 (第十七条).
    pub async fn record_work_plan(
        &self,
        actor: &Actor,
        team_id: i64,
        input: &WorkPlanInput,
    ) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let row = ctx.require_editable()?;
        ctx.require_leader()?;
        let division = rules::check_text("division", "分工", &input.division, rules::MAX_PLAN_TEXT).map_err(invalid)?;
        let procedure =
            rules::check_text("procedure", "程序规范", &input.procedure, rules::MAX_PLAN_TEXT).map_err(invalid)?;
        let schedule =
            rules::check_text("schedule", "时间节点", &input.schedule, rules::MAX_PLAN_TEXT).map_err(invalid)?;
        let mut missing = Vec::new();
        for (v, l) in [(&division, "分工"), (&procedure, "程序规范"), (&schedule, "时间节点")] {
            if v.is_empty() {
                missing.push(l);
            }
        }
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "division",
                format!("检查工作方案须写明{}（第十七条）", missing.join("、")),
            ));
        }
        let tx = self.store().begin().await?;
        let update = DraftUpdate {
            plan: Some((division, procedure, schedule)),
            ..Default::default()
        };
        if !store::update_draft(&tx, row.id, row.revision, update, &actor.user.username, self.now()).await? {
            return Err(changed_meanwhile());
        }
        let after = store::by_id(&tx, row.id).await?.expect("exists");
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectionPlanRecorded, "inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "记录检查工作方案：任务{}，检查对象{}",
                    ctx.task.code, ctx.team.object_code
                ))
                .before(state_of(row))
                .after(state_of(&after)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.team_inspection(actor, team_id).await
    }

    /// A member saves what the team has entered so far.
    pub async fn save_inspection(
        &self,
        actor: &Actor,
        team_id: i64,
        input: &InspectionInput,
    ) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let row = ctx.require_editable()?.clone();
        let mut update = DraftUpdate::default();
        if let Some(m) = &input.method {
            update.method = Some(if m.trim().is_empty() {
                String::new()
            } else {
                let m = InspectionMethod::parse(m).map_err(|e| AppError::invalid("method", e.to_string()))?;
                rules::check_method(m).map_err(invalid)?.code().to_string()
            });
        }
        if let Some(s) = &input.started_at {
            update.started_at = Some(parse_local("started_at", "检查开始时间", s)?.map(utc));
        }
        if let Some(s) = &input.ended_at {
            update.ended_at = Some(parse_local("ended_at", "检查结束时间", s)?.map(utc));
        }
        if let Some(p) = &input.place {
            update.place = Some(rules::check_text("place", "检查地点", p, rules::MAX_PLACE).map_err(invalid)?);
        }
        if let Some(p) = &input.present {
            let rows: Vec<Present> = p
                .iter()
                .map(|x| Present {
                    name: x.name.clone(),
                    position: x.position.clone(),
                    phone: x.phone.clone(),
                })
                .collect();
            let checked = rules::check_present(&rows).map_err(invalid)?;
            let json: Vec<PresentInput> = checked
                .into_iter()
                .map(|x| PresentInput {
                    name: x.name,
                    position: x.position,
                    phone: x.phone,
                })
                .collect();
            update.present_json = Some(serde_json::to_string(&json).expect("serialisable"));
        }
        if let Some(c) = &input.result_category {
            let c = c.trim();
            if !c.is_empty() {
                let cat = store::category(db, c)
                    .await?
                    .filter(|x| x.active || x.code == row.result_category)
                    .ok_or_else(|| AppError::invalid("result_category", format!("“{c}”不是可选的检查结果类别")))?;
                update.result_category = Some(cat.code);
            } else {
                update.result_category = Some(String::new());
            }
        }
        if let Some(s) = &input.result_summary {
            update.result_summary =
                Some(rules::check_text("result_summary", "检查结论", s, rules::MAX_SUMMARY).map_err(invalid)?);
        }
        if let Some(s) = &input.rights_notified_at {
            update.rights_notified_at = Some(parse_local("rights_notified_at", "权利告知时间", s)?.map(utc));
        }
        if let Some(s) = &input.statement {
            let person =
                rules::check_text("statement", "陈述申辩人", &s.person, rules::MAX_PERSON_FIELD).map_err(invalid)?;
            let text =
                rules::check_text("statement", "陈述申辩内容", &s.text, rules::MAX_STATEMENT).map_err(invalid)?;
            if s.waived && !text.is_empty() {
                return Err(AppError::invalid(
                    "statement",
                    "已选择“放弃陈述申辩”，就不能同时记录陈述内容",
                ));
            }
            if !text.is_empty() && person.is_empty() {
                return Err(AppError::invalid("statement", "请填写陈述申辩人"));
            }
            update.statement = Some(store::StatementUpdate {
                person,
                text,
                waived: s.waived,
                started_at: parse_local("statement", "陈述申辩开始时间", &s.started_at)?.map(utc),
                ended_at: parse_local("statement", "陈述申辩结束时间", &s.ended_at)?.map(utc),
            });
        }
        let points = store::points_of(db, row.id).await?;
        let known: HashMap<i64, &store::PointRow> = points.iter().map(|p| (p.id, p)).collect();
        let mut point_updates = Vec::new();
        for p in &input.points {
            let Some(existing) = known.get(&p.id) else {
                return Err(AppError::invalid("points", format!("抽查内容{}不属于本次检查", p.id)));
            };
            let result = if p.result.trim().is_empty() {
                String::new()
            } else {
                ItemResult::parse(&p.result)
                    .map_err(|e| AppError::invalid("points", format!("“{}”：{e}", existing.content)))?
                    .code()
                    .to_string()
            };
            let note = rules::check_text(
                "points",
                &format!("“{}”的备注", existing.content),
                &p.note,
                rules::MAX_POINT_NOTE,
            )
            .map_err(invalid)?;
            if existing.result != result || existing.note != note {
                point_updates.push((p.id, result, note));
            }
        }
        let findings = match &input.findings {
            Some(list) => {
                if list.len() > rules::MAX_FINDINGS {
                    return Err(AppError::invalid(
                        "findings",
                        format!("一次检查最多记录{}个问题", rules::MAX_FINDINGS),
                    ));
                }
                let mut out = Vec::new();
                for (i, f) in list.iter().enumerate() {
                    let n = i + 1;
                    let mut measures = Vec::new();
                    for m in f.measures.iter().filter(|m| !m.trim().is_empty()) {
                        measures.push(
                            Measure::parse(m)
                                .map_err(|e| AppError::invalid("findings", format!("第{n}个问题：{e}")))?,
                        );
                    }
                    let entry = FindingInput {
                        description: f.description.clone(),
                        legal_basis: f.legal_basis.clone(),
                        measures,
                        rectify_by: parse_day("findings", &format!("第{n}个问题的整改期限"), &f.rectify_by)?,
                    };
                    let checked = rules::check_finding(n, &entry).map_err(invalid)?;
                    if checked.description.is_empty() && checked.legal_basis.is_empty() && checked.measures.is_empty() {
                        continue;
                    }
                    out.push(checked);
                }
                Some(out)
            }
            None => None,
        };
        let tx = self.store().begin().await?;
        if !store::update_draft(&tx, row.id, row.revision, update, &actor.user.username, self.now()).await? {
            return Err(changed_meanwhile());
        }
        for (pid, result, note) in &point_updates {
            store::set_point(&tx, *pid, row.id, result, note).await?;
        }
        if let Some(f) = &findings {
            store::replace_findings(&tx, row.id, f).await?;
        }
        let after = store::by_id(&tx, row.id).await?.expect("exists");
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectionSaved, "inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "保存检查记录：任务{}，检查对象{}，更新{}条抽查内容{}",
                    ctx.task.code,
                    ctx.team.object_code,
                    point_updates.len(),
                    findings
                        .as_ref()
                        .map(|f| format!("，问题{}个", f.len()))
                        .unwrap_or_default()
                ))
                .before(state_of(&row))
                .after(full_state(&tx, &after).await?),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.team_inspection(actor, team_id).await
    }

    /// The leader closes the inspection for the team's sign-off, once it is complete.
    pub async fn close_inspection(&self, actor: &Actor, team_id: i64) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let row = ctx.require_editable()?.clone();
        ctx.require_leader()?;
        let mut errors = Vec::new();
        if row.plan_recorded_at.is_none() {
            errors.push(FieldError {
                field: "division",
                message: "组长须先记录检查工作方案（第十七条）".into(),
            });
        }
        let points = store::points_of(db, row.id).await?;
        let titled: Vec<(String, Option<ItemResult>)> = points
            .iter()
            .map(|p| (p.content.clone(), ItemResult::parse(&p.result).ok()))
            .collect();
        let findings: Vec<FindingInput> = store::findings_of(db, row.id)
            .await?
            .iter()
            .map(|f| FindingInput {
                description: f.description.clone(),
                legal_basis: f.legal_basis.clone(),
                measures: store::measures_of(f),
                rectify_by: f.rectify_by,
            })
            .collect();
        let present: Vec<Present> = serde_json::from_str::<Vec<PresentInput>>(&row.present)
            .unwrap_or_default()
            .into_iter()
            .map(|p| Present {
                name: p.name,
                position: p.position,
                phone: p.phone,
            })
            .collect();
        let category = if row.result_category.is_empty() {
            None
        } else {
            store::category(db, &row.result_category).await?
        };
        let facts = CloseFacts {
            points: &titled,
            findings: &findings,
            method: InspectionMethod::parse(&row.method).ok(),
            started_at: row.started_at.map(local),
            ended_at: row.ended_at.map(local),
            place: &row.place,
            present: &present,
            category: category.as_ref().map(|c| {
                (
                    c.label.as_str(),
                    FindingRule::parse(&c.rule).unwrap_or(FindingRule::NotInspectable),
                )
            }),
            window_start: ctx.task.window_start,
            now: local(self.now()),
            statement_given: !row.statement.is_empty(),
            statement_started_at: row.statement_started_at.map(local),
            statement_ended_at: row.statement_ended_at.map(local),
        };
        if let Err(mut e) = rules::check_close(&facts) {
            errors.append(&mut e);
        }
        if !errors.is_empty() {
            return Err(invalid_all(errors));
        }
        let signers = ctx.signers();
        let without: Vec<String> = {
            let mut out = Vec::new();
            for m in &signers {
                if !self.member_has_account(db, m).await? {
                    out.push(m.name.clone());
                }
            }
            out
        };
        if !without.is_empty() {
            return Err(AppError::Conflict(format!(
                "检查组成员{}没有平台账号，无法在平台签字确认；请单位管理员先为其开通账号并关联执法人员",
                without.join("、")
            )));
        }
        let tx = self.store().begin().await?;
        if !store::close(&tx, row.id, row.revision, &actor.user.username, self.now()).await? {
            return Err(changed_meanwhile());
        }
        let after = store::by_id(&tx, row.id).await?.expect("exists");
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectionClosed, "inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "组长提交检查结果待全组签字确认：任务{}，检查对象{}，结果“{}”，{}名成员待确认",
                    ctx.task.code,
                    ctx.team.object_code,
                    category.map(|c| c.label).unwrap_or_default(),
                    signers.len()
                ))
                .after(full_state(&tx, &after).await?),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.team_inspection(actor, team_id).await
    }

    async fn member_has_account(&self, db: &impl ConnectionTrait, m: &MemberRow) -> Result<bool, AppError> {
        let Some(iid) = m.inspector_id else {
            return Ok(false);
        };
        let Some(i) = inspectors::by_id(db, iid).await? else {
            return Ok(false);
        };
        Ok(match i.user_id {
            Some(u) => users::by_id(db, u).await?.is_some_and(|u| u.active),
            None => false,
        })
    }

    /// The leader takes a closed inspection back for changes; the confirmations
    /// given so far lapse (a new revision).
    pub async fn reopen_inspection(
        &self,
        actor: &Actor,
        team_id: i64,
        reason: &str,
    ) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        ctx.require_leader()?;
        let row = ctx.inspection()?.clone();
        match ctx.status() {
            Some(InspectionStatus::Closed) => {}
            Some(InspectionStatus::Final) => {
                return Err(AppError::Conflict(
                    "检查结果已经全组签字确认，任何人都不能再修改".into(),
                ));
            }
            _ => return Err(AppError::Conflict("检查记录仍在填写中，无需退回".into())),
        }
        let reason = rules::check_text("reason", "退回原因", reason, 200).map_err(invalid)?;
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "请写明退回修改的原因"));
        }
        let given = store::signoffs_of(db, row.id, row.revision).await?.len();
        let tx = self.store().begin().await?;
        if !store::reopen(&tx, row.id, row.revision, &actor.user.username, self.now()).await? {
            return Err(changed_meanwhile());
        }
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectionReopened, "inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "组长退回修改检查记录（第{}版，已有{}人确认，确认作废）：{}",
                    row.revision, given, reason
                )),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.team_inspection(actor, team_id).await
    }

    /// A member confirms the closed result (签字确认) with their password or a
    /// one-time code. The last confirmation makes it final; when every team of
    /// the task is final, the task's results are entered (已录入).
    pub async fn confirm_inspection(
        &self,
        actor: &Actor,
        team_id: i64,
        input: &ConfirmInput,
    ) -> Result<InspectionView, AppError> {
        let db = self.store().conn();
        let ctx = self.inspection_ctx(db, actor, team_id).await?;
        let row = ctx.inspection()?.clone();
        let Some(me) = ctx.me.clone() else {
            return Err(AppError::Forbidden("只有本检查组的执法人员可以签字确认".into()));
        };
        match ctx.status() {
            Some(InspectionStatus::Closed) => {}
            Some(InspectionStatus::Final) => return Err(AppError::Conflict("检查结果已经全组签字确认".into())),
            _ => return Err(AppError::Conflict("组长提交检查结果后才能签字确认".into())),
        }
        let given = store::signoffs_of(db, row.id, row.revision).await?;
        if given.iter().any(|s| s.member_id == me.id) {
            return Err(AppError::Conflict("您已确认过本检查结果".into()));
        }
        let method = self.prove_identity(actor, input).await?;
        let now = self.now();
        let tx = self.store().begin().await?;
        // Still the revision that was read: a reopening in between voids this.
        let current = store::by_id(&tx, row.id).await?.expect("exists");
        if current.status != "closed" || current.revision != row.revision {
            return Err(changed_meanwhile());
        }
        store::insert_signoff(
            &tx,
            NewSignoff {
                inspection_id: row.id,
                revision: row.revision,
                member_id: me.id,
                user_id: actor.user.id,
                method: method.code(),
                now,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => AppError::Conflict("您已确认过本检查结果".into()),
            e => e.into(),
        })?;
        let confirmed: Vec<i64> = store::signoffs_of(&tx, row.id, row.revision)
            .await?
            .iter()
            .map(|s| s.member_id)
            .collect();
        let required: Vec<i64> = ctx.signers().iter().map(|m| m.id).collect();
        let missing = rules::missing_confirmations(&required, &confirmed);
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectionConfirmed, "inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "{}（{}）签字确认检查结果（第{}版，{}）{}",
                    me.name,
                    me.cert_no,
                    row.revision,
                    method.label(),
                    if missing.is_empty() {
                        "，全组确认完毕，检查结果生效".to_string()
                    } else {
                        format!("，尚有{}人未确认", missing.len())
                    }
                ))
                .after(full_state(&tx, &current).await?),
        )
        .await?;
        if missing.is_empty() {
            if !store::finalize(&tx, row.id, row.revision, now).await? {
                return Err(changed_meanwhile());
            }
            self.enter_results_if_done(&tx, actor, &ctx.task, now).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        self.team_inspection(actor, team_id).await
    }

    /// 已录入 once every team of the task has a final inspection.
    async fn enter_results_if_done(
        &self,
        tx: &impl ConnectionTrait,
        actor: &Actor,
        task: &TaskRow,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let teams = teams::teams_of(tx, task.id).await?;
        let finals: HashSet<i64> = store::of_task(tx, task.id)
            .await?
            .into_iter()
            .filter(|i| i.status == "final")
            .map(|i| i.team_id)
            .collect();
        if teams.iter().any(|t| !finals.contains(&t.id)) {
            return Ok(());
        }
        let status = TaskStatus::parse(&task.status).unwrap_or(TaskStatus::Draft);
        let Some(to) = status.next(TaskAction::EnterResults) else {
            return Ok(());
        };
        tasks::set_status(tx, task.id, status.code(), to.code(), now, false).await?;
        record(
            tx,
            &By::actor(actor),
            Change::new(AuditAction::TaskResultsEntered, "task", task.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "任务{}的{}个检查组均已全组签字确认，检查结果已录入",
                    task.code,
                    teams.len()
                )),
        )
        .await?;
        Ok(())
    }

    /// Password re-entry, or a TOTP code for an account that has one.
    async fn prove_identity(&self, actor: &Actor, input: &ConfirmInput) -> Result<ConfirmMethod, AppError> {
        let code = input.code.trim();
        if !code.is_empty() {
            if !actor.user.totp_enabled {
                return Err(AppError::invalid("code", "您的账号未绑定动态口令，请输入登录密码确认"));
            }
            return if self.check_totp(&actor.user, code).await? {
                Ok(ConfirmMethod::OneTimeCode)
            } else {
                Err(AppError::invalid("code", "动态口令不正确或已使用，未确认"))
            };
        }
        if input.password.is_empty() {
            return Err(AppError::invalid("password", "请输入您的登录密码以签字确认"));
        }
        let fresh = users::by_id(self.store().conn(), actor.user.id)
            .await?
            .ok_or_else(AppError::forbidden)?;
        let (pw, hash) = (input.password.clone(), fresh.password_hash);
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if ok {
            Ok(ConfirmMethod::Password)
        } else {
            Err(AppError::invalid("password", "密码不正确，未确认"))
        }
    }

    async fn inspection_view(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        ctx: &Ctx,
    ) -> Result<InspectionView, AppError> {
        let object = objects::by_id(db, ctx.team.object_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查对象"))?;
        let kind = ObjectKind::parse(&object.data.kind).unwrap_or(ObjectKind::Enterprise);
        let unit = departments::by_id(db, ctx.team.department_id)
            .await?
            .map(|d| d.name)
            .unwrap_or_default();
        let task_kind = TaskKind::parse(&ctx.task.kind).unwrap_or(TaskKind::DoubleRandom);
        let categories_all = store::categories(db, false).await?;
        let status = ctx.status();
        let row = ctx.inspection.as_ref();
        let signoffs = match row {
            Some(r) => store::signoffs_of(db, r.id, r.revision).await?,
            None => Vec::new(),
        };
        let mut members = Vec::new();
        for m in ctx.signers() {
            let s = signoffs.iter().find(|s| s.member_id == m.id);
            members.push(SignView {
                member_id: m.id,
                name: m.name.clone(),
                cert_no: m.cert_no.clone(),
                role: term(&m.role, if m.role == "leader" { "组长" } else { "组员" }),
                confirmed_at: s.map(|s| s.confirmed_at),
                method: s.map(|s| {
                    let m = ConfirmMethod::parse(&s.method).unwrap_or(ConfirmMethod::Password);
                    term(m.code(), m.label())
                }),
                has_account: self.member_has_account(db, m).await?,
            });
        }
        let experts = ctx
            .members
            .iter()
            .filter(|m| m.active && m.role == "expert")
            .map(|m| m.name.clone())
            .collect();
        let mut items_out: Vec<ChecklistItem> = Vec::new();
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        let mut open_points = 0;
        if let Some(r) = row {
            let drawn: HashSet<i64> = tasks::items_drawing(db, ctx.task.id, object.id)
                .await?
                .into_iter()
                .collect();
            let task_items: HashMap<i64, spotcheck_store::tasks::TaskItemRow> = tasks::items(db, ctx.task.id)
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect();
            let mut dept_names: HashMap<i64, String> = HashMap::new();
            for p in store::points_of(db, r.id).await? {
                if items_out.last().is_none_or(|i| i.task_item_id != p.task_item_id) {
                    let v = items::version(db, p.item_version_id).await?;
                    let dept_id = task_items
                        .get(&p.task_item_id)
                        .map(|t| t.department_id)
                        .unwrap_or_default();
                    if let std::collections::hash_map::Entry::Vacant(e) = dept_names.entry(dept_id) {
                        e.insert(
                            departments::by_id(db, dept_id)
                                .await?
                                .map(|d| d.name)
                                .unwrap_or_default(),
                        );
                    }
                    items_out.push(ChecklistItem {
                        task_item_id: p.task_item_id,
                        item_name: v.as_ref().map(|v| v.spec.name.clone()).unwrap_or_default(),
                        department: dept_names[&dept_id].clone(),
                        legal_basis: v
                            .map(|v| v.spec.legal_basis.iter().map(|b| b.to_string()).collect())
                            .unwrap_or_default(),
                        drawn: drawn.contains(&p.task_item_id),
                        points: Vec::new(),
                    });
                }
                let result = ItemResult::parse(&p.result).ok();
                if result.is_none() {
                    open_points += 1;
                }
                items_out.last_mut().expect("pushed").points.push(PointView {
                    id: p.id,
                    point_no: p.point_no,
                    content: p.content,
                    result: result.map(|x| term(x.code(), x.label())),
                    note: p.note,
                });
            }
            findings = store::findings_of(db, r.id)
                .await?
                .iter()
                .map(|f| FindingView {
                    description: f.description.clone(),
                    legal_basis: f.legal_basis.clone(),
                    measures: store::measures_of(f)
                        .iter()
                        .map(|m| term(m.code(), m.label()))
                        .collect(),
                    rectify_by: f.rectify_by,
                })
                .collect();
            evidence = store::evidence_of(db, r.id)
                .await?
                .iter()
                .map(EvidenceView::from)
                .collect();
        }
        let me_confirmed = ctx
            .me
            .as_ref()
            .is_some_and(|me| signoffs.iter().any(|s| s.member_id == me.id));
        let draft = status == Some(InspectionStatus::Draft);
        let task_status = TaskStatus::parse(&ctx.task.status).unwrap_or(TaskStatus::Draft);
        Ok(InspectionView {
            id: row.map(|r| r.id),
            team_id: ctx.team.id,
            task_id: ctx.task.id,
            task_code: ctx.task.code.clone(),
            task_name: ctx.task.name.clone(),
            task_kind: term(task_kind.code(), task_kind.label()),
            window_start: ctx.task.window_start,
            window_end: ctx.task.window_end,
            unit,
            object: ObjectBrief {
                id: object.id,
                kind: term(kind.code(), kind.label()),
                code: object.data.key_code.clone(),
                name: object.data.name.clone(),
                address: object.data.address.clone(),
                legal_rep: object.data.legal_rep.clone(),
            },
            status: status.map(|s| term(s.code(), s.label())),
            revision: row.map(|r| r.revision).unwrap_or(0),
            members,
            experts,
            plan_division: row.map(|r| r.plan_division.clone()).unwrap_or_default(),
            plan_procedure: row.map(|r| r.plan_procedure.clone()).unwrap_or_default(),
            plan_schedule: row.map(|r| r.plan_schedule.clone()).unwrap_or_default(),
            plan_recorded_by: row.map(|r| r.plan_recorded_by.clone()).unwrap_or_default(),
            plan_recorded_at: row.and_then(|r| r.plan_recorded_at),
            method: row
                .and_then(|r| InspectionMethod::parse(&r.method).ok())
                .map(|m| term(m.code(), m.label())),
            started_at: row.and_then(|r| r.started_at).map(local),
            ended_at: row.and_then(|r| r.ended_at).map(local),
            place: row.map(|r| r.place.clone()).unwrap_or_default(),
            present: row
                .map(|r| serde_json::from_str(&r.present).unwrap_or_default())
                .unwrap_or_default(),
            items: items_out,
            open_points,
            findings,
            result_category: row
                .and_then(|r| categories_all.iter().find(|c| c.code == r.result_category))
                .map(CategoryView::from),
            result_summary: row.map(|r| r.result_summary.clone()).unwrap_or_default(),
            rights_notified_at: row.and_then(|r| r.rights_notified_at).map(local),
            statement_person: row.map(|r| r.statement_person.clone()).unwrap_or_default(),
            statement: row.map(|r| r.statement.clone()).unwrap_or_default(),
            statement_waived: row.is_some_and(|r| r.statement_waived),
            statement_started_at: row.and_then(|r| r.statement_started_at).map(local),
            statement_ended_at: row.and_then(|r| r.statement_ended_at).map(local),
            evidence,
            document_no: row.map(|r| r.document_no.clone()).unwrap_or_default(),
            verification_code: match row {
                Some(r) => self.sealer().open(&r.verification_sealed)?,
                None => String::new(),
            },
            closed_by: row.map(|r| r.closed_by.clone()).unwrap_or_default(),
            closed_at: row.and_then(|r| r.closed_at),
            finalized_at: row.and_then(|r| r.finalized_at),
            is_member: ctx.me.is_some(),
            is_leader: ctx.is_leader(),
            can_start: row.is_none()
                && ctx.me.is_some()
                && matches!(task_status, TaskStatus::Matched | TaskStatus::Inspecting),
            can_edit: draft && ctx.me.is_some(),
            can_close: draft && ctx.is_leader(),
            can_reopen: status == Some(InspectionStatus::Closed) && ctx.is_leader(),
            can_confirm: status == Some(InspectionStatus::Closed) && ctx.me.is_some() && !me_confirmed,
            confirm_with_code: actor.user.totp_enabled,
            categories: categories_all
                .iter()
                .filter(|c| c.active || row.is_some_and(|r| r.result_category == c.code))
                .map(CategoryView::from)
                .collect(),
            max_file_size: self.evidence_max_file_size(),
        })
    }
}

fn changed_meanwhile() -> AppError {
    AppError::Conflict("检查记录刚刚已被检查组其他成员提交或退回，请刷新页面后再操作".into())
}

/// The inspection row as the audit trail digests it.
fn state_of(r: &InspectionRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "status": r.status,
        "revision": r.revision,
        "plan": [r.plan_division, r.plan_procedure, r.plan_schedule],
        "method": r.method,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "place": r.place,
        "present": r.present,
        "result_category": r.result_category,
        "result_summary": r.result_summary,
        "rights_notified_at": r.rights_notified_at,
        "statement": [r.statement_person, r.statement, r.statement_waived.to_string()],
        "statement_time": [r.statement_started_at, r.statement_ended_at],
        "document_no": r.document_no,
    })
}

/// The inspection with its checklist and findings, as the audit trail digests
/// it: what the members confirm is exactly this.
pub(crate) async fn full_state(db: &impl ConnectionTrait, r: &InspectionRow) -> Result<serde_json::Value, AppError> {
    let points: Vec<serde_json::Value> = store::points_of(db, r.id)
        .await?
        .iter()
        .map(|p| serde_json::json!([p.task_item_id, p.point_no, p.result, p.note]))
        .collect();
    let findings: Vec<serde_json::Value> = store::findings_of(db, r.id)
        .await?
        .iter()
        .map(|f| serde_json::json!([f.description, f.legal_basis, f.measures, f.rectify_by]))
        .collect();
    let evidence: Vec<serde_json::Value> = store::evidence_of(db, r.id)
        .await?
        .iter()
        .map(|e| serde_json::json!([e.storage_key, e.sha256, e.size]))
        .collect();
    let mut v = state_of(r);
    v["points"] = points.into();
    v["findings"] = findings.into();
    v["evidence"] = evidence.into();
    Ok(v)
}
