//! User management pages.

use super::{Frame, OkQuery, PageResult, department_options, pager, render, time_or_dash};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use spotcheck_app::actor::local_time;
use spotcheck_app::users::{NewUserInput, UserQuery, UserUpdate, UserView};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::role::Role;

struct Row {
    id: i64,
    username: String,
    display_name: String,
    role_label: String,
    department: String,
    status: &'static str,
    status_class: &'static str,
    totp: bool,
    last_login: String,
}

fn status_of(u: &UserView, now: chrono::DateTime<chrono::Utc>) -> (&'static str, &'static str) {
    if !u.active {
        ("停用", "grey")
    } else if u.is_locked(now) {
        ("锁定", "red")
    } else {
        ("启用", "green")
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    pager: String,
    roles: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    q: String,
    role: String,
    department: String,
    active: String,
}

fn role_options(actor: &Actor) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .filter(|r| actor.role().may_assign(**r))
        .map(|r| (r.code().to_string(), r.label().to_string()))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    department: Option<String>,
    active: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    ok: Option<String>,
}

pub async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let active = match lq.active.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let query = UserQuery {
        q: lq.q.clone(),
        role: lq.role.clone(),
        department: lq.department.clone(),
        active,
        page: lq.page,
        page_size: Some(super::page_size(lq.page_size, 20)),
    };
    let page = state.app.list_users(&actor, &query).await?;
    let now = state.app.now();
    let rows = page
        .items
        .iter()
        .map(|u| {
            let (status, status_class) = status_of(u, now);
            Row {
                id: u.id,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role_label: u.role_label.clone(),
                department: u.department_name.clone(),
                status,
                status_class,
                totp: u.totp_enabled,
                last_login: time_or_dash(u.last_login_at.as_ref()),
            }
        })
        .collect();
    let keep = [
        ("q", lq.q.clone().unwrap_or_default()),
        ("role", lq.role.clone().unwrap_or_default()),
        ("department", lq.department.clone().unwrap_or_default()),
        ("active", lq.active.clone().unwrap_or_default()),
        ("page_size", lq.page_size.map(|n| n.to_string()).unwrap_or_default()),
    ];
    let depts = state.app.list_departments(&actor).await?;
    render(ListPage {
        frame: Frame::new(&state, &actor, "/users")
            .crumb("用户管理", None)
            .notice_from(lq.ok.as_deref()),
        rows,
        pager: pager(page.total, page.page, page.page_size, "/users", &keep),
        roles: Role::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string()))
            .collect(),
        departments: department_options(&depts),
        q: lq.q.unwrap_or_default(),
        role: lq.role.unwrap_or_default(),
        department: lq.department.unwrap_or_default(),
        active: lq.active.unwrap_or_default(),
    })
}

/// The values shown in the form.
#[derive(Default)]
struct FormValues {
    username: String,
    display_name: String,
    role: String,
    department_code: String,
    phone: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct FormPage {
    frame: Frame,
    heading: String,
    action: String,
    cancel: String,
    editing: bool,
    v: FormValues,
    roles: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    error: Option<String>,
    field: String,
    field_error: String,
    policy: String,
}

async fn form_page(state: &AppState, actor: &Actor, editing: Option<i64>, v: FormValues) -> Result<FormPage, AppError> {
    let depts = state.app.list_departments(actor).await?;
    let (heading, action, cancel) = match editing {
        Some(id) => ("编辑用户".to_string(), format!("/users/{id}"), format!("/users/{id}")),
        None => ("新增用户".to_string(), "/users".to_string(), "/users".to_string()),
    };
    Ok(FormPage {
        frame: Frame::new(state, actor, "/users")
            .crumb("用户管理", Some("/users"))
            .crumb(heading.clone(), None),
        heading,
        action,
        cancel,
        editing: editing.is_some(),
        v,
        roles: role_options(actor),
        departments: department_options(&depts),
        error: None,
        field: String::new(),
        field_error: String::new(),
        policy: state.app.settings().password_policy.describe(),
    })
}

fn with_error(mut page: FormPage, e: AppError) -> Result<axum::response::Response, crate::error::PageError> {
    match e {
        AppError::Validation { field, message } => {
            page.field = field;
            page.field_error = message.clone();
            page.error = Some(message);
        }
        AppError::Forbidden(m) => page.error = Some(m),
        other => return Err(other.into()),
    }
    Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

pub async fn new_form(State(state): State<AppState>, WebUser(actor): WebUser) -> PageResult {
    // Check the right before showing the form, not only when it is submitted.
    state
        .app
        .list_users(
            &actor,
            &UserQuery {
                page_size: Some(1),
                ..Default::default()
            },
        )
        .await?;
    let v = FormValues {
        role: Role::Inspector.code().to_string(),
        department_code: actor.department.code.as_str().to_string(),
        active: true,
        ..Default::default()
    };
    render(form_page(&state, &actor, None, v).await?)
}

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    department_code: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "user.html")]
struct ShowPage {
    frame: Frame,
    u: UserView,
    status: &'static str,
    status_class: &'static str,
    locked: bool,
    last_login: String,
    created: String,
    secret: Option<String>,
    secret_title: String,
}

fn show_page(state: &AppState, actor: &Actor, u: UserView, ok: Option<&str>) -> ShowPage {
    let now = state.app.now();
    let (status, status_class) = status_of(&u, now);
    ShowPage {
        frame: Frame::new(state, actor, "/users")
            .crumb("用户管理", Some("/users"))
            .crumb(u.username.clone(), None)
            .notice_from(ok),
        status,
        status_class,
        locked: u.is_locked(now),
        last_login: time_or_dash(u.last_login_at.as_ref()),
        created: local_time(&u.created_at),
        u,
        secret: None,
        secret_title: String::new(),
    }
}

pub async fn create(State(state): State<AppState>, f: WebForm<CreateForm>) -> PageResult {
    let c = &f.form;
    let input = NewUserInput {
        username: c.username.clone(),
        display_name: c.display_name.clone(),
        role: c.role.clone(),
        department_code: c.department_code.clone(),
        phone: c.phone.clone(),
        password: Some(c.password.clone()).filter(|p| !p.is_empty()),
    };
    match state.app.create_user(&f.actor, &input).await {
        Ok(created) => {
            let mut page = show_page(&state, &f.actor, created.user, None);
            page.frame.notice = Some("用户已创建。".to_string());
            if input.password.is_none() {
                page.secret = Some(created.initial_password);
                page.secret_title = "系统生成的初始密码".to_string();
            }
            render(page)
        }
        Err(e) => {
            let v = FormValues {
                username: c.username.clone(),
                display_name: c.display_name.clone(),
                role: c.role.clone(),
                department_code: c.department_code.clone(),
                phone: c.phone.clone(),
                active: true,
            };
            with_error(form_page(&state, &f.actor, None, v).await?, e)
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    q: Query<OkQuery>,
) -> PageResult {
    let u = state.app.get_user(&actor, id).await?;
    render(show_page(&state, &actor, u, q.ok.as_deref()))
}

pub async fn edit_form(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    let u = state.app.get_user(&actor, id).await?;
    let v = FormValues {
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        department_code: u.department_code,
        phone: u.phone,
        active: u.active,
    };
    render(form_page(&state, &actor, Some(id), v).await?)
}

#[derive(Deserialize)]
pub struct UpdateForm {
    display_name: String,
    role: String,
    department_code: String,
    #[serde(default)]
    phone: String,
    active: String,
}

pub async fn update(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<UpdateForm>) -> PageResult {
    let c = &f.form;
    let input = UserUpdate {
        display_name: c.display_name.clone(),
        role: c.role.clone(),
        department_code: c.department_code.clone(),
        phone: c.phone.clone(),
        active: c.active == "true",
    };
    match state.app.update_user(&f.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}?ok=saved")).into_response()),
        Err(e @ AppError::NotFound(_)) => Err(e.into()),
        Err(e) => {
            let current = state.app.get_user(&f.actor, id).await?;
            let v = FormValues {
                username: current.username,
                display_name: c.display_name.clone(),
                role: c.role.clone(),
                department_code: c.department_code.clone(),
                phone: c.phone.clone(),
                active: input.active,
            };
            with_error(form_page(&state, &f.actor, Some(id), v).await?, e)
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn reset_password(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Empty>) -> PageResult {
    let password = state.app.reset_password(&f.actor, id).await?;
    let u = state.app.get_user(&f.actor, id).await?;
    let mut page = show_page(&state, &f.actor, u, None);
    page.secret = Some(password);
    page.secret_title = "新的一次性密码".to_string();
    render(page)
}

pub async fn unlock(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Empty>) -> PageResult {
    state.app.unlock_user(&f.actor, id).await?;
    Ok(Redirect::to(&format!("/users/{id}?ok=unlocked")).into_response())
}

pub async fn reset_totp(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Empty>) -> PageResult {
    state.app.reset_user_totp(&f.actor, id).await?;
    Ok(Redirect::to(&format!("/users/{id}?ok=totp-reset")).into_response())
}
