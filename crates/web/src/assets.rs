//! Static files, embedded in the binary: the platform runs on closed
//! government networks with no CDN to reach.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    ("emblem.svg", "image/svg+xml", include_bytes!("../assets/emblem.svg")),
];

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{file}", get(file)).route(
        "/favicon.ico",
        get(|| async { file(Path("emblem.svg".to_string())).await }),
    )
}

async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, bytes)) => {
            let mut res = (*bytes).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            res
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
