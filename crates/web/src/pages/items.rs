//! 随机抽查事项清单 pages: the list (every role), an item with its version
//! history, and for the province the forms to add, adjust (a new version) and
//! withdraw an item.

use super::{Frame, PageResult, pager, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use spotcheck_app::actor::local_time;
use spotcheck_app::items::{ItemDetail, ItemInput, ItemQuery, ItemVersionView, NewItemInput, revision_problems};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::item::{FieldError, ItemStatus, check_adjustment};
use spotcheck_domain::role::Permission;
use spotcheck_domain::vocab::{self, InspectionMethod, ItemCategory, Level, ObjectKind};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/items", get(list).post(create))
        .route("/items/new", get(new_form))
        .route("/items/{item_code}", get(show))
        .route("/items/{item_code}/revise", get(revise_form).post(revise))
        .route("/items/{item_code}/withdraw", post(withdraw))
}

/// (value, label) pairs of a closed vocabulary.
fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|t| (code(*t).to_string(), label(*t).to_string()))
        .collect()
}

fn ymd(d: &chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The tag of a version's status: 已撤销 grey, 待生效 orange, 已发布 green.
fn status_tag(v: &ItemVersionView, today: chrono::NaiveDate) -> (&'static str, &'static str) {
    if v.status == ItemStatus::Withdrawn.code() {
        if v.effective_date > today {
            ("待撤销", "orange")
        } else {
            ("已撤销", "grey")
        }
    } else if v.effective_date > today {
        ("待生效", "orange")
    } else {
        ("已发布", "green")
    }
}

fn category_class(code: &str) -> &'static str {
    if code == ItemCategory::Key.code() {
        "blue"
    } else {
        "grey"
    }
}

/// `企业：建筑业企业、工程监理企业`, `从业人员`.
fn object_text(v: &ItemVersionView) -> String {
    if v.enterprise_kinds.is_empty() {
        v.object_kind_label.clone()
    } else {
        format!("{}：{}", v.object_kind_label, v.enterprise_kinds.join("、"))
    }
}

// ---------------------------------------------------------------------------
// List

struct Row {
    code: String,
    name: String,
    sub_item: String,
    category: String,
    category_class: &'static str,
    object: String,
    methods: String,
    ratio: String,
    cap: String,
    levels: String,
    version: i32,
    status: &'static str,
    status_class: &'static str,
    effective: String,
}

#[derive(Template)]
#[template(path = "items.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    pager: String,
    categories: Vec<(String, String)>,
    object_kinds: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    fields: Vec<&'static str>,
    statuses: Vec<(String, String)>,
    q: String,
    category: String,
    object_kind: String,
    level: String,
    field: String,
    status: String,
    can_manage: bool,
    filtered: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    category: Option<String>,
    object_kind: Option<String>,
    level: Option<String>,
    field: Option<String>,
    status: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let query = ItemQuery {
        q: lq.q.clone(),
        category: lq.category.clone(),
        object_kind: lq.object_kind.clone(),
        level: lq.level.clone(),
        field: lq.field.clone(),
        status: lq.status.clone(),
        page: lq.page,
        page_size: Some(super::page_size(lq.page_size, 20)),
    };
    let page = state.app.list_items(&actor, &query).await?;
    let today = state
        .app
        .now()
        .with_timezone(&spotcheck_app::actor::china())
        .date_naive();
    let rows = page
        .items
        .iter()
        .map(|i| {
            let v = &i.current;
            let (status, status_class) = status_tag(v, today);
            Row {
                code: i.code.clone(),
                name: v.name.clone(),
                sub_item: v.sub_item.clone().unwrap_or_default(),
                category: v.category_label.clone(),
                category_class: category_class(&v.category),
                object: object_text(v),
                methods: v.method_labels.join("、"),
                ratio: v.ratio.clone(),
                cap: v.ratio_cap.clone().unwrap_or_default(),
                levels: v.level_labels.join("、"),
                version: v.version,
                status,
                status_class,
                effective: ymd(&v.effective_date),
            }
        })
        .collect();
    let mut keep = vec![
        ("q", s(&lq.q)),
        ("category", s(&lq.category)),
        ("object_kind", s(&lq.object_kind)),
        ("level", s(&lq.level)),
        ("field", s(&lq.field)),
        ("status", s(&lq.status)),
    ];
    let filtered = keep.iter().any(|(_, v)| !v.is_empty());
    keep.push(("page_size", lq.page_size.map(|n| n.to_string()).unwrap_or_default()));
    render(ListPage {
        frame: Frame::new(&state, &actor, "/items")
            .crumb("一单两库", None)
            .crumb("抽查事项清单", None),
        rows,
        pager: pager(page.total, page.page, page.page_size, "/items", &keep),
        categories: options(ItemCategory::ALL, ItemCategory::code, ItemCategory::label),
        object_kinds: options(ObjectKind::ALL, ObjectKind::code, ObjectKind::label),
        levels: options(Level::ALL, Level::code, Level::label),
        fields: vocab::FIELDS.to_vec(),
        statuses: options(ItemStatus::ALL, ItemStatus::code, ItemStatus::label),
        q: s(&lq.q),
        category: s(&lq.category),
        object_kind: s(&lq.object_kind),
        level: s(&lq.level),
        field: s(&lq.field),
        status: s(&lq.status),
        can_manage: actor.may(Permission::ManageItems),
        filtered,
    })
}

// ---------------------------------------------------------------------------
// Detail

struct HistoryRow {
    version: i32,
    status: &'static str,
    status_class: &'static str,
    effective: String,
    published_at: String,
    published_by: String,
    reason: String,
    changes: Vec<String>,
    shown: bool,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ShowPage {
    frame: Frame,
    code: String,
    v: ItemVersionView,
    latest: i32,
    status: &'static str,
    status_class: &'static str,
    category_class: &'static str,
    object: String,
    effective: String,
    published_at: String,
    history: Vec<HistoryRow>,
    can_manage: bool,
    can_audit: bool,
    withdrawn: bool,
    withdraw_reason: String,
    withdraw_date: String,
    withdraw_error: Option<String>,
    withdraw_field: String,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    version: Option<i32>,
    ok: Option<String>,
}

fn detail_page(state: &AppState, actor: &Actor, d: ItemDetail, version: Option<i32>) -> Result<ShowPage, AppError> {
    let today = state
        .app
        .now()
        .with_timezone(&spotcheck_app::actor::china())
        .date_naive();
    let v = match version {
        Some(n) => d
            .versions
            .iter()
            .find(|v| v.version == n)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("事项 {} 没有第{n}版", d.code)))?,
        None => d.current.clone(),
    };
    let (status, status_class) = status_tag(&v, today);
    let history = d
        .versions
        .iter()
        .map(|h| {
            let (status, status_class) = status_tag(h, today);
            HistoryRow {
                version: h.version,
                status,
                status_class,
                effective: ymd(&h.effective_date),
                published_at: local_time(&h.published_at),
                published_by: if h.published_by_name == h.published_by || h.published_by == "system" {
                    h.published_by_name.clone()
                } else {
                    format!("{}（{}）", h.published_by_name, h.published_by)
                },
                reason: h.change_reason.clone(),
                changes: h.changes.clone(),
                shown: h.version == v.version,
            }
        })
        .collect();
    Ok(ShowPage {
        frame: Frame::new(state, actor, "/items")
            .crumb("抽查事项清单", Some("/items"))
            .crumb(d.code.clone(), None),
        code: d.code.clone(),
        latest: d.current.version,
        status,
        status_class,
        category_class: category_class(&v.category),
        object: object_text(&v),
        effective: ymd(&v.effective_date),
        published_at: local_time(&v.published_at),
        history,
        can_manage: actor.may(Permission::ManageItems),
        can_audit: actor.may(Permission::ReadAudit),
        withdrawn: d.current.status == ItemStatus::Withdrawn.code(),
        withdraw_reason: String::new(),
        withdraw_date: ymd(&today.max(d.current.effective_date)),
        withdraw_error: None,
        withdraw_field: String::new(),
        v,
    })
}

async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(code): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let d = state.app.get_item(&actor, &code).await?;
    let (code, latest) = (d.code.clone(), d.current.version);
    let mut page = detail_page(&state, &actor, d, q.version)?;
    page.frame.notice = match q.ok.as_deref() {
        Some("created") => Some(format!("已新增事项 {code}，发布第1版。")),
        Some("revised") => Some(format!("已发布第{latest}版，原版本保留不变。")),
        Some("withdrawn") => Some(format!("事项已撤销（第{latest}版），历史版本保留。")),
        _ => None,
    };
    render(page)
}

// ---------------------------------------------------------------------------
// Forms

struct Choice {
    value: String,
    label: String,
    checked: bool,
}

fn choices(all: &[(String, String)], picked: &[String]) -> Vec<Choice> {
    all.iter()
        .map(|(value, label)| Choice {
            value: value.clone(),
            label: label.clone(),
            checked: picked.iter().any(|p| p == value || p == label),
        })
        .collect()
}

fn terms(all: &[&str], picked: &[String]) -> Vec<Choice> {
    let pairs: Vec<(String, String)> = all.iter().map(|t| (t.to_string(), t.to_string())).collect();
    choices(&pairs, picked)
}

#[derive(Template)]
#[template(path = "item_form.html")]
struct FormPage {
    frame: Frame,
    heading: String,
    action: String,
    cancel: String,
    revising: bool,
    /// `ZJ001 第2版`, for the revise form.
    based_on: String,
    v: ItemInput,
    check_points: String,
    legal_basis: String,
    categories: Vec<Choice>,
    object_kinds: Vec<(String, String)>,
    enterprise_kinds: Vec<Choice>,
    methods: Vec<Choice>,
    levels: Vec<Choice>,
    fields: Vec<Choice>,
    reason: String,
    effective_date: String,
    error: Option<String>,
    /// (field, message).
    errors: Vec<(String, String)>,
}

impl FormPage {
    /// The messages for one field, one per line.
    fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

struct FormSpec<'a> {
    code: Option<&'a str>,
    based_on: String,
    v: ItemInput,
    reason: String,
    effective_date: String,
}

fn form_page(state: &AppState, actor: &Actor, f: FormSpec<'_>) -> Result<FormPage, AppError> {
    actor.require(Permission::ManageItems)?;
    let (heading, action, cancel) = match f.code {
        Some(c) => (
            format!("调整抽查事项 {c}"),
            format!("/items/{c}/revise"),
            format!("/items/{c}"),
        ),
        None => ("新增抽查事项".to_string(), "/items".to_string(), "/items".to_string()),
    };
    let mut frame = Frame::new(state, actor, "/items").crumb("抽查事项清单", Some("/items"));
    if let Some(c) = f.code {
        frame = frame.crumb(c.to_string(), Some(&format!("/items/{c}")));
    }
    frame = frame.crumb(
        if f.code.is_some() {
            "发布调整版本"
        } else {
            "新增事项"
        },
        None,
    );
    let v = f.v;
    Ok(FormPage {
        frame,
        heading,
        action,
        cancel,
        revising: f.code.is_some(),
        based_on: f.based_on,
        check_points: v.check_points.join("\n"),
        legal_basis: v.legal_basis.join("\n"),
        categories: choices(
            &options(ItemCategory::ALL, ItemCategory::code, ItemCategory::label),
            std::slice::from_ref(&v.category),
        ),
        object_kinds: options(ObjectKind::ALL, ObjectKind::code, ObjectKind::label),
        enterprise_kinds: terms(vocab::ENTERPRISE_KINDS, &v.enterprise_kinds),
        methods: choices(
            &options(InspectionMethod::ALL, InspectionMethod::code, InspectionMethod::label),
            &v.methods,
        ),
        levels: choices(&options(Level::ALL, Level::code, Level::label), &v.levels),
        fields: terms(vocab::FIELDS, &v.fields),
        v,
        reason: f.reason,
        effective_date: f.effective_date,
        error: None,
        errors: Vec::new(),
    })
}

/// The submitted form: repeated keys (checkboxes) become lists.
struct Submitted {
    item: ItemInput,
    reason: String,
    effective_date: String,
}

fn submitted(pairs: &[(String, String)]) -> Submitted {
    let mut item = ItemInput::default();
    let (mut reason, mut effective_date) = (String::new(), String::new());
    for (k, v) in pairs {
        match k.as_str() {
            "name" => item.name = v.clone(),
            "sub_item" => item.sub_item = v.clone(),
            "category" => item.category = v.clone(),
            "object_kind" => item.object_kind = v.clone(),
            "enterprise_kinds" => item.enterprise_kinds.push(v.clone()),
            "check_points" => item.check_points.push(v.clone()),
            "methods" => item.methods.push(v.clone()),
            "ratio" => item.ratio = v.clone(),
            "ratio_cap" => item.ratio_cap = v.clone(),
            "frequency" => item.frequency = v.clone(),
            "levels" => item.levels.push(v.clone()),
            "legal_basis" => item.legal_basis.push(v.clone()),
            "fields" => item.fields.push(v.clone()),
            "reason" => reason = v.clone(),
            "effective_date" => effective_date = v.clone(),
            _ => {}
        }
    }
    Submitted {
        item,
        reason,
        effective_date,
    }
}

/// Shows the form again with the messages under their fields (422).
fn with_errors(mut page: FormPage, e: AppError, problems: Vec<FieldError>) -> PageResult {
    match e {
        AppError::Validation { field, message } => {
            if problems.is_empty() {
                page.error = Some(message.clone());
                page.errors = vec![(field, message)];
            } else {
                page.error = Some(format!(
                    "有{}处需要修改，请按下方标红的提示修改后再提交。",
                    problems.len()
                ));
                page.errors = problems.into_iter().map(|p| (p.field.to_string(), p.message)).collect();
            }
        }
        AppError::Conflict(m) => page.error = Some(m),
        other => return Err(other.into()),
    }
    Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

async fn new_form(State(state): State<AppState>, WebUser(actor): WebUser) -> PageResult {
    let today = state
        .app
        .now()
        .with_timezone(&spotcheck_app::actor::china())
        .date_naive();
    let v = ItemInput {
        category: ItemCategory::General.code().to_string(),
        object_kind: ObjectKind::Enterprise.code().to_string(),
        frequency: "每年一次".to_string(),
        ..Default::default()
    };
    render(form_page(
        &state,
        &actor,
        FormSpec {
            code: None,
            based_on: String::new(),
            v,
            reason: String::new(),
            effective_date: ymd(&today),
        },
    )?)
}

async fn create(State(state): State<AppState>, f: WebForm<Vec<(String, String)>>) -> PageResult {
    let s = submitted(&f.form);
    let input = NewItemInput {
        item: s.item.clone(),
        effective_date: s.effective_date.clone(),
        reason: String::new(),
    };
    match state.app.create_item(&f.actor, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/items/{}?ok=created", d.code)).into_response()),
        Err(e) => {
            let mut problems = s.item.draft().validate().err().unwrap_or_default();
            if !s.effective_date.trim().is_empty() {
                problems.extend(
                    check_adjustment("新增", &s.effective_date, None)
                        .err()
                        .unwrap_or_default(),
                );
            }
            let page = form_page(
                &state,
                &f.actor,
                FormSpec {
                    code: None,
                    based_on: String::new(),
                    v: s.item,
                    reason: String::new(),
                    effective_date: s.effective_date,
                },
            )?;
            with_errors(page, e, problems)
        }
    }
}

async fn revise_form(State(state): State<AppState>, WebUser(actor): WebUser, Path(code): Path<String>) -> PageResult {
    actor.require(Permission::ManageItems)?;
    let d = state.app.get_item(&actor, &code).await?;
    if d.current.status == ItemStatus::Withdrawn.code() {
        return Err(AppError::Conflict(format!("事项 {} 已撤销，不能再调整；如需恢复，请新增事项", d.code)).into());
    }
    let v = current_input(&d);
    let today = state
        .app
        .now()
        .with_timezone(&spotcheck_app::actor::china())
        .date_naive();
    let effective = today.max(d.current.effective_date);
    render(form_page(
        &state,
        &actor,
        FormSpec {
            code: Some(&d.code),
            based_on: format!("第{}版（{}起施行）", d.current.version, ymd(&d.current.effective_date)),
            v,
            reason: String::new(),
            effective_date: ymd(&effective),
        },
    )?)
}

/// The form values of the current version.
fn current_input(d: &ItemDetail) -> ItemInput {
    let v = &d.current;
    ItemInput {
        name: v.name.clone(),
        sub_item: v.sub_item.clone().unwrap_or_default(),
        category: v.category.clone(),
        object_kind: v.object_kind.clone(),
        enterprise_kinds: v.enterprise_kinds.clone(),
        check_points: vec![v.check_points.join("\n")],
        methods: v.methods.clone(),
        ratio: v.ratio.clone(),
        ratio_cap: v.ratio_cap.clone().unwrap_or_default(),
        frequency: v.frequency.clone(),
        levels: v.levels.clone(),
        legal_basis: vec![
            v.legal_basis
                .iter()
                .map(|b| b.text.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        ],
        fields: v.fields.clone(),
    }
}

async fn revise(
    State(state): State<AppState>,
    Path(code): Path<String>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let s = submitted(&f.form);
    match state
        .app
        .revise_item(&f.actor, &code, &s.item, &s.reason, &s.effective_date)
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/items/{}?ok=revised", d.code)).into_response()),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden(_))) => Err(e.into()),
        Err(e) => {
            let d = state.app.get_item(&f.actor, &code).await?;
            let problems = revision_problems(&s.item, &s.reason, &s.effective_date, Some(d.current.effective_date));
            let page = form_page(
                &state,
                &f.actor,
                FormSpec {
                    code: Some(&d.code),
                    based_on: format!("第{}版（{}起施行）", d.current.version, ymd(&d.current.effective_date)),
                    v: s.item,
                    reason: s.reason,
                    effective_date: s.effective_date,
                },
            )?;
            with_errors(page, e, problems)
        }
    }
}

async fn withdraw(
    State(state): State<AppState>,
    Path(code): Path<String>,
    f: WebForm<Vec<(String, String)>>,
) -> PageResult {
    let s = submitted(&f.form);
    match state
        .app
        .withdraw_item(&f.actor, &code, &s.reason, &s.effective_date)
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/items/{}?ok=withdrawn", d.code)).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let d = state.app.get_item(&f.actor, &code).await?;
            let mut page = detail_page(&state, &f.actor, d, None)?;
            match e {
                AppError::Validation { field, message } => {
                    page.withdraw_field = field;
                    page.withdraw_error = Some(message);
                }
                other => page.withdraw_error = Some(other.to_string()),
            }
            page.withdraw_reason = s.reason;
            page.withdraw_date = s.effective_date;
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
