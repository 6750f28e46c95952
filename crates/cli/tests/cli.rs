//! The binary as an operator uses it: real processes, a real SQLite file,
//! and the sqlite3 tool to tamper with the audit trail behind its back.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn spotcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .args(args)
        .env_remove("SPOTCHECK_DATABASE_URL")
        .env_remove("SPOTCHECK_DATA_DIR")
        .output()
        .expect("run spotcheck")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn sqlite3(db: &Path, sql: &str) {
    let o = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("the sqlite3 tool is installed (scripts/test installs it)");
    assert!(o.status.success(), "sqlite3: {}", text(&o));
}

#[test]
fn init_is_idempotent_and_audit_verify_catches_a_direct_update() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let first = spotcheck(&["init", "--demo", "--data-dir", d]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("新增行政区划 135 个、住建部门 135 个"),
        "{}",
        text(&first)
    );
    let second = spotcheck(&["init", "--demo", "--data-dir", d]);
    assert!(text(&second).contains("新增行政区划 0 个、住建部门 0 个"));
    assert!(text(&second).contains("新增执行单位 0 个、演示账号 0 个、抽查事项 0 项、名录条目 0 条"));

    let ok = spotcheck(&["audit", "verify", "--data-dir", d]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("审计链完整"));

    let db = dir.path().join("spotcheck.db");
    sqlite3(&db, "UPDATE audit_entries SET summary = '篡改' WHERE seq = 2");
    let bad = spotcheck(&["audit", "verify", "--data-dir", d]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("第2条审计记录的内容已被改动"), "{}", text(&bad));
}

#[test]
fn audit_verify_names_a_removed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(spotcheck(&["init", "--demo", "--data-dir", d]).status.success());
    let db = dir.path().join("spotcheck.db");
    sqlite3(&db, "DELETE FROM audit_entries WHERE seq = 1");
    let bad = spotcheck(&["audit", "verify", "--data-dir", d]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("应为第1条"), "{}", text(&bad));
}

#[test]
fn user_add_reads_the_password_from_stdin_and_enforces_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = |pw: &str, user: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spotcheck"))
            .args([
                "user",
                "add",
                "--data-dir",
                d,
                "--username",
                user,
                "--role",
                "province_admin",
                "--department",
                "230000",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{pw}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("abc", "root_admin");
    assert!(!weak.status.success());
    assert!(text(&weak).starts_with("错误：密码至少8位"), "{}", text(&weak));
    let ok = run("Str0ng#Pass", "root_admin");
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("已新增用户 root_admin（省级管理员"));
    let again = run("Str0ng#Pass", "root_admin");
    assert!(text(&again).contains("已存在"));
    // A province admin cannot be created in a county department.
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .args([
            "user",
            "add",
            "--data-dir",
            d,
            "--username",
            "x_admin",
            "--role",
            "省级管理员",
            "--department",
            "230102",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"Str0ng#Pass\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("省级管理员只能属于省住房和城乡建设厅"));
}

#[test]
fn backup_makes_a_verifiable_copy_and_postgres_is_sent_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(spotcheck(&["init", "--demo", "--data-dir", d]).status.success());
    let to = dir.path().join("copy").join("backup.db");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let o = spotcheck(&["backup", "--data-dir", d, "--to", to.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let copy_dir = to.parent().unwrap();
    std::fs::rename(&to, copy_dir.join("spotcheck.db")).unwrap();
    let v = spotcheck(&["audit", "verify", "--data-dir", copy_dir.to_str().unwrap()]);
    assert!(v.status.success(), "{}", text(&v));
    let pg = spotcheck(&[
        "backup",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "--to",
        "/tmp/x.db",
    ]);
    assert!(!pg.status.success());
    assert!(text(&pg).contains("pg_dump"));
}

#[test]
fn errors_are_one_chinese_line() {
    for args in [
        vec!["serve", "--no-such-flag"],
        vec!["audit", "verify", "--data-dir", "/nonexistent/spotcheck"],
        vec!["init", "--database-url", "mysql://x"],
        vec![
            "serve",
            "--listen",
            "0.0.0.0:18080",
            "--data-dir",
            "/tmp/spotcheck-never",
        ],
    ] {
        let o = spotcheck(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("错误：") || err.starts_with("审计链"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn verify_accepts_the_shared_vectors() {
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/../draw/tests/data/draw-v1-vectors.json");
    let o = spotcheck(&["verify", vectors]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("verified"));
    assert!(out.contains("committed, not yet revealed"));
}

#[test]
fn workdays_add_counts_the_official_calendar_and_the_provinces_entries() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("none");
    let data = data.to_str().unwrap();
    // The example: 20 working days after 2025-09-26 cross 国庆节 and its 调休.
    let o = spotcheck(&["workdays", "add", "2025-09-26", "20", "--data-dir", data]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2025-10-30\n");
    // 2027 has no schedule yet: weekends only, and the answer says it is provisional.
    let o = spotcheck(&["workdays", "add", "2026-12-25", "10", "--data-dir", data]);
    assert!(o.status.success());
    assert!(text(&o).contains("暂定"), "{}", text(&o));
    let o = spotcheck(&["workdays", "add", "2025-02-30", "1", "--data-dir", data]);
    assert!(!o.status.success());
    assert!(text(&o).contains("应为“年-月-日”"), "{}", text(&o));
}
