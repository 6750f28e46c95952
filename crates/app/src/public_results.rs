//! The public search of published results (一公开, 第二十三条): without login,
//! by enterprise name or 统一社会信用代码, project, department, item, type and
//! date. Only the current version of results that are not withheld leaves
//! this module; withheld ones are only counted.

use crate::plans::Term;
use crate::publication::{PublicResultView, public_view, term};
use crate::{App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::publication::MAX_NAME;
use spotcheck_domain::task::TaskKind;
use spotcheck_store::public_search::{self, PublicQuery};
use spotcheck_store::publication as store;
use utoipa::{IntoParams, ToSchema};

/// Results per page of the public search.
pub const PER_PAGE: u64 = 20;
/// The deepest page served: beyond it, the search must be narrowed.
pub const MAX_PAGE: u64 = 500;

/// A public search. Every field is optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct PublicSearch {
    /// 检查对象: part of a name, or a whole 统一社会信用代码 / 项目代码 / 证书编号.
    #[serde(default)]
    pub q: String,
    /// 检查实施机关: a department code or part of its name.
    #[serde(default)]
    pub department: String,
    /// 检查事项: part of an item's name.
    #[serde(default)]
    pub item: String,
    /// 检查类型: `double_random` / `joint` (or the Chinese label).
    #[serde(default)]
    pub kind: String,
    /// 检查日期 from (`2026-01-01`).
    #[serde(default)]
    pub from: String,
    /// 检查日期 to.
    #[serde(default)]
    pub to: String,
    /// 1-based.
    #[serde(default)]
    pub page: Option<u64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicResultsPage {
    pub results: Vec<PublicResultView>,
    pub page: u64,
    pub per_page: u64,
    /// Another page follows.
    pub more: bool,
}

/// One correction as the public sees it: when and why.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicCorrection {
    pub version: i32,
    pub result: Term,
    pub reason: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicResultDetail {
    pub result: PublicResultView,
    /// Versions after the first, oldest first.
    pub corrections: Vec<PublicCorrection>,
}

/// A task's published results: those shown and how many are withheld.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicTaskResults {
    pub task_id: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub results: Vec<PublicResultView>,
    /// 依法不予公开: counted, not shown.
    pub withheld: usize,
}

fn date(field: &str, label: &str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("{label}“{s}”应为“年-月-日”，如 2026-05-20")))
}

fn short(field: &str, label: &str, raw: &str) -> Result<String, AppError> {
    let s = raw.trim();
    if s.chars().count() > MAX_NAME {
        return Err(AppError::invalid(field, format!("{label}最多 {MAX_NAME} 个字")));
    }
    Ok(s.to_string())
}

impl App {
    /// One page of the public search, newest inspection first.
    pub async fn public_results(&self, s: &PublicSearch) -> Result<PublicResultsPage, AppError> {
        let page = s.page.unwrap_or(1).max(1);
        if page > MAX_PAGE {
            return Err(AppError::invalid(
                "page",
                format!("最多翻到第 {MAX_PAGE} 页，请增加查询条件缩小范围"),
            ));
        }
        let kind = match s.kind.trim() {
            "" => String::new(),
            k => TaskKind::parse(k)
                .map_err(|e| AppError::invalid("kind", e.to_string()))?
                .code()
                .to_string(),
        };
        let from = date("from", "检查日期起", &s.from)?;
        let to = date("to", "检查日期止", &s.to)?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::invalid("from", "检查日期起不能晚于检查日期止"));
        }
        let q = PublicQuery {
            q: short("q", "检查对象", &s.q)?,
            department: short("department", "检查实施机关", &s.department)?,
            item: short("item", "检查事项", &s.item)?,
            kind,
            from,
            to,
            offset: (page - 1) * PER_PAGE,
            limit: PER_PAGE,
        };
        let (rows, more) = public_search::search_public(self.store(), &self.inner.gram_counts, &q).await?;
        Ok(PublicResultsPage {
            results: rows.into_iter().map(public_view).collect(),
            page,
            per_page: PER_PAGE,
            more,
        })
    }

    /// A published result (not withheld) with its corrections.
    pub async fn public_result(&self, inspection_id: i64) -> Result<PublicResultDetail, AppError> {
        let db = self.store().conn();
        let row = store::public_result(db, inspection_id)
            .await?
            .filter(|r| !r.withheld)
            .ok_or_else(|| AppError::NotFound("未找到该公开信息".into()))?;
        let labels: std::collections::HashMap<String, String> = spotcheck_store::inspections::categories(db, false)
            .await?
            .into_iter()
            .map(|c| (c.code, c.label))
            .collect();
        let corrections = store::versions_of(db, inspection_id)
            .await?
            .into_iter()
            .filter(|v| v.version > 1)
            .map(|v| PublicCorrection {
                version: v.version,
                result: term(
                    &v.result_category,
                    labels.get(&v.result_category).map(String::as_str).unwrap_or_default(),
                ),
                reason: v.reason,
                published_at: v.published_at,
            })
            .collect();
        Ok(PublicResultDetail {
            result: public_view(row),
            corrections,
        })
    }

    /// The published results of a task (empty before publication).
    pub async fn public_task_results(&self, task_id: i64) -> Result<PublicTaskResults, AppError> {
        let db = self.store().conn();
        let publication = store::task_publication(db, task_id).await?;
        let rows = store::public_results_of_task(db, task_id).await?;
        let withheld = rows.iter().filter(|r| r.withheld).count();
        Ok(PublicTaskResults {
            task_id,
            published_at: publication.map(|p| p.published_at),
            results: rows.into_iter().filter(|r| !r.withheld).map(public_view).collect(),
            withheld,
        })
    }
}
