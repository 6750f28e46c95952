//! Who is asking: the extractors that turn a request into an [`Actor`].
//! Browser pages use the session cookie (and a CSRF token on every form);
//! API clients use a bearer token. "Gated" extractors also require that the
//! user has no pending step (second factor, forced password change, TOTP
//! enrolment); the pages that perform those steps use the ungated ones.

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use http::request::Parts;
use serde::de::DeserializeOwned;
use spotcheck_app::auth::SessionKind;
use spotcheck_app::{Actor, AppError, RequestMeta};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "spotcheck_session";

/// The request's origin for the audit trail.
pub fn meta_of(parts: &Parts, behind_proxy: bool) -> RequestMeta {
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = behind_proxy
        .then(|| parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .map(|s| s.trim().to_string());
    RequestMeta {
        client_addr: forwarded.or(peer).unwrap_or_default(),
        request_id,
    }
}

/// The request's origin, for handlers without a session (login).
pub struct Meta(pub RequestMeta);

impl FromRequestParts<AppState> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Meta(meta_of(parts, state.cfg.behind_tls_proxy)))
    }
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .build()
}

pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut c = session_cookie(String::new(), secure);
    c.make_removal();
    c
}

async fn browser_actor(parts: &mut Parts, state: &AppState) -> Result<Actor, AppError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let token = jar
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .ok_or(AppError::Unauthenticated)?;
    let meta = meta_of(parts, state.cfg.behind_tls_proxy);
    state.app.authenticate(&token, SessionKind::Browser, meta).await
}

async fn api_actor(parts: &mut Parts, state: &AppState) -> Result<Actor, AppError> {
    let token = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?
        .to_string();
    let meta = meta_of(parts, state.cfg.behind_tls_proxy);
    state.app.authenticate(&token, SessionKind::Api, meta).await
}

/// A browser user with no pending step.
pub struct WebUser(pub Actor);

impl FromRequestParts<AppState> for WebUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let a = browser_actor(parts, state).await?;
        state.app.gate(&a)?;
        crate::pages::messages::load_topbar(&state.app, &a).await;
        Ok(WebUser(a))
    }
}

/// A browser user who may still have a pending step.
pub struct WebUserUngated(pub Actor);

impl FromRequestParts<AppState> for WebUserUngated {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let a = browser_actor(parts, state).await?;
        if state.app.gate(&a).is_ok() {
            crate::pages::messages::load_topbar(&state.app, &a).await;
        }
        Ok(WebUserUngated(a))
    }
}

/// An API client with no pending step.
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let a = api_actor(parts, state).await?;
        state.app.gate(&a)?;
        Ok(ApiUser(a))
    }
}

/// An API client that may still have to change its password or enrol TOTP.
pub struct ApiUserUngated(pub Actor);

impl FromRequestParts<AppState> for ApiUserUngated {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ApiUserUngated(api_actor(parts, state).await?))
    }
}

/// A submitted form whose `_csrf` field matches the session: the only way a
/// page handler receives form data. `GATED = false` for the pages that
/// complete a pending step.
pub struct WebForm<T, const GATED: bool = true> {
    pub actor: Actor,
    pub form: T,
}

impl<T: DeserializeOwned, const GATED: bool> FromRequest<AppState> for WebForm<T, GATED> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let actor = browser_actor(&mut parts, state).await?;
        if GATED {
            state.app.gate(&actor)?;
            crate::pages::messages::load_topbar(&state.app, &actor).await;
        }
        let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
            .await
            .map_err(|_| AppError::invalid("form", "提交的内容过大"))?;
        let token = form_urlencoded_value(&bytes, "_csrf").unwrap_or_default();
        if !constant_time_eq(token.as_bytes(), actor.csrf_token.as_bytes()) {
            return Err(PageError::Csrf);
        }
        let form: T = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::invalid("form", format!("表单内容无法识别：{e}")))?;
        Ok(WebForm { actor, form })
    }
}

fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && !a.is_empty() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a CSRF token taken from a multipart form.
pub fn check_csrf(actor: &Actor, token: &str) -> Result<(), PageError> {
    if constant_time_eq(token.as_bytes(), actor.csrf_token.as_bytes()) {
        Ok(())
    } else {
        Err(PageError::Csrf)
    }
}
