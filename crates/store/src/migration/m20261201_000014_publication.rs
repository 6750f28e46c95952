//! 一公开 (第二十三条、第二十五条、第二十六条): the publication of a task's
//! results, every published version of each result, correction requests,
//! objections with their attachments, and the follow-up of each problem.
//!
//! What is published is never changed: `task_publications`,
//! `result_versions`, `objection_files` and `followups` are append-only on
//! both backends. `public_results` is the searchable projection of the
//! current version of each published result (one row per inspection); it is
//! rewritten only by the audited use cases that add a version or a follow-up
//! step, and can be rebuilt from the append-only tables.

use super::common::{append_only, index};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000014_publication"
    }
}

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").to_owned()
}

const APPEND_ONLY: &str = "已公开的结果及其处置记录只能追加，不能修改或删除";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One publication per task: when, by whom, against which deadline.
        m.create_table(
            Table::create()
                .table("task_publications")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("task_id"))
                .col(date("due_on"))
                .col(boolean("provisional"))
                .col(integer("results"))
                .col(integer("withheld"))
                .col(string("published_by"))
                .col(timestamp_with_time_zone("published_at"))
                .foreign_key(&mut fk("task_publications", "task_id", "tasks"))
                .to_owned(),
        )
        .await?;
        append_only(m, "task_publications", APPEND_ONLY).await?;

        // Every published version of a result: version 1 is the team's final
        // result; each approved correction adds the next one.
        m.create_table(
            Table::create()
                .table("result_versions")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(big_integer("task_id"))
                .col(integer("version"))
                .col(string("result_category"))
                .col(text("result_summary"))
                .col(text("withheld_reason"))
                .col(text("reason"))
                .col(big_integer_null("correction_id"))
                .col(string("published_by"))
                .col(timestamp_with_time_zone("published_at"))
                .foreign_key(&mut fk("result_versions", "inspection_id", "inspections"))
                .foreign_key(&mut fk("result_versions", "task_id", "tasks"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "result_versions",
            "ux_result_versions",
            &["inspection_id", "version"],
            true,
        )
        .await?;
        append_only(m, "result_versions", APPEND_ONLY).await?;

        // The public search reads this table only.
        m.create_table(
            Table::create()
                .table("public_results")
                .if_not_exists()
                .col(big_integer("inspection_id").primary_key())
                .col(big_integer("task_id"))
                .col(string("task_code"))
                .col(string("task_name"))
                .col(string("task_kind"))
                .col(big_integer("department_id"))
                .col(string("department_code"))
                .col(string("department_name"))
                .col(date("inspected_on"))
                .col(string("object_kind"))
                .col(string("object_name"))
                .col(string("object_code"))
                .col(text("item_names"))
                .col(string("result_category"))
                .col(string("result_label"))
                .col(text("result_summary"))
                .col(boolean("withheld"))
                .col(text("withheld_reason"))
                .col(integer("version"))
                .col(date_null("corrected_on"))
                .col(text("correction_reason"))
                .col(string("disposal"))
                .col(timestamp_with_time_zone("published_at"))
                .foreign_key(&mut fk("public_results", "inspection_id", "inspections"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "public_results",
            "idx_public_results_date",
            &["withheld", "inspected_on", "inspection_id"],
            false,
        )
        .await?;
        // Each search filter with `withheld` and the order after it, so the
        // filter and the newest-first order are read from one index (a
        // planner without statistics otherwise walks the date index and
        // filters a million rows).
        index(
            m,
            "public_results",
            "idx_public_results_code",
            &["object_code", "withheld", "inspected_on", "inspection_id"],
            false,
        )
        .await?;
        index(
            m,
            "public_results",
            "idx_public_results_department",
            &["department_code", "withheld", "inspected_on", "inspection_id"],
            false,
        )
        .await?;
        index(m, "public_results", "idx_public_results_task", &["task_id"], false).await?;

        // 更正申请: pending until the 主要负责人 decides; the decision is set once.
        m.create_table(
            Table::create()
                .table("result_corrections")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(big_integer_null("objection_id"))
                .col(text("reason"))
                .col(string("result_category"))
                .col(text("result_summary"))
                .col(string("status"))
                .col(string("requested_by"))
                .col(timestamp_with_time_zone("requested_at"))
                .col(string("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text("decision_note"))
                .foreign_key(&mut fk("result_corrections", "inspection_id", "inspections"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "result_corrections",
            "idx_result_corrections_inspection",
            &["inspection_id"],
            false,
        )
        .await?;

        // 异议: received → decided → answered; each step set once.
        m.create_table(
            Table::create()
                .table("objections")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(big_integer("department_id"))
                .col(string("channel"))
                .col(string("submitter"))
                .col(string("contact"))
                .col(text("content"))
                .col(date("received_on"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(string("status"))
                .col(string("decision"))
                .col(text("decision_reason"))
                .col(string("decided_by"))
                .col(date_null("decided_on"))
                .col(big_integer_null("correction_id"))
                .col(string("feedback_method"))
                .col(text("feedback_note"))
                .col(date_null("feedback_on"))
                .col(string("feedback_by"))
                .foreign_key(&mut fk("objections", "inspection_id", "inspections"))
                .foreign_key(&mut fk("objections", "department_id", "departments"))
                .to_owned(),
        )
        .await?;
        index(m, "objections", "idx_objections_inspection", &["inspection_id"], false).await?;
        index(
            m,
            "objections",
            "idx_objections_department",
            &["department_id", "status"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("objection_files")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("objection_id"))
                .col(string_uniq("storage_key"))
                .col(string("sha256"))
                .col(big_integer("size"))
                .col(string("mime"))
                .col(string("file_name"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .foreign_key(&mut fk("objection_files", "objection_id", "objections"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "objection_files",
            "idx_objection_files_objection",
            &["objection_id"],
            false,
        )
        .await?;
        append_only(m, "objection_files", APPEND_ONLY).await?;

        // 后续处置: one row per step; a problem's latest step is its state.
        m.create_table(
            Table::create()
                .table("followups")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(big_integer("finding_id"))
                .col(string("step"))
                .col(string("receiving_body"))
                .col(date("on_date"))
                .col(string("status"))
                .col(text("note"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut fk("followups", "inspection_id", "inspections"))
                .foreign_key(&mut fk("followups", "finding_id", "inspection_findings"))
                .to_owned(),
        )
        .await?;
        index(m, "followups", "idx_followups_inspection", &["inspection_id"], false).await?;
        append_only(m, "followups", APPEND_ONLY).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("已公开的结果不可删除：此迁移不提供 down".to_string()))
    }
}
