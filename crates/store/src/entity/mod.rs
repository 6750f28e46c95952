//! SeaORM entities: one per table, written once for both backends.

pub mod audit_entry;
pub mod audit_head;
pub mod check_item;
pub mod check_item_version;
pub mod conflict;
pub mod department;
pub mod division;
pub mod draw;
pub mod expert;
pub mod import_job;
pub mod inspector;
pub mod inspector_history;
pub mod master_object;
pub mod object;
pub mod object_history;
pub mod plan;
pub mod plan_entry;
pub mod plan_event;
pub mod session;
pub mod task;
pub mod task_item;
pub mod task_object;
pub mod task_unit;
pub mod user;
