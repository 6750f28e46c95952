//! 第三条 pages: the inspections outside 双随机 of the jurisdiction (filters by
//! case and year, the year's figures per case, the 登记 form) and one record
//! with its item results and the 作废 form. Every rule is in the app layer; a
//! refused form shows the page again with the reason and the values entered.

use super::{Frame, PageResult, pager, render, time_or_dash};
use crate::AppState;
use crate::extract::{WebForm, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Datelike;
use serde::Deserialize;
use spotcheck_app::outside::{
    NewOutsideInput, OutsideDetail, OutsideFigures, OutsideItemInput, OutsideQuery, OutsideView, VoidInput,
};
use spotcheck_app::plans::PlannableItem;
use spotcheck_app::{Actor, AppError};
use spotcheck_domain::outside::ItemResult;
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::OutsideRandomReason;
use spotcheck_domain::vocab::ObjectKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outside-inspections", get(list).post(create))
        .route("/outside-inspections/{outside_id}", get(show))
        .route("/outside-inspections/{outside_id}/void", post(void))
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "已登记。本次检查不计入随机抽查统计和年度抽查次数；结果为“符合”的事项，本年度内不再对该对象抽取（第十二条）。",
            "voided" => "已作废。该记录保留备查，不再计入统计，也不再作为第十二条排除的依据。",
            _ => return None,
        }
        .to_string(),
    )
}

// ---------------------------------------------------------------------------
// List and the 登记 form

struct Row {
    v: OutsideView,
    results: String,
}

impl Row {
    fn of(v: OutsideView) -> Self {
        let count = |r: ItemResult| v.items.iter().filter(|i| i.result.code == r.code()).count();
        let mut parts = Vec::new();
        for r in ItemResult::ALL {
            let n = count(*r);
            if n > 0 {
                parts.push(format!("{}{n}项", r.label()));
            }
        }
        Self {
            results: parts.join("，"),
            v,
        }
    }
}

/// The values of the 登记 form (kept when it is refused).
#[derive(Default)]
struct FormValues {
    object_kind: String,
    object_code: String,
    reason: String,
    basis: String,
    inspection_date: String,
    inspectors: String,
    note: String,
    /// (item version id, result code)
    results: Vec<(i64, String)>,
}

impl FormValues {
    fn from_form(form: &[(String, String)]) -> Self {
        let mut v = Self::default();
        for (k, val) in form {
            match k.as_str() {
                "object_kind" => v.object_kind = val.clone(),
                "object_code" => v.object_code = val.clone(),
                "reason" => v.reason = val.clone(),
                "basis" => v.basis = val.clone(),
                "inspection_date" => v.inspection_date = val.clone(),
                "inspectors" => v.inspectors = val.clone(),
                "note" => v.note = val.clone(),
                other => {
                    if let Some(id) = other.strip_prefix("result_").and_then(|id| id.parse::<i64>().ok())
                        && !val.trim().is_empty()
                    {
                        v.results.push((id, val.clone()));
                    }
                }
            }
        }
        v
    }

    fn input(&self) -> NewOutsideInput {
        NewOutsideInput {
            object_id: None,
            object_kind: self.object_kind.clone(),
            object_code: self.object_code.clone(),
            reason: self.reason.clone(),
            basis: self.basis.clone(),
            inspection_date: self.inspection_date.clone(),
            inspectors: self.inspectors.clone(),
            note: self.note.clone(),
            items: self
                .results
                .iter()
                .map(|(id, r)| OutsideItemInput {
                    item_version_id: *id,
                    result: r.clone(),
                })
                .collect(),
        }
    }

    fn result_of(&self, version_id: &i64) -> &str {
        self.results
            .iter()
            .find(|(id, _)| id == version_id)
            .map(|(_, r)| r.as_str())
            .unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "outside_list.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    pager: String,
    figures: OutsideFigures,
    years: Vec<i32>,
    reasons: Vec<(String, String, String)>,
    f_reason: String,
    f_year: String,
    f_voided: String,
    filtered: bool,
    can_record: bool,
    kinds: Vec<(String, String)>,
    items: Vec<PlannableItem>,
    results: Vec<(String, String)>,
    form: FormValues,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    reason: Option<String>,
    year: Option<String>,
    voided: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    ok: Option<String>,
}

async fn list_page(state: &AppState, actor: &Actor, lq: &ListQuery) -> Result<ListPage, AppError> {
    let year = lq.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    let f_reason = lq.reason.clone().unwrap_or_default();
    let f_voided = lq.voided.clone().unwrap_or_default();
    let q = OutsideQuery {
        reason: Some(f_reason.clone()).filter(|s| !s.trim().is_empty()),
        year,
        voided: match f_voided.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        page: lq.page,
        page_size: Some(super::page_size(lq.page_size, 20)),
    };
    let p = state.app.list_outside_inspections(actor, &q).await?;
    let keep = [
        ("reason", f_reason.clone()),
        ("year", year.map(|y| y.to_string()).unwrap_or_default()),
        ("voided", f_voided.clone()),
        ("page_size", p.page_size.to_string()),
    ];
    let today = state.app.today();
    let figures = state.app.outside_figures(actor, year.unwrap_or(today.year())).await?;
    let can_record = actor.may(Permission::ManageTasks);
    let items = if can_record {
        state.app.plannable_items(actor).await?
    } else {
        Vec::new()
    };
    Ok(ListPage {
        frame: Frame::new(state, actor, "/outside-inspections")
            .crumb("抽查计划与任务", None)
            .crumb("不适用双随机的检查", None),
        pager: pager(p.total, p.page, p.page_size, "/outside-inspections", &keep),
        rows: p.items.into_iter().map(Row::of).collect(),
        figures,
        years: state.app.outside_years(actor).await?,
        reasons: OutsideRandomReason::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string(), r.clause().to_string()))
            .collect(),
        filtered: !f_reason.is_empty() || year.is_some() || !f_voided.is_empty(),
        f_reason,
        f_year: year.map(|y| y.to_string()).unwrap_or_default(),
        f_voided,
        can_record,
        kinds: ObjectKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string()))
            .collect(),
        items,
        results: ItemResult::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string()))
            .collect(),
        form: FormValues {
            object_kind: ObjectKind::Enterprise.code().to_string(),
            inspection_date: today.to_string(),
            ..Default::default()
        },
        today: today.to_string(),
        error: None,
    })
}

async fn list(State(state): State<AppState>, WebUser(actor): WebUser, Query(lq): Query<ListQuery>) -> PageResult {
    let mut page = list_page(&state, &actor, &lq).await?;
    page.frame.notice = notice(lq.ok.as_deref());
    render(page)
}

async fn create(State(state): State<AppState>, f: WebForm<Vec<(String, String)>>) -> PageResult {
    let values = FormValues::from_form(&f.form);
    match state.app.record_outside_inspection(&f.actor, &values.input()).await {
        Ok(d) => Ok(Redirect::to(&format!("/outside-inspections/{}?ok=created", d.inspection.id)).into_response()),
        Err(e @ AppError::Validation { .. }) => {
            let mut page = list_page(&state, &f.actor, &ListQuery::default()).await?;
            page.error = Some(e.to_string());
            page.form = values;
            Ok((http::StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// One record and its 作废

#[derive(Template)]
#[template(path = "outside.html")]
struct ShowPage {
    frame: Frame,
    d: OutsideDetail,
    created_at: String,
    voided_at: String,
    reason: String,
    error: Option<String>,
}

async fn show_page(state: &AppState, actor: &Actor, id: i64) -> Result<ShowPage, AppError> {
    let d = state.app.get_outside_inspection(actor, id).await?;
    Ok(ShowPage {
        frame: Frame::new(state, actor, "/outside-inspections")
            .crumb("抽查计划与任务", None)
            .crumb("不适用双随机的检查", Some("/outside-inspections"))
            .crumb(
                format!("{} {}", d.inspection.inspection_date, d.inspection.object_name),
                None,
            ),
        created_at: spotcheck_app::actor::local_time(&d.inspection.created_at),
        voided_at: time_or_dash(d.inspection.voided_at.as_ref()),
        reason: String::new(),
        error: None,
        d,
    })
}

async fn show(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<i64>,
    Query(q): Query<super::OkQuery>,
) -> PageResult {
    let mut page = show_page(&state, &actor, id).await?;
    page.frame.notice = notice(q.ok.as_deref());
    render(page)
}

#[derive(Deserialize, Default)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

async fn void(State(state): State<AppState>, Path(id): Path<i64>, f: WebForm<VoidForm>) -> PageResult {
    let input = VoidInput {
        reason: f.form.reason.clone(),
    };
    match state.app.void_outside_inspection(&f.actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/outside-inspections/{id}?ok=voided")).into_response()),
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) => {
            let status = crate::error::status_of(&e);
            let mut page = show_page(&state, &f.actor, id).await?;
            page.error = Some(e.to_string());
            page.reason = f.form.reason.clone();
            Ok((status, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_keep_only_chosen_results() {
        let form = vec![
            ("reason".to_string(), "投诉举报".to_string()),
            ("result_7".to_string(), "compliant".to_string()),
            ("result_8".to_string(), "".to_string()),
            ("result_x".to_string(), "compliant".to_string()),
        ];
        let v = FormValues::from_form(&form);
        assert_eq!(v.results, vec![(7, "compliant".to_string())]);
        assert_eq!(v.result_of(&7), "compliant");
        assert_eq!(v.result_of(&8), "");
        assert_eq!(v.input().items.len(), 1);
    }
}
