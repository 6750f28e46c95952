//! The use cases' errors. Each carries the Chinese sentence the user sees and
//! a stable code for API clients; the web layer maps them to HTTP statuses in
//! one place.

use chrono::{DateTime, Utc};
use spotcheck_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("未登录或登录已失效，请重新登录")]
    Unauthenticated,
    #[error("长时间未操作，会话已超时，请重新登录")]
    SessionExpired,
    #[error("用户名或密码错误")]
    InvalidCredentials,
    #[error("账号已锁定，请于{}后再试，或联系管理员解锁", crate::actor::local_time(.until))]
    Locked { until: DateTime<Utc> },
    #[error("请输入动态口令")]
    TotpRequired,
    #[error("动态口令错误或已使用，请输入验证器上的最新6位数字")]
    InvalidTotp,
    #[error("首次登录或密码已被重置，请先修改密码")]
    PasswordChangeRequired,
    #[error("本角色须绑定动态口令后才能使用平台")]
    TotpEnrolmentRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// A client over its rate limit (the public site).
    #[error("{0}")]
    TooManyRequests(String),
    #[error("系统内部错误，请稍后重试（{0}）")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::SessionExpired => "session_expired",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Locked { .. } => "account_locked",
            AppError::TotpRequired => "totp_required",
            AppError::InvalidTotp => "invalid_totp",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::TotpEnrolmentRequired => "totp_enrolment_required",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Validation { .. } => "validation_failed",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("未找到该{what}，或不在您的管辖范围内"))
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("您的角色无权进行此操作".to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { column } => {
                let what = match column.as_str() {
                    "username" => "用户名",
                    "code" => "编码",
                    other => other,
                };
                AppError::Validation {
                    field: column.clone(),
                    message: format!("{what}已存在，请换一个"),
                }
            }
            StoreError::Unsupported(m) => AppError::Conflict(m),
            other => {
                tracing::error!(error = %other, "store error");
                AppError::Internal("数据库操作失败".to_string())
            }
        }
    }
}
