//! 第三条: inspections outside 双随机 as use cases. A department records an
//! inspection the rules take out of the random draw (上级专门部署, 投诉举报 /
//! 大数据监测 / 履职发现, 转办交办督办, 突发安全生产事件, 其他) with its reason,
//! its basis (依据) and the result of each item; a wrong record is voided
//! (作废) with a reason, never edited or deleted.
//!
//! Such records are not draws and never count in the draw statistics or
//! toward 第十四条's two per year; a 符合 result still spares the object that
//! item for the rest of the year (第十二条, through
//! `store::outside::compliant_item_codes`). They have their own figures
//! ([`App::outside_figures`]).
//!
//! Recording and voiding need 管理任务 (`ManageTasks`); reading needs
//! `ViewPlans`. A record belongs to the recording department and is visible
//! in the jurisdictions that contain it.

use crate::audit::{By, Change, record};
use crate::plans::Term;
use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::item::{FieldError, ItemStatus};
use spotcheck_domain::outside::{self as rules, ItemResult};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::OutsideRandomReason;
use spotcheck_domain::vocab::ObjectKind;
use spotcheck_store::items;
use spotcheck_store::objects::{self, ObjectRow};
use spotcheck_store::outside::{self, NewOutside, NewOutsideItem, OutsideFilter, OutsideItemRow, OutsideRow};
use spotcheck_store::{ConnectionTrait, StoreError};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// The result of one item as entered.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct OutsideItemInput {
    /// The id of the item's current version (`GET /api/v1/plans/items` lists them).
    pub item_version_id: i64,
    /// `compliant` (符合), `noncompliant` (不符合) or `not_applicable` (不适用); the labels are accepted too.
    #[serde(default)]
    pub result: String,
}

/// An inspection outside 双随机 to record.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewOutsideInput {
    /// The object's id in a directory of the jurisdiction; or give `object_kind` and `object_code`.
    #[serde(default)]
    pub object_id: Option<i64>,
    /// `enterprise` / `practitioner` / `project` (or 企业 / 从业人员 / 工程项目).
    #[serde(default)]
    pub object_kind: String,
    /// 统一社会信用代码, 注册证书编号 or 项目代码.
    #[serde(default)]
    pub object_code: String,
    /// 第三条's case: `superior_deployment`, `complaint_or_discovery`, `referred_case`,
    /// `safety_incident`, `other` (or the Chinese labels).
    #[serde(default)]
    pub reason: String,
    /// 依据: the deployment document number, the complaint number, the 交办单号, the incident.
    #[serde(default)]
    pub basis: String,
    /// `2026-11-20`: not in the future, not before 2000.
    #[serde(default)]
    pub inspection_date: String,
    /// Names and 执法证号 of those who inspected.
    #[serde(default)]
    pub inspectors: String,
    #[serde(default)]
    pub note: String,
    /// At least one item with its result.
    #[serde(default)]
    pub items: Vec<OutsideItemInput>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct VoidInput {
    /// Why the record is void (required).
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutsideQuery {
    /// A reason code or label.
    pub reason: Option<String>,
    /// The year of the inspection date.
    pub year: Option<i32>,
    /// `false`: only records in force; `true`: only voided ones; all when absent.
    pub voided: Option<bool>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// One item's result as shown.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OutsideItemView {
    pub item_id: i64,
    pub item_version_id: i64,
    pub item_code: String,
    pub item_version: i32,
    pub item_title: String,
    pub category: Term,
    pub result: Term,
}

/// A recorded inspection outside 双随机.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OutsideView {
    pub id: i64,
    pub department_code: String,
    pub department_name: String,
    pub object_id: i64,
    pub object_kind: Term,
    pub object_code: String,
    pub object_name: String,
    pub reason: Term,
    /// `第三条第（二）项`.
    pub clause: String,
    pub basis: String,
    pub inspection_date: NaiveDate,
    pub inspectors: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// 作废: the record no longer counts anywhere.
    pub voided: bool,
    pub voided_at: Option<DateTime<Utc>>,
    pub voided_by: String,
    pub void_reason: String,
    pub items: Vec<OutsideItemView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OutsideDetail {
    pub inspection: OutsideView,
    /// The current user may void it (作废).
    pub can_void: bool,
}

/// Records in force of one 第三条 case in a year.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReasonCount {
    pub reason: Term,
    pub clause: String,
    pub count: u64,
}

/// The figures of inspections outside 双随机 in a year, their own category
/// beside the random draws.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OutsideFigures {
    pub year: i32,
    pub total: u64,
    pub by_reason: Vec<ReasonCount>,
}

fn term(code: &str, label: &str) -> Term {
    Term {
        code: code.to_string(),
        label: label.to_string(),
    }
}

fn invalid(e: FieldError) -> AppError {
    AppError::invalid(e.field, e.message)
}

/// Every problem at once, the first one's field named.
fn invalid_all(errors: Vec<FieldError>) -> AppError {
    let field = errors.first().map(|e| e.field).unwrap_or("items");
    let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
    AppError::invalid(field, message)
}

impl App {
    /// The object the input names, inside the actor's jurisdiction.
    async fn outside_object(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        input: &NewOutsideInput,
    ) -> Result<ObjectRow, AppError> {
        let scope = actor.jurisdiction();
        if let Some(id) = input.object_id.filter(|id| *id > 0) {
            return objects::get_in(db, &scope, id)
                .await?
                .ok_or_else(|| AppError::invalid("object_id", "检查对象不存在或不在您的管辖范围内"));
        }
        if input.object_kind.trim().is_empty() {
            return Err(AppError::invalid(
                "object_kind",
                "请选择检查对象类型（企业、从业人员或工程项目）",
            ));
        }
        let kind =
            ObjectKind::parse(&input.object_kind).map_err(|e| AppError::invalid("object_kind", e.to_string()))?;
        let code = input.object_code.trim();
        if code.is_empty() {
            return Err(AppError::invalid(
                "object_code",
                format!("请填写检查对象的{}", code_label(kind)),
            ));
        }
        let mut found = objects::by_code_in(db, &scope, kind.code(), code).await?;
        if found.is_empty() && code != code.to_uppercase() {
            found = objects::by_code_in(db, &scope, kind.code(), &code.to_uppercase()).await?;
        }
        // The same enterprise may be in several directories of the
        // jurisdiction: the department's own first, then one in use.
        found.sort_by_key(|o| (o.department_id != actor.department.id, !o.active, o.id));
        found.into_iter().next().ok_or_else(|| {
            AppError::invalid(
                "object_code",
                format!(
                    "您管辖范围内的检查对象名录库中没有{}为“{code}”的{}，请核对，或先将其录入检查对象名录库",
                    code_label(kind),
                    kind.label()
                ),
            )
        })
    }

    /// The entered items, checked against the item list and the object's kind.
    async fn outside_items(
        &self,
        db: &impl ConnectionTrait,
        kind: ObjectKind,
        input: &[OutsideItemInput],
    ) -> Result<Vec<NewOutsideItem>, AppError> {
        if input.is_empty() {
            return Err(AppError::invalid("items", "请至少选择一个检查事项并填写检查结果"));
        }
        if input.len() > rules::MAX_ITEMS {
            return Err(AppError::invalid(
                "items",
                format!("一次检查最多登记{}个事项，现有{}个", rules::MAX_ITEMS, input.len()),
            ));
        }
        let mut errors = Vec::new();
        let mut out = Vec::with_capacity(input.len());
        let mut seen = HashSet::new();
        for (i, e) in input.iter().enumerate() {
            let n = i + 1;
            let mut err = |message: String| {
                errors.push(FieldError {
                    field: "items",
                    message,
                })
            };
            let Some(v) = items::version(db, e.item_version_id).await? else {
                err(format!(
                    "第{n}个事项不存在（版本{}），请从抽查事项清单中选择",
                    e.item_version_id
                ));
                continue;
            };
            let title = v.spec.title();
            let Some(item) = items::by_id(db, v.item_id).await? else {
                err(format!("第{n}个事项“{title}”不存在，请从抽查事项清单中选择"));
                continue;
            };
            if item.current_version_id != v.id {
                err(format!(
                    "第{n}个事项“{title}”第{}版已被调整，现行为第{}版，请按现行清单登记",
                    v.version, item.current_version
                ));
                continue;
            }
            if v.status != ItemStatus::Published {
                err(format!("第{n}个事项“{title}”已从抽查事项清单中撤销，不能登记"));
                continue;
            }
            if v.spec.object_kind != kind {
                err(format!(
                    "第{n}个事项“{title}”的检查对象为{}，与本次检查对象（{}）不符",
                    v.spec.object_kind.label(),
                    kind.label()
                ));
                continue;
            }
            if !seen.insert(item.id) {
                err(format!("第{n}个事项“{title}”重复，每个事项只登记一次结果"));
                continue;
            }
            if e.result.trim().is_empty() {
                err(format!("请选择第{n}个事项“{title}”的检查结果（符合、不符合或不适用）"));
                continue;
            }
            match ItemResult::parse(&e.result) {
                Ok(result) => out.push(NewOutsideItem {
                    item_id: item.id,
                    item_version_id: v.id,
                    result,
                }),
                Err(u) => err(format!("第{n}个事项“{title}”的检查结果{u}")),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(invalid_all(errors))
        }
    }

    /// Records an inspection outside 双随机 for the actor's department.
    pub async fn record_outside_inspection(
        &self,
        actor: &Actor,
        input: &NewOutsideInput,
    ) -> Result<OutsideDetail, AppError> {
        actor.require(Permission::ManageTasks)?;
        if input.reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "请选择不适用“双随机、一公开”的情形（第三条）",
            ));
        }
        let reason =
            OutsideRandomReason::parse(&input.reason).map_err(|e| AppError::invalid("reason", e.to_string()))?;
        let basis = rules::check_basis(&input.basis).map_err(invalid)?;
        let date = rules::parse_date(&input.inspection_date).map_err(invalid)?;
        rules::check_date(date, self.today()).map_err(invalid)?;
        let inspectors = rules::check_inspectors(&input.inspectors).map_err(invalid)?;
        let note = rules::check_text("note", "备注", &input.note, rules::MAX_NOTE, None).map_err(invalid)?;
        let db = self.store().conn();
        let object = self.outside_object(db, actor, input).await?;
        let kind = ObjectKind::parse(&object.data.kind).map_err(|e| AppError::Internal(e.to_string()))?;
        if !object.active {
            return Err(AppError::invalid(
                "object_code",
                format!(
                    "检查对象“{}”（{}）已在名录库中停用，不能登记检查",
                    object.data.name, object.data.key_code
                ),
            ));
        }
        let results = self.outside_items(db, kind, &input.items).await?;
        let compliant = results.iter().filter(|r| r.result == ItemResult::Compliant).count();
        let tx = self.store().begin().await?;
        let row = outside::insert(
            &tx,
            NewOutside {
                department_id: actor.department.id,
                object_id: object.id,
                object_kind: kind.code(),
                object_code: &object.data.key_code,
                reason: reason.code(),
                basis: &basis,
                inspection_date: date,
                year: date.year(),
                inspectors: &inspectors,
                note: &note,
                created_by: &actor.user.username,
                now: self.now(),
                items: &results,
            },
        )
        .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::OutsideInspectionRecorded, "outside_inspection", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "登记不适用双随机的检查（{} {}）：{} {}，{}检查{}个事项，符合{}个",
                    reason.clause(),
                    reason.label(),
                    kind.label(),
                    object.data.key_code,
                    date,
                    results.len(),
                    compliant
                ))
                .after(state(&row, &results)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_outside_inspection(actor, row.id).await
    }

    /// A page of the records of the actor's jurisdiction, newest inspection first.
    pub async fn list_outside_inspections(
        &self,
        actor: &Actor,
        q: &OutsideQuery,
    ) -> Result<Page<OutsideView>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let reason = match q.reason.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) => Some(
                OutsideRandomReason::parse(r)
                    .map_err(|e| AppError::invalid("reason", e.to_string()))?
                    .code()
                    .to_string(),
            ),
            None => None,
        };
        let f = OutsideFilter {
            reason,
            year: q.year,
            voided: q.voided,
        };
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let db = self.store().conn();
        let (rows, total) = outside::list_in(db, &actor.jurisdiction(), &f, page, page_size).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut results = outside::items_of_many(db, &ids).await?;
        let items = self
            .outside_views(
                db,
                rows.into_iter()
                    .map(|r| {
                        let items = results.remove(&r.id).unwrap_or_default();
                        (r, items)
                    })
                    .collect(),
            )
            .await?;
        Ok(Page {
            items,
            total,
            page,
            page_size,
        })
    }

    /// One record of the actor's jurisdiction.
    pub async fn get_outside_inspection(&self, actor: &Actor, id: i64) -> Result<OutsideDetail, AppError> {
        actor.require(Permission::ViewPlans)?;
        let db = self.store().conn();
        let row = outside::get_in(db, &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("检查记录"))?;
        let results = outside::items_of(db, id).await?;
        let can_void = actor.may(Permission::ManageTasks) && row.voided_at.is_none();
        let inspection = self
            .outside_views(db, vec![(row, results)])
            .await?
            .pop()
            .expect("one view per row");
        Ok(OutsideDetail { inspection, can_void })
    }

    /// Voids (作废) a record with a reason: it stays visible, marked, and no
    /// longer counts (第十二条 included).
    pub async fn void_outside_inspection(
        &self,
        actor: &Actor,
        id: i64,
        input: &VoidInput,
    ) -> Result<OutsideDetail, AppError> {
        actor.require(Permission::ViewPlans)?;
        let row = outside::get_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("检查记录"))?;
        actor.require(Permission::ManageTasks)?;
        let reason = rules::check_void_reason(&input.reason).map_err(invalid)?;
        if row.voided_at.is_some() {
            return Err(AppError::Conflict("该检查记录已经作废".to_string()));
        }
        let tx = self.store().begin().await?;
        let results = outside::items_of(&tx, id).await?;
        let before = state(&row, &items_of_rows(&results));
        outside::void(&tx, id, &actor.user.username, &reason, self.now()).await?;
        let department = spotcheck_store::departments::by_id(&tx, row.department_id)
            .await?
            .map(|d| d.code.as_str().to_string())
            .unwrap_or_default();
        let mut after = before.clone();
        after["voided"] = serde_json::json!(true);
        after["void_reason"] = serde_json::json!(reason);
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::OutsideInspectionVoided, "outside_inspection", id)
                .in_department(&department)
                .summary(format!(
                    "作废{}的检查记录（{} {}）：{reason}",
                    row.inspection_date, row.object_kind, row.object_code
                ))
                .before(before)
                .after(after),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_outside_inspection(actor, id).await
    }

    /// Records in force per 第三条 case in `year` inside the actor's
    /// jurisdiction: the supervision figures' own category.
    pub async fn outside_figures(&self, actor: &Actor, year: i32) -> Result<OutsideFigures, AppError> {
        actor.require(Permission::ViewPlans)?;
        let counts = outside::count_by_reason_in(self.store().conn(), &actor.jurisdiction(), year).await?;
        let by_reason: Vec<ReasonCount> = OutsideRandomReason::ALL
            .iter()
            .map(|r| ReasonCount {
                reason: term(r.code(), r.label()),
                clause: r.clause().to_string(),
                count: counts.get(r.code()).copied().unwrap_or(0),
            })
            .collect();
        Ok(OutsideFigures {
            year,
            total: by_reason.iter().map(|r| r.count).sum(),
            by_reason,
        })
    }

    /// Years for the list's filter: those with records, and this year.
    pub async fn outside_years(&self, actor: &Actor) -> Result<Vec<i32>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let mut years = outside::years_in(self.store().conn(), &actor.jurisdiction()).await?;
        let this = self.today().year();
        if !years.contains(&this) {
            years.push(this);
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        Ok(years)
    }

    async fn outside_views(
        &self,
        db: &impl ConnectionTrait,
        rows: Vec<(OutsideRow, Vec<OutsideItemRow>)>,
    ) -> Result<Vec<OutsideView>, AppError> {
        let departments =
            spotcheck_store::users::department_names(db, rows.iter().map(|(r, _)| r.department_id)).await?;
        let object_ids: Vec<i64> = rows.iter().map(|(r, _)| r.object_id).collect();
        let labels = spotcheck_store::tasks::object_labels(db, &object_ids).await?;
        let mut versions: HashMap<i64, OutsideItemView> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (r, results) in rows {
            let mut item_views = Vec::with_capacity(results.len());
            for x in &results {
                let mut view = match versions.entry(x.item_version_id) {
                    Entry::Occupied(e) => e.get().clone(),
                    Entry::Vacant(slot) => {
                        let v = items::version(db, x.item_version_id)
                            .await?
                            .ok_or_else(|| AppError::Internal("检查记录的事项版本不存在".into()))?;
                        let code = items::by_id(db, v.item_id).await?.map(|i| i.code).unwrap_or_default();
                        slot.insert(OutsideItemView {
                            item_id: x.item_id,
                            item_version_id: v.id,
                            item_code: code,
                            item_version: v.version,
                            item_title: v.spec.title(),
                            category: term(v.spec.category.code(), v.spec.category.label()),
                            result: term("", ""),
                        })
                        .clone()
                    }
                };
                view.result = match ItemResult::parse(&x.result) {
                    Ok(res) => term(res.code(), res.label()),
                    Err(_) => term(&x.result, &x.result),
                };
                item_views.push(view);
            }
            let kind = ObjectKind::parse(&r.object_kind).ok();
            let reason = OutsideRandomReason::parse(&r.reason).ok();
            let (department_code, department_name) = departments.get(&r.department_id).cloned().unwrap_or_default();
            out.push(OutsideView {
                id: r.id,
                department_code,
                department_name,
                object_id: r.object_id,
                object_kind: term(&r.object_kind, kind.map(|k| k.label()).unwrap_or(&r.object_kind)),
                object_code: r.object_code,
                object_name: labels.get(&r.object_id).map(|l| l.1.clone()).unwrap_or_default(),
                reason: term(&r.reason, reason.map(|k| k.label()).unwrap_or(&r.reason)),
                clause: reason.map(|k| k.clause()).unwrap_or("第三条").to_string(),
                basis: r.basis,
                inspection_date: r.inspection_date,
                inspectors: r.inspectors,
                note: r.note,
                created_by: r.created_by,
                created_at: r.created_at,
                voided: r.voided_at.is_some(),
                voided_at: r.voided_at,
                voided_by: r.voided_by,
                void_reason: r.void_reason,
                items: item_views,
            });
        }
        Ok(out)
    }
}

/// What a code is called for each kind of object.
pub fn code_label(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Enterprise => "统一社会信用代码",
        ObjectKind::Practitioner => "注册证书编号",
        ObjectKind::Project => "项目代码",
    }
}

fn items_of_rows(rows: &[OutsideItemRow]) -> Vec<NewOutsideItem> {
    rows.iter()
        .map(|r| NewOutsideItem {
            item_id: r.item_id,
            item_version_id: r.item_version_id,
            result: ItemResult::parse(&r.result).unwrap_or(ItemResult::NotApplicable),
        })
        .collect()
}

/// What the audit digests cover.
fn state(r: &OutsideRow, results: &[NewOutsideItem]) -> serde_json::Value {
    serde_json::json!({
        "department_id": r.department_id, "object_id": r.object_id, "object_kind": r.object_kind,
        "object_code": r.object_code, "reason": r.reason, "basis": r.basis,
        "inspection_date": r.inspection_date.to_string(), "inspectors": r.inspectors, "note": r.note,
        "items": results.iter().map(|i| serde_json::json!({
            "item_id": i.item_id, "item_version_id": i.item_version_id, "result": i.result.code(),
        })).collect::<Vec<_>>(),
        "voided": r.voided_at.is_some(),
    })
}
