//! Building audit entries. Every use case that changes state calls
//! [`record`] inside its transaction, after its writes.

use crate::{Actor, AppError, RequestMeta};
use spotcheck_domain::audit::{AuditAction, state_digest};
use spotcheck_store::ConnectionTrait;
use spotcheck_store::audit::{NewAuditEntry, append};

/// Who the entry is attributed to.
pub(crate) struct By {
    pub user_id: Option<i64>,
    pub name: String,
    pub role: String,
    pub department: String,
    pub meta: RequestMeta,
}

impl By {
    pub fn actor(a: &Actor) -> Self {
        Self {
            // The command line acts as a synthetic account with id 0: no user.
            user_id: (a.user.id != 0).then_some(a.user.id),
            name: a.user.username.clone(),
            role: a.user.role.code().to_string(),
            department: a.department.code.as_str().to_string(),
            meta: a.meta.clone(),
        }
    }

    /// The platform itself (initialisation, the command line without a user).
    pub fn system(root_department: &str, meta: RequestMeta) -> Self {
        Self {
            user_id: None,
            name: "system".to_string(),
            role: String::new(),
            department: root_department.to_string(),
            meta,
        }
    }
}

/// What changed.
pub(crate) struct Change {
    pub action: AuditAction,
    pub target_type: &'static str,
    pub target_id: String,
    pub target_department: String,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn new(action: AuditAction, target_type: &'static str, target_id: impl ToString) -> Self {
        Self {
            action,
            target_type,
            target_id: target_id.to_string(),
            target_department: String::new(),
            summary: action.label().to_string(),
            before: None,
            after: None,
        }
    }

    pub fn in_department(mut self, code: &str) -> Self {
        self.target_department = code.to_string();
        self
    }

    pub fn summary(mut self, s: impl Into<String>) -> Self {
        self.summary = s.into();
        self
    }

    pub fn before(mut self, v: serde_json::Value) -> Self {
        self.before = Some(v);
        self
    }

    pub fn after(mut self, v: serde_json::Value) -> Self {
        self.after = Some(v);
        self
    }
}

pub(crate) async fn record(db: &impl ConnectionTrait, by: &By, c: Change) -> Result<i64, AppError> {
    let row = append(
        db,
        NewAuditEntry {
            occurred_at: None,
            actor_user_id: by.user_id,
            actor: by.name.clone(),
            actor_role: by.role.clone(),
            department: by.department.clone(),
            target_department: c.target_department,
            action: c.action.code().to_string(),
            target_type: c.target_type.to_string(),
            target_id: c.target_id,
            summary: c.summary,
            before_digest: c.before.as_ref().map(state_digest).unwrap_or_default(),
            after_digest: c.after.as_ref().map(state_digest).unwrap_or_default(),
            client_addr: by.meta.client_addr.clone(),
            request_id: by.meta.request_id.clone(),
        },
    )
    .await?;
    Ok(row.fields.seq)
}
