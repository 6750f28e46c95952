//! 检查对象名录库 and 执法检查人员名录库: objects (企业, 从业人员, 工程项目) of each
//! department, the province's master list they are claimed from, inspectors,
//! experts, declared conflicts of interest, and imports with their staging rows.

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000003_directories"
    }
}

fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

/// The columns an object and a master-list entry share.
fn object_columns(t: &mut TableCreateStatement) {
    t.col(string("kind"))
        .col(string("key_code"))
        .col(string("name"))
        .col(string("division_code"))
        .col(string("risk_class"))
        .col(boolean("abnormal"))
        .col(boolean("key_focus"))
        .col(boolean("serious_violation"))
        .col(integer("complaints"))
        .col(string("phone"))
        .col(string("legal_rep"))
        .col(string("address"))
        .col(text("enterprise_kinds"))
        .col(text_null("id_sealed"))
        .col(string("id_masked"))
        .col(string("id_lookup"))
        .col(string("qualification"))
        .col(string("employer_code"))
        .col(string("builder_code"))
        .col(string("contractor_code"))
        .col(string("supervisor_code"))
        .col(string("stage"))
        .col(date_null("start_date"));
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table("master_objects").if_not_exists().col(big_pk_auto("id"));
        object_columns(&mut t);
        t.col(ts("loaded_at"));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "master_objects",
            "ux_master_objects_key",
            &["kind", "key_code"],
            true,
        )
        .await?;
        index(
            m,
            "master_objects",
            "idx_master_objects_division",
            &["division_code", "kind"],
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table("objects")
            .if_not_exists()
            .col(big_pk_auto("id"))
            .col(big_integer("department_id"));
        object_columns(&mut t);
        t.col(boolean("active"))
            .col(string("source"))
            .col(big_integer_null("master_id"))
            .col(integer("revision"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .foreign_key(
                ForeignKey::create()
                    .from("objects", "department_id")
                    .to("departments", "id"),
            );
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "objects",
            "ux_objects_key",
            &["department_id", "kind", "key_code"],
            true,
        )
        .await?;
        // The draw's candidate scan and the list's filters.
        index(
            m,
            "objects",
            "idx_objects_scan",
            &["department_id", "kind", "active", "risk_class"],
            false,
        )
        .await?;
        index(m, "objects", "idx_objects_code", &["key_code"], false).await?;
        index(m, "objects", "idx_objects_division", &["division_code"], false).await?;
        index(m, "objects", "idx_objects_lookup", &["id_lookup"], false).await?;

        m.create_table(
            Table::create()
                .table("object_history")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("object_id"))
                .col(integer("revision"))
                .col(ts("changed_at"))
                .col(string("changed_by"))
                .col(string("reason"))
                .col(text("state"))
                .col(big_integer_null("import_job_id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "object_history",
            "idx_object_history_object",
            &["object_id", "revision"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("inspectors")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("department_id"))
                .col(string("name"))
                .col(string_uniq("cert_no"))
                .col(text_null("id_sealed"))
                .col(string("id_masked"))
                .col(string("id_lookup"))
                .col(string("title"))
                .col(text("qualifications"))
                .col(string("non_business"))
                .col(date("cert_valid_until"))
                .col(string("phone"))
                .col(string("status"))
                .col(date_null("status_since"))
                .col(date_null("status_until"))
                .col(big_integer_null("user_id"))
                .col(boolean("active"))
                .col(integer("revision"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("inspectors", "department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "inspectors",
            "idx_inspectors_department",
            &["department_id", "active"],
            false,
        )
        .await?;
        index(m, "inspectors", "idx_inspectors_lookup", &["id_lookup"], false).await?;

        m.create_table(
            Table::create()
                .table("inspector_history")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspector_id"))
                .col(integer("revision"))
                .col(ts("changed_at"))
                .col(string("changed_by"))
                .col(string("reason"))
                .col(text("state"))
                .col(big_integer_null("import_job_id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "inspector_history",
            "idx_inspector_history_inspector",
            &["inspector_id", "revision"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("experts")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("department_id"))
                .col(string("name"))
                .col(string("organisation"))
                .col(string("organisation_kind"))
                .col(text("expertise"))
                .col(string("phone"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("experts", "department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(m, "experts", "idx_experts_department", &["department_id"], false).await?;

        m.create_table(
            Table::create()
                .table("conflicts")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("inspector_id"))
                .col(big_integer("object_id"))
                .col(text("reason"))
                .col(string("declared_by"))
                .col(ts("declared_at"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(text("withdrawn_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("conflicts", "inspector_id")
                        .to("inspectors", "id"),
                )
                .foreign_key(ForeignKey::create().from("conflicts", "object_id").to("objects", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "conflicts",
            "idx_conflicts_inspector",
            &["inspector_id", "active"],
            false,
        )
        .await?;
        index(m, "conflicts", "idx_conflicts_object", &["object_id", "active"], false).await?;

        m.create_table(
            Table::create()
                .table("import_jobs")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("department_id"))
                .col(string("kind"))
                .col(string("file_name"))
                .col(string("file_sha256"))
                .col(big_integer("file_size"))
                .col(string("status"))
                .col(big_integer("processed_rows"))
                .col(integer("progress_permille"))
                .col(big_integer("valid_rows"))
                .col(big_integer("imported"))
                .col(big_integer("updated"))
                .col(big_integer("rejected"))
                .col(text("message"))
                .col(blob_null("error_report"))
                .col(string("started_by"))
                .col(ts("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "import_jobs",
            "idx_import_jobs_department",
            &["department_id", "started_at"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table("import_staging")
                .if_not_exists()
                .col(big_integer("job_id"))
                .col(big_integer("row_no"))
                .col(string("key_code"))
                .col(text("payload"))
                .primary_key(Index::create().col("job_id").col("row_no"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("名录数据不提供回滚删除".to_string()))
    }
}
