//! The audit trail pages.

use super::{Frame, PageResult, department_options, pager, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use http::{HeaderValue, header};
use serde::Deserialize;
use spotcheck_app::actor::{local_time, local_time_secs};
use spotcheck_app::audit_log::{AuditEntryView, AuditQuery, ChainStatus};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::audit::AuditAction;

struct Row {
    seq: i64,
    time: String,
    actor: String,
    role: String,
    department: String,
    action: String,
    tone: &'static str,
    summary: String,
    client: String,
}

/// Failed logins and locks stand out; the rest is neutral.
fn tone(action: &str) -> &'static str {
    match AuditAction::parse(action) {
        Some(AuditAction::LoginFailed | AuditAction::LoginRefusedLocked) => "orange",
        Some(AuditAction::AccountLocked | AuditAction::UserDeactivated) => "red",
        Some(AuditAction::Login | AuditAction::Logout) => "grey",
        _ => "blue",
    }
}

/// The acting department's name; "—" for attempts by names that are no account.
fn department_shown(e: &AuditEntryView, names: &std::collections::HashMap<String, String>) -> String {
    if e.actor_role.is_empty() && e.actor != "system" {
        return "—".to_string();
    }
    names
        .get(&e.department)
        .cloned()
        .unwrap_or_else(|| e.department.clone())
}

fn actor_shown(actor: &str) -> String {
    if actor == "system" {
        "系统".to_string()
    } else {
        actor.to_string()
    }
}

fn client_shown(addr: &str) -> String {
    if addr == "cli" {
        "命令行".to_string()
    } else {
        addr.to_string()
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    pager: String,
    query: String,
    departments: Vec<(String, String)>,
    actions: Vec<(String, String)>,
    f_department: String,
    f_actor: String,
    f_action: String,
    f_from: String,
    f_to: String,
    chain: Option<ChainStatus>,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    department: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    target_type: Option<String>,
    target_id: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

impl ListQuery {
    fn to_app(&self) -> AuditQuery {
        AuditQuery {
            department: self.department.clone(),
            actor: self.actor.clone(),
            action: self.action.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            target_type: self.target_type.clone(),
            target_id: self.target_id.clone(),
            page: self.page,
            page_size: Some(super::page_size(self.page_size, 20)),
        }
    }

    fn keep(&self) -> Vec<(&'static str, String)> {
        vec![
            ("department", self.department.clone().unwrap_or_default()),
            ("actor", self.actor.clone().unwrap_or_default()),
            ("action", self.action.clone().unwrap_or_default()),
            ("from", self.from.clone().unwrap_or_default()),
            ("to", self.to.clone().unwrap_or_default()),
            ("target_type", self.target_type.clone().unwrap_or_default()),
            ("target_id", self.target_id.clone().unwrap_or_default()),
            ("page_size", self.page_size.map(|n| n.to_string()).unwrap_or_default()),
        ]
    }
}

async fn list_page(state: &AppState, actor: &Actor, lq: &ListQuery) -> Result<ListPage, AppError> {
    let depts = state.app.list_departments(actor).await?;
    let names: std::collections::HashMap<String, String> =
        depts.iter().map(|d| (d.code.clone(), d.name.clone())).collect();
    let keep = lq.keep();
    let mut page = ListPage {
        frame: Frame::new(state, actor, "/audit").crumb("审计日志", None),
        rows: Vec::new(),
        pager: String::new(),
        query: serde_urlencoded::to_string(keep.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>())
            .unwrap_or_default(),
        departments: department_options(&depts),
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.code().to_string(), a.label().to_string()))
            .collect(),
        f_department: lq.department.clone().unwrap_or_default(),
        f_actor: lq.actor.clone().unwrap_or_default(),
        f_action: lq.action.clone().unwrap_or_default(),
        f_from: lq.from.clone().unwrap_or_default(),
        f_to: lq.to.clone().unwrap_or_default(),
        chain: None,
        error: None,
    };
    match state.app.list_audit(actor, &lq.to_app()).await {
        Ok(p) => {
            page.pager = pager(p.total, p.page, p.page_size, "/audit", &keep);
            page.rows = p
                .items
                .into_iter()
                .map(|e| Row {
                    seq: e.seq,
                    time: local_time(&e.occurred_at),
                    tone: tone(&e.action),
                    department: department_shown(&e, &names),
                    actor: actor_shown(&e.actor),
                    role: e.actor_role_label,
                    action: e.action_label,
                    summary: e.summary,
                    client: client_shown(&e.client_addr),
                })
                .collect();
        }
        Err(AppError::Validation { message, .. }) => page.error = Some(message),
        Err(e) => return Err(e),
    }
    Ok(page)
}

pub async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    render(list_page(&state, &actor, &lq).await?)
}

pub async fn export(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let bytes = state.app.export_audit_csv(&actor, &lq.to_app()).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn verify(State(state): State<AppState>, f: WebForm<Empty>) -> PageResult {
    let status = state.app.verify_audit_chain(&f.actor).await?;
    let mut page = list_page(&state, &f.actor, &ListQuery::default()).await?;
    page.chain = Some(status);
    render(page)
}

#[derive(Template)]
#[template(path = "audit_entry.html")]
struct EntryPage {
    frame: Frame,
    e: AuditEntryView,
    time: String,
    department: String,
    target_department: String,
    target: String,
}

pub async fn show(State(state): State<AppState>, WebUser(actor): WebUser, Path(seq): Path<i64>) -> PageResult {
    let e = state.app.get_audit_entry(&actor, seq).await?;
    let names: std::collections::HashMap<String, String> = state
        .app
        .list_departments(&actor)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let named = |code: &str| match names.get(code) {
        Some(n) => format!("{n}（{code}）"),
        None if code.is_empty() => "—".to_string(),
        None => code.to_string(),
    };
    render(EntryPage {
        department: department_shown(&e, &names).replace(&e.department, &named(&e.department)),
        target_department: named(&e.target_department),
        target: e.target_label.clone(),
        frame: Frame::new(&state, &actor, "/audit")
            .crumb("审计日志", Some("/audit"))
            .crumb(format!("第{seq}条"), None),
        time: local_time_secs(&e.occurred_at),
        e,
    })
}
