//! 第三条: inspections outside 双随机 (上级专门部署, 投诉举报, 转办交办督办,
//! 突发安全生产事件, 其他) and the result of each item. Append-only: a wrong
//! record is voided (作废) with a reason and then no longer counts; nothing is
//! edited or deleted.

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000009_outside_inspections"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One inspection of one object by a department. The object's kind and
        // public code are kept beside its id: 第十二条's lookup goes by code,
        // like 第十四条's count of draws.
        m.create_table(
            Table::create()
                .table("outside_inspections")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("department_id"))
                .col(big_integer("object_id"))
                .col(string("object_kind"))
                .col(string("object_code"))
                .col(string("reason"))
                .col(text("basis"))
                .col(date("inspection_date"))
                .col(integer("year"))
                .col(text("inspectors"))
                .col(text("note"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(string("voided_by"))
                .col(text("void_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("outside_inspections", "department_id")
                        .to("departments", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("outside_inspections", "object_id")
                        .to("objects", "id"),
                )
                .to_owned(),
        )
        .await?;
        // The list: a jurisdiction's records, newest first.
        index(
            m,
            "outside_inspections",
            "idx_outside_department_date",
            &["department_id", "inspection_date"],
            false,
        )
        .await?;
        // 第十二条: the records of a year by object kind.
        index(
            m,
            "outside_inspections",
            "idx_outside_kind_year",
            &["object_kind", "year"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("outside_inspection_items")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(big_integer("item_id"))
                .col(big_integer("item_version_id"))
                .col(string("result"))
                .foreign_key(
                    ForeignKey::create()
                        .from("outside_inspection_items", "inspection_id")
                        .to("outside_inspections", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("outside_inspection_items", "item_id")
                        .to("check_items", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("outside_inspection_items", "item_version_id")
                        .to("check_item_versions", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "outside_inspection_items",
            "ux_outside_items_inspection_item",
            &["inspection_id", "item_id"],
            true,
        )
        .await?;
        // 第十二条: the compliant results of an item.
        index(
            m,
            "outside_inspection_items",
            "idx_outside_items_item_result",
            &["item_id", "result"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "检查记录只能作废、不可删除：此迁移不提供 down".to_string(),
        ))
    }
}
