//! Who is acting, for which department, and from where.

use crate::AppError;
use chrono::{DateTime, FixedOffset, Utc};
use spotcheck_domain::jurisdiction::Jurisdiction;
use spotcheck_domain::role::{Permission, Role};
use spotcheck_store::departments::DepartmentRow;
use spotcheck_store::users::UserRow;

/// An authenticated user with its department. Every use case that reads or
/// writes department records takes one and uses [`Actor::jurisdiction`].
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: UserRow,
    pub department: DepartmentRow,
    /// The hash of the session token in use.
    pub session: String,
    /// `browser` or `api`.
    pub session_kind: String,
    /// `full`, or `totp` while the second factor is awaited.
    pub stage: String,
    pub csrf_token: String,
    pub meta: RequestMeta,
}

impl Actor {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn jurisdiction(&self) -> Jurisdiction {
        self.department.jurisdiction()
    }

    pub fn may(&self, p: Permission) -> bool {
        self.user.role.may(p)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }
}

/// Where a request came from, for the audit trail.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub client_addr: String,
    pub request_id: String,
}

impl RequestMeta {
    /// For work started from the command line.
    pub fn cli() -> Self {
        Self {
            client_addr: "cli".to_string(),
            request_id: String::new(),
        }
    }
}

/// Asia/Shanghai has had no daylight saving since 1991: a fixed offset is exact.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// The calendar date in Beijing of an instant: the day a deadline counts.
pub fn china_date(t: &DateTime<Utc>) -> chrono::NaiveDate {
    t.with_timezone(&china()).date_naive()
}

/// `2026-03-10 14:30`, the time format officials read.
pub fn local_time(t: &DateTime<Utc>) -> String {
    t.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-03-10 14:30:05`.
pub fn local_time_secs(t: &DateTime<Utc>) -> String {
    t.with_timezone(&china()).format("%Y-%m-%d %H:%M:%S").to_string()
}
