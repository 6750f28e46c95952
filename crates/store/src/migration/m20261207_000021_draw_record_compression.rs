//! PostgreSQL keeps the draw records (`draws.committed_record`,
//! `draws.revealed_record`) compressed with lz4 instead of its default pglz.
//!
//! Why: a draw over a directory of a million objects publishes a record of
//! ≈ 40 MB at its commit and another at its reveal. pglz took ≈ 0.4 s to
//! compress each (to 6.8 MB); lz4 takes ≈ 0.04 s (to 7.8 MB), and reads back
//! no slower (docs/performance.md, 抽查任务的对象抽取). Records stored before
//! keep their compression; PostgreSQL reads both.
//!
//! Only where the server was built with lz4 (`default_toast_compression`
//! lists it, as Debian's and the PGDG packages do); elsewhere nothing
//! changes. SQLite does not compress.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000021_draw_record_compression"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let conn = m.get_connection();
        let lz4 = conn
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT 1 AS ok FROM pg_settings \
                 WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
            ))
            .await?
            .is_some();
        if lz4 {
            conn.execute_unprepared(
                "ALTER TABLE draws ALTER COLUMN committed_record SET COMPRESSION lz4, \
                 ALTER COLUMN revealed_record SET COMPRESSION lz4",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "ALTER TABLE draws ALTER COLUMN committed_record SET COMPRESSION default, \
                     ALTER COLUMN revealed_record SET COMPRESSION default",
                )
                .await?;
        }
        Ok(())
    }
}
