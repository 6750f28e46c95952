use super::NoContent;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiUserUngated, Meta};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use spotcheck_app::Actor;
use spotcheck_app::auth::SessionKind;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    username: String,
    password: String,
    /// The 6-digit TOTP code, required when the account has a second factor.
    #[serde(default)]
    totp: Option<String>,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    username: String,
    display_name: String,
    role: String,
    role_label: String,
    department_code: String,
    department_name: String,
    totp_enabled: bool,
    /// The password must be changed (`POST /api/v1/auth/password`) before anything else.
    must_change_password: bool,
    /// The role requires a second factor that is not enrolled yet (`POST /api/v1/auth/totp/enrol`).
    totp_enrolment_required: bool,
}

fn me_of(state: &AppState, a: &Actor) -> Me {
    Me {
        username: a.user.username.clone(),
        display_name: a.user.display_name.clone(),
        role: a.role().code().to_string(),
        role_label: a.role().label().to_string(),
        department_code: a.department.code.as_str().to_string(),
        department_name: a.department.name.clone(),
        totp_enabled: a.user.totp_enabled,
        must_change_password: a.user.must_change_password,
        totp_enrolment_required: state.app.totp_required_for(&a.user) && !a.user.totp_enabled,
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    token_type: String,
    /// The token ends after this many minutes without use.
    idle_timeout_minutes: i64,
    user: Me,
}

/// 登录并获取 Bearer 令牌。
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "认证", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "用户名或密码错误，或缺少/错误的动态口令", body = ErrorBody),
        (status = 423, description = "账号已锁定", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Json(r): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let out = state
        .app
        .login(&meta, &r.username, &r.password, r.totp.as_deref(), SessionKind::Api)
        .await?;
    let actor = state.app.authenticate(&out.token, SessionKind::Api, meta).await?;
    Ok(Json(LoginResponse {
        token: out.token,
        token_type: "Bearer".to_string(),
        idle_timeout_minutes: state.app.settings().session_idle_minutes,
        user: me_of(&state, &actor),
    }))
}

/// 注销当前令牌。
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "认证", responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, ApiUserUngated(a): ApiUserUngated) -> Result<NoContent, ApiError> {
    state.app.logout(&a).await?;
    Ok(NoContent)
}

/// 当前用户及尚需完成的步骤。
#[utoipa::path(get, path = "/api/v1/me", tag = "认证", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, ApiUserUngated(a): ApiUserUngated) -> Json<Me> {
    Json(me_of(&state, &a))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    old_password: String,
    new_password: String,
}

/// 修改本人密码（含首次登录强制修改）。
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "认证", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiUserUngated(a): ApiUserUngated,
    Json(p): Json<PasswordChange>,
) -> Result<NoContent, ApiError> {
    state
        .app
        .change_password(&a, &p.old_password, &p.new_password, &p.new_password)
        .await?;
    Ok(NoContent)
}

#[derive(Serialize, ToSchema)]
pub struct TotpSecret {
    /// Base32 secret for manual entry.
    secret: String,
    /// `otpauth://` URL for authenticator apps.
    otpauth_url: String,
}

/// 开始绑定动态口令（RFC 6238，SHA-1，6位，30秒）。
#[utoipa::path(post, path = "/api/v1/auth/totp/enrol", tag = "认证",
    responses((status = 200, body = TotpSecret), (status = 409, body = ErrorBody)))]
pub async fn totp_enrol(
    State(state): State<AppState>,
    ApiUserUngated(a): ApiUserUngated,
) -> Result<Json<TotpSecret>, ApiError> {
    if a.user.must_change_password {
        return Err(spotcheck_app::AppError::PasswordChangeRequired.into());
    }
    let e = state.app.begin_totp_enrolment(&a).await?;
    Ok(Json(TotpSecret {
        secret: e.secret_base32,
        otpauth_url: e.otpauth_url,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct TotpCode {
    code: String,
}

/// 输入当前动态口令完成绑定。
#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", tag = "认证", request_body = TotpCode,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn totp_confirm(
    State(state): State<AppState>,
    ApiUserUngated(a): ApiUserUngated,
    Json(c): Json<TotpCode>,
) -> Result<NoContent, ApiError> {
    state.app.confirm_totp_enrolment(&a, &c.code).await?;
    Ok(NoContent)
}
