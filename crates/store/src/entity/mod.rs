//! SeaORM entities: one per table, written once for both backends.

pub mod audit_entry;
pub mod audit_head;
pub mod check_item;
pub mod check_item_version;
pub mod conflict;
pub mod department;
pub mod division;
pub mod expert;
pub mod import_job;
pub mod inspector;
pub mod inspector_history;
pub mod master_object;
pub mod message;
pub mod message_outbox;
pub mod message_read;
pub mod object;
pub mod object_history;
pub mod session;
pub mod user;
