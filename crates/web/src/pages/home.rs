//! The home page: figures of the role's jurisdiction and recent activity.

use super::{Frame, OkQuery, PageResult, render, time_or_dash};
use crate::AppState;
use crate::extract::WebUser;
use askama::Template;
use axum::extract::{Query, State};
use spotcheck_app::actor::local_time;
use spotcheck_app::audit_log::AuditQuery;
use spotcheck_app::home::Figure;
use spotcheck_domain::role::Permission;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    last_login: String,
    figures: Vec<FigureRow>,
    recent_title: String,
    recent: Vec<(String, String, String, String)>,
    show_audit_link: bool,
}

struct FigureRow {
    label: String,
    value: String,
    hint: String,
    link: Option<String>,
    tone: String,
}

impl From<Figure> for FigureRow {
    fn from(f: Figure) -> Self {
        Self {
            label: f.label,
            value: super::thousands(f.value.max(0) as u64),
            hint: f.hint,
            link: f.link,
            tone: f.tone,
        }
    }
}

pub async fn home(State(state): State<AppState>, WebUser(actor): WebUser, q: Query<OkQuery>) -> PageResult {
    let view = state.app.home(&actor).await?;
    let (recent_title, recent, show_audit_link) = if actor.may(Permission::ReadAudit) {
        let page = state
            .app
            .list_audit(
                &actor,
                &AuditQuery {
                    page_size: Some(8),
                    ..Default::default()
                },
            )
            .await?;
        let rows = page
            .items
            .into_iter()
            .map(|e| (local_time(&e.occurred_at), e.actor, e.action_label, e.summary))
            .collect();
        ("最近操作（管辖范围）".to_string(), rows, true)
    } else {
        (String::new(), Vec::new(), false)
    };
    render(HomePage {
        frame: Frame::new(&state, &actor, "/").notice_from(q.ok.as_deref()),
        last_login: time_or_dash(actor.user.last_login_at.as_ref()),
        figures: view.figures.into_iter().map(Into::into).collect(),
        recent_title,
        recent,
        show_audit_link,
    })
}
