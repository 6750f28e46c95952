//! 工作日历: the official holiday schedule of a year as the province enters it
//! once the State Council publishes it (the years 2024–2026 ship with the
//! binary). Each entry is a new row; the newest row of a year is in force, the
//! older ones stay as the record of what deadlines were computed with.

use super::common::{append_only, index};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000013_calendar_years"
    }
}

const APPEND_ONLY: &str = "工作日历的录入记录只能追加，不能修改或删除";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_years")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(integer("year"))
                .col(text("entries"))
                .col(text("source"))
                .col(string("added_by"))
                .col(timestamp_with_time_zone("added_at"))
                .to_owned(),
        )
        .await?;
        index(m, "calendar_years", "idx_calendar_years_year", &["year"], false).await?;
        append_only(m, "calendar_years", APPEND_ONLY).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("工作日历记录不可删除：此迁移不提供 down".to_string()))
    }
}
