//! 站内消息: the list with 全部 / 未读 / 待办 tabs, read marks, and the 待办
//! count of the top bar.
//!
//! The top bar is drawn by [`super::Frame::new`], which cannot wait for the
//! database; so the extractors that authenticate a page's user (WebUser,
//! WebForm) load the counts once per request and leave them in a task-local
//! slot that [`topbar_scope`] (a middleware around every request) opens.

use super::{Frame, PageResult, pager, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use spotcheck_app::actor::local_time;
use spotcheck_app::messages::{MessageCounts, MessageQuery, MessageView};
use spotcheck_app::{Actor, App};
use std::cell::Cell;

tokio::task_local! {
    static TOPBAR: Cell<Option<MessageCounts>>;
}

/// Opens the request's slot for the top bar's counts.
pub async fn topbar_scope(req: Request, next: Next) -> Response {
    TOPBAR.scope(Cell::new(None), next.run(req)).await
}

/// Loads the user's counts into the request's slot. A failure leaves the top
/// bar without its figure rather than failing the page.
pub async fn load_topbar(app: &App, actor: &Actor) {
    match app.message_counts(actor).await {
        Ok(c) => {
            let _ = TOPBAR.try_with(|t| t.set(Some(c)));
        }
        Err(e) => tracing::warn!(error = %e, "message counts for the top bar"),
    }
}

/// The counts loaded for this request, if any.
pub fn topbar_counts() -> Option<MessageCounts> {
    TOPBAR.try_with(Cell::get).ok().flatten()
}

const TABS: [(&str, &str); 3] = [("all", "全部"), ("unread", "未读"), ("todo", "待办")];

struct Row {
    id: i64,
    time: String,
    title: String,
    body: String,
    has_link: bool,
    read: bool,
    read_at: String,
    /// `待办`, `已办结` or `通知`.
    state: &'static str,
    tone: &'static str,
    addressed_to: String,
}

impl From<MessageView> for Row {
    fn from(m: MessageView) -> Self {
        let (state, tone) = match (m.action_required, m.todo) {
            (true, true) => ("待办", "orange"),
            (true, false) => ("已办结", "green"),
            (false, _) => ("通知", "grey"),
        };
        Self {
            id: m.id,
            time: local_time(&m.created_at),
            title: m.title,
            body: m.body,
            has_link: !m.link.is_empty(),
            read: m.read,
            read_at: m.read_at.as_ref().map(local_time).unwrap_or_default(),
            state,
            tone,
            addressed_to: m.addressed_to,
        }
    }
}

#[derive(Template)]
#[template(path = "messages.html")]
struct ListPage {
    frame: Frame,
    tabs: Vec<(&'static str, String, bool)>,
    current: String,
    page: u64,
    rows: Vec<Row>,
    pager: String,
    unread: u64,
    empty: &'static str,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(rename = "box")]
    folder: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    ok: Option<String>,
}

pub async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<ListQuery>) -> PageResult {
    let current = match q.folder.as_deref() {
        Some("unread") => "unread",
        Some("todo") => "todo",
        _ => "all",
    };
    let page_size = super::page_size(q.page_size, 20);
    let page = state
        .app
        .list_messages(
            &actor,
            &MessageQuery {
                folder: Some(current.to_string()),
                page: q.page,
                page_size: Some(page_size),
            },
        )
        .await?;
    let counts = state.app.message_counts(&actor).await?;
    let tabs = TABS
        .iter()
        .map(|(k, label)| {
            let label = match *k {
                "unread" => format!("{label}（{}）", counts.unread),
                "todo" => format!("{label}（{}）", counts.todo),
                _ => label.to_string(),
            };
            (*k, label, *k == current)
        })
        .collect();
    let keep = vec![
        (
            "box",
            if current == "all" {
                String::new()
            } else {
                current.to_string()
            },
        ),
        ("page_size", q.page_size.map(|n| n.to_string()).unwrap_or_default()),
    ];
    let notice = match q.ok.as_deref() {
        Some("read") => Some("已标为已读。".to_string()),
        Some("read-all") => Some("全部消息已标为已读。".to_string()),
        _ => None,
    };
    let mut frame = Frame::new(&state, &actor, "/messages").crumb("站内消息", None);
    // The figures just counted are the freshest.
    frame.todo = Some(counts.todo);
    frame.unread = Some(counts.unread);
    frame.notice = notice;
    render(ListPage {
        frame,
        tabs,
        current: current.to_string(),
        page: page.page,
        pager: pager(page.total, page.page, page.page_size, "/messages", &keep),
        rows: page.items.into_iter().map(Into::into).collect(),
        unread: counts.unread,
        empty: match current {
            "unread" => "没有未读消息。",
            "todo" => "暂无待办事项：需要您或本部门处理的事项会在这里列出，办理后自动办结。",
            _ => "暂无消息：计划报备、任务派发、人员调整等需要您处理或知悉的事项会在这里通知您。",
        },
    })
}

/// Opens a message: marks it read and goes where it asks to act.
pub async fn open(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    let m = state.app.mark_message_read(&actor, id).await?;
    let to = if m.link.is_empty() {
        "/messages".to_string()
    } else {
        m.link
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize)]
pub struct Back {
    #[serde(rename = "box", default)]
    folder: String,
    #[serde(default)]
    page: Option<u64>,
}

fn back_to(b: &Back, ok: &str) -> String {
    let mut q: Vec<(&str, String)> = Vec::new();
    if matches!(b.folder.as_str(), "unread" | "todo") {
        q.push(("box", b.folder.clone()));
    }
    if let Some(p) = b.page.filter(|p| *p > 1) {
        q.push(("page", p.to_string()));
    }
    q.push(("ok", ok.to_string()));
    format!("/messages?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
}

pub async fn mark_read(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Back>) -> PageResult {
    state.app.mark_message_read(&f.actor, id).await?;
    Ok(Redirect::to(&back_to(&f.form, "read")).into_response())
}

pub async fn mark_all_read(State(state): State<AppState>, f: WebForm<Back>) -> PageResult {
    state.app.mark_all_messages_read(&f.actor).await?;
    let b = Back {
        folder: f.form.folder.clone(),
        page: None,
    };
    Ok(Redirect::to(&back_to(&b, "read-all")).into_response())
}
