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
use spotcheck_app::tasks::{EligibilityView, LockInput, NewTaskInput, RevealInput, TaskDetail, TaskView};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::ReplacementReason;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(list).post(create))
        .route("/tasks/{task_id}", get(show))
        .route("/tasks/{task_id}/items/{position}/lock", post(lock))
        .route("/tasks/{task_id}/items/{position}/reveal", post(reveal))
        .route("/tasks/{task_id}/confirm", post(confirm))
        .route("/tasks/{task_id}/dispatch", post(dispatch))
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
    error: Option<String>,
}

async fn list_page(state: &AppState, actor: &Actor) -> Result<ListPage, AppError> {
    let tasks = state.app.list_tasks(actor).await?;
    let can_create = actor.may(Permission::ManageTasks) && actor.department.kind == DepartmentKind::Competent;
    let (mut entries, mut plan_label) = (Vec::new(), String::new());
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
            _ => {}
        }
    }
    match state.app.create_task(&f.actor, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/tasks/{}?ok=created", d.task.id)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let mut page = list_page(&state, &f.actor).await?;
            page.error = Some(e.to_string());
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
}

impl ShowPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        spotcheck_app::actor::local_time(t)
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
    Ok(ShowPage {
        experts,
        reasons: ReplacementReason::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        frame: Frame::new(state, actor, "/tasks")
            .crumb("抽查计划与任务", None)
            .crumb("抽查任务", Some("/tasks"))
            .crumb(d.task.code.clone(), None),
        tag: status_class(&d.task.status.code),
        blocks,
        error: None,
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

async fn dispatch(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<StepForm>) -> PageResult {
    match state.app.dispatch_task(&f.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=dispatched")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}
