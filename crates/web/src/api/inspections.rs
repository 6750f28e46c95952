//! 现场检查 API (第十九条至第二十二条): a team's inspection, its evidence files
//! (streamed or resumable), the team's sign-off, the PDF documents, and the
//! province's result categories. The same use cases as the pages.

use crate::AppState;
use crate::api::NoContent;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::evidence::UploadState;
use spotcheck_app::inspections::{
    CategoryView, ConfirmInput, EvidenceView, InspectionInput, InspectionView, WorkPlanInput,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(get_inspection, start_inspection, save_inspection))
        .routes(routes!(record_work_plan))
        .routes(routes!(close_inspection))
        .routes(routes!(reopen_inspection))
        .routes(routes!(confirm_inspection))
        .routes(routes!(upload_evidence).layer(DefaultBodyLimit::disable()))
        .routes(routes!(download_evidence))
        .routes(routes!(begin_upload))
        .routes(
            routes!(upload_state, put_chunk)
                .layer(DefaultBodyLimit::max(spotcheck_evidence::MAX_CHUNK_SIZE + 64 * 1024)),
        )
        .routes(routes!(finish_upload))
        .routes(routes!(document))
        .routes(routes!(list_categories, add_category))
        .routes(routes!(update_category))
}

/// 检查组的检查记录：检查表（本次任务适用于该对象的全部事项的全部抽查内容）、检查工作方案、
/// 发现的问题和处置措施、检查结果、证据文件和签字确认情况。尚未开始检查时 `id` 为空。
#[utoipa::path(get, operation_id = "get_inspection", path = "/api/v1/teams/{team_id}/inspection", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    responses((status = 200, body = InspectionView), (status = 404, body = ErrorBody)))]
async fn get_inspection(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(state.app.team_inspection(&a, team_id).await?))
}

/// 开始检查（检查组成员）：按任务中适用于该对象的全部事项生成检查表，给出文书文号和核验码；
/// 任务的第一个检查组开始检查时，任务进入“检查中”。已开始的，返回现有记录。
#[utoipa::path(post, operation_id = "start_inspection", path = "/api/v1/teams/{team_id}/inspection", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    responses((status = 201, body = InspectionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn start_inspection(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
) -> Result<(http::StatusCode, Json<InspectionView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.start_inspection(&a, team_id).await?),
    ))
}

/// 保存检查记录（检查组成员，填写中）：检查方式、时间、地点、在场人员、各抽查内容的结果和备注、
/// 发现的问题（整体替换）、检查结果、权利告知和陈述申辩。未提供的部分保持不变。
#[utoipa::path(patch, operation_id = "save_inspection", path = "/api/v1/teams/{team_id}/inspection", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    request_body = InspectionInput,
    responses((status = 200, body = InspectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_inspection(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
    Json(input): Json<InspectionInput>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(state.app.save_inspection(&a, team_id, &input).await?))
}

/// 记录检查工作方案（组长）：分工、程序规范、时间节点（第十七条）。
#[utoipa::path(put, operation_id = "record_work_plan", path = "/api/v1/teams/{team_id}/inspection/work-plan", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    request_body = WorkPlanInput,
    responses((status = 200, body = InspectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_work_plan(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
    Json(input): Json<WorkPlanInput>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(state.app.record_work_plan(&a, team_id, &input).await?))
}

/// 组长提交检查结果，请检查组全体成员签字确认。检查记录须完整：工作方案、检查方式、时间、地点、
/// 在场人员、全部抽查内容的结果（一次到位），以及与检查结果类别相符的问题和处置措施。
#[utoipa::path(post, operation_id = "close_inspection", path = "/api/v1/teams/{team_id}/inspection/close", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    responses((status = 200, body = InspectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn close_inspection(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(state.app.close_inspection(&a, team_id).await?))
}

#[derive(Deserialize, ToSchema)]
struct ReopenInput {
    /// 退回修改的原因。
    #[serde(default)]
    reason: String,
}

/// 组长退回修改（尚未全员确认时）：已作出的确认作废，修改后重新提交、重新确认。
#[utoipa::path(post, operation_id = "reopen_inspection", path = "/api/v1/teams/{team_id}/inspection/reopen", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    request_body = ReopenInput,
    responses((status = 200, body = InspectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reopen_inspection(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
    Json(input): Json<ReopenInput>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(state.app.reopen_inspection(&a, team_id, &input.reason).await?))
}

/// 签字确认（检查组每位执法人员）：重新输入登录密码或动态口令。全员确认后检查结果生效，任何人不能再修改。
#[utoipa::path(post, operation_id = "confirm_inspection", path = "/api/v1/teams/{team_id}/inspection/confirm", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    request_body = ConfirmInput,
    responses((status = 200, body = InspectionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn confirm_inspection(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
    Json(input): Json<ConfirmInput>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(state.app.confirm_inspection(&a, team_id, &input).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EvidenceQuery {
    /// 设备上的文件名（仅供显示；类型按文件内容判断）。
    #[serde(default)]
    name: String,
    /// 说明。
    #[serde(default)]
    note: String,
}

/// 上传一个证据文件（检查组成员，填写中），请求体即文件内容，边收边存，不在内存中整体保存。
/// 类型按内容判断（照片、录音、录像、文档），超过大小上限、空文件或中途断开的，不保存任何内容。
/// 网络不稳定时请用可续传上传（/uploads）。
#[utoipa::path(post, operation_id = "upload_evidence", path = "/api/v1/teams/{team_id}/evidence", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识"), EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_evidence(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
    Query(q): Query<EvidenceQuery>,
    headers: http::HeaderMap,
    body: Body,
) -> Result<(http::StatusCode, Json<EvidenceView>), ApiError> {
    state.app.may_add_evidence(&a, team_id).await?;
    refuse_announced_oversize(&state, &headers)?;
    let view = state
        .app
        .upload_evidence(&a, team_id, &q.name, &q.note, body.into_data_stream())
        .await?;
    Ok((http::StatusCode::CREATED, Json(view)))
}

/// A body whose announced length is over the limit is refused before a byte is read.
pub(crate) fn refuse_announced_oversize(state: &AppState, headers: &http::HeaderMap) -> Result<(), AppError> {
    let limit = state.app.evidence_max_file_size();
    let announced = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = announced
        && n > limit
    {
        return Err(spotcheck_app::evidence::evidence_error(
            spotcheck_evidence::EvidenceError::TooLarge { limit },
        ));
    }
    Ok(())
}

/// 下载一个证据文件（检查组成员和有权查看该任务的人员）。
#[utoipa::path(get, operation_id = "download_evidence", path = "/api/v1/teams/{team_id}/evidence/{evidence_id}", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识"), ("evidence_id" = i64, Path, description = "证据文件标识")),
    responses((status = 200, description = "文件内容", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn download_evidence(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((team_id, evidence_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    Ok(crate::download::evidence(&state, &a, team_id, evidence_id).await?)
}

#[derive(Deserialize, ToSchema)]
struct BeginInput {
    /// 文件总字节数。
    size: Option<u64>,
}

/// 开始一次可续传上传：之后按偏移量分块上传（每块不超过 16 MB），断线后查询已收到的字节数继续上传。
#[utoipa::path(post, operation_id = "begin_evidence_upload", path = "/api/v1/teams/{team_id}/uploads", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识")),
    request_body = BeginInput,
    responses((status = 201, body = UploadState), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn begin_upload(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(team_id): Path<i64>,
    Json(input): Json<BeginInput>,
) -> Result<(http::StatusCode, Json<UploadState>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.begin_evidence_upload(&a, team_id, input.size).await?),
    ))
}

/// 可续传上传的进度：`received` 是已连续收到的字节数，下一块从这里开始。
#[utoipa::path(get, operation_id = "evidence_upload_state", path = "/api/v1/teams/{team_id}/uploads/{upload_id}", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识"), ("upload_id" = String, Path, description = "上传编号")),
    responses((status = 200, body = UploadState), (status = 404, body = ErrorBody)))]
async fn upload_state(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((team_id, upload_id)): Path<(i64, String)>,
) -> Result<Json<UploadState>, ApiError> {
    Ok(Json(state.app.evidence_upload_state(&a, team_id, &upload_id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChunkQuery {
    /// 本块在文件中的起始字节位置（默认 0）。
    #[serde(default)]
    offset: u64,
}

/// 上传一块（请求体即本块内容）。同一块重复上传无害。
#[utoipa::path(put, operation_id = "put_evidence_chunk", path = "/api/v1/teams/{team_id}/uploads/{upload_id}", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识"), ("upload_id" = String, Path, description = "上传编号"), ChunkQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = UploadState), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_chunk(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((team_id, upload_id)): Path<(i64, String)>,
    Query(q): Query<ChunkQuery>,
    body: Bytes,
) -> Result<Json<UploadState>, ApiError> {
    Ok(Json(
        state
            .app
            .put_evidence_chunk(&a, team_id, &upload_id, q.offset, body)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
struct FinishInput {
    /// 设备上的文件名。
    #[serde(default)]
    name: String,
    /// 说明。
    #[serde(default)]
    note: String,
}

/// 完成可续传上传：合并各块、按内容判断类型、计算 SHA-256 并记入检查记录和审计日志。重复调用返回同一文件。
#[utoipa::path(post, operation_id = "finish_evidence_upload", path = "/api/v1/teams/{team_id}/uploads/{upload_id}/finish", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识"), ("upload_id" = String, Path, description = "上传编号")),
    request_body = FinishInput,
    responses((status = 201, body = EvidenceView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn finish_upload(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((team_id, upload_id)): Path<(i64, String)>,
    Json(input): Json<FinishInput>,
) -> Result<(http::StatusCode, Json<EvidenceView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(
            state
                .app
                .finish_evidence_upload(&a, team_id, &upload_id, &input.name, &input.note)
                .await?,
        ),
    ))
}

/// 行政执法检查文书（PDF）：`notice` 检查通知书、`rights` 权利告知书、`site-record` 现场检查笔录、
/// `statement` 陈述申辩笔录、`result-notice` 检查结果告知书（全员确认后，含核验码）。
#[utoipa::path(get, operation_id = "inspection_document", path = "/api/v1/teams/{team_id}/documents/{kind}", tag = "现场检查",
    params(("team_id" = i64, Path, description = "检查组标识"), ("kind" = String, Path, description = "文书")),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn document(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path((team_id, kind)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    Ok(crate::download::pdf(&state, &a, team_id, &kind).await?)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CategoriesQuery {
    /// 为 true 时包括已停用的类别。
    #[serde(default)]
    all: bool,
}

/// 检查结果类别（全省统一，可配置）。
#[utoipa::path(get, operation_id = "list_result_categories", path = "/api/v1/result-categories", tag = "现场检查",
    params(CategoriesQuery),
    responses((status = 200, body = Vec<CategoryView>)))]
async fn list_categories(
    State(state): State<AppState>,
    ApiUser(_a): ApiUser,
    Query(q): Query<CategoriesQuery>,
) -> Result<Json<Vec<CategoryView>>, ApiError> {
    Ok(Json(state.app.result_categories(q.all).await?))
}

#[derive(Deserialize, ToSchema)]
struct NewCategory {
    label: String,
    /// `no_problem`（未发现问题类）、`problem`（发现问题类，须记录问题）、`not_inspectable`（无法按计划检查类）。
    rule: String,
}

/// 新增检查结果类别（省级管理员）。
#[utoipa::path(post, operation_id = "add_result_category", path = "/api/v1/result-categories", tag = "现场检查",
    request_body = NewCategory,
    responses((status = 201, body = CategoryView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_category(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Json(input): Json<NewCategory>,
) -> Result<(http::StatusCode, Json<CategoryView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(state.app.add_result_category(&a, &input.label, &input.rule).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
struct CategoryUpdate {
    label: String,
    active: bool,
}

/// 修改检查结果类别的名称或停用、启用（省级管理员）；已使用该类别的检查结果不受影响。
#[utoipa::path(put, operation_id = "update_result_category", path = "/api/v1/result-categories/{category_code}", tag = "现场检查",
    params(("category_code" = String, Path, description = "类别编码")),
    request_body = CategoryUpdate,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_category(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(code): Path<String>,
    Json(input): Json<CategoryUpdate>,
) -> Result<NoContent, ApiError> {
    state
        .app
        .update_result_category(&a, &code, &input.label, input.active)
        .await?;
    Ok(NoContent)
}
