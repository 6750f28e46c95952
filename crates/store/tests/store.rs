//! The storage contract: the same tests on SQLite and on PostgreSQL.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use spotcheck_domain::audit::{AuditAction, ChainBreak};
use spotcheck_domain::department::{DepartmentCode, DepartmentKind};
use spotcheck_domain::jurisdiction::{Jurisdiction, child_path};
use spotcheck_domain::role::Role;
use spotcheck_store::audit::{self, ChainReport, NewAuditEntry};
use spotcheck_store::departments::{self, NewDepartment};
use spotcheck_store::testing::TestDb;
use spotcheck_store::users::{self, NewUser, UserFilter};
use spotcheck_store::{Backend, Store, StoreError, on_both_backends, sessions};

on_both_backends!(
    migrations_are_idempotent,
    audit_chain_verifies_and_catches_tampering,
    concurrent_appends_form_one_chain,
    scoped_reads_stop_at_the_jurisdiction,
    duplicate_username_names_the_column,
    sessions_live_and_die,
    rolled_back_work_leaves_no_audit_entry,
    key_register_finds_repeats_and_never_mistakes_a_hash_collision,
    imports_of_a_stopped_process_fail_and_live_ones_are_spared,
    a_failed_object_batch_leaves_nothing_and_the_department_key_holds,
    an_import_widens_the_page_cache_and_gives_it_back,
    draw_records_are_kept_with_lz4_where_postgresql_has_it,
);

fn entry(action: AuditAction, dept: &str, summary: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: "tester".into(),
        actor_role: "province_admin".into(),
        department: dept.into(),
        target_department: dept.into(),
        action: action.code().into(),
        target_type: "user".into(),
        target_id: "1".into(),
        summary: summary.into(),
        client_addr: "127.0.0.1".into(),
        request_id: "req".into(),
        ..Default::default()
    }
}

async fn dept(store: &Store, code: &str, parent: Option<&str>) -> departments::DepartmentRow {
    let code = DepartmentCode::parse(code).unwrap();
    let parent_row = match parent {
        Some(p) => departments::by_code(store.conn(), p).await.unwrap(),
        None => None,
    };
    let path = child_path(parent_row.as_ref().map(|p| p.path.as_str()), &code);
    let d = spotcheck_domain::division::Division {
        code: code.division(),
        name: code.as_str().to_string(),
        level: spotcheck_domain::division::DivisionLevel::County,
        parent: None,
    };
    departments::ensure_division(store.conn(), &d).await.unwrap();
    departments::insert(
        store.conn(),
        NewDepartment {
            code: &code,
            name: code.as_str(),
            kind: if code.is_unit() {
                DepartmentKind::ExecutingUnit
            } else {
                DepartmentKind::Competent
            },
            division_code: code.division().as_str(),
            parent_id: parent_row.map(|p| p.id),
            path: &path,
            now: Utc::now(),
        },
    )
    .await
    .unwrap()
}

async fn user(store: &Store, name: &str, dept_id: i64) -> users::UserRow {
    users::insert(
        store.conn(),
        NewUser {
            username: name,
            display_name: name,
            role: Role::DepartmentAdmin,
            department_id: dept_id,
            phone: "",
            password_hash: "x",
            must_change_password: false,
            now: Utc::now(),
        },
    )
    .await
    .unwrap()
}

async fn migrations_are_idempotent(db: &TestDb) {
    let store = db.open().await;
    store.migrate().await.unwrap();
    let again = Store::open(&db.target).await.unwrap();
    assert_eq!(audit::head(again.conn()).await.unwrap().0, 0);
}

async fn audit_chain_verifies_and_catches_tampering(db: &TestDb) {
    let store = db.open().await;
    for i in 0..5 {
        let tx = store.begin().await.unwrap();
        audit::append(&tx, entry(AuditAction::UserCreated, "230102", &format!("第{i}次")))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(
        audit::verify_chain(store.conn()).await.unwrap(),
        ChainReport::Intact { entries: 5 }
    );

    let update = "UPDATE audit_entries SET summary = 'altered' WHERE seq = 3";
    let delete = "DELETE FROM audit_entries WHERE seq = 5";
    match store.backend() {
        Backend::Sqlite => {
            store.conn().execute_unprepared(update).await.unwrap();
            assert_eq!(
                audit::verify_chain(store.conn()).await.unwrap(),
                ChainReport::Broken(ChainBreak::Altered { seq: 3 })
            );
        }
        Backend::Postgres => {
            // The database itself refuses to change or remove an entry.
            let e = store.conn().execute_unprepared(update).await.unwrap_err();
            assert!(e.to_string().contains("审计记录只能追加"), "{e}");
            assert!(store.conn().execute_unprepared(delete).await.is_err());
            assert!(store.conn().execute_unprepared("TRUNCATE audit_entries").await.is_err());
            assert_eq!(
                audit::verify_chain(store.conn()).await.unwrap(),
                ChainReport::Intact { entries: 5 }
            );
            // Dropping the trigger (an administrator's deliberate act) still cannot hide a change.
            store
                .conn()
                .execute_unprepared("ALTER TABLE audit_entries DISABLE TRIGGER USER")
                .await
                .unwrap();
            store.conn().execute_unprepared(delete).await.unwrap();
            assert_eq!(
                audit::verify_chain(store.conn()).await.unwrap(),
                ChainReport::Broken(ChainBreak::Truncated {
                    expected_last: 5,
                    found_last: 4
                })
            );
        }
    }
}

async fn concurrent_appends_form_one_chain(db: &TestDb) {
    let store = db.open().await;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let tx = s.begin().await.unwrap();
                audit::append(&tx, entry(AuditAction::Login, "230102", &format!("{t}-{i}")))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        audit::verify_chain(store.conn()).await.unwrap(),
        ChainReport::Intact { entries: 80 }
    );
}

async fn scoped_reads_stop_at_the_jurisdiction(db: &TestDb) {
    let store = db.open().await;
    let province = dept(&store, "230000", None).await;
    let harbin = dept(&store, "230100", Some("230000")).await;
    let daoli = dept(&store, "230102", Some("230100")).await;
    let nangang = dept(&store, "230103", Some("230100")).await;
    let unit = dept(&store, "230102-01", Some("230102")).await;
    let u_daoli = user(&store, "daoli", daoli.id).await;
    let u_nangang = user(&store, "nangang", nangang.id).await;
    let u_unit = user(&store, "unit", unit.id).await;

    let j_daoli = daoli.jurisdiction();
    assert!(
        users::get_in(store.conn(), &j_daoli, u_daoli.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        users::get_in(store.conn(), &j_daoli, u_unit.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        users::get_in(store.conn(), &j_daoli, u_nangang.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        users::get_in(store.conn(), &harbin.jurisdiction(), u_nangang.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        departments::get_in(store.conn(), &j_daoli, nangang.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        departments::get_code_in(store.conn(), &j_daoli, "230103")
            .await
            .unwrap()
            .is_none()
    );
    let (list, total) = users::list_in(store.conn(), &j_daoli, &UserFilter::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert!(list.iter().all(|u| u.username != "nangang"));
    let (_, all) = users::list_in(store.conn(), &province.jurisdiction(), &UserFilter::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(all, 3);
    // Search text is literal: `_` and `%` are not wildcards.
    let f = |t: &str| UserFilter {
        text: Some(t.to_string()),
        ..Default::default()
    };
    let (_, n) = users::list_in(store.conn(), &province.jurisdiction(), &f("_"), 1, 50)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let (_, n) = users::list_in(store.conn(), &province.jurisdiction(), &f("%"), 1, 50)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let (_, n) = users::list_in(store.conn(), &province.jurisdiction(), &f("nan"), 1, 50)
        .await
        .unwrap();
    assert_eq!(n, 1);

    // Audit entries are visible where either the actor's or the target's department is in scope.
    let tx = store.begin().await.unwrap();
    audit::append(&tx, entry(AuditAction::UserCreated, "230103", "南岗"))
        .await
        .unwrap();
    let mut cross = entry(AuditAction::UserUpdated, "230000", "省厅改道里用户");
    cross.target_department = "230102".into();
    audit::append(&tx, cross).await.unwrap();
    tx.commit().await.unwrap();
    let (seen, n) = audit::list_in(store.conn(), &j_daoli, &Default::default(), 1, 10)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(seen[0].fields.summary, "省厅改道里用户");
    assert!(audit::get_in(store.conn(), &j_daoli, 1).await.unwrap().is_none());
    assert!(
        audit::get_in(store.conn(), &Jurisdiction::new(province.path.clone()), 1)
            .await
            .unwrap()
            .is_some()
    );
}

async fn duplicate_username_names_the_column(db: &TestDb) {
    let store = db.open().await;
    let d = dept(&store, "230000", None).await;
    user(&store, "same", d.id).await;
    let e = users::insert(
        store.conn(),
        NewUser {
            username: "same",
            display_name: "x",
            role: Role::Inspector,
            department_id: d.id,
            phone: "",
            password_hash: "x",
            must_change_password: true,
            now: Utc::now(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, StoreError::Duplicate { ref column } if column == "username"),
        "{e:?}"
    );
}

async fn sessions_live_and_die(db: &TestDb) {
    let store = db.open().await;
    let d = dept(&store, "230000", None).await;
    let u = user(&store, "s", d.id).await;
    let now = spotcheck_domain::audit::truncate_time(Utc::now());
    let row = sessions::SessionRow {
        token_hash: "h1".into(),
        user_id: u.id,
        kind: "browser".into(),
        stage: "full".into(),
        csrf_token: "c".into(),
        created_at: now,
        last_seen_at: now - chrono::Duration::minutes(40),
        client_addr: "::1".into(),
    };
    sessions::insert(store.conn(), &row).await.unwrap();
    sessions::insert(
        store.conn(),
        &sessions::SessionRow {
            token_hash: "h2".into(),
            last_seen_at: now,
            ..row.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(sessions::get(store.conn(), "h1").await.unwrap().unwrap().user_id, u.id);
    assert_eq!(
        sessions::purge_idle(store.conn(), now - chrono::Duration::minutes(30))
            .await
            .unwrap(),
        1
    );
    assert!(sessions::get(store.conn(), "h1").await.unwrap().is_none());
    assert_eq!(sessions::delete_for_user(store.conn(), u.id, None).await.unwrap(), 1);
}

async fn rolled_back_work_leaves_no_audit_entry(db: &TestDb) {
    let store = db.open().await;
    let tx = store.begin().await.unwrap();
    audit::append(&tx, entry(AuditAction::UserCreated, "230000", "will roll back"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let tx = store.begin().await.unwrap();
    let row = audit::append(&tx, entry(AuditAction::UserCreated, "230000", "kept"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        row.fields.seq, 1,
        "a rolled-back append must not consume a sequence number"
    );
    assert_eq!(
        audit::verify_chain(store.conn()).await.unwrap(),
        ChainReport::Intact { entries: 1 }
    );
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() {
    let db = TestDb::new(spotcheck_store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let store = db.open().await;
    let tx = store.begin().await.unwrap();
    audit::append(&tx, entry(AuditAction::Login, "230000", "before backup"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let to = db.dir.path().join("backup.db");
    store.backup_to(&to).await.unwrap();
    assert!(
        store.backup_to(&to).await.is_err(),
        "an existing backup is never overwritten"
    );
    let copy = Store::connect(&spotcheck_store::Target::Sqlite(to)).await.unwrap();
    assert_eq!(
        audit::verify_chain(copy.conn()).await.unwrap(),
        ChainReport::Intact { entries: 1 }
    );
}

/// The import's key register: a key entered by an earlier batch comes back
/// with its row; keys that only share a hash (here: every key, through a
/// hash function that always collides) are never taken for repeats.
async fn key_register_finds_repeats_and_never_mistakes_a_hash_collision(db: &TestDb) {
    use spotcheck_store::imports;
    let store = db.open().await;
    for hash in [imports::key_hash as fn(&str) -> i64, |_: &str| 42] {
        let tx = store.begin().await.unwrap();
        imports::open_key_register(&tx).await.unwrap();
        let first = imports::register_keys_hashed(&tx, &[("A", 2), ("B", 3), ("C", 4)], hash)
            .await
            .unwrap();
        assert!(first.is_empty(), "{first:?}");
        let second = imports::register_keys_hashed(&tx, &[("D", 5), ("B", 6), ("E", 7), ("A", 8)], hash)
            .await
            .unwrap();
        let mut second: Vec<_> = second.into_iter().collect();
        second.sort();
        assert_eq!(second, vec![("A".to_string(), 2), ("B".to_string(), 3)]);
        let third = imports::register_keys_hashed(&tx, &[("E", 9), ("F", 10), ("C", 11)], hash)
            .await
            .unwrap();
        let mut third: Vec<_> = third.into_iter().collect();
        third.sort();
        assert_eq!(third, vec![("C".to_string(), 4), ("E".to_string(), 7)]);
        imports::close_key_register(&tx).await.unwrap();
        tx.commit().await.unwrap();
    }
}

/// The bundled SQLite is built with the query planner stability guarantee
/// (.cargo/config.toml): without it every statement with `LIMIT ?` is
/// compiled again each time it runs (a third of the public search's CPU);
/// without memory statistics; with a page cache of its own for each
/// connection, not one shared behind a global mutex; and able to map a file
/// larger than 2 GB.
#[tokio::test]
async fn sqlite_is_built_with_a_stable_planner() {
    let db = TestDb::new(spotcheck_store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let store = db.open().await;
    let options: Vec<String> = store
        .conn()
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA compile_options",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "SQLite built without SQLITE_ENABLE_QPSG: {options:?}"
    );
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "SQLite built with memory statistics (a mutex on every allocation): {options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "SQLite built with one page cache for all connections (a mutex on every page): {options:?}"
    );
    assert!(
        options.iter().any(|o| o == "MAX_MMAP_SIZE=1099511627776"),
        "SQLite built with a map smaller than a province's database: {options:?}"
    );
}

/// The public search's direct SQLite reads (`sqlite_reads`) answer exactly
/// what the pool answers, every field, for every lead: a code, a name part,
/// one department, the date; with the other filters and paging; whether they
/// finish on the request's thread or are moved to the blocking pool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_direct_reads_answer_what_the_pool_answers() {
    use spotcheck_store::public_search::{GramCounts, PublicQuery, search_public};
    let db = TestDb::new(spotcheck_store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let store = db.open().await;
    // Results of no real inspection: foreign keys off on this connection for
    // the insert only. Half the timestamps as sqlx writes them, half as RFC 3339;
    // every fourth result corrected, every seventh withheld.
    store
        .conn()
        .execute_unprepared(
            "PRAGMA foreign_keys = OFF;
             WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 600)
             INSERT INTO public_results (inspection_id, task_id, task_code, task_name, task_kind, department_id,
               department_code, department_name, inspected_on, object_kind, object_name, object_code, item_names,
               result_category, result_label, result_summary, withheld, withheld_reason, version, corrected_on,
               correction_reason, disposal, published_at)
             SELECT x, x % 3, 'RW2026-230100-00' || (x % 3), '任务' || (x % 3),
               CASE x % 2 WHEN 0 THEN 'joint' ELSE 'double_random' END, x % 4, '23010' || (x % 4), '单位' || (x % 4),
               date('2026-01-01', '+' || (x * 5) || ' days'), 'enterprise',
               substr('哈尔滨牡丹江佳木斯', 1 + 3 * (x % 3), 3) || substr('鑫源龙华宇恒', 1 + x % 6, 1) || '建筑工程有限公司',
               '91230100MA' || printf('%08d', x % 40), '事项' || (x % 5), 'no_problem', '未发现问题', '小结' || x,
               x % 7 = 0, CASE WHEN x % 7 = 0 THEN '依法不予公开' ELSE '' END, 1 + (x % 4 = 0),
               CASE WHEN x % 4 = 0 THEN date('2026-11-01', '+' || x || ' days') END,
               CASE WHEN x % 4 = 0 THEN '更正' ELSE '' END, 'not_needed',
               CASE x % 2 WHEN 0 THEN '2026-12-06 13:37:08.123456+00:00' ELSE '2026-12-06T13:37:08Z' END
             FROM n;
             PRAGMA foreign_keys = ON;",
        )
        .await
        .unwrap();
    let counts = GramCounts::default();
    let pool = store.without_direct_reads();
    let q = |q: &str, department: &str, item: &str, kind: &str, offset: u64| PublicQuery {
        q: q.into(),
        department: department.into(),
        item: item.into(),
        kind: kind.into(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        to: None,
        offset,
        limit: 5,
    };
    let cases = [
        q("91230100MA00000003", "", "", "", 0),
        q("91230100ma00000005", "", "", "", 0),
        q("哈尔滨鑫", "", "", "", 0),
        q("建筑工程", "", "", "", 5),
        q("龙", "", "", "", 0),
        q("龘龘", "", "", "", 0),
        q("", "230102", "", "", 0),
        q("", "230102", "事项2", "", 0),
        q("", "单位", "", "joint", 10),
        q("", "", "", "", 0),
        q("", "", "", "", 45),
        q("牡丹江", "230101", "", "", 0),
        // Every result read and none kept: far over 1,000 VM steps.
        q("", "", "不存在的事项", "", 0),
    ];
    // Also with reads stopped at their first progress check (1,000 VM steps)
    // and run again on the blocking pool: the larger cases take more.
    let moved = store.with_inline_steps(0);
    let mut found = 0;
    for case in &cases {
        let direct = search_public(&store, &counts, case).await.unwrap();
        let through_pool = search_public(&pool, &counts, case).await.unwrap();
        assert_eq!(direct, through_pool, "{case:?}");
        assert_eq!(
            search_public(&moved, &counts, case).await.unwrap(),
            through_pool,
            "{case:?}"
        );
        found += direct.0.len();
    }
    assert!(found > 30, "the cases find results: {found}");
    assert_eq!(
        store.direct_reads_moved(),
        0,
        "small reads stay on the request's thread"
    );
    assert!(moved.direct_reads_moved() > 0, "a read over its budget was moved");
    let corrected = search_public(&store, &counts, &q("", "", "", "", 0)).await.unwrap();
    assert!(corrected.0.iter().any(|r| r.corrected_on.is_some()));

    // A bigram counted in no result is not kept: a name published after a
    // search found nothing is found by the same search at once.
    store
        .conn()
        .execute_unprepared(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO public_results (inspection_id, task_id, task_code, task_name, task_kind, department_id,
               department_code, department_name, inspected_on, object_kind, object_name, object_code, item_names,
               result_category, result_label, result_summary, withheld, withheld_reason, version, corrected_on,
               correction_reason, disposal, published_at)
             SELECT 601, 1, 'RW2026-230100-001', '任务1', 'double_random', 1, '230101', '单位1', '2026-12-01',
               'enterprise', '龘龘建筑有限公司', '91230100MA00000601', '事项1', 'no_problem', '未发现问题', '小结601',
               0, '', 1, NULL, '', 'not_needed', '2026-12-06T13:37:08Z';
             PRAGMA foreign_keys = ON;",
        )
        .await
        .unwrap();
    for store in [&store, &pool] {
        let found = search_public(store, &counts, &q("龘龘", "", "", "", 0)).await.unwrap();
        assert_eq!(
            found.0.iter().map(|r| r.object_code.as_str()).collect::<Vec<_>>(),
            ["91230100MA00000601"]
        );
    }
}

/// Behind a load balancer a process sees other processes' imports in the
/// job table. An unfinished job is failed only when no process runs it: not
/// this process's own, and neither started nor marked alive for
/// `ABANDONED_AFTER`.
async fn imports_of_a_stopped_process_fail_and_live_ones_are_spared(db: &TestDb) {
    use spotcheck_store::imports::{self, ABANDONED_AFTER, NewJob};
    let store = db.open().await;
    let d = dept(&store, "230000", None).await;
    let now = Utc::now();
    let long_ago = now - ABANDONED_AFTER - chrono::TimeDelta::minutes(1);
    let job = |name: &'static str, at| {
        let store = store.clone();
        async move {
            imports::create(
                store.conn(),
                NewJob {
                    department_id: d.id,
                    kind: "enterprise",
                    file_name: name,
                    file_sha256: "00",
                    file_size: 1,
                    started_by: "tester",
                    now: at,
                },
            )
            .await
            .unwrap()
            .id
        }
    };
    let dead = job("停止的进程.xlsx", long_ago).await;
    let elsewhere = job("另一进程.xlsx", long_ago).await;
    let mine = job("本进程.xlsx", long_ago).await;
    let just_started = job("刚开始.xlsx", now).await;
    imports::mark_alive(store.conn(), &[elsewhere], now - chrono::TimeDelta::minutes(1))
        .await
        .unwrap();

    assert_eq!(imports::fail_abandoned(store.conn(), &[mine], now).await.unwrap(), 1);
    let scope = Jurisdiction::new("/");
    let status = |id| {
        let store = store.clone();
        let scope = scope.clone();
        async move {
            let j = imports::get_in(store.conn(), &scope, id).await.unwrap().unwrap();
            (j.status, j.finished_at.is_some())
        }
    };
    assert_eq!(status(dead).await, ("failed".to_string(), true));
    for id in [elsewhere, mine, just_started] {
        assert_eq!(
            status(id).await,
            ("parsing".to_string(), false),
            "job {id} is running somewhere"
        );
    }
    // The other process stops marking its job: five minutes later it is abandoned too.
    let later = now + ABANDONED_AFTER + chrono::TimeDelta::minutes(1);
    assert_eq!(imports::fail_abandoned(store.conn(), &[mine], later).await.unwrap(), 2);
    assert_eq!(status(elsewhere).await.0, "failed");
    assert_eq!(status(just_started).await.0, "failed");
    assert_eq!(status(mine).await.0, "parsing");
}

/// The import's batches (`objects::insert_many`): on SQLite a failing row
/// stops the statement without undoing the rows before it (`INSERT OR FAIL`,
/// for speed), so what keeps a failed import from saving half a batch is the
/// transaction. And the department key, deferred on SQLite (migration
/// 000019), still refuses an object of no department — at COMMIT there, at
/// the statement on PostgreSQL.
async fn a_failed_object_batch_leaves_nothing_and_the_department_key_holds(db: &TestDb) {
    use spotcheck_store::objects::{self, ObjectData, Source};
    let store = db.open().await;
    let d = dept(&store, "230102", None).await;
    let object = |code: &str| ObjectData {
        kind: "enterprise".into(),
        key_code: code.into(),
        name: format!("{code}建筑有限公司"),
        division_code: "230102".into(),
        risk_class: "B".into(),
        ..ObjectData::default()
    };
    let codes = async || -> Vec<String> {
        store
            .conn()
            .query_all_raw(sea_orm::Statement::from_string(
                store.conn().get_database_backend(),
                "SELECT key_code FROM objects ORDER BY key_code",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    };
    let now = Utc::now();

    let tx = store.begin().await.unwrap();
    let saved = objects::insert_many(&tx, d.id, &[object("A"), object("B"), object("C")], Source::Import, now)
        .await
        .unwrap();
    assert_eq!(saved, 3);
    tx.commit().await.unwrap();

    // D and E come before the repeated B: the statement fails, the
    // transaction is dropped, and neither stays.
    let tx = store.begin().await.unwrap();
    let repeated = objects::insert_many(&tx, d.id, &[object("D"), object("E"), object("B")], Source::Import, now).await;
    assert!(repeated.is_err(), "a repeated key was saved: {repeated:?}");
    drop(tx);
    assert_eq!(codes().await, ["A", "B", "C"]);

    let tx = store.begin().await.unwrap();
    let orphan = objects::insert_many(&tx, d.id + 1000, &[object("F")], Source::Import, now).await;
    let deferred = orphan.is_ok();
    let refused = match orphan {
        Err(_) => {
            drop(tx);
            true
        }
        Ok(_) => tx.commit().await.is_err(),
    };
    assert!(refused, "an object of no department was saved");
    if store.backend() == Backend::Sqlite {
        assert!(
            deferred,
            "SQLite checked the department key at the statement: not deferred"
        );
    }
    assert_eq!(codes().await, ["A", "B", "C"]);
    // The store goes on working after the refused COMMIT.
    let tx = store.begin().await.unwrap();
    objects::insert_many(&tx, d.id, &[object("G")], Source::Import, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(codes().await, ["A", "B", "C", "G"]);
}

/// An import's connection gets the larger SQLite page cache for its
/// transaction and goes back to the pool with the usual one; on PostgreSQL
/// the call does nothing (it must not send SQLite's PRAGMA there).
async fn an_import_widens_the_page_cache_and_gives_it_back(db: &TestDb) {
    let store = db.open().await;
    let tx = store.begin().await.unwrap();
    if store.backend() == Backend::Postgres {
        Store::import_cache(&tx, true).await.unwrap();
        Store::import_cache(&tx, false).await.unwrap();
        tx.commit().await.unwrap();
        return;
    }
    let cache = async |tx: &sea_orm::DatabaseTransaction| -> i64 {
        tx.query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA cache_size",
        ))
        .await
        .unwrap()
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .unwrap()
    };
    assert_eq!(cache(&tx).await, -32768, "the usual cache: 32 MB");
    Store::import_cache(&tx, true).await.unwrap();
    assert_eq!(cache(&tx).await, -131072, "the import's cache: 128 MB");
    Store::import_cache(&tx, false).await.unwrap();
    assert_eq!(cache(&tx).await, -32768, "given back before COMMIT");
    tx.commit().await.unwrap();
}

/// PostgreSQL compresses the draw records with lz4 where the server was built
/// with it (migration 000021: pglz took ≈ 0.4 s for a 40 MB record); SQLite
/// does not compress.
async fn draw_records_are_kept_with_lz4_where_postgresql_has_it(db: &TestDb) {
    let store = db.open().await;
    if store.backend() != Backend::Postgres {
        return;
    }
    let texts = async |sql: &str| -> Vec<String> {
        store
            .conn()
            .query_all_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    };
    let lz4 = !texts("SELECT name FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
        .await
        .is_empty();
    let methods = texts(
        "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'draws'::regclass \
         AND attname IN ('committed_record', 'revealed_record') ORDER BY attname",
    )
    .await;
    let expected = if lz4 { "l" } else { "" };
    assert_eq!(methods, [expected, expected], "lz4 available: {lz4}");
}
