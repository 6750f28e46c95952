//! 第二十四条 归档: one row per archive package of a task — its manifest (every
//! file with its SHA-256) exactly as hashed, and the audit entry that signs it.
//! Append-only on both backends.

use super::common::{append_only, index};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000012_task_archives"
    }
}

const APPEND_ONLY: &str = "归档记录只能追加，不能修改或删除";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("task_archives")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(text("manifest"))
                .col(string("manifest_sha256"))
                .col(integer("files"))
                .col(big_integer("bytes"))
                .col(big_integer("audit_seq"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("task_archives", "task_id").to("tasks", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "task_archives", "idx_task_archives_task", &["task_id"], false).await?;
        append_only(m, "task_archives", APPEND_ONLY).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("归档记录不可删除：此迁移不提供 down".to_string()))
    }
}
