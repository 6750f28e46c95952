//! Faster imports. They save their rows straight into one transaction while
//! the file is read (both cores at work, nothing written twice), so the
//! staging table of migration 000003 goes. And `objects` loses
//! `idx_objects_scan`, an index every inserted row paid for: every query of
//! a department's objects starts with (department, kind), which
//! `ux_objects_key` serves. (`idx_objects_code` stays: the lookup of existing
//! codes during an import goes through it, because PostgreSQL, planning
//! without statistics inside a large import, walked the whole department
//! through `ux_objects_key` instead — 10 s per batch of 2,000 codes.)

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000004_imports_without_staging"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("import_staging").if_exists().to_owned())
            .await?;
        m.drop_index(Index::drop().name("idx_objects_scan").table("objects").to_owned())
            .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
