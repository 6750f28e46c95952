//! On SQLite, the foreign key `objects.department_id → departments` becomes
//! `DEFERRABLE INITIALLY DEFERRED`: checked at COMMIT instead of after every
//! row.
//!
//! Why: SQLite keeps a statement journal (a copy of every page a statement
//! touches, so that the statement alone can be undone) for a multi-row
//! INSERT that may abort halfway. An immediate foreign key makes every
//! INSERT into `objects` such a statement, whatever its conflict clause;
//! with the key deferred, the import's `INSERT OR FAIL` needs none
//! (`objects::insert_many`). On a 1,000,000-row import the journal was a
//! third of the database's CPU time (docs/performance.md, 名录导入).
//!
//! How: the change does not touch what is stored, only the table's
//! declaration, so it uses SQLite's documented procedure for such changes
//! (<https://sqlite.org/lang_altertable.html#otheralter>: the declaration
//! rewritten in `sqlite_schema` with `writable_schema`, the schema version
//! raised), inside this migration's transaction. Rebuilding the table would
//! copy every object and need foreign keys switched off, which SQLite does
//! not allow inside a transaction.
//!
//! PostgreSQL keeps the immediate key: it keeps no statement journal, and a
//! deferred key there would queue one check per row until COMMIT.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000019_objects_deferred_department_key"
    }
}

/// The key as sea-query declared it in migration 000003.
const IMMEDIATE: &str = r#"REFERENCES "departments" ("id")"#;
const DEFERRED: &str = r#"REFERENCES "departments" ("id") DEFERRABLE INITIALLY DEFERRED"#;

async fn declaration(m: &SchemaManager<'_>) -> Result<String, DbErr> {
    let row = m
        .get_connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'objects'",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("表 objects 不存在".into()))?;
    row.try_get_by_index(0)
}

/// Rewrites the table's declaration from `from` to `to`.
async fn redeclare(m: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    let sql = declaration(m).await?;
    if sql.matches(from).count() != 1 {
        return Err(DbErr::Migration(format!(
            "表 objects 的定义与预期不符，未修改外键：{sql}"
        )));
    }
    let version: i64 = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA schema_version"))
        .await?
        .ok_or_else(|| DbErr::Migration("无法读取 schema_version".into()))?
        .try_get_by_index(0)?;
    db.execute_unprepared("PRAGMA writable_schema = ON").await?;
    let updated = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'objects'",
            [sql.replacen(from, to, 1).into()],
        ))
        .await;
    // Raised even when the update failed: harmless, and writable_schema
    // must not stay on for the connection's next user.
    db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1))
        .await?;
    db.execute_unprepared("PRAGMA writable_schema = OFF").await?;
    updated?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        redeclare(m, IMMEDIATE, DEFERRED).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        redeclare(m, DEFERRED, IMMEDIATE).await
    }

    /// The PRAGMAs belong to one connection: the whole change runs on the
    /// transaction's.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
