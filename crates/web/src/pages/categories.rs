//! 检查结果类别 (第二十一条's list, configurable): the province adds a category,
//! renames one or retires it. Results that used a category keep it.

use super::{Frame, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::inspections::CategoryView;
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::inspection::FindingRule;
use spotcheck_domain::role::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/result-categories", get(list).post(add))
        .route("/result-categories/{category_code}", post(update))
}

#[derive(Template)]
#[template(path = "result_categories.html")]
struct ListPage {
    frame: Frame,
    categories: Vec<CategoryView>,
    rules: Vec<(&'static str, &'static str)>,
    label: String,
    rule: String,
    error: Option<String>,
}

async fn page(state: &AppState, actor: &Actor) -> Result<ListPage, AppError> {
    actor.require(Permission::ManageItems)?;
    Ok(ListPage {
        frame: Frame::new(state, actor, "/result-categories")
            .crumb("系统", None)
            .crumb("检查结果类别", None),
        categories: state.app.result_categories(true).await?,
        rules: [
            FindingRule::NoProblem,
            FindingRule::Problem,
            FindingRule::NotInspectable,
        ]
        .iter()
        .map(|r| (r.code(), r.label()))
        .collect(),
        label: String::new(),
        rule: String::new(),
        error: None,
    })
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<super::OkQuery>) -> PageResult {
    let mut p = page(&state, &actor).await?;
    if q.ok.is_some() {
        p.frame.notice = Some("已保存。".into());
    }
    render(p)
}

#[derive(Deserialize, Default)]
struct AddForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    rule: String,
}

async fn add(State(state): State<AppState>, f: WebForm<AddForm>) -> PageResult {
    match state
        .app
        .add_result_category(&f.actor, &f.form.label, &f.form.rule)
        .await
    {
        Ok(_) => Ok(Redirect::to("/result-categories?ok=1").into_response()),
        Err(e @ AppError::Validation { .. }) => {
            let mut p = page(&state, &f.actor).await?;
            p.error = Some(e.to_string());
            p.label = f.form.label.clone();
            p.rule = f.form.rule.clone();
            Ok((crate::error::status_of(&e), Html(p.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct UpdateForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    active: String,
}

async fn update(State(state): State<AppState>, Path(code): Path<String>, f: WebForm<UpdateForm>) -> PageResult {
    let active = f.form.active == "true";
    match state
        .app
        .update_result_category(&f.actor, &code, &f.form.label, active)
        .await
    {
        Ok(()) => Ok(Redirect::to("/result-categories?ok=1").into_response()),
        Err(e @ AppError::Validation { .. }) => {
            let mut p = page(&state, &f.actor).await?;
            p.error = Some(e.to_string());
            Ok((crate::error::status_of(&e), Html(p.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
