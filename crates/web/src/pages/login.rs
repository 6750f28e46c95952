//! Login, the second-factor step, logout.

use super::{PageResult, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{Meta, SESSION_COOKIE, WebForm, WebUserUngated, removal_cookie, session_cookie};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::auth::SessionKind;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    platform: String,
    error: Option<String>,
    notice: Option<String>,
    username: String,
    totp_step: bool,
    csrf: String,
    max_failures: u32,
    lock_minutes: i64,
    idle_minutes: i64,
}

impl LoginPage {
    fn new(state: &AppState) -> Self {
        let s = state.app.settings();
        Self {
            platform: s.platform_name.clone(),
            error: None,
            notice: None,
            username: String::new(),
            totp_step: false,
            csrf: String::new(),
            max_failures: s.lockout.max_failures,
            lock_minutes: s.lockout.lock_minutes,
            idle_minutes: s.session_idle_minutes,
        }
    }
}

/// Where a user goes after a successful step of the login.
fn next_page(state: &AppState, actor: &spotcheck_app::Actor) -> &'static str {
    match state.app.gate(actor) {
        Ok(()) => "/",
        Err(AppError::TotpRequired) => "/login/totp",
        Err(AppError::PasswordChangeRequired) => "/account/password",
        Err(AppError::TotpEnrolmentRequired) => "/account/totp",
        Err(_) => "/login",
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    expired: Option<String>,
}

pub async fn form(State(state): State<AppState>, q: Query<LoginQuery>) -> PageResult {
    let mut page = LoginPage::new(&state);
    if q.expired.is_some() {
        page.notice = Some(format!(
            "长时间未操作（超过{}分钟），会话已超时，请重新登录。",
            page.idle_minutes
        ));
    }
    render(page)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Meta(meta): Meta,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Result<axum::response::Response, PageError> {
    // A new login always gets a new session; the old one ends here.
    if let Some(old) = jar.get(SESSION_COOKIE) {
        state.app.discard_session(old.value()).await?;
    }
    match state
        .app
        .login(&meta, &f.username, &f.password, None, SessionKind::Browser)
        .await
    {
        Ok(outcome) => {
            let jar = jar.add(session_cookie(outcome.token.clone(), state.cfg.behind_tls_proxy));
            let actor = state
                .app
                .authenticate(&outcome.token, SessionKind::Browser, meta)
                .await?;
            Ok((jar, Redirect::to(next_page(&state, &actor))).into_response())
        }
        Err(e @ (AppError::InvalidCredentials | AppError::Locked { .. })) => {
            let mut page = LoginPage::new(&state);
            page.error = Some(e.to_string());
            page.username = f.username.trim().to_string();
            let status = crate::error::status_of(&e);
            Ok((
                status,
                jar.add(removal_cookie(state.cfg.behind_tls_proxy)),
                Html(page.render()?),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn totp_form(State(state): State<AppState>, WebUserUngated(actor): WebUserUngated) -> PageResult {
    if !actor.totp_pending() {
        return Ok(Redirect::to(next_page(&state, &actor)).into_response());
    }
    let mut page = LoginPage::new(&state);
    page.totp_step = true;
    page.username = actor.user.username.clone();
    page.csrf = actor.csrf_token.clone();
    render(page)
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn totp_submit(State(state): State<AppState>, f: WebForm<CodeForm, false>) -> PageResult {
    match state.app.complete_totp(&f.actor, &f.form.code).await {
        Ok(()) => {
            let mut actor = f.actor;
            actor.stage = "full".to_string();
            Ok(Redirect::to(next_page(&state, &actor)).into_response())
        }
        Err(e @ AppError::InvalidTotp) => {
            let mut page = LoginPage::new(&state);
            page.totp_step = true;
            page.username = f.actor.user.username.clone();
            page.csrf = f.actor.csrf_token.clone();
            page.error = Some(e.to_string());
            Ok((http::StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response())
        }
        Err(AppError::Locked { until }) => {
            let mut page = LoginPage::new(&state);
            page.error = Some(AppError::Locked { until }.to_string());
            Ok((http::StatusCode::LOCKED, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(State(state): State<AppState>, jar: CookieJar, f: WebForm<Empty, false>) -> PageResult {
    state.app.logout(&f.actor).await?;
    Ok((
        jar.add(removal_cookie(state.cfg.behind_tls_proxy)),
        Redirect::to("/login"),
    )
        .into_response())
}
