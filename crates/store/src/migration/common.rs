//! What several migrations share. Changing what this builds would change the
//! schema of migrations already released, so it only ever gains new functions.

use sea_orm_migration::prelude::*;

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS name ON table (cols…)`.
pub(super) async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    if unique {
        idx.unique();
    }
    for c in cols {
        idx.col(*c);
    }
    m.create_index(idx.to_owned()).await
}
