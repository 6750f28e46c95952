//! 抽查任务 and their verifiable object draws (第十四条—第十六条): tasks, the
//! units of a joint task, task items, draw records and the drawn objects.

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000007_tasks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("tasks")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(big_integer("department_id"))
                .col(big_integer_null("plan_id"))
                .col(date("window_start"))
                .col(date("window_end"))
                .col(integer("team_size"))
                .col(integer("complaint_threshold"))
                .col(string("status"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("dispatched_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("tasks", "department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(m, "tasks", "idx_tasks_department", &["department_id"], false).await?;

        // The departments of a task: the initiator, and for a joint task
        // (联合抽查) the participants.
        m.create_table(
            Table::create()
                .table("task_units")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(big_integer("department_id"))
                .col(string("role"))
                .foreign_key(ForeignKey::create().from("task_units", "task_id").to("tasks", "id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("task_units", "department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(m, "task_units", "ux_task_units", &["task_id", "department_id"], true).await?;
        index(m, "task_units", "idx_task_units_department", &["department_id"], false).await?;

        // One item of a task: an item version with its scope and ratios. Its
        // object draw is committed at most once: `draw_id` is set by a
        // conditional update, so two operators locking at once get one commit.
        m.create_table(
            Table::create()
                .table("task_items")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(integer("position"))
                .col(big_integer("department_id"))
                .col(big_integer_null("plan_entry_id"))
                .col(big_integer("item_version_id"))
                .col(text("object_kinds"))
                .col(text("divisions"))
                .col(text("risk_classes"))
                .col(integer("ratio_bp"))
                .col(text("stratum_ratios"))
                .col(string_null("draw_id"))
                .foreign_key(ForeignKey::create().from("task_items", "task_id").to("tasks", "id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("task_items", "item_version_id")
                        .to("check_item_versions", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "task_items",
            "ux_task_items_position",
            &["task_id", "position"],
            true,
        )
        .await?;

        // Every draw record (spotcheck-draw-v1): published from its commit.
        // The nonce is kept sealed with the platform key until the reveal, so
        // a crash between commit and reveal loses nothing.
        m.create_table(
            Table::create()
                .table("draws")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("draw_id"))
                .col(big_integer("task_id"))
                .col(big_integer_null("task_item_id"))
                .col(string("kind"))
                .col(string("status"))
                .col(string("beacon_source"))
                .col(string("commitment"))
                .col(text("committed_record"))
                .col(text_null("revealed_record"))
                .col(text("nonce_sealed"))
                .col(string("committed_by"))
                .col(timestamp_with_time_zone("committed_at"))
                .col(timestamp_with_time_zone_null("revealed_at"))
                .foreign_key(ForeignKey::create().from("draws", "task_id").to("tasks", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "draws", "idx_draws_task", &["task_id"], false).await?;

        // The drawn objects of a task item, in the draw's order.
        m.create_table(
            Table::create()
                .table("task_objects")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(big_integer("task_item_id"))
                .col(big_integer("object_id"))
                .col(string("object_kind"))
                .col(string("object_code"))
                .col(string("stratum"))
                .col(integer("position"))
                .col(big_integer_null("executing_department_id"))
                .col(integer("year"))
                .col(boolean("random"))
                .foreign_key(ForeignKey::create().from("task_objects", "task_id").to("tasks", "id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("task_objects", "object_id")
                        .to("objects", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "task_objects",
            "ux_task_objects_item_object",
            &["task_item_id", "object_id"],
            true,
        )
        .await?;
        // 第十四条's two-per-year count looks objects up by code and year.
        index(
            m,
            "task_objects",
            "idx_task_objects_code_year",
            &["object_kind", "object_code", "year"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "已公开的抽取记录不可删除：此迁移不提供 down".to_string(),
        ))
    }
}
