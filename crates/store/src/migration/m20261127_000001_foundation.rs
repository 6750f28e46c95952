//! The foundation: divisions, departments, users, sessions and the audit trail.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000001_foundation"
    }
}

fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    m.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("divisions")
                .if_not_exists()
                .col(string("code").primary_key())
                .col(string("name"))
                .col(string("level"))
                .col(string_null("parent_code"))
                .foreign_key(
                    ForeignKey::create()
                        .from("divisions", "parent_code")
                        .to("divisions", "code"),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("departments")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(string("division_code"))
                .col(big_integer_null("parent_id"))
                .col(string("path"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("departments", "division_code")
                        .to("divisions", "code"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("departments", "parent_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(m, "departments", "idx_departments_path", &["path"]).await?;
        index(m, "departments", "idx_departments_parent", &["parent_id"]).await?;

        m.create_table(
            Table::create()
                .table("users")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("role"))
                .col(big_integer("department_id"))
                .col(string("phone"))
                .col(string("password_hash"))
                .col(boolean("must_change_password"))
                .col(integer("failed_logins"))
                .col(ts_null("locked_until"))
                .col(string_null("totp_secret_sealed"))
                .col(boolean("totp_enabled"))
                .col(big_integer_null("totp_last_step"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("password_changed_at"))
                .col(ts_null("last_login_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("users", "department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(m, "users", "idx_users_department", &["department_id"]).await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .if_not_exists()
                .col(string("token_hash").primary_key())
                .col(big_integer("user_id"))
                .col(string("kind"))
                .col(string("stage"))
                .col(string("csrf_token"))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(string("client_addr"))
                .foreign_key(
                    ForeignKey::create()
                        .from("sessions", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(m, "sessions", "idx_sessions_user", &["user_id"]).await?;

        m.create_table(
            Table::create()
                .table("audit_entries")
                .if_not_exists()
                .col(big_integer("seq").primary_key())
                .col(ts("occurred_at"))
                .col(big_integer_null("actor_user_id"))
                .col(string("actor"))
                .col(string("actor_role"))
                .col(string("department"))
                .col(string("target_department"))
                .col(string("action"))
                .col(string("target_type"))
                .col(string("target_id"))
                .col(text("summary"))
                .col(string("before_digest"))
                .col(string("after_digest"))
                .col(string("client_addr"))
                .col(string("request_id"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        index(m, "audit_entries", "idx_audit_department", &["department", "seq"]).await?;
        index(
            m,
            "audit_entries",
            "idx_audit_target_department",
            &["target_department", "seq"],
        )
        .await?;
        index(m, "audit_entries", "idx_audit_actor", &["actor", "seq"]).await?;
        index(m, "audit_entries", "idx_audit_action", &["action", "seq"]).await?;
        index(m, "audit_entries", "idx_audit_time", &["occurred_at"]).await?;

        m.create_table(
            Table::create()
                .table("audit_head")
                .if_not_exists()
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("audit_head")
                .columns(["id", "seq", "hash"])
                .values_panic([1.into(), 0i64.into(), spotcheck_domain::audit::GENESIS_HASH.into()])
                .to_owned(),
        )
        .await?;

        // PostgreSQL refuses any change to written entries at the database
        // level, whoever connects. (SQLite files are protected by the file
        // system; tampering there is caught by `spotcheck audit verify`.)
        if m.get_database_backend() == DbBackend::Postgres {
            let conn = m.get_connection();
            conn.execute_unprepared(
                "CREATE OR REPLACE FUNCTION spotcheck_audit_append_only() RETURNS trigger AS $$
                 BEGIN
                   RAISE EXCEPTION '审计记录只能追加，不能修改或删除（%）', TG_OP;
                 END; $$ LANGUAGE plpgsql",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                 FOR EACH ROW EXECUTE PROCEDURE spotcheck_audit_append_only()",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
                 FOR EACH STATEMENT EXECUTE PROCEDURE spotcheck_audit_append_only()",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("审计记录不可回滚删除：此迁移不提供 down".to_string()))
    }
}
