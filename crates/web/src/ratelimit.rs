//! Rate limits of the public site (一公开 is open to everyone, so one client
//! must not starve the others): a per-client GCRA budget for every public
//! page and JSON list, and a much smaller one for what takes a 核验码 (filing
//! an objection, asking its status), so codes cannot be guessed by trying.
//! The client is the address the audit trail records (behind a proxy, the
//! last `X-Forwarded-For` hop). Limits are per server process: behind a load
//! balancer each process gives each client the same budget.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{HeaderValue, header};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Keys remembered before idle ones are forgotten.
const MAX_KEYS: usize = 100_000;

/// The limiters of one server process.
pub struct PublicLimits {
    pages: Option<DefaultKeyedRateLimiter<String>>,
    codes: DefaultKeyedRateLimiter<String>,
}

impl PublicLimits {
    /// `per_second` requests a second per client for public pages (bursts of
    /// three seconds' worth); 0 turns that limit off (a benchmark of the
    /// server itself). Code lookups are always limited: 10 a minute.
    pub fn new(per_second: u32) -> Arc<Self> {
        let pages = NonZeroU32::new(per_second).map(|n| {
            let burst = NonZeroU32::new(per_second.saturating_mul(3)).unwrap_or(n);
            RateLimiter::keyed(Quota::per_second(n).allow_burst(burst))
        });
        let ten = NonZeroU32::new(10).expect("non-zero");
        Arc::new(PublicLimits {
            pages,
            codes: RateLimiter::keyed(Quota::per_minute(ten)),
        })
    }
}

fn takes_code(req: &Request) -> bool {
    let p = req.uri().path();
    (p == "/public/objections" && req.method() == http::Method::POST)
        || p.starts_with("/public/objections/status")
        || p == "/api/v1/public/objections"
}

fn is_public(path: &str) -> bool {
    path == "/public" || path.starts_with("/public/") || path.starts_with("/api/v1/public/")
}

/// Refuses a client over its budget with 429, `Retry-After` and a Chinese message.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_public(req.uri().path()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let client = crate::extract::meta_of(&parts, state.cfg.behind_tls_proxy).client_addr;
    let req = Request::from_parts(parts, body);
    let limits = &state.limits;
    let limiter = if takes_code(&req) {
        Some(&limits.codes)
    } else {
        limits.pages.as_ref()
    };
    if let Some(l) = limiter {
        if l.len() > MAX_KEYS {
            l.retain_recent();
        }
        if let Err(not_until) = l.check_key(&client) {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            let secs = wait.as_secs().max(1);
            let mut res = ApiError::from(spotcheck_app::AppError::TooManyRequests(format!(
                "访问过于频繁，请 {secs} 秒后再试"
            )))
            .into_response();
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return res;
        }
    }
    next.run(req).await
}
