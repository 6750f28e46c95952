//! 年度抽查计划 as use cases (第十二条、第十三条): a department drafts its plan
//! for a year from the item list, files it (报备) with its superior
//! department, which acknowledges it or returns it with a comment; the
//! department then publishes it (社会公开). An adjustment after publication
//! is a new version with a reason that goes the same way; every published
//! version stays public.
//!
//! Who may act is decided here, in one function ([`App::plan_for`]): the
//! planning department's operators (管理计划) for its own plan, the superior
//! department's reviewers (审核计划) for the answer. The province's plan has
//! no superior on the platform (it files with the 住房城乡建设部), so its own
//! reviewers record the outside acknowledgement with a comment naming it.

use crate::audit::{By, Change, record};
use crate::{Actor, App, AppError};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::item::{ItemStatus, Ratio};
use spotcheck_domain::plan::{
    self, AnnualPlan, PlanAction, PlanEntry, PlanError, PlanScope, PlanStatus, check_adjustment_reason,
    check_return_comment, filing_timeliness, pending_filing_label,
};
use spotcheck_domain::role::Permission;
use spotcheck_domain::vocab::{ObjectKind, RiskClass};
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::items::{self, VersionRow};
use spotcheck_store::plans::{self, EntryRow, NewEntry, NewEvent, NewPlan, PlanFilter, PlanRow, StatusFields};
use spotcheck_store::population::{self, Population};
use spotcheck_store::{ConnectionTrait, StoreError};
use std::collections::{BTreeSet, HashMap};
use utoipa::ToSchema;

/// Most entries a plan may have (the province's list has a few dozen items;
/// each may appear a few times with different scopes or months).
pub const MAX_ENTRIES: usize = 200;
/// Length limit of an entry's 备注.
pub const MAX_NOTE: usize = 200;

/// A code with its Chinese label.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct Term {
    pub code: String,
    pub label: String,
}

impl Term {
    fn new(code: &str, label: &str) -> Self {
        Self {
            code: code.to_string(),
            label: label.to_string(),
        }
    }
}

/// One plan version in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub department_code: String,
    pub department_name: String,
    pub year: i32,
    pub version: i32,
    pub status: Term,
    /// Empty for version 1.
    pub adjustment_reason: String,
    pub entry_count: usize,
    /// `按期报备（截止2026年3月10日）`, `逾期5天报备（…）`, or for a plan not filed
    /// yet `距报备截止（…）还有3天` / `已逾期2天未报备（…）`; empty for an adjustment.
    pub filing: String,
    /// True when filed late, or not filed and past the deadline.
    pub filing_late: bool,
    pub filed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One entry as shown.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// The entry's id (tasks are made from entries of published plans).
    pub id: i64,
    pub position: i32,
    pub item_version_id: i64,
    pub item_code: String,
    pub item_version: i32,
    pub item_title: String,
    pub category: Term,
    /// `5%`; for a 一般 item, the cap it may not exceed.
    pub ratio: String,
    pub ratio_cap: Option<String>,
    /// Empty = all the item's kinds.
    pub object_kinds: Vec<Term>,
    /// The item's own object kinds.
    pub item_object_kinds: Vec<Term>,
    /// Empty = the whole jurisdiction.
    pub divisions: Vec<Term>,
    /// Empty = all classes.
    pub risk_classes: Vec<Term>,
    pub months: Vec<u32>,
    /// `3月、4月、9月`.
    pub months_label: String,
    /// Objects in scope in the directory now.
    pub population: u64,
    /// 预估数量: ⌈ratio × population⌉, computed now.
    pub estimate: u64,
    pub note: String,
}

/// One step of a version's history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_name: String,
    pub actor_department: String,
    pub comment: String,
}

/// What the current user may do now, for the buttons.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PlanRights {
    pub edit: bool,
    pub file: bool,
    pub acknowledge: bool,
    pub r#return: bool,
    pub publish: bool,
    pub adjust: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanDetail {
    pub plan: PlanSummary,
    /// The department the plan is filed with; `None` for the province (files with the 住房城乡建设部).
    pub superior_name: Option<String>,
    pub answer_comment: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub entries: Vec<EntryView>,
    pub total_estimate: u64,
    pub events: Vec<EventView>,
    /// Every version of this department's plan for the year.
    pub versions: Vec<PlanSummary>,
    pub rights: PlanRights,
    /// Problems that keep the plan from being filed now (empty when it can be).
    pub filing_problems: Vec<String>,
}

/// One entry as entered.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct EntryInput {
    /// The id of the item version (the item's current version when added).
    pub item_version_id: i64,
    /// Object-kind codes or labels; empty = all the item's kinds.
    #[serde(default)]
    pub object_kinds: Vec<String>,
    /// 行政区划代码 inside the department's division; empty = the whole jurisdiction.
    #[serde(default)]
    pub divisions: Vec<String>,
    /// `A`…`D`; empty = all.
    #[serde(default)]
    pub risk_classes: Vec<String>,
    /// `5%`, `5` or `0.05`.
    pub ratio: String,
    /// 1..=12.
    #[serde(default)]
    pub months: Vec<u32>,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct EntriesInput {
    #[serde(default)]
    pub entries: Vec<EntryInput>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewPlanInput {
    #[serde(default)]
    pub year: i32,
    /// Start from the entries of this department's plan of another year (its latest version).
    #[serde(default)]
    pub copy_from_year: Option<i32>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CommentInput {
    #[serde(default)]
    pub comment: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PlanQuery {
    pub year: Option<i32>,
    /// A status code.
    pub status: Option<String>,
    /// A department code.
    pub department: Option<String>,
}

/// An item version that may be planned, for the entry form.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlannableItem {
    pub version_id: i64,
    pub code: String,
    pub title: String,
    pub category: Term,
    pub object_kind: Term,
    /// Its 抽查比例 as listed (the default for a new entry).
    pub ratio: String,
    pub ratio_cap: Option<String>,
    /// 适用企业类型: an enterprise is in the item's population only when it
    /// has one of them (empty: every enterprise).
    pub enterprise_kinds: Vec<String>,
}

fn plan_errors(errors: &[PlanError]) -> AppError {
    let field = errors.first().map(|e| e.field).unwrap_or("entries");
    let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
    AppError::invalid(field, message)
}

fn months_label(months: &BTreeSet<u32>) -> String {
    months.iter().map(|m| format!("{m}月")).collect::<Vec<_>>().join("、")
}

/// The actor's side in a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sides {
    /// The actor may act for the planning department.
    department: bool,
    /// The actor may give the superior's answer.
    superior: bool,
}

/// A plan version with what the use cases need around it.
struct Loaded {
    plan: PlanRow,
    department: DepartmentRow,
    superior: Option<DepartmentRow>,
    sides: Sides,
}

impl App {
    /// Loads version `id` if the actor may see it (its department lies in the
    /// actor's jurisdiction) and works out which side the actor may act for.
    async fn plan_for(&self, db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Loaded, AppError> {
        actor.require(Permission::ViewPlans)?;
        let plan = plans::get_in(db, &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("年度抽查计划"))?;
        let department = departments::by_id(db, plan.department_id)
            .await?
            .ok_or_else(|| AppError::not_found("年度抽查计划"))?;
        let superior = match department.parent_id {
            Some(p) => departments::by_id(db, p).await?,
            None => None,
        };
        let own = actor.department.id == department.id;
        let sides = Sides {
            department: own && actor.may(Permission::ManagePlans),
            superior: actor.may(Permission::ReviewPlans)
                && match &superior {
                    Some(s) => actor.department.id == s.id,
                    // 省住建厅: records the acknowledgement of the 住房城乡建设部 itself.
                    None => own,
                },
        };
        Ok(Loaded {
            plan,
            department,
            superior,
            sides,
        })
    }

    /// The departments the actor may plan for: its own, when it is a 归口部门.
    fn planning_department(&self, actor: &Actor) -> Result<DepartmentRow, AppError> {
        actor.require(Permission::ManagePlans)?;
        if actor.department.kind != DepartmentKind::Competent {
            return Err(AppError::Forbidden(
                "年度抽查计划由归口部门制定，执行单位不单独制定计划".to_string(),
            ));
        }
        Ok(actor.department.clone())
    }

    async fn plan_summary(
        &self,
        db: &impl ConnectionTrait,
        p: &PlanRow,
        department: &DepartmentRow,
    ) -> Result<PlanSummary, AppError> {
        let entry_count = plans::entries(db, p.id).await?.len();
        Ok(self.plan_summary_with(p, department, entry_count))
    }

    fn plan_summary_with(&self, p: &PlanRow, department: &DepartmentRow, entry_count: usize) -> PlanSummary {
        let (filing, filing_late) = if p.version > 1 {
            (String::new(), false)
        } else if let Some(filed) = p.filed_at {
            let day = filed.with_timezone(&crate::actor::china()).date_naive();
            match filing_timeliness(p.year, day) {
                Some(t) => (t.filed_label(), t.is_late()),
                None => (String::new(), false),
            }
        } else {
            let today = self.today();
            let late = plan::filing_deadline(p.year).is_some_and(|d| today > d);
            (pending_filing_label(p.year, today).unwrap_or_default(), late)
        };
        PlanSummary {
            id: p.id,
            department_code: department.code.as_str().to_string(),
            department_name: department.name.clone(),
            year: p.year,
            version: p.version,
            status: Term::new(p.status.code(), p.status.label()),
            adjustment_reason: p.adjustment_reason.clone(),
            entry_count,
            filing,
            filing_late,
            filed_at: p.filed_at,
            published_at: p.published_at,
            updated_at: p.updated_at,
        }
    }

    /// Plans inside the actor's jurisdiction (latest version of each department
    /// and year unless a status is asked for).
    pub async fn list_plans(&self, actor: &Actor, q: &PlanQuery) -> Result<Vec<PlanSummary>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let db = self.store().conn();
        let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(PlanStatus::parse(s).map_err(|e| AppError::invalid("status", e.to_string()))?),
            None => None,
        };
        let department_id = match q.department.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(
                departments::get_code_in(db, &actor.jurisdiction(), code)
                    .await?
                    .ok_or_else(|| AppError::not_found("部门"))?
                    .id,
            ),
            None => None,
        };
        let filter = PlanFilter {
            year: q.year,
            status,
            department_id,
            latest_only: status.is_none(),
        };
        let rows = plans::list_in(db, &actor.jurisdiction(), &filter).await?;
        self.plan_summaries(db, &rows).await
    }

    async fn plan_summaries(&self, db: &impl ConnectionTrait, rows: &[PlanRow]) -> Result<Vec<PlanSummary>, AppError> {
        let mut depts: HashMap<i64, DepartmentRow> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = depts.entry(p.department_id) {
                let d = departments::by_id(db, p.department_id)
                    .await?
                    .ok_or_else(|| AppError::Internal("计划所属部门不存在".into()))?;
                slot.insert(d);
            }
            out.push(self.plan_summary(db, p, &depts[&p.department_id]).await?);
        }
        Ok(out)
    }

    /// Plans filed with the actor's department and waiting for its answer.
    pub async fn plans_awaiting_answer(&self, actor: &Actor) -> Result<Vec<PlanSummary>, AppError> {
        if !actor.may(Permission::ReviewPlans) || !actor.may(Permission::ViewPlans) {
            return Ok(Vec::new());
        }
        let db = self.store().conn();
        let subs: Vec<i64> = departments::subordinates_of(db, actor.department.id)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        let rows = plans::filed_by(db, &subs).await?;
        self.plan_summaries(db, &rows).await
    }

    /// Years for the list's filter: those with plans, plus this year and the next.
    pub async fn plan_years(&self, actor: &Actor) -> Result<Vec<i32>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let mut years = plans::years_in(self.store().conn(), &actor.jurisdiction()).await?;
        let this = self.today().year();
        for y in [this + 1, this] {
            if !years.contains(&y) {
                years.push(y);
            }
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        Ok(years)
    }

    /// One version with its entries (预估数量 computed now), history and versions.
    pub async fn get_plan(&self, actor: &Actor, id: i64) -> Result<PlanDetail, AppError> {
        let db = self.store().conn();
        let l = self.plan_for(db, actor, id).await?;
        self.plan_detail(db, l).await
    }

    async fn plan_detail(&self, db: &impl ConnectionTrait, l: Loaded) -> Result<PlanDetail, AppError> {
        let rows = plans::entries(db, l.plan.id).await?;
        let mut entries = Vec::with_capacity(rows.len());
        for e in &rows {
            entries.push(self.plan_entry_view(db, l.plan.department_id, e).await?);
        }
        let total_estimate = entries.iter().map(|e| e.estimate).sum();
        let events = plans::events(db, l.plan.id)
            .await?
            .into_iter()
            .map(|e| EventView {
                at: e.at,
                action: if e.action == "create" {
                    "新建".to_string()
                } else {
                    PlanAction::parse(&e.action)
                        .map(|a| a.label().to_string())
                        .unwrap_or(e.action)
                },
                actor_name: e.actor_name,
                actor_department: e.actor_department,
                comment: e.comment,
            })
            .collect();
        let mut versions = Vec::new();
        for v in plans::versions(db, l.plan.department_id, l.plan.year).await? {
            versions.push(self.plan_summary(db, &v, &l.department).await?);
        }
        let status = l.plan.status;
        let latest = versions.last().map(|v| v.id) == Some(l.plan.id);
        let rights = PlanRights {
            edit: l.sides.department && status.can(PlanAction::Edit),
            file: l.sides.department && status.can(PlanAction::File),
            acknowledge: l.sides.superior && status.can(PlanAction::Acknowledge),
            r#return: l.sides.superior && status.can(PlanAction::Return),
            publish: l.sides.department && status.can(PlanAction::Publish),
            adjust: l.sides.department && status.can(PlanAction::Adjust) && latest,
        };
        let filing_problems = if status.can(PlanAction::File) {
            match self.domain_plan(db, &l.department, &l.plan, &rows).await?.validate() {
                Ok(()) => Vec::new(),
                Err(errors) => errors.into_iter().map(|e| e.message).collect(),
            }
        } else {
            Vec::new()
        };
        Ok(PlanDetail {
            plan: self.plan_summary_with(&l.plan, &l.department, rows.len()),
            superior_name: l.superior.as_ref().map(|s| s.name.clone()),
            answer_comment: l.plan.answer_comment.clone(),
            answered_at: l.plan.answered_at,
            entries,
            total_estimate,
            events,
            versions,
            rights,
            filing_problems,
        })
    }

    async fn planned_item_version(&self, db: &impl ConnectionTrait, id: i64) -> Result<(VersionRow, String), AppError> {
        let v = items::version(db, id)
            .await?
            .ok_or_else(|| AppError::invalid("item", format!("抽查事项版本{id}不存在，请从抽查事项清单中选择")))?;
        let code = items::by_id(db, v.item_id).await?.map(|i| i.code).unwrap_or_default();
        Ok((v, code))
    }

    async fn plan_entry_view(
        &self,
        db: &impl ConnectionTrait,
        department_id: i64,
        e: &EntryRow,
    ) -> Result<EntryView, AppError> {
        let (v, code) = self.planned_item_version(db, e.item_version_id).await?;
        let item_kinds: BTreeSet<ObjectKind> = [v.spec.object_kind].into();
        let population = population::count(
            db,
            &Population {
                department_id,
                item_object_kinds: &item_kinds,
                enterprise_kinds: &v.spec.enterprise_kinds,
                scope: &e.scope,
            },
        )
        .await?;
        let mut divisions = Vec::new();
        for d in &e.scope.divisions {
            let name = departments::division_name(db, d.as_str()).await?.unwrap_or_default();
            divisions.push(Term::new(d.as_str(), &name));
        }
        Ok(EntryView {
            id: e.id,
            position: e.position,
            item_version_id: e.item_version_id,
            item_code: code,
            item_version: v.version,
            item_title: v.spec.title(),
            category: Term::new(v.spec.category.code(), v.spec.category.label()),
            ratio: e.ratio.to_string(),
            ratio_cap: v.spec.ratio_cap.map(|r| r.to_string()),
            object_kinds: e
                .scope
                .object_kinds
                .iter()
                .map(|k| Term::new(k.code(), k.label()))
                .collect(),
            item_object_kinds: item_kinds.iter().map(|k| Term::new(k.code(), k.label())).collect(),
            divisions,
            risk_classes: e
                .scope
                .risk_classes
                .iter()
                .map(|r| Term::new(r.code(), r.label()))
                .collect(),
            months: e.months.iter().copied().collect(),
            months_label: months_label(&e.months),
            population,
            estimate: plan::ceil_ratio(e.ratio, population),
            note: e.note.clone(),
        })
    }

    /// The domain's view of a version, for validation.
    async fn domain_plan(
        &self,
        db: &impl ConnectionTrait,
        department: &DepartmentRow,
        p: &PlanRow,
        rows: &[EntryRow],
    ) -> Result<AnnualPlan, AppError> {
        let mut entries = Vec::with_capacity(rows.len());
        for e in rows {
            let (v, _) = self.planned_item_version(db, e.item_version_id).await?;
            entries.push(PlanEntry {
                item_version_id: e.item_version_id,
                item_title: v.spec.title(),
                category: v.spec.category,
                ratio_cap: v.spec.ratio_cap,
                item_object_kinds: [v.spec.object_kind].into(),
                scope: e.scope.clone(),
                ratio: e.ratio,
                months: e.months.clone(),
            });
        }
        Ok(AnnualPlan {
            department: department.code.clone(),
            year: p.year,
            entries,
        })
    }

    /// The items that may be added to a plan now: the current, published
    /// version of every item on the list.
    pub async fn plannable_items(&self, actor: &Actor) -> Result<Vec<PlannableItem>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let db = self.store().conn();
        let (rows, _) = items::list_current(db, &items::ItemFilter::default(), 1, 10_000).await?;
        let mut out = Vec::new();
        for (item, v) in rows {
            if v.status != ItemStatus::Published {
                continue;
            }
            out.push(PlannableItem {
                version_id: v.id,
                code: item.code,
                title: v.spec.title(),
                category: Term::new(v.spec.category.code(), v.spec.category.label()),
                object_kind: Term::new(v.spec.object_kind.code(), v.spec.object_kind.label()),
                ratio: v.spec.ratio.to_string(),
                ratio_cap: v.spec.ratio_cap.map(|r| r.to_string()),
                enterprise_kinds: v.spec.enterprise_kinds,
            });
        }
        Ok(out)
    }

    /// The divisions a plan of the actor's department may be limited to: the
    /// department's own division and those directly under it.
    pub async fn plan_divisions(&self, actor: &Actor) -> Result<Vec<Term>, AppError> {
        let db = self.store().conn();
        let own = &actor.department.division_code;
        let mut out = Vec::new();
        if let Some(name) = departments::division_name(db, own).await? {
            out.push(Term::new(own, &name));
        }
        for (code, name) in departments::divisions_under(db, own).await? {
            out.push(Term::new(&code, &name));
        }
        Ok(out)
    }

    /// A new plan (version 1, 草稿) of the actor's department for a year,
    /// empty or copied from the department's plan of another year (the copied
    /// entries keep their item versions only where the item has not been
    /// adjusted or withdrawn since; otherwise the current version is taken).
    pub async fn create_plan(&self, actor: &Actor, input: &NewPlanInput) -> Result<PlanDetail, AppError> {
        let department = self.planning_department(actor)?;
        if !(plan::MIN_YEAR..=plan::MAX_YEAR).contains(&input.year) {
            return Err(AppError::invalid(
                "year",
                format!(
                    "计划年度“{}”无效，应为{}—{}年",
                    input.year,
                    plan::MIN_YEAR,
                    plan::MAX_YEAR
                ),
            ));
        }
        let db = self.store().conn();
        if let Some(existing) = plans::versions(db, department.id, input.year).await?.last() {
            return Err(AppError::Conflict(format!(
                "本部门{}年度抽查计划已存在（第{}版，{}），请在该计划上修改或调整",
                input.year,
                existing.version,
                existing.status.label()
            )));
        }
        let copied = match input.copy_from_year {
            Some(y) => {
                let source = plans::versions(db, department.id, y)
                    .await?
                    .pop()
                    .ok_or_else(|| AppError::invalid("copy_from_year", format!("本部门没有{y}年度的计划可供复制")))?;
                let mut out = Vec::new();
                for e in plans::entries(db, source.id).await? {
                    let (v, _) = self.planned_item_version(db, e.item_version_id).await?;
                    let Some(item) = items::by_id(db, v.item_id).await? else {
                        continue;
                    };
                    let Some(current) = items::version(db, item.current_version_id).await? else {
                        continue;
                    };
                    if current.status != ItemStatus::Published {
                        continue;
                    }
                    out.push(NewEntry {
                        item_version_id: current.id,
                        scope: e.scope,
                        ratio: e.ratio,
                        months: e.months,
                        note: e.note,
                    });
                }
                out
            }
            None => Vec::new(),
        };
        let now = self.now();
        let tx = self.store().begin().await?;
        let p = plans::insert(
            &tx,
            NewPlan {
                department_id: department.id,
                year: input.year,
                version: 1,
                adjustment_reason: "",
                created_by: &actor.user.username,
                now,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => {
                AppError::Conflict(format!("本部门{}年度抽查计划刚刚已由他人新建，请刷新页面", input.year))
            }
            other => other.into(),
        })?;
        if !copied.is_empty() {
            plans::replace_entries(&tx, p.id, &copied, now).await?;
        }
        self.plan_event(&tx, actor, p.id, "create", "").await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::PlanCreated, "plan", p.id)
                .in_department(department.code.as_str())
                .summary(match input.copy_from_year {
                    Some(y) => format!("新建{}年度抽查计划（复制{y}年度计划的{}项）", p.year, copied.len()),
                    None => format!("新建{}年度抽查计划", p.year),
                })
                .after(serde_json::json!({"year": p.year, "version": 1, "entries": copied.len()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_plan(actor, p.id).await
    }

    async fn plan_event(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        plan_id: i64,
        action: &str,
        comment: &str,
    ) -> Result<(), AppError> {
        plans::add_event(
            db,
            NewEvent {
                plan_id,
                at: self.now(),
                action,
                actor_name: &actor.user.display_name,
                actor_department: &actor.department.name,
                comment,
            },
        )
        .await?;
        Ok(())
    }

    /// Turns entered entries into stored ones, checking each against its item
    /// and the department (every problem at once).
    async fn checked_plan_entries(
        &self,
        db: &impl ConnectionTrait,
        department: &DepartmentRow,
        year: i32,
        input: &[EntryInput],
    ) -> Result<Vec<NewEntry>, AppError> {
        if input.len() > MAX_ENTRIES {
            return Err(AppError::invalid(
                "entries",
                format!("一个计划最多{MAX_ENTRIES}项，现有{}项，请合并", input.len()),
            ));
        }
        let mut errors: Vec<PlanError> = Vec::new();
        let mut out = Vec::with_capacity(input.len());
        let mut domain = Vec::with_capacity(input.len());
        for (i, e) in input.iter().enumerate() {
            let n = i + 1;
            let mut err = |field: &'static str, message: String| {
                errors.push(PlanError {
                    entry: Some(n),
                    field,
                    message,
                })
            };
            let v = match items::version(db, e.item_version_id).await? {
                Some(v) => v,
                None => {
                    err("item", format!("第{n}项未选择抽查事项，请从抽查事项清单中选择"));
                    continue;
                }
            };
            if v.status != ItemStatus::Published {
                err(
                    "item",
                    format!("第{n}项“{}”已从抽查事项清单中撤销，不能列入计划", v.spec.title()),
                );
            }
            let mut scope = PlanScope::default();
            for k in e.object_kinds.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match ObjectKind::parse(k) {
                    Ok(k) => {
                        scope.object_kinds.insert(k);
                    }
                    Err(x) => err("object_kinds", format!("第{n}项：{x}")),
                }
            }
            for d in e.divisions.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match DivisionCode::parse(d) {
                    Ok(d) => {
                        scope.divisions.insert(d);
                    }
                    Err(x) => err("divisions", format!("第{n}项的抽查区域：{x}")),
                }
            }
            for r in e.risk_classes.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match RiskClass::parse(r) {
                    Ok(r) => {
                        scope.risk_classes.insert(r);
                    }
                    Err(x) => err("risk_classes", format!("第{n}项：{x}")),
                }
            }
            let ratio = match Ratio::parse(&e.ratio) {
                Ok(r) => r,
                Err(x) => {
                    err("ratio", format!("第{n}项的抽查比例：{x}"));
                    Ratio::from_basis_points(0).expect("0 is a ratio")
                }
            };
            let note = e.note.trim().to_string();
            if note.chars().count() > MAX_NOTE || note.chars().any(char::is_control) {
                err(
                    "note",
                    format!("第{n}项的备注不能超过{MAX_NOTE}个字，且不能换行或含控制字符"),
                );
            }
            let months: BTreeSet<u32> = e.months.iter().copied().collect();
            domain.push(PlanEntry {
                item_version_id: v.id,
                item_title: v.spec.title(),
                category: v.spec.category,
                ratio_cap: v.spec.ratio_cap,
                item_object_kinds: [v.spec.object_kind].into(),
                scope: scope.clone(),
                ratio,
                months: months.clone(),
            });
            out.push(NewEntry {
                item_version_id: v.id,
                scope,
                ratio,
                months,
                note,
            });
        }
        let plan = AnnualPlan {
            department: department.code.clone(),
            year,
            entries: domain,
        };
        if let Err(found) = plan.validate() {
            // An empty plan may be saved while drafting; it cannot be filed.
            errors.extend(found.into_iter().filter(|e| e.field != "entries" || e.entry.is_some()));
        }
        errors.sort_by_key(|e| e.entry);
        errors.dedup();
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(plan_errors(&errors))
        }
    }

    /// Replaces the entries of a version being drafted (草稿 or 已退回).
    pub async fn save_plan_entries(
        &self,
        actor: &Actor,
        id: i64,
        input: &EntriesInput,
    ) -> Result<PlanDetail, AppError> {
        let db = self.store().conn();
        let l = self.plan_for(db, actor, id).await?;
        if !l.sides.department {
            return Err(AppError::forbidden());
        }
        l.plan
            .status
            .transition(PlanAction::Edit)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let entries = self
            .checked_plan_entries(db, &l.department, l.plan.year, &input.entries)
            .await?;
        let before = plans::entries(db, id).await?.len();
        let tx = self.store().begin().await?;
        // Re-read inside the transaction: a plan filed meanwhile is not edited.
        let now_status = plans::by_id(&tx, id).await?.map(|p| p.status);
        if now_status != Some(l.plan.status) {
            return Err(AppError::Conflict(
                "该计划的状态刚刚已被其他人改变，请刷新页面查看最新状态后再操作".into(),
            ));
        }
        plans::replace_entries(&tx, id, &entries, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::PlanEdited, "plan", id)
                .in_department(l.department.code.as_str())
                .summary(format!(
                    "修改{}年度抽查计划第{}版：{}项改为{}项",
                    l.plan.year,
                    l.plan.version,
                    before,
                    entries.len()
                ))
                .after(entries_json(&entries)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_plan(actor, id).await
    }

    /// Adds one entry at the end (the form's 添加事项).
    pub async fn add_plan_entry(&self, actor: &Actor, id: i64, entry: EntryInput) -> Result<PlanDetail, AppError> {
        let mut all = self.plan_entry_inputs(id).await?;
        all.push(entry);
        self.save_plan_entries(actor, id, &EntriesInput { entries: all }).await
    }

    /// Replaces the entry at `position` (1-based).
    pub async fn update_plan_entry(
        &self,
        actor: &Actor,
        id: i64,
        position: usize,
        entry: EntryInput,
    ) -> Result<PlanDetail, AppError> {
        let mut all = self.plan_entry_inputs(id).await?;
        let slot = all
            .get_mut(position.wrapping_sub(1))
            .ok_or_else(|| AppError::not_found("计划事项"))?;
        *slot = entry;
        self.save_plan_entries(actor, id, &EntriesInput { entries: all }).await
    }

    /// Removes the entry at `position` (1-based).
    pub async fn remove_plan_entry(&self, actor: &Actor, id: i64, position: usize) -> Result<PlanDetail, AppError> {
        let mut all = self.plan_entry_inputs(id).await?;
        if position == 0 || position > all.len() {
            return Err(AppError::not_found("计划事项"));
        }
        all.remove(position - 1);
        self.save_plan_entries(actor, id, &EntriesInput { entries: all }).await
    }

    /// The stored entries as input again (for one-entry changes).
    async fn plan_entry_inputs(&self, id: i64) -> Result<Vec<EntryInput>, AppError> {
        Ok(plans::entries(self.store().conn(), id)
            .await?
            .into_iter()
            .map(|e| EntryInput {
                item_version_id: e.item_version_id,
                object_kinds: e.scope.object_kinds.iter().map(|k| k.code().to_string()).collect(),
                divisions: e.scope.divisions.iter().map(|d| d.as_str().to_string()).collect(),
                risk_classes: e.scope.risk_classes.iter().map(|r| r.code().to_string()).collect(),
                ratio: e.ratio.to_string(),
                months: e.months.iter().copied().collect(),
                note: e.note,
            })
            .collect())
    }

    /// One status change: checks the side and the machine, writes the status,
    /// the event and the audit entry in one transaction.
    async fn act_on_plan(
        &self,
        actor: &Actor,
        id: i64,
        action: PlanAction,
        comment: &str,
    ) -> Result<PlanDetail, AppError> {
        let db = self.store().conn();
        let l = self.plan_for(db, actor, id).await?;
        let side = match action.actor() {
            plan::PlanActor::Department => l.sides.department,
            plan::PlanActor::Superior => l.sides.superior,
        };
        if !side {
            return Err(match action.actor() {
                plan::PlanActor::Superior => AppError::Forbidden(format!(
                    "只有{}的负责人或管理员可以{}本计划",
                    l.superior.as_ref().map(|s| s.name.as_str()).unwrap_or("本部门"),
                    action.label()
                )),
                plan::PlanActor::Department => {
                    AppError::Forbidden(format!("只有{}的管理员可以{}本计划", l.department.name, action.label()))
                }
            });
        }
        let to = l
            .plan
            .status
            .transition(action)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let now = self.now();
        let mut fields = StatusFields::default();
        let (audit, summary) = match action {
            PlanAction::File => {
                let rows = plans::entries(db, id).await?;
                self.domain_plan(db, &l.department, &l.plan, &rows)
                    .await?
                    .validate()
                    .map_err(|e| plan_errors(&e))?;
                fields.filed_at = Some(now);
                (
                    AuditAction::PlanFiled,
                    format!(
                        "向{}报备{}年度抽查计划第{}版（{}项）",
                        l.superior
                            .as_ref()
                            .map(|s| s.name.as_str())
                            .unwrap_or("住房和城乡建设部"),
                        l.plan.year,
                        l.plan.version,
                        rows.len()
                    ),
                )
            }
            PlanAction::Acknowledge => {
                if l.superior.is_none() && comment.trim().is_empty() {
                    return Err(AppError::invalid(
                        "comment",
                        "本计划向住房和城乡建设部报备，请在说明中写明报备的方式和日期",
                    ));
                }
                fields.answered_at = Some(now);
                fields.answer_comment = Some(comment.trim().to_string());
                (
                    AuditAction::PlanAcknowledged,
                    format!(
                        "确认{}{}年度抽查计划第{}版的报备",
                        l.department.name, l.plan.year, l.plan.version
                    ),
                )
            }
            PlanAction::Return => {
                let c = check_return_comment(comment).map_err(|e| plan_errors(&[e]))?;
                fields.answered_at = Some(now);
                fields.answer_comment = Some(c);
                (
                    AuditAction::PlanReturned,
                    format!(
                        "退回{}{}年度抽查计划第{}版",
                        l.department.name, l.plan.year, l.plan.version
                    ),
                )
            }
            PlanAction::Publish => {
                fields.published_at = Some(now);
                (
                    AuditAction::PlanPublished,
                    format!("公开{}年度抽查计划第{}版", l.plan.year, l.plan.version),
                )
            }
            PlanAction::Edit | PlanAction::Adjust | PlanAction::Supersede => {
                return Err(AppError::Internal(format!("{}不是单独的状态操作", action.label())));
            }
        };
        let event_comment = fields.answer_comment.clone().unwrap_or_default();
        let tx = self.store().begin().await?;
        plans::set_status(&tx, id, l.plan.status, to, fields, now).await?;
        if action == PlanAction::Publish && l.plan.version > 1 {
            // The version this one adjusts stays public as history (已调整).
            for older in plans::versions(&tx, l.plan.department_id, l.plan.year).await? {
                if older.id != id && older.status == PlanStatus::Published {
                    let fields = StatusFields {
                        superseded_at: Some(now),
                        ..Default::default()
                    };
                    plans::set_status(
                        &tx,
                        older.id,
                        PlanStatus::Published,
                        PlanStatus::Superseded,
                        fields,
                        now,
                    )
                    .await?;
                }
            }
        }
        self.plan_event(&tx, actor, id, action.code(), &event_comment).await?;
        self.plan_notice(&tx, &l, action, &event_comment, now).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(audit, "plan", id)
                .in_department(l.department.code.as_str())
                .summary(summary)
                .before(serde_json::json!({"status": l.plan.status.code()}))
                .after(serde_json::json!({"status": to.code(), "comment": event_comment})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_plan(actor, id).await
    }

    /// The hand-over's 站内消息: a filing waits for the superior's reviewers;
    /// the answer goes back to the department's operators and closes the 待办.
    async fn plan_notice(
        &self,
        db: &impl ConnectionTrait,
        l: &Loaded,
        action: PlanAction,
        comment: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        use crate::messages::{Notice, Recipient, close_todos, notify};
        let p = &l.plan;
        let what = format!("{}{}年度抽查计划第{}版", l.department.name, p.year, p.version);
        let link = format!("/plans/{}", p.id);
        let to_department = |permission| Recipient::Department {
            department_id: l.department.id,
            permission,
        };
        let notice = match action {
            PlanAction::File => Notice {
                // The province answers for itself (its superior is outside the platform).
                to: Recipient::Department {
                    department_id: l.superior.as_ref().map(|s| s.id).unwrap_or(l.department.id),
                    permission: Permission::ReviewPlans,
                },
                kind: "plan_filed",
                title: format!("{what}已报备，待确认"),
                body: String::new(),
                link,
                action_required: true,
                subject: ("plan", p.id),
            },
            PlanAction::Return => {
                close_todos(db, now, ("plan", p.id)).await?;
                Notice {
                    to: to_department(Permission::ManagePlans),
                    kind: "plan_returned",
                    title: format!("{what}被退回，请修改后重新报备"),
                    body: comment.to_string(),
                    link,
                    action_required: true,
                    subject: ("plan_return", p.id),
                }
            }
            PlanAction::Acknowledge => {
                close_todos(db, now, ("plan", p.id)).await?;
                Notice {
                    to: to_department(Permission::ManagePlans),
                    kind: "plan_acknowledged",
                    title: format!("{what}已确认报备，可向社会公开"),
                    body: comment.to_string(),
                    link,
                    action_required: true,
                    subject: ("plan_publish", p.id),
                }
            }
            PlanAction::Publish => {
                close_todos(db, now, ("plan_publish", p.id)).await?;
                return Ok(());
            }
            _ => return Ok(()),
        };
        if action == PlanAction::File {
            close_todos(db, now, ("plan_return", p.id)).await?;
        }
        notify(db, now, notice).await
    }

    /// 报备: sends a complete, valid version to the superior department.
    pub async fn file_plan(&self, actor: &Actor, id: i64) -> Result<PlanDetail, AppError> {
        self.act_on_plan(actor, id, PlanAction::File, "").await
    }

    /// The superior takes the filing (确认); the comment is optional except for
    /// the province, which records the outside filing.
    pub async fn acknowledge_plan(&self, actor: &Actor, id: i64, comment: &str) -> Result<PlanDetail, AppError> {
        self.act_on_plan(actor, id, PlanAction::Acknowledge, comment).await
    }

    /// The superior sends the plan back with what to change.
    pub async fn return_plan(&self, actor: &Actor, id: i64, comment: &str) -> Result<PlanDetail, AppError> {
        self.act_on_plan(actor, id, PlanAction::Return, comment).await
    }

    /// 公开: puts an acknowledged version on the public site; the version it
    /// adjusts becomes 已调整 and stays public.
    pub async fn publish_plan(&self, actor: &Actor, id: i64) -> Result<PlanDetail, AppError> {
        self.act_on_plan(actor, id, PlanAction::Publish, "").await
    }

    /// 调整: starts version n+1 of a published plan with a reason, as a draft
    /// with the same entries; it is filed and published like the first.
    pub async fn adjust_plan(&self, actor: &Actor, id: i64, reason: &str) -> Result<PlanDetail, AppError> {
        let db = self.store().conn();
        let l = self.plan_for(db, actor, id).await?;
        if !l.sides.department {
            return Err(AppError::forbidden());
        }
        l.plan
            .status
            .transition(PlanAction::Adjust)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let reason = check_adjustment_reason(reason).map_err(|e| plan_errors(&[e]))?;
        let versions = plans::versions(db, l.plan.department_id, l.plan.year).await?;
        if let Some(newer) = versions.iter().find(|v| v.version > l.plan.version) {
            return Err(AppError::Conflict(format!(
                "本计划已有调整中的第{}版（{}），请在该版本上继续",
                newer.version,
                newer.status.label()
            )));
        }
        let entries: Vec<NewEntry> = plans::entries(db, id)
            .await?
            .into_iter()
            .map(|e| NewEntry {
                item_version_id: e.item_version_id,
                scope: e.scope,
                ratio: e.ratio,
                months: e.months,
                note: e.note,
            })
            .collect();
        let now = self.now();
        let tx = self.store().begin().await?;
        let next = plans::insert(
            &tx,
            NewPlan {
                department_id: l.plan.department_id,
                year: l.plan.year,
                version: l.plan.version + 1,
                adjustment_reason: &reason,
                created_by: &actor.user.username,
                now,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => AppError::Conflict("该计划刚刚已由他人开始调整，请刷新页面".into()),
            other => other.into(),
        })?;
        plans::replace_entries(&tx, next.id, &entries, now).await?;
        self.plan_event(&tx, actor, next.id, PlanAction::Adjust.code(), &reason)
            .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::PlanAdjusted, "plan", next.id)
                .in_department(l.department.code.as_str())
                .summary(format!(
                    "调整{}年度抽查计划：第{}版起草，原因：{reason}",
                    l.plan.year, next.version
                ))
                .after(serde_json::json!({"from_version": l.plan.version, "version": next.version, "reason": reason})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_plan(actor, next.id).await
    }

    // ---- public ----

    /// Every public version (已公开, 已调整) of every department, for the public site.
    pub async fn public_plans(&self, year: Option<i32>) -> Result<Vec<PlanSummary>, AppError> {
        let db = self.store().conn();
        let rows = plans::list_public(
            db,
            &PlanFilter {
                year,
                ..Default::default()
            },
        )
        .await?;
        self.plan_summaries(db, &rows).await
    }

    /// One public version with its entries; anything not public is "not found".
    pub async fn public_plan(&self, id: i64) -> Result<PlanDetail, AppError> {
        let db = self.store().conn();
        let p = plans::by_id(db, id)
            .await?
            .filter(|p| p.status.is_public())
            .ok_or_else(|| AppError::NotFound("未找到该公开的年度抽查计划".into()))?;
        let department = departments::by_id(db, p.department_id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该公开的年度抽查计划".into()))?;
        let superior = match department.parent_id {
            Some(id) => departments::by_id(db, id).await?,
            None => None,
        };
        let mut d = self
            .plan_detail(
                db,
                Loaded {
                    plan: p,
                    department,
                    superior,
                    sides: Sides {
                        department: false,
                        superior: false,
                    },
                },
            )
            .await?;
        // The public sees only public versions and no internal history.
        d.versions
            .retain(|v| PlanStatus::parse(&v.status.code).is_ok_and(PlanStatus::is_public));
        d.events
            .retain(|e| e.action == PlanAction::Publish.label() || e.action == PlanAction::Adjust.label());
        for e in &mut d.events {
            e.actor_name.clear();
        }
        d.answer_comment.clear();
        Ok(d)
    }
}

fn entries_json(entries: &[NewEntry]) -> serde_json::Value {
    serde_json::Value::Array(
        entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "item_version_id": e.item_version_id,
                    "object_kinds": e.scope.object_kinds.iter().map(|k| k.code()).collect::<Vec<_>>(),
                    "divisions": e.scope.divisions.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                    "risk_classes": e.scope.risk_classes.iter().map(|r| r.code()).collect::<Vec<_>>(),
                    "ratio_bp": e.ratio.basis_points(),
                    "months": e.months,
                    "note": e.note,
                })
            })
            .collect(),
    )
}
