//! 监管看板 API: the year's figures per department and the overdue list.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Query, State};
use chrono::Datelike;
use serde::Deserialize;
use spotcheck_app::dashboard::DashboardView;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(dashboard))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DashboardQuery {
    /// 年度；默认为今年。
    year: Option<i32>,
}

/// 监管看板：本部门及下级部门在一个年度的计划报备、任务状态、检查覆盖率（按信用风险分类）、
/// 结果公示与异议处理逾期情况、人员调整更换和未使用公共随机信标的抽取；逾期清单列明事项、期限和逾期工作日。
#[utoipa::path(get, operation_id = "dashboard", path = "/api/v1/dashboard", tag = "监管看板",
    params(DashboardQuery),
    responses((status = 200, body = DashboardView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dashboard(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<DashboardView>, ApiError> {
    let year = q.year.unwrap_or_else(|| state.app.today().year());
    Ok(Json(state.app.dashboard(&a, year).await?))
}
