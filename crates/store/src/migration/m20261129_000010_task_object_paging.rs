//! Indexes for tasks with many drawn objects: a task item's drawn list is read
//! a page at a time in draw order, and a task is visible to the executing
//! units its objects went to (`tasks::visible_in`).

use super::common::index;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000010_task_object_paging"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(
            m,
            "task_objects",
            "idx_task_objects_item_position",
            &["task_item_id", "position"],
            false,
        )
        .await?;
        index(
            m,
            "task_objects",
            "idx_task_objects_unit",
            &["executing_department_id", "task_id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
