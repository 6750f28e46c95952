//! The public site's results (一公开): the search of published results, one
//! result with its corrections, and the objection form with the status of
//! one's objections. Each list is also JSON. No login.

use super::{PageResult, render};
use crate::AppState;
use crate::error::{ApiError, PageError};
use crate::extract::Meta;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::objections::{PublicObjectionInput, PublicObjectionStatus};
use spotcheck_app::public_results::{PublicResultDetail, PublicResultsPage, PublicSearch};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/results/{file}", get(result))
        .route("/public/tasks/{task_id}/results.json", get(task_results_json))
        .route(
            "/public/objections",
            get(objection_form)
                .post(file_objection)
                .layer(DefaultBodyLimit::max(crate::upload::ATTACHMENTS_LIMIT)),
        )
        .route("/public/objections/status", get(status))
        .route("/public/objections/status.json", get(status_json))
        .route("/public/items", get(items))
        .route("/public/items.json", get(items_json))
        .route("/public/items/{file}", get(item))
}

/// The searches, which the server keeps for a few seconds
/// (`crate::public_cache`): the busiest public pages, the same for everyone.
pub fn cached_router() -> Router<AppState> {
    Router::new()
        .route("/public/results", get(search))
        .route("/public/results.json", get(search_json))
}

fn platform(state: &AppState) -> String {
    state.app.settings().platform_name.clone()
}

#[derive(Template)]
#[template(path = "public_results.html")]
struct SearchPage {
    platform: String,
    s: PublicSearch,
    page: Option<PublicResultsPage>,
    error: Option<String>,
    /// The query string without `page`, for the pager links.
    query: String,
}

fn query_without_page(s: &PublicSearch) -> String {
    let pairs = [
        ("q", &s.q),
        ("department", &s.department),
        ("item", &s.item),
        ("kind", &s.kind),
        ("from", &s.from),
        ("to", &s.to),
    ];
    let mut out = form_urlencoded_pairs(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.as_str())),
    );
    if !out.is_empty() {
        out.push('&');
    }
    out
}

fn form_urlencoded_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let v: Vec<(&str, &str)> = pairs.collect();
    serde_urlencoded::to_string(v).unwrap_or_default()
}

async fn search(State(state): State<AppState>, Query(s): Query<PublicSearch>) -> PageResult {
    let (page, error) = match state.app.public_results(&s).await {
        Ok(p) => (Some(p), None),
        Err(e @ AppError::Validation { .. }) => (None, Some(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    render(SearchPage {
        platform: platform(&state),
        query: query_without_page(&s),
        s,
        page,
        error,
    })
}

async fn search_json(
    State(state): State<AppState>,
    Query(s): Query<PublicSearch>,
) -> Result<Json<PublicResultsPage>, ApiError> {
    Ok(Json(state.app.public_results(&s).await?))
}

/// A task's published results (withheld ones only counted).
async fn task_results_json(
    State(state): State<AppState>,
    Path(task_id): Path<i64>,
) -> Result<Json<spotcheck_app::public_results::PublicTaskResults>, ApiError> {
    Ok(Json(state.app.public_task_results(task_id).await?))
}

#[derive(Template)]
#[template(path = "public_result.html")]
struct ResultPage {
    platform: String,
    d: PublicResultDetail,
}

impl ResultPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        spotcheck_app::actor::local_time(t)
    }
}

/// `/public/results/12`: the page; `/public/results/12.json`: the same as JSON.
async fn result(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let (id, json) = match file.strip_suffix(".json") {
        Some(id) => (id, true),
        None => (file.as_str(), false),
    };
    let found = match id.parse::<i64>() {
        Ok(id) => state.app.public_result(id).await,
        Err(_) => Err(AppError::NotFound("未找到该公开信息".into())),
    };
    match (found, json) {
        (Ok(d), true) => Json(d).into_response(),
        (Err(e), true) => ApiError(e).into_response(),
        (Err(e), false) => PageError::from(e).into_response(),
        (Ok(d), false) => render(ResultPage {
            platform: platform(&state),
            d,
        })
        .into_response(),
    }
}

#[derive(Template)]
#[template(path = "public_objection.html")]
struct ObjectionPage {
    platform: String,
    error: Option<String>,
    filed: Option<PublicObjectionStatus>,
    attempt: HashMap<String, String>,
    statuses: Option<Vec<PublicObjectionStatus>>,
    code: String,
}

impl ObjectionPage {
    fn new(state: &AppState) -> Self {
        ObjectionPage {
            platform: platform(state),
            error: None,
            filed: None,
            attempt: HashMap::new(),
            statuses: None,
            code: String::new(),
        }
    }

    fn v(&self, field: &str) -> String {
        self.attempt.get(field).cloned().unwrap_or_default()
    }
}

async fn objection_form(State(state): State<AppState>) -> PageResult {
    render(ObjectionPage::new(&state))
}

/// The objection form sent (multipart, with attachments).
async fn file_objection(State(state): State<AppState>, Meta(meta): Meta, multipart: Multipart) -> PageResult {
    let mut page = ObjectionPage::new(&state);
    let received = crate::upload::receive_attachments(
        multipart,
        spotcheck_app::objections::MAX_ATTACHMENT_BYTES,
        spotcheck_domain::publication::MAX_OBJECTION_FILES,
    )
    .await;
    let (fields, files) = match received {
        Ok(x) => x,
        Err(e) => {
            page.error = Some(e.to_string());
            return Ok((http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
        }
    };
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let input = PublicObjectionInput {
        code: get("code"),
        submitter: get("submitter"),
        contact: get("contact"),
        content: get("content"),
    };
    match state.app.file_objection(meta, input, files).await {
        Ok(s) => {
            page.filed = Some(s);
            render(page)
        }
        Err(e @ AppError::Validation { .. }) => {
            page.error = Some(e.to_string());
            page.attempt = fields;
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct CodeQuery {
    #[serde(default)]
    code: String,
}

async fn status(State(state): State<AppState>, Query(q): Query<CodeQuery>) -> PageResult {
    let mut page = ObjectionPage::new(&state);
    page.code = q.code.clone();
    match state.app.objection_status(&q.code).await {
        Ok(s) => page.statuses = Some(s),
        Err(e @ AppError::Validation { .. }) => page.error = Some(e.to_string()),
        Err(e) => return Err(e.into()),
    }
    render(page)
}

async fn status_json(
    State(state): State<AppState>,
    Query(q): Query<CodeQuery>,
) -> Result<Json<Vec<PublicObjectionStatus>>, ApiError> {
    Ok(Json(state.app.objection_status(&q.code).await?))
}

#[derive(Template)]
#[template(path = "public_items.html")]
struct ItemsPage {
    platform: String,
    page: spotcheck_app::users::Page<spotcheck_app::items::ItemView>,
    q: String,
    category: String,
    pager: String,
}

/// 随机抽查事项清单: the current version of every item, with a link to its history.
async fn items(State(state): State<AppState>, Query(q): Query<spotcheck_app::items::ItemQuery>) -> PageResult {
    let page = state.app.public_items(&q).await?;
    let query: Vec<(&str, String)> = [("q", q.q.clone()), ("category", q.category.clone())]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
    render(ItemsPage {
        platform: platform(&state),
        pager: super::pager(page.total, page.page, page.page_size, "/public/items", &query),
        page,
        q: q.q.unwrap_or_default(),
        category: q.category.unwrap_or_default(),
    })
}

async fn items_json(
    State(state): State<AppState>,
    Query(q): Query<spotcheck_app::items::ItemQuery>,
) -> Result<Json<spotcheck_app::users::Page<spotcheck_app::items::ItemView>>, ApiError> {
    Ok(Json(state.app.public_items(&q).await?))
}

#[derive(Template)]
#[template(path = "public_item.html")]
struct ItemPage {
    platform: String,
    d: spotcheck_app::items::ItemDetail,
}

impl ItemPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        spotcheck_app::actor::local_time(t)
    }
}

/// `/public/items/ZJ001`: an item with its change history; `.json` the same as JSON.
async fn item(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let (code, json) = match file.strip_suffix(".json") {
        Some(c) => (c, true),
        None => (file.as_str(), false),
    };
    match (state.app.public_item(code).await, json) {
        (Ok(d), true) => Json(d).into_response(),
        (Err(e), true) => ApiError(e).into_response(),
        (Err(e), false) => PageError::from(e).into_response(),
        (Ok(d), false) => render(ItemPage {
            platform: platform(&state),
            d,
        })
        .into_response(),
    }
}
