//! The public name index (`public_result_grams`, migration 000015) also holds
//! every three-character piece (trigram) of each name, beside its bigrams.
//!
//! Why: a name part of three or more characters is looked up by its rarest
//! trigram, which is nearly as selective as the name part itself. Led by a
//! bigram, a search for `哈尔滨安龙` at a million results read the entries of
//! `安龙` (shared by every place's 安龙 and many other names), one in six of
//! them 哈尔滨's, and probed the index for `滨安` on each before reading a
//! result; led by `滨安龙`, nearly every entry read is a match
//! (docs/performance.md, 公开结果查询). Bigrams stay for two-character name
//! parts. The table's shape is unchanged: a gram is two or three characters.
//!
//! The triggers of migration 000015 are replaced by ones that write both, and
//! the trigrams of the results published before are added here.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000020_public_search_trigrams"
    }
}

const SQLITE_INSERT: &str = "INSERT OR IGNORE INTO public_result_grams (gram, inspected_on, inspection_id)
     SELECT substr(lower(NEW.object_name), n, 2), NEW.inspected_on, NEW.inspection_id
     FROM public_gram_positions
     WHERE n < length(NEW.object_name) AND NEW.object_kind <> 'practitioner'
     UNION ALL
     SELECT substr(lower(NEW.object_name), n, 3), NEW.inspected_on, NEW.inspection_id
     FROM public_gram_positions
     WHERE n < length(NEW.object_name) - 1 AND NEW.object_kind <> 'practitioner';";
const SQLITE_DELETE: &str = "DELETE FROM public_result_grams WHERE inspection_id = OLD.inspection_id;";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        if postgres {
            // The trigger of migration 000015 calls this function by name.
            conn.execute_unprepared(
                "CREATE OR REPLACE FUNCTION spotcheck_public_result_grams() RETURNS trigger AS $$
                 BEGIN
                   IF TG_OP <> 'INSERT' THEN
                     DELETE FROM public_result_grams WHERE inspection_id = OLD.inspection_id;
                   END IF;
                   IF TG_OP <> 'DELETE' AND NEW.object_kind <> 'practitioner' THEN
                     INSERT INTO public_result_grams (gram, inspected_on, inspection_id)
                     SELECT DISTINCT substr(t.name, n, w), NEW.inspected_on, NEW.inspection_id
                     FROM (SELECT translate(NEW.object_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                            'abcdefghijklmnopqrstuvwxyz') AS name) t,
                          (VALUES (2), (3)) AS widths(w),
                          generate_series(1, length(NEW.object_name) - w + 1) n
                     ON CONFLICT DO NOTHING;
                   END IF;
                   RETURN NULL;
                 END; $$ LANGUAGE plpgsql",
            )
            .await?;
        } else {
            // One call, so one connection of the pool: another connection
            // whose schema was read before the DROP would still see the old
            // trigger when parsing the CREATE ("already exists").
            conn.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS public_results_grams_insert;
                 DROP TRIGGER IF EXISTS public_results_grams_update;
                 CREATE TRIGGER public_results_grams_insert AFTER INSERT ON public_results
                 BEGIN {SQLITE_INSERT} END;
                 CREATE TRIGGER public_results_grams_update
                 AFTER UPDATE OF object_name, inspected_on ON public_results
                 BEGIN {SQLITE_DELETE} {SQLITE_INSERT} END;"
            ))
            .await?;
        }
        // The trigrams of results published before this migration.
        let (fold, positions) = if postgres {
            (
                "translate(r.object_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
                "generate_series(1, 200) AS p(n)",
            )
        } else {
            ("lower(r.object_name)", "public_gram_positions p")
        };
        let conflict = if postgres { "ON CONFLICT DO NOTHING" } else { "" };
        let or_ignore = if postgres { "" } else { "OR IGNORE" };
        conn.execute_unprepared(&format!(
            "INSERT {or_ignore} INTO public_result_grams (gram, inspected_on, inspection_id)
             SELECT DISTINCT substr({fold}, p.n, 3), r.inspected_on, r.inspection_id
             FROM public_results r, {positions}
             WHERE p.n < length(r.object_name) - 1 AND r.object_kind <> 'practitioner' {conflict}"
        ))
        .await?;
        Ok(())
    }
}
