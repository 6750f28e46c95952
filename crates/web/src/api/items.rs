//! 随机抽查事项清单 API. Items are province-wide (not department-scoped), so
//! their path parameter is `{item_code}` (e.g. `ZJ001`), not a department's
//! `{code}`.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use spotcheck_app::items::{
    ItemDetail, ItemInput, ItemQuery, ItemRevisionInput, ItemView, ItemWithdrawalInput, NewItemInput,
};
use spotcheck_app::users::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_items, create_item))
        .routes(routes!(get_item))
        .routes(routes!(revise_item))
        .routes(routes!(withdraw_item))
}

/// 随机抽查事项清单（各事项的当前版本，可按名称、类别、检查对象类型、实施层级、专业领域、状态筛选）。
#[utoipa::path(get, operation_id = "list_items", path = "/api/v1/items", tag = "一单两库", params(ItemQuery),
    responses((status = 200, body = Page<ItemView>), (status = 422, body = ErrorBody)))]
async fn list_items(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<ItemQuery>,
) -> Result<Json<Page<ItemView>>, ApiError> {
    Ok(Json(state.app.list_items(&a, &q).await?))
}

/// 新增抽查事项（省级管理员）；按顺序分配编码，发布第1版。
#[utoipa::path(post, operation_id = "create_item", path = "/api/v1/items", tag = "一单两库", request_body = NewItemInput,
    responses((status = 201, body = ItemDetail), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewItemInput>,
) -> Result<(http::StatusCode, Json<ItemDetail>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.create_item(&a, &input).await?),
    ))
}

/// 单个抽查事项及其全部历史版本（最新在前）。
#[utoipa::path(get, operation_id = "get_item", path = "/api/v1/items/{item_code}", tag = "一单两库",
    params(("item_code" = String, Path, description = "事项编码，如 ZJ001")),
    responses((status = 200, body = ItemDetail), (status = 404, body = ErrorBody)))]
async fn get_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<ItemDetail>, ApiError> {
    Ok(Json(state.app.get_item(&a, &code).await?))
}

/// 调整抽查事项（省级管理员）：发布新版本，须写明调整原因和生效日期；原版本保留不变。
#[utoipa::path(post, operation_id = "revise_item", path = "/api/v1/items/{item_code}/versions", tag = "一单两库",
    params(("item_code" = String, Path, description = "事项编码，如 ZJ001")), request_body = ItemRevisionInput,
    responses((status = 201, body = ItemDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn revise_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(code): Path<String>,
    Json(input): Json<ItemRevisionInput>,
) -> Result<(http::StatusCode, Json<ItemDetail>), ApiError> {
    let item: &ItemInput = &input.item;
    let detail = state
        .app
        .revise_item(&a, &code, item, &input.reason, &input.effective_date)
        .await?;
    Ok((http::StatusCode::CREATED, Json(detail)))
}

/// 撤销抽查事项（省级管理员）：发布状态为“已撤销”的新版本，历史版本保留。
#[utoipa::path(post, operation_id = "withdraw_item", path = "/api/v1/items/{item_code}/withdraw", tag = "一单两库",
    params(("item_code" = String, Path, description = "事项编码，如 ZJ001")), request_body = ItemWithdrawalInput,
    responses((status = 201, body = ItemDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn withdraw_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(code): Path<String>,
    Json(input): Json<ItemWithdrawalInput>,
) -> Result<(http::StatusCode, Json<ItemDetail>), ApiError> {
    let detail = state
        .app
        .withdraw_item(&a, &code, &input.reason, &input.effective_date)
        .await?;
    Ok((http::StatusCode::CREATED, Json(detail)))
}
