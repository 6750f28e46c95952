//! 工作日历 page: the years the calendar covers with their 放假 and 调休上班
//! days, a deadline calculator, and — for the province — the form to enter a
//! new year's schedule as soon as the State Council publishes it.

use super::{Frame, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;
use spotcheck_app::calendar::{CalendarYearInput, CalendarYearView, DeadlineView};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::role::Permission;

pub fn router() -> Router<AppState> {
    Router::new().route("/calendar", get(show).post(set_year))
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    frame: Frame,
    years: Vec<CalendarYearView>,
    can_edit: bool,
    deadline: Option<DeadlineView>,
    from: String,
    workdays: String,
    form_year: String,
    form_source: String,
    form_entries: String,
    error: Option<String>,
}

async fn page(state: &AppState, actor: &Actor) -> Result<CalendarPage, AppError> {
    actor.require(Permission::ViewPlans)?;
    Ok(CalendarPage {
        frame: Frame::new(state, actor, "/calendar")
            .crumb("系统", None)
            .crumb("工作日历", None),
        years: state.app.calendar_years().await?,
        can_edit: actor.may(Permission::ManageItems),
        deadline: None,
        from: String::new(),
        workdays: "20".into(),
        form_year: String::new(),
        form_source: String::new(),
        form_entries: String::new(),
        error: None,
    })
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    from: Option<String>,
    workdays: Option<String>,
    ok: Option<String>,
}

async fn show(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<ShowQuery>) -> PageResult {
    let mut p = page(&state, &actor).await?;
    if q.ok.is_some() {
        p.frame.notice = Some("已录入。此后跨越该年度的期限按正式放假安排计算。".into());
    }
    if let (Some(from), Some(n)) = (&q.from, &q.workdays) {
        p.from = from.clone();
        p.workdays = n.clone();
        match (
            chrono::NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d"),
            n.trim().parse::<u32>(),
        ) {
            (Ok(d), Ok(n)) if n <= 3650 => p.deadline = Some(state.app.add_workdays(d, n).await?),
            _ => p.error = Some("请填写起算日期（年-月-日）和工作日数（0–3650）".into()),
        }
    }
    render(p)
}

#[derive(Deserialize, Default)]
struct YearForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    entries: String,
}

async fn set_year(State(state): State<AppState>, f: WebForm<YearForm>) -> PageResult {
    let input = CalendarYearInput {
        entries: f.form.entries.clone(),
        source: f.form.source.clone(),
    };
    let result = match f.form.year.trim().parse::<i32>() {
        Ok(year) => state.app.set_calendar_year(&f.actor, year, &input).await,
        Err(_) => Err(AppError::invalid("year", "请填写年度，如 2027")),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/calendar?ok=1").into_response()),
        Err(e @ AppError::Validation { .. }) => {
            let mut p = page(&state, &f.actor).await?;
            p.error = Some(e.to_string());
            p.form_year = f.form.year.clone();
            p.form_source = f.form.source.clone();
            p.form_entries = f.form.entries.clone();
            Ok((crate::error::status_of(&e), Html(p.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
