//! 检查人员匹配 and 调整更换 API: each executing unit's preview, lock and
//! reveal of its inspectors draw; experts on a team; replacement requests,
//! the 分管负责人's decision and the replacement draw's reveal; an
//! inspector's own assignments.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use spotcheck_app::draws::{LockInput, RevealInput};
use spotcheck_app::replacements::{DecisionInput, ReplacementInput};
use spotcheck_app::tasks::{DrawView, TaskDetail};
use spotcheck_app::teams::{AssignmentView, MatchPreview, MatchQuery};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(preview_match))
        .routes(routes!(lock_match))
        .routes(routes!(reveal_match))
        .routes(routes!(attach_expert))
        .routes(routes!(remove_expert))
        .routes(routes!(request_replacement))
        .routes(routes!(decide_replacement))
        .routes(routes!(reveal_replacement))
        .routes(routes!(my_assignments))
}

/// 匹配前预览：执行单位每个检查对象的可抽取检查人员、不符合条件的人员及原因；无法组成检查组的对象单独列出。
#[utoipa::path(get, operation_id = "preview_match", path = "/api/v1/tasks/{task_id}/units/{unit_code}/match", tag = "检查人员匹配",
    params(("task_id" = i64, Path, description = "任务标识"), ("unit_code" = String, Path, description = "执行单位编码"), MatchQuery),
    responses((status = 200, body = MatchPreview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn preview_match(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, unit)): Path<(i64, String)>,
    Query(q): Query<MatchQuery>,
) -> Result<Json<MatchPreview>, ApiError> {
    Ok(Json(state.app.preview_match(&a, id, &unit, &q).await?))
}

/// 锁定检查人员抽取：有检查对象无法组成检查组时拒绝并逐一说明；否则抽取记录（承诺）立即公布。
#[utoipa::path(post, operation_id = "lock_match", path = "/api/v1/tasks/{task_id}/units/{unit_code}/match/lock", tag = "检查人员匹配",
    params(("task_id" = i64, Path, description = "任务标识"), ("unit_code" = String, Path, description = "执行单位编码")), request_body = LockInput,
    responses((status = 201, body = DrawView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn lock_match(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, unit)): Path<(i64, String)>,
    Json(input): Json<LockInput>,
) -> Result<(http::StatusCode, Json<DrawView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.commit_match(&a, id, &unit, &input).await?),
    ))
}

/// 揭晓检查人员抽取：组成检查组（组长和组员），通知被抽中的检查人员；全部执行单位完成后任务为“已匹配人员”。
#[utoipa::path(post, operation_id = "reveal_match", path = "/api/v1/tasks/{task_id}/units/{unit_code}/match/reveal", tag = "检查人员匹配",
    params(("task_id" = i64, Path, description = "任务标识"), ("unit_code" = String, Path, description = "执行单位编码")), request_body = RevealInput,
    responses((status = 200, body = TaskDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reveal_match(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((id, unit)): Path<(i64, String)>,
    Json(input): Json<RevealInput>,
) -> Result<Json<TaskDetail>, ApiError> {
    state.app.reveal_match(&a, id, &unit, &input).await?;
    Ok(Json(state.app.get_task(&a, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct ExpertInput {
    /// 专家库中的专家标识。
    expert_id: i64,
}

/// 为检查组添加专家（不计入检查组人数）。
#[utoipa::path(post, operation_id = "attach_expert", path = "/api/v1/teams/{team_id}/experts", tag = "检查人员匹配",
    params(("team_id" = i64, Path, description = "检查组标识")), request_body = ExpertInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn attach_expert(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team): Path<i64>,
    Json(input): Json<ExpertInput>,
) -> Result<http::StatusCode, ApiError> {
    state.app.attach_expert(&a, team, input.expert_id).await?;
    Ok(http::StatusCode::NO_CONTENT)
}

/// 将专家移出检查组（记录保留）。
#[utoipa::path(post, operation_id = "remove_expert", path = "/api/v1/team-members/{member_id}/remove-expert", tag = "检查人员匹配",
    params(("member_id" = i64, Path, description = "检查组成员标识")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remove_expert(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(member): Path<i64>,
) -> Result<http::StatusCode, ApiError> {
    state.app.remove_expert(&a, member).await?;
    Ok(http::StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct Created {
    id: i64,
}

/// 申请调整更换检查人员（第十八条：岗位调整、工作冲突、身体健康、回避），待分管负责人审批。检查人员本人可申请回避。
#[utoipa::path(post, operation_id = "request_replacement", path = "/api/v1/team-members/{member_id}/replacements", tag = "检查人员匹配",
    params(("member_id" = i64, Path, description = "检查组成员标识")), request_body = ReplacementInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_replacement(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(member): Path<i64>,
    Json(input): Json<ReplacementInput>,
) -> Result<(http::StatusCode, Json<Created>), ApiError> {
    let id = state.app.request_replacement(&a, member, &input).await?;
    Ok((http::StatusCode::CREATED, Json(Created { id })))
}

/// 分管负责人审批调整更换申请：批准即锁定替换人员抽取（在符合条件且不在检查组内的人员中随机抽取）；不批准须写明理由。
#[utoipa::path(post, operation_id = "decide_replacement", path = "/api/v1/replacements/{replacement_id}/decision", tag = "检查人员匹配",
    params(("replacement_id" = i64, Path, description = "调整更换申请标识")), request_body = DecisionInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_replacement(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<DecisionInput>,
) -> Result<http::StatusCode, ApiError> {
    state.app.decide_replacement(&a, id, &input).await?;
    Ok(http::StatusCode::NO_CONTENT)
}

/// 揭晓替换人员抽取：抽中的人员接替被调整的成员（原成员记录保留）。未经批准的申请不能揭晓。
#[utoipa::path(post, operation_id = "reveal_replacement", path = "/api/v1/replacements/{replacement_id}/reveal", tag = "检查人员匹配",
    params(("replacement_id" = i64, Path, description = "调整更换申请标识")), request_body = RevealInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reveal_replacement(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<RevealInput>,
) -> Result<http::StatusCode, ApiError> {
    state.app.reveal_replacement(&a, id, &input).await?;
    Ok(http::StatusCode::NO_CONTENT)
}

/// 本人的检查任务安排（检查人员）。
#[utoipa::path(get, operation_id = "my_assignments", path = "/api/v1/me/assignments", tag = "检查人员匹配",
    responses((status = 200, body = Vec<AssignmentView>)))]
async fn my_assignments(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    Ok(Json(state.app.my_assignments(&a).await?))
}
