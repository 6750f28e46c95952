//! 一单两库 API: objects, inspectors, conflicts, imports, templates, 认领.

use super::NoContent;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::IntoResponse;
use http::{HeaderValue, header};
use serde::{Deserialize, Serialize};
use spotcheck_app::AppError;
use spotcheck_app::import::{ImportJobView, ImportRequest, ImportSummary};
use spotcheck_app::inspectors::{ConflictInput, ConflictView};
use spotcheck_app::objects::{
    ActiveChange, ClaimInput, EntryInput, HistoryView, InspectorQuery, InspectorView, MasterQuery, MasterView,
    ObjectQuery, ObjectView,
};
use spotcheck_app::users::Page;
use spotcheck_domain::directory::ListKind;
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_objects, create_object))
        .routes(routes!(get_object, update_object))
        .routes(routes!(set_object_active))
        .routes(routes!(object_id_number))
        .routes(routes!(list_inspectors, create_inspector))
        .routes(routes!(get_inspector, update_inspector))
        .routes(routes!(set_inspector_active))
        .routes(routes!(link_inspector_account))
        .routes(routes!(inspector_id_number))
        .routes(routes!(list_conflicts, declare_conflict))
        .routes(routes!(withdraw_conflict))
        .routes(routes!(get_template))
        .routes(routes!(list_master))
        .routes(routes!(claim_objects))
        .routes(routes!(get_import))
        .routes(routes!(get_import_errors))
        .routes(routes!(start_import).layer(DefaultBodyLimit::max(crate::upload::MAX_UPLOAD_BYTES + 1024 * 1024)))
}

fn xlsx(bytes: Vec<u8>) -> axum::response::Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    res
}

#[derive(Serialize, ToSchema)]
pub struct ObjectDetail {
    object: ObjectView,
    history: Vec<HistoryView>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewObject {
    /// 企业 / 从业人员 / 工程项目 (or enterprise / practitioner / project).
    kind: String,
    /// The department whose directory receives the object.
    department_code: String,
    /// Values keyed by the template's column names, e.g. `{"统一社会信用代码": "…"}`.
    fields: std::collections::BTreeMap<String, String>,
}

/// 管辖范围内的检查对象（企业、从业人员、工程项目）。
#[utoipa::path(get, path = "/api/v1/objects", operation_id = "list_objects", tag = "一单两库", params(ObjectQuery),
    responses((status = 200, body = Page<ObjectView>), (status = 403, body = ErrorBody)))]
async fn list_objects(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<ObjectQuery>,
) -> Result<Json<Page<ObjectView>>, ApiError> {
    Ok(Json(s.app.list_objects(&a, &q).await?))
}

/// 手工新增检查对象（与模板导入同一套校验）。
#[utoipa::path(post, path = "/api/v1/objects", operation_id = "create_object", tag = "一单两库", request_body = NewObject,
    responses((status = 201, body = ObjectView), (status = 422, body = ErrorBody)))]
async fn create_object(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Json(n): Json<NewObject>,
) -> Result<(http::StatusCode, Json<ObjectView>), ApiError> {
    let v = s
        .app
        .create_object(&a, &n.department_code, &n.kind, &EntryInput { fields: n.fields })
        .await?;
    Ok((http::StatusCode::CREATED, Json(v)))
}

/// 单个检查对象及其变更历史（不在管辖范围内时返回 404）。
#[utoipa::path(get, path = "/api/v1/objects/{object_id}", operation_id = "get_object", tag = "一单两库", params(("object_id" = i64, Path)),
    responses((status = 200, body = ObjectDetail), (status = 404, body = ErrorBody)))]
async fn get_object(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ObjectDetail>, ApiError> {
    let (object, history) = s.app.get_object(&a, id).await?;
    Ok(Json(ObjectDetail { object, history }))
}

/// 修改检查对象（代码不可改；原状态保留在历史中）。
#[utoipa::path(put, path = "/api/v1/objects/{object_id}", operation_id = "update_object", tag = "一单两库", params(("object_id" = i64, Path)),
    request_body = EntryInput, responses((status = 200, body = ObjectView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_object(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(i): Json<EntryInput>,
) -> Result<Json<ObjectView>, ApiError> {
    Ok(Json(s.app.update_object(&a, id, &i).await?))
}

/// 停用或重新启用检查对象（不删除）。
#[utoipa::path(post, path = "/api/v1/objects/{object_id}/active", operation_id = "set_object_active", tag = "一单两库", params(("object_id" = i64, Path)),
    request_body = ActiveChange, responses((status = 200, body = ObjectView), (status = 404, body = ErrorBody)))]
async fn set_object_active(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(c): Json<ActiveChange>,
) -> Result<Json<ObjectView>, ApiError> {
    Ok(Json(s.app.set_object_active(&a, id, &c).await?))
}

#[derive(Serialize, ToSchema)]
pub struct FullIdNumber {
    id_number: String,
}

/// 查看从业人员完整身份证号（须有权限，每次查看记入审计）。
#[utoipa::path(post, path = "/api/v1/objects/{object_id}/id-number", operation_id = "reveal_object_id_number", tag = "一单两库", params(("object_id" = i64, Path)),
    responses((status = 200, body = FullIdNumber), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn object_id_number(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FullIdNumber>, ApiError> {
    Ok(Json(FullIdNumber {
        id_number: s.app.reveal_object_id_number(&a, id).await?,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct InspectorDetail {
    inspector: InspectorView,
    history: Vec<HistoryView>,
}

/// 管辖范围内的执法检查人员。
#[utoipa::path(get, path = "/api/v1/inspectors", operation_id = "list_inspectors", tag = "一单两库", params(InspectorQuery),
    responses((status = 200, body = Page<InspectorView>), (status = 403, body = ErrorBody)))]
async fn list_inspectors(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<InspectorQuery>,
) -> Result<Json<Page<InspectorView>>, ApiError> {
    Ok(Json(s.app.list_inspectors(&a, &q).await?))
}

/// 新增执法检查人员。
#[utoipa::path(post, path = "/api/v1/inspectors", operation_id = "create_inspector", tag = "一单两库", request_body = EntryInput,
    responses((status = 201, body = InspectorView), (status = 422, body = ErrorBody)))]
async fn create_inspector(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Json(i): Json<EntryInput>,
) -> Result<(http::StatusCode, Json<InspectorView>), ApiError> {
    Ok((http::StatusCode::CREATED, Json(s.app.create_inspector(&a, &i).await?)))
}

/// 单个检查人员及其变更历史。
#[utoipa::path(get, path = "/api/v1/inspectors/{inspector_id}", operation_id = "get_inspector", tag = "一单两库", params(("inspector_id" = i64, Path)),
    responses((status = 200, body = InspectorDetail), (status = 404, body = ErrorBody)))]
async fn get_inspector(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<InspectorDetail>, ApiError> {
    let (inspector, history) = s.app.get_inspector(&a, id).await?;
    Ok(Json(InspectorDetail { inspector, history }))
}

/// 修改检查人员（执法证号不可改）。
#[utoipa::path(put, path = "/api/v1/inspectors/{inspector_id}", operation_id = "update_inspector", tag = "一单两库", params(("inspector_id" = i64, Path)),
    request_body = EntryInput, responses((status = 200, body = InspectorView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_inspector(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(i): Json<EntryInput>,
) -> Result<Json<InspectorView>, ApiError> {
    Ok(Json(s.app.update_inspector(&a, id, &i).await?))
}

/// 停用或重新启用检查人员。
#[utoipa::path(post, path = "/api/v1/inspectors/{inspector_id}/active", operation_id = "set_inspector_active", tag = "一单两库", params(("inspector_id" = i64, Path)),
    request_body = ActiveChange, responses((status = 200, body = InspectorView), (status = 404, body = ErrorBody)))]
async fn set_inspector_active(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(c): Json<ActiveChange>,
) -> Result<Json<InspectorView>, ApiError> {
    Ok(Json(s.app.set_inspector_active(&a, id, &c).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct AccountLink {
    /// 检查人员本人登录平台所用的用户名；为空则解除关联。
    #[serde(default)]
    username: String,
}

/// 关联检查人员本人的平台账号（检查人员须有账号才能在平台填写检查记录和签字确认），或解除关联。
#[utoipa::path(put, path = "/api/v1/inspectors/{inspector_id}/account", operation_id = "link_inspector_account", tag = "一单两库", params(("inspector_id" = i64, Path)),
    request_body = AccountLink, responses((status = 200, body = InspectorView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn link_inspector_account(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(l): Json<AccountLink>,
) -> Result<Json<InspectorView>, ApiError> {
    Ok(Json(
        s.app.link_inspector_account(&a, id, Some(l.username.as_str())).await?,
    ))
}

/// 查看检查人员完整身份证号（记入审计）。
#[utoipa::path(post, path = "/api/v1/inspectors/{inspector_id}/id-number", operation_id = "reveal_inspector_id_number", tag = "一单两库", params(("inspector_id" = i64, Path)),
    responses((status = 200, body = FullIdNumber), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn inspector_id_number(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FullIdNumber>, ApiError> {
    Ok(Json(FullIdNumber {
        id_number: s.app.reveal_inspector_id_number(&a, id).await?,
    }))
}

/// 检查人员登记的利害关系。
#[utoipa::path(get, path = "/api/v1/inspectors/{inspector_id}/conflicts", operation_id = "list_conflicts", tag = "一单两库", params(("inspector_id" = i64, Path)),
    responses((status = 200, body = Vec<ConflictView>), (status = 404, body = ErrorBody)))]
async fn list_conflicts(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ConflictView>>, ApiError> {
    Ok(Json(s.app.conflicts_of_inspector(&a, id).await?))
}

/// 登记检查人员与检查对象的利害关系（随机匹配时回避）。
#[utoipa::path(post, path = "/api/v1/inspectors/{inspector_id}/conflicts", operation_id = "declare_conflict", tag = "一单两库", params(("inspector_id" = i64, Path)),
    request_body = ConflictInput, responses((status = 201, body = ConflictView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn declare_conflict(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(c): Json<ConflictInput>,
) -> Result<(http::StatusCode, Json<ConflictView>), ApiError> {
    Ok((
        http::StatusCode::CREATED,
        Json(s.app.declare_conflict(&a, id, &c).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct Reason {
    reason: String,
}

/// 撤销利害关系登记。
#[utoipa::path(post, path = "/api/v1/conflicts/{conflict_id}/withdraw", operation_id = "withdraw_conflict", tag = "一单两库", params(("conflict_id" = i64, Path)),
    request_body = Reason, responses((status = 204), (status = 404, body = ErrorBody)))]
async fn withdraw_conflict(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
    Json(r): Json<Reason>,
) -> Result<NoContent, ApiError> {
    s.app.withdraw_conflict(&a, id, &r.reason).await?;
    Ok(NoContent)
}

/// 下载名录导入模板（.xlsx）：企业、从业人员、工程项目、检查人员。
#[utoipa::path(get, path = "/api/v1/templates/{list}", operation_id = "get_template", tag = "一单两库",
    params(("list" = String, Path, description = "enterprise / practitioner / project / inspector")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)))]
async fn get_template(
    State(s): State<AppState>,
    ApiUser(_a): ApiUser,
    Path(list): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let kind = ListKind::parse(list.trim_end_matches(".xlsx")).map_err(|_| AppError::not_found("模板"))?;
    Ok(xlsx(s.app.template(kind)))
}

/// 可认领的全省名录条目（本部门辖区内、尚未在本部门名录中）。
#[utoipa::path(get, path = "/api/v1/master-objects", operation_id = "list_master_objects", tag = "一单两库", params(MasterQuery),
    responses((status = 200, body = Page<MasterView>)))]
async fn list_master(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<MasterQuery>,
) -> Result<Json<Page<MasterView>>, ApiError> {
    Ok(Json(s.app.list_master(&a, &q).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Claimed {
    claimed: u64,
}

/// 从全省名录认领检查对象（认领）。
#[utoipa::path(post, path = "/api/v1/claims", operation_id = "claim_objects", tag = "一单两库", request_body = ClaimInput,
    responses((status = 200, body = Claimed), (status = 422, body = ErrorBody)))]
async fn claim_objects(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Json(c): Json<ClaimInput>,
) -> Result<Json<Claimed>, ApiError> {
    Ok(Json(Claimed {
        claimed: s.app.claim_objects(&a, &c).await?,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportOptions {
    /// 等待导入完成后返回结果（否则立即返回批次，可查询进度）。
    wait: Option<bool>,
}

/// 按模板导入名录（multipart：kind、department、file）。有问题的行逐行列出，其余一次性保存。
#[utoipa::path(post, path = "/api/v1/imports", operation_id = "start_import", tag = "一单两库", params(ImportOptions),
    request_body(content_type = "multipart/form-data", description = "kind（企业/从业人员/工程项目/检查人员）、department（部门编码）、file（.xlsx/.xls/.csv）"),
    responses((status = 202, body = ImportJobView), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn start_import(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Query(o): Query<ImportOptions>,
    multipart: Multipart,
) -> Result<axum::response::Response, ApiError> {
    let upload = crate::upload::receive(multipart).await?;
    let kind = ListKind::parse(upload.fields.get("kind").map(String::as_str).unwrap_or(""))
        .map_err(|e| AppError::invalid("kind", e.to_string()))?;
    let (_, path) = upload.file.keep().map_err(|e| AppError::Internal(e.to_string()))?;
    let req = ImportRequest {
        kind,
        department_code: upload.fields.get("department").cloned().unwrap_or_default(),
        path: path.clone(),
        file_name: upload.file_name,
    };
    if o.wait == Some(true) {
        let result = s.app.import_file(&a, &req).await;
        let _ = std::fs::remove_file(&path);
        Ok(Json(result?).into_response())
    } else {
        match s.app.start_import(&a, req).await {
            Ok(job) => Ok((http::StatusCode::ACCEPTED, Json(job)).into_response()),
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                Err(e.into())
            }
        }
    }
}

/// 导入批次的进度与结果。
#[utoipa::path(get, path = "/api/v1/imports/{job_id}", operation_id = "get_import", tag = "一单两库", params(("job_id" = i64, Path)),
    responses((status = 200, body = ImportJobView), (status = 404, body = ErrorBody)))]
async fn get_import(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ImportJobView>, ApiError> {
    Ok(Json(s.app.import_job(&a, id).await?))
}

/// 下载导入问题清单（.xlsx：行号、列名、填写内容、问题、修改方法）。
#[utoipa::path(get, path = "/api/v1/imports/{job_id}/errors", operation_id = "get_import_errors", tag = "一单两库", params(("job_id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)))]
async fn get_import_errors(
    State(s): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx(s.app.import_error_report(&a, id).await?))
}
