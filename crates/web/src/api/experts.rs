//! 专家库 API.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use spotcheck_app::inspectors::{ExpertInput, ExpertView};
use spotcheck_app::users::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_experts, create_expert))
        .routes(routes!(get_expert, update_expert))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpertQuery {
    /// 姓名、单位或专业特长中的文字。
    q: Option<String>,
    page: Option<u64>,
}

/// 管辖范围内的专家。
#[utoipa::path(get, path = "/api/v1/experts", tag = "一单两库", params(ExpertQuery),
    responses((status = 200, body = Page<ExpertView>), (status = 403, body = ErrorBody)))]
async fn list_experts(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<ExpertQuery>,
) -> Result<Json<Page<ExpertView>>, ApiError> {
    Ok(Json(
        state.app.list_experts(&a, q.q.as_deref(), q.page.unwrap_or(1)).await?,
    ))
}

/// 新增专家。
#[utoipa::path(post, path = "/api/v1/experts", tag = "一单两库", request_body = ExpertInput,
    responses((status = 201, body = ExpertView), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_expert(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<ExpertInput>,
) -> Result<(http::StatusCode, Json<ExpertView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.create_expert(&a, &input).await?),
    ))
}

/// 单个专家（不在管辖范围内时返回 404）。
#[utoipa::path(get, path = "/api/v1/experts/{expert_id}", tag = "一单两库", params(("expert_id" = i64, Path)),
    responses((status = 200, body = ExpertView), (status = 404, body = ErrorBody)))]
async fn get_expert(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ExpertView>, ApiError> {
    Ok(Json(state.app.get_expert(&a, id).await?))
}

/// 修改专家信息或停用。
#[utoipa::path(put, path = "/api/v1/experts/{expert_id}", tag = "一单两库", params(("expert_id" = i64, Path)),
    request_body = ExpertInput,
    responses((status = 200, body = ExpertView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_expert(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ExpertInput>,
) -> Result<Json<ExpertView>, ApiError> {
    Ok(Json(state.app.update_expert(&a, id, &input).await?))
}
