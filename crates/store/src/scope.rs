//! The one place where a [`Jurisdiction`] becomes SQL: the ids (or codes) of
//! the departments inside it, as a sub-query every scoped query filters on.

use crate::entity::department;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{LikeExpr, Query, SelectStatement};
use spotcheck_domain::jurisdiction::Jurisdiction;

/// `SELECT id FROM departments WHERE path LIKE '<path>%'`.
pub fn department_ids_in(scope: &Jurisdiction) -> SelectStatement {
    Query::select()
        .column(department::Column::Id)
        .from(department::Entity)
        .and_where(department::Column::Path.like(scope.like_pattern()))
        .to_owned()
}

/// `SELECT code FROM departments WHERE path LIKE '<path>%'`.
pub fn department_codes_in(scope: &Jurisdiction) -> SelectStatement {
    Query::select()
        .column(department::Column::Code)
        .from(department::Entity)
        .and_where(department::Column::Path.like(scope.like_pattern()))
        .to_owned()
}

/// A `LIKE` pattern matching any text that contains `needle` literally:
/// `%`, `_` and the escape character itself lose their wildcard meaning.
pub fn contains(needle: &str) -> LikeExpr {
    LikeExpr::new(contains_pattern(needle)).escape('\\')
}

/// The pattern of [`contains`], for a `LIKE` written out with `ESCAPE '\'`.
pub fn contains_pattern(needle: &str) -> String {
    let escaped = needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A `LIKE` pattern matching any text that starts with `prefix` literally.
pub fn starts_with(prefix: &str) -> LikeExpr {
    let escaped = prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("{escaped}%")).escape('\\')
}
