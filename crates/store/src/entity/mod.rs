//! SeaORM entities: one per table, written once for both backends.

pub mod audit_entry;
pub mod audit_head;
pub mod department;
pub mod division;
pub mod session;
pub mod user;
