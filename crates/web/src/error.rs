//! The one mapping from use-case errors to HTTP: statuses, the JSON error
//! body of the API, and the Chinese error pages and redirects of the UI.

use askama::Template;
use axum::Json;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use spotcheck_app::AppError;

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated | AppError::SessionExpired | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        AppError::TotpRequired | AppError::InvalidTotp => StatusCode::UNAUTHORIZED,
        AppError::Locked { .. } => StatusCode::LOCKED,
        AppError::PasswordChangeRequired | AppError::TotpEnrolmentRequired | AppError::Forbidden(_) => {
            StatusCode::FORBIDDEN
        }
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `{"error":{"code":"…","message":"中文说明","field":"…"}}` with the right status.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`.
    pub code: String,
    /// What went wrong and how to fix it, in Chinese.
    pub message: String,
    /// The input field at fault, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let field = match &self.0 {
            AppError::Validation { field, .. } => Some(field.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_string(),
                message: self.0.to_string(),
                field,
            },
        };
        (status_of(&self.0), Json(body)).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    message: String,
    status: u16,
}

/// An error on a page: a redirect where the user has something to do first,
/// otherwise a plain Chinese error page.
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    /// The form's CSRF token does not match the session.
    Csrf,
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError::App(AppError::Internal(format!("页面渲染失败：{e}")))
    }
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        title: title.to_string(),
        message: message.to_string(),
        status: status.as_u16(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = match self {
            PageError::Csrf => {
                return error_page(
                    StatusCode::FORBIDDEN,
                    "页面已过期",
                    "表单校验码无效或已过期（可能在其他窗口重新登录过）。请返回上一页刷新后重新提交。",
                );
            }
            PageError::App(e) => e,
        };
        match e {
            AppError::Unauthenticated => Redirect::to("/login").into_response(),
            AppError::SessionExpired => Redirect::to("/login?expired=1").into_response(),
            AppError::TotpRequired => Redirect::to("/login/totp").into_response(),
            AppError::PasswordChangeRequired => Redirect::to("/account/password").into_response(),
            AppError::TotpEnrolmentRequired => Redirect::to("/account/totp").into_response(),
            AppError::NotFound(m) => error_page(StatusCode::NOT_FOUND, "未找到", &m),
            AppError::Forbidden(m) => error_page(StatusCode::FORBIDDEN, "无权访问", &m),
            other => {
                let status = status_of(&other);
                let title = if status.is_server_error() {
                    "系统错误"
                } else {
                    "操作未完成"
                };
                error_page(status, title, &other.to_string())
            }
        }
    }
}
