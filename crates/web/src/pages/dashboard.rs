//! 监管看板 page: a year's figures per department with two bar charts drawn
//! here as inline SVG (the CSP allows no inline script or style, and the
//! closed network no chart library), the overdue list, and the two workbooks:
//! the dashboard itself and the 履职记录 (第二十七条).

use super::{Frame, PageResult, render, thousands};
use crate::AppState;
use crate::download::xlsx;
use crate::extract::WebUser;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Datelike;
use http::{HeaderValue, header};
use serde::Deserialize;
use spotcheck_app::AppError;
use spotcheck_app::dashboard::{DashboardView, DepartmentDashboard, OverdueEntry, percent};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(show))
        .route("/dashboard.xlsx", get(dashboard_xlsx))
        .route("/duty-record.xlsx", get(duty_record_xlsx))
        .route("/duty-record.pdf", get(duty_record_pdf))
}

/// Width of the chart's drawing, in SVG units (scaled to the panel).
const CHART_WIDTH: u32 = 760;
/// Left part of a chart row holding the department's name.
const LABEL_WIDTH: u32 = 230;
/// Right part of a chart row holding the figure.
const VALUE_WIDTH: u32 = 110;
const ROW_HEIGHT: u32 = 24;
const BAR_HEIGHT: u32 = 14;

struct Segment {
    x: u32,
    width: u32,
    fill: &'static str,
    title: String,
}

struct Bar {
    label: String,
    /// The text baseline.
    text_y: u32,
    bar_y: u32,
    segments: Vec<Segment>,
    value: String,
}

struct LegendItem {
    x: u32,
    text_x: u32,
    fill: &'static str,
    name: &'static str,
}

struct Chart {
    title: &'static str,
    /// The drawing's height, legend included.
    height: u32,
    width: u32,
    label_width: u32,
    /// The right edge of the names.
    label_x: u32,
    /// Where the bars' grey track ends.
    track_width: u32,
    value_x: u32,
    bar_height: u32,
    bars: Vec<Bar>,
    legend: Vec<LegendItem>,
    legend_y: u32,
    legend_text_y: u32,
    empty: &'static str,
}

impl Chart {
    fn new(title: &'static str, empty: &'static str, legend: Vec<(&'static str, &'static str)>) -> Self {
        Chart {
            title,
            height: 0,
            width: CHART_WIDTH,
            label_width: LABEL_WIDTH,
            label_x: LABEL_WIDTH - 8,
            track_width: CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH,
            value_x: CHART_WIDTH - VALUE_WIDTH + 8,
            bar_height: BAR_HEIGHT,
            bars: Vec::new(),
            legend: legend
                .into_iter()
                .enumerate()
                .map(|(i, (fill, name))| LegendItem {
                    x: LABEL_WIDTH + i as u32 * 120,
                    text_x: LABEL_WIDTH + i as u32 * 120 + 18,
                    fill,
                    name,
                })
                .collect(),
            legend_y: 0,
            legend_text_y: 0,
            empty,
        }
    }

    /// Adds a row whose segments are (value, colour, name) on a scale of `max`.
    fn push(&mut self, label: String, parts: &[(u64, &'static str, &str)], max: u64, value: String) {
        let span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        let y = self.bars.len() as u32 * ROW_HEIGHT;
        let mut x = LABEL_WIDTH;
        let mut segments = Vec::new();
        for (v, fill, name) in parts {
            if *v == 0 || max == 0 {
                continue;
            }
            // At least one unit wide, so a small figure is still seen.
            let width = ((*v as f64 / max as f64) * span as f64).round().max(1.0) as u32;
            segments.push(Segment {
                x,
                width,
                fill,
                title: format!("{name}：{v}"),
            });
            x += width;
        }
        self.bars.push(Bar {
            label,
            text_y: y + ROW_HEIGHT / 2 + 5,
            bar_y: y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
            segments,
            value,
        });
        let rows = self.bars.len() as u32 * ROW_HEIGHT;
        self.legend_y = rows + 10;
        self.legend_text_y = rows + 21;
        self.height = rows + 28;
    }
}

/// One department's row of the table, as text.
struct Row {
    d: DepartmentDashboard,
    indent: String,
    plan_tag: &'static str,
    tasks: String,
    coverage: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    frame: Frame,
    v: DashboardView,
    rows: Vec<Row>,
    charts: Vec<Chart>,
    overdue: Vec<(OverdueEntry, &'static str)>,
    total_coverage: String,
    xlsx_href: String,
    duty_href: String,
    duty_pdf_href: String,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    year: Option<String>,
    task_id: Option<String>,
}

fn year_of(state: &AppState, raw: Option<&str>) -> Result<i32, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(state.app.today().year()),
        Some(s) => s
            .parse()
            .map_err(|_| AppError::invalid("year", format!("年度“{s}”应为四位数字，如 2026"))),
    }
}

/// The year and the optional task of a 履职记录, as both downloads take them.
fn duty_query(state: &AppState, q: &YearQuery) -> Result<(i32, Option<i64>), AppError> {
    let year = year_of(state, q.year.as_deref())?;
    let task_id = match q.task_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("task_id", format!("任务编号“{s}”无效")))?,
        ),
    };
    Ok((year, task_id))
}

fn plan_tag(code: &str) -> &'static str {
    match code {
        "on_time" => "green",
        "late" | "missing" => "red",
        "pending" => "orange",
        _ => "grey",
    }
}

async fn show(State(state): State<AppState>, WebUser(actor): WebUser, Query(q): Query<YearQuery>) -> PageResult {
    let year = year_of(&state, q.year.as_deref())?;
    let v = state.app.dashboard(&actor, year).await?;

    let mut coverage_chart = Chart::new(
        "检查覆盖率（本年已检查对象占名录对象的比例）",
        "所选范围内的名录暂无检查对象",
        vec![("#2f6fd6", "已检查")],
    );
    let mut overdue_chart = Chart::new(
        "逾期情况（件）",
        "本年度没有逾期公示或逾期处理的异议",
        vec![
            ("#d9363e", "逾期未公示"),
            ("#e6820e", "逾期公示"),
            ("#8a5cc2", "异议处理逾期"),
        ],
    );
    let max_overdue = v
        .departments
        .iter()
        .map(|d| d.results_overdue_unpublished + d.results_published_late + d.objections_overdue)
        .max()
        .unwrap_or(0);
    let mut rows = Vec::with_capacity(v.departments.len());
    for d in &v.departments {
        let objects: u64 = d.coverage.iter().map(|c| c.objects).sum();
        let inspected: u64 = d.coverage.iter().map(|c| c.inspected).sum();
        let indent = "　".repeat(d.depth);
        if objects > 0 {
            let pm = (inspected * 1000).checked_div(objects).unwrap_or(0);
            coverage_chart.push(
                format!("{indent}{}", d.department_name),
                &[(pm, "#2f6fd6", "覆盖率‰")],
                1000,
                format!("{}（{}/{}）", percent(pm), thousands(inspected), thousands(objects)),
            );
        }
        let total = d.results_overdue_unpublished + d.results_published_late + d.objections_overdue;
        if total > 0 {
            overdue_chart.push(
                format!("{indent}{}", d.department_name),
                &[
                    (d.results_overdue_unpublished, "#d9363e", "逾期未公示"),
                    (d.results_published_late, "#e6820e", "逾期公示"),
                    (d.objections_overdue, "#8a5cc2", "异议处理逾期"),
                ],
                max_overdue,
                format!("{total} 件"),
            );
        }
        rows.push(Row {
            indent,
            plan_tag: plan_tag(&d.plan.state.code),
            tasks: d
                .tasks
                .iter()
                .map(|s| format!("{} {}", s.status.label, s.count))
                .collect::<Vec<_>>()
                .join("、"),
            coverage: d
                .coverage
                .iter()
                .filter(|c| c.objects > 0 || c.inspected > 0)
                .map(|c| {
                    (
                        c.kind.label.clone(),
                        format!(
                            "{}/{}（{}）",
                            thousands(c.inspected),
                            thousands(c.objects),
                            percent(c.coverage_permille)
                        ),
                        c.by_risk
                            .iter()
                            .filter(|r| r.objects > 0)
                            .map(|r| format!("{} {}", r.risk_class.label, percent(r.coverage_permille)))
                            .collect::<Vec<_>>()
                            .join(" · "),
                    )
                })
                .collect(),
            d: d.clone(),
        });
    }
    let overdue = v
        .overdue
        .iter()
        .map(|o| {
            let tag = if o.kind.code == "results_late" { "orange" } else { "red" };
            (o.clone(), tag)
        })
        .collect();
    let page = DashboardPage {
        frame: Frame::new(&state, &actor, "/dashboard")
            .crumb("抽查计划与任务", None)
            .crumb("监管看板", None),
        total_coverage: percent(v.totals.coverage_permille),
        xlsx_href: format!("/dashboard.xlsx?year={year}"),
        duty_href: format!("/duty-record.xlsx?year={year}"),
        duty_pdf_href: format!("/duty-record.pdf?year={year}"),
        rows,
        charts: vec![coverage_chart, overdue_chart],
        overdue,
        v,
    };
    render(page)
}

async fn dashboard_xlsx(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = year_of(&state, q.year.as_deref())?;
    let bytes = state.app.dashboard_xlsx(&actor, year).await?;
    Ok(xlsx(&format!("{}监管看板{year}年.xlsx", actor.department.name), bytes))
}

async fn duty_record_xlsx(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let (year, task_id) = duty_query(&state, &q)?;
    let (name, bytes) = state.app.duty_record_xlsx(&actor, task_id, year).await?;
    Ok(xlsx(&name, bytes))
}

async fn duty_record_pdf(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let (year, task_id) = duty_query(&state, &q)?;
    let (name, pdf) = state.app.duty_record_pdf(&actor, task_id, year).await?;
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    crate::download::attachment(h, &name);
    Ok(res)
}
