//! spotcheck-web: HTTP. The JSON API under `/api/v1` (described by the
//! OpenAPI document at `/api/openapi.json`), the server-rendered Chinese pages
//! of the working platform, sessions and CSRF, security headers, and the
//! static assets embedded in the binary. Handlers parse, authenticate and call
//! a use case of spotcheck-app; they hold no business rules.

mod api;
mod assets;
mod download;
mod error;
mod extract;
mod pages;
mod public_cache;
mod ratelimit;
mod security;
mod upload;

use axum::Router;
use spotcheck_app::App;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use api::openapi;
pub use pages::ID_ROUTES as PAGE_ID_ROUTES;

/// How the server is reached.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// The server sits behind a reverse proxy that terminates TLS: cookies get
    /// `Secure`, responses get HSTS, and the client address is taken from
    /// `X-Forwarded-For`.
    pub behind_tls_proxy: bool,
    /// Requests a second each client may make to the public site (0: no limit).
    pub public_rate: u32,
    /// Run the periodic checks beside the server: the hourly 期限提醒
    /// (`App::start_deadline_watch`) and the minutely look for imports
    /// abandoned by a stopped process (`App::start_import_watch`). Tests leave
    /// them off and call `App::check_deadlines` / `App::check_imports`.
    pub periodic_checks: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub cfg: Arc<WebConfig>,
    pub limits: Arc<ratelimit::PublicLimits>,
    pub public_cache: Arc<public_cache::PublicCache>,
}

/// The whole HTTP surface.
pub fn router(app: App, cfg: WebConfig) -> Router {
    let state = AppState {
        app,
        limits: ratelimit::PublicLimits::new(cfg.public_rate),
        public_cache: Arc::new(public_cache::PublicCache::new()),
        cfg: Arc::new(cfg),
    };
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .merge(
            pages::public_results::cached_router().route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                public_cache::cached,
            )),
        )
        .merge(api_router)
        .merge(assets::router())
        .merge(security::health_router())
        .fallback(not_found)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(state.clone(), ratelimit::limit))
        .layer(axum::middleware::from_fn_with_state(state, security::guard))
        .layer(axum::middleware::from_fn(pages::messages::topbar_scope))
        .layer(CompressionLayer::new().compress_when(compressible()))
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(axum::middleware::from_fn(security::deadline))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(security::span_for))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// What is worth gzipping: pages, JSON and CSS, not files that are compressed
/// already (zip packages, PDFs, photos, audio, video, uploads). Chromium
/// cancels a zip download that arrives gzip-encoded, and re-compressing a
/// gigabyte of video only costs the server.
fn compressible() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    DefaultPredicate::new()
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(NotForContentType::const_new("application/vnd.openxmlformats"))
        .and(NotForContentType::const_new("video/"))
        .and(NotForContentType::const_new("audio/"))
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    cfg: WebConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The outbound channel's worker (站内消息 to SMS / e-mail) lives as long as the server.
    let outbound = app.start_outbound().map_err(std::io::Error::other)?;
    let sweeper = app.start_upload_sweeper();
    // 期限提醒: deadlines that pass while the server runs become 站内消息.
    let watches = if cfg.periodic_checks {
        vec![app.start_deadline_watch(), app.start_import_watch()]
    } else {
        Vec::new()
    };
    let service = router(app, cfg).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    outbound.abort();
    for w in watches {
        w.abort();
    }
    if let Some(s) = sweeper {
        s.abort();
    }
    served
}

/// Any path without a route: the Chinese 404 page, or the JSON error under /api.
async fn not_found(uri: http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        return error::ApiError(spotcheck_app::AppError::NotFound(
            "没有这个接口，请查阅 /api/openapi.json".into(),
        ))
        .into_response();
    }
    error::error_page(
        http::StatusCode::NOT_FOUND,
        "未找到",
        "您访问的页面不存在，请检查地址或从菜单进入。",
    )
}
