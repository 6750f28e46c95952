//! 随机抽查事项清单 (第七条、第八条): kept by the province, read by every
//! logged-in role. Every adjustment is a new published version with its reason
//! and effective date (动态调整并及时公布); a withdrawal (法律废止) is a version
//! too. Published versions are never edited, so a task that refers to a
//! version id always finds what was in force when it was planned.

use crate::audit::{By, Change, record};
use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::item::{
    CheckItemDraft, CheckItemSpec, FieldError, ItemCode, ItemStatus, MAX_REASON, check_adjustment,
};
use spotcheck_domain::role::Permission;
use spotcheck_domain::vocab::{self, ItemCategory, Level, ObjectKind};
use spotcheck_store::items::{self, ItemFilter, ItemRow, NewVersion, VersionRow};
use spotcheck_store::{ConnectionTrait, StoreError, users};
use utoipa::ToSchema;

/// A citation of 检查依据.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LegalBasisView {
    /// The title of the law, regulation or rule, without 《》.
    pub law: String,
    /// `第十三条`; empty when the whole law is cited.
    pub article: String,
    /// `《建筑法》第十三条`.
    pub text: String,
}

/// One published version of an item, with everything it holds.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemVersionView {
    /// The version's id: what plans and tasks refer to.
    pub id: i64,
    /// 1, 2, …
    pub version: i32,
    /// 事项名称.
    pub name: String,
    /// 子项.
    pub sub_item: Option<String>,
    /// `事项名称（子项）`.
    pub title: String,
    /// `key` (重点) or `general` (一般).
    pub category: String,
    pub category_label: String,
    /// `enterprise`, `practitioner` or `project`.
    pub object_kind: String,
    pub object_kind_label: String,
    /// For 企业: the kinds of enterprises.
    pub enterprise_kinds: Vec<String>,
    /// 抽查内容: the checklist, one check point per entry.
    pub check_points: Vec<String>,
    /// 检查方式 codes (`on_site`, `documentary`, `testing`, `entrusted`).
    pub methods: Vec<String>,
    pub method_labels: Vec<String>,
    /// 抽查比例, e.g. `5%`.
    pub ratio: String,
    /// 抽查比例 in basis points (500 = 5 %).
    pub ratio_bp: u16,
    /// 比例上限 of a 一般 item; none for 重点 items (不设上限).
    pub ratio_cap: Option<String>,
    pub ratio_cap_bp: Option<u16>,
    /// 抽查频次, e.g. `每年一次`.
    pub frequency: String,
    /// 实施层级 codes (`province`, `city`, `county`).
    pub levels: Vec<String>,
    pub level_labels: Vec<String>,
    /// 检查依据.
    pub legal_basis: Vec<LegalBasisView>,
    /// 专业领域, matched against inspectors' 专业执法资格.
    pub fields: Vec<String>,
    /// `published` or `withdrawn`.
    pub status: String,
    pub status_label: String,
    /// Why this version was published.
    pub change_reason: String,
    pub effective_date: NaiveDate,
    pub published_at: DateTime<Utc>,
    /// Username of the publisher (`system` for demo data).
    pub published_by: String,
    pub published_by_name: String,
    /// What changed versus the previous version (empty for version 1).
    pub changes: Vec<String>,
}

/// An item with its current (latest) version.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// Stable code, e.g. `ZJ001`.
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub current: ItemVersionView,
}

/// An item with every version, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemDetail {
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub current: ItemVersionView,
    /// Every published version, newest first; old versions stay readable and unchanged.
    pub versions: Vec<ItemVersionView>,
}

/// Filter for the item list (applied to each item's current version).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Part of the name, 子项 or code.
    pub q: Option<String>,
    /// 事项类别: `key`/`重点` or `general`/`一般`.
    pub category: Option<String>,
    /// 检查对象类型: `enterprise`, `practitioner`, `project` (or the Chinese).
    pub object_kind: Option<String>,
    /// 实施层级: `province`, `city`, `county` (or 省/市/县).
    pub level: Option<String>,
    /// 专业领域.
    pub field: Option<String>,
    /// `published` (已发布) or `withdrawn` (已撤销).
    pub status: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// A string, or a list of strings (each may hold several lines).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
        Nothing(()),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
        OneOrMany::Nothing(()) => Vec::new(),
    })
}

/// An item's content as submitted. Multi-valued fields take a list, or one
/// string with values separated by `、` (check points and legal basis: one per line).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ItemInput {
    /// 事项名称.
    pub name: String,
    /// 子项 (optional).
    pub sub_item: String,
    /// `重点` or `一般` (or `key`/`general`).
    pub category: String,
    /// `企业`, `从业人员` or `工程项目` (or the codes).
    pub object_kind: String,
    /// For 企业: kinds from the 企业类别 vocabulary.
    #[serde(deserialize_with = "one_or_many")]
    pub enterprise_kinds: Vec<String>,
    /// 抽查内容: one check point per entry or per line.
    #[serde(deserialize_with = "one_or_many")]
    pub check_points: Vec<String>,
    /// 检查方式: 实地核查, 书面检查, 检验检测, 委托专业机构.
    #[serde(deserialize_with = "one_or_many")]
    pub methods: Vec<String>,
    /// 抽查比例, e.g. `5%` (a bare number is read as percent).
    pub ratio: String,
    /// 比例上限, required for 一般 items, empty for 重点 items.
    pub ratio_cap: String,
    /// 抽查频次, e.g. `每年一次`.
    pub frequency: String,
    /// 实施层级: 省, 市, 县.
    #[serde(deserialize_with = "one_or_many")]
    pub levels: Vec<String>,
    /// 检查依据: one citation per entry or per line, e.g. `《建筑法》第十三条`.
    #[serde(deserialize_with = "one_or_many")]
    pub legal_basis: Vec<String>,
    /// 专业领域, from the vocabulary shared with inspectors' 专业执法资格.
    #[serde(deserialize_with = "one_or_many")]
    pub fields: Vec<String>,
}

impl ItemInput {
    pub fn draft(&self) -> CheckItemDraft {
        CheckItemDraft {
            name: self.name.clone(),
            sub_item: self.sub_item.clone(),
            category: self.category.clone(),
            object_kind: self.object_kind.clone(),
            enterprise_kinds: self.enterprise_kinds.clone(),
            check_points: self.check_points.clone(),
            methods: self.methods.clone(),
            ratio: self.ratio.clone(),
            ratio_cap: self.ratio_cap.clone(),
            frequency: self.frequency.clone(),
            levels: self.levels.clone(),
            legal_basis: self.legal_basis.clone(),
            fields: self.fields.clone(),
        }
    }

    /// The input that reproduces a version (to prefill the revise form).
    pub fn of(spec: &CheckItemSpec) -> Self {
        let d = spec.to_draft();
        Self {
            name: d.name,
            sub_item: d.sub_item,
            category: spec.category.code().to_string(),
            object_kind: spec.object_kind.code().to_string(),
            enterprise_kinds: d.enterprise_kinds,
            check_points: d.check_points,
            methods: spec.methods.iter().map(|m| m.code().to_string()).collect(),
            ratio: d.ratio,
            ratio_cap: d.ratio_cap,
            frequency: d.frequency,
            levels: spec.levels.iter().map(|l| l.code().to_string()).collect(),
            legal_basis: d.legal_basis,
            fields: d.fields,
        }
    }
}

/// A new item: its content, and optionally the first version's effective date
/// (today when empty) and a note (`首次发布` when empty).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewItemInput {
    #[serde(flatten)]
    pub item: ItemInput,
    /// `2026-03-10`; today when empty.
    #[serde(default)]
    pub effective_date: String,
    /// A note on the first version; `首次发布` when empty.
    #[serde(default)]
    pub reason: String,
}

/// An adjustment: the new content, why, and from when.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ItemRevisionInput {
    #[serde(flatten)]
    pub item: ItemInput,
    /// 调整原因 (required), e.g. the law that changed.
    #[serde(default)]
    pub reason: String,
    /// 生效日期 (required), `2026-03-10`; not earlier than the current version's.
    #[serde(default)]
    pub effective_date: String,
}

/// A withdrawal: why (e.g. the law was repealed) and from when.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ItemWithdrawalInput {
    /// 撤销原因 (required).
    #[serde(default)]
    pub reason: String,
    /// 生效日期 (required), `2026-03-10`.
    #[serde(default)]
    pub effective_date: String,
}

/// The use cases' error for a list of field problems: the first field, and
/// every message (so an API client sees them all at once).
pub fn validation_error(errors: &[FieldError]) -> AppError {
    let field = errors.first().map(|e| e.field).unwrap_or("form");
    let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
    AppError::invalid(field, message)
}

/// Every field problem of a revision (content, reason, date), for showing
/// each message under its field. `not_before` is the current version's date.
pub fn revision_problems(
    input: &ItemInput,
    reason: &str,
    effective_date: &str,
    not_before: Option<NaiveDate>,
) -> Vec<FieldError> {
    let mut all = input.draft().validate().err().unwrap_or_default();
    all.extend(
        check_adjustment(reason, effective_date, not_before)
            .err()
            .unwrap_or_default(),
    );
    all
}

/// The state covered by the audit digests: everything a version holds.
fn state(code: &str, v: &VersionRow) -> serde_json::Value {
    let s = &v.spec;
    serde_json::json!({
        "code": code,
        "version": v.version,
        "name": s.name,
        "sub_item": s.sub_item,
        "category": s.category.code(),
        "object_kind": s.object_kind.code(),
        "enterprise_kinds": s.enterprise_kinds,
        "check_points": s.check_points.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "methods": s.methods.iter().map(|m| m.code()).collect::<Vec<_>>(),
        "ratio_bp": s.ratio.basis_points(),
        "ratio_cap_bp": s.ratio_cap.map(|r| r.basis_points()),
        "frequency": s.frequency,
        "levels": s.levels.iter().map(|l| l.code()).collect::<Vec<_>>(),
        "legal_basis": s.legal_basis.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
        "fields": s.fields,
        "status": v.status.code(),
        "change_reason": v.change_reason,
        "effective_date": v.effective_date.format("%Y-%m-%d").to_string(),
        "published_by": v.published_by,
    })
}

fn version_view(v: &VersionRow, prev: Option<&VersionRow>, publisher_name: String) -> ItemVersionView {
    let s = &v.spec;
    let mut changes: Vec<String> = prev
        .map(|p| s.changes_from(&p.spec).into_iter().map(|c| c.description).collect())
        .unwrap_or_default();
    if let Some(p) = prev
        && p.status != v.status
    {
        changes.insert(0, format!("状态：{} → {}", p.status.label(), v.status.label()));
    }
    ItemVersionView {
        id: v.id,
        version: v.version,
        name: s.name.clone(),
        sub_item: s.sub_item.clone(),
        title: s.title(),
        category: s.category.code().to_string(),
        category_label: s.category.label().to_string(),
        object_kind: s.object_kind.code().to_string(),
        object_kind_label: s.object_kind.label().to_string(),
        enterprise_kinds: s.enterprise_kinds.clone(),
        check_points: s.check_points.iter().map(|p| p.as_str().to_string()).collect(),
        methods: s.methods.iter().map(|m| m.code().to_string()).collect(),
        method_labels: s.methods.iter().map(|m| m.label().to_string()).collect(),
        ratio: s.ratio.to_string(),
        ratio_bp: s.ratio.basis_points(),
        ratio_cap: s.ratio_cap.map(|r| r.to_string()),
        ratio_cap_bp: s.ratio_cap.map(|r| r.basis_points()),
        frequency: s.frequency.clone(),
        levels: s.levels.iter().map(|l| l.code().to_string()).collect(),
        level_labels: s.levels.iter().map(|l| l.label().to_string()).collect(),
        legal_basis: s
            .legal_basis
            .iter()
            .map(|b| LegalBasisView {
                law: b.law.clone(),
                article: b.article.clone(),
                text: b.to_string(),
            })
            .collect(),
        fields: s.fields.clone(),
        status: v.status.code().to_string(),
        status_label: v.status.label().to_string(),
        change_reason: v.change_reason.clone(),
        effective_date: v.effective_date,
        published_at: v.published_at,
        published_by: v.published_by.clone(),
        published_by_name: publisher_name,
        changes,
    }
}

fn parse_filter<T>(field: &str, raw: Option<&str>, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, format!("筛选条件“{s}”无效"))),
    }
}

impl App {
    /// Display names of publishers (`system` is 系统).
    async fn publisher_names(
        &self,
        usernames: Vec<String>,
    ) -> Result<std::collections::HashMap<String, String>, AppError> {
        let mut out = std::collections::HashMap::new();
        for u in usernames {
            if out.contains_key(&u) {
                continue;
            }
            let name = if u == "system" {
                "系统".to_string()
            } else {
                users::by_username(self.store().conn(), &u)
                    .await?
                    .map(|r| r.display_name)
                    .unwrap_or_else(|| u.clone())
            };
            out.insert(u, name);
        }
        Ok(out)
    }

    /// The item list: any logged-in role may read it.
    pub async fn list_items(&self, _actor: &Actor, q: &ItemQuery) -> Result<Page<ItemView>, AppError> {
        self.item_page(q).await
    }

    /// The item list on the public site (动态调整并及时公布): the same list,
    /// without the publishers' account names.
    pub async fn public_items(&self, q: &ItemQuery) -> Result<Page<ItemView>, AppError> {
        let mut page = self.item_page(q).await?;
        for i in &mut page.items {
            i.current.published_by.clear();
            i.current.published_by_name.clear();
        }
        Ok(page)
    }

    /// One item with its change history, on the public site.
    pub async fn public_item(&self, code: &str) -> Result<ItemDetail, AppError> {
        let (item, versions) = self.item_by_code(code).await?;
        let mut d = self.detail(&item, &versions).await?;
        for v in std::iter::once(&mut d.current).chain(d.versions.iter_mut()) {
            v.published_by.clear();
            v.published_by_name.clear();
        }
        Ok(d)
    }

    async fn item_page(&self, q: &ItemQuery) -> Result<Page<ItemView>, AppError> {
        let f = ItemFilter {
            text: q.q.clone(),
            category: parse_filter("category", q.category.as_deref(), |s| ItemCategory::parse(s).ok())?,
            object_kind: parse_filter("object_kind", q.object_kind.as_deref(), |s| ObjectKind::parse(s).ok())?,
            level: parse_filter("level", q.level.as_deref(), |s| Level::parse(s).ok())?,
            field: parse_filter("field", q.field.as_deref(), vocab::field)?.map(str::to_string),
            status: parse_filter("status", q.status.as_deref(), |s| ItemStatus::parse(s).ok())?,
        };
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let (rows, total) = items::list_current(self.store().conn(), &f, page, page_size).await?;
        let publishers: Vec<String> = rows.iter().map(|(_, v)| v.published_by.clone()).collect();
        let names = self.publisher_names(publishers).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (item, v) in &rows {
            // The change summary of the list row is versus the version before.
            let prev = if v.version > 1 {
                items::versions_of(self.store().conn(), item.id)
                    .await?
                    .into_iter()
                    .find(|p| p.version == v.version - 1)
            } else {
                None
            };
            out.push(ItemView {
                code: item.code.clone(),
                created_at: item.created_at,
                current: version_view(
                    v,
                    prev.as_ref(),
                    names.get(&v.published_by).cloned().unwrap_or_default(),
                ),
            });
        }
        Ok(Page {
            items: out,
            total,
            page,
            page_size,
        })
    }

    async fn item_by_code(&self, code: &str) -> Result<(ItemRow, Vec<VersionRow>), AppError> {
        let code = ItemCode::parse(code).ok_or_else(|| AppError::not_found("抽查事项"))?;
        let item = items::by_code(self.store().conn(), code.as_str())
            .await?
            .ok_or_else(|| AppError::not_found("抽查事项"))?;
        let versions = items::versions_of(self.store().conn(), item.id).await?;
        if versions.is_empty() {
            return Err(AppError::not_found("抽查事项"));
        }
        Ok((item, versions))
    }

    async fn detail(&self, item: &ItemRow, versions: &[VersionRow]) -> Result<ItemDetail, AppError> {
        let publishers: Vec<String> = versions.iter().map(|v| v.published_by.clone()).collect();
        let names = self.publisher_names(publishers).await?;
        let mut views: Vec<ItemVersionView> = versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let prev = i.checked_sub(1).map(|p| &versions[p]);
                version_view(v, prev, names.get(&v.published_by).cloned().unwrap_or_default())
            })
            .collect();
        views.reverse();
        Ok(ItemDetail {
            code: item.code.clone(),
            created_at: item.created_at,
            current: views[0].clone(),
            versions: views,
        })
    }

    /// One item with all its versions: any logged-in role may read it.
    pub async fn get_item(&self, _actor: &Actor, code: &str) -> Result<ItemDetail, AppError> {
        let (item, versions) = self.item_by_code(code).await?;
        self.detail(&item, &versions).await
    }

    /// Writes a new item and its first version, with the audit entry.
    pub(crate) async fn create_item_in(
        &self,
        db: &impl ConnectionTrait,
        by: &By,
        spec: &CheckItemSpec,
        reason: &str,
        effective_date: NaiveDate,
    ) -> Result<(ItemRow, VersionRow), AppError> {
        let code = items::next_code(db).await?;
        let item = items::insert_item(db, &code, self.now()).await.map_err(|e| match e {
            StoreError::Duplicate { .. } => {
                AppError::Conflict("事项编码分配冲突（可能有人同时新增事项），请重新提交".into())
            }
            other => other.into(),
        })?;
        let v = items::publish(
            db,
            NewVersion {
                item_id: item.id,
                version: 1,
                spec,
                status: ItemStatus::Published,
                change_reason: reason,
                effective_date,
                published_at: self.now(),
                published_by: &by.name,
            },
        )
        .await?;
        record(
            db,
            by,
            Change::new(AuditAction::ItemCreated, "item", code.as_str())
                .in_department(&by.department)
                .summary(format!(
                    "新增抽查事项 {code} {}（{}，第1版，{}起施行）",
                    spec.title(),
                    spec.category.label(),
                    effective_date.format("%Y-%m-%d")
                ))
                .after(state(code.as_str(), &v)),
        )
        .await?;
        Ok((item, v))
    }

    /// Publishes a new version of an item (an adjustment or a withdrawal), with
    /// the audit entry carrying both versions' digests.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn publish_version_in(
        &self,
        db: &impl ConnectionTrait,
        by: &By,
        item: &ItemRow,
        prev: &VersionRow,
        spec: &CheckItemSpec,
        status: ItemStatus,
        reason: &str,
        effective_date: NaiveDate,
    ) -> Result<VersionRow, AppError> {
        let v = items::publish(
            db,
            NewVersion {
                item_id: item.id,
                version: prev.version + 1,
                spec,
                status,
                change_reason: reason,
                effective_date,
                published_at: self.now(),
                published_by: &by.name,
            },
        )
        .await?;
        let (action, what) = match status {
            ItemStatus::Withdrawn => (AuditAction::ItemWithdrawn, "撤销抽查事项".to_string()),
            ItemStatus::Published => {
                let changes: Vec<String> = spec
                    .changes_from(&prev.spec)
                    .into_iter()
                    .map(|c| c.description)
                    .collect();
                (
                    AuditAction::ItemRevised,
                    format!("调整抽查事项（{}）", changes.join("；")),
                )
            }
        };
        record(
            db,
            by,
            Change::new(action, "item", &item.code)
                .in_department(&by.department)
                .summary(format!(
                    "{what} {} {}：第{}版 → 第{}版，{}起施行。原因：{}",
                    item.code,
                    spec.title(),
                    prev.version,
                    v.version,
                    effective_date.format("%Y-%m-%d"),
                    reason
                ))
                .before(state(&item.code, prev))
                .after(state(&item.code, &v)),
        )
        .await?;
        Ok(v)
    }

    /// A new item (省级管理员 only): validated, coded `ZJ…` in order, published
    /// as version 1.
    pub async fn create_item(&self, actor: &Actor, input: &NewItemInput) -> Result<ItemDetail, AppError> {
        actor.require(Permission::ManageItems)?;
        let spec = input.item.draft().validate().map_err(|e| validation_error(&e))?;
        let effective = if input.effective_date.trim().is_empty() {
            self.today()
        } else {
            check_adjustment("首次发布", &input.effective_date, None)
                .map_err(|e| validation_error(&e))?
                .1
        };
        let reason = match input.reason.trim() {
            "" => "首次发布".to_string(),
            r if r.chars().count() > MAX_REASON || r.chars().any(|c| c.is_control() && c != '\n') => {
                return Err(AppError::invalid(
                    "reason",
                    format!("发布说明不能超过{MAX_REASON}个字，且不能含有控制字符"),
                ));
            }
            r => r.to_string(),
        };
        if let Some(existing) =
            items::current_by_name(self.store().conn(), &spec.name, spec.sub_item.as_deref()).await?
            && items::version(self.store().conn(), existing.current_version_id)
                .await?
                .is_some_and(|v| v.status == ItemStatus::Published)
        {
            return Err(AppError::invalid(
                "name",
                format!(
                    "事项名称：清单中已有同名事项 {}（{}），如需修改请在该事项上发布调整版本",
                    existing.code,
                    spec.title()
                ),
            ));
        }
        let tx = self.store().begin().await?;
        let (item, _) = self
            .create_item_in(&tx, &By::actor(actor), &spec, &reason, effective)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_item(actor, &item.code).await
    }

    /// An adjustment (省级管理员 only): a new published version with its reason
    /// and effective date. The previous versions stay as they were.
    pub async fn revise_item(
        &self,
        actor: &Actor,
        code: &str,
        input: &ItemInput,
        reason: &str,
        effective_date: &str,
    ) -> Result<ItemDetail, AppError> {
        actor.require(Permission::ManageItems)?;
        let (item, versions) = self.item_by_code(code).await?;
        let current = versions.last().expect("at least one version");
        if current.status == ItemStatus::Withdrawn {
            return Err(AppError::Conflict(format!(
                "事项 {} 已于 {} 撤销，不能再调整；如需恢复，请新增事项",
                item.code,
                current.effective_date.format("%Y-%m-%d")
            )));
        }
        let problems = revision_problems(input, reason, effective_date, Some(current.effective_date));
        if !problems.is_empty() {
            return Err(validation_error(&problems));
        }
        let spec = input.draft().validate().map_err(|e| validation_error(&e))?;
        let (reason, effective) =
            check_adjustment(reason, effective_date, Some(current.effective_date)).map_err(|e| validation_error(&e))?;
        if spec == current.spec {
            return Err(AppError::invalid(
                "form",
                format!("与当前版本（第{}版）相比没有任何改动，无需发布新版本", current.version),
            ));
        }
        let tx = self.store().begin().await?;
        self.publish_version_in(
            &tx,
            &By::actor(actor),
            &item,
            current,
            &spec,
            ItemStatus::Published,
            &reason,
            effective,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_item(actor, &item.code).await
    }

    /// Withdraws an item (省级管理员 only): a new version with status 已撤销 and
    /// the same content; nothing is deleted.
    pub async fn withdraw_item(
        &self,
        actor: &Actor,
        code: &str,
        reason: &str,
        effective_date: &str,
    ) -> Result<ItemDetail, AppError> {
        actor.require(Permission::ManageItems)?;
        let (item, versions) = self.item_by_code(code).await?;
        let current = versions.last().expect("at least one version");
        if current.status == ItemStatus::Withdrawn {
            return Err(AppError::Conflict(format!(
                "事项 {} 已于 {} 撤销",
                item.code,
                current.effective_date.format("%Y-%m-%d")
            )));
        }
        let (reason, effective) =
            check_adjustment(reason, effective_date, Some(current.effective_date)).map_err(|e| {
                validation_error(
                    &e.into_iter()
                        .map(|mut f| {
                            f.message = f.message.replacen("调整原因", "撤销原因", 1);
                            f
                        })
                        .collect::<Vec<_>>(),
                )
            })?;
        let tx = self.store().begin().await?;
        self.publish_version_in(
            &tx,
            &By::actor(actor),
            &item,
            current,
            &current.spec.clone(),
            ItemStatus::Withdrawn,
            &reason,
            effective,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_item(actor, &item.code).await
    }
}
