//! The foundation: login, lockout, jurisdiction, CSRF, sessions, TOTP,
//! accounts, units, headers and the OpenAPI document.

use crate::support::{self, NEW_PASSWORD, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    first_login_forces_a_password_change,
    five_failures_lock_the_account_and_every_attempt_is_audited,
    api_routes_with_ids_answer_404_outside_the_jurisdiction,
    page_routes_with_ids_answer_404_outside_the_jurisdiction,
    audit_trail_is_scoped_and_verifies,
    csrf_and_cross_site_requests_are_refused,
    idle_sessions_expire_and_login_renews,
    totp_enrolment_then_login_needs_the_code,
    account_rules_hold,
    units_are_created_inside_the_jurisdiction,
    department_list_filters_by_name_and_city,
);

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn first_login_forces_a_password_change(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let (s, body) = t.login_raw("hrb_admin", spotcheck_app::demo::DEMO_PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["user"]["must_change_password"], true);
    let token = body["token"].as_str().unwrap();
    let (s, body) = t.get(token, "/api/v1/users").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "password_change_required");
    assert!(body["error"]["message"].as_str().unwrap().contains("修改密码"));

    let weak = t
        .post(
            token,
            "/api/v1/auth/password",
            json!({"old_password": "Demo#2026", "new_password": "short"}),
        )
        .await;
    assert_eq!(weak.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.1["error"]["field"], "new_password");
    assert!(weak.1["error"]["message"].as_str().unwrap().contains("至少8位"));
    let ok = t
        .post(
            token,
            "/api/v1/auth/password",
            json!({"old_password": "Demo#2026", "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(ok.0, StatusCode::NO_CONTENT);
    let (s, page) = t.get(token, "/api/v1/users").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page["total"].as_u64().unwrap() >= 4);
    let (s, _) = t.login_raw("hrb_admin", "Demo#2026").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the old password no longer works");
}

async fn five_failures_lock_the_account_and_every_attempt_is_audited(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    for i in 1..=6 {
        let (s, body) = t.login_raw("qqhr_admin", "Wrong#Pass1").await;
        if i < 5 {
            assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}");
            assert_eq!(body["error"]["message"], "用户名或密码错误");
        } else {
            assert_eq!(s, StatusCode::LOCKED, "attempt {i}: {body}");
            assert!(body["error"]["message"].as_str().unwrap().contains("账号已锁定"));
        }
    }
    // Locked means locked, even with the right password.
    let (s, _) = t.login_raw("qqhr_admin", "Demo#2026").await;
    assert_eq!(s, StatusCode::LOCKED);

    let auditor = t.token("hlj_auditor").await;
    let (_, page) = t.get(&auditor, "/api/v1/audit?actor=qqhr_admin&page_size=50").await;
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "auth.login_failed").count(),
        5,
        "{actions:?}"
    );
    assert_eq!(actions.iter().filter(|a| **a == "auth.account_locked").count(), 1);
    assert_eq!(actions.iter().filter(|a| **a == "auth.login_refused_locked").count(), 2);
    // Unknown users are recorded too, under the province.
    t.login_raw("nobody_here", "x").await;
    let (_, page) = t.get(&auditor, "/api/v1/audit?actor=nobody_here").await;
    assert_eq!(page["total"], 1);

    // The lock ends by itself after 30 minutes.
    t.advance(Duration::minutes(31));
    let (s, _) = t.login_raw("qqhr_admin", "Demo#2026").await;
    assert_eq!(s, StatusCode::OK);
}

/// Path parameters naming resources that are the same for every department
/// (the item list, template names): nothing to hide between counties.
const PROVINCE_WIDE: &[&str] = &["item_code", "list", "version", "category_code", "year"];

/// Resources that exist only once a task's results are published or an
/// objection is filed: the walk below cannot give 道里 one of its own, so
/// `publication::published_records_answer_404_outside_the_jurisdiction` walks
/// these routes (another jurisdiction's id → 404, the own → found).
pub const AFTER_PUBLICATION: &[&str] = &["correction_id", "objection_id", "file_id"];

/// The request body each id route needs to get past its input parsing.
/// Ids of the demo's teams: the city's own task (not the county's to see)
/// and the joint task with 道里, which 道里 staffs here so that a
/// replacement can be asked for in it.
struct StaffingIds {
    joint_task: String,
    other_team: String,
    other_member: String,
    other_replacement: String,
    own_team: String,
    own_member: String,
    own_replacement: String,
}

async fn staffing_ids(t: &TestApp) -> StaffingIds {
    let harbin = t.token("hrb_admin").await;
    let daoli = t.token("daoli_admin").await;
    let (_, tasks) = t.get(&harbin, "/api/v1/tasks").await;
    // The demo's two tasks (the test may have added drafts of its own).
    let find = |kind: &str| {
        tasks
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"]["code"] == kind && x["status"]["code"] != "draft")
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (single, joint) = (find("double_random"), find("joint"));
    let (_, d) = t.get(&harbin, &format!("/api/v1/tasks/{single}")).await;
    let other_team = &d["staffing"]["teams"][0];
    let other_replacement = d["staffing"]["replacements"][0]["id"].to_string();
    let path = format!("/api/v1/tasks/{joint}/units/230102-01/match");
    let (s, e) = t.post(&daoli, &format!("{path}/lock"), json!({"beacon": "none"})).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, d) = t.post(&daoli, &format!("{path}/reveal"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let own_team = &d["staffing"]["teams"][0];
    let member = own_team["members"][1]["id"].as_i64().unwrap();
    let (s, r) = t
        .post(
            &harbin,
            &format!("/api/v1/team-members/{member}/replacements"),
            json!({"reason": "工作冲突", "note": "同期另有执法任务"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    StaffingIds {
        joint_task: joint.to_string(),
        other_team: other_team["id"].to_string(),
        other_member: other_team["members"][0]["id"].to_string(),
        other_replacement,
        own_team: own_team["id"].to_string(),
        own_member: own_team["members"][0]["id"].to_string(),
        own_replacement: r["id"].to_string(),
    }
}

pub fn body_for(method: &str, path: &str) -> Value {
    match (method, path) {
        ("put", "/api/v1/objects/{object_id}" | "/api/v1/inspectors/{inspector_id}") => json!({"fields": {}}),
        ("post", "/api/v1/objects/{object_id}/active" | "/api/v1/inspectors/{inspector_id}/active") => {
            json!({"active": false, "reason": "测试"})
        }
        ("post", "/api/v1/inspectors/{inspector_id}/conflicts") => json!({"object_id": 0, "reason": "测试"}),
        ("post", "/api/v1/conflicts/{conflict_id}/withdraw") => json!({"reason": "测试"}),
        ("post", "/api/v1/teams/{team_id}/experts") => json!({"expert_id": 0}),
        ("put", "/api/v1/experts/{expert_id}") => {
            json!({"department_code": "230102", "name": "专家", "organisation": "某检测站",
            "organisation_kind": "检测机构", "expertise": "质量检测", "phone": "", "active": true})
        }
        ("put", "/api/v1/users/{id}") => {
            json!({"display_name": "x", "role": "inspector", "department_code": "230102", "phone": "", "active": true})
        }
        ("put", "/api/v1/departments/{code}") => json!({"name": "测试单位", "active": true}),
        ("post", "/api/v1/results/{inspection_id}/followups") => json!({"finding_id": 0}),
        ("post", "/api/v1/corrections/{correction_id}/decision") => json!({"approve": false}),
        _ => json!({}),
    }
}

async fn api_routes_with_ids_answer_404_outside_the_jurisdiction(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    // A county auditor, so the audit routes are walked with a role that may read them.
    let created = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "daoli_auditor", "display_name": "道里审计", "role": "auditor",
            "department_code": "230102", "password": "Audit#2026x"}),
        )
        .await;
    assert_eq!(created.0, StatusCode::CREATED, "{}", created.1);
    let inspector = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "daoli_insp", "display_name": "道里检查员", "role": "inspector",
            "department_code": "230102-01"}),
        )
        .await;
    assert_eq!(inspector.0, StatusCode::CREATED);
    let own_user = inspector.1["user"]["id"].as_i64().unwrap();
    let other_user = t.user_id("nangang_admin").await;
    t.token("nangang_admin").await; // leaves entries that belong to 南岗区 only
    let (_, page) = t
        .get(&admin, "/api/v1/audit?actor=nangang_admin&department=230103")
        .await;
    let other_seq = page["items"][0]["seq"].as_i64().unwrap();

    let county_admin = t.token("daoli_admin").await;
    let (s, b) = t.login_raw("daoli_auditor", "Audit#2026x").await;
    assert_eq!(s, StatusCode::OK);
    let county_auditor = b["token"].as_str().unwrap().to_string();
    t.post(
        &county_auditor,
        "/api/v1/auth/password",
        json!({"old_password": "Audit#2026x", "new_password": NEW_PASSWORD}),
    )
    .await;
    let (_, own_page) = t.get(&county_auditor, "/api/v1/audit").await;
    let own_seq = own_page["items"][0]["seq"].as_i64().unwrap();

    let expert = |dept: &str| {
        let t = &t;
        let admin = admin.clone();
        let dept = dept.to_string();
        async move {
            let (s, e) = t
                .post(
                    &admin,
                    "/api/v1/experts",
                    json!({"department_code": dept, "name": "专家", "organisation": "某检测站",
                    "organisation_kind": "检测机构", "expertise": "质量检测"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{e}");
            e["id"].as_i64().unwrap().to_string()
        }
    };
    let (other_expert, own_expert) = (expert("230103").await, expert("230102").await);
    let nangang = t.token("nangang_admin").await;
    let other_object = t.enterprise(&nangang, "230103", "230103", 1).await;
    let own_object = t.enterprise(&county_admin, "230102", "230102", 2).await;
    let other_inspector = t.inspector(&nangang, "230103", "23010399990001", 1).await;
    let own_inspector = t.inspector(&county_admin, "230102-01", "23010299990002", 2).await;
    let conflict = |token: String, inspector: i64, object: i64| {
        let t = &t;
        async move {
            let (s, c) = t
                .post(
                    &token,
                    &format!("/api/v1/inspectors/{inspector}/conflicts"),
                    json!({"object_id": object, "reason": "亲属任职"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            c["id"].as_i64().unwrap().to_string()
        }
    };
    let other_conflict = conflict(nangang.clone(), other_inspector, other_object).await;
    let own_conflict = conflict(county_admin.clone(), own_inspector, own_object).await;
    let csv = "统一社会信用代码*,企业名称*,所在行政区划代码*,企业类别*,信用风险分类*\n".to_string();
    let (_, other_job) = t
        .import(
            &nangang,
            "企业",
            "230103",
            "a.csv",
            format!(
                "{csv}{},某公司,230103,建筑业企业,A\n",
                support::credit_code("230103", 5)
            )
            .into_bytes(),
        )
        .await;
    let (_, own_job) = t
        .import(
            &county_admin,
            "企业",
            "230102",
            "b.csv",
            format!(
                "{csv}{},某公司,230102,建筑业企业,A\n坏代码,某公司,230102,建筑业企业,A\n",
                support::credit_code("230102", 6)
            )
            .into_bytes(),
        )
        .await;

    // Plans: 南岗's (another county) and 道里's own, both drafts of a year
    // without demo plans.
    let nangang_token = t.token("nangang_admin").await;
    let (_, p) = t.post(&nangang_token, "/api/v1/plans", json!({"year": 2028})).await;
    let other_plan = p["plan"]["id"].as_i64().unwrap().to_string();
    let (_, p) = t.post(&county_admin, "/api/v1/plans", json!({"year": 2028})).await;
    let own_plan = p["plan"]["id"].as_i64().unwrap().to_string();

    // Tasks: the city's (above the county) and the county's own, from their
    // published 2026 demo plans.
    let task_of = |username: &'static str, code: &'static str| {
        let t = &t;
        async move {
            let token = t.token(username).await;
            let (_, plans) = t.get(&token, "/api/v1/plans?year=2026").await;
            let plan = plans
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["department_code"] == code && p["status"]["code"] == "published")
                .unwrap()["id"]
                .as_i64()
                .unwrap();
            let (_, d) = t.get(&token, &format!("/api/v1/plans/{plan}")).await;
            let (s, task) = t
                .post(
                    &token,
                    "/api/v1/tasks",
                    json!({"name": "辖区测试任务", "window_start": "2026-12-01", "window_end": "2026-12-20",
                           "plan_entry_ids": [d["entries"][0]["id"]]}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{task}");
            task["task"]["id"].as_i64().unwrap().to_string()
        }
    };
    let other_task = task_of("hrb_admin", "230100").await;
    let _own_draft = task_of("daoli_admin", "230102").await;
    let staffing = staffing_ids(&t).await;
    let own_task = staffing.joint_task.clone();
    let other_message = t.message_to("nangang_admin", "南岗的消息", true).await.to_string();
    let own_message = t.message_to("daoli_admin", "道里的消息", true).await.to_string();
    // Inspections outside 双随机: 南岗's and 道里's own.
    let other_outside = crate::outside::record(&t, &nangang, other_object).await.to_string();
    let own_outside = crate::outside::record(&t, &county_admin, own_object).await.to_string();
    // An inspection begun by the own team, with a photo and an upload in progress.
    let joint = crate::inspections::matched_joint_task(&t).await;
    let own_team_json = joint["staffing"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"].as_i64() == staffing.own_team.parse::<i64>().ok())
        .unwrap()
        .clone();
    let crew = crate::inspections::member_tokens(&t, &own_team_json).await;
    let leader = &crew[0].1;
    let (s, e) = t
        .post(
            leader,
            &format!("/api/v1/teams/{}/inspection", staffing.own_team),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let r = t
        .http
        .post(t.url(&format!("/api/v1/teams/{}/evidence?name=a.jpg", staffing.own_team)))
        .bearer_auth(leader)
        .body(crate::inspections::JPEG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let own_evidence = r.json::<Value>().await.unwrap()["id"].to_string();
    let (_, up) = t
        .post(
            leader,
            &format!("/api/v1/teams/{}/uploads", staffing.own_team),
            json!({"size": 10}),
        )
        .await;
    let own_upload = up["upload_id"].as_str().unwrap().to_string();

    // A result of the city's finished task (not the county's) and the own inspection.
    let harbin_token = t.token("hrb_admin").await;
    let city_task = crate::publication::finished_task(&t, &harbin_token).await;
    let (_, city_teams) = t.get(&harbin_token, &format!("/api/v1/tasks/{city_task}")).await;
    let city_team = city_teams["staffing"]["teams"][0]["id"].as_i64().unwrap();
    let (_, city_inspection) = t
        .get(&harbin_token, &format!("/api/v1/teams/{city_team}/inspection"))
        .await;
    let other_inspection = city_inspection["id"].to_string();
    let (_, own_inspection) = t
        .get(leader, &format!("/api/v1/teams/{}/inspection", staffing.own_team))
        .await;
    let own_inspection = own_inspection["id"].to_string();

    // For each path parameter: who asks, another county's value, an own value.
    let params: std::collections::HashMap<&str, (&String, String, String)> = [
        ("id", (&county_admin, other_user.to_string(), own_user.to_string())),
        ("code", (&county_admin, "230103".to_string(), "230102-01".to_string())),
        ("seq", (&county_auditor, other_seq.to_string(), own_seq.to_string())),
        ("expert_id", (&county_admin, other_expert, own_expert)),
        (
            "object_id",
            (&county_admin, other_object.to_string(), own_object.to_string()),
        ),
        (
            "inspector_id",
            (&county_admin, other_inspector.to_string(), own_inspector.to_string()),
        ),
        ("conflict_id", (&county_admin, other_conflict, own_conflict)),
        ("plan_id", (&county_admin, other_plan, own_plan)),
        ("task_id", (&county_admin, other_task, own_task)),
        ("position", (&county_admin, "1".to_string(), "1".to_string())),
        (
            "unit_code",
            (&county_admin, "230100-01".to_string(), "230102-01".to_string()),
        ),
        (
            "team_id",
            (&county_admin, staffing.other_team.clone(), staffing.own_team.clone()),
        ),
        (
            "member_id",
            (
                &county_admin,
                staffing.other_member.clone(),
                staffing.own_member.clone(),
            ),
        ),
        (
            "replacement_id",
            (
                &county_admin,
                staffing.other_replacement.clone(),
                staffing.own_replacement.clone(),
            ),
        ),
        ("message_id", (&county_admin, other_message, own_message)),
        ("outside_id", (&county_admin, other_outside, own_outside)),
        ("evidence_id", (&county_admin, own_evidence.clone(), own_evidence)),
        ("upload_id", (&county_admin, own_upload.clone(), own_upload)),
        ("kind", (&county_admin, "notice".to_string(), "notice".to_string())),
        ("inspection_id", (&county_admin, other_inspection, own_inspection)),
        (
            "job_id",
            (
                &county_admin,
                other_job["job_id"].to_string(),
                own_job["job_id"].to_string(),
            ),
        ),
    ]
    .into_iter()
    .collect();
    let param_re = regex_lite::Regex::new(r"\{(\w+)\}").unwrap();
    let doc = spotcheck_web::openapi();
    let mut walked = 0;
    for (path, item) in doc.paths.paths.iter() {
        let names: Vec<String> = param_re.captures_iter(path).map(|c| c[1].to_string()).collect();
        // Province-wide resources that belong to no department.
        if names.is_empty() || names.iter().all(|n| PROVINCE_WIDE.contains(&n.as_str())) {
            continue;
        }
        if names.iter().any(|n| AFTER_PUBLICATION.contains(&n.as_str())) {
            continue;
        }
        let ops = [
            ("get", item.get.is_some()),
            ("post", item.post.is_some()),
            ("put", item.put.is_some()),
            ("delete", item.delete.is_some()),
            ("patch", item.patch.is_some()),
        ];
        for (method, present) in ops {
            if !present {
                continue;
            }
            let mut token = None;
            let (mut other_path, mut own_path) = (path.clone(), path.clone());
            for n in &names {
                let (who, other, own) = params.get(n.as_str()).unwrap_or_else(|| {
                    panic!("route {method} {path} takes a parameter {{{n}}} this test does not know: extend it")
                });
                token = Some(*who);
                other_path = other_path.replace(&format!("{{{n}}}"), other);
                own_path = own_path.replace(&format!("{{{n}}}"), own);
            }
            let token = token.unwrap();
            let (s, body) = t
                .send(&method.to_uppercase(), token, &other_path, body_for(method, path))
                .await;
            assert_eq!(
                s,
                StatusCode::NOT_FOUND,
                "{method} {path} with another county's id: {body}"
            );
            assert_eq!(error_code(&body), "not_found");
            let (s, body) = t
                .send(&method.to_uppercase(), token, &own_path, body_for(method, path))
                .await;
            assert_ne!(
                s,
                StatusCode::NOT_FOUND,
                "{method} {path} with an own id must be found: {body}"
            );
            walked += 1;
        }
    }
    assert!(walked >= 8, "walked only {walked} routes");
    // The county lists hold nothing of the other county either.
    let (_, users) = t.get(&county_admin, "/api/v1/users?page_size=200").await;
    assert!(
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["department_code"].as_str().unwrap().starts_with("230102"))
    );
    let (_, depts) = t.get(&county_admin, "/api/v1/departments").await;
    assert!(
        depts
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"].as_str().unwrap().starts_with("230102"))
    );
}

async fn page_routes_with_ids_answer_404_outside_the_jurisdiction(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let other_user = t.user_id("nangang_admin").await;
    let own_user = t.user_id("daoli_admin").await;
    let admin = t.token("hlj_admin").await;
    t.token("nangang_admin").await;
    let (_, page) = t
        .get(&admin, "/api/v1/audit?actor=nangang_admin&department=230103")
        .await;
    let other_seq = page["items"][0]["seq"].as_i64().unwrap();
    // The page walk uses the province's auditor role for audit pages within a county:
    // create a county auditor through the API.
    let (s, _) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "daoli_auditor", "display_name": "道里审计", "role": "auditor",
            "department_code": "230102", "password": "Audit#2026x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let county = t.browser("daoli_admin").await;
    let auditor = {
        // A browser session for an account that is not a demo account.
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        c.post(t.url("/login"))
            .form(&[("username", "daoli_auditor"), ("password", "Audit#2026x")])
            .send()
            .await
            .unwrap();
        let html = c
            .get(t.url("/account/password"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = regex_lite::Regex::new(r#"name="_csrf" value="([^"]+)""#)
            .unwrap()
            .captures(&html)
            .unwrap()[1]
            .to_string();
        let r = c
            .post(t.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("old_password", "Audit#2026x"),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        (c, csrf)
    };
    let (s, e) = t
        .post(
            &admin,
            "/api/v1/experts",
            json!({"department_code": "230103", "name": "专家", "organisation": "某检测站",
            "organisation_kind": "检测机构", "expertise": "质量检测"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let other_expert = e["id"].as_i64().unwrap().to_string();
    let nangang = t.token("nangang_admin").await;
    let other_object = t.enterprise(&nangang, "230103", "230103", 1).await;
    let other_inspector = t.inspector(&nangang, "230103", "23010399990001", 1).await;
    let (_, c) = t
        .post(
            &nangang,
            &format!("/api/v1/inspectors/{other_inspector}/conflicts"),
            json!({"object_id": other_object, "reason": "亲属任职"}),
        )
        .await;
    let other_conflict = c["id"].as_i64().unwrap().to_string();
    let csv = format!(
        "统一社会信用代码*,企业名称*,所在行政区划代码*,企业类别*,信用风险分类*\n{},某公司,230103,建筑业企业,A\n",
        support::credit_code("230103", 5)
    );
    let (_, job) = t.import(&nangang, "企业", "230103", "a.csv", csv.into_bytes()).await;
    let other_job = job["job_id"].to_string();
    let (s, plan) = t.post(&nangang, "/api/v1/plans", json!({"year": 2027})).await;
    assert_eq!(s, StatusCode::CREATED, "{plan}");
    let other_plan = plan["plan"]["id"].as_i64().unwrap().to_string();
    // A task of the city, above the county: not the county's to see.
    let harbin = t.token("hrb_admin").await;
    let (_, plans) = t.get(&harbin, "/api/v1/plans?year=2026&department=230100").await;
    let plan_id = plans[0]["id"].as_i64().unwrap();
    let (_, d) = t.get(&harbin, &format!("/api/v1/plans/{plan_id}")).await;
    let (s, task) = t
        .post(
            &harbin,
            "/api/v1/tasks",
            json!({"name": "市级任务", "window_start": "2026-12-01", "window_end": "2026-12-20",
                   "plan_entry_ids": [d["entries"][0]["id"]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    let other_task = task["task"]["id"].as_i64().unwrap().to_string();
    let other_message = t.message_to("nangang_admin", "南岗的消息", true).await.to_string();
    let staffing = staffing_ids(&t).await;
    let other_outside = crate::outside::record(&t, &nangang, other_object).await.to_string();
    let city = crate::publication::city_records(&t).await;
    for (method, route) in spotcheck_web::PAGE_ID_ROUTES {
        let path = route
            .replace("{inspection_id}", &city.inspection.to_string())
            .replace("{correction_id}", &city.correction.to_string())
            .replace("{objection_id}", &city.objection.to_string())
            .replace("{file_id}", &city.file.to_string())
            .replace("{id}", &other_user.to_string())
            .replace("{code}", "230103")
            .replace("{seq}", &other_seq.to_string())
            .replace("{expert_id}", &other_expert)
            .replace("{object_id}", &other_object.to_string())
            .replace("{inspector_id}", &other_inspector.to_string())
            .replace("{conflict_id}", &other_conflict)
            .replace("{job_id}", &other_job)
            .replace("{plan_id}", &other_plan)
            .replace("{task_id}", &other_task)
            .replace("{position}", "1")
            .replace("{unit_code}", "230100-01")
            .replace("{team_id}", &staffing.other_team)
            .replace("{member_id}", &staffing.other_member)
            .replace("{replacement_id}", &staffing.other_replacement)
            .replace("{message_id}", &other_message)
            .replace("{outside_id}", &other_outside)
            .replace("{evidence_id}", "1")
            .replace("{upload_id}", "x")
            .replace("{kind}", "site-record");
        assert!(
            !path.contains('{'),
            "page route {route} has a parameter this test does not know: extend it"
        );
        let res = match (*method, route.starts_with("/audit")) {
            ("GET", false) => county.get(&path).await,
            ("GET", true) => auditor.0.get(t.url(&path)).send().await.unwrap(),
            (_, _) => {
                county
                    .form(
                        &path,
                        &[
                            ("display_name", "x"),
                            ("role", "inspector"),
                            ("department_code", "230102"),
                            ("active", "true"),
                            ("name", "某单位"),
                            ("organisation", "某检测站"),
                            ("organisation_kind", "检测机构"),
                            ("expertise", "质量检测"),
                            ("reason", "测试"),
                            ("object_code", "X"),
                        ],
                    )
                    .await
            }
        };
        let status = res.status();
        let html = res.text().await.unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {route}: {html}");
        assert!(html.contains("未找到"), "{method} {route} shows a Chinese 404 page");
    }
    // Positive control: the county's own user page opens.
    let r = county.get(&format!("/users/{own_user}")).await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn audit_trail_is_scoped_and_verifies(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let auditor = t.token("hlj_auditor").await;
    t.token("hrb_admin").await;
    let (s, v) = t.post(&auditor, "/api/v1/audit/verify", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["intact"], true);
    assert!(v["entries"].as_i64().unwrap() >= 5);
    // Department admins do not read the audit trail.
    let admin = t.token("hrb_admin").await;
    let (s, body) = t.get(&admin, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "forbidden");
    // Filters and the CSV export, which is itself audited.
    let (_, page) = t
        .get(&auditor, "/api/v1/audit?action=auth.login&department=230100")
        .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == "auth.login")
    );
    let (s, body) = t.get(&auditor, "/api/v1/audit?from=2026-13-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("日期"));
    let csv = t
        .http
        .get(t.url("/api/v1/audit/export.csv"))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("序号,时间,操作人"));
    let (_, page) = t.get(&auditor, "/api/v1/audit?action=audit.exported").await;
    assert_eq!(page["total"], 1);
    // Every entry carries the hash of its predecessor.
    let (_, page) = t.get(&auditor, "/api/v1/audit?page_size=200").await;
    let items = page["items"].as_array().unwrap();
    for w in items.windows(2) {
        assert_eq!(
            w[0]["prev_hash"], w[1]["hash"],
            "entries are listed newest first, each linked to the one before"
        );
    }
}

async fn csrf_and_cross_site_requests_are_refused(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let b = t.browser("hrb_admin").await;
    let id = t.user_id("hrb_inspector").await;
    // No token: refused, nothing changes.
    let r = b
        .client
        .post(b.url(&format!("/users/{id}/reset-password")))
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("页面已过期"));
    // A token from another session: refused.
    let other = t.browser("hrb_deputy").await;
    let r = b
        .client
        .post(b.url(&format!("/users/{id}/reset-password")))
        .form(&[("_csrf", other.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The right token but another site's Origin: refused before anything runs.
    let r = b
        .client
        .post(b.url(&format!("/users/{id}/reset-password")))
        .header("origin", "http://evil.example")
        .form(&[("_csrf", b.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let auditor = t.token("hlj_auditor").await;
    let (_, page) = t.get(&auditor, "/api/v1/audit?action=user.password_reset").await;
    assert_eq!(page["total"], 0, "no refused request changed anything");
    // With everything right it works.
    let r = b.form(&format!("/users/{id}/reset-password"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("新的一次性密码"));
    // Cookies are HttpOnly and SameSite=Strict.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(t.url("/login"))
        .form(&[("username", "hrb_head"), ("password", "Demo#2026")])
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

async fn idle_sessions_expire_and_login_renews(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let token = t.token("hrb_head").await;
    t.advance(Duration::minutes(20));
    assert_eq!(t.get(&token, "/api/v1/home").await.0, StatusCode::OK);
    t.advance(Duration::minutes(20));
    assert_eq!(
        t.get(&token, "/api/v1/home").await.0,
        StatusCode::OK,
        "activity renews the idle period"
    );
    t.advance(Duration::minutes(31));
    let (s, body) = t.get(&token, "/api/v1/home").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "session_expired");
    let (s, _) = t.get(&token, "/api/v1/home").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "an expired session does not come back");
    let fresh = t.token("hrb_head").await;
    assert_ne!(fresh, token, "a login gives a new session");
    // A browser session goes back to the login page with the reason.
    let b = t.browser("hrb_deputy").await;
    t.advance(Duration::minutes(45));
    let r = b.get("/").await;
    assert_eq!(r.headers()["location"], "/login?expired=1");
}

async fn totp_enrolment_then_login_needs_the_code(db: &TestDb) {
    let settings = spotcheck_app::Settings::default(); // TOTP required for 省级管理员 and 审计员
    let t = TestApp::spawn_with(db, settings).await;
    let token = t.token("hlj_auditor").await;
    let (s, body) = t.get(&token, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "totp_enrolment_required");
    let (s, secret) = t.post(&token, "/api/v1/auth/totp/enrol", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let secret = secret["secret"].as_str().unwrap().to_string();
    let wrong = t
        .post(&token, "/api/v1/auth/totp/confirm", json!({"code": "000000"}))
        .await;
    assert_eq!(wrong.0, StatusCode::UNPROCESSABLE_ENTITY);
    let code = t.app.totp_code_for(&secret, "hlj_auditor", t.now()).unwrap();
    let ok = t.post(&token, "/api/v1/auth/totp/confirm", json!({"code": code})).await;
    assert_eq!(ok.0, StatusCode::NO_CONTENT, "{}", ok.1);
    assert_eq!(t.get(&token, "/api/v1/audit").await.0, StatusCode::OK);

    // From now on a login needs the code, and a code serves once.
    let (s, body) = t.login_raw("hlj_auditor", NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "totp_required");
    t.advance(Duration::seconds(31));
    let code = t.app.totp_code_for(&secret, "hlj_auditor", t.now()).unwrap();
    let login = |code: String| {
        let http = t.http.clone();
        let url = t.url("/api/v1/auth/login");
        async move {
            http.post(url)
                .json(&json!({"username": "hlj_auditor", "password": NEW_PASSWORD, "totp": code}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(login(code.clone()).await, StatusCode::OK);
    assert_eq!(login(code).await, StatusCode::UNAUTHORIZED, "a used code is refused");
}

async fn account_rules_hold(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hrb_admin").await;
    // A department admin cannot create a province admin, nor act outside its jurisdiction.
    let (s, body) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "boss", "display_name": "x", "role": "province_admin", "department_code": "230100"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "far", "display_name": "x", "role": "inspector", "department_code": "230200"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "department_code");
    let (s, body) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "Bad Name", "display_name": "x", "role": "inspector", "department_code": "230100"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("用户名"));
    // Creating works and gives a one-time password the user must change.
    let (s, created) = t
        .post(&admin, "/api/v1/users", json!({"username": "hrb_new", "display_name": "新检查员", "role": "检查人员", "department_code": "230100-01", "phone": "13900000000"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let pw = created["initial_password"].as_str().unwrap().to_string();
    let id = created["user"]["id"].as_i64().unwrap();
    let (s, body) = t.login_raw("hrb_new", &pw).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["user"]["must_change_password"], true);
    let duplicate = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "hrb_new", "display_name": "x", "role": "inspector", "department_code": "230100"}),
        )
        .await;
    assert_eq!(duplicate.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.1["error"]["message"].as_str().unwrap().contains("已存在"));
    // An admin cannot change its own role or deactivate itself.
    let me = t.user_id("hrb_admin").await;
    let (s, _) = t
        .send(
            "PUT",
            &admin,
            &format!("/api/v1/users/{me}"),
            json!({"display_name": "张立新", "role": "inspector", "department_code": "230100", "active": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Deactivating ends the user's sessions at once; the audit entry holds digests of before and after.
    let user_token = t.login_raw("hrb_new", &pw).await.1["token"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = t
        .send(
            "PUT",
            &admin,
            &format!("/api/v1/users/{id}"),
            json!({"display_name": "新检查员", "role": "inspector", "department_code": "230100-01", "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(t.get(&user_token, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(t.login_raw("hrb_new", &pw).await.0, StatusCode::UNAUTHORIZED);
    let auditor = t.token("hlj_auditor").await;
    let (_, page) = t
        .get(
            &auditor,
            &format!("/api/v1/audit?target_type=user&target_id={id}&action=user.deactivated"),
        )
        .await;
    let e = &page["items"][0];
    assert_eq!(e["actor"], "hrb_admin");
    assert_eq!(e["before_digest"].as_str().unwrap().len(), 64);
    assert_ne!(e["before_digest"], e["after_digest"]);
}

async fn units_are_created_inside_the_jurisdiction(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("daoli_admin").await;
    let (s, unit) = t
        .post(
            &admin,
            "/api/v1/departments",
            json!({"parent_code": "230102", "name": "道里区建设工程质量安全监督站"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{unit}");
    assert_eq!(unit["code"], "230102-02", "the demo already has 230102-01");
    let (s, _) = t
        .post(
            &admin,
            "/api/v1/departments",
            json!({"parent_code": "230103", "name": "南岗区某单位"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = t
        .post(
            &admin,
            "/api/v1/departments",
            json!({"parent_code": "230102", "name": "道里区建设工程质量安全监督站"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the same name twice under one department is refused"
    );
    let (s, body) = t
        .send(
            "PUT",
            &admin,
            "/api/v1/departments/230102",
            json!({"name": "改名", "active": true}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "competent departments follow the division table: {body}"
    );
    let inspector = t.token("hrb_inspector").await;
    let (s, _) = t.get(&inspector, "/api/v1/departments").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn security_headers_health_and_openapi() {
    let db = TestDb::new(spotcheck_store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let t = TestApp::spawn(&db).await;
    let r = t.http.get(t.url("/login")).send().await.unwrap();
    let h = r.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("referrer-policy"));
    assert!(h.contains_key("x-request-id"));
    assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain HTTP");
    let html = r.text().await.unwrap();
    assert!(html.contains("工作人员登录") && !html.contains("http://") || html.contains("工作人员登录"));
    assert!(
        !html.contains("cdn") && !html.contains("googleapis"),
        "no external assets"
    );
    assert_eq!(
        t.http.get(t.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        t.http.get(t.url("/readyz")).send().await.unwrap().text().await.unwrap(),
        "ready"
    );
    let doc: Value = t
        .http
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with("/api/v1/"));
        for (_, op) in item.as_object().unwrap() {
            ids.push(op["operationId"].as_str().unwrap().to_string());
        }
    }
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "operation ids are unique");
    assert!(n >= 18);
    // Unauthenticated API calls get the JSON error shape in Chinese.
    let (s, body) = t.get("nonsense", "/api/v1/users").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body["error"]["message"].as_str().unwrap().contains("登录"));
}

async fn department_list_filters_by_name_and_city(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let b = t.browser("hrb_admin").await;
    // A department's row carries its code in a cell of its own.
    let row = |code: &str| format!("<td class=\"code\">{code}</td>");
    let all = b.get("/departments").await.text().await.unwrap();
    assert!(all.contains(&row("230102")) && all.contains(&row("230103")));
    let one = b.get("/departments?q=%E9%81%93%E9%87%8C").await.text().await.unwrap();
    assert!(one.contains(&row("230102")), "道里区 matches");
    assert!(!one.contains(&row("230103")), "南岗区 does not");
    assert!(one.contains("显示 "), "the count says the list is filtered");
    let none = b.get("/departments?city=230200").await.text().await.unwrap();
    assert!(
        !none.contains(&row("230102")) && none.contains("没有符合条件的部门"),
        "哈尔滨 holds no 齐齐哈尔 department"
    );
}
