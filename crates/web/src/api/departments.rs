use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use spotcheck_app::departments::{DepartmentView, NewUnitInput, UnitUpdate};
use utoipa::ToSchema;

/// 管辖范围内的部门，按层级排序。
#[utoipa::path(get, operation_id = "list_departments", path = "/api/v1/departments", tag = "部门",
    responses((status = 200, body = Vec<DepartmentView>), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<Vec<DepartmentView>>, ApiError> {
    Ok(Json(state.app.list_departments(&a).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentDetail {
    department: DepartmentView,
    units: Vec<DepartmentView>,
}

/// 单个部门及其下属执行单位（不在管辖范围内时返回 404）。
#[utoipa::path(get, operation_id = "get_department", path = "/api/v1/departments/{code}", tag = "部门", params(("code" = String, Path, description = "部门编码，如 230102 或 230102-01")),
    responses((status = 200, body = DepartmentDetail), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<DepartmentDetail>, ApiError> {
    let (department, units) = state.app.get_department(&a, &code).await?;
    Ok(Json(DepartmentDetail { department, units }))
}

/// 在归口部门下设立执行单位。
#[utoipa::path(post, operation_id = "create_unit", path = "/api/v1/departments", tag = "部门", request_body = NewUnitInput,
    responses((status = 201, body = DepartmentView), (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewUnitInput>,
) -> Result<(http::StatusCode, Json<DepartmentView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.create_unit(&a, &input).await?),
    ))
}

/// 修改执行单位名称或启用/停用。
#[utoipa::path(put, operation_id = "update_unit", path = "/api/v1/departments/{code}", tag = "部门", params(("code" = String, Path)), request_body = UnitUpdate,
    responses((status = 200, body = DepartmentView), (status = 404, body = ErrorBody)))]
pub async fn update_unit(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(code): Path<String>,
    Json(input): Json<UnitUpdate>,
) -> Result<Json<DepartmentView>, ApiError> {
    Ok(Json(state.app.update_unit(&a, &code, &input).await?))
}
