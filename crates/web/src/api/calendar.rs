//! 工作日历 API: the years the calendar covers, a deadline in working days, and
//! the province's entry of a new year's schedule.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::calendar::{CalendarYearInput, CalendarYearView, DeadlineView};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_years))
        .routes(routes!(set_year))
        .routes(routes!(deadline))
}

/// 工作日历覆盖的年份及各年的放假、调休上班日期（随平台发布的和省级录入的）。
#[utoipa::path(get, operation_id = "list_calendar_years", path = "/api/v1/calendar", tag = "工作日历",
    responses((status = 200, body = Vec<CalendarYearView>)))]
async fn list_years(
    State(state): State<AppState>,
    ApiUser(_a): ApiUser,
) -> Result<Json<Vec<CalendarYearView>>, ApiError> {
    Ok(Json(state.app.calendar_years().await?))
}

/// 录入（或更正）一个年度的放假安排（省级管理员）：每行“日期,holiday|workday,节日名称”。
/// 该年度此前按周末计算的暂定期限从此按正式安排计算；原录入记录保留。
#[utoipa::path(put, operation_id = "set_calendar_year", path = "/api/v1/calendar/{year}", tag = "工作日历",
    params(("year" = i32, Path, description = "年度")),
    request_body = CalendarYearInput,
    responses((status = 200, body = CalendarYearView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_year(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(year): Path<i32>,
    Json(input): Json<CalendarYearInput>,
) -> Result<Json<CalendarYearView>, ApiError> {
    Ok(Json(state.app.set_calendar_year(&a, year, &input).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeadlineQuery {
    /// 起算日期（年-月-日），当日不计。
    from: String,
    /// 工作日数。
    workdays: u32,
}

/// 起算日期之后第 N 个工作日；跨越尚未录入放假安排的年份时标明为暂定。
#[utoipa::path(get, operation_id = "calendar_deadline", path = "/api/v1/calendar/deadline", tag = "工作日历",
    params(DeadlineQuery),
    responses((status = 200, body = DeadlineView), (status = 422, body = ErrorBody)))]
async fn deadline(
    State(state): State<AppState>,
    ApiUser(_a): ApiUser,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<DeadlineView>, ApiError> {
    let from = chrono::NaiveDate::parse_from_str(q.from.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("from", format!("日期“{}”应为“年-月-日”", q.from)))?;
    Ok(Json(state.app.add_workdays(from, q.workdays).await?))
}
