//! 随机抽查事项清单: items (stable code, pointer to the latest version) and
//! their published versions. A version is written once and never updated:
//! every adjustment, and a withdrawal, is a new version. Items are kept by the
//! province and read by everyone, so nothing here is department-scoped.
//!
//! Multi-valued fields are JSON arrays in text columns; 抽查比例 and 比例上限 are
//! integers in basis points. A filter on a multi-valued field matches the
//! quoted JSON element (`LIKE '%"city"%'`), which both backends do the same way.

use crate::entity::{check_item, check_item_version};
use crate::{StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use spotcheck_domain::item::{CheckItemSpec, CheckPoint, ItemCode, ItemStatus, LegalBasis, Ratio};
use spotcheck_domain::vocab::{InspectionMethod, ItemCategory, Level, ObjectKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRow {
    pub id: i64,
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub current_version_id: i64,
    pub current_version: i32,
}

impl From<check_item::Model> for ItemRow {
    fn from(m: check_item::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            created_at: m.created_at,
            current_version_id: m.current_version_id,
            current_version: m.current_version,
        }
    }
}

/// One published version with its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    pub id: i64,
    pub item_id: i64,
    pub version: i32,
    pub spec: CheckItemSpec,
    pub status: ItemStatus,
    pub change_reason: String,
    pub effective_date: NaiveDate,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
}

#[derive(Serialize, Deserialize)]
struct StoredBasis {
    law: String,
    article: String,
}

fn json(v: &impl Serialize) -> String {
    serde_json::to_string(v).expect("serialisable")
}

fn codes<T: Copy>(json_text: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    serde_json::from_str::<Vec<String>>(json_text)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| parse(c))
        .collect()
}

fn ratio(bp: i32) -> Ratio {
    Ratio::from_basis_points(bp.clamp(0, 10_000) as u16).unwrap_or(Ratio::FULL)
}

impl From<check_item_version::Model> for VersionRow {
    fn from(m: check_item_version::Model) -> Self {
        // Codes were written by this module; an unknown one can only come from a
        // newer version of the platform, and is left out rather than failing a page.
        let spec = CheckItemSpec {
            name: m.name,
            sub_item: Some(m.sub_item).filter(|s| !s.is_empty()),
            category: ItemCategory::parse(&m.category).unwrap_or(ItemCategory::Key),
            object_kind: ObjectKind::parse(&m.object_kind).unwrap_or(ObjectKind::Enterprise),
            enterprise_kinds: serde_json::from_str(&m.enterprise_kinds).unwrap_or_default(),
            check_points: serde_json::from_str::<Vec<String>>(&m.check_points)
                .unwrap_or_default()
                .into_iter()
                .map(CheckPoint::from_stored)
                .collect(),
            methods: codes(&m.methods, |c| InspectionMethod::parse(c).ok()),
            ratio: ratio(m.ratio_bp),
            ratio_cap: m.ratio_cap_bp.map(ratio),
            frequency: m.frequency,
            levels: codes(&m.levels, |c| Level::parse(c).ok()),
            legal_basis: serde_json::from_str::<Vec<StoredBasis>>(&m.legal_basis)
                .unwrap_or_default()
                .into_iter()
                .map(|b| LegalBasis {
                    law: b.law,
                    article: b.article,
                })
                .collect(),
            fields: serde_json::from_str(&m.fields).unwrap_or_default(),
        };
        Self {
            id: m.id,
            item_id: m.item_id,
            version: m.version,
            spec,
            status: ItemStatus::parse(&m.status).unwrap_or(ItemStatus::Published),
            change_reason: m.change_reason,
            effective_date: m.effective_date,
            published_at: m.published_at,
            published_by: m.published_by,
        }
    }
}

/// A version to publish.
pub struct NewVersion<'a> {
    pub item_id: i64,
    /// The next number: the item's current version + 1.
    pub version: i32,
    pub spec: &'a CheckItemSpec,
    pub status: ItemStatus,
    pub change_reason: &'a str,
    pub effective_date: NaiveDate,
    pub published_at: DateTime<Utc>,
    pub published_by: &'a str,
}

/// The code the next item gets (`ZJ001` for the first).
pub async fn next_code(db: &impl ConnectionTrait) -> Result<ItemCode, StoreError> {
    let codes: Vec<String> = check_item::Entity::find()
        .select_only()
        .column(check_item::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ItemCode::next_after(codes.iter().map(String::as_str)))
}

/// Inserts an item without a version yet (`current_version` 0); publish its
/// first version with [`publish`] in the same transaction.
pub async fn insert_item(
    db: &impl ConnectionTrait,
    code: &ItemCode,
    now: DateTime<Utc>,
) -> Result<ItemRow, StoreError> {
    let id = check_item::Entity::insert(check_item::ActiveModel {
        code: Set(code.as_str().to_string()),
        created_at: Set(now),
        current_version_id: Set(0),
        current_version: Set(0),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(by_id(db, id).await?.expect("just inserted"))
}

/// Writes a new version and makes it the item's current one. Refuses (as
/// [`StoreError::Unsupported`]) when someone else published a version since
/// the caller read the item, so two adjustments never silently overwrite.
pub async fn publish(db: &impl ConnectionTrait, v: NewVersion<'_>) -> Result<VersionRow, StoreError> {
    let s = v.spec;
    let am = check_item_version::ActiveModel {
        item_id: Set(v.item_id),
        version: Set(v.version),
        name: Set(s.name.clone()),
        sub_item: Set(s.sub_item.clone().unwrap_or_default()),
        category: Set(s.category.code().to_string()),
        object_kind: Set(s.object_kind.code().to_string()),
        enterprise_kinds: Set(json(&s.enterprise_kinds)),
        check_points: Set(json(&s.check_points.iter().map(CheckPoint::as_str).collect::<Vec<_>>())),
        methods: Set(json(&s.methods.iter().map(|m| m.code()).collect::<Vec<_>>())),
        ratio_bp: Set(i32::from(s.ratio.basis_points())),
        ratio_cap_bp: Set(s.ratio_cap.map(|r| i32::from(r.basis_points()))),
        frequency: Set(s.frequency.clone()),
        levels: Set(json(&s.levels.iter().map(|l| l.code()).collect::<Vec<_>>())),
        legal_basis: Set(json(
            &s.legal_basis
                .iter()
                .map(|b| StoredBasis {
                    law: b.law.clone(),
                    article: b.article.clone(),
                })
                .collect::<Vec<_>>(),
        )),
        fields: Set(json(&s.fields)),
        status: Set(v.status.code().to_string()),
        change_reason: Set(v.change_reason.to_string()),
        effective_date: Set(v.effective_date),
        published_at: Set(v.published_at),
        published_by: Set(v.published_by.to_string()),
        ..Default::default()
    };
    let id = check_item_version::Entity::insert(am).exec(db).await?.last_insert_id;
    let moved = check_item::Entity::update_many()
        .col_expr(check_item::Column::CurrentVersionId, Expr::value(id))
        .col_expr(check_item::Column::CurrentVersion, Expr::value(v.version))
        .filter(check_item::Column::Id.eq(v.item_id))
        .filter(check_item::Column::CurrentVersion.eq(v.version - 1))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(StoreError::Unsupported(
            "该事项刚刚已被其他人调整，请刷新页面查看最新版本后再操作".into(),
        ));
    }
    Ok(version(db, id).await?.expect("just inserted"))
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<ItemRow>, StoreError> {
    Ok(check_item::Entity::find_by_id(id).one(db).await?.map(Into::into))
}

pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<ItemRow>, StoreError> {
    Ok(check_item::Entity::find()
        .filter(check_item::Column::Code.eq(code))
        .one(db)
        .await?
        .map(Into::into))
}

/// One version by its id (what tasks refer to).
pub async fn version(db: &impl ConnectionTrait, id: i64) -> Result<Option<VersionRow>, StoreError> {
    Ok(check_item_version::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Into::into))
}

/// Every version of an item, oldest first.
pub async fn versions_of(db: &impl ConnectionTrait, item_id: i64) -> Result<Vec<VersionRow>, StoreError> {
    Ok(check_item_version::Entity::find()
        .filter(check_item_version::Column::ItemId.eq(item_id))
        .order_by_asc(check_item_version::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The ids of the current versions, as a sub-query.
fn current_version_ids() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(check_item::Column::CurrentVersionId)
        .from(check_item::Entity)
        .to_owned()
}

/// The item whose current version has this name and 子项 (for loading demo
/// data idempotently).
pub async fn current_by_name(
    db: &impl ConnectionTrait,
    name: &str,
    sub_item: Option<&str>,
) -> Result<Option<ItemRow>, StoreError> {
    let v = check_item_version::Entity::find()
        .filter(check_item_version::Column::Id.in_subquery(current_version_ids()))
        .filter(check_item_version::Column::Name.eq(name))
        .filter(check_item_version::Column::SubItem.eq(sub_item.unwrap_or("")))
        .one(db)
        .await?;
    match v {
        Some(v) => by_id(db, v.item_id).await,
        None => Ok(None),
    }
}

/// Filters of the item list, applied to each item's current version.
#[derive(Clone, Debug, Default)]
pub struct ItemFilter {
    /// Part of the name, the 子项 or the code.
    pub text: Option<String>,
    pub category: Option<ItemCategory>,
    pub object_kind: Option<ObjectKind>,
    pub level: Option<Level>,
    /// A term of the 专业领域 vocabulary.
    pub field: Option<String>,
    pub status: Option<ItemStatus>,
}

fn json_element(s: &str) -> sea_orm::sea_query::LikeExpr {
    scope::contains(&json(&s))
}

/// One page of items with their current versions, in code order, and the total.
pub async fn list_current(
    db: &impl ConnectionTrait,
    f: &ItemFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<(ItemRow, VersionRow)>, u64), StoreError> {
    use check_item_version::Column as V;
    let mut cond = Condition::all().add(V::Id.in_subquery(current_version_ids()));
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let by_code = Query::select()
            .column(check_item::Column::Id)
            .from(check_item::Entity)
            .and_where(check_item::Column::Code.like(scope::contains(&t.to_ascii_uppercase())))
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(V::Name.like(scope::contains(t)))
                .add(V::SubItem.like(scope::contains(t)))
                .add(V::ItemId.in_subquery(by_code)),
        );
    }
    if let Some(c) = f.category {
        cond = cond.add(V::Category.eq(c.code()));
    }
    if let Some(k) = f.object_kind {
        cond = cond.add(V::ObjectKind.eq(k.code()));
    }
    if let Some(l) = f.level {
        cond = cond.add(V::Levels.like(json_element(l.code())));
    }
    if let Some(field) = f.field.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(V::Fields.like(json_element(field)));
    }
    if let Some(s) = f.status {
        cond = cond.add(V::Status.eq(s.code()));
    }
    let q = check_item_version::Entity::find().filter(cond);
    let total = q.clone().count(db).await?;
    let versions: Vec<VersionRow> = q
        .order_by_asc(V::ItemId)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let items: std::collections::HashMap<i64, ItemRow> = check_item::Entity::find()
        .filter(check_item::Column::Id.is_in(versions.iter().map(|v| v.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, ItemRow::from(m)))
        .collect();
    let rows = versions
        .into_iter()
        .filter_map(|v| items.get(&v.item_id).cloned().map(|i| (i, v)))
        .collect();
    Ok((rows, total))
}

/// Number of items (any status).
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(check_item::Entity::find().count(db).await?)
}
