//! 监管看板 API: the year's figures per department and the overdue list, and
//! the 履职记录 (第二十七条) of a year or a task as PDF or workbook.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use http::{HeaderValue, header};
use serde::Deserialize;
use spotcheck_app::dashboard::DashboardView;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(dashboard))
        .routes(routes!(duty_record_pdf))
        .routes(routes!(duty_record_xlsx))
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DutyRecordQuery {
    /// 年度；默认为今年。给出 task_id 时不看年度。
    year: Option<i32>,
    /// 抽查任务标识；不给则为本部门及下级部门在该年度发起的全部任务。
    task_id: Option<i64>,
}

/// The bytes as a download of `content_type` named `file_name`.
fn file(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    crate::download::attachment(h, file_name);
    res
}

/// 履职记录（PDF，第二十七条尽职免责）：一个抽查任务或一个年度的任务所依据的年度抽查计划、
/// 每次随机抽取及其公开记录、每个检查组的成员和文书文号、结果公示日期与公示期限。
#[utoipa::path(get, operation_id = "duty_record_pdf", path = "/api/v1/duty-record.pdf", tag = "监管看板",
    params(DutyRecordQuery),
    responses((status = 200, description = "PDF", content_type = "application/pdf"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn duty_record_pdf(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<DutyRecordQuery>,
) -> Result<Response, ApiError> {
    let year = q.year.unwrap_or_else(|| state.app.today().year());
    let (name, pdf) = state.app.duty_record_pdf(&a, q.task_id, year).await?;
    Ok(file(pdf, "application/pdf", &name))
}

/// 履职记录（xlsx）：内容同 PDF，分“抽查任务与公示”“随机抽取记录”“检查实施”三张工作表。
#[utoipa::path(get, operation_id = "duty_record_xlsx", path = "/api/v1/duty-record.xlsx", tag = "监管看板",
    params(DutyRecordQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn duty_record_xlsx(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<DutyRecordQuery>,
) -> Result<Response, ApiError> {
    let year = q.year.unwrap_or_else(|| state.app.today().year());
    let (name, bytes) = state.app.duty_record_xlsx(&a, q.task_id, year).await?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
    ))
}
