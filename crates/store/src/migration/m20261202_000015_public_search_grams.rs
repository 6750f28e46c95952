//! The public search at a million results (issue 7): a name part has to be
//! found without reading every row, and a filter that the planner can
//! misjudge must have an index that only it can use.
//!
//! `public_result_grams` holds every two-character piece (bigram) of each
//! public result's object name (enterprises and projects: a practitioner is
//! published under a masked name, so the public cannot search by the full
//! one), ASCII letters folded to lower case, with the
//! result's date: a name part of two or more characters is looked up by its
//! rarest bigram and read newest first straight from the primary key. It is
//! kept by triggers on `public_results` on both backends (SQLite cannot loop
//! inside a trigger, so it joins the numbers `public_gram_positions`), so
//! every writer — the use cases, the demo, a bulk load — keeps it true. A
//! projection row's name and date are never rewritten (the projection only
//! updates the result, the correction and the disposal) and no row is
//! deleted; the update and delete triggers keep the index true all the same.
//!
//! PostgreSQL's bigram-free alternative, pg_trgm, skips CJK characters when
//! the database's locale does not count them as letters; SQLite's FTS5 has no
//! PostgreSQL counterpart. A plain table works the same on both.
//!
//! `idx_public_results_department_date` (department, date) serves the
//! department filter, which the search writes with `withheld IS NOT TRUE` so
//! that the date index cannot serve the order (see `store::public_search`).

use super::common::index;
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000015_public_search_grams"
    }
}

/// Longest object name the directories accept is 100 characters.
const POSITIONS: u32 = 200;

const SQLITE_INSERT: &str = "INSERT OR IGNORE INTO public_result_grams (gram, inspected_on, inspection_id)
     SELECT substr(lower(NEW.object_name), n, 2), NEW.inspected_on, NEW.inspection_id
     FROM public_gram_positions
     WHERE n < length(NEW.object_name) AND NEW.object_kind <> 'practitioner';";
const SQLITE_DELETE: &str = "DELETE FROM public_result_grams WHERE inspection_id = OLD.inspection_id;";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("public_result_grams")
                .if_not_exists()
                .col(string("gram"))
                .col(date("inspected_on"))
                .col(big_integer("inspection_id"))
                .primary_key(Index::create().col("gram").col("inspected_on").col("inspection_id"))
                .to_owned(),
        )
        .await?;
        // For the delete and update triggers only.
        index(
            m,
            "public_result_grams",
            "idx_public_result_grams_inspection",
            &["inspection_id"],
            false,
        )
        .await?;
        index(
            m,
            "public_results",
            "idx_public_results_department_date",
            &["department_code", "inspected_on", "inspection_id"],
            false,
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_public_results_department")
                .table("public_results")
                .to_owned(),
        )
        .await?;

        let conn = m.get_connection();
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            conn.execute_unprepared(
                "CREATE OR REPLACE FUNCTION spotcheck_public_result_grams() RETURNS trigger AS $$
                 BEGIN
                   IF TG_OP <> 'INSERT' THEN
                     DELETE FROM public_result_grams WHERE inspection_id = OLD.inspection_id;
                   END IF;
                   IF TG_OP <> 'DELETE' AND NEW.object_kind <> 'practitioner' THEN
                     INSERT INTO public_result_grams (gram, inspected_on, inspection_id)
                     SELECT DISTINCT substr(t.name, n, 2), NEW.inspected_on, NEW.inspection_id
                     FROM (SELECT translate(NEW.object_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                            'abcdefghijklmnopqrstuvwxyz') AS name) t,
                          generate_series(1, length(NEW.object_name) - 1) n
                     ON CONFLICT DO NOTHING;
                   END IF;
                   RETURN NULL;
                 END; $$ LANGUAGE plpgsql",
            )
            .await?;
            conn.execute_unprepared(
                "CREATE TRIGGER public_results_grams AFTER INSERT OR DELETE
                   OR UPDATE OF object_name, inspected_on ON public_results
                 FOR EACH ROW EXECUTE PROCEDURE spotcheck_public_result_grams()",
            )
            .await?;
        } else {
            m.create_table(
                Table::create()
                    .table("public_gram_positions")
                    .if_not_exists()
                    .col(integer("n").primary_key())
                    .to_owned(),
            )
            .await?;
            conn.execute_unprepared(&format!(
                "WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < {POSITIONS})
                 INSERT OR IGNORE INTO public_gram_positions (n) SELECT n FROM p"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS public_results_grams_insert AFTER INSERT ON public_results
                 BEGIN {SQLITE_INSERT} END"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS public_results_grams_update
                 AFTER UPDATE OF object_name, inspected_on ON public_results
                 BEGIN {SQLITE_DELETE} {SQLITE_INSERT} END"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS public_results_grams_delete AFTER DELETE ON public_results
                 BEGIN {SQLITE_DELETE} END"
            ))
            .await?;
        }
        // Results published before this migration.
        let fold = if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            "translate(r.object_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        } else {
            "lower(r.object_name)"
        };
        let positions = if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            format!("generate_series(1, {POSITIONS}) AS p(n)")
        } else {
            "public_gram_positions p".to_string()
        };
        conn.execute_unprepared(&format!(
            "INSERT INTO public_result_grams (gram, inspected_on, inspection_id)
             SELECT DISTINCT substr({fold}, p.n, 2), r.inspected_on, r.inspection_id
             FROM public_results r, {positions}
             WHERE p.n < length(r.object_name) AND r.object_kind <> 'practitioner'"
        ))
        .await?;
        Ok(())
    }
}
