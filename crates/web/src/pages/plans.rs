//! 年度抽查计划 pages: the list (with the filings waiting for the user's
//! answer), a plan version with its entries, the entry form, and the buttons
//! of the plan's life (报备, 确认, 退回, 公开, 调整). Every rule is in the app
//! layer; a refused action shows the page again with the reason.

use super::{Frame, PageResult, render, thousands, time_or_dash};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::plans::{
    EntryInput, EntryView, NewPlanInput, PlanDetail, PlanQuery, PlanSummary, PlannableItem, Term,
};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::plan::PlanStatus;
use spotcheck_domain::role::Permission;
use spotcheck_domain::vocab::{ObjectKind, RiskClass};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list).post(create))
        .route("/plans/{plan_id}", get(show))
        .route("/plans/{plan_id}/entries", post(add_entry))
        .route("/plans/{plan_id}/entries/{position}/edit", get(edit_entry_form))
        .route("/plans/{plan_id}/entries/{position}", post(update_entry))
        .route("/plans/{plan_id}/entries/{position}/delete", post(remove_entry))
        .route("/plans/{plan_id}/file", post(file))
        .route("/plans/{plan_id}/acknowledge", post(acknowledge))
        .route("/plans/{plan_id}/return", post(return_plan))
        .route("/plans/{plan_id}/publish", post(publish))
        .route("/plans/{plan_id}/adjust", post(adjust))
}

/// The colour of a status tag.
pub fn status_class(code: &str) -> &'static str {
    match PlanStatus::parse(code) {
        Ok(PlanStatus::Draft) => "grey",
        Ok(PlanStatus::Filed) => "orange",
        Ok(PlanStatus::Acknowledged) => "blue",
        Ok(PlanStatus::Returned) => "red",
        Ok(PlanStatus::Published) => "green",
        Ok(PlanStatus::Superseded) | Err(_) => "grey",
    }
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "已新建计划草稿，请添加计划事项。",
            "saved" => "已保存。",
            "filed" => "已报备，等待上级部门确认。",
            "acknowledged" => "已确认报备。",
            "returned" => "已退回，部门修改后可重新报备。",
            "published" => "已公开，公众可在公示网站查看。",
            "adjusted" => "已起草调整版本：修改后须重新报备、确认、公开。",
            _ => return None,
        }
        .to_string(),
    )
}

// ---------------------------------------------------------------------------
// List

/// A plan in a list, with its strings ready.
struct Row {
    p: PlanSummary,
    tag: &'static str,
    filed_at: String,
    published_at: String,
    updated_at: String,
}

impl Row {
    fn of(p: PlanSummary) -> Self {
        Self {
            tag: status_class(&p.status.code),
            filed_at: time_or_dash(p.filed_at.as_ref()),
            published_at: time_or_dash(p.published_at.as_ref()),
            updated_at: spotcheck_app::actor::local_time(&p.updated_at),
            p,
        }
    }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    awaiting: Vec<Row>,
    years: Vec<i32>,
    statuses: Vec<(String, String)>,
    year: String,
    status: String,
    can_create: bool,
    create_years: Vec<i32>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    year: Option<String>,
    status: Option<String>,
    ok: Option<String>,
}

async fn list_page(state: &AppState, actor: &Actor, lq: &ListQuery) -> Result<ListPage, AppError> {
    let year = lq.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    let query = PlanQuery {
        year,
        status: lq.status.clone().filter(|s| !s.is_empty()),
        department: None,
    };
    let rows = state.app.list_plans(actor, &query).await?;
    let awaiting = state.app.plans_awaiting_answer(actor).await?;
    let years = state.app.plan_years(actor).await?;
    let this = state
        .app
        .today()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    Ok(ListPage {
        frame: Frame::new(state, actor, "/plans")
            .crumb("抽查计划与任务", None)
            .crumb("年度抽查计划", None),
        rows: rows.into_iter().map(Row::of).collect(),
        awaiting: awaiting.into_iter().map(Row::of).collect(),
        years,
        statuses: PlanStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string()))
            .collect(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        status: lq.status.clone().unwrap_or_default(),
        can_create: actor.may(Permission::ManagePlans) && actor.department.kind == DepartmentKind::Competent,
        create_years: vec![this + 1, this],
        error: None,
    })
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let mut page = list_page(&state, &actor, &lq).await?;
    page.frame.notice = notice(lq.ok.as_deref());
    render(page)
}

#[derive(Deserialize)]
pub struct CreateForm {
    year: String,
    #[serde(default)]
    copy_from_year: String,
}

async fn create(State(state): State<AppState>, f: WebForm<CreateForm>) -> PageResult {
    let input = NewPlanInput {
        year: f.form.year.trim().parse().unwrap_or(0),
        copy_from_year: f.form.copy_from_year.trim().parse().ok(),
    };
    match state.app.create_plan(&f.actor, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/plans/{}?ok=created", d.plan.id)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let mut page = list_page(&state, &f.actor, &ListQuery::default()).await?;
            page.error = Some(e.to_string());
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// Detail

/// The entry form's values.
#[derive(Default)]
struct EntryFormValues {
    /// 0 for a new entry.
    position: i32,
    item_version_id: i64,
    object_kinds: Vec<String>,
    divisions: Vec<String>,
    risk_classes: Vec<String>,
    ratio: String,
    months: Vec<u32>,
    note: String,
}

impl EntryFormValues {
    fn of(e: &EntryView) -> Self {
        Self {
            position: e.position,
            item_version_id: e.item_version_id,
            object_kinds: e.object_kinds.iter().map(|t| t.code.clone()).collect(),
            divisions: e.divisions.iter().map(|t| t.code.clone()).collect(),
            risk_classes: e.risk_classes.iter().map(|t| t.code.clone()).collect(),
            ratio: e.ratio.clone(),
            months: e.months.clone(),
            note: e.note.clone(),
        }
    }

    fn input(&self) -> EntryInput {
        EntryInput {
            item_version_id: self.item_version_id,
            object_kinds: self.object_kinds.clone(),
            divisions: self.divisions.clone(),
            risk_classes: self.risk_classes.clone(),
            ratio: self.ratio.clone(),
            months: self.months.clone(),
            note: self.note.clone(),
        }
    }

    /// From the submitted form (repeated keys for the multi-valued fields).
    fn from_form(form: &[(String, String)]) -> Self {
        let mut v = Self::default();
        for (k, val) in form {
            match k.as_str() {
                "item_version_id" => v.item_version_id = val.trim().parse().unwrap_or(0),
                "object_kinds" => v.object_kinds.push(val.clone()),
                "divisions" => v.divisions.push(val.clone()),
                "risk_classes" => v.risk_classes.push(val.clone()),
                "ratio" => v.ratio = val.clone(),
                "months" => v.months.extend(val.trim().parse::<u32>().ok()),
                "note" => v.note = val.clone(),
                _ => {}
            }
        }
        v
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct ShowPage {
    frame: Frame,
    d: PlanDetail,
    status_class: &'static str,
    filed_at: String,
    answered_at: String,
    published_at: String,
    total_estimate: String,
    items: Vec<PlannableItem>,
    divisions: Vec<Term>,
    object_kinds: Vec<(String, String)>,
    risk_classes: Vec<(String, String)>,
    form: EntryFormValues,
    /// The entry form is open (a new entry, or an edit).
    form_open: bool,
    form_error: Option<String>,
    action_error: Option<String>,
    comment: String,
    reason: String,
    event_times: Vec<String>,
}

impl ShowPage {
    fn version_class(&self, code: &str) -> &'static str {
        status_class(code)
    }
}

async fn show_page(state: &AppState, actor: &Actor, id: i64) -> Result<ShowPage, AppError> {
    let d = state.app.get_plan(actor, id).await?;
    let (items, divisions) = if d.rights.edit {
        (
            state.app.plannable_items(actor).await?,
            state.app.plan_divisions(actor).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let event_times = d
        .events
        .iter()
        .map(|e| spotcheck_app::actor::local_time(&e.at))
        .collect();
    Ok(ShowPage {
        frame: Frame::new(state, actor, "/plans")
            .crumb("抽查计划与任务", None)
            .crumb("年度抽查计划", Some("/plans"))
            .crumb(format!("{}{}年度计划", d.plan.department_name, d.plan.year), None),
        status_class: status_class(&d.plan.status.code),
        filed_at: time_or_dash(d.plan.filed_at.as_ref()),
        answered_at: time_or_dash(d.answered_at.as_ref()),
        published_at: time_or_dash(d.plan.published_at.as_ref()),
        total_estimate: thousands(d.total_estimate),
        items,
        divisions,
        object_kinds: ObjectKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string()))
            .collect(),
        risk_classes: RiskClass::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string()))
            .collect(),
        form: EntryFormValues {
            ratio: String::new(),
            ..Default::default()
        },
        form_open: false,
        form_error: None,
        action_error: None,
        comment: String::new(),
        reason: String::new(),
        event_times,
        d,
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    ok: Option<String>,
    /// `1`: open the entry form (添加事项).
    add: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let mut page = show_page(&state, &actor, id).await?;
    page.frame.notice = notice(q.ok.as_deref());
    page.form_open = page.d.rights.edit && (page.d.entries.is_empty() || q.add.is_some());
    render(page)
}

async fn edit_entry_form(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((id, position)): Path<(i64, i32)>,
) -> PageResult {
    let mut page = show_page(&state, &actor, id).await?;
    if !page.d.rights.edit {
        return Err(AppError::Conflict(format!("本计划{}，不能修改", page.d.plan.status.label)).into());
    }
    let e = page
        .d
        .entries
        .iter()
        .find(|e| e.position == position)
        .ok_or_else(|| AppError::not_found("计划事项"))?;
    page.form = EntryFormValues::of(e);
    page.form_open = true;
    render(page)
}

/// Shows the plan again with a refused entry form (422).
async fn entry_refused(state: &AppState, actor: &Actor, id: i64, form: EntryFormValues, e: AppError) -> PageResult {
    match e {
        AppError::Validation { .. } | AppError::Conflict(_) => {
            let mut page = show_page(state, actor, id).await?;
            page.form = form;
            page.form_open = true;
            page.form_error = Some(e.to_string());
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        other => Err(other.into()),
    }
}

async fn add_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let form = EntryFormValues::from_form(&f.form);
    match state.app.add_plan_entry(&f.actor, id, form.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=saved")).into_response()),
        Err(e) => entry_refused(&state, &f.actor, id, form, e).await,
    }
}

async fn update_entry(
    State(state): State<AppState>,
    Path((id, position)): Path<(i64, i32)>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let mut form = EntryFormValues::from_form(&f.form);
    form.position = position;
    match state
        .app
        .update_plan_entry(&f.actor, id, position.max(0) as usize, form.input())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=saved")).into_response()),
        Err(e) => entry_refused(&state, &f.actor, id, form, e).await,
    }
}

async fn remove_entry(
    State(state): State<AppState>,
    Path((id, position)): Path<(i64, i32)>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    match state
        .app
        .remove_plan_entry(&f.actor, id, position.max(0) as usize)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=saved")).into_response()),
        Err(e) => action_refused(&state, &f.actor, id, e, "", "").await,
    }
}

/// Shows the plan again with the reason an action was refused (422/409).
async fn action_refused(
    state: &AppState,
    actor: &Actor,
    id: i64,
    e: AppError,
    comment: &str,
    reason: &str,
) -> PageResult {
    match e {
        AppError::Validation { .. } | AppError::Conflict(_) => {
            let status = crate::error::status_of(&e);
            let mut page = show_page(state, actor, id).await?;
            page.action_error = Some(e.to_string());
            page.comment = comment.to_string();
            page.reason = reason.to_string();
            Ok((status, Html(page.render()?)).into_response())
        }
        other => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct TextForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
}

async fn file(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<TextForm>) -> PageResult {
    match state.app.file_plan(&f.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=filed")).into_response()),
        Err(e) => action_refused(&state, &f.actor, id, e, "", "").await,
    }
}

async fn acknowledge(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<TextForm>) -> PageResult {
    match state.app.acknowledge_plan(&f.actor, id, &f.form.comment).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=acknowledged")).into_response()),
        Err(e) => action_refused(&state, &f.actor, id, e, &f.form.comment, "").await,
    }
}

async fn return_plan(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<TextForm>) -> PageResult {
    match state.app.return_plan(&f.actor, id, &f.form.comment).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=returned")).into_response()),
        Err(e) => action_refused(&state, &f.actor, id, e, &f.form.comment, "").await,
    }
}

async fn publish(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<TextForm>) -> PageResult {
    match state.app.publish_plan(&f.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?ok=published")).into_response()),
        Err(e) => action_refused(&state, &f.actor, id, e, "", "").await,
    }
}

async fn adjust(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<TextForm>) -> PageResult {
    match state.app.adjust_plan(&f.actor, id, &f.form.reason).await {
        Ok(d) => Ok(Redirect::to(&format!("/plans/{}?ok=adjusted", d.plan.id)).into_response()),
        Err(e) => action_refused(&state, &f.actor, id, e, "", &f.form.reason).await,
    }
}
