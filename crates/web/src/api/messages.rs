//! 站内消息: the caller's own messages, the 待办 count, read marks.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use spotcheck_app::messages::{MessageCounts, MessageQuery, MessageView};
use spotcheck_app::users::Page;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list))
        .routes(routes!(counts))
        .routes(routes!(read_all))
        .routes(routes!(get))
        .routes(routes!(read))
}

/// 本人的站内消息（最新在前）：全部、未读或待办。
#[utoipa::path(get, operation_id = "list_messages", path = "/api/v1/messages", tag = "站内消息", params(MessageQuery),
    responses((status = 200, body = Page<MessageView>), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Query(q): Query<MessageQuery>,
) -> Result<Json<Page<MessageView>>, ApiError> {
    Ok(Json(state.app.list_messages(&a, &q).await?))
}

/// 未读消息数与待办数（页面顶栏所示）。
#[utoipa::path(get, operation_id = "message_counts", path = "/api/v1/messages/counts", tag = "站内消息",
    responses((status = 200, body = MessageCounts)))]
pub async fn counts(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<MessageCounts>, ApiError> {
    Ok(Json(state.app.message_counts(&a).await?))
}

/// 单条消息（不是本人的消息时返回 404）。
#[utoipa::path(get, operation_id = "get_message", path = "/api/v1/messages/{message_id}", tag = "站内消息",
    params(("message_id" = i64, Path)),
    responses((status = 200, body = MessageView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<MessageView>, ApiError> {
    Ok(Json(state.app.get_message(&a, id).await?))
}

/// 标为已读（已读不等于办结：待办在事项办理后自动办结）。
#[utoipa::path(post, operation_id = "mark_message_read", path = "/api/v1/messages/{message_id}/read", tag = "站内消息",
    params(("message_id" = i64, Path)),
    responses((status = 200, body = MessageView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<MessageView>, ApiError> {
    Ok(Json(state.app.mark_message_read(&a, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Marked {
    /// How many messages were unread and are now read.
    marked: u64,
}

/// 全部标为已读。
#[utoipa::path(post, operation_id = "mark_all_messages_read", path = "/api/v1/messages/read-all", tag = "站内消息",
    responses((status = 200, body = Marked)))]
pub async fn read_all(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<Marked>, ApiError> {
    Ok(Json(Marked {
        marked: state.app.mark_all_messages_read(&a).await?,
    }))
}
