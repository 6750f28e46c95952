use super::NoContent;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use spotcheck_app::users::{CreatedUser, NewUserInput, Page, UserQuery, UserUpdate, UserView};
use utoipa::ToSchema;

/// Users of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/users", tag = "用户", params(UserQuery),
    responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<UserQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    Ok(Json(state.app.list_users(&a, &q).await?))
}

/// Create an account; the answer holds its one-time password.
#[utoipa::path(post, path = "/api/v1/users", tag = "用户", request_body = NewUserInput,
    responses((status = 201, body = CreatedUser), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewUserInput>,
) -> Result<(http::StatusCode, Json<CreatedUser>), ApiError> {
    Ok((http::StatusCode::CREATED, Json(state.app.create_user(&a, &input).await?)))
}

/// One user of the caller's jurisdiction (404 outside it).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<i64>) -> Result<Json<UserView>, ApiError> {
    Ok(Json(state.app.get_user(&a, id).await?))
}

/// Change an account's name, role, department, phone or status.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<UserUpdate>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(state.app.update_user(&a, id, &input).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ResetPassword {
    /// The new one-time password; the user must change it at next login.
    password: String,
}

/// Reset an account's password.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "用户", params(("id" = i64, Path)),
    responses((status = 200, body = ResetPassword), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ResetPassword>, ApiError> {
    Ok(Json(ResetPassword { password: state.app.reset_password(&a, id).await? }))
}

/// Lift a lockout.
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "用户", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unlock(State(state): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<i64>) -> Result<NoContent, ApiError> {
    state.app.unlock_user(&a, id).await?;
    Ok(NoContent)
}

/// Remove an account's second factor (lost phone).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-totp", tag = "用户", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn reset_totp(State(state): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<i64>) -> Result<NoContent, ApiError> {
    state.app.reset_user_totp(&a, id).await?;
    Ok(NoContent)
}
