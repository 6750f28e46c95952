use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiUser;
use axum::Json;
use axum::extract::State;
use spotcheck_app::home::HomeView;

/// 当前角色首页的统计数字。
#[utoipa::path(get, path = "/api/v1/home", tag = "首页", responses((status = 200, body = HomeView), (status = 401, body = ErrorBody)))]
pub async fn home(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<HomeView>, ApiError> {
    Ok(Json(state.app.home(&a).await?))
}
