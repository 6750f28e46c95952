//! 第三条 API: inspections outside 双随机, the same use cases as the pages.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use spotcheck_app::outside::{NewOutsideInput, OutsideDetail, OutsideFigures, OutsideQuery, OutsideView, VoidInput};
use spotcheck_app::users::Page;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_outside, record_outside))
        .routes(routes!(outside_figures))
        .routes(routes!(get_outside))
        .routes(routes!(void_outside))
}

/// 管辖范围内不适用“双随机、一公开”的检查（第三条），按检查日期从新到旧分页。
#[utoipa::path(get, operation_id = "list_outside_inspections", path = "/api/v1/outside-inspections", tag = "不适用双随机的检查",
    params(OutsideQuery),
    responses((status = 200, body = Page<OutsideView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_outside(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<OutsideQuery>,
) -> Result<Json<Page<OutsideView>>, ApiError> {
    Ok(Json(state.app.list_outside_inspections(&a, &q).await?))
}

/// 登记一次不适用双随机的检查：情形、依据、检查对象、检查日期、检查人员和各事项的检查结果。
/// 不计入随机抽取统计和第十四条的年度抽查次数；事项“符合”的，本年度内该对象的该事项不再抽取（第十二条）。
#[utoipa::path(post, operation_id = "record_outside_inspection", path = "/api/v1/outside-inspections", tag = "不适用双随机的检查",
    request_body = NewOutsideInput,
    responses((status = 201, body = OutsideDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_outside(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewOutsideInput>,
) -> Result<(http::StatusCode, Json<OutsideDetail>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.record_outside_inspection(&a, &input).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// 年度（默认今年）。
    year: Option<i32>,
}

/// 一个年度内各情形的检查次数（不含已作废的记录），单独统计，不计入随机抽查。
#[utoipa::path(get, operation_id = "outside_inspection_figures", path = "/api/v1/outside-inspections/figures", tag = "不适用双随机的检查",
    params(FiguresQuery),
    responses((status = 200, body = OutsideFigures), (status = 403, body = ErrorBody)))]
async fn outside_figures(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<OutsideFigures>, ApiError> {
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&state.app.today()));
    Ok(Json(state.app.outside_figures(&a, year).await?))
}

/// 一条检查记录及各事项的检查结果。
#[utoipa::path(get, operation_id = "get_outside_inspection", path = "/api/v1/outside-inspections/{outside_id}", tag = "不适用双随机的检查",
    params(("outside_id" = i64, Path, description = "检查记录标识")),
    responses((status = 200, body = OutsideDetail), (status = 404, body = ErrorBody)))]
async fn get_outside(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OutsideDetail>, ApiError> {
    Ok(Json(state.app.get_outside_inspection(&a, id).await?))
}

/// 作废一条检查记录（须写明原因）：记录保留并标注“已作废”，不再计入任何统计和第十二条的排除。
#[utoipa::path(post, operation_id = "void_outside_inspection", path = "/api/v1/outside-inspections/{outside_id}/void", tag = "不适用双随机的检查",
    params(("outside_id" = i64, Path, description = "检查记录标识")), request_body = VoidInput,
    responses((status = 200, body = OutsideDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn void_outside(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<VoidInput>,
) -> Result<Json<OutsideDetail>, ApiError> {
    Ok(Json(state.app.void_outside_inspection(&a, id, &input).await?))
}
