//! 一公开 API (第二十三条、第二十五条、第二十六条): publishing a task's results,
//! the record of one result, corrections approved by the 主要负责人, objections
//! and their deadlines, and follow-up. The same use cases as the pages.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiUser, Meta};
use crate::upload::{ATTACHMENTS_LIMIT, JsonOrAttachments};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::Response;
use spotcheck_app::followups::{FindingFollowup, FollowupInput};
use spotcheck_app::objections::{
    FeedbackInput, ObjectionDecisionInput, ObjectionView, PaperObjectionInput, PublicObjectionInput,
    PublicObjectionStatus,
};
use spotcheck_app::publication::{
    CorrectionDecisionInput, CorrectionInput, CorrectionView, PublishInput, ResultRecord, TaskPublicationView,
};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(get_publication, publish))
        .routes(routes!(get_result))
        .routes(routes!(request_correction))
        .routes(routes!(pending_corrections))
        .routes(routes!(decide_correction))
        .routes(routes!(list_objections))
        .routes(routes!(record_objection).layer(DefaultBodyLimit::max(ATTACHMENTS_LIMIT)))
        .routes(routes!(get_objection))
        .routes(routes!(decide_objection))
        .routes(routes!(answer_objection))
        .routes(routes!(objection_file))
        .routes(routes!(record_followup))
        .routes(routes!(file_objection).layer(DefaultBodyLimit::max(ATTACHMENTS_LIMIT)))
}

type R<T> = Result<Json<T>, ApiError>;

/// 任务的结果公示情况：公示期限（任务结束后 20 个工作日）、剩余或逾期工作日、公示时间和条数；
/// 公示前列出各检查组的结果。
#[utoipa::path(get, operation_id = "get_task_publication", path = "/api/v1/tasks/{task_id}/publication", tag = "结果公示",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 200, body = TaskPublicationView), (status = 404, body = ErrorBody)))]
async fn get_publication(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> R<TaskPublicationView> {
    Ok(Json(s.app.task_publication(&a, id).await?))
}

/// 公示检查结果（任务发起部门管理员，任务“已录入”后）：全部结果在公开网站公示；
/// `withheld` 列出依法不予公开的结果及其法定理由（计数但不公开）。任务转为“已公示”。
#[utoipa::path(post, operation_id = "publish_task", path = "/api/v1/tasks/{task_id}/publication", tag = "结果公示",
    params(("task_id" = i64, Path, description = "任务标识")), request_body = PublishInput,
    responses((status = 200, body = TaskPublicationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn publish(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<PublishInput>,
) -> R<TaskPublicationView> {
    Ok(Json(s.app.publish_task(&a, id, input).await?))
}

/// 一条检查结果的完整记录：现公示版本、全部版本、更正申请、异议及期限、问题的后续处置。
#[utoipa::path(get, operation_id = "get_result", path = "/api/v1/results/{inspection_id}", tag = "结果公示",
    params(("inspection_id" = i64, Path, description = "检查记录标识")),
    responses((status = 200, body = ResultRecord), (status = 404, body = ErrorBody)))]
async fn get_result(State(s): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<i64>) -> R<ResultRecord> {
    Ok(Json(s.app.result_record(&a, id).await?))
}

/// 申请更正已公示的检查结果（检查实施单位管理员）：须说明理由，经单位主要负责人批准后形成新版本。
#[utoipa::path(post, operation_id = "request_correction", path = "/api/v1/results/{inspection_id}/corrections", tag = "结果公示",
    params(("inspection_id" = i64, Path, description = "检查记录标识")), request_body = CorrectionInput,
    responses((status = 201, body = CorrectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_correction(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CorrectionInput>,
) -> Result<(http::StatusCode, Json<CorrectionView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(s.app.request_correction(&a, id, input).await?),
    ))
}

/// 待本人审批的更正申请（主要负责人）。
#[utoipa::path(get, operation_id = "pending_corrections", path = "/api/v1/corrections/pending", tag = "结果公示",
    responses((status = 200, body = Vec<CorrectionView>)))]
async fn pending_corrections(State(s): State<AppState>, ApiUser(a): ApiUser) -> R<Vec<CorrectionView>> {
    Ok(Json(s.app.pending_corrections(&a).await?))
}

/// 审批更正申请（检查实施单位主要负责人）：批准则公示新版本并注明更正日期和理由，原版本保留；不批准须说明理由。
#[utoipa::path(post, operation_id = "decide_correction", path = "/api/v1/corrections/{correction_id}/decision", tag = "结果公示",
    params(("correction_id" = i64, Path, description = "更正申请标识")), request_body = CorrectionDecisionInput,
    responses((status = 200, body = CorrectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide_correction(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CorrectionDecisionInput>,
) -> R<CorrectionView> {
    Ok(Json(s.app.decide_correction(&a, id, input).await?))
}

/// 管辖范围内的异议（最新在前），含复核期限（收到后 20 个工作日）和反馈期限（复核后 15 个工作日）。
#[utoipa::path(get, operation_id = "list_objections", path = "/api/v1/objections", tag = "异议处理",
    responses((status = 200, body = Vec<ObjectionView>)))]
async fn list_objections(State(s): State<AppState>, ApiUser(a): ApiUser) -> R<Vec<ObjectionView>> {
    Ok(Json(s.app.objections(&a).await?))
}

/// 代录书面异议（检查实施单位管理员）：按收到日期起算复核期限。
/// 带附件时以 multipart/form-data 提交：文字字段与 JSON 同名，附件为名为 `files` 的部分（每个不超过 20 MB，最多 10 个）。
#[utoipa::path(post, operation_id = "record_objection", path = "/api/v1/results/{inspection_id}/objections", tag = "异议处理",
    params(("inspection_id" = i64, Path, description = "检查记录标识")),
    request_body(content((PaperObjectionInput = "application/json"), (PaperObjectionInput = "multipart/form-data")),
        description = "JSON，或带附件的表单（附件部分名为 files）"),
    responses((status = 201, body = ObjectionView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_objection(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    body: JsonOrAttachments<PaperObjectionInput>,
) -> Result<(http::StatusCode, Json<ObjectionView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(s.app.record_objection(&a, id, body.input, body.files).await?),
    ))
}

#[utoipa::path(get, operation_id = "get_objection", path = "/api/v1/objections/{objection_id}", tag = "异议处理",
    params(("objection_id" = i64, Path, description = "异议标识")),
    responses((status = 200, body = ObjectionView), (status = 404, body = ErrorBody)))]
async fn get_objection(State(s): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<i64>) -> R<ObjectionView> {
    Ok(Json(s.app.objection(&a, id).await?))
}

/// 作出复核结论（维持 / 更正）并说明理由；更正时提交更正申请，经主要负责人批准后生效。
#[utoipa::path(post, operation_id = "decide_objection", path = "/api/v1/objections/{objection_id}/decision", tag = "异议处理",
    params(("objection_id" = i64, Path, description = "异议标识")), request_body = ObjectionDecisionInput,
    responses((status = 200, body = ObjectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_objection(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ObjectionDecisionInput>,
) -> R<ObjectionView> {
    Ok(Json(s.app.decide_objection(&a, id, input).await?))
}

/// 登记向异议人反馈的方式和日期。
#[utoipa::path(post, operation_id = "answer_objection", path = "/api/v1/objections/{objection_id}/feedback", tag = "异议处理",
    params(("objection_id" = i64, Path, description = "异议标识")), request_body = FeedbackInput,
    responses((status = 200, body = ObjectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn answer_objection(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<FeedbackInput>,
) -> R<ObjectionView> {
    Ok(Json(s.app.answer_objection(&a, id, input).await?))
}

/// 异议附件。
#[utoipa::path(get, operation_id = "download_objection_file", path = "/api/v1/objection-files/{file_id}", tag = "异议处理",
    params(("file_id" = i64, Path, description = "附件标识")),
    responses((status = 200, description = "文件"), (status = 404, body = ErrorBody)))]
async fn objection_file(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(crate::download::objection_file(&s, &a, id).await?)
}

/// 登记问题的后续处置（移交审批/主管部门、立案查处、移送司法机关、整改复查），含接收单位、日期和办理状态。
#[utoipa::path(post, operation_id = "record_followup", path = "/api/v1/results/{inspection_id}/followups", tag = "后续处置",
    params(("inspection_id" = i64, Path, description = "检查记录标识")), request_body = FollowupInput,
    responses((status = 200, body = Vec<FindingFollowup>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_followup(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<FollowupInput>,
) -> R<Vec<FindingFollowup>> {
    Ok(Json(s.app.record_followup(&a, id, input).await?))
}

/// 被检查对象网上提出异议（无需登录）：填写检查结果告知书上的核验码、提交人、联系电话和异议内容。
/// 带附件时以 multipart/form-data 提交：文字字段与 JSON 同名，附件为名为 `files` 的部分（每个不超过 20 MB，最多 10 个）。
#[utoipa::path(post, operation_id = "file_objection", path = "/api/v1/public/objections", tag = "公开",
    request_body(content((PublicObjectionInput = "application/json"), (PublicObjectionInput = "multipart/form-data")),
        description = "JSON，或带附件的表单（附件部分名为 files）"),
    responses((status = 201, body = PublicObjectionStatus), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn file_objection(
    State(s): State<AppState>,
    Meta(meta): Meta,
    body: JsonOrAttachments<PublicObjectionInput>,
) -> Result<(http::StatusCode, Json<PublicObjectionStatus>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(s.app.file_objection(meta, body.input, body.files).await?),
    ))
}
