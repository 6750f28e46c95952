//! 专家库 pages.

use super::{Frame, PageResult, department_options, pager, render};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;
use spotcheck_app::inspectors::{EXPERT_ORGANISATION_KINDS, ExpertInput, ExpertView};
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::role::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/experts", get(list).post(create))
        .route("/experts/new", get(new_form))
        .route("/experts/{expert_id}", get(edit_form).post(update))
}

#[derive(Template)]
#[template(path = "experts.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<ExpertView>,
    pager: String,
    q: String,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<u64>,
    ok: Option<String>,
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let page = state
        .app
        .list_experts(&actor, lq.q.as_deref(), lq.page.unwrap_or(1))
        .await?;
    let keep = [("q", lq.q.clone().unwrap_or_default())];
    render(ListPage {
        frame: Frame::new(&state, &actor, "/experts")
            .crumb("专家库", None)
            .notice_from(lq.ok.as_deref()),
        pager: pager(page.total, page.page, page.page_size, "/experts", &keep),
        rows: page.items,
        q: lq.q.unwrap_or_default(),
        can_manage: actor.may(Permission::ManageDirectories),
    })
}

#[derive(Default)]
struct Values {
    name: String,
    organisation: String,
    organisation_kind: String,
    expertise: String,
    phone: String,
    department_code: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "expert_form.html")]
struct FormPage {
    frame: Frame,
    heading: String,
    action: String,
    editing: bool,
    v: Values,
    kinds: Vec<&'static str>,
    departments: Vec<(String, String)>,
    error: Option<String>,
    field: String,
    field_error: String,
}

async fn form_page(state: &AppState, actor: &Actor, id: Option<i64>, v: Values) -> Result<FormPage, AppError> {
    actor.require(Permission::ManageDirectories)?;
    let depts = state.app.list_departments(actor).await?;
    let heading = if id.is_some() { "编辑专家" } else { "新增专家" }.to_string();
    Ok(FormPage {
        frame: Frame::new(state, actor, "/experts")
            .crumb("专家库", Some("/experts"))
            .crumb(heading.clone(), None),
        action: id
            .map(|i| format!("/experts/{i}"))
            .unwrap_or_else(|| "/experts".to_string()),
        heading,
        editing: id.is_some(),
        v,
        kinds: EXPERT_ORGANISATION_KINDS.to_vec(),
        departments: department_options(&depts),
        error: None,
        field: String::new(),
        field_error: String::new(),
    })
}

fn with_error(mut page: FormPage, e: AppError) -> PageResult {
    match e {
        AppError::Validation { field, message } => {
            page.field = field;
            page.field_error = message.clone();
            page.error = Some(message);
        }
        other => return Err(other.into()),
    }
    Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

async fn new_form(State(state): State<AppState>, WebUser(actor): WebUser) -> PageResult {
    let v = Values {
        organisation_kind: EXPERT_ORGANISATION_KINDS[0].to_string(),
        department_code: actor.department.code.as_str().to_string(),
        active: true,
        ..Default::default()
    };
    render(form_page(&state, &actor, None, v).await?)
}

#[derive(Deserialize)]
pub struct ExpertForm {
    name: String,
    organisation: String,
    organisation_kind: String,
    expertise: String,
    #[serde(default)]
    phone: String,
    department_code: String,
    #[serde(default)]
    active: Option<String>,
}

impl ExpertForm {
    fn input(&self) -> ExpertInput {
        ExpertInput {
            department_code: self.department_code.clone(),
            name: self.name.clone(),
            organisation: self.organisation.clone(),
            organisation_kind: self.organisation_kind.clone(),
            expertise: self.expertise.clone(),
            phone: self.phone.clone(),
            active: self.active.as_deref() != Some("false"),
        }
    }

    fn values(&self) -> Values {
        Values {
            name: self.name.clone(),
            organisation: self.organisation.clone(),
            organisation_kind: self.organisation_kind.clone(),
            expertise: self.expertise.clone(),
            phone: self.phone.clone(),
            department_code: self.department_code.clone(),
            active: self.active.as_deref() != Some("false"),
        }
    }
}

async fn create(State(state): State<AppState>, f: WebForm<ExpertForm>) -> PageResult {
    match state.app.create_expert(&f.actor, &f.form.input()).await {
        Ok(_) => Ok(Redirect::to("/experts?ok=created").into_response()),
        Err(e) => with_error(form_page(&state, &f.actor, None, f.form.values()).await?, e),
    }
}

async fn edit_form(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<i64>) -> PageResult {
    actor.require(Permission::ManageDirectories)?;
    let e = state.app.get_expert(&actor, id).await?;
    let v = Values {
        name: e.name,
        organisation: e.organisation,
        organisation_kind: e.organisation_kind,
        expertise: e.expertise,
        phone: e.phone,
        department_code: e.department_code,
        active: e.active,
    };
    render(form_page(&state, &actor, Some(id), v).await?)
}

async fn update(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<ExpertForm>) -> PageResult {
    match state.app.update_expert(&f.actor, id, &f.form.input()).await {
        Ok(_) => Ok(Redirect::to("/experts?ok=saved").into_response()),
        Err(e @ AppError::NotFound(_)) => Err(e.into()),
        Err(e) => with_error(form_page(&state, &f.actor, Some(id), f.form.values()).await?, e),
    }
}
