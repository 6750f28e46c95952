//! 抽查任务 pages: the list with the form to start a task from the published
//! plan, and a task with each item's eligibility preview, the lock (commit)
//! and reveal forms, the drawn objects, confirmation and dispatch.

use super::{Frame, PageResult, render, time_or_dash};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::inspectors::ExpertView;
use spotcheck_app::plans::{EntryView, PlanQuery};
use spotcheck_app::tasks::{
    DrawnObjectView, EligibilityView, LockInput, NewTaskInput, ParticipantInput, RatiosInput, RevealInput, TaskDetail,
    TaskItemView, TaskView,
};
use spotcheck_app::users::Page;
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::ReplacementReason;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(list).post(create))
        .route("/tasks/{task_id}", get(show))
        .route("/tasks/{task_id}/items/{position}/objects", get(objects))
        .route("/tasks/{task_id}/items/{position}/lock", post(lock))
        .route("/tasks/{task_id}/items/{position}/ratios", post(ratios))
        .route("/tasks/{task_id}/items/{position}/reveal", post(reveal))
        .route("/tasks/{task_id}/confirm", post(confirm))
        .route("/tasks/{task_id}/dispatch", post(dispatch))
        .route("/tasks/{task_id}/archives", post(archive))
        .route("/tasks/{task_id}/archive.zip", get(archive_zip))
}

fn status_class(code: &str) -> &'static str {
    match code {
        "draft" => "grey",
        "list_locked" => "blue",
        "dispatched" | "matched" | "inspecting" => "orange",
        _ => "green",
    }
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "已新建任务。请逐项查看可抽取对象后锁定抽取。",
            "ratios" => "已设定分层抽查比例，应抽数量已按新比例计算。",
            "locked" => "已锁定：抽取记录（承诺）已向社会公布，待随机信标产生后揭晓。",
            "revealed" => "已揭晓：抽取结果已公布，任何人可按公开的方法复核。",
            "confirmed" => "已确认名单，名单不再变动。",
            "dispatched" => "已派发至执行单位。",
            "match_locked" => "已锁定检查人员抽取：抽取记录（承诺）已公布，待随机信标产生后揭晓。",
            "matched" => "已揭晓：检查组已组成，被抽中的检查人员已收到通知。",
            "expert" => "已添加专家（不计入检查组人数）。",
            "expert_removed" => "已将专家移出检查组。",
            "requested" => "已提交调整更换申请，待分管负责人审批。",
            "decided" => "已处理调整更换申请。批准的，替换人员抽取已锁定，待揭晓。",
            "replaced" => "已揭晓：替换人员已加入检查组，原成员的记录保留。",
            "published" => "已公示：检查结果已在公开网站发布，依法不予公开的结果已计数但不公开。",
            "archived" => "已归档：检查文书已保存，归档清单的哈希已记入审计日志（哈希链签署）。",
            _ => return None,
        }
        .to_string(),
    )
}

struct Row {
    t: TaskView,
    tag: &'static str,
    window: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    can_create: bool,
    entries: Vec<EntryView>,
    plan_label: String,
    /// Other departments' published plans of the same year, for a 联合抽查.
    joint: Vec<JointOption>,
    /// What was entered, shown again when the task is refused.
    form: NewTaskInput,
    error: Option<String>,
}

impl ListPage {
    fn chose(&self, entry_id: &i64) -> bool {
        self.form.plan_entry_ids.contains(entry_id)
    }

    fn joined(&self, department_code: &str, entry_id: &i64) -> bool {
        self.form
            .participants
            .iter()
            .any(|p| p.department_code == department_code && p.plan_entry_ids.contains(entry_id))
    }

    fn team_size(&self) -> i32 {
        self.form.team_size.unwrap_or(spotcheck_app::tasks::MIN_TEAM_SIZE)
    }
}

/// A department that may join a 联合抽查 with the entries of its published plan.
struct JointOption {
    code: String,
    name: String,
    plan_label: String,
    entries: Vec<EntryView>,
}

async fn list_page(state: &AppState, actor: &Actor) -> Result<ListPage, AppError> {
    let tasks = state.app.list_tasks(actor).await?;
    let can_create = actor.may(Permission::ManageTasks) && actor.department.kind == DepartmentKind::Competent;
    let (mut entries, mut plan_label, mut joint) = (Vec::new(), String::new(), Vec::new());
    if can_create {
        let plans = state
            .app
            .list_plans(
                actor,
                &PlanQuery {
                    status: Some("published".into()),
                    department: Some(actor.department.code.as_str().to_string()),
                    ..Default::default()
                },
            )
            .await?;
        if let Some(p) = plans.first() {
            let d = state.app.get_plan(actor, p.id).await?;
            plan_label = format!("{}年度计划第{}版", p.year, p.version);
            entries = d.entries;
            // 联合抽查 (第十七条): departments whose current plan of the same
            // year is public, each offering its own entries.
            for other in state.app.public_plans(Some(p.year)).await? {
                if other.status.code != "published" || other.department_code == actor.department.code.as_str() {
                    continue;
                }
                let od = state.app.public_plan(other.id).await?;
                if od.entries.is_empty() {
                    continue;
                }
                joint.push(JointOption {
                    plan_label: format!("{}年度计划第{}版", other.year, other.version),
                    code: other.department_code,
                    name: other.department_name,
                    entries: od.entries,
                });
            }
        }
    }
    Ok(ListPage {
        frame: Frame::new(state, actor, "/tasks")
            .crumb("抽查计划与任务", None)
            .crumb("抽查任务", None),
        rows: tasks
            .into_iter()
            .map(|t| Row {
                tag: status_class(&t.status.code),
                window: format!("{} 至 {}", t.window_start, t.window_end),
                t,
            })
            .collect(),
        can_create,
        entries,
        plan_label,
        joint,
        form: NewTaskInput::default(),
        error: None,
    })
}

#[derive(Deserialize, Default)]
pub struct OkQuery {
    ok: Option<String>,
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<OkQuery>) -> PageResult {
    let mut page = list_page(&state, &actor).await?;
    page.frame.notice = notice(q.ok.as_deref());
    render(page)
}

async fn create(State(state): State<AppState>, f: WebForm<Vec<(String, String)>>) -> PageResult {
    let mut input = NewTaskInput {
        kind: "double_random".into(),
        ..Default::default()
    };
    for (k, v) in &f.form {
        match k.as_str() {
            "name" => input.name = v.clone(),
            "window_start" => input.window_start = v.clone(),
            "window_end" => input.window_end = v.clone(),
            "team_size" => input.team_size = v.trim().parse().ok(),
            "plan_entry_ids" => input.plan_entry_ids.extend(v.trim().parse::<i64>().ok()),
            // `230102:17`: entry 17 of 道里's plan joins the task.
            "participant_entry" => {
                let Some((code, id)) = v.split_once(':') else { continue };
                let Ok(id) = id.trim().parse::<i64>() else { continue };
                match input.participants.iter_mut().find(|p| p.department_code == code) {
                    Some(p) => p.plan_entry_ids.push(id),
                    None => input.participants.push(ParticipantInput {
                        department_code: code.to_string(),
                        plan_entry_ids: vec![id],
                    }),
                }
            }
            _ => {}
        }
    }
    if !input.participants.is_empty() {
        input.kind = "joint".into();
    }
    match state.app.create_task(&f.actor, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/tasks/{}?ok=created", d.task.id)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let mut page = list_page(&state, &f.actor).await?;
            page.error = Some(e.to_string());
            page.form = input;
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

struct ItemBlock {
    eligibility: Option<EligibilityView>,
    committed_at: String,
    revealed_at: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct ShowPage {
    frame: Frame,
    d: TaskDetail,
    tag: &'static str,
    blocks: Vec<ItemBlock>,
    error: Option<String>,
    /// Experts of the jurisdiction, offered where a team can take one.
    experts: Vec<ExpertView>,
    /// 第十八条's reasons: (code, label).
    reasons: Vec<(&'static str, &'static str)>,
    /// Ratios just refused for an item: (position, stratum code → as typed),
    /// shown again in the open form so nothing typed is lost.
    ratio_attempt: Option<(i32, RatiosInput)>,
    /// 归档 (第二十四条): the packages made so far, newest first.
    archives: Vec<spotcheck_app::archive::ArchiveView>,
    /// The actor may archive now.
    can_archive: bool,
    /// 结果公示 (第二十三条), once the inspections have begun.
    publication: Option<spotcheck_app::publication::TaskPublicationView>,
}

impl ShowPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        spotcheck_app::actor::local_time(t)
    }

    fn ratios_open(&self, position: &i32) -> bool {
        self.ratio_attempt.as_ref().is_some_and(|(p, _)| p == position)
    }

    /// What the ratio field of `stratum` shows: what was just typed, or the ratio now.
    fn ratio_value(&self, position: &i32, stratum: &str, now: &str) -> String {
        self.ratio_attempt
            .as_ref()
            .filter(|(p, _)| p == position)
            .and_then(|(_, r)| r.ratios.get(stratum))
            .cloned()
            .unwrap_or_else(|| now.to_string())
    }
}

async fn show_page(state: &AppState, actor: &Actor, id: i64) -> Result<ShowPage, AppError> {
    let d = state.app.get_task(actor, id).await?;
    let mut blocks = Vec::new();
    for i in &d.items {
        let eligibility = if i.draw.is_none() {
            Some(state.app.task_item_eligibility(actor, id, i.position).await?)
        } else {
            None
        };
        blocks.push(ItemBlock {
            eligibility,
            committed_at: time_or_dash(i.draw.as_ref().map(|d| &d.committed_at)),
            revealed_at: time_or_dash(i.draw.as_ref().and_then(|d| d.revealed_at.as_ref())),
        });
    }
    let experts = if d.staffing.teams.iter().any(|t| t.can_edit_experts) && actor.may(Permission::ViewDirectories) {
        state.app.list_experts(actor, None, 1).await?.items
    } else {
        Vec::new()
    };
    let archives = state.app.task_archives(actor, id).await?;
    let publication = if matches!(
        d.task.status.code.as_str(),
        "inspecting" | "entered" | "published" | "archived"
    ) {
        Some(state.app.task_publication(actor, id).await?)
    } else {
        None
    };
    let can_archive = matches!(d.task.status.code.as_str(), "entered" | "published" | "archived")
        && actor.may(Permission::ManageTasks)
        && actor.department.code.as_str() == d.task.department_code;
    Ok(ShowPage {
        publication,
        archives,
        can_archive,
        experts,
        reasons: ReplacementReason::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        frame: Frame::new(state, actor, "/tasks")
            .crumb("抽查计划与任务", None)
            .crumb("抽查任务", Some("/tasks"))
            .crumb(d.task.code.clone(), None),
        tag: status_class(&d.task.status.code),
        blocks,
        error: None,
        ratio_attempt: None,
        d,
    })
}

async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    let mut page = show_page(&state, &actor, id).await?;
    page.frame.notice = notice(q.ok.as_deref());
    render(page)
}

/// 设定分层抽查比例: one field a stratum, named by its code.
async fn ratios(
    State(state): State<AppState>,
    Path((id, position)): Path<(i64, i32)>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let input = RatiosInput {
        ratios: f
            .form
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("ratio_").map(|s| (s.to_string(), v.clone())))
            .collect(),
    };
    match state.app.set_task_item_ratios(&f.actor, id, position, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=ratios#item{position}")).into_response()),
        Err(e @ AppError::Validation { .. }) => {
            let mut page = show_page(&state, &f.actor, id).await?;
            page.error = Some(e.to_string());
            page.ratio_attempt = Some((position, input));
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

#[derive(Deserialize, Default)]
pub struct PageNo {
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "task_objects.html")]
struct ObjectsPage {
    frame: Frame,
    d: TaskDetail,
    item: TaskItemView,
    page: Page<DrawnObjectView>,
    pager: String,
}

/// Every drawn object of one task item, a page at a time.
async fn objects(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((id, position)): Path<(i64, i32)>,
    Query(q): Query<PageNo>,
) -> PageResult {
    let d = state.app.get_task(&actor, id).await?;
    let item = d
        .items
        .iter()
        .find(|i| i.position == position)
        .cloned()
        .ok_or_else(|| AppError::not_found("任务事项"))?;
    let page = state
        .app
        .task_item_objects(&actor, id, position, q.page.unwrap_or(1))
        .await?;
    let base = format!("/tasks/{id}/items/{position}/objects");
    render(ObjectsPage {
        frame: Frame::new(&state, &actor, "/tasks")
            .crumb("抽查计划与任务", None)
            .crumb("抽查任务", Some("/tasks"))
            .crumb(&d.task.code, Some(&format!("/tasks/{id}")))
            .crumb("抽中的检查对象", None),
        pager: super::pager(page.total, page.page, page.page_size, &base, &[]),
        d,
        item,
        page,
    })
}

pub(super) async fn refused(state: &AppState, actor: &Actor, id: i64, e: AppError) -> PageResult {
    match e {
        AppError::Validation { .. } | AppError::Conflict(_) => {
            let status = crate::error::status_of(&e);
            let mut page = show_page(state, actor, id).await?;
            page.error = Some(e.to_string());
            Ok((status, Html(page.render()?)).into_response())
        }
        other => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    beacon: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    value: String,
}

async fn lock(
    State(state): State<AppState>,
    Path((id, position)): Path<(i64, i32)>,
    f: WebForm<StepForm>,
) -> PageResult {
    let input = LockInput {
        beacon: f.form.beacon.clone(),
        source: f.form.source.clone(),
    };
    match state.app.lock_task_item(&f.actor, id, position, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=locked")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

async fn reveal(
    State(state): State<AppState>,
    Path((id, position)): Path<(i64, i32)>,
    f: WebForm<StepForm>,
) -> PageResult {
    let input = RevealInput {
        value: f.form.value.clone(),
    };
    match state.app.reveal_task_item(&f.actor, id, position, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=revealed")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

async fn confirm(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<StepForm>) -> PageResult {
    match state.app.confirm_task_list(&f.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=confirmed")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

/// 归档: the documents stored, the manifest signed by an audit entry.
async fn archive(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<StepForm>) -> PageResult {
    match state.app.archive_task(&f.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=archived#archive")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

async fn archive_zip(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    match crate::download::archive(&state, &actor, id).await {
        Ok(r) => Ok(r),
        Err(e) => refused(&state, &actor, id, e).await,
    }
}

async fn dispatch(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<StepForm>) -> PageResult {
    match state.app.dispatch_task(&f.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=dispatched")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}
