//! 一公开 for officials: publishing a task's results, the record of one
//! result (versions, corrections, objections, follow-up) with the forms of
//! each step, and the list of objections with their deadlines.

use super::{Frame, OkQuery, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser, check_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::followups::FollowupInput;
use spotcheck_app::objections::{FeedbackInput, ObjectionDecisionInput, ObjectionView, PaperObjectionInput};
use spotcheck_app::publication::{CorrectionDecisionInput, CorrectionInput, PublishInput, ResultRecord, WithholdInput};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::publication::{FeedbackMethod, FollowupStatus, FollowupStep};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks/{task_id}/publication", post(publish))
        .route("/results/{inspection_id}", get(show))
        .route("/results/{inspection_id}/corrections", post(request_correction))
        .route("/corrections/{correction_id}/decision", post(decide_correction))
        .route(
            "/results/{inspection_id}/objections",
            post(record_objection).layer(DefaultBodyLimit::max(crate::upload::ATTACHMENTS_LIMIT)),
        )
        .route("/objections", get(list))
        .route("/objections/{objection_id}/decision", post(decide_objection))
        .route("/objections/{objection_id}/feedback", post(answer_objection))
        .route("/objection-files/{file_id}", get(objection_file))
        .route("/results/{inspection_id}/followups", post(record_followup))
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "published" => "已公示：检查结果已在公开网站发布，依法不予公开的结果已计数但不公开。",
            "requested" => "已提交更正申请，待本单位主要负责人批准。",
            "approved" => "已批准更正：公开网站显示更正后的结果及更正日期和理由，原结果保留在记录中。",
            "rejected" => "已不批准该更正申请。",
            "objection" => "已登记异议，复核期限已起算。",
            "decided" => "已作出复核结论。",
            "answered" => "已登记反馈。",
            "followup" => "已登记后续处置。",
            _ => return None,
        }
        .to_string(),
    )
}

#[derive(Template)]
#[template(path = "result.html")]
struct ShowPage {
    frame: Frame,
    r: ResultRecord,
    error: Option<String>,
    /// What was typed into the refused form, shown again.
    attempt: HashMap<String, String>,
    steps: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    today: String,
}

impl ShowPage {
    fn v(&self, field: &str) -> String {
        self.attempt.get(field).cloned().unwrap_or_default()
    }

    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        spotcheck_app::actor::local_time(t)
    }
}

async fn show_page(state: &AppState, actor: &Actor, id: i64) -> Result<ShowPage, AppError> {
    let r = state.app.result_record(actor, id).await?;
    Ok(ShowPage {
        frame: Frame::new(state, actor, "/objections")
            .crumb("抽查任务", Some("/tasks"))
            .crumb(r.task_code.clone(), Some(&format!("/tasks/{}", r.task_id)))
            .crumb(format!("检查结果：{}", r.object_name), None),
        r,
        error: None,
        attempt: HashMap::new(),
        steps: FollowupStep::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        statuses: FollowupStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        methods: FeedbackMethod::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        today: state.app.today().to_string(),
    })
}

async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    let mut page = show_page(&state, &actor, id).await?;
    page.frame.notice = notice(q.ok.as_deref());
    render(page)
}

/// The page again with the refusal and what was typed, or the error page.
async fn refused(
    state: &AppState,
    actor: &Actor,
    id: i64,
    e: AppError,
    attempt: HashMap<String, String>,
) -> PageResult {
    match e {
        e @ (AppError::Validation { .. } | AppError::Conflict(_) | AppError::Forbidden(_)) => {
            let status = crate::error::status_of(&e);
            let mut page = show_page(state, actor, id).await?;
            page.error = Some(e.to_string());
            page.attempt = attempt;
            Ok((status, Html(page.render()?)).into_response())
        }
        e => Err(e.into()),
    }
}

fn back(id: i64, ok: &str, anchor: &str) -> PageResult {
    Ok(Redirect::to(&format!("/results/{id}?ok={ok}#{anchor}")).into_response())
}

type Fields = HashMap<String, String>;

fn field(f: &Fields, k: &str) -> String {
    f.get(k).cloned().unwrap_or_default()
}

/// 公示: the task's results, with `withhold_<inspection id>` = the legal reason
/// for each result that must not be published.
async fn publish(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Vec<(String, String)>>) -> PageResult {
    let withheld = f
        .form
        .iter()
        .filter_map(|(k, v)| {
            let inspection_id = k.strip_prefix("withhold_")?.parse().ok()?;
            let on = f
                .form
                .iter()
                .any(|(k2, v2)| k2 == &format!("withhold_on_{inspection_id}") && v2 == "1");
            (on || !v.trim().is_empty()).then(|| WithholdInput {
                inspection_id,
                reason: v.clone(),
            })
        })
        .collect();
    match state.app.publish_task(&f.actor, id, PublishInput { withheld }).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?ok=published#publication")).into_response()),
        Err(e) => super::tasks::refused(&state, &f.actor, id, e).await,
    }
}

async fn request_correction(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Fields>) -> PageResult {
    let input = CorrectionInput {
        reason: field(&f.form, "reason"),
        result_category: field(&f.form, "result_category"),
        result_summary: field(&f.form, "result_summary"),
    };
    match state.app.request_correction(&f.actor, id, input).await {
        Ok(_) => back(id, "requested", "corrections"),
        Err(e) => refused(&state, &f.actor, id, e, f.form).await,
    }
}

async fn decide_correction(State(state): State<AppState>, Path(cid): Path<i64>, f: WebForm<Fields>) -> PageResult {
    let approve = field(&f.form, "approve") == "true";
    let input = CorrectionDecisionInput {
        approve,
        note: field(&f.form, "note"),
    };
    let inspection_id: i64 = field(&f.form, "inspection_id").parse().unwrap_or(0);
    match state.app.decide_correction(&f.actor, cid, input).await {
        Ok(c) => back(
            c.inspection_id,
            if approve { "approved" } else { "rejected" },
            "corrections",
        ),
        Err(e) if inspection_id > 0 => refused(&state, &f.actor, inspection_id, e, f.form).await,
        Err(e) => Err(e.into()),
    }
}

/// 代录书面异议, with attachments (multipart: the CSRF token is a field).
async fn record_objection(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    // Outside the jurisdiction the answer is 404, whatever was sent.
    state.app.result_record(&actor, id).await?;
    let multipart = multipart.map_err(|e| AppError::invalid("files", format!("表单应以文件上传方式提交：{e}")))?;
    let (fields, files) = match crate::upload::receive_attachments(
        multipart,
        spotcheck_app::objections::MAX_ATTACHMENT_BYTES,
        spotcheck_domain::publication::MAX_OBJECTION_FILES,
    )
    .await
    {
        Ok(x) => x,
        Err(e) => return refused(&state, &actor, id, e, HashMap::new()).await,
    };
    check_csrf(&actor, &field(&fields, "_csrf"))?;
    let input = PaperObjectionInput {
        submitter: field(&fields, "submitter"),
        contact: field(&fields, "contact"),
        content: field(&fields, "content"),
        received_on: field(&fields, "received_on"),
    };
    match state.app.record_objection(&actor, id, input, files).await {
        Ok(_) => back(id, "objection", "objections"),
        Err(e) => refused(&state, &actor, id, e, fields).await,
    }
}

async fn decide_objection(State(state): State<AppState>, Path(oid): Path<i64>, f: WebForm<Fields>) -> PageResult {
    let input = ObjectionDecisionInput {
        decision: field(&f.form, "decision"),
        reason: field(&f.form, "reason"),
        result_category: field(&f.form, "result_category"),
        result_summary: field(&f.form, "result_summary"),
    };
    let o = state.app.objection(&f.actor, oid).await?;
    match state.app.decide_objection(&f.actor, oid, input).await {
        Ok(_) => back(o.inspection_id, "decided", "objections"),
        Err(e) => refused(&state, &f.actor, o.inspection_id, e, f.form).await,
    }
}

async fn answer_objection(State(state): State<AppState>, Path(oid): Path<i64>, f: WebForm<Fields>) -> PageResult {
    let input = FeedbackInput {
        method: field(&f.form, "method"),
        note: field(&f.form, "note"),
        on: field(&f.form, "on"),
    };
    let o = state.app.objection(&f.actor, oid).await?;
    match state.app.answer_objection(&f.actor, oid, input).await {
        Ok(_) => back(o.inspection_id, "answered", "objections"),
        Err(e) => refused(&state, &f.actor, o.inspection_id, e, f.form).await,
    }
}

async fn objection_file(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    Ok(crate::download::objection_file(&state, &actor, id).await?)
}

async fn record_followup(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Fields>) -> PageResult {
    let input = FollowupInput {
        finding_id: field(&f.form, "finding_id").parse().unwrap_or(0),
        step: field(&f.form, "step"),
        receiving_body: field(&f.form, "receiving_body"),
        on_date: field(&f.form, "on_date"),
        status: field(&f.form, "status"),
        note: field(&f.form, "note"),
    };
    match state.app.record_followup(&f.actor, id, input).await {
        Ok(_) => back(id, "followup", "followup"),
        Err(e) => refused(&state, &f.actor, id, e, f.form).await,
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// `open` (待复核或待反馈), `overdue`, or all.
    #[serde(default)]
    show: String,
}

#[derive(Template)]
#[template(path = "objections.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<ObjectionView>,
    corrections: Vec<spotcheck_app::publication::CorrectionView>,
    show: String,
    total: usize,
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<ListQuery>) -> PageResult {
    let all = state.app.objections(&actor).await?;
    let total = all.len();
    let rows = all
        .into_iter()
        .filter(|o| match q.show.as_str() {
            "open" => o.status.code != "answered",
            "overdue" => o.overdue,
            _ => true,
        })
        .collect();
    render(ListPage {
        frame: Frame::new(&state, &actor, "/objections")
            .crumb("抽查计划与任务", None)
            .crumb("异议处理", None),
        corrections: state.app.pending_corrections(&actor).await?,
        rows,
        show: q.show,
        total,
    })
}
