//! 现场检查 through the API: the whole inspection of the demo's 联合抽查 — every
//! unit matched, each team's work plan, checklist, findings, evidence, close
//! and sign-off by every member — until the task's results are entered; a
//! confirmed result that nobody can change; the evidence uploads that must
//! store nothing (a file whose content contradicts its name, an empty file, an
//! over-limit file, an interrupted upload) and a resumable upload; the PDF
//! documents read back with pdftotext.

use crate::support::{NEW_PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::ConnectionTrait;
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    the_whole_inspection_of_a_joint_task_through_the_api,
    evidence_that_cannot_be_stored_leaves_nothing_and_a_resumable_upload_resumes,
    result_categories_are_the_provinces_to_configure,
);

/// A tiny but real JPEG (what a phone's camera produces starts the same way).
pub const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0xFF, 0xD9,
];

/// The demo's 联合抽查 with every executing unit's inspectors drawn; its detail.
pub async fn matched_joint_task(t: &TestApp) -> Value {
    let harbin = t.token("hrb_admin").await;
    let (_, list) = t.get(&harbin, "/api/v1/tasks").await;
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"]["code"] == "joint" && x["status"]["code"] != "draft")
        .expect("the demo has a dispatched joint task")["id"]
        .as_i64()
        .unwrap();
    let (_, d) = t.get(&harbin, &format!("/api/v1/tasks/{id}")).await;
    for share in d["staffing"]["shares"].as_array().unwrap() {
        if share["matched"] == true {
            continue;
        }
        let unit = share["unit_code"].as_str().unwrap();
        let operator = if unit.starts_with("230102") {
            "daoli_admin"
        } else {
            "hrb_admin"
        };
        let token = t.token(operator).await;
        let path = format!("/api/v1/tasks/{id}/units/{unit}/match");
        let (s, e) = t.post(&token, &format!("{path}/lock"), json!({"beacon": "none"})).await;
        assert_eq!(s, StatusCode::CREATED, "{unit}: {e}");
        let (s, e) = t.post(&token, &format!("{path}/reveal"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{unit}: {e}");
    }
    let (_, d) = t.get(&harbin, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(d["task"]["status"]["code"], "matched", "{}", d["staffing"]);
    d
}

/// A token for every active drawn member of a team, creating and linking an
/// account for a member without one (the province does it, as an operator would).
pub async fn member_tokens(t: &TestApp, team: &Value) -> Vec<(String, String)> {
    let admin = t.token("hlj_admin").await;
    let mut out = Vec::new();
    for m in team["members"].as_array().unwrap() {
        if m["active"] != true || m["role"]["code"] == "expert" {
            continue;
        }
        let cert = m["cert_no"].as_str().unwrap();
        let (_, found) = t.get(&admin, &format!("/api/v1/inspectors?q={cert}")).await;
        let inspector = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["cert_no"] == cert)
            .unwrap_or_else(|| panic!("inspector {cert}: {found}"))
            .clone();
        let username = match inspector["username"].as_str() {
            Some(u) => u.to_string(),
            None => {
                let username = format!("insp_{cert}");
                let (s, e) = t
                    .post(
                        &admin,
                        "/api/v1/users",
                        json!({"username": username, "display_name": inspector["name"], "role": "inspector",
                               "department_code": inspector["department_code"], "password": "Insp#2026x"}),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{e}");
                let (s, e) = t
                    .send(
                        "PUT",
                        &admin,
                        &format!("/api/v1/inspectors/{}/account", inspector["id"]),
                        json!({"username": username}),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{e}");
                let (s, body) = t.login_raw(&username, "Insp#2026x").await;
                assert_eq!(s, StatusCode::OK, "{body}");
                let token = body["token"].as_str().unwrap().to_string();
                let (s, e) = t
                    .post(
                        &token,
                        "/api/v1/auth/password",
                        json!({"old_password": "Insp#2026x", "new_password": NEW_PASSWORD}),
                    )
                    .await;
                assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
                username
            }
        };
        let token = t.token(&username).await;
        out.push((m["role"]["code"].as_str().unwrap().to_string(), token));
    }
    // The leader first.
    out.sort_by_key(|(role, _)| role != "leader");
    out
}

async fn upload(t: &TestApp, token: &str, team: i64, name: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = t
        .http
        .post(t.url(&format!(
            "/api/v1/teams/{team}/evidence?name={name}&note=%E7%8E%B0%E5%9C%BA"
        )))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Fills in and closes a team's inspection as its leader: one problem found on
/// the first point, the rest compliant.
async fn fill_and_close(t: &TestApp, leader: &str, team: i64, with_problem: bool) -> Value {
    let (s, v) = t
        .post(leader, &format!("/api/v1/teams/{team}/inspection"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .send(
            "PUT",
            leader,
            &format!("/api/v1/teams/{team}/inspection/work-plan"),
            json!({"division": "组长询问并记录，组员查阅资料、拍照", "procedure": "出示证件、告知权利、逐项检查、笔录、签字",
                   "schedule": "当日上午完成现场检查"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut points = Vec::new();
    for (n, p) in v["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["points"].as_array().unwrap().iter())
        .enumerate()
    {
        let result = if with_problem && n == 0 {
            "noncompliant"
        } else {
            "compliant"
        };
        points.push(json!({"id": p["id"], "result": result, "note": "现场查看"}));
    }
    let start = t.now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()) - chrono::Duration::hours(3);
    let end = start + chrono::Duration::hours(2);
    let (findings, category) = if with_problem {
        (
            json!([{"description": "施工现场3号楼脚手架连墙件缺失", "legal_basis": "《建设工程安全生产管理条例》第二十八条",
                    "measures": ["on_site_record", "rectification"],
                    "rectify_by": (end.date_naive() + chrono::Duration::days(10)).to_string()}]),
            "rectified",
        )
    } else {
        (json!([]), "no_problem")
    };
    let (s, v) = t
        .send(
            "PATCH",
            leader,
            &format!("/api/v1/teams/{team}/inspection"),
            json!({"method": "on_site", "started_at": start.format("%Y-%m-%d %H:%M").to_string(),
                   "ended_at": end.format("%Y-%m-%d %H:%M").to_string(), "place": "哈尔滨市道里区友谊路388号",
                   "present": [{"name": "王建国", "position": "项目经理", "phone": "13900000000"}],
                   "points": points, "findings": findings, "result_category": category,
                   "result_summary": "现场检查已完成",
                   "statement": {"person": "王建国", "text": "对检查结果无异议，将按期整改。",
                                 "started_at": (end + chrono::Duration::minutes(7)).format("%Y-%m-%d %H:%M").to_string(),
                                 "ended_at": (end + chrono::Duration::minutes(23)).format("%Y-%m-%d %H:%M").to_string()}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["open_points"], 0);
    let (s, v) = t
        .post(leader, &format!("/api/v1/teams/{team}/inspection/close"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"]["code"], "closed");
    v
}

async fn the_whole_inspection_of_a_joint_task_through_the_api(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let d = matched_joint_task(&t).await;
    let task_id = d["task"]["id"].as_i64().unwrap();
    let harbin = t.token("hrb_admin").await;
    let teams = d["staffing"]["teams"].as_array().unwrap().clone();
    assert!(!teams.is_empty());

    // The first team: the checklist holds every applicable item of the joint
    // task (the participants' items too), and nothing can be closed half done.
    let team = &teams[0];
    let tid = team["id"].as_i64().unwrap();
    let tokens = member_tokens(&t, team).await;
    assert!(tokens.len() >= 2, "a team has at least two inspectors");
    let leader = tokens[0].1.clone();
    let member = tokens[1].1.clone();
    let (s, e) = t
        .post(&harbin, &format!("/api/v1/teams/{tid}/inspection"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the team starts: {e}");
    let (s, v) = t
        .post(&member, &format!("/api/v1/teams/{tid}/inspection"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, task) = t.get(&harbin, &format!("/api/v1/tasks/{task_id}")).await;
    assert_eq!(task["task"]["status"]["code"], "inspecting");
    assert!(!v["items"].as_array().unwrap().is_empty());
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["drawn"] == true));
    assert_eq!(v["verification_code"].as_str().unwrap().len(), 14);
    let (s, e) = t
        .post(&leader, &format!("/api/v1/teams/{tid}/inspection/close"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("检查工作方案") && msg.contains("请选择检查结果"), "{msg}");
    let (s, e) = t
        .send(
            "PUT",
            &member,
            &format!("/api/v1/teams/{tid}/inspection/work-plan"),
            json!({"division": "x", "procedure": "y", "schedule": "z"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the leader records the plan: {e}");

    // Evidence: a photo, recorded with its SHA-256 in the audit trail.
    let (s, ev) = upload(&t, &member, tid, "IMG_0001.jpg", JPEG.to_vec()).await;
    assert_eq!(s, StatusCode::CREATED, "{ev}");
    assert_eq!(ev["kind"]["code"], "photo");
    assert_eq!(ev["mime"], "image/jpeg");
    let sha = ev["sha256"].as_str().unwrap().to_string();
    let (_, audit) = t
        .get(&t.token("hlj_auditor").await, "/api/v1/audit?action=evidence.uploaded")
        .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["summary"].as_str().unwrap().contains(&sha)),
        "{audit}"
    );
    let r = t
        .http
        .get(t.url(&format!("/api/v1/teams/{tid}/evidence/{}", ev["id"])))
        .bearer_auth(&harbin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);

    let closed = fill_and_close(&t, &leader, tid, true).await;
    assert_eq!(closed["members"].as_array().unwrap().len(), tokens.len());
    // Under sign-off the team no longer changes (第十八条 meets 第二十一条).
    let leader_member = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"]["code"] == "leader" && m["active"] == true)
        .unwrap()["id"]
        .clone();
    let (s, e) = t
        .post(
            &leader,
            &format!("/api/v1/team-members/{leader_member}/replacements"),
            json!({"reason": "recusal", "note": "本人配偶在该企业任职"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("已提交签字确认"),
        "{e}"
    );
    // Closed: nobody edits; a wrong password confirms nothing.
    let (s, _) = t
        .send(
            "PATCH",
            &leader,
            &format!("/api/v1/teams/{tid}/inspection"),
            json!({"place": "别处"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, e) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/inspection/confirm"),
            json!({"password": "wrong#Pass1"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // One confirmation, then the leader reopens: it lapses.
    let (s, v) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/inspection/confirm"),
            json!({"password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"]["code"], "closed");
    let (s, v) = t
        .post(
            &leader,
            &format!("/api/v1/teams/{tid}/inspection/reopen"),
            json!({"reason": "补充整改期限说明"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["confirmed_at"].is_null())
    );
    let (s, _) = t
        .post(&leader, &format!("/api/v1/teams/{tid}/inspection/close"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut last = Value::Null;
    for (_, token) in &tokens {
        let (s, v) = t
            .post(
                token,
                &format!("/api/v1/teams/{tid}/inspection/confirm"),
                json!({"password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        last = v;
    }
    assert_eq!(last["status"]["code"], "final");
    assert!(last["finalized_at"].is_string());

    // Final: nobody — member, leader or official — changes anything.
    for (method, path, body) in [
        (
            "PATCH",
            format!("/api/v1/teams/{tid}/inspection"),
            json!({"result_summary": "改"}),
        ),
        (
            "PUT",
            format!("/api/v1/teams/{tid}/inspection/work-plan"),
            json!({"division": "a", "procedure": "b", "schedule": "c"}),
        ),
        (
            "POST",
            format!("/api/v1/teams/{tid}/inspection/reopen"),
            json!({"reason": "想改"}),
        ),
        ("POST", format!("/api/v1/teams/{tid}/inspection/close"), json!({})),
    ] {
        let (s, e) = t.send(method, &leader, &path, body).await;
        assert_eq!(s, StatusCode::CONFLICT, "{method} {path}: {e}");
    }
    let (s, _) = upload(&t, &leader, tid, "late.jpg", JPEG.to_vec()).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = t
        .send(
            "PATCH",
            &harbin,
            &format!("/api/v1/teams/{tid}/inspection"),
            json!({"place": "x"}),
        )
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::CONFLICT);
    // The database refuses too, whoever connects.
    let tampered = t
        .app
        .store()
        .conn()
        .execute_unprepared(&format!("UPDATE inspections SET place = 'x' WHERE team_id = {tid}"))
        .await;
    assert!(
        tampered.is_err(),
        "a final inspection cannot be updated in the database"
    );

    // The documents: the 检查结果告知书 carries the team, the codes, the finding and the code to object with.
    let text = document(&t, &harbin, tid, "result-notice").await;
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains("检查结果告知书"), "{text}");
    assert!(flat.contains(last["object"]["code"].as_str().unwrap()), "{text}");
    assert!(flat.contains("连墙件缺失"), "{text}");
    let point: String = last["items"][0]["points"][0]["content"]
        .as_str()
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(8)
        .collect();
    assert!(
        flat.contains(&point),
        "the check points are on the notice: {point} in {text}"
    );
    assert!(flat.contains(last["verification_code"].as_str().unwrap()), "{text}");
    for m in last["members"].as_array().unwrap() {
        assert!(flat.contains(m["name"].as_str().unwrap()), "{text}");
        assert!(flat.contains(m["cert_no"].as_str().unwrap()), "{text}");
    }
    let flat: String = document(&t, &leader, tid, "site-record")
        .await
        .split_whitespace()
        .collect();
    assert!(
        flat.contains("现场检查笔录") && flat.contains("王建国") && flat.contains(&sha[..16]),
        "{flat}"
    );
    // The 陈述申辩笔录 states when the object was heard, not when the visit ended.
    let flat: String = document(&t, &leader, tid, "statement")
        .await
        .split_whitespace()
        .collect();
    use chrono::Timelike;
    let clock = |field: &str| {
        let t = chrono::NaiveDateTime::parse_from_str(last[field].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S").unwrap();
        format!("{}时{:02}分", t.hour(), t.minute())
    };
    assert_ne!(clock("statement_started_at"), clock("ended_at"));
    assert!(
        flat.contains("陈述申辩笔录")
            && flat.contains(&format!(
                "{}至{}",
                clock("statement_started_at"),
                clock("statement_ended_at")
            )),
        "{flat}"
    );

    // Every other team: inspected without problems and confirmed; the last
    // confirmation enters the task's results.
    let rest = &teams[1..];
    for team in rest {
        let tid = team["id"].as_i64().unwrap();
        let tokens = member_tokens(&t, team).await;
        fill_and_close(&t, &tokens[0].1, tid, false).await;
        let (_, task) = t.get(&harbin, &format!("/api/v1/tasks/{task_id}")).await;
        assert_eq!(task["task"]["status"]["code"], "inspecting");
        for (_, token) in &tokens {
            let (s, v) = t
                .post(
                    token,
                    &format!("/api/v1/teams/{tid}/inspection/confirm"),
                    json!({"password": NEW_PASSWORD}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }
    let (_, task) = t.get(&harbin, &format!("/api/v1/tasks/{task_id}")).await;
    assert_eq!(task["task"]["status"]["code"], "entered", "{}", task["task"]);

    // 归档: the participant cannot; the initiator can. The package's manifest
    // names every file with a hash that matches it, the audit entry that signs
    // it names the manifest's hash, and the chain verifies.
    let daoli = t.token("daoli_admin").await;
    let (s, _) = t
        .post(&daoli, &format!("/api/v1/tasks/{task_id}/archives"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, a) = t
        .post(&harbin, &format!("/api/v1/tasks/{task_id}/archives"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let r = t
        .http
        .get(t.url(&format!("/api/v1/tasks/{task_id}/archive.zip")))
        .bearer_auth(&harbin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        use std::io::Read;
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let manifest_bytes = read(&mut zip, "manifest.json");
    let digest = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    assert_eq!(digest(&manifest_bytes), a["manifest_sha256"].as_str().unwrap());
    let manifest: Value = serde_json::from_slice(&manifest_bytes).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len() as i64, a["files"].as_i64().unwrap());
    assert_eq!(zip.len(), files.len() + 2, "manifest, signature and every listed file");
    let mut kinds = std::collections::BTreeSet::new();
    for f in files {
        let path = f["path"].as_str().unwrap();
        kinds.insert(path.split('/').next().unwrap().to_string());
        assert_eq!(digest(&read(&mut zip, path)), f["sha256"].as_str().unwrap(), "{path}");
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec!["抽取记录", "检查文书", "证据"],
        "documents, evidence and draw records"
    );
    assert!(
        files.iter().any(|f| f["sha256"] == sha.as_str()),
        "the photo is in the archive"
    );
    let signature: Value = serde_json::from_slice(&read(&mut zip, "签名.json")).unwrap();
    assert_eq!(signature["audit_seq"], a["audit_seq"]);
    let auditor = t.token("hlj_auditor").await;
    let (_, entry) = t.get(&auditor, &format!("/api/v1/audit/{}", a["audit_seq"])).await;
    assert!(
        entry["summary"]
            .as_str()
            .unwrap()
            .contains(a["manifest_sha256"].as_str().unwrap()),
        "{entry}"
    );
    let (s, chain) = t.post(&auditor, "/api/v1/audit/verify", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(chain["intact"], true, "{chain}");
}

async fn evidence_that_cannot_be_stored_leaves_nothing_and_a_resumable_upload_resumes(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let d = matched_joint_task(&t).await;
    let team = &d["staffing"]["teams"][0];
    let tid = team["id"].as_i64().unwrap();
    let tokens = member_tokens(&t, team).await;
    let member = tokens[1].1.clone();
    let (s, _) = t
        .post(&member, &format!("/api/v1/teams/{tid}/inspection"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // A script named like a photo; an empty file.
    let (s, e) = upload(&t, &member, tid, "photo.jpg", b"#!/bin/sh\nrm -rf /\n".to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("按文件内容判断"),
        "{e}"
    );
    let (s, e) = upload(&t, &member, tid, "empty.jpg", Vec::new()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("文件为空"), "{e}");
    // Over the limit, announced in advance: refused before a byte is read.
    let (s, e) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/uploads"),
            json!({"size": 3u64 << 30}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("超过大小上限"), "{e}");
    // Interrupted: an upload whose second half never came cannot be finished.
    let mut big = JPEG[..JPEG.len() - 2].to_vec();
    big.extend(std::iter::repeat_n(0x55u8, 300_000));
    big.extend([0xFF, 0xD9]);
    let (s, up) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/uploads"),
            json!({"size": big.len()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    let id = up["upload_id"].as_str().unwrap().to_string();
    let half = big.len() / 2;
    let put = |offset: usize, bytes: Vec<u8>| {
        let t = &t;
        let (member, id) = (member.clone(), id.clone());
        async move {
            let r = t
                .http
                .put(t.url(&format!("/api/v1/teams/{tid}/uploads/{id}?offset={offset}")))
                .bearer_auth(&member)
                .body(bytes)
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap())
        }
    };
    let (s, st) = put(0, big[..half].to_vec()).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["received"], half);
    let (s, e) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/uploads/{id}/finish"),
            json!({"name": "a.jpg"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("上传尚未完成"), "{e}");
    let (_, v) = t.get(&member, &format!("/api/v1/teams/{tid}/inspection")).await;
    assert_eq!(v["evidence"].as_array().unwrap().len(), 0, "nothing was stored half");
    // The connection is back: ask where it stands, send the rest (a repeated chunk is harmless), finish twice.
    let (_, st) = t.get(&member, &format!("/api/v1/teams/{tid}/uploads/{id}")).await;
    assert_eq!(st["received"], half);
    let (s, _) = put(0, big[..half].to_vec()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, st) = put(half, big[half..].to_vec()).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    let (s, a) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/uploads/{id}/finish"),
            json!({"name": "IMG_0002.jpg"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, b) = t
        .post(
            &member,
            &format!("/api/v1/teams/{tid}/uploads/{id}/finish"),
            json!({"name": "IMG_0002.jpg"}),
        )
        .await;
    assert!(s.is_success());
    assert_eq!(a["id"], b["id"], "a retried finish returns the same file");
    assert_eq!(a["size"], big.len());
    let (_, v) = t.get(&member, &format!("/api/v1/teams/{tid}/inspection")).await;
    assert_eq!(v["evidence"].as_array().unwrap().len(), 1);
    // Someone else's upload of another team is not found.
    let other = d["staffing"]["teams"][1]["id"].as_i64();
    if let Some(other) = other {
        let (s, e) = t.get(&member, &format!("/api/v1/teams/{other}/uploads/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    }
}

async fn result_categories_are_the_provinces_to_configure(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    let county = t.token("daoli_admin").await;
    let (_, list) = t.get(&county, "/api/v1/result-categories").await;
    let labels: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    for l in [
        "未发现问题",
        "发现问题已责令改正",
        "发现问题待后续处理",
        "不配合检查情节严重",
        "已注销或被吊销",
    ] {
        assert!(labels.contains(&l), "{l} among the defaults: {labels:?}");
    }
    let new = json!({"label": "已关闭停业或正在组织清算", "rule": "not_inspectable"});
    let (s, _) = t.post(&county, "/api/v1/result-categories", new.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a county does not change the province's list");
    let (s, c) = t.post(&admin, "/api/v1/result-categories", new.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["rule"]["code"], "not_inspectable");
    let (s, e) = t.post(&admin, "/api/v1/result-categories", new).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "the same label twice: {e}");
    let (s, e) = t
        .post(
            &admin,
            "/api/v1/result-categories",
            json!({"label": "其他", "rule": "whatever"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let code = c["code"].as_str().unwrap();
    let (s, e) = t
        .send(
            "PUT",
            &admin,
            &format!("/api/v1/result-categories/{code}"),
            json!({"label": "已关闭停业或正在清算", "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (_, active) = t.get(&county, "/api/v1/result-categories").await;
    assert!(
        active.as_array().unwrap().iter().all(|x| x["code"] != code),
        "a retired category is not offered"
    );
    let (_, all) = t.get(&county, "/api/v1/result-categories?all=true").await;
    let retired = all.as_array().unwrap().iter().find(|x| x["code"] == code).unwrap();
    assert_eq!(retired["label"], "已关闭停业或正在清算");
    assert_eq!(retired["active"], false);
}

/// A team's document as `token` downloads it (a PDF), as text.
async fn document(t: &TestApp, token: &str, team: i64, kind: &str) -> String {
    let pdf = t
        .http
        .get(t.url(&format!("/api/v1/teams/{team}/documents/{kind}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK, "{kind}");
    assert_eq!(pdf.headers()["content-type"], "application/pdf", "{kind}");
    pdftotext(&pdf.bytes().await.unwrap())
}

/// The text of a PDF, by poppler's pdftotext (installed by scripts/test).
pub fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}
