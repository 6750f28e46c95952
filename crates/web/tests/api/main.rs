//! The API and page suites: the real server over a fresh database, each
//! test on SQLite and on PostgreSQL. One test binary for the crate keeps
//! linking fast; each capability has its own module.

mod calendar;
mod dashboard;
mod directory;
mod foundation;
mod inspections;
mod items;
mod messages;
mod outside;
mod plans;
mod publication;
mod support;
mod tasks;
mod teams;
