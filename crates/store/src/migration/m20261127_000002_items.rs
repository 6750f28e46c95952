//! 随机抽查事项清单: items and their published versions.

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000002_items"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The item row points at its latest version; the version rows point at
        // the item. The item is inserted first (with 0) and then pointed at its
        // first version in the same transaction, so no foreign key on
        // `current_version_id`.
        m.create_table(
            Table::create()
                .table("check_items")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(timestamp_with_time_zone("created_at"))
                .col(big_integer("current_version_id"))
                .col(integer("current_version"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "check_items",
            "idx_check_items_current",
            &["current_version_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("check_item_versions")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("item_id"))
                .col(integer("version"))
                .col(string("name"))
                .col(string("sub_item"))
                .col(string("category"))
                .col(string("object_kind"))
                .col(text("enterprise_kinds"))
                .col(text("check_points"))
                .col(text("methods"))
                .col(integer("ratio_bp"))
                .col(integer_null("ratio_cap_bp"))
                .col(string("frequency"))
                .col(text("levels"))
                .col(text("legal_basis"))
                .col(text("fields"))
                .col(string("status"))
                .col(text("change_reason"))
                .col(date("effective_date"))
                .col(timestamp_with_time_zone("published_at"))
                .col(string("published_by"))
                .foreign_key(
                    ForeignKey::create()
                        .from("check_item_versions", "item_id")
                        .to("check_items", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "check_item_versions",
            "ux_check_item_versions_item_version",
            &["item_id", "version"],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "抽查事项的已发布版本不可删除：此迁移不提供 down".to_string(),
        ))
    }
}
