//! Headers and checks every response and request goes through: security
//! headers, the same-origin check for state changes, health endpoints and the
//! request span carrying the request id.

use crate::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, Method, StatusCode, header};

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Same-origin check for state changes, then security headers on the response.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) && cross_origin(&req) {
        let body = crate::error::ApiError::from(spotcheck_app::AppError::Forbidden(
            "跨站请求被拒绝：请从本平台页面提交".into(),
        ));
        return with_headers(body.into_response(), state.cfg.behind_tls_proxy);
    }
    with_headers(next.run(req).await, state.cfg.behind_tls_proxy)
}

/// True when the browser says the request comes from another site.
fn cross_origin(req: &Request) -> bool {
    let h = req.headers();
    if h.get("sec-fetch-site").is_some_and(|v| v == "cross-site") {
        return true;
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    origin == "null" || origin_host != host
}

fn with_headers(mut res: Response, tls: bool) -> Response {
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(self), camera=(self), microphone=(self)"),
    );
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

pub fn span_for(req: &Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

pub fn health_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

/// The process can reach its database.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.app.store().ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// How long a request may take, except a streamed evidence upload: a 执法记录仪
/// video of a gigabyte takes minutes on a county network, and the evidence
/// store already ends an upload whose connection breaks (resumable uploads
/// come in chunks that each fit the deadline).
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

pub async fn deadline(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let streamed_upload = req.method() == http::Method::POST
        && req.uri().path().ends_with("/evidence")
        && req.uri().path().starts_with("/api/v1/teams/");
    if streamed_upload {
        return next.run(req).await;
    }
    match tokio::time::timeout(REQUEST_DEADLINE, next.run(req)).await {
        Ok(res) => res,
        Err(_) => http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}
