//! 抽查任务 and the verifiable object draw (第十四条—第十六条).
//!
//! A task is made from entries of the department's published plan (for a
//! joint task, also of the participants' published plans). For each task
//! item the platform computes who may be drawn ([`App::task_item_eligibility`],
//! shown before anything is committed), then **locks** it: the
//! spotcheck-draw-v1 record is committed and public at once, with a beacon
//! named in advance (a future drand round by default, a public lottery
//! result, or `none` with a visible warning) and a secret nonce kept sealed
//! with the platform key. The **reveal** computes the drawn objects from the
//! beacon; a crash in between loses nothing, since the record and the sealed
//! nonce are in the database. When every item is revealed the list is
//! confirmed (已锁定名单) and dispatched to the executing units (已派发).
//!
//! Inspector matching (第十六条), replacement and the team pages follow in
//! their own module.

use crate::audit::{By, Change, record};
use crate::draws::{DrawOwner, beacon_source, draw_error};
pub use crate::draws::{LockInput, RevealInput};
use crate::plans::Term;
use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::directory::RiskInfo;
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::eligibility::{
    DEFAULT_COMPLAINT_THRESHOLD, ItemContext, ObjectFacts, StratumKey, StratumRatios, assess,
};
use spotcheck_domain::item::Ratio;
use spotcheck_domain::plan::{PlanScope, PlanStatus, ratio_ceiling};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::{TaskAction, TaskKind, TaskStatus, TaskWindow, UnitItems, check_task_name, check_units};
use spotcheck_domain::vocab::{ObjectKind, RiskClass};
use spotcheck_draw::canonical::{self, RawStratum};
use spotcheck_draw::{DrawInputs, DrawResult};
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::items;
use spotcheck_store::plans;
use spotcheck_store::population;
use spotcheck_store::tasks::{self, DrawSummary, NewTask, NewTaskItem, NewTaskObject, TaskItemRow, TaskRow};
use spotcheck_store::{ConnectionTrait, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::ToSchema;

/// Inspectors per object unless the task asks more (第十六条: 不少于2名).
pub const MIN_TEAM_SIZE: i32 = 2;
/// The most excluded objects an eligibility preview lists by name (all are counted).
pub const PREVIEW_EXCLUDED: usize = 200;
/// Drawn objects listed with a task item; the rest page (an item may draw
/// hundreds of thousands).
pub const DRAWN_INLINE: u64 = 100;
/// Drawn objects on one page of an item's list.
pub const DRAWN_PAGE: u64 = 100;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ParticipantInput {
    pub department_code: String,
    /// Entries of the participant's published plan.
    pub plan_entry_ids: Vec<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewTaskInput {
    #[serde(default)]
    pub name: String,
    /// `double_random` (双随机抽查) or `joint` (联合抽查).
    #[serde(default)]
    pub kind: String,
    /// `2026-05-01`.
    #[serde(default)]
    pub window_start: String,
    #[serde(default)]
    pub window_end: String,
    /// Inspectors per object; at least 2 (default 2).
    #[serde(default)]
    pub team_size: Option<i32>,
    /// Entries of the department's own published plan.
    #[serde(default)]
    pub plan_entry_ids: Vec<i64>,
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
}

/// The ratio of each risk stratum for one task item (差异化监管, 第十四条).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RatiosInput {
    /// Stratum (`A`, `B`, `C`, `D`, `focus`, or its name `A类` … `重点关注`)
    /// → ratio (`5%`). Strata left out keep their ratio.
    #[serde(default)]
    pub ratios: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StratumView {
    pub key: String,
    pub name: String,
    pub ratio: String,
    pub candidates: usize,
    pub excluded: usize,
    pub quota: u64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExcludedView {
    pub code: String,
    pub name: String,
    pub stratum: String,
    pub reason: String,
}

/// Who may be drawn for a task item, before anything is committed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EligibilityView {
    pub strata: Vec<StratumView>,
    pub eligible: usize,
    pub excluded: usize,
    pub total_quota: u64,
    /// The first [`PREVIEW_EXCLUDED`] excluded objects, each with its reason.
    pub excluded_sample: Vec<ExcludedView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DrawnObjectView {
    pub position: i32,
    pub code: String,
    pub name: String,
    pub stratum: String,
    pub executing_unit: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DrawView {
    pub draw_id: String,
    pub kind: String,
    /// `committed` (承诺已公布，待揭晓) or `revealed`.
    pub status: String,
    pub beacon_source: String,
    pub commitment: String,
    pub committed_at: DateTime<Utc>,
    pub revealed_at: Option<DateTime<Utc>>,
    /// `/public/draws/<draw_id>.json`.
    pub url: String,
    /// Shown when the beacon is `none`: the draw is only as trustworthy as the operator.
    pub warning: Option<String>,
}

/// A revealed object draw.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RevealView {
    pub draw: DrawView,
    /// How many objects were drawn (listed on the task).
    pub drawn: u64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskItemView {
    pub position: i32,
    pub department_code: String,
    pub department_name: String,
    pub item_version_id: i64,
    pub item_code: String,
    pub item_title: String,
    pub category: Term,
    pub ratio: String,
    pub divisions: Vec<String>,
    pub risk_classes: Vec<String>,
    pub draw: Option<DrawView>,
    /// How many objects the item drew.
    pub drawn_count: u64,
    /// The first [`DRAWN_INLINE`] of them in draw order; the rest page
    /// through [`App::task_item_objects`].
    pub drawn: Vec<DrawnObjectView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: Term,
    pub status: Term,
    pub department_code: String,
    pub department_name: String,
    pub participants: Vec<Term>,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub team_size: i32,
    pub plan_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    /// 公示期限 (第二十三条) once the inspections have begun: 20 working days
    /// after the task's end, and how it stands (met when published).
    pub publication_deadline: Option<crate::publication::DeadlineView>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct TaskRights {
    pub lock: bool,
    pub reveal: bool,
    pub confirm: bool,
    pub dispatch: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskDetail {
    pub task: TaskView,
    pub items: Vec<TaskItemView>,
    pub rights: TaskRights,
    /// The executing units' inspectors draws, the teams and the replacements.
    pub staffing: crate::teams::StaffingView,
}

fn json_codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&codes.collect::<Vec<_>>()).expect("serialisable")
}

fn scope_of(item: &TaskItemRow) -> PlanScope {
    fn parse<T: Ord>(text: &str, f: impl Fn(&str) -> Option<T>) -> BTreeSet<T> {
        serde_json::from_str::<Vec<String>>(text)
            .unwrap_or_default()
            .iter()
            .filter_map(|c| f(c))
            .collect()
    }
    PlanScope {
        object_kinds: parse(&item.object_kinds, |c| ObjectKind::parse(c).ok()),
        divisions: parse(&item.divisions, |c| DivisionCode::parse(c).ok()),
        risk_classes: parse(&item.risk_classes, |c| RiskClass::parse(c).ok()),
    }
}

fn ratio_bp(bp: i32) -> Ratio {
    Ratio::from_basis_points(bp.clamp(0, 10_000) as u16).unwrap_or(Ratio::FULL)
}

fn stratum_ratios(item: &TaskItemRow, ceiling: Ratio) -> StratumRatios {
    let mut r = StratumRatios::defaults(ratio_bp(item.ratio_bp), ceiling);
    if let Ok(map) = serde_json::from_str::<BTreeMap<String, i32>>(&item.stratum_ratios) {
        for (k, bp) in map {
            if let Some(key) = StratumKey::parse(&k) {
                r = r.with(key, ratio_bp(bp));
            }
        }
    }
    r
}

/// What an eligibility assessment gives, and where its objects live.
struct Assessed {
    assessment: spotcheck_domain::eligibility::Assessment,
    /// The directory it read (names and ids are looked up by code when needed,
    /// so a million candidates are never held twice).
    department_id: i64,
    kind: String,
}

impl App {
    /// A task the actor may see (some department of it lies in the jurisdiction).
    pub(crate) async fn task_for(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        id: i64,
    ) -> Result<TaskRow, AppError> {
        actor.require(Permission::ViewPlans)?;
        tasks::get_in(db, &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("抽查任务"))
    }

    /// The actor may run the task's draws: the initiating department's operator.
    fn runs_task(actor: &Actor, task: &TaskRow) -> bool {
        actor.may(Permission::ManageTasks) && actor.department.id == task.department_id
    }

    /// Plan entries of a department's published plan, by id.
    async fn published_entries(
        &self,
        db: &impl ConnectionTrait,
        department: &DepartmentRow,
        ids: &[i64],
    ) -> Result<Vec<plans::EntryRow>, AppError> {
        let mut out = Vec::new();
        for id in ids {
            let e = plans::entry(db, *id)
                .await?
                .ok_or_else(|| AppError::invalid("plan_entry_ids", format!("计划事项{id}不存在")))?;
            let p = plans::by_id(db, e.plan_id)
                .await?
                .ok_or_else(|| AppError::invalid("plan_entry_ids", format!("计划事项{id}不存在")))?;
            if p.department_id != department.id {
                return Err(AppError::invalid(
                    "plan_entry_ids",
                    format!("计划事项{id}不属于{}的年度抽查计划", department.name),
                ));
            }
            if p.status != PlanStatus::Published {
                return Err(AppError::invalid(
                    "plan_entry_ids",
                    format!(
                        "计划事项{id}所在的{}年度计划第{}版{}，只能从已公开的现行计划创建任务",
                        p.year,
                        p.version,
                        p.status.label()
                    ),
                ));
            }
            out.push(e);
        }
        Ok(out)
    }

    /// A new task (草稿) from entries of published plans.
    pub async fn create_task(&self, actor: &Actor, input: &NewTaskInput) -> Result<TaskDetail, AppError> {
        actor.require(Permission::ManageTasks)?;
        if actor.department.kind != DepartmentKind::Competent {
            return Err(AppError::Forbidden("抽查任务由归口部门发起".into()));
        }
        let db = self.store().conn();
        let name = check_task_name(&input.name).map_err(|e| AppError::invalid(e.field, e.message))?;
        let kind = if input.kind.trim().is_empty() {
            TaskKind::DoubleRandom
        } else {
            TaskKind::parse(&input.kind).map_err(|e| AppError::invalid("kind", e.to_string()))?
        };
        let date = |field: &str, label: &str, s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::invalid(field, format!("{label}“{s}”无效，请按 2026-05-01 的格式填写")))
        };
        let start = date("window_start", "开始日期", &input.window_start)?;
        let end = date("window_end", "结束日期", &input.window_end)?;
        let own = self
            .published_entries(db, &actor.department, &input.plan_entry_ids)
            .await?;
        let plan_year = match own.first() {
            Some(e) => plans::by_id(db, e.plan_id)
                .await?
                .map(|p| p.year)
                .unwrap_or(start.year()),
            None => start.year(),
        };
        let window = TaskWindow::new(start, end, plan_year).map_err(|e| AppError::invalid(e.field, e.message))?;
        let team_size = input.team_size.unwrap_or(MIN_TEAM_SIZE);
        if !(MIN_TEAM_SIZE..=10).contains(&team_size) {
            return Err(AppError::invalid(
                "team_size",
                format!("每个检查对象的检查人员应为{MIN_TEAM_SIZE}—10名（第十六条：不少于2名）"),
            ));
        }
        let mut participants = Vec::new();
        for p in &input.participants {
            let d = departments::by_code(db, p.department_code.trim())
                .await?
                .filter(|d| d.kind == DepartmentKind::Competent && d.active)
                .ok_or_else(|| {
                    AppError::invalid(
                        "participants",
                        format!("参与部门“{}”不存在或不是归口部门", p.department_code),
                    )
                })?;
            let entries = self.published_entries(db, &d, &p.plan_entry_ids).await?;
            participants.push((d, entries));
        }
        let unit_items = |d: &DepartmentRow, es: &[plans::EntryRow]| UnitItems {
            department: d.code.clone(),
            items: es.iter().map(|e| e.item_version_id).collect(),
        };
        let others: Vec<UnitItems> = participants.iter().map(|(d, es)| unit_items(d, es)).collect();
        check_units(kind, &unit_items(&actor.department, &own), &others).map_err(|e| {
            AppError::invalid(
                e.first().map(|e| e.field).unwrap_or("items"),
                e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
            )
        })?;
        let plan_id = own.first().map(|e| e.plan_id);
        let now = self.now();
        let tx = self.store().begin().await?;
        tasks::lock_numbering(&tx, actor.department.id).await?;
        let n = tasks::count_started(&tx, actor.department.id, window.start().year()).await? + 1;
        let code = format!("RW{}-{}-{n:03}", window.start().year(), actor.department.code);
        let task_id = tasks::insert_task(
            &tx,
            NewTask {
                code: code.clone(),
                name: name.clone(),
                kind: kind.code().to_string(),
                department_id: actor.department.id,
                plan_id,
                window_start: window.start(),
                window_end: window.end(),
                team_size,
                complaint_threshold: DEFAULT_COMPLAINT_THRESHOLD as i32,
                status: TaskStatus::Draft.code().to_string(),
                created_by: actor.user.username.clone(),
                now,
            },
        )
        .await
        .map_err(|e| match e {
            // Numbering runs under `lock_numbering`; a duplicate means a task
            // code was made outside this path.
            StoreError::Duplicate { .. } => AppError::Conflict("任务编号冲突，请重试".into()),
            other => other.into(),
        })?;
        tasks::insert_unit(&tx, task_id, actor.department.id, "initiator").await?;
        for (d, _) in &participants {
            tasks::insert_unit(&tx, task_id, d.id, "participant").await?;
        }
        let mut position = 0;
        for (dept_id, entries) in
            std::iter::once((actor.department.id, &own)).chain(participants.iter().map(|(d, e)| (d.id, e)))
        {
            for e in entries {
                position += 1;
                tasks::insert_item(
                    &tx,
                    NewTaskItem {
                        task_id,
                        position,
                        department_id: dept_id,
                        plan_entry_id: Some(e.id),
                        item_version_id: e.item_version_id,
                        object_kinds: json_codes(e.scope.object_kinds.iter().map(|k| k.code())),
                        divisions: json_codes(e.scope.divisions.iter().map(|d| d.as_str())),
                        risk_classes: json_codes(e.scope.risk_classes.iter().map(|r| r.code())),
                        ratio_bp: i32::from(e.ratio.basis_points()),
                        stratum_ratios: "{}".to_string(),
                    },
                )
                .await?;
            }
        }
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::TaskCreated, "task", task_id)
                .in_department(actor.department.code.as_str())
                .summary(format!("新建{}任务 {code}“{name}”（{position}个事项）", kind.label()))
                .after(serde_json::json!({"code": code, "kind": kind.code(), "items": position,
                    "window": [window.start(), window.end()], "team_size": team_size})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_task(actor, task_id).await
    }

    /// Tasks the actor's departments take part in.
    pub async fn list_tasks(&self, actor: &Actor) -> Result<Vec<TaskView>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let db = self.store().conn();
        let mut out = Vec::new();
        for t in tasks::list_in(db, &actor.jurisdiction()).await? {
            out.push(self.task_view(db, &t).await?);
        }
        Ok(out)
    }

    async fn task_view(&self, db: &impl ConnectionTrait, t: &TaskRow) -> Result<TaskView, AppError> {
        let dept = departments::by_id(db, t.department_id)
            .await?
            .ok_or_else(|| AppError::Internal("任务的发起部门不存在".into()))?;
        let mut participants = Vec::new();
        for u in tasks::units(db, t.id).await? {
            if u.role == "participant"
                && let Some(d) = departments::by_id(db, u.department_id).await?
            {
                participants.push(Term {
                    code: d.code.as_str().to_string(),
                    label: d.name,
                });
            }
        }
        let kind = TaskKind::parse(&t.kind).unwrap_or(TaskKind::DoubleRandom);
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        let publication_deadline = match status {
            TaskStatus::Inspecting | TaskStatus::Entered => Some(self.publication_deadline(t, None).await?),
            TaskStatus::Published | TaskStatus::Archived => {
                let published = spotcheck_store::publication::task_publication(db, t.id)
                    .await?
                    .map(|p| crate::actor::china_date(&p.published_at));
                Some(self.publication_deadline(t, published).await?)
            }
            _ => None,
        };
        Ok(TaskView {
            publication_deadline,
            id: t.id,
            code: t.code.clone(),
            name: t.name.clone(),
            kind: Term {
                code: kind.code().into(),
                label: kind.label().into(),
            },
            status: Term {
                code: status.code().into(),
                label: status.label().into(),
            },
            department_code: dept.code.as_str().to_string(),
            department_name: dept.name,
            participants,
            window_start: t.window_start,
            window_end: t.window_end,
            team_size: t.team_size,
            plan_id: t.plan_id,
            created_at: t.created_at,
            dispatched_at: t.dispatched_at,
        })
    }

    pub(crate) fn draw_view(d: &DrawSummary) -> DrawView {
        DrawView {
            draw_id: d.draw_id.clone(),
            kind: d.kind.clone(),
            status: d.status.clone(),
            beacon_source: d.beacon_source.clone(),
            commitment: d.commitment.clone(),
            committed_at: d.committed_at,
            revealed_at: d.revealed_at,
            url: format!("/public/draws/{}.json", d.draw_id),
            warning: (d.beacon_source == "none").then(|| {
                "本次抽取未使用公共随机信标：结果只能证明抽取输入在揭晓前已固定，不能排除操作人员在承诺前反复尝试的可能".to_string()
            }),
        }
    }

    async fn task_detail(
        &self,
        db: &impl ConnectionTrait,
        actor: Option<&Actor>,
        t: &TaskRow,
    ) -> Result<TaskDetail, AppError> {
        let task = self.task_view(db, t).await?;
        let draws: HashMap<String, DrawSummary> = tasks::draws_of(db, t.id)
            .await?
            .into_iter()
            .map(|d| (d.draw_id.clone(), d))
            .collect();
        let counts = tasks::object_counts(db, t.id).await?;
        let mut unit_names: HashMap<i64, String> = HashMap::new();
        let mut items = Vec::new();
        let rows = tasks::items(db, t.id).await?;
        for i in &rows {
            let v = items::version(db, i.item_version_id)
                .await?
                .ok_or_else(|| AppError::Internal("任务事项的事项版本不存在".into()))?;
            let code = items::by_id(db, v.item_id).await?.map(|x| x.code).unwrap_or_default();
            let dept = departments::by_id(db, i.department_id)
                .await?
                .ok_or_else(|| AppError::Internal("任务事项的部门不存在".into()))?;
            let scope = scope_of(i);
            let first = tasks::objects_page(db, i.id, 0, DRAWN_INLINE).await?;
            let drawn = Self::drawn_views(db, first, &mut unit_names).await?;
            items.push(TaskItemView {
                position: i.position,
                department_code: dept.code.as_str().to_string(),
                department_name: dept.name,
                item_version_id: i.item_version_id,
                item_code: code,
                item_title: v.spec.title(),
                category: Term {
                    code: v.spec.category.code().into(),
                    label: v.spec.category.label().into(),
                },
                ratio: ratio_bp(i.ratio_bp).to_string(),
                divisions: scope.divisions.iter().map(|d| d.as_str().to_string()).collect(),
                risk_classes: scope.risk_classes.iter().map(|r| r.label().to_string()).collect(),
                draw: i.draw_id.as_ref().and_then(|d| draws.get(d)).map(Self::draw_view),
                drawn_count: counts.get(&i.id).copied().unwrap_or(0),
                drawn,
            });
        }
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        let runs = actor.is_some_and(|a| Self::runs_task(a, t));
        let all_revealed = rows.iter().all(|i| {
            i.draw_id
                .as_ref()
                .and_then(|d| draws.get(d))
                .is_some_and(|d| d.status == "revealed")
        });
        let rights = TaskRights {
            lock: runs && status == TaskStatus::Draft && rows.iter().any(|i| i.draw_id.is_none()),
            reveal: runs
                && rows.iter().any(|i| {
                    i.draw_id
                        .as_ref()
                        .and_then(|d| draws.get(d))
                        .is_some_and(|d| d.status == "committed")
                }),
            confirm: runs && status.can(TaskAction::LockList) && all_revealed && !rows.is_empty(),
            dispatch: runs && status.can(TaskAction::Dispatch),
        };
        let staffing = self.staffing(db, actor, t).await?;
        Ok(TaskDetail {
            task,
            items,
            rights,
            staffing,
        })
    }

    /// Drawn objects as listed: name (masked for practitioners), stratum and
    /// executing unit; `unit_names` caches the units' names across calls.
    async fn drawn_views(
        db: &impl ConnectionTrait,
        rows: Vec<tasks::TaskObjectRow>,
        unit_names: &mut HashMap<i64, String>,
    ) -> Result<Vec<DrawnObjectView>, AppError> {
        let ids: Vec<i64> = rows.iter().map(|o| o.object_id).collect();
        let labels = tasks::object_labels(db, &ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for o in rows {
            let unit = match o.executing_department_id {
                Some(u) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = unit_names.entry(u) {
                        let n = departments::by_id(db, u).await?.map(|d| d.name).unwrap_or_default();
                        slot.insert(n);
                    }
                    unit_names[&u].clone()
                }
                None => String::new(),
            };
            out.push(DrawnObjectView {
                position: o.position,
                name: labels
                    .get(&o.object_id)
                    .map(|(k, n)| public_name(k, n))
                    .unwrap_or_default(),
                code: o.object_code,
                stratum: StratumKey::parse(&o.stratum)
                    .map(|k| k.name().to_string())
                    .unwrap_or_default(),
                executing_unit: unit,
            });
        }
        Ok(out)
    }

    async fn item_objects_page(
        &self,
        db: &impl ConnectionTrait,
        t: &TaskRow,
        position: i32,
        page: u64,
    ) -> Result<Page<DrawnObjectView>, AppError> {
        let rows = tasks::items(db, t.id).await?;
        let item = Self::item_at(&rows, position)?;
        let total = tasks::object_counts(db, t.id)
            .await?
            .get(&item.id)
            .copied()
            .unwrap_or(0);
        let page = page.max(1);
        let objects = tasks::objects_page(db, item.id, (page - 1) * DRAWN_PAGE, DRAWN_PAGE).await?;
        Ok(Page {
            items: Self::drawn_views(db, objects, &mut HashMap::new()).await?,
            total,
            page,
            page_size: DRAWN_PAGE,
        })
    }

    /// One page of item `position`'s drawn objects, in draw order (检查批次顺序).
    pub async fn task_item_objects(
        &self,
        actor: &Actor,
        id: i64,
        position: i32,
        page: u64,
    ) -> Result<Page<DrawnObjectView>, AppError> {
        let db = self.store().conn();
        let t = self.task_for(db, actor, id).await?;
        self.item_objects_page(db, &t, position, page).await
    }

    pub async fn get_task(&self, actor: &Actor, id: i64) -> Result<TaskDetail, AppError> {
        let db = self.store().conn();
        let t = self.task_for(db, actor, id).await?;
        self.task_detail(db, Some(actor), &t).await
    }

    /// The eligibility of one task item's objects, from the directory now.
    async fn assess_item(
        &self,
        db: &impl ConnectionTrait,
        t: &TaskRow,
        item: &TaskItemRow,
    ) -> Result<Assessed, AppError> {
        let v = items::version(db, item.item_version_id)
            .await?
            .ok_or_else(|| AppError::Internal("任务事项的事项版本不存在".into()))?;
        let dept = departments::by_id(db, item.department_id)
            .await?
            .ok_or_else(|| AppError::Internal("任务事项的部门不存在".into()))?;
        let item_kinds: BTreeSet<ObjectKind> = [v.spec.object_kind].into();
        let ceiling = ratio_ceiling(v.spec.category, v.spec.ratio_cap).map_err(|m| AppError::invalid("ratio", m))?;
        let rows = population::facts(self.store(), dept.id, &item_kinds, &v.spec.enterprise_kinds).await?;
        let year = t.window_start.year();
        let drawn = tasks::draws_per_code(db, v.spec.object_kind.code(), year, t.id).await?;
        // 第十二条: found compliant for this item this year, by an inspection
        // outside double-random (第三条) or by a double-random inspection whose
        // team has confirmed its result.
        let mut compliant =
            spotcheck_store::outside::compliant_item_codes(db, v.item_id, v.spec.object_kind.code(), year).await?;
        compliant.extend(
            spotcheck_store::inspections::compliant_item_codes(db, v.item_id, v.spec.object_kind.code(), year).await?,
        );
        let own_division = DivisionCode::parse(&dept.division_code).map_err(AppError::Internal)?;
        let in_jurisdiction = move |d: &DivisionCode| own_division.contains(d);
        let ctx = ItemContext {
            category: v.spec.category,
            ratio_cap: v.spec.ratio_cap,
            item_object_kinds: item_kinds,
            scope: scope_of(item),
            in_jurisdiction: &in_jurisdiction,
            complaint_threshold: u32::try_from(t.complaint_threshold)
                .unwrap_or(DEFAULT_COMPLAINT_THRESHOLD)
                .max(1),
            ratios: stratum_ratios(item, ceiling),
        };
        let mut facts = Vec::with_capacity(rows.len());
        for r in rows {
            let (Ok(kind), Ok(division)) = (ObjectKind::parse(&r.kind), DivisionCode::parse(&r.division_code)) else {
                continue;
            };
            let drawn_this_year = drawn.get(&r.key_code).copied().unwrap_or(0);
            let compliant_this_year = compliant.contains(&r.key_code);
            facts.push(ObjectFacts {
                id: r.key_code,
                active: r.active,
                kind,
                division,
                risk: RiskInfo {
                    risk_class: RiskClass::parse(&r.risk_class).unwrap_or(RiskClass::A),
                    abnormal: r.abnormal,
                    key_focus: r.key_focus,
                    serious_violation: r.serious_violation,
                    complaints: u32::try_from(r.complaints).unwrap_or(0),
                },
                drawn_this_year,
                compliant_this_year,
            });
        }
        let assessment = assess(&facts, &ctx).map_err(|e| {
            AppError::invalid(
                "ratio",
                e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
            )
        })?;
        Ok(Assessed {
            assessment,
            department_id: dept.id,
            kind: v.spec.object_kind.code().to_string(),
        })
    }

    fn item_at(rows: &[TaskItemRow], position: i32) -> Result<&TaskItemRow, AppError> {
        rows.iter()
            .find(|i| i.position == position)
            .ok_or_else(|| AppError::not_found("任务事项"))
    }

    /// Who may be drawn for item `position`, with every excluded object's reason.
    pub async fn task_item_eligibility(
        &self,
        actor: &Actor,
        id: i64,
        position: i32,
    ) -> Result<EligibilityView, AppError> {
        let db = self.store().conn();
        let t = self.task_for(db, actor, id).await?;
        let rows = tasks::items(db, t.id).await?;
        let item = Self::item_at(&rows, position)?;
        let a = self.assess_item(db, &t, item).await?;
        let mut sample = Vec::new();
        for s in &a.assessment.strata {
            for e in &s.excluded {
                if sample.len() >= PREVIEW_EXCLUDED {
                    break;
                }
                sample.push(ExcludedView {
                    code: e.id.clone(),
                    name: String::new(),
                    stratum: s.name.clone(),
                    reason: e.reason.text(),
                });
            }
        }
        let codes: Vec<String> = sample.iter().map(|x| x.code.clone()).collect();
        let names: HashMap<String, String> = population::by_codes(db, a.department_id, &a.kind, &codes)
            .await?
            .into_iter()
            .map(|(_, code, name, _)| (code, name))
            .collect();
        for x in &mut sample {
            x.name = names.get(&x.code).cloned().unwrap_or_default();
        }
        Ok(EligibilityView {
            strata: a
                .assessment
                .strata
                .iter()
                .map(|s| StratumView {
                    key: s.key.code().to_string(),
                    name: s.name.clone(),
                    ratio: s.ratio.to_string(),
                    candidates: s.candidates.len(),
                    excluded: s.excluded.len(),
                    quota: s.quota,
                })
                .collect(),
            eligible: a.assessment.eligible_count(),
            excluded: a.assessment.excluded_count(),
            total_quota: a.assessment.total_quota(),
            excluded_sample: sample,
        })
    }

    /// A draft task the actor runs (the initiating department's operator):
    /// what every step before the list is locked needs. `doing` names the step.
    async fn draft_task_run_by(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        id: i64,
        doing: &str,
    ) -> Result<TaskRow, AppError> {
        let t = self.task_for(db, actor, id).await?;
        if !Self::runs_task(actor, &t) {
            return Err(AppError::Forbidden(format!("只有发起部门的管理员可以{doing}")));
        }
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        if status != TaskStatus::Draft {
            return Err(AppError::Conflict(format!("任务{}，不能再{doing}", status.label())));
        }
        Ok(t)
    }

    /// Sets item `position`'s ratio per risk stratum before its draw is
    /// locked: never 0 %, never above the item's ceiling (第八条), never lower
    /// for a higher risk (第十四条). Returns the eligibility with the new quotas.
    pub async fn set_task_item_ratios(
        &self,
        actor: &Actor,
        id: i64,
        position: i32,
        input: &RatiosInput,
    ) -> Result<EligibilityView, AppError> {
        let db = self.store().conn();
        let t = self.draft_task_run_by(db, actor, id, "调整抽查比例").await?;
        let rows = tasks::items(db, t.id).await?;
        let item = Self::item_at(&rows, position)?;
        let locked = || {
            AppError::Conflict(format!(
                "第{position}项已经锁定，抽查比例已记入公开的抽取记录，不能再调整"
            ))
        };
        if item.draw_id.is_some() {
            return Err(locked());
        }
        let v = items::version(db, item.item_version_id)
            .await?
            .ok_or_else(|| AppError::Internal("任务事项的事项版本不存在".into()))?;
        let ceiling = ratio_ceiling(v.spec.category, v.spec.ratio_cap).map_err(|m| AppError::invalid("ratio", m))?;
        let before = stratum_ratios(item, ceiling);
        let mut after = before;
        let mut errors = Vec::new();
        for (k, raw) in &input.ratios {
            let Some(key) = StratumKey::parse(k.trim()) else {
                errors.push(format!("风险分层“{k}”不存在，应为 A类、B类、C类、D类 或 重点关注"));
                continue;
            };
            match Ratio::parse(raw) {
                Ok(r) => after = after.with(key, r),
                Err(m) => errors.push(format!("{key}的抽查比例“{raw}”{m}")),
            }
        }
        if errors.is_empty()
            && let Err(es) = after.check(v.spec.category, v.spec.ratio_cap)
        {
            errors.extend(es.into_iter().map(|e| e.message));
        }
        if !errors.is_empty() {
            return Err(AppError::invalid("stratum_ratios", errors.join("；")));
        }
        let as_map = |r: &StratumRatios| -> BTreeMap<&'static str, u16> {
            StratumKey::ALL
                .iter()
                .map(|k| (k.code(), r.get(*k).basis_points()))
                .collect()
        };
        let label = |r: &StratumRatios| -> String {
            StratumKey::ALL
                .iter()
                .map(|k| format!("{k}{}", r.get(*k)))
                .collect::<Vec<_>>()
                .join("、")
        };
        let tx = self.store().begin().await?;
        if !tasks::set_item_ratios(
            &tx,
            item.id,
            &serde_json::to_string(&as_map(&after)).unwrap_or_default(),
        )
        .await?
        {
            return Err(locked());
        }
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::TaskItemRatiosSet, "task", t.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "设定任务{}第{position}项的分层抽查比例：{}",
                    t.code,
                    label(&after)
                ))
                .before(serde_json::json!({"position": position, "ratios_bp": as_map(&before)}))
                .after(serde_json::json!({"position": position, "ratios_bp": as_map(&after)})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.task_item_eligibility(actor, id, position).await
    }

    /// 锁定: commits item `position`'s object draw and publishes its record.
    pub async fn lock_task_item(
        &self,
        actor: &Actor,
        id: i64,
        position: i32,
        input: &LockInput,
    ) -> Result<DrawView, AppError> {
        let db = self.store().conn();
        let t = self.draft_task_run_by(db, actor, id, "锁定抽取").await?;
        let rows = tasks::items(db, t.id).await?;
        let item = Self::item_at(&rows, position)?;
        if item.draw_id.is_some() {
            return Err(AppError::Conflict(format!(
                "第{position}项已经锁定，抽取记录已公布，不能重新抽取"
            )));
        }
        let now = self.now();
        let source = beacon_source(input, now)?;
        let a = self.assess_item(db, &t, item).await?;
        let raw: Vec<RawStratum> = a
            .assessment
            .strata
            .iter()
            .map(|s| RawStratum {
                name: s.name.clone(),
                quota: s.quota,
                candidates: s.candidates.clone(),
                excluded: s.excluded_pairs(),
            })
            .collect();
        let cleaned = canonical::objects(&raw).map_err(|e| draw_error("抽取输入有误", e))?;
        let draw_id = format!("{}-{}", t.code, position);
        let tx = self.store().begin().await?;
        if !tasks::claim_item_draw(&tx, item.id, &draw_id).await? {
            return Err(AppError::Conflict(format!(
                "第{position}项刚刚已由他人锁定，抽取记录已公布，请刷新页面"
            )));
        }
        let committed = self
            .commit_draw(
                &tx,
                actor,
                DrawOwner {
                    draw_id: draw_id.clone(),
                    task_id: t.id,
                    task_item_id: Some(item.id),
                    department_id: None,
                },
                source,
                DrawInputs::Objects(cleaned.value),
            )
            .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DrawCommitted, "draw", &draw_id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "锁定任务{}第{position}项的检查对象抽取：{}个候选、{}个排除、应抽{}个，随机信标：{}",
                    t.code,
                    a.assessment.eligible_count(),
                    a.assessment.excluded_count(),
                    a.assessment.total_quota(),
                    committed.record().beacon_source().as_str()
                ))
                .after(serde_json::json!({"draw_id": draw_id, "commitment": committed.record().commitment().to_hex()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.stored_draw_view(db, &draw_id).await
    }

    /// 揭晓: computes item `position`'s drawn objects from the beacon named at
    /// commit, publishes the complete record and writes the drawn list.
    pub async fn reveal_task_item(
        &self,
        actor: &Actor,
        id: i64,
        position: i32,
        input: &RevealInput,
    ) -> Result<RevealView, AppError> {
        let db = self.store().conn();
        let t = self.task_for(db, actor, id).await?;
        if !Self::runs_task(actor, &t) {
            return Err(AppError::Forbidden("只有发起部门的管理员可以揭晓抽取".into()));
        }
        let rows = tasks::items(db, t.id).await?;
        let item = Self::item_at(&rows, position)?;
        let draw_id = item
            .draw_id
            .clone()
            .ok_or_else(|| AppError::Conflict(format!("第{position}项尚未锁定，请先锁定抽取")))?;
        let d = tasks::draw_by_draw_id(db, &draw_id)
            .await?
            .ok_or_else(|| AppError::Internal("抽取记录不存在".into()))?;
        if d.status != "committed" {
            return Err(AppError::Conflict(format!("第{position}项的抽取已经揭晓")));
        }
        let committed = self.restore_draw(&d)?;
        let value = self.beacon_value(&committed, input).await?;
        let revealed = committed.reveal(value).map_err(|e| draw_error("揭晓失败", vec![e]))?;
        let DrawResult::Objects(result) = revealed.result() else {
            return Err(AppError::Internal("抽取类型不符".into()));
        };
        // The drawn codes' ids and divisions (for the executing unit), looked up by code.
        let version = items::version(db, item.item_version_id)
            .await?
            .ok_or_else(|| AppError::Internal("任务事项的事项版本不存在".into()))?;
        let object_kind = version.spec.object_kind.code().to_string();
        let selected: Vec<String> = result
            .strata
            .iter()
            .flat_map(|s| s.selected.iter().map(|c| c.as_str().to_string()))
            .collect();
        let found = population::locate(
            self.store(),
            item.department_id,
            version.spec.object_kind,
            selected.iter().cloned().collect(),
        )
        .await?;
        let units: Vec<(i64, String)> = self
            .executing_units(db, item.department_id)
            .await?
            .into_iter()
            .map(|u| (u.id, u.division_code))
            .collect();
        let year = t.window_start.year();
        let mut objects = Vec::with_capacity(selected.len());
        let mut n = 0;
        for s in &result.strata {
            let key = StratumKey::ALL
                .iter()
                .find(|k| k.name() == s.name.as_str())
                .map(|k| k.code().to_string())
                .unwrap_or_default();
            for code in &s.selected {
                let Some((object_id, division)) = found.get(code.as_str()) else {
                    return Err(AppError::Conflict(format!(
                        "抽中的对象{}已不在名录库中，请联系系统管理员核查",
                        code.as_str()
                    )));
                };
                n += 1;
                objects.push(NewTaskObject {
                    task_id: t.id,
                    task_item_id: item.id,
                    object_id: *object_id,
                    object_kind: object_kind.clone(),
                    object_code: code.as_str().to_string(),
                    stratum: key.clone(),
                    position: n,
                    executing_department_id: Some(unit_for(&units, division)),
                    year,
                    random: true,
                });
            }
        }
        let now = self.now();
        let tx = self.store().begin().await?;
        tasks::set_revealed(&tx, d.id, &revealed.to_json(), now).await?;
        tasks::insert_objects(&tx, objects).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DrawRevealed, "draw", &draw_id)
                .in_department(actor.department.code.as_str())
                .summary(format!("揭晓任务{}第{position}项的抽取：抽中{n}个检查对象", t.code))
                .after(serde_json::json!({"draw_id": draw_id, "seed": revealed.seed().to_hex(), "drawn": n})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let d = tasks::draw_summary(db, &draw_id)
            .await?
            .ok_or_else(|| AppError::Internal("抽取记录不存在".into()))?;
        // The draw and how many were drawn; the list itself is on the task
        // (a 重点 item may draw hundreds of thousands of objects).
        Ok(RevealView {
            draw: Self::draw_view(&d),
            drawn: n as u64,
        })
    }

    /// The units a department's objects are dispatched to: its active
    /// executing units, or the department itself when it has none. Drawing
    /// (where objects go) and matching (whose inspectors may go) both use it.
    pub(crate) async fn executing_units(
        &self,
        db: &impl ConnectionTrait,
        department_id: i64,
    ) -> Result<Vec<DepartmentRow>, AppError> {
        let mut units: Vec<DepartmentRow> = departments::units_of(db, department_id)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .collect();
        if units.is_empty()
            && let Some(d) = departments::by_id(db, department_id).await?
        {
            units.push(d);
        }
        Ok(units)
    }

    /// The view of a draw just stored (after a commit).
    pub(crate) async fn stored_draw_view(
        &self,
        db: &impl ConnectionTrait,
        draw_id: &str,
    ) -> Result<DrawView, AppError> {
        let d = tasks::draw_summary(db, draw_id)
            .await?
            .ok_or_else(|| AppError::Internal("抽取记录未保存".into()))?;
        Ok(Self::draw_view(&d))
    }

    /// 确认锁定名单: every item revealed, the task's list is final (已锁定名单).
    pub async fn confirm_task_list(&self, actor: &Actor, id: i64) -> Result<TaskDetail, AppError> {
        self.task_step(actor, id, TaskAction::LockList).await
    }

    /// 派发: the locked list goes to the executing units (已派发).
    pub async fn dispatch_task(&self, actor: &Actor, id: i64) -> Result<TaskDetail, AppError> {
        self.task_step(actor, id, TaskAction::Dispatch).await
    }

    async fn task_step(&self, actor: &Actor, id: i64, action: TaskAction) -> Result<TaskDetail, AppError> {
        let db = self.store().conn();
        let t = self.task_for(db, actor, id).await?;
        if !Self::runs_task(actor, &t) {
            return Err(AppError::Forbidden(format!(
                "只有发起部门的管理员可以{}",
                action.label()
            )));
        }
        let from = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        let to = from.transition(action).map_err(|e| AppError::Conflict(e.to_string()))?;
        let detail = self.task_detail(db, Some(actor), &t).await?;
        if action == TaskAction::LockList && !detail.rights.confirm {
            return Err(AppError::Conflict(
                "还有事项未锁定或未揭晓，全部揭晓后才能确认名单".into(),
            ));
        }
        let drawn: u64 = detail.items.iter().map(|i| i.drawn_count).sum();
        let now = self.now();
        let tx = self.store().begin().await?;
        tasks::set_status(&tx, t.id, from.code(), to.code(), now, action == TaskAction::Dispatch).await?;
        if action == TaskAction::Dispatch {
            // Each executing unit that received objects is told what to do next.
            let mut units: BTreeMap<i64, usize> = BTreeMap::new();
            for o in tasks::objects_of(&tx, t.id).await? {
                if let Some(u) = o.executing_department_id {
                    *units.entry(u).or_default() += 1;
                }
            }
            // The unit, and the department it belongs to (whose operator
            // matches for a unit without accounts of its own).
            let mut recipients: BTreeMap<(i64, bool), usize> = BTreeMap::new();
            for (unit, n) in units {
                recipients.insert((unit, false), n);
                if let Some(parent) = departments::by_id(&tx, unit)
                    .await?
                    .filter(|u| u.kind == DepartmentKind::ExecutingUnit)
                    .and_then(|u| u.parent_id)
                {
                    recipients.insert((parent, true), n);
                }
            }
            for ((unit, parent), n) in recipients {
                crate::messages::notify(
                    &tx,
                    now,
                    crate::messages::Notice {
                        to: crate::messages::Recipient::Department {
                            department_id: unit,
                            permission: if parent {
                                Permission::ManageTasks
                            } else {
                                Permission::ViewPlans
                            },
                        },
                        kind: "task_dispatched",
                        title: if parent {
                            format!(
                                "任务{}“{}”已派发{n}个检查对象至所属执行单位，待匹配检查人员",
                                t.code, t.name
                            )
                        } else {
                            format!("任务{}“{}”已派发{n}个检查对象至本单位，待匹配检查人员", t.code, t.name)
                        },
                        body: String::new(),
                        link: format!("/tasks/{}", t.id),
                        action_required: true,
                        subject: ("task_dispatch", t.id),
                    },
                )
                .await?;
            }
        }
        let (audit, summary) = match action {
            TaskAction::LockList => (
                AuditAction::TaskListLocked,
                format!("确认任务{}的检查对象名单（{drawn}个）", t.code),
            ),
            _ => (
                AuditAction::TaskDispatched,
                format!("派发任务{}的检查对象名单（{drawn}个）至执行单位", t.code),
            ),
        };
        record(
            &tx,
            &By::actor(actor),
            Change::new(audit, "task", t.id)
                .in_department(actor.department.code.as_str())
                .summary(summary)
                .before(serde_json::json!({"status": from.code()}))
                .after(serde_json::json!({"status": to.code()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_task(actor, id).await
    }

    // ---- public ----

    /// The URLs of every published draw record.
    pub async fn public_draw_urls(&self) -> Result<Vec<String>, AppError> {
        Ok(tasks::public_draw_ids(self.store().conn())
            .await?
            .into_iter()
            .map(|id| format!("/public/draws/{id}.json"))
            .collect())
    }

    /// One draw record in the spec's format: committed, or complete after the reveal.
    pub async fn public_draw_json(&self, draw_id: &str) -> Result<String, AppError> {
        tasks::public_record(self.store().conn(), draw_id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该抽取记录".into()))
    }

    /// Tasks with published draws, for the public site.
    pub async fn public_tasks(&self) -> Result<Vec<TaskView>, AppError> {
        let db = self.store().conn();
        let mut out = Vec::new();
        for t in tasks::list_public(db).await? {
            out.push(self.task_view(db, &t).await?);
        }
        Ok(out)
    }

    /// One task with its draws and drawn objects, for the public site.
    pub async fn public_task(&self, id: i64) -> Result<TaskDetail, AppError> {
        let db = self.store().conn();
        let t = self.public_task_row(db, id).await?;
        let mut d = self.task_detail(db, None, &t).await?;
        // Who asked and the facts behind a replacement (a health matter, a
        // relative's job) are internal; the reason's category and the draw are public.
        for r in &mut d.staffing.replacements {
            r.note.clear();
            r.requested_by.clear();
            r.decided_by = None;
            r.decision_note.clear();
        }
        Ok(d)
    }

    /// One page of a public task item's drawn objects.
    pub async fn public_task_item_objects(
        &self,
        id: i64,
        position: i32,
        page: u64,
    ) -> Result<Page<DrawnObjectView>, AppError> {
        let db = self.store().conn();
        let t = self.public_task_row(db, id).await?;
        self.item_objects_page(db, &t, position, page).await
    }

    async fn public_task_row(&self, db: &impl ConnectionTrait, id: i64) -> Result<TaskRow, AppError> {
        let t = tasks::by_id(db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该抽查任务".into()))?;
        if tasks::draws_of(db, t.id).await?.is_empty() {
            return Err(AppError::NotFound("未找到该抽查任务".into()));
        }
        Ok(t)
    }
}

/// The unit an object goes to: among the units, the one whose division most
/// closely contains the object's division; the first by order on a tie.
fn unit_for(units: &[(i64, String)], object_division: &str) -> i64 {
    let target = DivisionCode::parse(object_division).ok();
    let mut best: Option<(usize, i64)> = None;
    for (id, division) in units {
        let Ok(d) = DivisionCode::parse(division) else { continue };
        let fits = target.as_ref().is_none_or(|t| d.contains(t));
        if fits {
            let depth = d.prefix().len();
            if best.is_none_or(|(b, _)| depth > b) {
                best = Some((depth, *id));
            }
        }
    }
    best.map(|(_, id)| id)
        .or_else(|| units.first().map(|u| u.0))
        .unwrap_or(0)
}

/// The name the public sees: enterprises and projects by name, practitioners
/// by a masked name (第十六条 publishes inspectors, not practitioners' identities).
pub(crate) fn public_name(kind: &str, name: &str) -> String {
    if kind == ObjectKind::Practitioner.code() {
        let mut chars = name.chars();
        match chars.next() {
            Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
            None => String::new(),
        }
    } else {
        name.to_string()
    }
}
