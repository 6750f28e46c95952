//! The years of the working-day calendar entered by the province. Only inserted.

use crate::StoreError;
use crate::entity::calendar_year;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use std::collections::BTreeMap;

pub use calendar_year::Model as CalendarYearRow;

pub async fn insert(
    db: &impl ConnectionTrait,
    year: i32,
    entries: &str,
    source: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<CalendarYearRow, StoreError> {
    let id = calendar_year::Entity::insert(calendar_year::ActiveModel {
        year: Set(year),
        entries: Set(entries.into()),
        source: Set(source.into()),
        added_by: Set(by.into()),
        added_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    Ok(calendar_year::Entity::find_by_id(id)
        .one(db)
        .await?
        .expect("just inserted"))
}

/// The schedule in force for each entered year: its newest row.
pub async fn in_force(db: &impl ConnectionTrait) -> Result<Vec<CalendarYearRow>, StoreError> {
    let mut by_year: BTreeMap<i32, CalendarYearRow> = BTreeMap::new();
    for row in calendar_year::Entity::find()
        .order_by_asc(calendar_year::Column::Id)
        .all(db)
        .await?
    {
        by_year.insert(row.year, row);
    }
    Ok(by_year.into_values().collect())
}
