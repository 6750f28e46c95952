//! 检查人员匹配 and 调整更换 pages: a unit's preview and lock of its
//! inspectors draw, the reveal, experts on a team, replacement requests,
//! the 分管负责人's decision and the replacement draw's reveal. Everything
//! but the preview is a form on the task page that comes back to it.

use super::tasks::refused;
use super::{Frame, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::draws::{LockInput, RevealInput};
use spotcheck_app::replacements::{DecisionInput, ReplacementInput};
use spotcheck_app::teams::{MatchPreview, MatchQuery};
use spotcheck_app::{Actor, AppError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks/{task_id}/units/{unit_code}/match", get(preview))
        .route("/tasks/{task_id}/units/{unit_code}/match/lock", post(lock))
        .route("/tasks/{task_id}/units/{unit_code}/match/reveal", post(reveal))
        .route("/teams/{team_id}/experts", post(attach_expert))
        .route("/team-members/{member_id}/remove-expert", post(remove_expert))
        .route("/team-members/{member_id}/replacements", post(request_replacement))
        .route("/replacements/{replacement_id}/decision", post(decide))
        .route("/replacements/{replacement_id}/reveal", post(reveal_replacement))
}

#[derive(Template)]
#[template(path = "match.html")]
struct PreviewPage {
    frame: Frame,
    task_id: i64,
    code: String,
    p: MatchPreview,
    problems_only: bool,
    pager: String,
    error: Option<String>,
}

async fn preview_page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    unit: &str,
    q: &MatchQuery,
) -> Result<PreviewPage, AppError> {
    let d = state.app.get_task(actor, id).await?;
    let p = state.app.preview_match(actor, id, unit, q).await?;
    let problems_only = q.problems_only.unwrap_or(false);
    let pager = super::pager(
        p.listed_total,
        p.page,
        p.page_size,
        &format!("/tasks/{id}/units/{unit}/match"),
        &[(
            "problems_only",
            if problems_only { "true".into() } else { String::new() },
        )],
    );
    Ok(PreviewPage {
        frame: Frame::new(state, actor, "/tasks")
            .crumb("抽查计划与任务", None)
            .crumb("抽查任务", Some("/tasks"))
            .crumb(d.task.code.clone(), Some(&format!("/tasks/{id}")))
            .crumb("匹配检查人员", None),
        task_id: id,
        code: d.task.code,
        p,
        problems_only,
        pager,
        error: None,
    })
}

async fn preview(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((id, unit)): Path<(i64, String)>,
    Query(q): Query<MatchQuery>,
) -> PageResult {
    render(preview_page(&state, &actor, id, &unit, &q).await?)
}

#[derive(Deserialize, Default)]
pub struct BeaconForm {
    #[serde(default)]
    beacon: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    value: String,
}

async fn lock(
    State(state): State<AppState>,
    Path((id, unit)): Path<(i64, String)>,
    f: WebForm<BeaconForm>,
) -> PageResult {
    let input = LockInput {
        beacon: f.form.beacon.clone(),
        source: f.form.source.clone(),
    };
    match state.app.commit_match(&f.actor, id, &unit, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=match_locked#staffing")).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let status = crate::error::status_of(&e);
            let mut page = preview_page(&state, &f.actor, id, &unit, &MatchQuery::default()).await?;
            page.error = Some(e.to_string());
            Ok((status, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn reveal(
    State(state): State<AppState>,
    Path((id, unit)): Path<(i64, String)>,
    f: WebForm<BeaconForm>,
) -> PageResult {
    let input = RevealInput {
        value: f.form.value.clone(),
    };
    match state.app.reveal_match(&f.actor, id, &unit, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}?ok=matched#teams")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

/// The task a team, member or request belongs to, for the redirect back;
/// a foreign id is a 404 like everywhere else.
async fn task_of(state: &AppState, actor: &Actor, what: Of) -> Result<i64, AppError> {
    state.app.task_of(actor, what).await
}

use spotcheck_app::teams::Of;

#[derive(Deserialize, Default)]
pub struct ExpertForm {
    /// Missing means none chosen: the use case refuses it in Chinese.
    #[serde(default)]
    expert_id: i64,
}

async fn attach_expert(State(state): State<AppState>, Path(team): Path<i64>, f: WebForm<ExpertForm>) -> PageResult {
    let id = task_of(&state, &f.actor, Of::Team(team)).await?;
    match state.app.attach_expert(&f.actor, team, f.form.expert_id).await {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}?ok=expert#team-{team}")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

async fn remove_expert(State(state): State<AppState>, Path(member): Path<i64>, f: WebForm<BeaconForm>) -> PageResult {
    let id = task_of(&state, &f.actor, Of::Member(member)).await?;
    match state.app.remove_expert(&f.actor, member).await {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}?ok=expert_removed#teams")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    /// Where to go back to: `home` from the inspector's home page.
    #[serde(default)]
    back: String,
}

async fn request_replacement(
    State(state): State<AppState>,
    Path(member): Path<i64>,
    f: WebForm<RequestForm>,
) -> PageResult {
    let input = ReplacementInput {
        reason: f.form.reason.clone(),
        note: f.form.note.clone(),
    };
    let result = state.app.request_replacement(&f.actor, member, &input).await;
    if f.form.back == "home" {
        // The inspector's own 申请回避 from the home page.
        return match result {
            Ok(_) => Ok(Redirect::to("/?ok=recusal").into_response()),
            Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
                super::home::with_error(&state, &f.actor, e).await
            }
            Err(e) => Err(e.into()),
        };
    }
    let id = task_of(&state, &f.actor, Of::Member(member)).await?;
    match result {
        Ok(r) => Ok(Redirect::to(&format!("/tasks/{id}?ok=requested#replacement-{r}")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    approve: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    beacon: String,
    #[serde(default)]
    source: String,
}

async fn decide(State(state): State<AppState>, Path(rid): Path<i64>, f: WebForm<DecisionForm>) -> PageResult {
    let id = task_of(&state, &f.actor, Of::Replacement(rid)).await?;
    let input = DecisionInput {
        approve: f.form.approve == "true",
        note: f.form.note.clone(),
        beacon: LockInput {
            beacon: f.form.beacon.clone(),
            source: f.form.source.clone(),
        },
    };
    match state.app.decide_replacement(&f.actor, rid, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}?ok=decided#replacement-{rid}")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}

async fn reveal_replacement(State(state): State<AppState>, Path(rid): Path<i64>, f: WebForm<BeaconForm>) -> PageResult {
    let id = task_of(&state, &f.actor, Of::Replacement(rid)).await?;
    let input = RevealInput {
        value: f.form.value.clone(),
    };
    match state.app.reveal_replacement(&f.actor, rid, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}?ok=replaced#replacement-{rid}")).into_response()),
        Err(e) => refused(&state, &f.actor, id, e).await,
    }
}
