//! 陈述申辩时间: the 陈述申辩笔录 states when the object was heard, which is
//! not the inspection's own time — the statement follows the 权利告知 at the
//! end of the visit, or comes days later. Rows recorded before this column
//! have none; their documents fall back to the inspection's end, as before.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000018_statement_time"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds one column per ALTER TABLE.
        for column in ["statement_started_at", "statement_ended_at"] {
            m.alter_table(
                Table::alter()
                    .table("inspections")
                    .add_column(timestamp_with_time_zone_null(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["statement_started_at", "statement_ended_at"] {
            m.alter_table(Table::alter().table("inspections").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
