use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use http::{HeaderValue, header};
use spotcheck_app::audit_log::{AuditEntryView, AuditQuery, ChainStatus};
use spotcheck_app::users::Page;

/// 管辖范围内的审计记录，按时间倒序。
#[utoipa::path(get, operation_id = "list_audit", path = "/api/v1/audit", tag = "审计", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntryView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Page<AuditEntryView>>, ApiError> {
    Ok(Json(state.app.list_audit(&a, &q).await?))
}

/// 单条审计记录（不在管辖范围内时返回 404）。
#[utoipa::path(get, operation_id = "get_audit_entry", path = "/api/v1/audit/{seq}", tag = "审计", params(("seq" = i64, Path)),
    responses((status = 200, body = AuditEntryView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(seq): Path<i64>,
) -> Result<Json<AuditEntryView>, ApiError> {
    Ok(Json(state.app.get_audit_entry(&a, seq).await?))
}

/// 按条件导出审计记录 CSV（UTF-8，带 BOM），导出本身记入审计。
#[utoipa::path(get, operation_id = "export_audit", path = "/api/v1/audit/export.csv", tag = "审计", params(AuditQuery),
    responses((status = 200, content_type = "text/csv"), (status = 403, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = state.app.export_audit_csv(&a, &q).await?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    Ok(res)
}

/// 逐条重算整条审计哈希链。
#[utoipa::path(post, operation_id = "verify_audit_chain", path = "/api/v1/audit/verify", tag = "审计",
    responses((status = 200, body = ChainStatus), (status = 403, body = ErrorBody)))]
pub async fn verify(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<ChainStatus>, ApiError> {
    Ok(Json(state.app.verify_audit_chain(&a).await?))
}
