//! 随机抽查事项清单 API (being written).

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r
}
