//! 年度抽查计划 (第十二条、第十三条): plan versions, their entries and the
//! history of each version (报备, 确认, 退回, 公开, 调整).

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000005_plans"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per version of a department's plan for a year. Version 1 is
        // the original; an adjustment after publication is version n+1 with
        // its reason. Published versions are never updated except to mark
        // them superseded.
        m.create_table(
            Table::create()
                .table("plans")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("department_id"))
                .col(integer("year"))
                .col(integer("version"))
                .col(string("status"))
                .col(text("adjustment_reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("filed_at"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .col(text("answer_comment"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(timestamp_with_time_zone_null("superseded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("plans", "department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "plans",
            "ux_plans_department_year_version",
            &["department_id", "year", "version"],
            true,
        )
        .await?;
        index(m, "plans", "idx_plans_year_status", &["year", "status"], false).await?;

        m.create_table(
            Table::create()
                .table("plan_entries")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("plan_id"))
                .col(integer("position"))
                .col(big_integer("item_version_id"))
                .col(text("object_kinds"))
                .col(text("divisions"))
                .col(text("risk_classes"))
                .col(integer("ratio_bp"))
                .col(text("months"))
                .col(text("note"))
                .foreign_key(ForeignKey::create().from("plan_entries", "plan_id").to("plans", "id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("plan_entries", "item_version_id")
                        .to("check_item_versions", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "plan_entries",
            "ux_plan_entries_plan_position",
            &["plan_id", "position"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("plan_events")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("plan_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("action"))
                .col(string("actor_name"))
                .col(string("actor_department"))
                .col(text("comment"))
                .foreign_key(ForeignKey::create().from("plan_events", "plan_id").to("plans", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "plan_events", "idx_plan_events_plan", &["plan_id"], false).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "已报备、已公开的年度抽查计划不可删除：此迁移不提供 down".to_string(),
        ))
    }
}
