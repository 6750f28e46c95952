//! Inspections outside 双随机 (第三条) and their item results.
//!
//! Append-only: [`insert`] writes a record with its items once; the only
//! change afterwards is [`void`] (作废), a conditional update that succeeds
//! once. A voided record stays visible but no longer counts anywhere.
//!
//! These records are not draws: nothing here touches `task_objects`, so they
//! never count in the draw statistics or toward 第十四条's two per year. What
//! they do feed is 第十二条: [`compliant_item_codes`] is the set of objects an
//! un-voided record found compliant for an item in a year.

use crate::entity::{outside_inspection, outside_inspection_item};
use crate::{StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use spotcheck_domain::jurisdiction::Jurisdiction;
use spotcheck_domain::outside::ItemResult;
use std::collections::{HashMap, HashSet};

pub use outside_inspection::Model as OutsideRow;
pub use outside_inspection_item::Model as OutsideItemRow;

/// An item result to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOutsideItem {
    pub item_id: i64,
    pub item_version_id: i64,
    pub result: ItemResult,
}

/// A record to write.
pub struct NewOutside<'a> {
    pub department_id: i64,
    pub object_id: i64,
    pub object_kind: &'a str,
    pub object_code: &'a str,
    /// An `OutsideRandomReason` code.
    pub reason: &'a str,
    pub basis: &'a str,
    pub inspection_date: NaiveDate,
    pub year: i32,
    pub inspectors: &'a str,
    pub note: &'a str,
    pub created_by: &'a str,
    pub now: DateTime<Utc>,
    pub items: &'a [NewOutsideItem],
}

/// Writes a record and its item results; returns the record.
pub async fn insert(db: &impl ConnectionTrait, n: NewOutside<'_>) -> Result<OutsideRow, StoreError> {
    let id = outside_inspection::Entity::insert(outside_inspection::ActiveModel {
        department_id: Set(n.department_id),
        object_id: Set(n.object_id),
        object_kind: Set(n.object_kind.to_string()),
        object_code: Set(n.object_code.to_string()),
        reason: Set(n.reason.to_string()),
        basis: Set(n.basis.to_string()),
        inspection_date: Set(n.inspection_date),
        year: Set(n.year),
        inspectors: Set(n.inspectors.to_string()),
        note: Set(n.note.to_string()),
        created_by: Set(n.created_by.to_string()),
        created_at: Set(n.now),
        voided_at: Set(None),
        voided_by: Set(String::new()),
        void_reason: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    if !n.items.is_empty() {
        outside_inspection_item::Entity::insert_many(n.items.iter().map(|i| outside_inspection_item::ActiveModel {
            inspection_id: Set(id),
            item_id: Set(i.item_id),
            item_version_id: Set(i.item_version_id),
            result: Set(i.result.code().to_string()),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    Ok(outside_inspection::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted"))
}

/// A record of a department inside `scope`.
pub async fn get_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    id: i64,
) -> Result<Option<OutsideRow>, StoreError> {
    Ok(outside_inspection::Entity::find_by_id(id)
        .filter(outside_inspection::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?)
}

/// The item results of a record, in the order written.
pub async fn items_of(db: &impl ConnectionTrait, inspection_id: i64) -> Result<Vec<OutsideItemRow>, StoreError> {
    Ok(outside_inspection_item::Entity::find()
        .filter(outside_inspection_item::Column::InspectionId.eq(inspection_id))
        .order_by_asc(outside_inspection_item::Column::Id)
        .all(db)
        .await?)
}

/// The item results of several records (a page of the list), by record.
pub async fn items_of_many(
    db: &impl ConnectionTrait,
    inspection_ids: &[i64],
) -> Result<HashMap<i64, Vec<OutsideItemRow>>, StoreError> {
    let mut out: HashMap<i64, Vec<OutsideItemRow>> = HashMap::new();
    if inspection_ids.is_empty() {
        return Ok(out);
    }
    for r in outside_inspection_item::Entity::find()
        .filter(outside_inspection_item::Column::InspectionId.is_in(inspection_ids.iter().copied()))
        .order_by_asc(outside_inspection_item::Column::Id)
        .all(db)
        .await?
    {
        out.entry(r.inspection_id).or_default().push(r);
    }
    Ok(out)
}

#[derive(Clone, Debug, Default)]
pub struct OutsideFilter {
    /// An `OutsideRandomReason` code.
    pub reason: Option<String>,
    pub year: Option<i32>,
    /// `Some(false)`: only records in force; `Some(true)`: only voided ones.
    pub voided: Option<bool>,
}

fn condition(scope: &Jurisdiction, f: &OutsideFilter) -> Condition {
    let mut c =
        Condition::all().add(outside_inspection::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)));
    if let Some(r) = &f.reason {
        c = c.add(outside_inspection::Column::Reason.eq(r.as_str()));
    }
    if let Some(y) = f.year {
        c = c.add(outside_inspection::Column::Year.eq(y));
    }
    match f.voided {
        Some(true) => c = c.add(outside_inspection::Column::VoidedAt.is_not_null()),
        Some(false) => c = c.add(outside_inspection::Column::VoidedAt.is_null()),
        None => {}
    }
    c
}

/// One page of the records of the departments inside `scope`, newest
/// inspection first, with the total.
pub async fn list_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &OutsideFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<OutsideRow>, u64), StoreError> {
    let q = outside_inspection::Entity::find().filter(condition(scope, f));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(outside_inspection::Column::InspectionDate)
        .order_by_desc(outside_inspection::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Records in force inside `scope` in `year`, per reason code (the
/// supervision figures' own category for 第三条).
pub async fn count_by_reason_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    year: i32,
) -> Result<HashMap<String, u64>, StoreError> {
    let f = OutsideFilter {
        year: Some(year),
        voided: Some(false),
        ..Default::default()
    };
    let rows: Vec<(String, i64)> = outside_inspection::Entity::find()
        .select_only()
        .column(outside_inspection::Column::Reason)
        .column_as(outside_inspection::Column::Id.count(), "n")
        .filter(condition(scope, &f))
        .group_by(outside_inspection::Column::Reason)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(r, n)| (r, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Years that have at least one record inside `scope`, newest first.
pub async fn years_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<Vec<i32>, StoreError> {
    let mut years: Vec<i32> = outside_inspection::Entity::find()
        .filter(outside_inspection::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .select_only()
        .column(outside_inspection::Column::Year)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(years)
}

/// Voids record `id` (作废) with a reason. Refuses (as
/// [`StoreError::Unsupported`]) a record already voided: of two people
/// voiding at once, one succeeds.
pub async fn void(
    db: &impl ConnectionTrait,
    id: i64,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let done = outside_inspection::Entity::update_many()
        .col_expr(outside_inspection::Column::VoidedAt, Expr::value(now))
        .col_expr(outside_inspection::Column::VoidedBy, Expr::value(by))
        .col_expr(outside_inspection::Column::VoidReason, Expr::value(reason))
        .filter(outside_inspection::Column::Id.eq(id))
        .filter(outside_inspection::Column::VoidedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Unsupported("该检查记录已经作废，请刷新页面查看".into()));
    }
    Ok(())
}

/// 第十二条: the codes of the objects of `object_kind` that an inspection
/// outside 双随机 dated in `year`, by any department and not voided, found
/// compliant (符合) for item `item_id` (any version of the item). A task's
/// eligibility leaves these objects out of a 一般 item's draw for the year.
pub async fn compliant_item_codes(
    db: &impl ConnectionTrait,
    item_id: i64,
    object_kind: &str,
    year: i32,
) -> Result<HashSet<String>, StoreError> {
    let compliant = Query::select()
        .column(outside_inspection_item::Column::InspectionId)
        .from(outside_inspection_item::Entity)
        .and_where(outside_inspection_item::Column::ItemId.eq(item_id))
        .and_where(outside_inspection_item::Column::Result.eq(ItemResult::Compliant.code()))
        .to_owned();
    let codes: Vec<String> = outside_inspection::Entity::find()
        .select_only()
        .column(outside_inspection::Column::ObjectCode)
        .filter(outside_inspection::Column::ObjectKind.eq(object_kind))
        .filter(outside_inspection::Column::Year.eq(year))
        .filter(outside_inspection::Column::VoidedAt.is_null())
        .filter(outside_inspection::Column::Id.in_subquery(compliant))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(codes.into_iter().collect())
}
