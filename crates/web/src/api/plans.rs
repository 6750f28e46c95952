//! 年度抽查计划 API: the same use cases as the pages.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use spotcheck_app::plans::{
    CommentInput, EntriesInput, NewPlanInput, PlanDetail, PlanQuery, PlanSummary, PlannableItem,
};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_plans, create_plan))
        .routes(routes!(awaiting_answer))
        .routes(routes!(plannable_items))
        .routes(routes!(get_plan))
        .routes(routes!(save_entries))
        .routes(routes!(file_plan))
        .routes(routes!(acknowledge_plan))
        .routes(routes!(return_plan))
        .routes(routes!(publish_plan))
        .routes(routes!(adjust_plan))
}

/// 年度抽查计划（管辖范围内各部门；不筛选状态时每个部门每年只列最新版本）。
#[utoipa::path(get, operation_id = "list_plans", path = "/api/v1/plans", tag = "抽查计划", params(PlanQuery),
    responses((status = 200, body = Vec<PlanSummary>), (status = 403, body = ErrorBody)))]
async fn list_plans(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<PlanQuery>,
) -> Result<Json<Vec<PlanSummary>>, ApiError> {
    Ok(Json(state.app.list_plans(&a, &q).await?))
}

/// 新建本部门的年度抽查计划（第1版，草稿），可复制往年计划的事项。
#[utoipa::path(post, operation_id = "create_plan", path = "/api/v1/plans", tag = "抽查计划", request_body = NewPlanInput,
    responses((status = 201, body = PlanDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewPlanInput>,
) -> Result<(http::StatusCode, Json<PlanDetail>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.create_plan(&a, &input).await?),
    ))
}

/// 下级部门报备、待本部门确认的计划。
#[utoipa::path(get, operation_id = "plans_awaiting_answer", path = "/api/v1/plans/awaiting", tag = "抽查计划",
    responses((status = 200, body = Vec<PlanSummary>)))]
async fn awaiting_answer(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
) -> Result<Json<Vec<PlanSummary>>, ApiError> {
    Ok(Json(state.app.plans_awaiting_answer(&a).await?))
}

/// 可列入计划的抽查事项（清单中各事项的现行版本）。
#[utoipa::path(get, operation_id = "plannable_items", path = "/api/v1/plans/items", tag = "抽查计划",
    responses((status = 200, body = Vec<PlannableItem>)))]
async fn plannable_items(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
) -> Result<Json<Vec<PlannableItem>>, ApiError> {
    Ok(Json(state.app.plannable_items(&a).await?))
}

/// 计划的一个版本：事项（预估数量按名录库实时计算）、办理记录、各版本和当前用户可进行的操作。
#[utoipa::path(get, operation_id = "get_plan", path = "/api/v1/plans/{plan_id}", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")),
    responses((status = 200, body = PlanDetail), (status = 404, body = ErrorBody)))]
async fn get_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PlanDetail>, ApiError> {
    Ok(Json(state.app.get_plan(&a, id).await?))
}

/// 整体替换草稿或已退回版本的计划事项（逐项校验，一次列出全部问题）。
#[utoipa::path(put, operation_id = "save_plan_entries", path = "/api/v1/plans/{plan_id}/entries", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")), request_body = EntriesInput,
    responses((status = 200, body = PlanDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_entries(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<EntriesInput>,
) -> Result<Json<PlanDetail>, ApiError> {
    Ok(Json(state.app.save_plan_entries(&a, id, &input).await?))
}

/// 报备：向上级部门报备（计划须完整有效）。
#[utoipa::path(post, operation_id = "file_plan", path = "/api/v1/plans/{plan_id}/file", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")),
    responses((status = 200, body = PlanDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn file_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PlanDetail>, ApiError> {
    Ok(Json(state.app.file_plan(&a, id).await?))
}

/// 上级部门确认报备（省级计划由本部门登记向住房和城乡建设部报备的情况，须写明）。
#[utoipa::path(post, operation_id = "acknowledge_plan", path = "/api/v1/plans/{plan_id}/acknowledge", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")), request_body = CommentInput,
    responses((status = 200, body = PlanDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn acknowledge_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CommentInput>,
) -> Result<Json<PlanDetail>, ApiError> {
    Ok(Json(state.app.acknowledge_plan(&a, id, &input.comment).await?))
}

/// 上级部门退回计划，须写明修改意见。
#[utoipa::path(post, operation_id = "return_plan", path = "/api/v1/plans/{plan_id}/return", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")), request_body = CommentInput,
    responses((status = 200, body = PlanDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CommentInput>,
) -> Result<Json<PlanDetail>, ApiError> {
    Ok(Json(state.app.return_plan(&a, id, &input.comment).await?))
}

/// 向社会公开已确认报备的计划；被调整的上一版本转为“已调整”并继续公开。
#[utoipa::path(post, operation_id = "publish_plan", path = "/api/v1/plans/{plan_id}/publish", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")),
    responses((status = 200, body = PlanDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn publish_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PlanDetail>, ApiError> {
    Ok(Json(state.app.publish_plan(&a, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct AdjustInput {
    /// 调整原因（公开）。
    #[serde(default)]
    reason: String,
}

/// 调整已公开的计划：起草新版本（复制当前事项），须写明原因。
#[utoipa::path(post, operation_id = "adjust_plan", path = "/api/v1/plans/{plan_id}/adjust", tag = "抽查计划",
    params(("plan_id" = i64, Path, description = "计划版本标识")), request_body = AdjustInput,
    responses((status = 201, body = PlanDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn adjust_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<AdjustInput>,
) -> Result<(http::StatusCode, Json<PlanDetail>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.adjust_plan(&a, id, &input.reason).await?),
    ))
}
