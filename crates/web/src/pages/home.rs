//! The home page: figures of the role's jurisdiction and recent activity.

use super::{Frame, OkQuery, PageResult, render, time_or_dash};
use crate::AppState;
use crate::extract::WebUser;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use spotcheck_app::actor::local_time;
use spotcheck_app::audit_log::AuditQuery;
use spotcheck_app::home::Figure;
use spotcheck_app::teams::AssignmentView;
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::ReplacementReason;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    last_login: String,
    figures: Vec<FigureRow>,
    recent_title: String,
    recent: Vec<(String, String, String, String)>,
    show_audit_link: bool,
    /// The inspector's own places on teams (empty for other roles).
    assignments: Vec<AssignmentView>,
    recusal: &'static str,
    error: Option<String>,
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
    render(home_page(&state, &actor, q.ok.as_deref()).await?)
}

/// The home page again with a refused form's message (the inspector's 申请回避).
pub(crate) async fn with_error(state: &AppState, actor: &Actor, e: AppError) -> PageResult {
    let status = crate::error::status_of(&e);
    let mut page = home_page(state, actor, None).await?;
    page.error = Some(e.to_string());
    Ok((status, Html(page.render()?)).into_response())
}

async fn home_page(state: &AppState, actor: &Actor, ok: Option<&str>) -> Result<HomePage, AppError> {
    let view = state.app.home(actor).await?;
    let (recent_title, recent, show_audit_link) = if actor.may(Permission::ReadAudit) {
        let page = state
            .app
            .list_audit(
                actor,
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
    Ok(HomePage {
        assignments: state.app.my_assignments(actor).await?,
        recusal: ReplacementReason::Recusal.code(),
        error: None,
        frame: Frame::new(state, actor, "/").notice_from(ok),
        last_login: time_or_dash(actor.user.last_login_at.as_ref()),
        figures: view.figures.into_iter().map(Into::into).collect(),
        recent_title,
        recent,
        show_audit_link,
    })
}
