//! 导入批次的存活标记: behind a load balancer several server processes share
//! one database, and an import runs inside the process that received it. A
//! process that dies mid-import leaves its job unfinished; another process
//! must be able to tell that job from one still running elsewhere. The
//! running process marks its jobs `seen_at` every minute; an unfinished job
//! not seen for a few minutes is abandoned (`imports::fail_abandoned`).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000017_import_job_liveness"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("import_jobs")
                .add_column(timestamp_with_time_zone_null("seen_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("import_jobs").drop_column("seen_at").to_owned())
            .await
    }
}
