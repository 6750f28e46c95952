//! What several migrations share. Changing what this builds would change the
//! schema of migrations already released, so it only ever gains new functions.

use sea_orm_migration::prelude::*;

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS name ON table (cols…)`.
pub(super) async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    if unique {
        idx.unique();
    }
    for c in cols {
        idx.col(*c);
    }
    m.create_index(idx.to_owned()).await
}

/// Makes `table` append-only on both backends: the database refuses UPDATE and
/// DELETE with `message`, whoever connects (SQLite `RAISE(ABORT)`, PostgreSQL a
/// trigger function).
pub(super) async fn append_only(m: &SchemaManager<'_>, table: &str, message: &str) -> Result<(), DbErr> {
    let conn = m.get_connection();
    if m.get_database_backend() == sea_orm::DbBackend::Postgres {
        conn.execute_unprepared(
            "CREATE OR REPLACE FUNCTION spotcheck_refuse_change() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END; $$ LANGUAGE plpgsql",
        )
        .await?;
        conn.execute_unprepared(&format!(
            "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
             FOR EACH ROW EXECUTE PROCEDURE spotcheck_refuse_change('{message}')"
        ))
        .await?;
    } else {
        for op in ["UPDATE", "DELETE"] {
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS {table}_no_{op} BEFORE {op} ON {table}
                 BEGIN SELECT RAISE(ABORT, '{message}'); END"
            ))
            .await?;
        }
    }
    Ok(())
}
