//! Benchmark (docs/performance.md, "抽查任务的对象抽取"): one task item's
//! eligibility, commit (锁定) and reveal (揭晓) over a directory of N
//! enterprises, end to end through the use cases and the store, next to the
//! naive, unverifiable `ORDER BY random() LIMIT n` over the same rows.
//!
//!   task_draw_bench sqlite DIR N        (a fresh SQLite file in DIR)
//!   task_draw_bench postgres URL N      (an empty PostgreSQL database)
//!
//! `scripts/bench-task-draw` builds it in release mode and runs both.
//! The directory is filled with one INSERT … SELECT (no import, which has its
//! own benchmark): N enterprises of 道里 with risk classes A–D and a few flags,
//! so every stratum is populated. Each step is timed once (they change the
//! database); the naive query is run five times and the median printed.

use spotcheck_app::crypto::Sealer;
use spotcheck_app::draws::{LockInput, RevealInput};
use spotcheck_app::tasks::NewTaskInput;
use spotcheck_app::{Actor, App, RequestMeta, Settings};
use spotcheck_store::{Backend, Store, Target, departments, users};
use spotcheck_store::{ConnectionTrait, Statement};
use std::time::Instant;

fn fill_sql(backend: Backend, department_id: i64, n: u64) -> String {
    // Columns in the order of the objects table; values derived from the row number.
    let row = |i: &str, concat: &dyn Fn(&[&str]) -> String| {
        format!(
            "{department_id}, 'enterprise', {code}, {name}, '230102', \
             CASE {i} % 10 WHEN 0 THEN 'D' WHEN 1 THEN 'C' WHEN 2 THEN 'C' WHEN 3 THEN 'B' WHEN 4 THEN 'B' ELSE 'A' END, \
             {i} % 97 = 0, {i} % 89 = 0, {i} % 997 = 0, {i} % 7, '0451-0000000', '张三', '哈尔滨市道里区', '[\"建筑业企业\"]', \
             NULL, '', '', '', '', '', '', '', '', NULL, TRUE, 'manual', NULL, 1, {now}, {now}",
            code = concat(&["'9123010200'", &format!("lpad_{i}")]),
            name = concat(&["'测试建筑工程有限公司'", i]),
            now = "CURRENT_TIMESTAMP",
        )
    };
    let cols = "department_id, kind, key_code, name, division_code, risk_class, abnormal, key_focus, \
        serious_violation, complaints, phone, legal_rep, address, enterprise_kinds, id_sealed, id_masked, id_lookup, \
        qualification, employer_code, builder_code, contractor_code, supervisor_code, stage, start_date, active, \
        source, master_id, revision, created_at, updated_at";
    match backend {
        Backend::Sqlite => {
            let concat = |parts: &[&str]| parts.join(" || ");
            let values = row("i", &concat).replace("lpad_i", "substr('00000000' || i, -8, 8)");
            format!(
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
                 INSERT INTO objects ({cols}) SELECT {values} FROM s"
            )
        }
        Backend::Postgres => {
            let concat = |parts: &[&str]| format!("concat({})", parts.join(", "));
            let values = row("i", &concat)
                .replace("lpad_i", "lpad(i::text, 8, '0')")
                .replace("TRUE", "true");
            format!("INSERT INTO objects ({cols}) SELECT {values} FROM generate_series(1, {n}) AS s(i)")
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (kind, place, n) = match args.as_slice() {
        [_, k, p, n] => (k.as_str(), p.as_str(), n.parse::<u64>().expect("N")),
        _ => {
            eprintln!("usage: task_draw_bench sqlite DIR N | postgres URL N");
            std::process::exit(2);
        }
    };
    let target = match kind {
        "sqlite" => Target::Sqlite(std::path::Path::new(place).join("spotcheck.db")),
        _ => Target::Postgres(place.to_string()),
    };
    let store = Store::open(&target).await.expect("store");
    let backend = store.backend();
    let app = App::new(
        store.clone(),
        Settings {
            require_totp: false,
            ..Settings::default()
        },
        Sealer::from_key([3; 32]),
    );
    app.initialize().await.expect("init");
    app.load_demo().await.expect("demo");
    let db = store.conn();
    let user = users::by_username(db, "daoli_admin").await.unwrap().unwrap();
    let department = departments::by_id(db, user.department_id).await.unwrap().unwrap();
    let actor = Actor {
        user,
        department: department.clone(),
        session: String::new(),
        session_kind: "cli".into(),
        stage: "full".into(),
        csrf_token: String::new(),
        meta: RequestMeta::cli(),
    };

    let t = Instant::now();
    db.execute_unprepared(&fill_sql(backend, department.id, n))
        .await
        .expect("fill");
    if backend == Backend::Postgres {
        db.execute_unprepared("ANALYZE objects").await.expect("analyze");
    }
    eprintln!(
        "directory filled with {n} enterprises in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // 道里's published demo plan: its first enterprise entry.
    let plans = app
        .list_plans(
            &actor,
            &spotcheck_app::plans::PlanQuery {
                status: Some("published".into()),
                department: Some(department.code.as_str().to_string()),
                ..Default::default()
            },
        )
        .await
        .expect("plans");
    let plan = app.get_plan(&actor, plans[0].id).await.expect("plan");
    let entry = plan
        .entries
        .iter()
        .find(|e| e.item_object_kinds.iter().any(|k| k.code == "enterprise"))
        .expect("an enterprise entry");
    let task = app
        .create_task(
            &actor,
            &NewTaskInput {
                name: "抽取基准测试".into(),
                kind: "double_random".into(),
                window_start: "2026-12-01".into(),
                window_end: "2026-12-20".into(),
                team_size: Some(2),
                plan_entry_ids: vec![entry.id],
                participants: Vec::new(),
            },
        )
        .await
        .expect("task");
    let id = task.task.id;

    let t = Instant::now();
    let kinds = [spotcheck_domain::vocab::ObjectKind::Enterprise].into();
    let rows = spotcheck_store::population::facts(&store, department.id, &kinds, &[])
        .await
        .expect("facts");
    eprintln!(
        "reading the directory's facts alone: {} rows in {:.0} ms",
        rows.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    drop(rows);
    let t = Instant::now();
    let e = app.task_item_eligibility(&actor, id, 1).await.expect("eligibility");
    let eligibility = t.elapsed();
    let t = Instant::now();
    let draw = app
        .lock_task_item(
            &actor,
            id,
            1,
            &LockInput {
                beacon: "none".into(),
                source: String::new(),
            },
        )
        .await
        .expect("lock");
    let commit = t.elapsed();
    let t = Instant::now();
    let d = app
        .reveal_task_item(&actor, id, 1, &RevealInput::default())
        .await
        .expect("reveal");
    let reveal = t.elapsed();
    let drawn = d.drawn;
    let t = Instant::now();
    let _ = app.get_task(&actor, id).await.expect("task");
    eprintln!(
        "showing the task with its {drawn} drawn objects: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let record = app.public_draw_json(&draw.draw_id).await.expect("record");

    // The naive draw over the same rows, as a query alone (rows delivered to the client).
    let naive_sql = format!(
        "SELECT id FROM objects WHERE department_id = {} AND kind = 'enterprise' AND active ORDER BY random() LIMIT {}",
        department.id, e.total_quota
    );
    let mut naive = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let rows = db
            .query_all_raw(Statement::from_string(store.db_backend(), naive_sql.clone()))
            .await
            .expect("naive");
        naive.push(t.elapsed());
        assert_eq!(rows.len() as u64, e.total_quota);
    }
    naive.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let total = eligibility + commit + reveal;
    println!(
        "{} N={n}: eligible {} excluded {} quota {} drawn {drawn}; record {:.1} MB",
        match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        e.eligible,
        e.excluded,
        e.total_quota,
        record.len() as f64 / 1e6
    );
    println!(
        "eligibility {:.0} ms | commit {:.0} ms | reveal {:.0} ms | total {:.0} ms | ORDER BY random() LIMIT {} median of 5: {:.0} ms | ratio {:.2}",
        ms(eligibility),
        ms(commit),
        ms(reveal),
        ms(total),
        e.total_quota,
        ms(naive[2]),
        ms(total) / ms(naive[2])
    );
}
