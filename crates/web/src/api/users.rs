use super::NoContent;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use spotcheck_app::users::{CreatedUser, NewUserInput, Page, UserQuery, UserUpdate, UserView};
use utoipa::ToSchema;

/// 管辖范围内的用户。
#[utoipa::path(get, operation_id = "list_users", path = "/api/v1/users", tag = "用户", params(UserQuery),
    responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<UserQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    Ok(Json(state.app.list_users(&a, &q).await?))
}

/// 新增用户；返回一次性初始密码。
#[utoipa::path(post, operation_id = "create_user", path = "/api/v1/users", tag = "用户", request_body = NewUserInput,
    responses((status = 201, body = CreatedUser), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewUserInput>,
) -> Result<(http::StatusCode, Json<CreatedUser>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.create_user(&a, &input).await?),
    ))
}

/// 单个用户（不在管辖范围内时返回 404）。
#[utoipa::path(get, operation_id = "get_user", path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(state.app.get_user(&a, id).await?))
}

/// 修改用户姓名、角色、部门、电话或状态。
#[utoipa::path(put, operation_id = "update_user", path = "/api/v1/users/{id}", tag = "用户", params(("id" = i64, Path)), request_body = UserUpdate,
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

/// 重置用户密码。
#[utoipa::path(post, operation_id = "reset_user_password", path = "/api/v1/users/{id}/reset-password", tag = "用户", params(("id" = i64, Path)),
    responses((status = 200, body = ResetPassword), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ResetPassword>, ApiError> {
    Ok(Json(ResetPassword {
        password: state.app.reset_password(&a, id).await?,
    }))
}

/// 解除登录锁定。
#[utoipa::path(post, operation_id = "unlock_user", path = "/api/v1/users/{id}/unlock", tag = "用户", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<NoContent, ApiError> {
    state.app.unlock_user(&a, id).await?;
    Ok(NoContent)
}

/// 解除用户的动态口令（如手机丢失）。
#[utoipa::path(post, operation_id = "reset_user_totp", path = "/api/v1/users/{id}/reset-totp", tag = "用户", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn reset_totp(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<NoContent, ApiError> {
    state.app.reset_user_totp(&a, id).await?;
    Ok(NoContent)
}
