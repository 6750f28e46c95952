//! 抽查任务 API: tasks from published plans, the eligibility preview, the
//! verifiable object draw (lock = commit, reveal), confirmation and dispatch.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use spotcheck_app::tasks::{
    DrawView, DrawnObjectView, EligibilityView, LockInput, NewTaskInput, RatiosInput, RevealInput, RevealView,
    TaskDetail, TaskView,
};
use spotcheck_app::users::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task))
        .routes(routes!(eligibility))
        .routes(routes!(item_objects))
        .routes(routes!(set_ratios))
        .routes(routes!(lock_item))
        .routes(routes!(reveal_item))
        .routes(routes!(confirm_list))
        .routes(routes!(dispatch))
}

/// 本部门参与的抽查任务（最新在前）。
#[utoipa::path(get, operation_id = "list_tasks", path = "/api/v1/tasks", tag = "抽查任务",
    responses((status = 200, body = Vec<TaskView>), (status = 403, body = ErrorBody)))]
async fn list_tasks(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<Vec<TaskView>>, ApiError> {
    Ok(Json(state.app.list_tasks(&a).await?))
}

/// 新建抽查任务（草稿）：从已公开的年度计划选取事项；联合抽查须列明参与部门及其事项。
#[utoipa::path(post, operation_id = "create_task", path = "/api/v1/tasks", tag = "抽查任务", request_body = NewTaskInput,
    responses((status = 201, body = TaskDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_task(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewTaskInput>,
) -> Result<(http::StatusCode, Json<TaskDetail>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.create_task(&a, &input).await?),
    ))
}

/// 任务详情：事项、抽取记录、抽中的检查对象及执行单位。
#[utoipa::path(get, operation_id = "get_task", path = "/api/v1/tasks/{task_id}", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 200, body = TaskDetail), (status = 404, body = ErrorBody)))]
async fn get_task(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TaskDetail>, ApiError> {
    Ok(Json(state.app.get_task(&a, id).await?))
}

/// 抽取前预览：各风险层的候选数、排除数（附原因）和应抽数量，尚未提交任何内容。
#[utoipa::path(get, operation_id = "task_item_eligibility", path = "/api/v1/tasks/{task_id}/items/{position}/eligibility", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识"), ("position" = i32, Path, description = "事项序号")),
    responses((status = 200, body = EligibilityView), (status = 404, body = ErrorBody)))]
async fn eligibility(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, position)): Path<(i64, i32)>,
) -> Result<Json<EligibilityView>, ApiError> {
    Ok(Json(state.app.task_item_eligibility(&a, id, position).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 页码，从1开始。
    page: Option<u64>,
}

/// 事项抽中的检查对象：按检查批次顺序分页，每页100个。
#[utoipa::path(get, operation_id = "task_item_objects", path = "/api/v1/tasks/{task_id}/items/{position}/objects", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识"), ("position" = i32, Path, description = "事项序号"), PageQuery),
    responses((status = 200, body = Page<DrawnObjectView>), (status = 404, body = ErrorBody)))]
async fn item_objects(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, position)): Path<(i64, i32)>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<DrawnObjectView>>, ApiError> {
    Ok(Json(
        state
            .app
            .task_item_objects(&a, id, position, q.page.unwrap_or(1))
            .await?,
    ))
}

/// 设定分层抽查比例（锁定前）：各风险层均大于0%，不超过事项比例上限，风险越高比例不低于风险较低的层；返回新的抽取预览。
#[utoipa::path(put, operation_id = "set_task_item_ratios", path = "/api/v1/tasks/{task_id}/items/{position}/ratios", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识"), ("position" = i32, Path, description = "事项序号")), request_body = RatiosInput,
    responses((status = 200, body = EligibilityView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_ratios(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, position)): Path<(i64, i32)>,
    Json(input): Json<RatiosInput>,
) -> Result<Json<EligibilityView>, ApiError> {
    Ok(Json(state.app.set_task_item_ratios(&a, id, position, &input).await?))
}

/// 锁定抽取：提交并立即公布抽取记录（承诺），指定揭晓用的公共随机信标。
#[utoipa::path(post, operation_id = "lock_task_item", path = "/api/v1/tasks/{task_id}/items/{position}/lock", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识"), ("position" = i32, Path, description = "事项序号")), request_body = LockInput,
    responses((status = 201, body = DrawView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn lock_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, position)): Path<(i64, i32)>,
    Json(input): Json<LockInput>,
) -> Result<(http::StatusCode, Json<DrawView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.lock_task_item(&a, id, position, &input).await?),
    ))
}

/// 揭晓抽取：用锁定时指定的信标计算抽中的检查对象，公布完整记录；返回抽取记录和抽中数量（名单见任务详情）。
#[utoipa::path(post, operation_id = "reveal_task_item", path = "/api/v1/tasks/{task_id}/items/{position}/reveal", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识"), ("position" = i32, Path, description = "事项序号")), request_body = RevealInput,
    responses((status = 200, body = RevealView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reveal_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, position)): Path<(i64, i32)>,
    Json(input): Json<RevealInput>,
) -> Result<Json<RevealView>, ApiError> {
    Ok(Json(state.app.reveal_task_item(&a, id, position, &input).await?))
}

/// 确认锁定名单：全部事项揭晓后，名单不再变动。
#[utoipa::path(post, operation_id = "confirm_task_list", path = "/api/v1/tasks/{task_id}/confirm", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 200, body = TaskDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn confirm_list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TaskDetail>, ApiError> {
    Ok(Json(state.app.confirm_task_list(&a, id).await?))
}

/// 派发：把锁定的名单派发给执行单位。
#[utoipa::path(post, operation_id = "dispatch_task", path = "/api/v1/tasks/{task_id}/dispatch", tag = "抽查任务",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 200, body = TaskDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn dispatch(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TaskDetail>, ApiError> {
    Ok(Json(state.app.dispatch_task(&a, id).await?))
}
