//! 检查对象名录库 and 执法检查人员名录库 pages: lists, the one entry form
//! built from the import template's columns, entry pages with history and
//! conflicts, imports with progress, templates, exports and 认领.

use super::{Frame, OkQuery, PageResult, department_options, pager, render, time_or_dash};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{WebForm, WebUser, check_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::actor::local_time;
use spotcheck_app::import::{ImportJobView, ImportRequest};
use spotcheck_app::inspectors::{ConflictInput, ConflictView};
use spotcheck_app::objects::{
    ActiveChange, ClaimInput, EntryInput, FieldValue, InspectorQuery, MasterQuery, ObjectQuery,
};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::directory::{ListKind, ValueKind, columns};
use spotcheck_domain::role::Permission;
use spotcheck_domain::vocab::{self, InspectorStatus, ObjectKind, RiskClass};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/objects", get(list_objects).post(create_object))
        .route("/objects/new", get(new_object))
        .route("/objects/export.xlsx", get(export_objects))
        .route("/objects/{object_id}", get(show_object).post(update_object))
        .route("/objects/{object_id}/edit", get(edit_object))
        .route("/objects/{object_id}/active", post(object_active))
        .route("/objects/{object_id}/id-number", post(reveal_object))
        .route("/inspectors", get(list_inspectors).post(create_inspector))
        .route("/inspectors/new", get(new_inspector))
        .route("/inspectors/export.xlsx", get(export_inspectors))
        .route("/inspectors/{inspector_id}", get(show_inspector).post(update_inspector))
        .route("/inspectors/{inspector_id}/edit", get(edit_inspector))
        .route("/inspectors/{inspector_id}/active", post(inspector_active))
        .route("/inspectors/{inspector_id}/account", post(inspector_account))
        .route("/inspectors/{inspector_id}/id-number", post(reveal_inspector))
        .route("/inspectors/{inspector_id}/conflicts", post(declare_conflict))
        .route("/conflicts/{conflict_id}/withdraw", post(withdraw_conflict))
        .route("/templates/{file}", get(template))
        .route("/imports/new", get(import_form))
        .route(
            "/imports",
            post(import_upload).layer(DefaultBodyLimit::max(crate::upload::MAX_UPLOAD_BYTES + 1024 * 1024)),
        )
        .route("/imports/{job_id}", get(import_job))
        .route("/imports/{job_id}/status", get(import_status))
        .route("/imports/{job_id}/errors.xlsx", get(import_errors))
        .route("/claim", get(claim_form).post(claim))
}

fn object_kind(s: Option<&str>) -> ObjectKind {
    s.and_then(|k| ObjectKind::parse(k).ok())
        .unwrap_or(ObjectKind::Enterprise)
}

use crate::download::xlsx;

// ---- objects ----

struct ObjectRowView {
    id: i64,
    key_code: String,
    name: String,
    division_code: String,
    risk_label: String,
    risk_tone: &'static str,
    flags: Vec<&'static str>,
    department_name: String,
    active: bool,
}

fn risk_tone(code: &str) -> &'static str {
    match code {
        "A" => "green",
        "B" => "blue",
        "C" => "orange",
        _ => "red",
    }
}

#[derive(Template)]
#[template(path = "objects.html")]
struct ObjectsPage {
    frame: Frame,
    kind: String,
    kind_label: String,
    key_label: String,
    tabs: Vec<(String, String, u64)>,
    rows: Vec<ObjectRowView>,
    pager: String,
    query: String,
    risks: Vec<String>,
    f_q: String,
    f_division: String,
    f_risk: String,
    f_active: String,
    can_manage: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct ObjectsQuery {
    kind: Option<String>,
    q: Option<String>,
    division: Option<String>,
    risk: Option<String>,
    active: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    ok: Option<String>,
}

impl ObjectsQuery {
    fn to_app(&self, kind: ObjectKind) -> ObjectQuery {
        ObjectQuery {
            kind: Some(kind.code().to_string()),
            q: self.q.clone(),
            division: self.division.clone(),
            risk: self.risk.clone(),
            active: match self.active.as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            page: self.page,
            page_size: Some(super::page_size(self.page_size, 20)),
            ..Default::default()
        }
    }

    fn keep(&self, kind: ObjectKind) -> Vec<(&'static str, String)> {
        vec![
            ("kind", kind.code().to_string()),
            ("q", self.q.clone().unwrap_or_default()),
            ("division", self.division.clone().unwrap_or_default()),
            ("risk", self.risk.clone().unwrap_or_default()),
            ("active", self.active.clone().unwrap_or_default()),
            ("page_size", self.page_size.map(|n| n.to_string()).unwrap_or_default()),
        ]
    }
}

async fn list_objects(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(lq): Query<ObjectsQuery>,
) -> PageResult {
    let kind = object_kind(lq.kind.as_deref());
    let mut tabs = Vec::new();
    for k in ObjectKind::ALL {
        let q = ObjectQuery {
            kind: Some(k.code().to_string()),
            active: Some(true),
            page_size: Some(1),
            ..Default::default()
        };
        let n = state.app.list_objects(&actor, &q).await?.total;
        tabs.push((k.code().to_string(), k.label().to_string(), n));
    }
    let keep = lq.keep(kind);
    let mut page = ObjectsPage {
        frame: Frame::new(&state, &actor, "/objects")
            .crumb("检查对象名录库", None)
            .notice_from(lq.ok.as_deref()),
        kind: kind.code().to_string(),
        kind_label: kind.label().to_string(),
        key_label: ListKind::from(kind).key_column().to_string(),
        tabs,
        rows: Vec::new(),
        pager: String::new(),
        query: serde_urlencoded::to_string(keep.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>())
            .unwrap_or_default(),
        risks: RiskClass::ALL.iter().map(|r| r.code().to_string()).collect(),
        f_q: lq.q.clone().unwrap_or_default(),
        f_division: lq.division.clone().unwrap_or_default(),
        f_risk: lq.risk.clone().unwrap_or_default(),
        f_active: lq.active.clone().unwrap_or_default(),
        can_manage: actor.may(Permission::ManageDirectories),
        error: None,
    };
    match state.app.list_objects(&actor, &lq.to_app(kind)).await {
        Ok(p) => {
            page.pager = pager(p.total, p.page, p.page_size, "/objects", &keep);
            page.rows = p
                .items
                .into_iter()
                .map(|o| {
                    let mut flags = Vec::new();
                    if o.abnormal {
                        flags.push("经营异常");
                    }
                    if o.key_focus {
                        flags.push("重点关注");
                    }
                    if o.serious_violation {
                        flags.push("严重违法失信");
                    }
                    ObjectRowView {
                        id: o.id,
                        risk_tone: risk_tone(&o.risk_class),
                        key_code: o.key_code,
                        name: o.name,
                        division_code: o.division_code,
                        risk_label: o.risk_label,
                        flags,
                        department_name: o.department_name,
                        active: o.active,
                    }
                })
                .collect();
        }
        Err(AppError::Validation { message, .. }) => page.error = Some(message),
        Err(e) => return Err(e.into()),
    }
    render(page)
}

/// One field of the entry form.
struct FormField {
    name: &'static str,
    required: bool,
    help: &'static str,
    value: String,
    /// (label, selected)
    choices: Vec<(String, bool)>,
    multi: bool,
    date: bool,
    locked: bool,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "entry_form.html")]
struct EntryFormPage {
    frame: Frame,
    heading: String,
    action: String,
    cancel: String,
    fields: Vec<FormField>,
    errors: Vec<String>,
    departments: Option<Vec<(String, String)>>,
    department: String,
    department_label: String,
}

/// Builds the form's fields from the template's columns, values and errors.
fn form_fields(kind: ListKind, values: &[String], errors: &[(String, String)], locked_key: bool) -> Vec<FormField> {
    columns(kind)
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let value = values.get(i).cloned().unwrap_or_default();
            let selected: Vec<&str> = if c.multi {
                spotcheck_domain::directory::split_multi(&value).collect()
            } else {
                vec![value.as_str()]
            };
            FormField {
                name: c.name,
                required: c.required,
                help: c.help,
                choices: c
                    .choices
                    .map(|cs| cs.iter().map(|x| (x.to_string(), selected.contains(x))).collect())
                    .unwrap_or_default(),
                multi: c.multi,
                date: c.value == ValueKind::Date,
                locked: locked_key && c.name == kind.key_column(),
                errors: errors
                    .iter()
                    .filter(|(col, _)| col == c.name)
                    .map(|(_, m)| m.clone())
                    .collect(),
                value,
            }
        })
        .collect()
}

/// A form post as cells keyed by column name (multi-choice values joined with 、).
fn entry_input(kind: ListKind, pairs: &[(String, String)]) -> (EntryInput, String) {
    let mut fields = std::collections::BTreeMap::new();
    let mut department = String::new();
    for c in columns(kind) {
        let vals: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == c.name)
            .map(|(_, v)| v.as_str())
            .collect();
        fields.insert(c.name.to_string(), vals.join("、"));
    }
    if let Some((_, d)) = pairs.iter().find(|(k, _)| k == "_department") {
        department = d.clone();
    }
    (EntryInput { fields }, department)
}

/// Splits a validation error of a whole row into per-column messages.
fn column_errors(e: &AppError) -> Vec<(String, String)> {
    match e {
        AppError::Validation { message, field } => message
            .split('；')
            .map(|m| {
                let col = spotcheck_domain::directory::columns(ListKind::Enterprise)
                    .iter()
                    .chain(columns(ListKind::Practitioner))
                    .chain(columns(ListKind::Project))
                    .chain(columns(ListKind::Inspector))
                    .map(|c| c.name)
                    .filter(|n| m.starts_with(n))
                    .max_by_key(|n| n.len())
                    .unwrap_or(field.as_str());
                (col.to_string(), m.to_string())
            })
            .collect(),
        other => vec![(String::new(), other.to_string())],
    }
}

async fn entry_form(
    state: &AppState,
    actor: &Actor,
    kind: ListKind,
    editing: Option<(i64, Vec<String>)>,
    values: Vec<String>,
    errors: &[(String, String)],
    department: String,
) -> Result<EntryFormPage, AppError> {
    actor.require(Permission::ManageDirectories)?;
    let (section, base) = match kind {
        ListKind::Inspector => ("执法检查人员名录库", "/inspectors".to_string()),
        _ => (
            "检查对象名录库",
            format!(
                "/objects?kind={}",
                kind.object_kind().map(|k| k.code()).unwrap_or_default()
            ),
        ),
    };
    let heading = match &editing {
        Some(_) => format!("编辑{}", kind.label()),
        None => format!("新增{}", kind.label()),
    };
    let (action, cancel) = match (&editing, kind) {
        (Some((id, _)), ListKind::Inspector) => (format!("/inspectors/{id}"), format!("/inspectors/{id}")),
        (Some((id, _)), _) => (format!("/objects/{id}"), format!("/objects/{id}")),
        (None, ListKind::Inspector) => ("/inspectors".to_string(), base.clone()),
        (None, k) => (
            format!(
                "/objects?kind={}",
                k.object_kind().map(|k| k.code()).unwrap_or_default()
            ),
            base.clone(),
        ),
    };
    let departments = if kind == ListKind::Inspector || editing.is_some() {
        None
    } else {
        Some(department_options(&state.app.list_departments(actor).await?))
    };
    Ok(EntryFormPage {
        frame: Frame::new(
            state,
            actor,
            if kind == ListKind::Inspector {
                "/inspectors"
            } else {
                "/objects"
            },
        )
        .crumb(section, Some(&base))
        .crumb(heading.clone(), None),
        heading,
        action,
        cancel,
        fields: form_fields(kind, &values, errors, editing.is_some()),
        errors: errors.iter().map(|(_, m)| m.clone()).collect(),
        departments,
        department,
        department_label: "录入到".to_string(),
    })
}

/// The form again after a refused save: what was typed, each message under
/// its field, status 422.
async fn form_error(
    state: &AppState,
    actor: &Actor,
    kind: ListKind,
    editing: Option<i64>,
    input: &EntryInput,
    department: String,
    e: &AppError,
) -> PageResult {
    let values: Vec<String> = columns(kind)
        .iter()
        .map(|c| input.fields.get(c.name).cloned().unwrap_or_default())
        .collect();
    let editing = editing.map(|id| (id, values.clone()));
    let page = entry_form(state, actor, kind, editing, values, &column_errors(e), department).await?;
    Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
struct KindQuery {
    kind: Option<String>,
}

async fn new_object(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<KindQuery>) -> PageResult {
    let kind: ListKind = object_kind(q.kind.as_deref()).into();
    let dept = actor.department.code.as_str().to_string();
    let mut values = vec![String::new(); columns(kind).len()];
    if let Some(i) = columns(kind).iter().position(|c| c.name == "所在行政区划代码") {
        values[i] = actor.department.division_code.clone();
    }
    render(entry_form(&state, &actor, kind, None, values, &[], dept).await?)
}

async fn create_object(
    State(state): State<AppState>,
    Query(q): Query<KindQuery>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let kind = object_kind(q.kind.as_deref());
    let (input, department) = entry_input(kind.into(), &f.form);
    match state
        .app
        .create_object(&f.actor, &department, kind.code(), &input)
        .await
    {
        Ok(o) => Ok(Redirect::to(&format!("/objects/{}?ok=created", o.id)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Forbidden(_))) => {
            form_error(&state, &f.actor, kind.into(), None, &input, department, &e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    frame: Frame,
    title: String,
    base: String,
    id: i64,
    target_type: &'static str,
    fields: Vec<FieldValue>,
    department: String,
    active: bool,
    active_label: &'static str,
    extra: Vec<(String, String)>,
    history: Vec<(i32, String, String, String)>,
    can_manage: bool,
    can_reveal: bool,
    can_declare: bool,
    revealed: Option<String>,
    conflicts: Option<Vec<ConflictRow>>,
    /// An inspector's platform account (`Some("")` when none is linked); `None` for objects.
    account: Option<String>,
    /// Why the account just typed was refused.
    account_error: Option<String>,
}

struct ConflictRow {
    id: i64,
    object_name: String,
    object_code: String,
    reason: String,
    declared_by: String,
    declared_at: String,
    active: bool,
}

impl From<ConflictView> for ConflictRow {
    fn from(c: ConflictView) -> Self {
        Self {
            id: c.id,
            object_name: c.object_name,
            object_code: c.object_code,
            reason: c.reason,
            declared_by: c.declared_by,
            declared_at: local_time(&c.declared_at),
            active: c.active,
        }
    }
}

fn history_rows(h: Vec<spotcheck_app::objects::HistoryView>) -> Vec<(i32, String, String, String)> {
    h.into_iter()
        .map(|h| (h.revision, local_time(&h.changed_at), h.changed_by, h.reason))
        .collect()
}

async fn object_page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    ok: Option<&str>,
    revealed: Option<String>,
) -> Result<EntryPage, AppError> {
    let (o, history) = state.app.get_object(actor, id).await?;
    let source = match o.source.as_str() {
        "import" => "模板导入",
        "claim" => "从全省名录认领",
        _ => "手工录入",
    };
    let can_reveal = o.kind == ObjectKind::Practitioner.code() && actor.may(Permission::ViewIdNumbers);
    Ok(EntryPage {
        frame: Frame::new(state, actor, "/objects")
            .crumb("检查对象名录库", Some(&format!("/objects?kind={}", o.kind)))
            .crumb(o.name.clone(), None)
            .notice_from(ok),
        title: format!("{}：{}", o.kind_label, o.name),
        base: format!("/objects/{id}"),
        id,
        target_type: "object",
        fields: o.fields,
        department: o.department_name,
        active: o.active,
        active_label: "在录",
        extra: vec![
            ("来源".to_string(), source.to_string()),
            (
                "版本".to_string(),
                format!("第{}版，{}更新", o.revision, local_time(&o.updated_at)),
            ),
        ],
        history: history_rows(history),
        can_manage: actor.may(Permission::ManageDirectories),
        can_reveal,
        can_declare: false,
        revealed,
        conflicts: None,
        account: None,
        account_error: None,
    })
}

async fn show_object(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    q: Query<OkQuery>,
) -> PageResult {
    render(object_page(&state, &actor, id, q.ok.as_deref(), None).await?)
}

async fn edit_object(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    let (o, _) = state.app.get_object(&actor, id).await?;
    let kind: ListKind = object_kind(Some(&o.kind)).into();
    let values: Vec<String> = o.fields.into_iter().map(|f| f.value).collect();
    render(
        entry_form(
            &state,
            &actor,
            kind,
            Some((id, values.clone())),
            values,
            &[],
            String::new(),
        )
        .await?,
    )
}

async fn update_object(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let (o, _) = state.app.get_object(&f.actor, id).await?;
    let kind: ListKind = object_kind(Some(&o.kind)).into();
    let (input, _) = entry_input(kind, &f.form);
    match state.app.update_object(&f.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/objects/{id}?ok=saved")).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Forbidden(_))) => {
            form_error(&state, &f.actor, kind, Some(id), &input, String::new(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
    reason: String,
}

async fn object_active(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<ActiveForm>) -> PageResult {
    let change = ActiveChange {
        active: f.form.active == "true",
        reason: f.form.reason.clone(),
    };
    match state.app.set_object_active(&f.actor, id, &change).await {
        Ok(_) => Ok(Redirect::to(&format!("/objects/{id}?ok=saved")).into_response()),
        Err(e @ AppError::NotFound(_)) => Err(e.into()),
        Err(e) => Err(PageError::App(e)),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn reveal_object(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Empty>) -> PageResult {
    let full = state.app.reveal_object_id_number(&f.actor, id).await?;
    render(object_page(&state, &f.actor, id, None, Some(full)).await?)
}

async fn export_objects(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(lq): Query<ObjectsQuery>,
) -> PageResult {
    let kind = object_kind(lq.kind.as_deref());
    let mut q = lq.to_app(kind);
    q.page = None;
    let (name, bytes) = state.app.export_objects(&actor, &q).await?;
    Ok(xlsx(&name, bytes))
}

// ---- inspectors ----

struct InspectorRowView {
    id: i64,
    name: String,
    cert_no: String,
    title: String,
    department: String,
    qualifications: String,
    valid_until: String,
    expired: bool,
    status: String,
    status_tone: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "inspectors.html")]
struct InspectorsPage {
    frame: Frame,
    rows: Vec<InspectorRowView>,
    pager: String,
    query: String,
    departments: Vec<(String, String)>,
    statuses: Vec<String>,
    fields: Vec<String>,
    f_q: String,
    f_department: String,
    f_status: String,
    f_qualification: String,
    can_manage: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct InspectorsQuery {
    q: Option<String>,
    department: Option<String>,
    status: Option<String>,
    qualification: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    ok: Option<String>,
}

impl InspectorsQuery {
    fn to_app(&self) -> InspectorQuery {
        InspectorQuery {
            q: self.q.clone(),
            department: self.department.clone(),
            status: self.status.clone(),
            qualification: self.qualification.clone(),
            page: self.page,
            page_size: Some(super::page_size(self.page_size, 20)),
            ..Default::default()
        }
    }

    fn keep(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone().unwrap_or_default()),
            ("department", self.department.clone().unwrap_or_default()),
            ("status", self.status.clone().unwrap_or_default()),
            ("qualification", self.qualification.clone().unwrap_or_default()),
            ("page_size", self.page_size.map(|n| n.to_string()).unwrap_or_default()),
        ]
    }
}

async fn list_inspectors(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(lq): Query<InspectorsQuery>,
) -> PageResult {
    let depts = state.app.list_departments(&actor).await?;
    let keep = lq.keep();
    let today = state.app.today();
    let mut page = InspectorsPage {
        frame: Frame::new(&state, &actor, "/inspectors")
            .crumb("执法检查人员名录库", None)
            .notice_from(lq.ok.as_deref()),
        rows: Vec::new(),
        pager: String::new(),
        query: serde_urlencoded::to_string(keep.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>())
            .unwrap_or_default(),
        departments: department_options(&depts),
        statuses: InspectorStatus::LABELS.iter().map(|s| s.to_string()).collect(),
        fields: vocab::FIELDS.iter().map(|s| s.to_string()).collect(),
        f_q: lq.q.clone().unwrap_or_default(),
        f_department: lq.department.clone().unwrap_or_default(),
        f_status: lq.status.clone().unwrap_or_default(),
        f_qualification: lq.qualification.clone().unwrap_or_default(),
        can_manage: actor.may(Permission::ManageDirectories),
        error: None,
    };
    match state.app.list_inspectors(&actor, &lq.to_app()).await {
        Ok(p) => {
            page.pager = pager(p.total, p.page, p.page_size, "/inspectors", &keep);
            page.rows = p
                .items
                .into_iter()
                .map(|i| InspectorRowView {
                    id: i.id,
                    status_tone: if i.status == InspectorStatus::OnDuty.code() {
                        "green"
                    } else {
                        "orange"
                    },
                    expired: i.cert_valid_until < today,
                    valid_until: i.cert_valid_until.format("%Y-%m-%d").to_string(),
                    name: i.name,
                    cert_no: i.cert_no,
                    title: i.title,
                    department: i.department_name,
                    qualifications: i.qualifications.join("、"),
                    status: i.status_label,
                    active: i.active,
                })
                .collect();
        }
        Err(AppError::Validation { message, .. }) => page.error = Some(message),
        Err(e) => return Err(e.into()),
    }
    render(page)
}

async fn new_inspector(State(state): State<AppState>, WebUser(actor): WebUser) -> PageResult {
    let kind = ListKind::Inspector;
    let mut values = vec![String::new(); columns(kind).len()];
    for (i, c) in columns(kind).iter().enumerate() {
        match c.name {
            "所属部门" => values[i] = actor.department.code.as_str().to_string(),
            "状态" => values[i] = InspectorStatus::OnDuty.label().to_string(),
            _ => {}
        }
    }
    render(entry_form(&state, &actor, kind, None, values, &[], String::new()).await?)
}

async fn create_inspector(State(state): State<AppState>, f: WebForm<Vec<(String, String)>>) -> PageResult {
    let kind = ListKind::Inspector;
    let (input, _) = entry_input(kind, &f.form);
    match state.app.create_inspector(&f.actor, &input).await {
        Ok(i) => Ok(Redirect::to(&format!("/inspectors/{}?ok=created", i.id)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Forbidden(_))) => {
            form_error(&state, &f.actor, kind, None, &input, String::new(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn inspector_page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    ok: Option<&str>,
    revealed: Option<String>,
) -> Result<EntryPage, AppError> {
    let (i, history) = state.app.get_inspector(actor, id).await?;
    let conflicts = state.app.conflicts_of_inspector(actor, id).await?;
    let own = i.username.as_deref() == Some(actor.user.username.as_str());
    Ok(EntryPage {
        frame: Frame::new(state, actor, "/inspectors")
            .crumb("执法检查人员名录库", Some("/inspectors"))
            .crumb(i.name.clone(), None)
            .notice_from(ok),
        title: format!("检查人员：{}", i.name),
        base: format!("/inspectors/{id}"),
        id,
        target_type: "inspector",
        fields: i.fields,
        department: i.department_name,
        active: i.active,
        active_label: "在库",
        extra: vec![
            (
                "平台账号".to_string(),
                i.username.clone().unwrap_or_else(|| "未关联".to_string()),
            ),
            (
                "版本".to_string(),
                format!("第{}版，{}更新", i.revision, local_time(&i.updated_at)),
            ),
        ],
        history: history_rows(history),
        can_manage: actor.may(Permission::ManageDirectories),
        can_reveal: actor.may(Permission::ViewIdNumbers),
        can_declare: actor.may(Permission::ManageDirectories) || own,
        revealed,
        conflicts: Some(conflicts.into_iter().map(Into::into).collect()),
        account: Some(i.username.clone().unwrap_or_default()),
        account_error: None,
    })
}

async fn show_inspector(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    q: Query<OkQuery>,
) -> PageResult {
    render(inspector_page(&state, &actor, id, q.ok.as_deref(), None).await?)
}

async fn edit_inspector(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    let (i, _) = state.app.get_inspector(&actor, id).await?;
    let values: Vec<String> = i.fields.into_iter().map(|f| f.value).collect();
    render(
        entry_form(
            &state,
            &actor,
            ListKind::Inspector,
            Some((id, values.clone())),
            values,
            &[],
            String::new(),
        )
        .await?,
    )
}

async fn update_inspector(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let kind = ListKind::Inspector;
    state.app.get_inspector(&f.actor, id).await?;
    let (input, _) = entry_input(kind, &f.form);
    match state.app.update_inspector(&f.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/inspectors/{id}?ok=saved")).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Forbidden(_))) => {
            form_error(&state, &f.actor, kind, Some(id), &input, String::new(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn inspector_active(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<ActiveForm>) -> PageResult {
    let change = ActiveChange {
        active: f.form.active == "true",
        reason: f.form.reason.clone(),
    };
    state.app.set_inspector_active(&f.actor, id, &change).await?;
    Ok(Redirect::to(&format!("/inspectors/{id}?ok=saved")).into_response())
}

#[derive(Deserialize, Default)]
struct AccountForm {
    #[serde(default)]
    username: String,
}

/// 关联平台账号: the inspector fills in and signs inspections with it.
async fn inspector_account(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<AccountForm>) -> PageResult {
    match state
        .app
        .link_inspector_account(&f.actor, id, Some(f.form.username.as_str()))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/inspectors/{id}?ok=saved")).into_response()),
        Err(e @ AppError::Validation { .. }) => {
            let mut page = inspector_page(&state, &f.actor, id, None, None).await?;
            page.account = Some(f.form.username.clone());
            page.account_error = Some(e.to_string());
            Ok((crate::error::status_of(&e), Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn reveal_inspector(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<Empty>) -> PageResult {
    let full = state.app.reveal_inspector_id_number(&f.actor, id).await?;
    render(inspector_page(&state, &f.actor, id, None, Some(full)).await?)
}

async fn export_inspectors(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(lq): Query<InspectorsQuery>,
) -> PageResult {
    let mut q = lq.to_app();
    q.page = None;
    let (name, bytes) = state.app.export_inspectors(&actor, &q).await?;
    Ok(xlsx(&name, bytes))
}

#[derive(Deserialize)]
struct ConflictForm {
    object_code: String,
    reason: String,
}

async fn declare_conflict(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<ConflictForm>) -> PageResult {
    let code = f.form.object_code.trim().to_uppercase();
    let found = state
        .app
        .list_objects(
            &f.actor,
            &ObjectQuery {
                q: Some(code.clone()),
                page_size: Some(50),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .find(|o| o.key_code == code);
    let result = match found {
        Some(o) => {
            state
                .app
                .declare_conflict(
                    &f.actor,
                    id,
                    &ConflictInput {
                        object_id: o.id,
                        reason: f.form.reason.clone(),
                    },
                )
                .await
        }
        None => Err(AppError::invalid(
            "object_code",
            format!("管辖范围内没有代码为“{code}”的检查对象"),
        )),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/inspectors/{id}?ok=saved")).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let mut page = inspector_page(&state, &f.actor, id, None, None).await?;
            page.frame.notice = None;
            let html = page.render()?;
            let message = e.to_string();
            let html = html.replacen(
                "<main class=\"main\">",
                &format!(
                    "<main class=\"main\"><div class=\"notice error\" role=\"alert\">{}</div>",
                    super::html_escape(&message)
                ),
                1,
            );
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct WithdrawForm {
    reason: String,
}

async fn withdraw_conflict(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<WithdrawForm>) -> PageResult {
    state.app.withdraw_conflict(&f.actor, id, &f.form.reason).await?;
    Ok(Redirect::to("/inspectors?ok=saved").into_response())
}

// ---- templates and imports ----

async fn template(State(state): State<AppState>, WebUser(_actor): WebUser, Path(file): Path<String>) -> PageResult {
    let code = file.strip_suffix(".xlsx").ok_or_else(|| AppError::not_found("模板"))?;
    let kind = ListKind::parse(code).map_err(|_| AppError::not_found("模板"))?;
    Ok(xlsx(
        &format!("{}名录导入模板.xlsx", kind.label()),
        state.app.template(kind),
    ))
}

#[derive(Template)]
#[template(path = "import_new.html")]
struct ImportPage {
    frame: Frame,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    departments: Vec<(String, String)>,
    recent: Vec<(String, ImportJobView, &'static str)>,
    error: Option<String>,
}

fn job_tone(status: &str) -> &'static str {
    match status {
        "done" => "green",
        "failed" => "red",
        _ => "blue",
    }
}

async fn import_page(
    state: &AppState,
    actor: &Actor,
    kind: &str,
    error: Option<String>,
) -> Result<ImportPage, AppError> {
    actor.require(Permission::ManageDirectories)?;
    let depts = state.app.list_departments(actor).await?;
    let recent = state
        .app
        .recent_imports(actor)
        .await?
        .into_iter()
        .map(|j| (local_time(&j.started_at), j.clone(), job_tone(&j.status)))
        .collect();
    Ok(ImportPage {
        frame: Frame::new(state, actor, "/objects").crumb("导入名录", None),
        kinds: [
            ListKind::Enterprise,
            ListKind::Practitioner,
            ListKind::Project,
            ListKind::Inspector,
        ]
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect(),
        kind: kind.to_string(),
        departments: department_options(&depts),
        recent,
        error,
    })
}

async fn import_form(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<KindQuery>) -> PageResult {
    let kind = q
        .kind
        .as_deref()
        .and_then(|k| ListKind::parse(k).ok())
        .unwrap_or(ListKind::Enterprise);
    render(import_page(&state, &actor, kind.code(), None).await?)
}

async fn import_upload(State(state): State<AppState>, WebUser(actor): WebUser, multipart: Multipart) -> PageResult {
    let upload = match crate::upload::receive(multipart).await {
        Ok(u) => u,
        Err(e) => {
            return Ok((
                http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(
                    import_page(&state, &actor, "enterprise", Some(e.to_string()))
                        .await?
                        .render()?,
                ),
            )
                .into_response());
        }
    };
    check_csrf(&actor, upload.fields.get("_csrf").map(String::as_str).unwrap_or(""))?;
    let kind_text = upload.fields.get("kind").cloned().unwrap_or_default();
    let kind = ListKind::parse(&kind_text).map_err(|e| AppError::invalid("kind", e.to_string()))?;
    // The background job removes the file when it is done.
    let (_, path) = upload.file.keep().map_err(|e| AppError::Internal(e.to_string()))?;
    let req = ImportRequest {
        kind,
        department_code: upload.fields.get("department").cloned().unwrap_or_default(),
        path: path.clone(),
        file_name: upload.file_name,
    };
    match state.app.start_import(&actor, req).await {
        Ok(job) => Ok(Redirect::to(&format!("/imports/{}", job.id)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Forbidden(_))) => {
            let _ = std::fs::remove_file(&path);
            Ok((
                http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(
                    import_page(&state, &actor, kind.code(), Some(e.to_string()))
                        .await?
                        .render()?,
                ),
            )
                .into_response())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            Err(e.into())
        }
    }
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct ImportJobPage {
    frame: Frame,
    j: ImportJobView,
    started: String,
    tone: &'static str,
    list_kind: String,
}

async fn import_job(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    let j = state.app.import_job(&actor, id).await?;
    let list_kind = ListKind::parse(&j.kind)
        .ok()
        .and_then(|k| k.object_kind())
        .map(|k| k.code().to_string())
        .unwrap_or_default();
    render(ImportJobPage {
        frame: Frame::new(&state, &actor, "/objects")
            .crumb("导入名录", Some("/imports/new"))
            .crumb(format!("批次 {id}"), None),
        started: time_or_dash(Some(&j.started_at)),
        tone: job_tone(&j.status),
        list_kind,
        j,
    })
}

async fn import_status(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
) -> Result<axum::Json<ImportJobView>, PageError> {
    Ok(axum::Json(state.app.import_job(&actor, id).await?))
}

async fn import_errors(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    let bytes = state.app.import_error_report(&actor, id).await?;
    Ok(xlsx(&format!("导入问题清单-{id}.xlsx"), bytes))
}

// ---- 认领 ----

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    frame: Frame,
    kind: String,
    kind_label: String,
    tabs: Vec<(&'static str, &'static str)>,
    q: String,
    rows: Vec<spotcheck_app::objects::MasterView>,
    pager: String,
    department_code: String,
    department_name: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct ClaimQuery {
    kind: Option<String>,
    q: Option<String>,
    page: Option<u64>,
}

async fn claim_page(
    state: &AppState,
    actor: &Actor,
    lq: &ClaimQuery,
    error: Option<String>,
) -> Result<ClaimPage, AppError> {
    actor.require(Permission::ManageDirectories)?;
    let kind = object_kind(lq.kind.as_deref());
    let p = state
        .app
        .list_master(
            actor,
            &MasterQuery {
                kind: Some(kind.code().to_string()),
                q: lq.q.clone(),
                department: None,
                page: lq.page,
            },
        )
        .await?;
    let keep = [
        ("kind", kind.code().to_string()),
        ("q", lq.q.clone().unwrap_or_default()),
    ];
    Ok(ClaimPage {
        frame: Frame::new(state, actor, "/objects")
            .crumb("检查对象名录库", Some("/objects"))
            .crumb("从全省名录认领", None),
        kind: kind.code().to_string(),
        kind_label: kind.label().to_string(),
        tabs: ObjectKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        q: lq.q.clone().unwrap_or_default(),
        pager: pager(p.total, p.page, p.page_size, "/claim", &keep),
        rows: p.items,
        department_code: actor.department.code.as_str().to_string(),
        department_name: actor.department.name.clone(),
        error,
    })
}

async fn claim_form(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(lq): Query<ClaimQuery>,
) -> PageResult {
    render(claim_page(&state, &actor, &lq, None).await?)
}

async fn claim(State(state): State<AppState>, f: WebForm<Vec<(String, String)>>) -> PageResult {
    let get = |k: &str| {
        f.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let ids: Vec<i64> = f
        .form
        .iter()
        .filter(|(n, _)| n == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let kind = get("kind");
    let input = ClaimInput {
        department_code: get("department_code"),
        ids,
    };
    match state.app.claim_objects(&f.actor, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/objects?kind={kind}&ok=created")).into_response()),
        Err(AppError::Validation { message, .. }) => {
            let lq = ClaimQuery {
                kind: Some(kind),
                ..Default::default()
            };
            Ok((
                http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(claim_page(&state, &f.actor, &lq, Some(message)).await?.render()?),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
