//! 期限提醒: which deadline alerts have been sent. A deadline that passes
//! (results not published within 20 working days, an objection not reviewed
//! within 20 or not answered within 15) is announced once; the primary key
//! makes "once" hold when several server processes run the watch at the same
//! moment, since only one insert of a (kind, subject) can succeed.

use super::common::append_only;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000016_deadline_alerts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("deadline_alerts")
                .if_not_exists()
                .col(string_len("kind", 40))
                .col(big_integer("subject_id"))
                .col(date("due"))
                .col(timestamp_with_time_zone("sent_at"))
                .primary_key(Index::create().col("kind").col("subject_id"))
                .to_owned(),
        )
        .await?;
        append_only(m, "deadline_alerts", "期限提醒记录只能追加，不能修改或删除").await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("期限提醒记录不可删除：此迁移不提供 down".to_string()))
    }
}
