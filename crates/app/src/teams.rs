//! 检查人员匹配 (第十七条), experts on a team, and 调整更换 (第十八条).
//!
//! After dispatch each executing unit staffs the objects it received: the
//! platform computes, object by object, which inspectors may go and why the
//! others may not ([`App::preview_match`], refusing an object nobody can
//! staff), then commits a spotcheck-draw-v1 record of kind `inspectors`
//! ([`App::commit_match`]) and reveals it ([`App::reveal_match`]), which
//! makes the teams. When every unit has its teams the task is 已匹配人员.
//!
//! A member is replaced only through a request with a reason of 第十八条
//! (see [`crate::replacements`]): requested with a reason of 第十八条,
//! approved by the 分管负责人 with a draw of kind `replacement`, revealed.
//! No other path changes a team's inspectors.

use crate::audit::{By, Change, record};
use crate::draws::{DrawOwner, LockInput, RevealInput, beacon_source, draw_error};
use crate::messages::{Notice, Recipient, close_todos, notify};
use crate::plans::Term;
use crate::tasks::DrawView;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::DepartmentCode;
use spotcheck_domain::matching::{
    InspectorFacts, MatchContext, ObjectMatch, ObjectToStaff, RequiredItem, StatusPeriod, match_object, match_objects,
};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::{ReplacementReason, TaskAction, TaskKind, TaskStatus, TaskWindow};
use spotcheck_domain::vocab::InspectorStatus;
use spotcheck_draw::canonical::{self, LeaderPool as RawLeaderPool, RawObject};
use spotcheck_draw::{DrawInputs, DrawResult};
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::inspectors::{self, InspectorRow};
use spotcheck_store::items;
use spotcheck_store::tasks::{self, DrawSummary, TaskObjectRow, TaskRow};
use spotcheck_store::teams::{self, MemberRow, NewMember, NewTeam};
use spotcheck_store::{ConnectionTrait, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::ToSchema;

/// The most excluded inspectors a preview lists per object (all are counted).
pub const PREVIEW_EXCLUDED_INSPECTORS: usize = 50;
/// Objects on one page of a match preview (a unit may have thousands).
pub const MATCH_PAGE: u64 = 50;
/// The most problems a preview spells out (all are counted).
pub const PROBLEMS_LISTED: usize = 100;

/// Which page of a match preview to show.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// 页码，从1开始。
    pub page: Option<u64>,
    /// 只列出无法组成检查组的对象。
    pub problems_only: Option<bool>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InspectorBrief {
    pub name: String,
    pub cert_no: String,
    pub department_name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExcludedInspector {
    pub name: String,
    pub cert_no: String,
    pub reason: String,
}

/// Who may inspect one object, before the draw.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectMatchView {
    pub object_code: String,
    pub object_name: String,
    pub items: Vec<String>,
    pub eligible: Vec<InspectorBrief>,
    /// For a joint task, how many of the eligible may lead (发起部门的人员); `None`: any.
    pub leader_eligible: Option<usize>,
    pub excluded_count: usize,
    pub excluded: Vec<ExcludedInspector>,
    /// Why this object cannot be staffed, if it cannot.
    pub problem: Option<String>,
}

/// A unit's preview of its inspectors draw.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MatchPreview {
    pub unit_code: String,
    pub unit_name: String,
    pub team_size: i32,
    /// The unit's objects, and how many of them can be staffed now.
    pub object_count: usize,
    pub staffable: usize,
    /// One page of the objects (only those that cannot be staffed, if asked).
    pub objects: Vec<ObjectMatchView>,
    /// How many objects the pages hold, and which page this is.
    pub listed_total: u64,
    pub page: u64,
    pub page_size: u64,
    /// How many problems there are; the draw is refused while any remain.
    pub problem_count: usize,
    /// Problems of the whole draw or of objects, the first [`PROBLEMS_LISTED`].
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub name: String,
    /// 执法证号 (empty for an expert).
    pub cert_no: String,
    /// leader 组长, member 组员, expert 专家.
    pub role: Term,
    pub active: bool,
    pub left_reason: String,
    pub left_at: Option<DateTime<Utc>>,
    /// Whether the viewer may ask to replace this member now.
    pub replaceable: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReplacementView {
    pub id: i64,
    pub team_id: i64,
    pub object_code: String,
    pub member_name: String,
    pub member_cert_no: String,
    pub reason: Term,
    pub note: String,
    /// pending 待审批, approved 已批准待揭晓, done 已完成, rejected 未批准.
    pub status: Term,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub draw: Option<DrawView>,
    pub new_member: Option<String>,
    /// The viewer may approve or refuse it (分管负责人).
    pub can_decide: bool,
    /// The viewer may reveal its draw.
    pub can_reveal: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: i64,
    pub object_code: String,
    pub object_name: String,
    pub unit_name: String,
    pub draw_id: String,
    /// Current and past members, the leader first.
    pub members: Vec<MemberView>,
    /// The viewer may attach or remove experts.
    pub can_edit_experts: bool,
}

/// One executing unit's share of a task: its objects and its inspectors draw.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub unit_code: String,
    pub unit_name: String,
    pub objects: usize,
    pub draw: Option<DrawView>,
    pub matched: bool,
    /// The viewer may preview and commit the unit's draw.
    pub can_match: bool,
    /// The viewer may reveal it.
    pub can_reveal: bool,
}

/// Everything about a task's inspectors.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct StaffingView {
    pub shares: Vec<ShareView>,
    pub teams: Vec<TeamView>,
    pub replacements: Vec<ReplacementView>,
}

/// An inspector's place on a team, for the inspector's home page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub member_id: i64,
    /// The team, whose inspection page the inspector opens.
    pub team_id: i64,
    pub task_id: i64,
    pub task_code: String,
    pub task_name: String,
    pub task_status: Term,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub object_code: String,
    pub object_name: String,
    pub role: Term,
    /// The other current members: `姓名（组长）`.
    pub team: Vec<String>,
    /// A request about this place is under way.
    pub replacement_pending: bool,
}

fn role_term(role: &str) -> Term {
    let label = match role {
        "leader" => "组长",
        "expert" => "专家",
        _ => "组员",
    };
    Term {
        code: role.into(),
        label: label.into(),
    }
}

fn replacement_status(code: &str) -> Term {
    let label = match code {
        "pending" => "待分管负责人审批",
        "approved" => "已批准，待揭晓抽取",
        "done" => "已完成调整",
        "rejected" => "未批准",
        _ => code,
    };
    Term {
        code: code.into(),
        label: label.into(),
    }
}

pub(crate) fn reason_term(code: &str) -> Term {
    match ReplacementReason::parse(code) {
        Ok(r) => Term {
            code: r.code().into(),
            label: r.label().into(),
        },
        Err(_) => Term {
            code: code.into(),
            label: code.into(),
        },
    }
}

/// The inspectors draw of a unit: one per unit and task, so the unique
/// `draw_id` is also what stops two operators from committing twice.
fn match_draw_id(t: &TaskRow, unit: &DepartmentRow) -> String {
    format!("{}-P-{}", t.code, unit.code.as_str())
}

/// An executing unit's objects: each object once, with the task items it was drawn for.
/// One object of a share.
pub(crate) struct ShareObject {
    pub code: String,
    pub kind: String,
    /// The item versions it was drawn for.
    pub versions: Vec<i64>,
}

pub(crate) struct Share {
    pub unit: DepartmentRow,
    /// object id → (code, kind, item version ids)
    pub objects: BTreeMap<i64, ShareObject>,
}

/// What a match needs, read from the store.
pub(crate) struct MatchInputs {
    pub ctx: MatchContext,
    pub facts: Vec<InspectorFacts>,
    pub rows: HashMap<String, InspectorRow>,
    pub staff: Vec<ObjectToStaff>,
    /// object code → object id
    pub object_ids: HashMap<String, i64>,
    pub names: HashMap<i64, String>,
    pub unit_names: HashMap<i64, String>,
}

/// Something that belongs to a task's teams, by id.
#[derive(Clone, Copy, Debug)]
pub enum Of {
    Team(i64),
    Member(i64),
    Replacement(i64),
}

impl App {
    /// The task a team, member or replacement request belongs to, if the
    /// actor may see it (a foreign id is "not found", as everywhere).
    pub async fn task_of(&self, actor: &Actor, of: Of) -> Result<i64, AppError> {
        let db = self.store().conn();
        let team_id = match of {
            Of::Team(id) => id,
            Of::Member(id) => teams::member(db, id).await?.map(|m| m.team_id).unwrap_or(0),
            Of::Replacement(id) => teams::replacement(db, id).await?.map(|r| r.team_id).unwrap_or(0),
        };
        let team = teams::team(db, team_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查组"))?;
        Ok(self.task_for(db, actor, team.task_id).await?.id)
    }

    /// The actor may staff the unit's share: the unit's own operator, or the
    /// operator of the department the unit belongs to (a 执法支队 without an
    /// account of its own is run by its 住建局).
    pub(crate) fn acts_for_unit(actor: &Actor, unit: &DepartmentRow) -> bool {
        actor.may(Permission::ManageTasks)
            && (actor.department.id == unit.id || unit.parent_id == Some(actor.department.id))
    }

    /// The actor may approve replacements on the unit's teams: a 分管负责人
    /// whose jurisdiction holds the unit.
    pub(crate) fn approves_for_unit(actor: &Actor, unit: &DepartmentRow) -> bool {
        actor.may(Permission::ApproveReplacements) && actor.jurisdiction().contains(&unit.path)
    }

    pub(crate) async fn shares(&self, db: &impl ConnectionTrait, t: &TaskRow) -> Result<Vec<Share>, AppError> {
        let objects: Vec<TaskObjectRow> = tasks::objects_of(db, t.id).await?;
        let items = tasks::items(db, t.id).await?;
        let version_of: HashMap<i64, i64> = items.iter().map(|i| (i.id, i.item_version_id)).collect();
        let mut by_unit: BTreeMap<i64, BTreeMap<i64, ShareObject>> = BTreeMap::new();
        for o in objects {
            let Some(unit) = o.executing_department_id else {
                continue;
            };
            let entry = by_unit
                .entry(unit)
                .or_default()
                .entry(o.object_id)
                .or_insert_with(|| ShareObject {
                    code: o.object_code.clone(),
                    kind: o.object_kind.clone(),
                    versions: Vec::new(),
                });
            if let Some(v) = version_of.get(&o.task_item_id)
                && !entry.versions.contains(v)
            {
                entry.versions.push(*v);
            }
        }
        let mut out = Vec::new();
        for (unit_id, objects) in by_unit {
            let unit = departments::by_id(db, unit_id)
                .await?
                .ok_or_else(|| AppError::Internal("执行单位不存在".into()))?;
            out.push(Share { unit, objects });
        }
        Ok(out)
    }

    /// Reads everything the match of one share needs, with today's facts.
    pub(crate) async fn match_inputs(
        &self,
        db: &impl ConnectionTrait,
        t: &TaskRow,
        share: &Share,
    ) -> Result<MatchInputs, AppError> {
        let kind = TaskKind::parse(&t.kind).unwrap_or(TaskKind::DoubleRandom);
        let window = TaskWindow::new(t.window_start, t.window_end, t.window_start.year())
            .map_err(|e| AppError::Internal(e.message))?;
        // Whose inspectors may go: the unit's; for a joint task the units of
        // every department of the task (第十七条), the leader from the initiator's.
        let mut pool_units: Vec<DepartmentRow> = vec![share.unit.clone()];
        let mut leader_units: Option<BTreeSet<DepartmentCode>> = None;
        if kind == TaskKind::Joint {
            let mut leaders = BTreeSet::new();
            for u in tasks::units(db, t.id).await? {
                let units = self.executing_units(db, u.department_id).await?;
                if u.role == "initiator" {
                    leaders.extend(units.iter().map(|d| d.code.clone()));
                    if let Some(d) = departments::by_id(db, u.department_id).await? {
                        leaders.insert(d.code.clone());
                        pool_units.push(d);
                    }
                }
                pool_units.extend(units);
            }
            leader_units = Some(leaders);
        }
        pool_units.sort_by_key(|d| d.id);
        pool_units.dedup_by_key(|d| d.id);
        let unit_codes: HashMap<i64, DepartmentCode> = pool_units.iter().map(|d| (d.id, d.code.clone())).collect();
        let unit_names: HashMap<i64, String> = pool_units.iter().map(|d| (d.id, d.name.clone())).collect();
        let ids: Vec<i64> = pool_units.iter().map(|d| d.id).collect();
        let rows = inspectors::of_departments(db, &ids).await?;
        let row_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let object_codes: HashMap<i64, String> = share.objects.iter().map(|(id, o)| (*id, o.code.clone())).collect();
        let mut conflicts: HashMap<i64, BTreeSet<String>> = HashMap::new();
        for c in inspectors::active_conflicts_of(db, &row_ids).await? {
            if let Some(code) = object_codes.get(&c.object_id) {
                conflicts.entry(c.inspector_id).or_default().insert(code.clone());
            }
        }
        let mut facts = Vec::with_capacity(rows.len());
        for r in &rows {
            let status = InspectorStatus::parse(&r.data.status).unwrap_or(InspectorStatus::OnDuty);
            facts.push(InspectorFacts {
                cert_no: r.data.cert_no.clone(),
                department: unit_codes[&r.department_id].clone(),
                active: r.active,
                periods: StatusPeriod::from_record(status, r.data.status_since, r.data.status_until)
                    .into_iter()
                    .collect(),
                cert_valid_until: r.data.cert_valid_until,
                qualifications: r.data.qualifications.iter().cloned().collect(),
                conflicts: conflicts.remove(&r.id).unwrap_or_default(),
            });
        }
        let mut required: HashMap<i64, RequiredItem> = HashMap::new();
        let mut staff = Vec::with_capacity(share.objects.len());
        for (object_id, ShareObject { code, versions, .. }) in &share.objects {
            let mut items = Vec::new();
            for v in versions {
                if let std::collections::hash_map::Entry::Vacant(slot) = required.entry(*v) {
                    let spec = items::version(db, *v)
                        .await?
                        .ok_or_else(|| AppError::Internal("任务事项的事项版本不存在".into()))?
                        .spec;
                    slot.insert(RequiredItem {
                        title: spec.title(),
                        fields: spec.fields.clone(),
                    });
                }
                items.push(required[v].clone());
            }
            staff.push(ObjectToStaff {
                id: code.clone(),
                items,
                last_inspectors: teams::last_inspectors(db, *object_id, t.id)
                    .await?
                    .into_iter()
                    .collect(),
            });
        }
        let ids: Vec<i64> = share.objects.keys().copied().collect();
        let names = tasks::object_labels(db, &ids)
            .await?
            .into_iter()
            .map(|(id, (kind, name))| (id, crate::tasks::public_name(&kind, &name)))
            .collect();
        Ok(MatchInputs {
            ctx: MatchContext {
                window,
                units: unit_codes.values().cloned().collect(),
                leader_units,
                team_size: u32::try_from(t.team_size).unwrap_or(2),
            },
            facts,
            rows: rows.into_iter().map(|r| (r.data.cert_no.clone(), r)).collect(),
            staff,
            object_ids: share.objects.iter().map(|(id, o)| (o.code.clone(), *id)).collect(),
            names,
            unit_names,
        })
    }

    /// The task and the share of `unit_code`, for someone who acts for the unit.
    async fn share_for(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        task_id: i64,
        unit_code: &str,
    ) -> Result<(TaskRow, Share), AppError> {
        let t = self.task_for(db, actor, task_id).await?;
        let share = self
            .shares(db, &t)
            .await?
            .into_iter()
            .find(|s| s.unit.code.as_str() == unit_code)
            .ok_or_else(|| AppError::not_found("执行单位的检查对象"))?;
        if !Self::acts_for_unit(actor, &share.unit) {
            return Err(AppError::Forbidden(format!(
                "只有{}或其所属部门的管理员可以为其匹配检查人员",
                share.unit.name
            )));
        }
        Ok((t, share))
    }

    /// Who may inspect each of the unit's objects, and whether the draw can be committed.
    pub async fn preview_match(
        &self,
        actor: &Actor,
        task_id: i64,
        unit_code: &str,
        q: &MatchQuery,
    ) -> Result<MatchPreview, AppError> {
        let db = self.store().conn();
        let (t, share) = self.share_for(db, actor, task_id, unit_code).await?;
        let inputs = self.match_inputs(db, &t, &share).await?;
        let mut problems = Vec::new();
        if let Err(errors) = match_objects(&inputs.facts, &inputs.staff, &inputs.ctx) {
            problems.extend(errors.into_iter().filter(|e| e.object.is_none()).map(|e| e.message));
        }
        let brief = |cert: &str| {
            let r = inputs.rows.get(cert);
            InspectorBrief {
                name: r.map(|r| r.data.name.clone()).unwrap_or_default(),
                cert_no: cert.to_string(),
                department_name: r
                    .and_then(|r| inputs.unit_names.get(&r.department_id))
                    .cloned()
                    .unwrap_or_default(),
            }
        };
        let problems_only = q.problems_only.unwrap_or(false);
        let page = q.page.unwrap_or(1).max(1);
        let first = (page - 1) * MATCH_PAGE;
        let (mut listed, mut staffable) = (0u64, 0usize);
        let mut objects = Vec::new();
        // Every object is matched (the counts and the problems need them all);
        // only the page's objects are spelled out.
        for o in &inputs.staff {
            let m: ObjectMatch = match_object(&inputs.facts, o, &inputs.ctx);
            let problem = m.check_staffing(inputs.ctx.team_size).err().map(|e| e.message);
            match &problem {
                Some(p) => problems.push(p.clone()),
                None => staffable += 1,
            }
            if problems_only && problem.is_none() {
                continue;
            }
            listed += 1;
            if listed <= first || listed > first + MATCH_PAGE {
                continue;
            }
            let id = inputs.object_ids[&o.id];
            objects.push(ObjectMatchView {
                object_code: o.id.clone(),
                object_name: inputs.names.get(&id).cloned().unwrap_or_default(),
                items: o.items.iter().map(|i| i.title.clone()).collect(),
                eligible: m.eligible.iter().map(|c| brief(c)).collect(),
                leader_eligible: inputs.ctx.leader_units.as_ref().map(|_| m.leader_eligible().len()),
                excluded_count: m.excluded.len(),
                excluded: m
                    .excluded
                    .iter()
                    .take(PREVIEW_EXCLUDED_INSPECTORS)
                    .map(|(c, x)| ExcludedInspector {
                        name: brief(c).name,
                        cert_no: c.clone(),
                        reason: x.to_string(),
                    })
                    .collect(),
                problem,
            });
        }
        let problem_count = problems.len();
        problems.truncate(PROBLEMS_LISTED);
        Ok(MatchPreview {
            unit_code: share.unit.code.as_str().to_string(),
            unit_name: share.unit.name.clone(),
            team_size: t.team_size,
            object_count: inputs.staff.len(),
            staffable,
            objects,
            listed_total: listed,
            page,
            page_size: MATCH_PAGE,
            problem_count,
            problems,
        })
    }

    /// 锁定 the unit's inspectors draw: refused, naming each object and why,
    /// when some object cannot be staffed; otherwise the record is public at once.
    pub async fn commit_match(
        &self,
        actor: &Actor,
        task_id: i64,
        unit_code: &str,
        input: &LockInput,
    ) -> Result<DrawView, AppError> {
        let db = self.store().conn();
        let (t, share) = self.share_for(db, actor, task_id, unit_code).await?;
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        if !status.can(TaskAction::MatchInspectors) {
            return Err(AppError::Conflict(format!(
                "任务{}，只有已派发的任务可以匹配检查人员",
                status.label()
            )));
        }
        let draw_id = match_draw_id(&t, &share.unit);
        if tasks::draw_summary(db, &draw_id).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "{}的检查人员抽取已经锁定，抽取记录已公布，不能重新抽取",
                share.unit.name
            )));
        }
        let source = beacon_source(input, self.now())?;
        let inputs = self.match_inputs(db, &t, &share).await?;
        let matches = match_objects(&inputs.facts, &inputs.staff, &inputs.ctx).map_err(|errors| {
            AppError::invalid(
                "objects",
                errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；"),
            )
        })?;
        // Inspectors who already carry teams this year start with that load (均衡).
        let loads_by_id = teams::loads_in_year(db, t.window_start.year()).await?;
        let eligible: BTreeSet<&String> = matches.iter().flat_map(|m| m.eligible.iter()).collect();
        let loads: Vec<(String, u64)> = eligible
            .into_iter()
            .filter_map(|c| {
                let n = inputs.rows.get(c).and_then(|r| loads_by_id.get(&r.id)).copied()?;
                (n > 0).then(|| (c.clone(), n))
            })
            .collect();
        let raw: Vec<RawObject> = matches
            .iter()
            .map(|m| RawObject {
                id: m.object.clone(),
                eligible: m.eligible.clone(),
                leader_pool: match &m.leader_pool {
                    spotcheck_domain::matching::LeaderPool::AnyEligible => RawLeaderPool::AnyEligible,
                    spotcheck_domain::matching::LeaderPool::Restricted(v) => RawLeaderPool::Restricted(v.clone()),
                },
            })
            .collect();
        let cleaned = canonical::inspectors(u64::from(inputs.ctx.team_size), &loads, &raw)
            .map_err(|e| draw_error("抽取输入有误", e))?;
        let tx = self.store().begin().await?;
        let committed = self
            .commit_draw(
                &tx,
                actor,
                DrawOwner {
                    draw_id: draw_id.clone(),
                    task_id: t.id,
                    task_item_id: None,
                    department_id: Some(share.unit.id),
                },
                source,
                DrawInputs::Inspectors(cleaned.value),
            )
            .await
            .map_err(|e| match e {
                AppError::Validation { field, .. } if field == "draw_id" => AppError::Conflict(format!(
                    "{}的检查人员抽取刚刚已由他人锁定，抽取记录已公布，请刷新页面",
                    share.unit.name
                )),
                other => other,
            })?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DrawCommitted, "draw", &draw_id)
                .in_department(share.unit.code.as_str())
                .summary(format!(
                    "锁定任务{}在{}的检查人员抽取：{}个检查对象，每组{}名，随机信标：{}",
                    t.code,
                    share.unit.name,
                    matches.len(),
                    t.team_size,
                    committed.record().beacon_source().as_str()
                ))
                .after(serde_json::json!({"draw_id": draw_id, "commitment": committed.record().commitment().to_hex()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.stored_draw_view(db, &draw_id).await
    }

    /// 揭晓 the unit's inspectors draw: the teams are made from the record's
    /// result, each inspector is told, and when every unit has its teams the
    /// task becomes 已匹配人员.
    pub async fn reveal_match(
        &self,
        actor: &Actor,
        task_id: i64,
        unit_code: &str,
        input: &RevealInput,
    ) -> Result<(), AppError> {
        let db = self.store().conn();
        let (t, share) = self.share_for(db, actor, task_id, unit_code).await?;
        let draw_id = match_draw_id(&t, &share.unit);
        let d = tasks::draw_by_draw_id(db, &draw_id)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("{}的检查人员抽取尚未锁定", share.unit.name)))?;
        let committed = self.restore_draw(&d)?;
        let value = self.beacon_value(&committed, input).await?;
        let revealed = committed.reveal(value).map_err(|e| draw_error("揭晓失败", vec![e]))?;
        let DrawResult::Inspectors(result) = revealed.result() else {
            return Err(AppError::Internal("抽取类型不符".into()));
        };
        let certs: Vec<String> = result
            .teams
            .iter()
            .flat_map(|t| std::iter::once(&t.leader).chain(t.members.iter()))
            .map(|c| c.as_str().to_string())
            .collect();
        let rows: HashMap<String, InspectorRow> = inspectors::by_cert_nos(db, &certs)
            .await?
            .into_iter()
            .map(|r| (r.data.cert_no.clone(), r))
            .collect();
        let now = self.now();
        let tx = self.store().begin().await?;
        tasks::set_revealed(&tx, d.id, &revealed.to_json(), now).await?;
        let mut assigned: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for team in &result.teams {
            let code = team.object.as_str();
            let (object_id, ShareObject { kind, .. }) = share
                .objects
                .iter()
                .find(|(_, o)| o.code == code)
                .ok_or_else(|| AppError::Internal(format!("抽取结果中的检查对象{code}不在本单位名单中")))?;
            let team_id = teams::insert_team(
                &tx,
                NewTeam {
                    task_id: t.id,
                    object_id: *object_id,
                    object_kind: kind.clone(),
                    object_code: code.to_string(),
                    department_id: share.unit.id,
                    draw_id: draw_id.clone(),
                    now,
                },
            )
            .await?;
            for (n, cert) in std::iter::once(&team.leader).chain(team.members.iter()).enumerate() {
                let r = rows
                    .get(cert.as_str())
                    .ok_or_else(|| AppError::Internal(format!("执法证号{}不在名录中", cert.as_str())))?;
                teams::insert_member(
                    &tx,
                    NewMember {
                        team_id,
                        inspector_id: Some(r.id),
                        expert_id: None,
                        name: r.data.name.clone(),
                        cert_no: r.data.cert_no.clone(),
                        role: if n == 0 { "leader" } else { "member" },
                        position: n as i32 + 1,
                        draw_id: Some(draw_id.clone()),
                        added_by: actor.user.username.clone(),
                        now,
                    },
                )
                .await?;
                if let Some(user) = r.user_id {
                    assigned
                        .entry(user)
                        .or_default()
                        .push(format!("{code}（{}）", if n == 0 { "组长" } else { "组员" }));
                }
            }
        }
        for (user, places) in assigned {
            notify(
                &tx,
                now,
                Notice {
                    to: Recipient::User(user),
                    kind: "assignment",
                    title: format!("您被抽中参加任务{}“{}”的检查：{}", t.code, t.name, places.join("、")),
                    body: format!(
                        "执行时间{}至{}。如与检查对象有利害关系，请在首页申请回避。",
                        t.window_start, t.window_end
                    ),
                    link: "/".into(),
                    action_required: false,
                    subject: ("task_assignment", t.id),
                },
            )
            .await?;
        }
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DrawRevealed, "draw", &draw_id)
                .in_department(share.unit.code.as_str())
                .summary(format!(
                    "揭晓任务{}在{}的检查人员抽取：组成{}个检查组",
                    t.code,
                    share.unit.name,
                    result.teams.len()
                ))
                .after(serde_json::json!({"draw_id": draw_id, "seed": revealed.seed().to_hex(), "teams": result.teams.len()})),
        )
        .await?;
        // Every unit staffed: the task is 已匹配人员.
        let mut all = true;
        for s in self.shares(&tx, &t).await? {
            let id = match_draw_id(&t, &s.unit);
            let revealed = id == draw_id
                || tasks::draw_summary(&tx, &id)
                    .await?
                    .is_some_and(|d| d.status == "revealed");
            all &= revealed;
        }
        if all {
            let from = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
            let to = from
                .transition(TaskAction::MatchInspectors)
                .map_err(|e| AppError::Conflict(e.to_string()))?;
            tasks::set_status(&tx, t.id, from.code(), to.code(), now, false).await?;
            close_todos(&tx, now, ("task_dispatch", t.id)).await?;
            record(
                &tx,
                &By::actor(actor),
                Change::new(AuditAction::TaskMatched, "task", t.id)
                    .in_department(share.unit.code.as_str())
                    .summary(format!("任务{}的全部检查对象已匹配检查人员", t.code))
                    .before(serde_json::json!({"status": from.code()}))
                    .after(serde_json::json!({"status": to.code()})),
            )
            .await?;
            notify(
                &tx,
                now,
                Notice {
                    to: Recipient::Department {
                        department_id: t.department_id,
                        permission: Permission::ManageTasks,
                    },
                    kind: "task_matched",
                    title: format!("任务{}“{}”已完成检查人员匹配", t.code, t.name),
                    body: String::new(),
                    link: format!("/tasks/{}", t.id),
                    action_required: false,
                    subject: ("task_matched", t.id),
                },
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The teams, unit shares and replacement requests of a task, with what
    /// the viewer may do (`None`: the public, who may do nothing).
    pub(crate) async fn staffing(
        &self,
        db: &impl ConnectionTrait,
        actor: Option<&Actor>,
        t: &TaskRow,
    ) -> Result<StaffingView, AppError> {
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        let draws: HashMap<String, DrawSummary> = tasks::draws_of(db, t.id)
            .await?
            .into_iter()
            .map(|d| (d.draw_id.clone(), d))
            .collect();
        let mut view = StaffingView::default();
        let mut unit_names: HashMap<i64, String> = HashMap::new();
        for (unit_id, objects) in tasks::unit_object_counts(db, t.id).await? {
            let unit = departments::by_id(db, unit_id)
                .await?
                .ok_or_else(|| AppError::Internal("执行单位不存在".into()))?;
            let draw = draws.get(&match_draw_id(t, &unit));
            let acts = actor.is_some_and(|a| Self::acts_for_unit(a, &unit));
            unit_names.insert(unit.id, unit.name.clone());
            view.shares.push(ShareView {
                unit_code: unit.code.as_str().to_string(),
                unit_name: unit.name.clone(),
                objects: objects as usize,
                draw: draw.map(Self::draw_view),
                matched: draw.is_some_and(|d| d.status == "revealed"),
                can_match: acts && draw.is_none() && status.can(TaskAction::MatchInspectors),
                can_reveal: acts && draw.is_some_and(|d| d.status == "committed"),
            });
        }
        let team_rows = teams::teams_of(db, t.id).await?;
        if team_rows.is_empty() {
            return Ok(view);
        }
        let members = teams::members_of_task(db, t.id).await?;
        let requests = teams::replacements_of(db, t.id).await?;
        let object_ids: Vec<i64> = team_rows.iter().map(|x| x.object_id).collect();
        let names: HashMap<i64, String> = tasks::object_labels(db, &object_ids)
            .await?
            .into_iter()
            .map(|(id, (kind, name))| (id, crate::tasks::public_name(&kind, &name)))
            .collect();
        let open = status.can(TaskAction::ReplaceInspector);
        let mut units: HashMap<i64, DepartmentRow> = HashMap::new();
        for team in &team_rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = units.entry(team.department_id)
                && let Some(d) = departments::by_id(db, team.department_id).await?
            {
                slot.insert(d);
            }
        }
        let acts = |unit_id: i64| actor.is_some_and(|a| units.get(&unit_id).is_some_and(|u| Self::acts_for_unit(a, u)));
        let approves =
            |unit_id: i64| actor.is_some_and(|a| units.get(&unit_id).is_some_and(|u| Self::approves_for_unit(a, u)));
        let pending: BTreeSet<i64> = requests
            .iter()
            .filter(|r| r.status == "pending" || r.status == "approved")
            .map(|r| r.member_id)
            .collect();
        for team in &team_rows {
            let edit = open && acts(team.department_id);
            view.teams.push(TeamView {
                id: team.id,
                object_code: team.object_code.clone(),
                object_name: names.get(&team.object_id).cloned().unwrap_or_default(),
                unit_name: units
                    .get(&team.department_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                draw_id: team.draw_id.clone(),
                members: members
                    .iter()
                    .filter(|m| m.team_id == team.id)
                    .map(|m| MemberView {
                        id: m.id,
                        name: m.name.clone(),
                        cert_no: m.cert_no.clone(),
                        role: role_term(&m.role),
                        active: m.active,
                        left_reason: m.left_reason.clone(),
                        left_at: m.left_at,
                        replaceable: edit && m.active && m.role != "expert" && !pending.contains(&m.id),
                    })
                    .collect(),
                can_edit_experts: edit,
            });
        }
        let by_id: HashMap<i64, &MemberRow> = members.iter().map(|m| (m.id, m)).collect();
        for r in &requests {
            let team = team_rows.iter().find(|x| x.id == r.team_id);
            let member = by_id.get(&r.member_id);
            let unit_id = team.map(|x| x.department_id).unwrap_or_default();
            let draw = r.draw_id.as_ref().and_then(|d| draws.get(d));
            view.replacements.push(ReplacementView {
                id: r.id,
                team_id: r.team_id,
                object_code: team.map(|x| x.object_code.clone()).unwrap_or_default(),
                member_name: member.map(|m| m.name.clone()).unwrap_or_default(),
                member_cert_no: member.map(|m| m.cert_no.clone()).unwrap_or_default(),
                reason: reason_term(&r.reason),
                note: r.note.clone(),
                status: replacement_status(&r.status),
                requested_by: r.requested_by.clone(),
                requested_at: r.requested_at,
                decided_by: r.decided_by.clone(),
                decided_at: r.decided_at,
                decision_note: r.decision_note.clone(),
                draw: draw.map(Self::draw_view),
                new_member: r.new_member_id.and_then(|id| by_id.get(&id)).map(|m| m.name.clone()),
                can_decide: r.status == "pending" && open && approves(unit_id),
                can_reveal: r.status == "approved"
                    && draw.is_some_and(|d| d.status == "committed")
                    && (acts(unit_id) || approves(unit_id)),
            });
        }
        Ok(view)
    }

    /// The actor's own places on teams (an inspector's home page).
    pub async fn my_assignments(&self, actor: &Actor) -> Result<Vec<AssignmentView>, AppError> {
        let db = self.store().conn();
        let Some(me) = inspectors::by_user(db, actor.user.id).await? else {
            return Ok(Vec::new());
        };
        let places = teams::assignments_of(db, me.id).await?;
        let mut out = Vec::with_capacity(places.len());
        for (m, team) in places {
            let Some(t) = tasks::by_id(db, team.task_id).await? else {
                continue;
            };
            let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
            let members = teams::members_of_task(db, t.id).await?;
            let name = tasks::object_labels(db, &[team.object_id])
                .await?
                .remove(&team.object_id)
                .map(|(k, n)| crate::tasks::public_name(&k, &n))
                .unwrap_or_default();
            out.push(AssignmentView {
                member_id: m.id,
                team_id: team.id,
                task_id: t.id,
                task_code: t.code.clone(),
                task_name: t.name.clone(),
                task_status: Term {
                    code: status.code().into(),
                    label: status.label().into(),
                },
                window_start: t.window_start,
                window_end: t.window_end,
                object_code: team.object_code.clone(),
                object_name: name,
                role: role_term(&m.role),
                team: members
                    .iter()
                    .filter(|x| x.team_id == team.id && x.active && x.id != m.id)
                    .map(|x| format!("{}（{}）", x.name, role_term(&x.role).label))
                    .collect(),
                replacement_pending: teams::open_replacement_of(db, m.id).await?.is_some(),
            });
        }
        Ok(out)
    }
}
