//! 第十九条至第二十二条: the inspection of each drawn object by its team — the
//! team's work plan, the checklist (one row per 抽查内容), the findings, the
//! members' confirmations (签字确认), the evidence files — and the province's
//! configurable list of result categories, seeded with the defaults.

use super::common::{append_only, index};
use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};
use spotcheck_domain::inspection::DEFAULT_RESULT_CATEGORIES;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000011_inspections"
    }
}

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // 检查结果 categories: the province adds, renames and retires them; a
        // retired one stays for the results that used it.
        m.create_table(
            Table::create()
                .table("result_categories")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("label"))
                .col(string("rule"))
                .col(integer("position"))
                .col(boolean("active"))
                .col(string("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        let now = chrono::Utc::now();
        for (i, (code, label, rule)) in DEFAULT_RESULT_CATEGORIES.iter().enumerate() {
            m.exec_stmt(
                Query::insert()
                    .into_table("result_categories")
                    .columns([
                        "code",
                        "label",
                        "rule",
                        "position",
                        "active",
                        "updated_by",
                        "updated_at",
                    ])
                    .values_panic([
                        (*code).into(),
                        (*label).into(),
                        rule.code().into(),
                        (i as i32 + 1).into(),
                        true.into(),
                        "system".into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }

        // One inspection per team (一次到位). `revision` grows each time a
        // closed inspection is reopened; only confirmations of the current
        // revision count. The 核验码 is kept sealed (to print it again) and as
        // a keyed hash (to find the inspection from a typed code).
        m.create_table(
            Table::create()
                .table("inspections")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("task_id"))
                .col(big_integer_uniq("team_id"))
                .col(big_integer("object_id"))
                .col(big_integer("department_id"))
                .col(string("status"))
                .col(integer("revision"))
                .col(text("plan_division"))
                .col(text("plan_procedure"))
                .col(text("plan_schedule"))
                .col(string("plan_recorded_by"))
                .col(timestamp_with_time_zone_null("plan_recorded_at"))
                .col(string("method"))
                .col(timestamp_with_time_zone_null("started_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(text("place"))
                .col(text("present"))
                .col(string("result_category"))
                .col(text("result_summary"))
                .col(timestamp_with_time_zone_null("rights_notified_at"))
                .col(string("statement_person"))
                .col(text("statement"))
                .col(boolean("statement_waived"))
                .col(timestamp_with_time_zone_null("statement_recorded_at"))
                .col(string("document_no"))
                .col(text("verification_sealed"))
                .col(string("verification_hash"))
                .col(string("closed_by"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(timestamp_with_time_zone_null("finalized_at"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("inspections", "task_id", "tasks"))
                .foreign_key(&mut fk("inspections", "team_id", "teams"))
                .foreign_key(&mut fk("inspections", "object_id", "objects"))
                .foreign_key(&mut fk("inspections", "department_id", "departments"))
                .to_owned(),
        )
        .await?;
        index(m, "inspections", "idx_inspections_task", &["task_id"], false).await?;
        index(
            m,
            "inspections",
            "idx_inspections_verification",
            &["verification_hash"],
            false,
        )
        .await?;

        // The checklist: every 抽查内容 of every item that applies, copied
        // from the item version when the inspection begins.
        m.create_table(
            Table::create()
                .table("inspection_points")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(big_integer("task_item_id"))
                .col(big_integer("item_version_id"))
                .col(integer("point_no"))
                .col(text("content"))
                .col(string("result"))
                .col(text("note"))
                .foreign_key(&mut fk("inspection_points", "inspection_id", "inspections"))
                .foreign_key(&mut fk("inspection_points", "task_item_id", "task_items"))
                .foreign_key(&mut fk("inspection_points", "item_version_id", "check_item_versions"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "inspection_points",
            "ux_inspection_points",
            &["inspection_id", "task_item_id", "point_no"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("inspection_findings")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(integer("position"))
                .col(text("description"))
                .col(text("legal_basis"))
                .col(string("measures"))
                .col(date_null("rectify_by"))
                .foreign_key(&mut fk("inspection_findings", "inspection_id", "inspections"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "inspection_findings",
            "ux_inspection_findings",
            &["inspection_id", "position"],
            true,
        )
        .await?;

        // 签字确认: append-only; a reopened inspection starts a new revision.
        m.create_table(
            Table::create()
                .table("inspection_signoffs")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(integer("revision"))
                .col(big_integer("member_id"))
                .col(big_integer("user_id"))
                .col(string("method"))
                .col(timestamp_with_time_zone("confirmed_at"))
                .foreign_key(&mut fk("inspection_signoffs", "inspection_id", "inspections"))
                .foreign_key(&mut fk("inspection_signoffs", "member_id", "team_members"))
                .foreign_key(&mut fk("inspection_signoffs", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "inspection_signoffs",
            "ux_inspection_signoffs",
            &["inspection_id", "revision", "member_id"],
            true,
        )
        .await?;

        // 执法全过程记录: one row per stored file; never updated or deleted.
        m.create_table(
            Table::create()
                .table("evidence_files")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspection_id"))
                .col(string_uniq("storage_key"))
                .col(string("sha256"))
                .col(big_integer("size"))
                .col(string("mime"))
                .col(string("kind"))
                .col(string("file_name"))
                .col(text("note"))
                .col(string("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .foreign_key(&mut fk("evidence_files", "inspection_id", "inspections"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "evidence_files",
            "idx_evidence_inspection",
            &["inspection_id"],
            false,
        )
        .await?;

        // A resumable upload belongs to one inspection and one user; its
        // chunks and state live in the evidence store.
        m.create_table(
            Table::create()
                .table("evidence_uploads")
                .if_not_exists()
                .col(string("upload_id").primary_key())
                .col(big_integer("inspection_id"))
                .col(big_integer("user_id"))
                .col(big_integer_null("size"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("evidence_uploads", "inspection_id", "inspections"))
                .to_owned(),
        )
        .await?;
        freeze(m).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "检查记录和证据只能追加、不可删除：此迁移不提供 down".to_string(),
        ))
    }
}

const FROZEN: &str = "已全员签字确认的检查结果不能修改";
const APPEND_ONLY: &str = "签字确认和证据文件记录只能追加，不能修改或删除";

/// The database itself refuses what the application never does: changing a
/// confirmed inspection or its checklist and findings, and changing or deleting
/// a confirmation or an evidence row — whoever connects, on both backends.
async fn freeze(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for table in ["inspection_signoffs", "evidence_files"] {
        append_only(m, table, APPEND_ONLY).await?;
    }
    let conn = m.get_connection();
    let parts = ["inspection_points", "inspection_findings"];
    if m.get_database_backend() == DbBackend::Postgres {
        // spotcheck_refuse_change() was made by append_only above.
        conn.execute_unprepared(&format!(
            "CREATE OR REPLACE FUNCTION spotcheck_inspection_part_frozen() RETURNS trigger AS $$
             BEGIN
               IF EXISTS (SELECT 1 FROM inspections WHERE status = 'final' AND id =
                          CASE WHEN TG_OP = 'INSERT' THEN NEW.inspection_id ELSE OLD.inspection_id END) THEN
                 RAISE EXCEPTION '{FROZEN}';
               END IF;
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END; $$ LANGUAGE plpgsql"
        ))
        .await?;
        conn.execute_unprepared(&format!(
            "CREATE TRIGGER inspections_final_frozen BEFORE UPDATE OR DELETE ON inspections
             FOR EACH ROW WHEN (OLD.status = 'final') EXECUTE PROCEDURE spotcheck_refuse_change('{FROZEN}')"
        ))
        .await?;
        for table in parts {
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_final_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
                 FOR EACH ROW EXECUTE PROCEDURE spotcheck_inspection_part_frozen()"
            ))
            .await?;
        }
    } else {
        for op in ["UPDATE", "DELETE"] {
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS inspections_final_no_{op} BEFORE {op} ON inspections
                 WHEN OLD.status = 'final' BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END"
            ))
            .await?;
        }
        for table in parts {
            for (op, row) in [("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")] {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER IF NOT EXISTS {table}_final_no_{op} BEFORE {op} ON {table}
                     WHEN (SELECT status FROM inspections WHERE id = {row}.inspection_id) = 'final'
                     BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}
