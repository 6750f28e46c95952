//! spotcheck-domain: the rules of the 黑龙江省住建系统"双随机、一公开"监管实施细则 as
//! types and pure functions. No I/O, no async, no database types: everything
//! here can be tested with plain values, and every other crate builds on it.

pub mod audit;
pub mod calendar;
pub mod credit_code;
pub mod department;
pub mod directory;
pub mod division;
pub mod eligibility;
pub mod id_number;
pub mod inspection;
pub mod item;
pub mod jurisdiction;
pub mod lockout;
pub mod matching;
pub mod outside;
pub mod password;
pub mod plan;
pub mod publication;
pub mod role;
pub mod task;
pub mod transition;
pub mod vocab;
