//! The user's own account: password change (forced at first login) and the
//! TOTP second factor.

use super::{Frame, OkQuery, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUserUngated};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::auth::TotpEnrolment;

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    frame: Frame,
    forced: bool,
    error: Option<String>,
    field: String,
    field_error: String,
    policy: String,
}

fn password_page(state: &AppState, actor: &spotcheck_app::Actor, ok: Option<&str>) -> PasswordPage {
    PasswordPage {
        frame: Frame::new(state, actor, "/account/password")
            .crumb("修改密码", None)
            .notice_from(ok),
        forced: actor.user.must_change_password,
        error: None,
        field: String::new(),
        field_error: String::new(),
        policy: state.app.settings().password_policy.describe(),
    }
}

pub async fn password_form(
    State(state): State<AppState>,
    WebUserUngated(actor): WebUserUngated,
    q: Query<OkQuery>,
) -> PageResult {
    if actor.totp_pending() {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    render(password_page(&state, &actor, q.ok.as_deref()))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    old_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn password_submit(State(state): State<AppState>, f: WebForm<PasswordForm, false>) -> PageResult {
    let p = &f.form;
    match state
        .app
        .change_password(&f.actor, &p.old_password, &p.new_password, &p.confirm_password)
        .await
    {
        Ok(()) => {
            // The next gate may be TOTP enrolment; otherwise home.
            let mut actor = f.actor;
            actor.user.must_change_password = false;
            let next = match state.app.gate(&actor) {
                Err(AppError::TotpEnrolmentRequired) => "/account/totp",
                _ => "/?ok=password",
            };
            Ok(Redirect::to(next).into_response())
        }
        Err(AppError::Validation { field, message }) => {
            let mut page = password_page(&state, &f.actor, None);
            page.field = field;
            page.field_error = message;
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "account_totp.html")]
struct TotpPage {
    frame: Frame,
    enabled: bool,
    required: bool,
    enrolment: Option<TotpEnrolment>,
    error: Option<String>,
}

fn totp_page_for(state: &AppState, actor: &spotcheck_app::Actor, ok: Option<&str>) -> TotpPage {
    TotpPage {
        frame: Frame::new(state, actor, "/account/totp")
            .crumb("动态口令", None)
            .notice_from(ok),
        enabled: actor.user.totp_enabled,
        required: state.app.totp_required_for(&actor.user),
        enrolment: None,
        error: None,
    }
}

pub async fn totp_page(
    State(state): State<AppState>,
    WebUserUngated(actor): WebUserUngated,
    q: Query<OkQuery>,
) -> PageResult {
    if actor.totp_pending() {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    if actor.user.must_change_password {
        return Ok(Redirect::to("/account/password").into_response());
    }
    let mut page = totp_page_for(&state, &actor, q.ok.as_deref());
    page.enrolment = state.app.pending_totp_enrolment(&actor).await?;
    render(page)
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn totp_begin(State(state): State<AppState>, f: WebForm<Empty, false>) -> PageResult {
    if f.actor.user.must_change_password {
        return Ok(Redirect::to("/account/password").into_response());
    }
    let enrolment = state.app.begin_totp_enrolment(&f.actor).await?;
    let mut page = totp_page_for(&state, &f.actor, None);
    page.enrolment = Some(enrolment);
    render(page)
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn totp_confirm(State(state): State<AppState>, f: WebForm<CodeForm, false>) -> PageResult {
    match state.app.confirm_totp_enrolment(&f.actor, &f.form.code).await {
        Ok(()) => Ok(Redirect::to("/?ok=totp").into_response()),
        Err(AppError::Validation { message, .. }) => {
            // Show the same secret again so the user can retry with the next code.
            let mut page = totp_page_for(&state, &f.actor, None);
            page.enrolment = state.app.pending_totp_enrolment(&f.actor).await?;
            page.error = Some(message);
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordOnly {
    password: String,
}

pub async fn totp_disable(State(state): State<AppState>, f: WebForm<PasswordOnly>) -> PageResult {
    match state.app.disable_own_totp(&f.actor, &f.form.password).await {
        Ok(()) => Ok(Redirect::to("/account/totp?ok=totp-off").into_response()),
        Err(AppError::Validation { message, .. }) => {
            let mut page = totp_page_for(&state, &f.actor, None);
            page.error = Some(message);
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
