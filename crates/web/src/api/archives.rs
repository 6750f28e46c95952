//! 归档 API (第二十四条): a task's archive packages and the latest one as a zip.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use spotcheck_app::archive::ArchiveView;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_archives, archive_task)).routes(routes!(download))
}

/// 任务的归档记录（最新在前）：文件数、总字节数、归档清单的 SHA-256 和签署它的审计记录序号。
#[utoipa::path(get, operation_id = "list_task_archives", path = "/api/v1/tasks/{task_id}/archives", tag = "归档",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 200, body = Vec<ArchiveView>), (status = 404, body = ErrorBody)))]
async fn list_archives(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ArchiveView>>, ApiError> {
    Ok(Json(state.app.task_archives(&a, id).await?))
}

/// 归档（任务发起部门管理员，检查结果录入后）：保存各检查组的检查文书，生成列明全部文件哈希的归档清单，
/// 清单哈希记入审计日志。已公示的任务转为“已归档”。
#[utoipa::path(post, operation_id = "archive_task", path = "/api/v1/tasks/{task_id}/archives", tag = "归档",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 201, body = ArchiveView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn archive_task(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<(http::StatusCode, Json<ArchiveView>), ApiError> {
    Ok((http::StatusCode::CREATED, Json(state.app.archive_task(&a, id).await?)))
}

/// 最新归档包（zip）：manifest.json（归档清单）、签名.json（签署清单的审计记录）和清单中的全部文件。
#[utoipa::path(get, operation_id = "download_task_archive", path = "/api/v1/tasks/{task_id}/archive.zip", tag = "归档",
    params(("task_id" = i64, Path, description = "任务标识")),
    responses((status = 200, description = "zip", content_type = "application/zip"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn download(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(crate::download::archive(&state, &a, id).await?)
}
