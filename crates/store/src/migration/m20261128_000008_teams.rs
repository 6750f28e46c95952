//! 检查组 (第十七条) and their changes (第十八条): the team of each drawn
//! object, its members (drawn inspectors and hand-attached experts), and the
//! requests to replace a member, each approved or refused by the 分管负责人.
//! An inspectors draw belongs to the executing unit that ran it.

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000008_teams"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The executing unit of an inspectors or replacement draw.
        m.alter_table(
            Table::alter()
                .table("draws")
                .add_column(big_integer_null("department_id"))
                .to_owned(),
        )
        .await?;

        // One team per drawn object of a task: one visit covers every item
        // (一次到位, 第二十条), so an object drawn for two items has one team.
        m.create_table(
            Table::create()
                .table("teams")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(big_integer("object_id"))
                .col(string("object_kind"))
                .col(string("object_code"))
                .col(big_integer("department_id"))
                .col(string("draw_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("teams", "task_id").to("tasks", "id"))
                .foreign_key(ForeignKey::create().from("teams", "object_id").to("objects", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "teams", "ux_teams_task_object", &["task_id", "object_id"], true).await?;
        // Rotation looks up the last team of an object.
        index(m, "teams", "idx_teams_object", &["object_id"], false).await?;

        // Members are never deleted: a replaced member keeps its row with
        // `active = false` and the replacement that ended it.
        m.create_table(
            Table::create()
                .table("team_members")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("team_id"))
                .col(big_integer_null("inspector_id"))
                .col(big_integer_null("expert_id"))
                .col(string("name"))
                .col(string("cert_no"))
                .col(string("role"))
                .col(integer("position"))
                .col(boolean("active"))
                .col(string_null("draw_id"))
                .col(string("added_by"))
                .col(timestamp_with_time_zone("added_at"))
                .col(timestamp_with_time_zone_null("left_at"))
                .col(string("left_reason"))
                .foreign_key(ForeignKey::create().from("team_members", "team_id").to("teams", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "team_members", "idx_team_members_team", &["team_id"], false).await?;
        index(
            m,
            "team_members",
            "idx_team_members_inspector",
            &["inspector_id"],
            false,
        )
        .await?;

        // 第十八条: a request to replace one member, its approval or refusal
        // by the 分管负责人, and the replacement draw it led to.
        m.create_table(
            Table::create()
                .table("replacements")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(big_integer("team_id"))
                .col(big_integer("member_id"))
                .col(string("reason"))
                .col(text("note"))
                .col(string("status"))
                .col(string("requested_by"))
                .col(timestamp_with_time_zone("requested_at"))
                .col(string_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text("decision_note"))
                .col(string_null("draw_id"))
                .col(big_integer_null("new_member_id"))
                .foreign_key(ForeignKey::create().from("replacements", "team_id").to("teams", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "replacements", "idx_replacements_task", &["task_id"], false).await?;
        // The draw reads a department's objects of a kind in slices in id
        // order (`population::facts`); without this index each slice sorted
        // the rest of the directory again.
        index(
            m,
            "objects",
            "idx_objects_department_kind_id",
            &["department_id", "kind", "id"],
            false,
        )
        .await?;
        // At most one open request per member.
        index(m, "replacements", "idx_replacements_member", &["member_id"], false).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "检查组及其人员调整记录不可删除：此迁移不提供 down".to_string(),
        ))
    }
}
