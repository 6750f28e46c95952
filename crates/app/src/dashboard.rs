//! 监管看板: for the province and every superior department, per department
//! and year, whether the annual plan was filed by 10 March (第十二条), the
//! tasks by status, how much of each directory was inspected (by 信用风险分类),
//! results and objections past their deadlines (第二十三条、第二十六条), inspector
//! replacements (第十八条) and draws made without a public beacon. The overdue
//! list is the evidence 第二十八条 asks for; the 履职记录 export is the record a
//! department shows for 尽职免责 (第二十七条).
//!
//! Directories can hold millions of objects, so coverage is counted in SQL
//! (`COUNT … GROUP BY`) and never loaded row by row. Tasks, objections and
//! plans of a year are few and are read as rows.

use crate::plans::Term;
use crate::publication::term;
use crate::{Actor, App, AppError};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use spotcheck_documents::{Document, DutyDraw, DutyInspection, DutyRecord, DutyScope, DutyTask, Issuer};
use spotcheck_domain::calendar::WorkCalendar;
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::plan::{filing_deadline, filing_timeliness, pending_filing_label};
use spotcheck_domain::publication::{self as rules, DeadlineState, DeadlineStatus, PUBLISH_WORKDAYS};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::TaskStatus;
use spotcheck_domain::vocab::{ObjectKind, RiskClass};
use spotcheck_store::dashboard as dashboard_store;
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::plans::{self, PlanFilter, PlanRow};
use spotcheck_store::publication::{self as publication_store, ObjectionRow};
use spotcheck_store::tasks::{self, TaskRow};
use spotcheck_store::{inspections as inspections_store, teams};
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;

/// The dashboard of a year for the actor's jurisdiction.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub year: i32,
    /// The day the figures were computed for (Beijing).
    pub today: NaiveDate,
    /// Years with plans in the jurisdiction, and the current one, newest first.
    pub years: Vec<i32>,
    /// The actor's department first, then its subordinates in tree order.
    pub departments: Vec<DepartmentDashboard>,
    /// The sums over every department shown.
    pub totals: DashboardTotals,
    /// Every result or objection past its deadline (第二十八条), most days over first.
    pub overdue: Vec<OverdueEntry>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct DashboardTotals {
    pub tasks: u64,
    pub objects: u64,
    pub inspected: u64,
    /// Per mille of `objects` inspected.
    pub coverage_permille: u64,
    pub results_overdue_unpublished: u64,
    pub results_published_late: u64,
    pub objections_overdue: u64,
    pub replacements: u64,
    pub draws_without_beacon: u64,
    pub plans_late: u64,
}

/// One department's figures for the year.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DepartmentDashboard {
    pub department_id: i64,
    pub department_code: String,
    pub department_name: String,
    /// 0 for the actor's own department, 1 for its direct subordinates, …
    pub depth: usize,
    pub plan: PlanFiling,
    /// Tasks the department initiated in the year (window starting in it), by status.
    pub tasks: Vec<StatusCount>,
    pub tasks_total: u64,
    /// Each directory (企业, 从业人员, 工程项目) of the department.
    pub coverage: Vec<DirectoryCoverage>,
    /// 逾期未公示: results still unpublished after the 20-working-day deadline.
    pub results_overdue_unpublished: u64,
    /// 逾期公示: results published after the deadline.
    pub results_published_late: u64,
    /// Objections whose review or feedback is or was late.
    pub objections_overdue: u64,
    /// 调整更换 of inspectors approved or done (第十八条).
    pub replacements: u64,
    /// Draws committed without a public randomness beacon (`none`).
    pub draws_without_beacon: u64,
}

/// The annual plan's filing (报备) against the 10 March deadline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanFiling {
    /// `on_time`, `late`, `pending` (not filed, deadline not passed), `missing`
    /// (not filed, deadline passed) or `not_applicable` (执行单位 do not plan).
    pub state: Term,
    pub plan_id: Option<i64>,
    pub filed_at: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    /// Calendar days after the deadline (filed late, or not filed yet).
    pub days_late: i64,
    /// `按期报备（截止2026年3月10日）`, `已逾期2天未报备（…）`, …
    pub text: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: Term,
    pub count: u64,
}

/// One directory's objects and how many of them were inspected this year.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DirectoryCoverage {
    pub kind: Term,
    /// Active objects now.
    pub objects: u64,
    /// Of those, inspected in the year: a confirmed (`final`) inspection of a
    /// task of the year, or an inspection outside 双随机 of the year not voided.
    pub inspected: u64,
    /// Per mille (‰) inspected, so 12.5% is 125.
    pub coverage_permille: u64,
    /// By 信用风险分类 A–D; objects without a class under `unclassified`.
    pub by_risk: Vec<RiskCoverage>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RiskCoverage {
    pub risk_class: Term,
    pub objects: u64,
    pub inspected: u64,
    pub coverage_permille: u64,
}

/// A result or objection past its deadline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OverdueEntry {
    pub department_id: i64,
    pub department_name: String,
    /// `results_unpublished` (逾期未公示), `results_late` (逾期公示),
    /// `objection_review` (异议复核逾期) or `objection_feedback` (异议反馈逾期).
    pub kind: Term,
    /// The task code or the objection's receipt number.
    pub reference: String,
    /// The task name, or for an objection the object's name.
    pub name: String,
    pub task_id: Option<i64>,
    pub objection_id: Option<i64>,
    pub due: NaiveDate,
    /// When it was finally done (published, decided, answered), if it was.
    pub done_on: Option<NaiveDate>,
    /// Working days over the deadline (to today, or to the day it was done).
    pub days_over: i64,
    /// Computed through a year without an official holiday schedule.
    pub provisional: bool,
}

/// Counts per (department, kind, risk class).
type Counts = HashMap<(i64, String, String), u64>;

fn permille(part: u64, whole: u64) -> u64 {
    (part * 1000).checked_div(whole).unwrap_or(0)
}

/// `12.5%` from a per-mille figure.
pub fn percent(permille: u64) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), AppError> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) if (2000..=2100).contains(&year) => Ok((a, b)),
        _ => Err(AppError::invalid("year", "年度应为 2000–2100 之间的年份，如 2026")),
    }
}

fn kind_term(k: ObjectKind) -> Term {
    term(k.code(), k.label())
}

/// The 复核 (20 working days from receipt) and 反馈 (15 from the decision)
/// deadlines of an objection, as `objections.rs` counts them.
fn objection_deadlines(cal: &WorkCalendar, o: &ObjectionRow, today: NaiveDate) -> Vec<(&'static str, DeadlineStatus)> {
    let (review, feedback) = crate::objections::objection_deadlines(cal, o, today);
    let mut out = vec![("objection_review", review)];
    out.extend(feedback.map(|f| ("objection_feedback", f)));
    out
}

fn overdue_label(code: &str) -> &'static str {
    match code {
        "results_unpublished" => "逾期未公示",
        "results_late" => "逾期公示",
        "objection_review" => "异议复核逾期",
        "objection_feedback" => "异议反馈逾期",
        _ => "逾期",
    }
}

fn plan_filing(department: &DepartmentRow, first: Option<&PlanRow>, year: i32, today: NaiveDate) -> PlanFiling {
    let deadline = filing_deadline(year);
    let make = |code: &str, label: &str, plan: Option<&PlanRow>, filed: Option<NaiveDate>, late: i64, text: String| {
        PlanFiling {
            state: term(code, label),
            plan_id: plan.map(|p| p.id),
            filed_at: filed,
            deadline,
            days_late: late,
            text,
        }
    };
    if department.kind != DepartmentKind::Competent {
        return make(
            "not_applicable",
            "不适用",
            None,
            None,
            0,
            "执行单位不单独制定计划".into(),
        );
    }
    match first.and_then(|p| p.filed_at.map(|f| (p, crate::actor::china_date(&f)))) {
        Some((p, day)) => match filing_timeliness(year, day) {
            Some(t) if t.is_late() => make(
                "late",
                "逾期报备",
                Some(p),
                Some(day),
                t.days_late.into(),
                t.filed_label(),
            ),
            Some(t) => make("on_time", "按期报备", Some(p), Some(day), 0, t.filed_label()),
            None => make("on_time", "已报备", Some(p), Some(day), 0, String::new()),
        },
        None => {
            let text = pending_filing_label(year, today).unwrap_or_default();
            let late = deadline.map(|d| (today - d).num_days()).unwrap_or(0);
            let text = if first.is_none() {
                format!("未制定计划；{text}")
            } else {
                text
            };
            if late > 0 {
                make("missing", "逾期未报备", first, None, late, text)
            } else {
                make("pending", "待报备", first, None, 0, text)
            }
        }
    }
}

impl App {
    /// The 监管看板 of `year` for the actor's department and every department below it.
    pub async fn dashboard(&self, actor: &Actor, year: i32) -> Result<DashboardView, AppError> {
        actor.require(Permission::ViewPlans)?;
        let (from, to) = year_bounds(year)?;
        let db = self.store().conn();
        let scope = actor.jurisdiction();
        let today = self.today();
        let cal = self.work_calendar().await?;
        let depts = departments::list_in(db, &scope).await?;
        let ids: Vec<i64> = depts.iter().map(|d| d.id).collect();
        let in_scope: HashSet<i64> = ids.iter().copied().collect();
        let names: HashMap<i64, String> = depts.iter().map(|d| (d.id, d.name.clone())).collect();

        // Plans: the first version is the one filed by 10 March.
        let plan_rows = plans::list_in(
            db,
            &scope,
            &PlanFilter {
                year: Some(year),
                ..Default::default()
            },
        )
        .await?;
        let mut first_plan: HashMap<i64, PlanRow> = HashMap::new();
        for p in plan_rows {
            first_plan.entry(p.department_id).or_insert(p);
        }

        // Tasks of the year initiated inside the jurisdiction.
        let year_tasks: Vec<TaskRow> = tasks::list_in(db, &scope)
            .await?
            .into_iter()
            .filter(|t| t.window_start.year() == year && in_scope.contains(&t.department_id))
            .collect();
        let task_ids: Vec<i64> = year_tasks.iter().map(|t| t.id).collect();
        let published: HashMap<i64, NaiveDate> = publication_store::task_publications(db, &task_ids)
            .await?
            .into_iter()
            .map(|p| (p.task_id, crate::actor::china_date(&p.published_at)))
            .collect();

        let mut task_counts: HashMap<i64, BTreeMap<TaskStatus, u64>> = HashMap::new();
        let mut unpublished: HashMap<i64, u64> = HashMap::new();
        let mut late: HashMap<i64, u64> = HashMap::new();
        let mut overdue = Vec::new();
        for t in &year_tasks {
            let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
            *task_counts
                .entry(t.department_id)
                .or_default()
                .entry(status)
                .or_default() += 1;
            let done = published.get(&t.id).copied();
            if done.is_none() && !crate::deadlines::publication_due(t, status, today) {
                continue;
            }
            let d = rules::deadline(&cal, t.window_end, PUBLISH_WORKDAYS, done, today);
            let code = match d.state {
                DeadlineState::Overdue => {
                    *unpublished.entry(t.department_id).or_default() += 1;
                    "results_unpublished"
                }
                DeadlineState::MetLate => {
                    *late.entry(t.department_id).or_default() += 1;
                    "results_late"
                }
                _ => continue,
            };
            overdue.push(OverdueEntry {
                department_id: t.department_id,
                department_name: names.get(&t.department_id).cloned().unwrap_or_default(),
                kind: term(code, overdue_label(code)),
                reference: t.code.clone(),
                name: t.name.clone(),
                task_id: Some(t.id),
                objection_id: None,
                due: d.due,
                done_on: d.done_on,
                days_over: d.days_over(),
                provisional: d.provisional,
            });
        }

        // Objections received in the year by units inside the jurisdiction.
        let mut objections_late: HashMap<i64, u64> = HashMap::new();
        for o in publication_store::objections_in(db, &scope).await? {
            if o.received_on.year() != year {
                continue;
            }
            let mut counted = false;
            for (code, d) in objection_deadlines(&cal, &o, today) {
                if !d.state.missed() {
                    continue;
                }
                if !counted {
                    *objections_late.entry(o.department_id).or_default() += 1;
                    counted = true;
                }
                overdue.push(OverdueEntry {
                    department_id: o.department_id,
                    department_name: names.get(&o.department_id).cloned().unwrap_or_default(),
                    kind: term(code, overdue_label(code)),
                    reference: crate::objections::receipt_no(&o),
                    name: crate::deadlines::objection_object(db, &o).await?.unwrap_or_default(),
                    task_id: None,
                    objection_id: Some(o.id),
                    due: d.due,
                    done_on: d.done_on,
                    days_over: d.days_over(),
                    provisional: d.provisional,
                });
            }
        }
        overdue.sort_by(|a, b| b.days_over.cmp(&a.days_over).then(a.due.cmp(&b.due)));

        // Coverage, counted in the database.
        let mut objects: Counts = HashMap::new();
        for (d, kind, risk, n) in dashboard_store::objects_by_kind_and_risk(db, &ids).await? {
            objects.insert((d, kind, risk), n);
        }
        let mut inspected: Counts = HashMap::new();
        for (d, kind, risk, n) in dashboard_store::inspected_by_kind_and_risk(db, &ids, from, to, year).await? {
            inspected.insert((d, kind, risk), n);
        }
        let replacements: HashMap<i64, u64> = dashboard_store::replacements_by_unit(db, &ids, from, to)
            .await?
            .into_iter()
            .collect();
        let no_beacon: HashMap<i64, u64> = dashboard_store::unbeaconed_draws_by_department(db, &ids, from, to)
            .await?
            .into_iter()
            .collect();

        let base_depth = actor.department.depth();
        let mut totals = DashboardTotals::default();
        let mut rows = Vec::with_capacity(depts.len());
        for d in &depts {
            let plan = plan_filing(d, first_plan.get(&d.id), year, today);
            if matches!(plan.state.code.as_str(), "late" | "missing") {
                totals.plans_late += 1;
            }
            let counts = task_counts.remove(&d.id).unwrap_or_default();
            let tasks_total: u64 = counts.values().sum();
            let coverage: Vec<DirectoryCoverage> = ObjectKind::ALL
                .iter()
                .map(|k| {
                    let get = |m: &Counts, r: &str| m.get(&(d.id, k.code().to_string(), r.to_string())).copied();
                    let mut by_risk: Vec<RiskCoverage> = RiskClass::ALL
                        .iter()
                        .map(|r| {
                            let o = get(&objects, r.code()).unwrap_or(0);
                            let i = get(&inspected, r.code()).unwrap_or(0);
                            RiskCoverage {
                                risk_class: term(r.code(), r.label()),
                                objects: o,
                                inspected: i,
                                coverage_permille: permille(i, o),
                            }
                        })
                        .collect();
                    // Anything not A–D (an empty class) in one bucket, so the
                    // classes add up to the directory.
                    let known: HashSet<&str> = RiskClass::ALL.iter().map(|r| r.code()).collect();
                    let other = |m: &Counts| -> u64 {
                        m.iter()
                            .filter(|((dd, kk, rr), _)| *dd == d.id && kk == k.code() && !known.contains(rr.as_str()))
                            .map(|(_, n)| *n)
                            .sum()
                    };
                    let (oo, oi) = (other(&objects), other(&inspected));
                    if oo > 0 || oi > 0 {
                        by_risk.push(RiskCoverage {
                            risk_class: term("unclassified", "未分类"),
                            objects: oo,
                            inspected: oi,
                            coverage_permille: permille(oi, oo),
                        });
                    }
                    let o: u64 = by_risk.iter().map(|r| r.objects).sum();
                    let i: u64 = by_risk.iter().map(|r| r.inspected).sum();
                    DirectoryCoverage {
                        kind: kind_term(*k),
                        objects: o,
                        inspected: i,
                        coverage_permille: permille(i, o),
                        by_risk,
                    }
                })
                .collect();
            let row = DepartmentDashboard {
                department_id: d.id,
                department_code: d.code.as_str().to_string(),
                department_name: d.name.clone(),
                depth: d.depth().saturating_sub(base_depth),
                plan,
                tasks: counts
                    .into_iter()
                    .map(|(s, n)| StatusCount {
                        status: term(s.code(), s.label()),
                        count: n,
                    })
                    .collect(),
                tasks_total,
                results_overdue_unpublished: unpublished.get(&d.id).copied().unwrap_or(0),
                results_published_late: late.get(&d.id).copied().unwrap_or(0),
                objections_overdue: objections_late.get(&d.id).copied().unwrap_or(0),
                replacements: replacements.get(&d.id).copied().unwrap_or(0),
                draws_without_beacon: no_beacon.get(&d.id).copied().unwrap_or(0),
                coverage,
            };
            totals.tasks += row.tasks_total;
            totals.objects += row.coverage.iter().map(|c| c.objects).sum::<u64>();
            totals.inspected += row.coverage.iter().map(|c| c.inspected).sum::<u64>();
            totals.results_overdue_unpublished += row.results_overdue_unpublished;
            totals.results_published_late += row.results_published_late;
            totals.objections_overdue += row.objections_overdue;
            totals.replacements += row.replacements;
            totals.draws_without_beacon += row.draws_without_beacon;
            rows.push(row);
        }
        totals.coverage_permille = permille(totals.inspected, totals.objects);

        let mut years = plans::years_in(db, &scope).await?;
        for y in [today.year(), year] {
            if !years.contains(&y) {
                years.push(y);
            }
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        Ok(DashboardView {
            year,
            today,
            years,
            departments: rows,
            totals,
            overdue,
        })
    }

    /// The dashboard as a workbook: 部门汇总, 覆盖率 (by directory and class), 逾期清单.
    pub async fn dashboard_xlsx(&self, actor: &Actor, year: i32) -> Result<Vec<u8>, AppError> {
        let v = self.dashboard(actor, year).await?;
        dashboard_workbook(&v).map_err(xlsx_error)
    }

    /// 履职记录 (第二十七条) as a workbook, with its download name: one sheet
    /// of tasks with their plan and publication, one of draws, one of inspections.
    pub async fn duty_record_xlsx(
        &self,
        actor: &Actor,
        task_id: Option<i64>,
        year: i32,
    ) -> Result<(String, Vec<u8>), AppError> {
        let rec = self.duty_record(actor, task_id, year).await?;
        let bytes = duty_workbook(&rec).map_err(xlsx_error)?;
        Ok((duty_file_name(&rec, "xlsx"), bytes))
    }

    /// 履职记录 (第二十七条) as a PDF, with its download name: the same record
    /// as the workbook, laid out for printing and sealing.
    pub async fn duty_record_pdf(
        &self,
        actor: &Actor,
        task_id: Option<i64>,
        year: i32,
    ) -> Result<(String, Vec<u8>), AppError> {
        let rec = self.duty_record(actor, task_id, year).await?;
        let name = duty_file_name(&rec, "pdf");
        let pdf = self.render_document(Document::DutyRecord(rec)).await?;
        Ok((name, pdf))
    }

    /// 履职记录 (第二十七条): for one task, or every task the jurisdiction
    /// initiated in `year`, the plan followed, each draw with its public record,
    /// each inspection with its team and 文号, and the publication against its
    /// deadline. The workbook and the PDF are both made from this.
    async fn duty_record(&self, actor: &Actor, task_id: Option<i64>, year: i32) -> Result<DutyRecord, AppError> {
        actor.require(Permission::ViewPlans)?;
        let db = self.store().conn();
        let scope = actor.jurisdiction();
        let today = self.today();
        let cal = self.work_calendar().await?;
        let chosen: Vec<TaskRow> = match task_id {
            Some(id) => vec![
                tasks::get_in(db, &scope, id)
                    .await?
                    .ok_or_else(|| AppError::not_found("抽查任务"))?,
            ],
            None => {
                year_bounds(year)?;
                let depts: HashSet<i64> = departments::list_in(db, &scope).await?.iter().map(|d| d.id).collect();
                let mut v: Vec<TaskRow> = tasks::list_in(db, &scope)
                    .await?
                    .into_iter()
                    .filter(|t| t.window_start.year() == year && depts.contains(&t.department_id))
                    .collect();
                v.sort_by_key(|t| t.id);
                v
            }
        };
        let mut dept_names: HashMap<i64, String> = HashMap::new();
        let mut name_of = async |id: i64| -> Result<String, AppError> {
            if let Some(n) = dept_names.get(&id) {
                return Ok(n.clone());
            }
            let n = departments::by_id(db, id).await?.map(|d| d.name).unwrap_or_default();
            dept_names.insert(id, n.clone());
            Ok(n)
        };
        let ids: Vec<i64> = chosen.iter().map(|t| t.id).collect();
        let published: HashMap<i64, _> = publication_store::task_publications(db, &ids)
            .await?
            .into_iter()
            .map(|p| (p.task_id, p))
            .collect();
        // One task's record is the initiating department's; a year's is the
        // actor's department's (its own tasks and those below it).
        let (authority, record_scope) = match (task_id, chosen.first()) {
            (Some(_), Some(t)) => (
                name_of(t.department_id).await?,
                DutyScope::Task {
                    code: t.code.clone(),
                    name: t.name.clone(),
                },
            ),
            _ => (actor.department.name.clone(), DutyScope::Year { year }),
        };
        let mut out = Vec::with_capacity(chosen.len());
        for t in &chosen {
            let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
            let plan = match t.plan_id {
                Some(pid) => plans::by_id(db, pid).await?,
                None => None,
            };
            let pub_row = published.get(&t.id);
            let done = pub_row.map(|p| crate::actor::china_date(&p.published_at));
            let d = rules::deadline(&cal, t.window_end, PUBLISH_WORKDAYS, done, today);
            let draws = tasks::draws_of(db, t.id)
                .await?
                .into_iter()
                .map(|dr| DutyDraw {
                    kind: draw_kind_label(&dr.kind).to_string(),
                    status: if dr.status == "revealed" {
                        "已揭晓"
                    } else {
                        "已承诺"
                    }
                    .to_string(),
                    beacon: dr.beacon_source.clone(),
                    committed_at: crate::actor::local_time(&dr.committed_at),
                    revealed_at: dr.revealed_at.map(|x| crate::actor::local_time(&x)).unwrap_or_default(),
                    operator: dr.committed_by.clone(),
                    record_url: format!("/public/draws/{}.json", dr.draw_id),
                    draw_id: dr.draw_id,
                })
                .collect();
            let members = teams::members_of_task(db, t.id).await?;
            let team_list = teams::teams_of(db, t.id).await?;
            let by_team: HashMap<i64, _> = inspections_store::of_task(db, t.id)
                .await?
                .into_iter()
                .map(|i| (i.team_id, i))
                .collect();
            let mut inspections = Vec::with_capacity(team_list.len());
            for tm in team_list {
                let team: Vec<String> = members
                    .iter()
                    .filter(|m| m.team_id == tm.id)
                    .map(|m| {
                        let role = match m.role.as_str() {
                            "leader" => "组长",
                            "expert" => "专家",
                            _ => "组员",
                        };
                        let cert = if m.cert_no.is_empty() {
                            String::new()
                        } else {
                            format!("，{}", m.cert_no)
                        };
                        let gone = if m.active {
                            String::new()
                        } else {
                            format!("，已更换：{}", m.left_reason)
                        };
                        format!("{}（{role}{cert}{gone}）", m.name)
                    })
                    .collect();
                let i = by_team.get(&tm.id);
                let object = spotcheck_store::objects::by_id(db, tm.object_id).await?;
                inspections.push(DutyInspection {
                    unit: name_of(tm.department_id).await?,
                    object_name: object.map(|o| o.data.name).unwrap_or_default(),
                    object_code: tm.object_code.clone(),
                    team,
                    draw_id: tm.draw_id.clone(),
                    status: i
                        .map(|i| inspection_status_label(&i.status).to_string())
                        .unwrap_or_else(|| "未开始".into()),
                    inspected_at: i
                        .and_then(|i| i.started_at)
                        .map(|x| crate::actor::local_time(&x))
                        .unwrap_or_default(),
                    document_no: i.map(|i| i.document_no.clone()).unwrap_or_default(),
                    confirmed_at: i
                        .and_then(|i| i.finalized_at)
                        .map(|x| crate::actor::local_time(&x))
                        .unwrap_or_default(),
                });
            }
            out.push(DutyTask {
                code: t.code.clone(),
                name: t.name.clone(),
                department: name_of(t.department_id).await?,
                window: format!("{} 至 {}", t.window_start, t.window_end),
                status: status.label().to_string(),
                plan: match &plan {
                    Some(p) => format!(
                        "{}年度抽查计划 第{}版（{}{}）",
                        p.year,
                        p.version,
                        p.status.label(),
                        p.published_at
                            .map(|x| format!("，{} 公开", crate::actor::china_date(&x)))
                            .unwrap_or_default()
                    ),
                    None => "—".into(),
                },
                draws,
                inspections,
                publish_due: d.due.to_string(),
                published_on: done.map(|x| x.to_string()).unwrap_or_else(|| "未公示".into()),
                publication: d.describe(),
                published_by: pub_row.map(|p| p.published_by.clone()).unwrap_or_default(),
            });
        }
        Ok(DutyRecord {
            issuer: Issuer {
                authority,
                // A record, not a 文书 sent out: it carries no 文号.
                doc_number: String::new(),
                date: today,
            },
            scope: record_scope,
            tasks: out,
        })
    }
}

/// `履职记录-RW2026-230100-003.pdf`, or `哈尔滨市住房和城乡建设局履职记录2026年.xlsx`.
fn duty_file_name(rec: &DutyRecord, ext: &str) -> String {
    match &rec.scope {
        DutyScope::Task { code, .. } => format!("履职记录-{code}.{ext}"),
        DutyScope::Year { year } => format!("{}履职记录{year}年.{ext}", rec.issuer.authority),
    }
}

fn draw_kind_label(kind: &str) -> &'static str {
    match kind {
        "objects" => "检查对象抽取",
        "inspectors" => "检查人员抽取",
        "replacement" => "更换人员抽取",
        _ => "抽取",
    }
}

fn inspection_status_label(code: &str) -> &'static str {
    spotcheck_domain::inspection::InspectionStatus::parse(code)
        .map(|s| s.label())
        .unwrap_or("未知")
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(format!("生成表格失败：{e}"))
}

/// A cell: text, or a number (so that sums work in Excel).
enum Cell {
    Text(String),
    Num(u64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Cell::Num(n)
    }
}

fn sheet(name: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &bold)?;
        ws.set_column_width(c, (h.chars().count() as f64 * 2.2).max(10.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.into_iter().enumerate() {
            match cell {
                Cell::Text(s) => ws.write_string(r, c as u16, s)?,
                Cell::Num(n) => ws.write_number(r, c as u16, n as f64)?,
            };
        }
    }
    Ok(ws)
}

fn text_rows(rows: &[Vec<String>]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| r.iter().map(|s| Cell::from(s.clone())).collect())
        .collect()
}

fn dashboard_workbook(v: &DashboardView) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let summary: Vec<Vec<Cell>> = v
        .departments
        .iter()
        .map(|d| {
            let objects: u64 = d.coverage.iter().map(|c| c.objects).sum();
            let inspected: u64 = d.coverage.iter().map(|c| c.inspected).sum();
            let status = |code: &str| {
                d.tasks
                    .iter()
                    .find(|s| s.status.code == code)
                    .map(|s| s.count)
                    .unwrap_or(0)
            };
            let mut row: Vec<Cell> = vec![
                d.department_code.clone().into(),
                format!("{}{}", "　".repeat(d.depth), d.department_name).into(),
                d.plan.state.label.clone().into(),
                d.plan.text.clone().into(),
                d.tasks_total.into(),
            ];
            for s in TaskStatus::ALL {
                row.push(status(s.code()).into());
            }
            row.extend([
                objects.into(),
                inspected.into(),
                percent(permille(inspected, objects)).into(),
                d.results_overdue_unpublished.into(),
                d.results_published_late.into(),
                d.objections_overdue.into(),
                d.replacements.into(),
                d.draws_without_beacon.into(),
            ]);
            row
        })
        .collect();
    let mut headers: Vec<&str> = vec!["部门编码", "部门", "计划报备", "报备情况", "任务总数"];
    headers.extend(TaskStatus::ALL.iter().map(|s| s.label()));
    headers.extend([
        "检查对象数",
        "已检查对象数",
        "覆盖率",
        "逾期未公示",
        "逾期公示",
        "异议处理逾期",
        "人员调整更换",
        "未使用公共随机信标的抽取",
    ]);
    wb.push_worksheet(sheet(&format!("{}年部门汇总", v.year), &headers, summary)?);

    let mut coverage = Vec::new();
    for d in &v.departments {
        for c in &d.coverage {
            for r in &c.by_risk {
                coverage.push(vec![
                    Cell::from(d.department_name.clone()),
                    c.kind.label.clone().into(),
                    r.risk_class.label.clone().into(),
                    r.objects.into(),
                    r.inspected.into(),
                    percent(r.coverage_permille).into(),
                ]);
            }
        }
    }
    wb.push_worksheet(sheet(
        "检查覆盖率",
        &["部门", "名录", "信用风险分类", "检查对象数", "本年已检查", "覆盖率"],
        coverage,
    )?);

    let overdue = v
        .overdue
        .iter()
        .map(|o| {
            vec![
                Cell::from(o.department_name.clone()),
                o.kind.label.clone().into(),
                o.reference.clone().into(),
                o.name.clone().into(),
                o.due.to_string().into(),
                o.done_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "未完成".into())
                    .into(),
                u64::try_from(o.days_over).unwrap_or(0).into(),
                if o.provisional { "暂定" } else { "" }.into(),
            ]
        })
        .collect();
    wb.push_worksheet(sheet(
        "逾期清单",
        &[
            "部门",
            "事项",
            "任务编号/异议回执号",
            "名称",
            "期限",
            "完成日期",
            "逾期工作日",
            "期限说明",
        ],
        overdue,
    )?);
    wb.save_to_buffer()
}

/// The 履职记录 workbook: the record's tasks, draws and inspections one
/// sheet each, every row naming its task by code.
fn duty_workbook(r: &DutyRecord) -> Result<Vec<u8>, XlsxError> {
    let tasks: Vec<Vec<String>> = r
        .tasks
        .iter()
        .map(|t| {
            vec![
                t.code.clone(),
                t.name.clone(),
                t.department.clone(),
                t.window.clone(),
                t.status.clone(),
                t.plan.clone(),
                t.publish_due.clone(),
                t.published_on.clone(),
                t.publication.clone(),
                t.published_by.clone(),
            ]
        })
        .collect();
    let draws: Vec<Vec<String>> = r
        .tasks
        .iter()
        .flat_map(|t| {
            t.draws.iter().map(|d| {
                vec![
                    t.code.clone(),
                    d.draw_id.clone(),
                    d.kind.clone(),
                    d.status.clone(),
                    d.beacon.clone(),
                    d.committed_at.clone(),
                    d.revealed_at.clone(),
                    d.operator.clone(),
                    d.record_url.clone(),
                ]
            })
        })
        .collect();
    let inspections: Vec<Vec<String>> = r
        .tasks
        .iter()
        .flat_map(|t| {
            t.inspections.iter().map(|i| {
                vec![
                    t.code.clone(),
                    i.unit.clone(),
                    i.object_name.clone(),
                    i.object_code.clone(),
                    i.team.join("；"),
                    i.draw_id.clone(),
                    i.status.clone(),
                    i.inspected_at.clone(),
                    i.document_no.clone(),
                    i.confirmed_at.clone(),
                ]
            })
        })
        .collect();
    let mut wb = Workbook::new();
    wb.push_worksheet(sheet(
        "抽查任务与公示",
        &[
            "任务编号",
            "任务名称",
            "发起部门",
            "执行时间",
            "任务状态",
            "依据的年度抽查计划",
            "公示期限",
            "公示日期",
            "公示情况",
            "公示人",
        ],
        text_rows(&tasks),
    )?);
    wb.push_worksheet(sheet(
        "随机抽取记录",
        &[
            "任务编号",
            "抽取编号",
            "抽取类型",
            "状态",
            "随机信标",
            "承诺时间",
            "揭晓时间",
            "操作人",
            "公开记录",
        ],
        text_rows(&draws),
    )?);
    wb.push_worksheet(sheet(
        "检查实施",
        &[
            "任务编号",
            "实施单位",
            "检查对象",
            "对象代码",
            "检查组成员（执法证号）",
            "人员抽取编号",
            "检查记录状态",
            "检查时间",
            "文书文号",
            "签字确认时间",
        ],
        text_rows(&inspections),
    )?);
    wb.save_to_buffer()
}
