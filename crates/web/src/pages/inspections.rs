//! 现场检查 pages, designed for a phone first: a team's inspection with its
//! work plan, the checklist of every applicable item, the findings, the result,
//! the 权利告知 and 陈述申辩, the evidence files (camera and microphone from the
//! browser; a resumable chunked upload with a plain form as fallback), the
//! team's sign-off and the PDF documents. Each form comes back to the page; a
//! refused one shows the reason and keeps what was entered.

use super::{Frame, PageResult, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser, check_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Deserialize;
use spotcheck_app::documents::{available, word_of};
use spotcheck_app::inspections::{
    ConfirmInput, FindingEntry, InspectionInput, InspectionView, PointInput, PresentInput, StatementInput,
    WorkPlanInput,
};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::inspection::Measure;
use spotcheck_domain::outside::ItemResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams/{team_id}/inspection", get(show).post(start))
        .route("/teams/{team_id}/inspection/plan", post(work_plan))
        .route("/teams/{team_id}/inspection/save", post(save))
        .route("/teams/{team_id}/inspection/close", post(close))
        .route("/teams/{team_id}/inspection/reopen", post(reopen))
        .route("/teams/{team_id}/inspection/confirm", post(confirm))
        .route(
            "/teams/{team_id}/evidence",
            post(upload_form).layer(DefaultBodyLimit::disable()),
        )
        .route("/teams/{team_id}/evidence/{evidence_id}", get(download))
        .route("/teams/{team_id}/uploads", post(begin_upload))
        .route(
            "/teams/{team_id}/uploads/{upload_id}",
            get(upload_state)
                .put(put_chunk)
                .layer(DefaultBodyLimit::max(spotcheck_evidence::MAX_CHUNK_SIZE + 64 * 1024)),
        )
        .route("/teams/{team_id}/uploads/{upload_id}/finish", post(finish_upload))
        .route("/teams/{team_id}/documents/{kind}", get(document))
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "started" => "已开始检查。检查表包含本次任务中适用于该对象的全部事项（一次到位）。",
            "plan" => "检查工作方案已保存。",
            "saved" => "已保存。",
            "closed" => "已提交。请检查组每位成员签字确认；全员确认前组长可以退回修改。",
            "reopened" => "已退回修改，此前的签字确认已作废。",
            "confirmed" => "您已签字确认。",
            "uploaded" => "证据文件已保存，SHA-256 和上传记录已记入审计日志。",
            _ => return None,
        }
        .to_string(),
    )
}

/// A finding row of the form (existing ones plus an empty one to add).
struct FindingRow {
    description: String,
    legal_basis: String,
    measures: Vec<String>,
    rectify_by: String,
}

impl FindingRow {
    /// Whether the measure with this code is ticked.
    fn has(&self, code: &str) -> bool {
        self.measures.iter().any(|m| m == code)
    }
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct ShowPage {
    frame: Frame,
    v: InspectionView,
    documents: Vec<(&'static str, &'static str)>,
    results: Vec<(&'static str, &'static str)>,
    measures: Vec<(&'static str, &'static str)>,
    findings: Vec<FindingRow>,
    present: Vec<PresentInput>,
    started_at: String,
    ended_at: String,
    rights_at: String,
    statement_from: String,
    statement_to: String,
    max_mb: u64,
    error: Option<String>,
}

fn input_time(t: Option<chrono::NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

async fn show_page(state: &AppState, actor: &Actor, team_id: i64) -> Result<ShowPage, AppError> {
    let v = state.app.team_inspection(actor, team_id).await?;
    let mut findings: Vec<FindingRow> = v
        .findings
        .iter()
        .map(|f| FindingRow {
            description: f.description.clone(),
            legal_basis: f.legal_basis.clone(),
            measures: f.measures.iter().map(|m| m.code.clone()).collect(),
            rectify_by: f.rectify_by.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    findings.push(FindingRow {
        description: String::new(),
        legal_basis: String::new(),
        measures: Vec::new(),
        rectify_by: String::new(),
    });
    let mut present = v.present.clone();
    present.push(PresentInput::default());
    // A member comes from the home page's assignments; an official from the task.
    let frame = if v.is_member {
        Frame::new(state, actor, "/")
            .crumb("我的检查任务", Some("/#assignments"))
            .crumb(format!("{} {}", v.task_code, v.object.name), None)
    } else {
        Frame::new(state, actor, "/tasks")
            .crumb("抽查任务", Some("/tasks"))
            .crumb(v.task_code.clone(), Some(&format!("/tasks/{}#teams", v.task_id)))
            .crumb(v.object.name.clone(), None)
    };
    Ok(ShowPage {
        frame,
        documents: available(&v).into_iter().map(|k| (word_of(k), k.title())).collect(),
        results: ItemResult::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        measures: Measure::ALL.iter().map(|m| (m.code(), m.label())).collect(),
        findings,
        present,
        started_at: input_time(v.started_at),
        ended_at: input_time(v.ended_at),
        rights_at: input_time(v.rights_notified_at),
        statement_from: input_time(v.statement_started_at),
        statement_to: input_time(v.statement_ended_at),
        max_mb: v.max_file_size / (1024 * 1024),
        error: None,
        v,
    })
}

async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(team_id): Path<i64>,
    Query(q): Query<super::OkQuery>,
) -> PageResult {
    let mut page = show_page(&state, &actor, team_id).await?;
    page.frame.notice = notice(q.ok.as_deref());
    render(page)
}

/// The page again with the refusal, or the error page for anything else.
async fn refused(state: &AppState, actor: &Actor, team_id: i64, e: AppError) -> PageResult {
    match e {
        e @ (AppError::Validation { .. } | AppError::Conflict(_) | AppError::Forbidden(_)) => {
            let status = crate::error::status_of(&e);
            let mut page = show_page(state, actor, team_id).await?;
            page.error = Some(e.to_string());
            Ok((status, Html(page.render()?)).into_response())
        }
        e => Err(e.into()),
    }
}

fn back(team_id: i64, ok: &str) -> PageResult {
    Ok(Redirect::to(&format!("/teams/{team_id}/inspection?ok={ok}")).into_response())
}

async fn start(
    State(state): State<AppState>,
    Path(team_id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    match state.app.start_inspection(&f.actor, team_id).await {
        Ok(_) => back(team_id, "started"),
        Err(e) => refused(&state, &f.actor, team_id, e).await,
    }
}

#[derive(Deserialize, Default)]
struct PlanForm {
    #[serde(default)]
    division: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    schedule: String,
}

async fn work_plan(State(state): State<AppState>, Path(team_id): Path<i64>, f: WebForm<PlanForm>) -> PageResult {
    let input = WorkPlanInput {
        division: f.form.division.clone(),
        procedure: f.form.procedure.clone(),
        schedule: f.form.schedule.clone(),
    };
    match state.app.record_work_plan(&f.actor, team_id, &input).await {
        Ok(_) => back(team_id, "plan"),
        Err(e) => refused(&state, &f.actor, team_id, e).await,
    }
}

/// The save form's fields: `p<id>` / `n<id>` per check point, `pr<i>_*` per
/// person present, `f<i>_*` per finding (`f<i>_m` once per ticked measure).
fn save_input(pairs: &[(String, String)]) -> InspectionInput {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut input = InspectionInput {
        method: get("method"),
        started_at: get("started_at"),
        ended_at: get("ended_at"),
        place: get("place"),
        result_category: get("result_category"),
        result_summary: get("result_summary"),
        rights_notified_at: get("rights_notified_at"),
        ..Default::default()
    };
    if get("statement_person").is_some() || get("statement_text").is_some() {
        input.statement = Some(StatementInput {
            person: get("statement_person").unwrap_or_default(),
            text: get("statement_text").unwrap_or_default(),
            waived: get("statement_waived").is_some_and(|v| v == "true"),
            started_at: get("statement_started_at").unwrap_or_default(),
            ended_at: get("statement_ended_at").unwrap_or_default(),
        });
    }
    let indexed = |prefix: char, suffix: &str| -> Vec<(usize, String)> {
        pairs
            .iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(prefix)?;
                let (i, s) = rest.split_once('_')?;
                if s != suffix {
                    return None;
                }
                Some((i.parse().ok()?, v.clone()))
            })
            .collect()
    };
    let mut present: Vec<PresentInput> = Vec::new();
    for (i, name) in indexed('r', "name") {
        let pick = |suffix: &str| {
            indexed('r', suffix)
                .into_iter()
                .find(|(j, _)| *j == i)
                .map(|(_, v)| v)
                .unwrap_or_default()
        };
        present.push(PresentInput {
            name,
            position: pick("position"),
            phone: pick("phone"),
        });
    }
    if pairs.iter().any(|(k, _)| k.starts_with("r") && k.ends_with("_name")) {
        input.present = Some(present);
    }
    for (k, v) in pairs {
        if let Some(id) = k.strip_prefix('p').and_then(|s| s.parse::<i64>().ok()) {
            let note = get(&format!("n{id}")).unwrap_or_default();
            input.points.push(PointInput {
                id,
                result: v.clone(),
                note,
            });
        }
    }
    let descriptions = indexed('f', "description");
    if !descriptions.is_empty() {
        let mut list = Vec::new();
        for (i, description) in descriptions {
            let pick = |suffix: &str| {
                indexed('f', suffix)
                    .into_iter()
                    .filter(|(j, _)| *j == i)
                    .map(|(_, v)| v)
                    .collect::<Vec<_>>()
            };
            list.push(FindingEntry {
                description,
                legal_basis: pick("basis").into_iter().next().unwrap_or_default(),
                measures: pick("m"),
                rectify_by: pick("rectify").into_iter().next().unwrap_or_default(),
            });
        }
        input.findings = Some(list);
    }
    input
}

async fn save(
    State(state): State<AppState>,
    Path(team_id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let input = save_input(&f.form);
    match state.app.save_inspection(&f.actor, team_id, &input).await {
        Ok(_) => back(team_id, "saved"),
        Err(e) => refused(&state, &f.actor, team_id, e).await,
    }
}

async fn close(
    State(state): State<AppState>,
    Path(team_id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    match state.app.close_inspection(&f.actor, team_id).await {
        Ok(_) => back(team_id, "closed"),
        Err(e) => refused(&state, &f.actor, team_id, e).await,
    }
}

#[derive(Deserialize, Default)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn reopen(State(state): State<AppState>, Path(team_id): Path<i64>, f: WebForm<ReasonForm>) -> PageResult {
    match state.app.reopen_inspection(&f.actor, team_id, &f.form.reason).await {
        Ok(_) => back(team_id, "reopened"),
        Err(e) => refused(&state, &f.actor, team_id, e).await,
    }
}

#[derive(Deserialize, Default)]
struct ConfirmForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

async fn confirm(State(state): State<AppState>, Path(team_id): Path<i64>, f: WebForm<ConfirmForm>) -> PageResult {
    let input = ConfirmInput {
        password: f.form.password.clone(),
        code: f.form.code.clone(),
    };
    match state.app.confirm_inspection(&f.actor, team_id, &input).await {
        Ok(_) => back(team_id, "confirmed"),
        Err(e) => refused(&state, &f.actor, team_id, e).await,
    }
}

/// The plain form's upload (no script, or a browser without it): the CSRF
/// token and the note come before the file part, which streams straight into
/// the evidence store.
async fn upload_form(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(team_id): Path<i64>,
    mut multipart: Multipart,
) -> PageResult {
    let mut csrf = String::new();
    let mut note = String::new();
    let outcome = loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break Err(AppError::invalid("file", "请选择要上传的文件")),
            Err(e) => break Err(AppError::invalid("file", format!("上传中断，文件未保存：{e}"))),
        };
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.unwrap_or_default(),
            "note" => note = field.text().await.unwrap_or_default(),
            // The chooser and the camera, video and microphone buttons: the
            // first one holding a file is the upload.
            "file" | "photo" | "video" | "audio" if !field.file_name().unwrap_or_default().is_empty() => {
                check_csrf(&actor, &csrf)?;
                let name = field.file_name().unwrap_or_default().to_string();
                break state.app.upload_evidence(&actor, team_id, &name, &note, field).await;
            }
            _ => {}
        }
    };
    match outcome {
        Ok(_) => back(team_id, "uploaded"),
        Err(e) => refused(&state, &actor, team_id, e).await,
    }
}

async fn download(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((team_id, evidence_id)): Path<(i64, i64)>,
) -> PageResult {
    Ok(crate::download::evidence(&state, &actor, team_id, evidence_id).await?)
}

async fn document(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((team_id, kind)): Path<(i64, String)>,
) -> PageResult {
    match crate::download::pdf(&state, &actor, team_id, &kind).await {
        Ok(r) => Ok(r),
        Err(e) => refused(&state, &actor, team_id, e).await,
    }
}

// ---- the resumable upload the page's script drives (JSON, CSRF in a header) ----

fn csrf_header(actor: &Actor, headers: &http::HeaderMap) -> Result<(), crate::error::PageError> {
    check_csrf(
        actor,
        headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or(""),
    )
}

fn json_result<T: serde::Serialize>(r: Result<T, AppError>, created: bool) -> axum::response::Response {
    match r {
        Ok(v) => {
            let status = if created {
                http::StatusCode::CREATED
            } else {
                http::StatusCode::OK
            };
            (status, axum::Json(v)).into_response()
        }
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}

#[derive(Deserialize)]
struct BeginForm {
    size: Option<u64>,
}

async fn begin_upload(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(team_id): Path<i64>,
    headers: http::HeaderMap,
    axum::Json(b): axum::Json<BeginForm>,
) -> PageResult {
    csrf_header(&actor, &headers)?;
    Ok(json_result(
        state.app.begin_evidence_upload(&actor, team_id, b.size).await,
        true,
    ))
}

async fn upload_state(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((team_id, upload_id)): Path<(i64, String)>,
) -> PageResult {
    Ok(json_result(
        state.app.evidence_upload_state(&actor, team_id, &upload_id).await,
        false,
    ))
}

#[derive(Deserialize)]
struct OffsetQuery {
    #[serde(default)]
    offset: u64,
}

async fn put_chunk(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((team_id, upload_id)): Path<(i64, String)>,
    Query(q): Query<OffsetQuery>,
    headers: http::HeaderMap,
    body: Bytes,
) -> PageResult {
    csrf_header(&actor, &headers)?;
    Ok(json_result(
        state
            .app
            .put_evidence_chunk(&actor, team_id, &upload_id, q.offset, body)
            .await,
        false,
    ))
}

#[derive(Deserialize)]
struct FinishForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    note: String,
}

async fn finish_upload(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((team_id, upload_id)): Path<(i64, String)>,
    headers: http::HeaderMap,
    axum::Json(b): axum::Json<FinishForm>,
) -> PageResult {
    csrf_header(&actor, &headers)?;
    Ok(json_result(
        state
            .app
            .finish_evidence_upload(&actor, team_id, &upload_id, &b.name, &b.note)
            .await,
        true,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn the_save_form_reads_points_people_and_findings() {
        let input = save_input(&pairs(&[
            ("method", "on_site"),
            ("p11", "compliant"),
            ("n11", "证照齐全"),
            ("p12", ""),
            ("n12", ""),
            ("r0_name", "王建国"),
            ("r0_position", "项目经理"),
            ("r0_phone", ""),
            ("r1_name", ""),
            ("r1_position", ""),
            ("r1_phone", ""),
            ("f0_description", "连墙件缺失"),
            ("f0_basis", "条例第二十八条"),
            ("f0_m", "rectification"),
            ("f0_m", "on_site_record"),
            ("f0_rectify", "2026-05-20"),
            ("f1_description", ""),
            ("f1_basis", ""),
            ("f1_rectify", ""),
        ]));
        assert_eq!(input.method.as_deref(), Some("on_site"));
        assert_eq!(input.points.len(), 2);
        assert_eq!(input.points[0].note, "证照齐全");
        let present = input.present.unwrap();
        assert_eq!(present.len(), 2);
        assert_eq!(present[0].position, "项目经理");
        let f = input.findings.unwrap();
        assert_eq!(f[0].measures, vec!["rectification", "on_site_record"]);
        assert_eq!(f[0].rectify_by, "2026-05-20");
        assert_eq!(f[1].description, "");
        assert!(input.statement.is_none());
    }
}
