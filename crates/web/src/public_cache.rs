//! The public search's answers, kept for a few seconds.
//!
//! The search pages are the public site's busiest and the same for every
//! visitor (no login, no per-user content, GET only). Serving a repeated
//! search from memory keeps the first page and popular names fast when many
//! ask at once (docs/performance.md, 公开结果查询), at the cost of a public
//! answer up to [`TTL`] old — nothing next to the twenty working days the
//! rules allow for publication.
//!
//! The key holds the app's public generation, which moves on after every
//! commit that changes the published results in this process, so a change
//! made here shows at once; one made by another `spotcheck serve` behind the
//! same load balancer shows within the TTL. The rate limit runs before the
//! cache: a hit counts like any request.

use crate::AppState;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use moka::sync::Cache;
use std::time::Duration;

/// How long an answer is served from memory.
pub const TTL: Duration = Duration::from_secs(2);
/// Memory the cache may hold, keys and bodies.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// A search page is 20 results; anything larger is not kept.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
struct Answer {
    headers: HeaderMap,
    body: Bytes,
}

pub struct PublicCache(Cache<String, Answer>);

impl PublicCache {
    pub fn new() -> Self {
        Self(
            Cache::builder()
                .time_to_live(TTL)
                .max_capacity(MAX_BYTES)
                .weigher(|k: &String, a: &Answer| u32::try_from(k.len() + a.body.len()).unwrap_or(u32::MAX))
                .build(),
        )
    }
}

/// Middleware on the search routes: a kept answer, or the handler's (kept
/// when it is a 200 of a size worth keeping).
pub async fn cached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = format!("{}|{}", state.app.public_generation(), req.uri());
    if let Some(a) = state.public_cache.0.get(&key) {
        return (a.headers, a.body).into_response();
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_BODY).await {
        Ok(body) => {
            state.public_cache.0.insert(
                key,
                Answer {
                    headers: parts.headers.clone(),
                    body: body.clone(),
                },
            );
            Response::from_parts(parts, Body::from(body))
        }
        // Never for a page of 20 results; the answer is lost, so say so.
        Err(e) => {
            tracing::error!(error = %e, "public search answer over the cache's size");
            crate::error::ApiError::from(spotcheck_app::AppError::Internal(e.to_string())).into_response()
        }
    }
}
