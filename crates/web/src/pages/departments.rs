//! The department tree and executing units.

use super::{Frame, OkQuery, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::departments::{DepartmentView, NewUnitInput, UnitUpdate};
use spotcheck_domain::role::Permission;

struct Row {
    code: String,
    name: String,
    indent: usize,
    unit: bool,
    active: bool,
}

#[derive(Template)]
#[template(path = "departments.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    /// How many departments the user's jurisdiction holds, before filtering.
    total: usize,
    /// Prefecture-level departments to filter by (empty for a city or county user).
    cities: Vec<(String, String)>,
    f_q: String,
    f_city: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    city: Option<String>,
}

/// The first four digits of a division code: the prefecture (市) it lies in.
fn city_prefix(code: &str) -> &str {
    code.get(..4).unwrap_or(code)
}

pub async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let depts = state.app.list_departments(&actor).await?;
    let total = depts.len();
    let base = depts.iter().map(|d| d.depth).min().unwrap_or(0);
    // The province sees 140 rows: it may narrow them to one 市 and its counties.
    let cities: Vec<(String, String)> = depts
        .iter()
        .filter(|d| d.depth == 1 && d.kind != "unit")
        .map(|d| (d.division_code.clone(), d.name.clone()))
        .collect();
    let cities = if cities.len() > 1 { cities } else { Vec::new() };
    let q = lq.q.as_deref().map(str::trim).unwrap_or_default().to_string();
    let city = lq.city.as_deref().map(str::trim).unwrap_or_default().to_string();
    let rows = depts
        .into_iter()
        .filter(|d| city.is_empty() || (d.depth > 0 && city_prefix(&d.division_code) == city_prefix(&city)))
        .filter(|d| q.is_empty() || d.name.contains(q.as_str()) || d.code.contains(q.as_str()))
        .map(|d| Row {
            indent: (d.depth - base).min(3),
            unit: d.kind == "unit",
            code: d.code,
            name: d.name,
            active: d.active,
        })
        .collect();
    render(ListPage {
        frame: Frame::new(&state, &actor, "/departments").crumb("部门与执行单位", None),
        rows,
        total,
        cities,
        f_q: q,
        f_city: city,
    })
}

#[derive(Template)]
#[template(path = "department.html")]
struct ShowPage {
    frame: Frame,
    d: DepartmentView,
    parent_name: String,
    units: Vec<DepartmentView>,
    can_manage: bool,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    actor: &spotcheck_app::Actor,
    code: &str,
    ok: Option<&str>,
) -> Result<ShowPage, AppError> {
    let (d, units) = state.app.get_department(actor, code).await?;
    let parent_name = match &d.parent_code {
        Some(p) => spotcheck_app::store::departments::by_code(state.app.store().conn(), p)
            .await
            .map_err(AppError::from)?
            .map(|p| p.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(ShowPage {
        parent_name,
        frame: Frame::new(state, actor, "/departments")
            .crumb("部门与执行单位", Some("/departments"))
            .crumb(d.name.clone(), None)
            .notice_from(ok),
        d,
        units,
        can_manage: actor.may(Permission::ManageDepartments),
        error: None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(code): Path<String>,
    q: Query<OkQuery>,
) -> PageResult {
    render(show_page(&state, &actor, &code, q.ok.as_deref()).await?)
}

#[derive(Deserialize)]
pub struct UnitForm {
    name: String,
}

pub async fn create_unit(State(state): State<AppState>, Path(code): Path<String>, f: WebForm<UnitForm>) -> PageResult {
    let input = NewUnitInput {
        parent_code: code.clone(),
        name: f.form.name.clone(),
    };
    match state.app.create_unit(&f.actor, &input).await {
        Ok(unit) => Ok(Redirect::to(&format!("/departments/{}?ok=created", unit.code)).into_response()),
        Err(AppError::Validation { field, message }) if field != "parent_code" => {
            let mut page = show_page(&state, &f.actor, &code, None).await?;
            page.error = Some(message);
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(AppError::Validation { .. }) => Err(AppError::not_found("部门").into()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    name: String,
    active: String,
}

pub async fn update(State(state): State<AppState>, Path(code): Path<String>, f: WebForm<UpdateForm>) -> PageResult {
    let input = UnitUpdate {
        name: f.form.name.clone(),
        active: f.form.active == "true",
    };
    match state.app.update_unit(&f.actor, &code, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/departments/{code}?ok=saved")).into_response()),
        Err(AppError::Validation { message, .. }) => {
            let mut page = show_page(&state, &f.actor, &code, None).await?;
            page.error = Some(message);
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
