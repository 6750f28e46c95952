//! 第二十五条 as use cases: the follow-up (后续处置) of each problem a team
//! found — 移交审批/主管部门, 立案查处, 移送司法机关 or 整改复查 — with the
//! receiving body, date and status. Steps are only ever added; a problem's
//! latest step is where it stands, and the published result's 后续处置 follows.
//! The executing unit records them; its superiors see them through the
//! result's task, like everything else of the result.

use crate::audit::{By, Change, record};
use crate::plans::Term;
use crate::publication::{invalid, term};
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::inspection::InspectionStatus;
use spotcheck_domain::publication::{self as rules, FollowupStatus, FollowupStep};
use spotcheck_store::inspections as inspections_store;
use spotcheck_store::publication::{self as store, FollowupRow, NewFollowup};
use spotcheck_store::{ConnectionTrait, StoreError};
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FollowupView {
    pub id: i64,
    pub step: Term,
    pub receiving_body: String,
    pub on_date: NaiveDate,
    pub status: Term,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A problem found and its follow-up steps, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FindingFollowup {
    pub finding_id: i64,
    pub position: i32,
    pub description: String,
    pub legal_basis: String,
    pub steps: Vec<FollowupView>,
    /// The latest step's status; `None` before the first step.
    pub status: Option<Term>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct FollowupInput {
    pub finding_id: i64,
    /// `transfer` (移交审批/主管部门), `case` (立案查处), `judicial` (移送司法机关), `recheck` (整改复查).
    #[serde(default)]
    pub step: String,
    /// 接收单位 (for 整改复查: the unit that re-inspects).
    #[serde(default)]
    pub receiving_body: String,
    /// `2026-06-01`; today when empty.
    #[serde(default)]
    pub on_date: String,
    /// `in_progress` (办理中) or `done` (已办结).
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub note: String,
}

fn view(f: &FollowupRow) -> FollowupView {
    let step = FollowupStep::parse(&f.step).unwrap_or(FollowupStep::Recheck);
    let status = FollowupStatus::parse(&f.status).unwrap_or(FollowupStatus::InProgress);
    FollowupView {
        id: f.id,
        step: term(step.code(), step.label()),
        receiving_body: f.receiving_body.clone(),
        on_date: f.on_date,
        status: term(status.code(), status.label()),
        note: f.note.clone(),
        recorded_by: f.recorded_by.clone(),
        recorded_at: f.recorded_at,
    }
}

impl App {
    pub(crate) async fn finding_followups(
        &self,
        db: &impl ConnectionTrait,
        inspection_id: i64,
    ) -> Result<Vec<FindingFollowup>, AppError> {
        let steps = store::followups_of(db, inspection_id).await?;
        Ok(inspections_store::findings_of(db, inspection_id)
            .await?
            .into_iter()
            .map(|f| {
                let mine: Vec<FollowupView> = steps.iter().filter(|s| s.finding_id == f.id).map(view).collect();
                FindingFollowup {
                    finding_id: f.id,
                    position: f.position,
                    description: f.description,
                    legal_basis: f.legal_basis,
                    status: mine.last().map(|s| s.status.clone()),
                    steps: mine,
                }
            })
            .collect())
    }

    /// Records a follow-up step of a problem.
    pub async fn record_followup(
        &self,
        actor: &Actor,
        inspection_id: i64,
        input: FollowupInput,
    ) -> Result<Vec<FindingFollowup>, AppError> {
        let tx = self.store().begin().await?;
        let (i, _) = self.result_ctx(&tx, actor, inspection_id).await?;
        if !self.handles_results(&tx, actor, &i).await? {
            return Err(AppError::Forbidden("只有检查实施单位的管理员可以登记后续处置".into()));
        }
        if i.status != InspectionStatus::Final.code() {
            return Err(AppError::Conflict("检查结果全组签字确认后才能登记后续处置".into()));
        }
        let finding = inspections_store::findings_of(&tx, i.id)
            .await?
            .into_iter()
            .find(|f| f.id == input.finding_id)
            .ok_or_else(|| AppError::invalid("finding_id", "请选择本次检查发现的问题"))?;
        let step = FollowupStep::parse(&input.step).map_err(|e| AppError::invalid("step", e.to_string()))?;
        let status = FollowupStatus::parse(&input.status).map_err(|e| AppError::invalid("status", e.to_string()))?;
        let body = rules::required_text("receiving_body", "接收单位", &input.receiving_body, rules::MAX_BODY)
            .map_err(invalid)?;
        let note = rules::optional_text("note", "处置情况", &input.note, rules::MAX_NOTE).map_err(invalid)?;
        let today = self.today();
        let on = match input.on_date.trim() {
            "" => today,
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| AppError::invalid("on_date", format!("日期“{s}”应为“年-月-日”，如 2026-06-01")))?,
        };
        if on > today {
            return Err(AppError::invalid("on_date", "日期不能晚于今天"));
        }
        let by = By::actor(actor);
        store::insert_followup(
            &tx,
            NewFollowup {
                inspection_id: i.id,
                finding_id: finding.id,
                step: step.code().into(),
                receiving_body: body.clone(),
                on_date: on,
                status: status.code().into(),
                note: note.clone(),
                recorded_by: by.name.clone(),
                recorded_at: self.now(),
            },
        )
        .await?;
        let disposal = self.refresh_disposal(&tx, i.id).await?;
        let unit = self.unit_code(&tx, i.department_id).await?;
        record(
            &tx,
            &by,
            Change::new(AuditAction::FollowupRecorded, "inspection", i.id)
                .in_department(&unit)
                .summary(format!(
                    "问题{}：{}（{}，{}），后续处置情况：{}",
                    finding.position,
                    step.label(),
                    body,
                    status.label(),
                    disposal.label()
                ))
                .after(serde_json::json!({
                    "finding_id": finding.id,
                    "step": step.code(),
                    "receiving_body": body,
                    "on_date": on,
                    "status": status.code(),
                    "note": note,
                })),
        )
        .await?;
        let out = self.finding_followups(&tx, i.id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.public_changed();
        Ok(out)
    }
}
