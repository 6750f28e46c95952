//! Schema migrations, written once with sea-query's schema builder so that
//! SQLite and PostgreSQL get the same tables. One file per migration; they run
//! at every start (`Store::migrate`) and are never edited once released.

use sea_orm_migration::prelude::*;

mod common;
mod m20261127_000001_foundation;
mod m20261127_000002_items;
mod m20261127_000003_directories;
mod m20261127_000004_imports_without_staging;
mod m20261128_000005_plans;
mod m20261128_000006_messages;
mod m20261128_000007_tasks;
mod m20261128_000008_teams;
mod m20261128_000009_outside_inspections;
mod m20261129_000010_task_object_paging;
mod m20261130_000011_inspections;
mod m20261130_000012_task_archives;
mod m20261130_000013_calendar_years;
mod m20261201_000014_publication;
mod m20261202_000015_public_search_grams;
mod m20261206_000016_deadline_alerts;
mod m20261206_000017_import_job_liveness;
mod m20261206_000018_statement_time;
mod m20261206_000019_objects_deferred_department_key;
mod m20261206_000020_public_search_trigrams;
mod m20261207_000021_draw_record_compression;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_foundation::Migration),
            Box::new(m20261127_000002_items::Migration),
            Box::new(m20261127_000003_directories::Migration),
            Box::new(m20261127_000004_imports_without_staging::Migration),
            Box::new(m20261128_000005_plans::Migration),
            Box::new(m20261128_000006_messages::Migration),
            Box::new(m20261128_000007_tasks::Migration),
            Box::new(m20261128_000008_teams::Migration),
            Box::new(m20261128_000009_outside_inspections::Migration),
            Box::new(m20261129_000010_task_object_paging::Migration),
            Box::new(m20261130_000011_inspections::Migration),
            Box::new(m20261130_000012_task_archives::Migration),
            Box::new(m20261130_000013_calendar_years::Migration),
            Box::new(m20261201_000014_publication::Migration),
            Box::new(m20261202_000015_public_search_grams::Migration),
            Box::new(m20261206_000016_deadline_alerts::Migration),
            Box::new(m20261206_000017_import_job_liveness::Migration),
            Box::new(m20261206_000018_statement_time::Migration),
            Box::new(m20261206_000019_objects_deferred_department_key::Migration),
            Box::new(m20261206_000020_public_search_trigrams::Migration),
            Box::new(m20261207_000021_draw_record_compression::Migration),
        ]
    }
}
