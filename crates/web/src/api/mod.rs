//! The JSON API under `/api/v1`. Every handler is annotated for OpenAPI, so
//! the document at `/api/openapi.json` is generated from this code and cannot
//! drift from it. Clients authenticate with `Authorization: Bearer <token>`
//! from `POST /api/v1/auth/login`.

mod archives;
mod audit;
mod auth;
mod calendar;
mod dashboard;
mod departments;
mod directory;
mod experts;
mod home;
mod inspections;
mod items;
mod messages;
mod outside;
mod plans;
mod publication;
mod tasks;
mod teams;
mod users;

use crate::AppState;
use axum::Json;
use axum::response::IntoResponse;
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "黑龙江省住建系统“双随机、一公开”监管平台 API",
        description = "与平台页面功能一一对应的 JSON 接口。错误统一为 {\"error\":{\"code\":\"…\",\"message\":\"中文说明\"}}，并使用相应的 HTTP 状态码。",
        version = "1"
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::with_openapi(ApiDoc::openapi());
    let r = items::routes(r);
    let r = plans::routes(r);
    let r = tasks::routes(r);
    let r = teams::routes(r);
    let r = outside::routes(r);
    let r = inspections::routes(r);
    let r = archives::routes(r);
    let r = calendar::routes(r);
    let r = dashboard::routes(r);
    let r = publication::routes(r);
    let r = experts::routes(r);
    let r = directory::routes(r);
    let r = messages::routes(r);
    r.routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::totp_enrol))
        .routes(routes!(auth::totp_confirm))
        .routes(routes!(home::home))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::unlock))
        .routes(routes!(users::reset_totp))
        .routes(routes!(departments::list, departments::create_unit))
        .routes(routes!(departments::get, departments::update_unit))
        .routes(routes!(audit::list))
        .routes(routes!(audit::get))
        .routes(routes!(audit::export))
        .routes(routes!(audit::verify))
        .route("/api/openapi.json", axum::routing::get(openapi_json))
}

/// The OpenAPI 3 document of the whole API.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| router().split_for_parts().1)
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi())
}

/// A 204 answer.
pub struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> axum::response::Response {
        http::StatusCode::NO_CONTENT.into_response()
    }
}
