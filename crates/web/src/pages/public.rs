//! The public site (一公开): pages and JSON without login. Only what the
//! rules make public is served here, through the app's `public_*` use cases,
//! which return nothing that is not public.

use super::{PageResult, render, time_or_dash};
use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::plans::{PlanDetail, PlanSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public", get(|| async { Redirect::to("/public/plans") }))
        .route("/public/plans", get(plans))
        .route("/public/plans.json", get(plans_json))
        .route("/public/plans/{file}", get(plan))
        .route("/public/draws.json", get(draws_json))
        .route("/public/draws/{file}", get(draw_json))
        .route("/public/tasks", get(tasks))
        .route("/public/tasks.json", get(tasks_json))
        .route("/public/tasks/{file}", get(task_json))
        .route("/public/tasks/{file}/items/{position}/{list}", get(task_objects))
}

/// `12` → page of 12; `12.json` → its JSON.
fn split_json(file: &str) -> Result<(i64, bool), AppError> {
    let (id, json) = match file.strip_suffix(".json") {
        Some(id) => (id, true),
        None => (file, false),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| AppError::NotFound("未找到该公开信息".into()))?;
    Ok((id, json))
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<String>,
}

impl YearQuery {
    fn year(&self) -> Option<i32> {
        self.year.as_deref().and_then(|y| y.trim().parse().ok())
    }
}

struct PlanRow {
    p: PlanSummary,
    published_at: String,
}

#[derive(Template)]
#[template(path = "public_plans.html")]
struct PlansPage {
    platform: String,
    rows: Vec<PlanRow>,
    year: String,
}

async fn plans(State(state): State<AppState>, Query(q): Query<YearQuery>) -> PageResult {
    let rows = state.app.public_plans(q.year()).await?;
    render(PlansPage {
        platform: state.app.settings().platform_name.clone(),
        rows: rows
            .into_iter()
            .map(|p| PlanRow {
                published_at: time_or_dash(p.published_at.as_ref()),
                p,
            })
            .collect(),
        year: q.year().map(|y| y.to_string()).unwrap_or_default(),
    })
}

async fn plans_json(
    State(state): State<AppState>,
    Query(q): Query<YearQuery>,
) -> Result<Json<Vec<PlanSummary>>, ApiError> {
    Ok(Json(state.app.public_plans(q.year()).await?))
}

#[derive(Template)]
#[template(path = "public_plan.html")]
struct PlanPage {
    platform: String,
    d: PlanDetail,
    published_at: String,
}

async fn plan(State(state): State<AppState>, Path(file): Path<String>) -> axum::response::Response {
    let (id, json) = match split_json(&file) {
        Ok(x) => x,
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    let d = match state.app.public_plan(id).await {
        Ok(d) => d,
        Err(e) if json => return ApiError(e).into_response(),
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    if json {
        return Json(d).into_response();
    }
    let published_at = time_or_dash(d.plan.published_at.as_ref());
    match render(PlanPage {
        platform: state.app.settings().platform_name.clone(),
        d,
        published_at,
    }) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// `/public/draws.json`: the URLs of every published draw record.
async fn draws_json(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let urls = state.app.public_draw_urls().await?;
    Ok(Json(serde_json::json!({"spec": "spotcheck-draw-v1", "draws": urls})))
}

/// `/public/draws/<draw_id>.json`: the record in the spec's format, exactly as
/// stored (committed, then complete after the reveal).
async fn draw_json(State(state): State<AppState>, Path(file): Path<String>) -> axum::response::Response {
    let Some(draw_id) = file.strip_suffix(".json") else {
        return ApiError(AppError::NotFound("抽取记录的地址应以 .json 结尾".into())).into_response();
    };
    match state.app.public_draw_json(draw_id).await {
        Ok(body) => ([(http::header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn tasks_json(State(state): State<AppState>) -> Result<Json<Vec<spotcheck_app::tasks::TaskView>>, ApiError> {
    Ok(Json(state.app.public_tasks().await?))
}

#[derive(Template)]
#[template(path = "public_tasks.html")]
struct TasksPage {
    platform: String,
    rows: Vec<spotcheck_app::tasks::TaskView>,
}

async fn tasks(State(state): State<AppState>) -> PageResult {
    render(TasksPage {
        platform: state.app.settings().platform_name.clone(),
        rows: state.app.public_tasks().await?,
    })
}

#[derive(Template)]
#[template(path = "public_task.html")]
struct TaskPage {
    platform: String,
    d: spotcheck_app::tasks::TaskDetail,
    /// The task's published results (empty before publication).
    results: spotcheck_app::public_results::PublicTaskResults,
}

/// `/public/tasks/12`: the page; `/public/tasks/12.json`: the same as JSON.
async fn task_json(State(state): State<AppState>, Path(file): Path<String>) -> axum::response::Response {
    let (id, json) = match split_json(&file) {
        Ok(x) => x,
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    let d = match state.app.public_task(id).await {
        Ok(d) => d,
        Err(e) if json => return ApiError(e).into_response(),
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    if json {
        return Json(d).into_response();
    }
    let results = match state.app.public_task_results(id).await {
        Ok(r) => r,
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    match render(TaskPage {
        platform: state.app.settings().platform_name.clone(),
        d,
        results,
    }) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "public_task_objects.html")]
struct TaskObjectsPage {
    platform: String,
    d: spotcheck_app::tasks::TaskDetail,
    item: spotcheck_app::tasks::TaskItemView,
    page: spotcheck_app::users::Page<spotcheck_app::tasks::DrawnObjectView>,
    pager: String,
}

#[derive(Deserialize, Default)]
pub struct PageNo {
    page: Option<u64>,
}

/// `/public/tasks/12/items/1/objects[.json]?page=3`: every drawn object of
/// an item, a page at a time.
async fn task_objects(
    State(state): State<AppState>,
    Path((file, position, list)): Path<(String, i32, String)>,
    Query(q): Query<PageNo>,
) -> axum::response::Response {
    let json = match list.as_str() {
        "objects" => false,
        "objects.json" => true,
        _ => return crate::error::PageError::from(AppError::NotFound("未找到该公开信息".into())).into_response(),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let answer = async {
        let id = file
            .parse::<i64>()
            .map_err(|_| AppError::NotFound("未找到该公开信息".into()))?;
        let page = state.app.public_task_item_objects(id, position, page_no).await?;
        Ok::<_, AppError>((id, page))
    }
    .await;
    let (id, page) = match answer {
        Ok(x) => x,
        Err(e) if json => return ApiError(e).into_response(),
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    if json {
        return Json(page).into_response();
    }
    let built = async {
        let d = state.app.public_task(id).await?;
        let item = d
            .items
            .iter()
            .find(|i| i.position == position)
            .cloned()
            .ok_or_else(|| AppError::NotFound("未找到该任务事项".into()))?;
        let base = format!("/public/tasks/{id}/items/{position}/objects");
        Ok::<_, AppError>(TaskObjectsPage {
            platform: state.app.settings().platform_name.clone(),
            pager: super::pager(page.total, page.page, page.page_size, &base, &[]),
            d,
            item,
            page,
        })
    }
    .await;
    match built {
        Ok(p) => match render(p) {
            Ok(r) => r,
            Err(e) => e.into_response(),
        },
        Err(e) => crate::error::PageError::from(e).into_response(),
    }
}
