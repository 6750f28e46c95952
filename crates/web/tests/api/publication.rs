//! 一公开 through the API: the demo's finished task published within (or, as
//! here, after) its 20-working-day deadline with one result withheld; the
//! public search that shows what was published and only that; a correction
//! that only the executing unit's 主要负责人 can approve, shown on the public
//! page while the original stays in the record; an objection filed with the
//! 核验码, decided 更正 and answered, each deadline counted in working days;
//! follow-up of the problem found; the database refusing to rewrite a
//! published version; and the public site's rate limit on code lookups.

use crate::support::TestApp;
use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_domain::calendar::WorkCalendar;
use spotcheck_domain::publication::{PUBLISH_WORKDAYS, REVIEW_WORKDAYS, deadline};
use spotcheck_store::ConnectionTrait;
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    publishing_correcting_and_objecting_through_the_api,
    the_public_cannot_guess_verification_codes,
    published_records_answer_404_outside_the_jurisdiction,
    the_public_search_holds_under_concurrent_load,
    every_way_of_searching_answers_what_a_full_read_finds,
    the_item_list_and_its_history_are_public,
    objections_through_the_api_carry_attachments,
    passed_deadlines_become_messages_once,
    the_demo_history_has_a_task_published_on_time,
);

/// The demo's finished task (every team confirmed): its id.
pub async fn finished_task(t: &TestApp, token: &str) -> i64 {
    t.app.load_demo_inspections().await.unwrap();
    let (_, list) = t.get(token, "/api/v1/tasks").await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x["status"]["code"] == "entered")
        .expect("the demo has a task whose results are entered")["id"]
        .as_i64()
        .unwrap()
}

async fn publish(t: &TestApp, harbin: &str) -> (i64, Vec<Value>, Value) {
    let id = finished_task(t, harbin).await;
    let (s, p) = t.get(harbin, &format!("/api/v1/tasks/{id}/publication")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let candidates = p["candidates"].as_array().unwrap().clone();
    assert!(candidates.len() >= 3, "{p}");
    assert!(candidates.iter().all(|c| c["is_final"] == true));
    (id, candidates, p)
}

/// The demo's finished task, published with nothing withheld: its id and the
/// publication's candidates.
async fn published(t: &TestApp, harbin: &str) -> (i64, Vec<Value>) {
    let (id, candidates, _) = publish(t, harbin).await;
    let (s, _) = t
        .post(harbin, &format!("/api/v1/tasks/{id}/publication"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    (id, candidates)
}

async fn publishing_correcting_and_objecting_through_the_api(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    let (id, candidates, before) = publish(&t, &harbin).await;

    // The deadline: 20 working days after the task's last day, as the
    // official calendar counts them, against the server's today.
    let window_end = chrono::NaiveDate::parse_from_str("2026-09-30", "%Y-%m-%d").unwrap();
    let today = t.now().with_timezone(&spotcheck_app::actor::china()).date_naive();
    let expected = deadline(WorkCalendar::official(), window_end, PUBLISH_WORKDAYS, None, today);
    assert_eq!(before["deadline"]["due"], expected.due.to_string(), "{before}");
    assert_eq!(
        before["deadline"]["due"], "2026-11-03",
        "National Day week is not counted"
    );
    assert_eq!(before["deadline"]["days_left"], expected.days_left);
    assert_eq!(before["deadline"]["state"]["code"], "overdue");
    assert_eq!(before["published"], false);
    assert_eq!(before["can_publish"], true);

    // Only the initiating department publishes; a withheld result needs its legal reason.
    let daoli = t.token("daoli_admin").await;
    let (s, _) = t
        .post(&daoli, &format!("/api/v1/tasks/{id}/publication"), json!({}))
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    let withheld_id = candidates[1]["inspection_id"].as_i64().unwrap();
    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/tasks/{id}/publication"),
            json!({"withheld": [{"inspection_id": withheld_id, "reason": " "}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("法定理由"), "{e}");
    let (s, p) = t
        .post(
            &harbin,
            &format!("/api/v1/tasks/{id}/publication"),
            json!({"withheld": [{"inspection_id": withheld_id, "reason": "涉及商业秘密（《政府信息公开条例》第十五条）"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["published"], true);
    assert_eq!(p["results"], candidates.len());
    assert_eq!(p["withheld"], 1);
    assert_eq!(p["deadline"]["state"]["code"], "met_late", "{}", p["deadline"]);
    assert!(p["deadline"]["days_over"].as_i64().unwrap() > 0);
    let (_, task) = t.get(&harbin, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(task["task"]["status"]["code"], "published");
    let (s, _) = t
        .post(&harbin, &format!("/api/v1/tasks/{id}/publication"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "published once");

    // The public sees every result but the withheld one, with the required fields.
    let public = t.public_json(&format!("/public/tasks/{id}/results.json")).await;
    assert_eq!(public["withheld"], 1, "{public}");
    let shown = public["results"].as_array().unwrap();
    assert_eq!(shown.len(), candidates.len() - 1);
    assert!(shown.iter().all(|r| r["inspection_id"] != withheld_id));
    let first = &candidates[0];
    let first_id = first["inspection_id"].as_i64().unwrap();
    let r = shown.iter().find(|r| r["inspection_id"] == first_id).unwrap();
    for field in [
        "department",
        "kind",
        "inspected_on",
        "object_name",
        "object_code",
        "items",
        "result",
        "disposal",
    ] {
        assert!(!r[field].is_null() && r[field] != "", "{field} missing: {r}");
    }
    assert_eq!(r["kind"]["label"], "双随机抽查");
    assert_eq!(r["disposal"]["code"], "pending", "the first team found a problem: {r}");
    let code = first["object_code"].as_str().unwrap();
    let found = t.public_json(&format!("/public/results.json?q={code}")).await;
    assert!(
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["inspection_id"] == first_id),
        "{found}"
    );
    let name_part: String = first["object_name"].as_str().unwrap().chars().take(4).collect();
    let by_name = t
        .public_json(&format!(
            "/public/results.json?q={name_part}&kind=双随机抽查&from=2026-09-01&to=2026-09-30"
        ))
        .await;
    assert!(!by_name["results"].as_array().unwrap().is_empty(), "{by_name}");
    let withheld_code = candidates[1]["object_code"].as_str().unwrap();
    let hidden = t.public_json(&format!("/public/results.json?q={withheld_code}")).await;
    assert!(
        hidden["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["inspection_id"] != withheld_id),
        "a withheld result never reaches the public: {hidden}"
    );
    let r = t
        .http
        .get(t.url(&format!("/public/results/{withheld_id}.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let bad = t
        .http
        .get(t.url("/public/results.json?from=2026-13-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A correction: asked by the executing unit, refused to anyone but its 主要负责人.
    let (_, record) = t.get(&harbin, &format!("/api/v1/results/{first_id}")).await;
    assert_eq!(record["can_request_correction"], true, "{record}");
    assert_eq!(record["versions"].as_array().unwrap().len(), 1);
    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/results/{first_id}/corrections"),
            json!({"result_category": "rectified", "result_summary": "", "reason": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {e}");
    let (s, c) = t
        .post(
            &harbin,
            &format!("/api/v1/results/{first_id}/corrections"),
            json!({"result_category": "no_problem", "result_summary": "经复核，问题系资料归档延误，已于检查当日补正",
                   "reason": "检查记录所附资料在检查当日已补正，原结果认定有误"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_i64().unwrap();
    assert_eq!(c["status"]["code"], "pending");
    let deputy = t.token("hrb_deputy").await;
    let (s, _) = t
        .post(
            &deputy,
            &format!("/api/v1/corrections/{cid}/decision"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the 分管负责人 cannot approve a correction");
    let (s, _) = t
        .post(
            &harbin,
            &format!("/api/v1/corrections/{cid}/decision"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the operator cannot approve its own request");
    // Until approved, the public still sees the original.
    let still = t.public_json(&format!("/public/results/{first_id}.json")).await;
    assert_eq!(still["result"]["version"], 1);
    let head = t.token("hrb_head").await;
    let (_, pending) = t.get(&head, "/api/v1/corrections/pending").await;
    assert!(pending.as_array().unwrap().iter().any(|p| p["id"] == cid), "{pending}");
    let (s, d) = t
        .post(
            &head,
            &format!("/api/v1/corrections/{cid}/decision"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["status"]["code"], "approved");
    let (s, _) = t
        .post(
            &head,
            &format!("/api/v1/corrections/{cid}/decision"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "decided once");
    let corrected = t.public_json(&format!("/public/results/{first_id}.json")).await;
    assert_eq!(corrected["result"]["version"], 2, "{corrected}");
    assert_eq!(corrected["result"]["result"]["code"], "no_problem");
    assert_eq!(
        corrected["result"]["correction_reason"],
        "检查记录所附资料在检查当日已补正，原结果认定有误"
    );
    assert_eq!(corrected["result"]["corrected_on"], today.to_string());
    assert_eq!(corrected["corrections"].as_array().unwrap().len(), 1);
    let page = t.public_text(&format!("/public/results/{first_id}")).await;
    assert!(page.contains("已更正") && page.contains("原结果认定有误"), "{page}");
    let (_, record) = t.get(&harbin, &format!("/api/v1/results/{first_id}")).await;
    let versions = record["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[0]["result"]["code"],
        first_result_code(&t, &harbin, first_id).await
    );
    // Published versions cannot be rewritten in the database, whoever connects.
    let tampered = t
        .app
        .store()
        .conn()
        .execute_unprepared(&format!(
            "UPDATE result_versions SET result_summary = 'x' WHERE inspection_id = {first_id}"
        ))
        .await;
    assert!(tampered.is_err(), "published versions are append-only");

    // An objection filed on the public site with the 核验码 of the 告知书.
    let second_id = candidates[2]["inspection_id"].as_i64().unwrap();
    let team = candidates[2]["team_id"].as_i64().unwrap();
    let (_, insp) = t.get(&harbin, &format!("/api/v1/teams/{team}/inspection")).await;
    let code = insp["verification_code"].as_str().unwrap().to_string();
    let r = t
        .http
        .post(t.url("/api/v1/public/objections"))
        .json(&json!({"code": "AAAA-BBBB-CCCC", "submitter": "张三", "contact": "13800000000", "content": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown code is refused"
    );
    let r = t
        .http
        .post(t.url("/api/v1/public/objections"))
        .json(
            &json!({"code": code.to_lowercase().replace('-', " "), "submitter": "张三", "contact": "13800000000",
                      "content": "检查当日安全生产许可证原件在总部，次日已提交，请求更正检查结果。"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let filed: Value = r.json().await.unwrap();
    let received = today;
    let review_due = WorkCalendar::official().add_workdays(received, REVIEW_WORKDAYS).date;
    assert_eq!(filed["review_due"], review_due.to_string(), "{filed}");
    assert!(
        filed["receipt_no"]
            .as_str()
            .unwrap()
            .starts_with(&format!("YY{}-", received.year()))
    );
    let (_, list) = t.get(&harbin, "/api/v1/objections").await;
    let o = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["inspection_id"] == second_id)
        .expect("the unit sees the objection")
        .clone();
    let oid = o["id"].as_i64().unwrap();
    assert_eq!(o["channel"]["code"], "online");
    assert_eq!(o["review"]["days_left"], REVIEW_WORKDAYS as i64, "{o}");
    // A paper objection entered by the unit, received a month ago: overdue.
    let (s, paper) = t
        .post(
            &harbin,
            &format!("/api/v1/results/{second_id}/objections"),
            json!({"submitter": "李四", "contact": "0451-12345678", "content": "书面异议",
                   "received_on": (today - chrono::Duration::days(40)).to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{paper}");
    assert_eq!(paper["review"]["state"]["code"], "overdue", "{paper}");
    assert_eq!(paper["overdue"], true);
    // 更正: the decision files a correction request for the head.
    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/objections/{oid}/decision"),
            json!({"decision": "correct", "reason": "属实"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "更正 needs the corrected result: {e}"
    );
    let (s, decided) = t
        .post(
            &harbin,
            &format!("/api/v1/objections/{oid}/decision"),
            json!({"decision": "correct", "reason": "经核实，许可证次日补交属实", "result_category": "no_problem",
                   "result_summary": "许可证有效"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"]["code"], "decided");
    assert_eq!(decided["review"]["state"]["code"], "met");
    assert_eq!(decided["feedback"]["days_left"], 15);
    let cid2 = decided["correction_id"]
        .as_i64()
        .expect("a correction request was filed");
    let (s, _) = t
        .post(
            &head,
            &format!("/api/v1/corrections/{cid2}/decision"),
            json!({"approve": false, "note": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a refusal gives its reason");
    let (s, _) = t
        .post(
            &head,
            &format!("/api/v1/corrections/{cid2}/decision"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // The status page shows no outcome until the object has been told.
    let st = t
        .public_json(&format!("/public/objections/status.json?code={code}"))
        .await;
    assert_eq!(st[0]["status"]["code"], "decided", "{st}");
    assert!(st[0]["decision"].is_null());
    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/objections/{oid}/feedback"),
            json!({"method": "信鸽"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, answered) = t
        .post(
            &harbin,
            &format!("/api/v1/objections/{oid}/feedback"),
            json!({"method": "电话告知", "note": "已电话告知张三"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"]["code"], "answered");
    assert_eq!(answered["feedback"]["state"]["code"], "met");
    let st = t
        .public_json(&format!("/public/objections/status.json?code={code}"))
        .await;
    assert_eq!(st[0]["decision"]["code"], "correct", "{st}");

    // Follow-up of the problem found: the published result's 后续处置 follows.
    let (_, record) = t.get(&harbin, &format!("/api/v1/results/{first_id}")).await;
    let finding = record["findings"][0]["finding_id"]
        .as_i64()
        .expect("the first team found a problem");
    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/results/{first_id}/followups"),
            json!({"finding_id": finding, "step": "recheck", "receiving_body": "", "status": "in_progress"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    for status in ["in_progress", "done"] {
        let (s, f) = t
            .post(
                &harbin,
                &format!("/api/v1/results/{first_id}/followups"),
                json!({"finding_id": finding, "step": "整改复查", "receiving_body": "哈尔滨市住房和城乡建设局",
                       "status": status, "note": "整改到位"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{f}");
    }
    let shown = t.public_json(&format!("/public/results/{first_id}.json")).await;
    assert_eq!(shown["result"]["disposal"]["code"], "done", "{shown}");
    // The province (the superior) sees the follow-up.
    let province = t.token("hlj_admin").await;
    let (s, seen) = t.get(&province, &format!("/api/v1/results/{first_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["findings"][0]["steps"].as_array().unwrap().len(), 2);
    assert_eq!(seen["can_record_followup"], false);

    // Every step is in the audit trail.
    let (_, audit) = t.get(&province, "/api/v1/audit?page_size=100").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "task.published",
        "correction.requested",
        "correction.approved",
        "objection.received",
        "objection.decided",
        "objection.answered",
        "followup.recorded",
    ] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
}

async fn first_result_code(t: &TestApp, token: &str, inspection_id: i64) -> String {
    let (_, record) = t.get(token, &format!("/api/v1/results/{inspection_id}")).await;
    record["final_result"]["code"].as_str().unwrap().to_string()
}

/// Code lookups are limited per client: guessing 核验码 by trying does not scale.
async fn the_public_cannot_guess_verification_codes(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let mut limited = false;
    for i in 0..15 {
        let r = t
            .http
            .get(t.url(&format!("/public/objections/status.json?code=AAAA-BBBB-{i:04}")))
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            let body: Value = r.json().await.unwrap();
            assert!(body["error"]["message"].as_str().unwrap().contains("访问过于频繁"));
            assert!(i >= 10, "the first ten lookups of a minute pass");
            limited = true;
            break;
        }
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert!(limited, "the eleventh lookup within a minute is refused");
    // Other public pages are not affected by that budget.
    let r = t.http.get(t.url("/public/results.json")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The city's published results with a correction request and an objection
/// filed on the public form with a photo: ids for the jurisdiction walks.
pub struct CityRecords {
    pub inspection: i64,
    pub correction: i64,
    pub objection: i64,
    pub file: i64,
}

pub async fn city_records(t: &TestApp) -> CityRecords {
    let harbin = t.token("hrb_admin").await;
    let (_, candidates) = published(t, &harbin).await;
    let inspection = candidates[0]["inspection_id"].as_i64().unwrap();
    let (s, c) = t
        .post(
            &harbin,
            &format!("/api/v1/results/{inspection}/corrections"),
            json!({"result_category": "no_problem", "result_summary": "", "reason": "笔误"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let team = candidates[0]["team_id"].as_i64().unwrap();
    let (_, insp) = t.get(&harbin, &format!("/api/v1/teams/{team}/inspection")).await;
    let form = reqwest::multipart::Form::new()
        .text("code", insp["verification_code"].as_str().unwrap().to_string())
        .text("submitter", "王五")
        .text("contact", "13900000000")
        .text("content", "现场照片证明已整改")
        .part(
            "files",
            reqwest::multipart::Part::bytes(crate::inspections::JPEG.to_vec()).file_name("现场.jpg"),
        );
    let r = t
        .http
        .post(t.url("/public/objections"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("异议已提交"));
    let (_, list) = t.get(&harbin, "/api/v1/objections").await;
    let o = &list[0];
    assert_eq!(o["files"][0]["file_name"], "现场.jpg");
    CityRecords {
        inspection,
        correction: c["id"].as_i64().unwrap(),
        objection: o["id"].as_i64().unwrap(),
        file: o["files"][0]["id"].as_i64().expect("the attachment is kept"),
    }
}

/// The routes of `foundation::AFTER_PUBLICATION` (corrections, objections and
/// their files): another jurisdiction's id answers 404, the own is found.
async fn published_records_answer_404_outside_the_jurisdiction(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    let rec = city_records(&t).await;
    let r = t
        .http
        .get(t.url(&format!("/api/v1/objection-files/{}", rec.file)))
        .bearer_auth(&harbin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), crate::inspections::JPEG);

    let county = t.token("daoli_admin").await;
    let param_re = regex_lite::Regex::new(r"\{(\w+)\}").unwrap();
    let mut walked = 0;
    for (path, item) in spotcheck_web::openapi().paths.paths.iter() {
        let names: Vec<String> = param_re.captures_iter(path).map(|c| c[1].to_string()).collect();
        if !names
            .iter()
            .any(|n| crate::foundation::AFTER_PUBLICATION.contains(&n.as_str()))
        {
            continue;
        }
        let concrete = path
            .replace("{correction_id}", &rec.correction.to_string())
            .replace("{objection_id}", &rec.objection.to_string())
            .replace("{file_id}", &rec.file.to_string());
        for (method, present) in [("GET", item.get.is_some()), ("POST", item.post.is_some())] {
            if !present {
                continue;
            }
            let body = crate::foundation::body_for(&method.to_lowercase(), path);
            let (s, body) = t.send(method, &county, &concrete, body).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path} as 道里: {body}");
            if method == "GET" {
                let (s, body) = t.send(method, &harbin, &concrete, json!({})).await;
                assert_ne!(s, StatusCode::NOT_FOUND, "{method} {path} as 哈尔滨: {body}");
            }
            walked += 1;
        }
    }
    assert!(walked >= 5, "walked only {walked} routes");
    // 道里 does not list the city's objections either.
    let (_, list) = t.get(&county, "/api/v1/objections").await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

/// A bounded load on loopback: 480 requests, 48 at a time, over every kind of
/// public search and page; each answer is the one a lone request gets. (How
/// fast, at 1,000,000 results, is a benchmark: scripts/bench-public-search.)
async fn the_public_search_holds_under_concurrent_load(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    let (id, candidates) = published(&t, &harbin).await;
    let code = candidates[3]["object_code"].as_str().unwrap();
    let part: String = candidates[3]["object_name"]
        .as_str()
        .unwrap()
        .chars()
        .skip(1)
        .take(3)
        .collect();
    let inspection = candidates[3]["inspection_id"].as_i64().unwrap();
    let paths: Vec<String> = vec![
        "/public/results.json".into(),
        "/public/results.json?page=2".into(),
        format!("/public/results.json?q={code}"),
        format!("/public/results.json?q={part}"),
        "/public/results.json?department=230100-01&kind=double_random".into(),
        "/public/results.json?item=安全生产许可&from=2026-09-01&to=2026-09-15".into(),
        format!("/public/results/{inspection}.json"),
        format!("/public/tasks/{id}/results.json"),
    ];
    let mut expected = Vec::new();
    for p in &paths {
        expected.push(t.public_json(p).await);
    }
    assert_eq!(
        expected[0]["results"].as_array().unwrap().len(),
        candidates.len().min(20),
        "{}",
        expected[0]
    );
    assert_eq!(expected[2]["results"].as_array().unwrap().len(), 1);
    let expected = std::sync::Arc::new(expected);
    let paths = std::sync::Arc::new(paths);
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(48));
    let mut set = tokio::task::JoinSet::new();
    for n in 0..480usize {
        let (http, base, expected, paths, limit) = (
            t.http.clone(),
            t.base.clone(),
            expected.clone(),
            paths.clone(),
            limit.clone(),
        );
        set.spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let i = n % paths.len();
            let r = http.get(format!("{base}{}", paths[i])).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{}", paths[i]);
            let body: Value = r.json().await.unwrap();
            assert_eq!(body, expected[i], "{} answered differently under load", paths[i]);
        });
    }
    let mut done = 0;
    while let Some(r) = set.join_next().await {
        r.unwrap();
        done += 1;
    }
    assert_eq!(done, 480);
}

/// 随机抽查事项清单 on the public site: every current item, each adjustment as
/// a version with its reason and date; no account names.
async fn the_item_list_and_its_history_are_public(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let list = t.public_json("/public/items.json?page_size=200").await;
    let items = list["items"].as_array().unwrap();
    assert!(items.len() >= 15, "{list}");
    assert_eq!(list["total"].as_u64().unwrap() as usize, items.len());
    assert!(
        items
            .iter()
            .all(|i| i["current"]["published_by"] == "" && i["current"]["published_by_name"] == "")
    );
    let code = items[0]["code"].as_str().unwrap().to_string();
    // The province adjusts the item: the public sees the new version and the old one.
    let admin = t.token("hlj_admin").await;
    let (_, before) = t.get(&admin, &format!("/api/v1/items/{code}")).await;
    let mut body = crate::items::revision_of(&before["current"], "按住房城乡建设部部署提高抽查频次", "2026-12-01");
    body["frequency"] = json!("每年两次");
    let (s, e) = t.post(&admin, &format!("/api/v1/items/{code}/versions"), body).await;
    assert!(s.is_success(), "{e}");
    let d = t.public_json(&format!("/public/items/{code}.json")).await;
    assert_eq!(d["current"]["frequency"], "每年两次", "{d}");
    assert_eq!(d["versions"].as_array().unwrap().len(), 2);
    assert_eq!(d["current"]["change_reason"], "按住房城乡建设部部署提高抽查频次");
    assert!(
        d["versions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["published_by"] == "")
    );
    let page = t.public_text(&format!("/public/items/{code}")).await;
    assert!(page.contains("调整记录") && page.contains("按住房城乡建设部部署提高抽查频次"));
    let page = t.public_text("/public/items").await;
    assert!(page.contains("随机抽查事项清单") && page.contains(&code));
}

/// The public search is led by a different index for a code, a name part (its
/// rarest trigram, or the bigram of two characters), one department and the
/// rest (the date): each answers
/// exactly what reading every published result says it should. And the
/// server's few-seconds cache of search answers never hides a publication
/// made by this server: the same search asked before and after publishing.
async fn every_way_of_searching_answers_what_a_full_read_finds(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    let (id, candidates, _) = publish(&t, &harbin).await;
    let code = candidates[0]["object_code"].as_str().unwrap().to_string();
    let before = t.public_json(&format!("/public/results.json?q={code}")).await;
    assert_eq!(before["results"], json!([]), "not published yet: {before}");
    let (s, _) = t
        .post(&harbin, &format!("/api/v1/tasks/{id}/publication"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let after = t.public_json(&format!("/public/results.json?q={code}")).await;
    assert_eq!(
        after["results"].as_array().unwrap().len(),
        1,
        "the cache kept the old answer: {after}"
    );

    // Every published result, read one task at a time (the demo publishes one).
    let everything = t.public_json("/public/results.json").await;
    assert_eq!(everything["more"], false, "the demo fits on one page: {everything}");
    let all = everything["results"].as_array().unwrap().clone();
    let ids = |rows: &[&Value]| -> Vec<i64> { rows.iter().map(|r| r["inspection_id"].as_i64().unwrap()).collect() };
    let search = |query: String| {
        let t = &t;
        async move {
            let page = t.public_json(&format!("/public/results.json?{query}")).await;
            page["results"]
                .as_array()
                .unwrap_or_else(|| panic!("{query}: {page}"))
                .iter()
                .map(|r| r["inspection_id"].as_i64().unwrap())
                .collect::<Vec<i64>>()
        }
    };
    let name = |r: &Value| r["object_name"].as_str().unwrap().to_string();
    let some_name = name(&all[0]);
    let chars: Vec<char> = some_name.chars().collect();
    assert!(chars.len() >= 5, "{some_name}");
    let mut cases: Vec<(String, Vec<i64>)> = Vec::new();
    for part in [
        chars[1..4].iter().collect::<String>(), // the name index: one trigram
        chars[1..5].iter().collect::<String>(), // two trigrams
        chars[2..3].iter().collect::<String>(), // one character: read by date
        chars.iter().collect::<String>(),
    ] {
        let want: Vec<&Value> = all.iter().filter(|r| name(r).contains(&part)).collect();
        cases.push((format!("q={part}"), ids(&want)));
    }
    cases.push(("q=龘龘建设".into(), vec![]));
    let unit_code = all[0]["department_code"].as_str().unwrap().to_string();
    let unit_name = all[0]["department"].as_str().unwrap().to_string();
    let by_unit: Vec<&Value> = all
        .iter()
        .filter(|r| r["department_code"] == unit_code.as_str())
        .collect();
    cases.push((format!("department={unit_code}"), ids(&by_unit)));
    let by_name: Vec<&Value> = all
        .iter()
        .filter(|r| r["department"].as_str().unwrap().contains(&unit_name))
        .collect();
    cases.push((format!("department={unit_name}"), ids(&by_name)));
    cases.push(("department=不存在的机关".into(), vec![]));
    let part: String = chars[1..3].iter().collect();
    let both: Vec<&Value> = all
        .iter()
        .filter(|r| name(r).contains(&part) && r["department_code"] == unit_code.as_str())
        .collect();
    cases.push((format!("q={part}&department={unit_code}"), ids(&both)));
    for (query, want) in cases {
        assert_eq!(search(query.clone()).await, want, "{query}");
    }
    assert!(!ids(&by_unit).is_empty());
}

/// Both objection routes of the API take the letter's scans as a multipart
/// form whose text fields carry the JSON's names: the files are kept with the
/// objection and download unchanged; a bad field in such a form is refused
/// in Chinese and saves neither the objection nor anything else.
async fn objections_through_the_api_carry_attachments(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    let (_, candidates) = published(&t, &harbin).await;
    let inspection = candidates[1]["inspection_id"].as_i64().unwrap();
    let team = candidates[1]["team_id"].as_i64().unwrap();
    let (_, insp) = t.get(&harbin, &format!("/api/v1/teams/{team}/inspection")).await;
    let code = insp["verification_code"].as_str().unwrap().to_string();
    let photo = || reqwest::multipart::Part::bytes(crate::inspections::JPEG.to_vec()).file_name("整改后.jpg");
    let form = |contact: &str| {
        reqwest::multipart::Form::new()
            .text("code", code.clone())
            .text("submitter", "王五")
            .text("contact", contact.to_string())
            .text("content", "整改后照片见附件，请求复核")
            .part("files", photo())
    };
    let objections_of = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|o| o["inspection_id"] == inspection)
            .cloned()
            .collect::<Vec<_>>()
    };

    let r = t
        .http
        .post(t.url("/api/v1/public/objections"))
        .multipart(form("不是电话"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "contact", "{e}");
    let (_, list) = t.get(&harbin, "/api/v1/objections").await;
    assert!(objections_of(&list).is_empty(), "nothing is saved: {list}");

    let r = t
        .http
        .post(t.url("/api/v1/public/objections"))
        .multipart(form("13900000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let filed: Value = r.json().await.unwrap();
    assert!(filed["receipt_no"].as_str().is_some(), "{filed}");

    // The unit enters a paper objection with two scanned pages.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let paper = reqwest::multipart::Form::new()
        .text("submitter", "李四")
        .text("contact", "0451-12345678")
        .text("content", "书面异议，附盖章函件")
        .part(
            "files",
            reqwest::multipart::Part::bytes(pdf.clone()).file_name("异议函.pdf"),
        )
        .part("files", photo());
    let r = t
        .http
        .post(t.url(&format!("/api/v1/results/{inspection}/objections")))
        .bearer_auth(&harbin)
        .multipart(paper)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let entered: Value = r.json().await.unwrap();
    assert_eq!(entered["channel"]["code"], "paper", "{entered}");
    let names: Vec<&str> = entered["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["异议函.pdf", "整改后.jpg"]);

    let (_, list) = t.get(&harbin, "/api/v1/objections").await;
    let mine = objections_of(&list);
    assert_eq!(mine.len(), 2, "{list}");
    let online = mine.iter().find(|o| o["channel"]["code"] == "online").unwrap();
    assert_eq!(online["files"][0]["file_name"], "整改后.jpg");
    for (file, bytes) in [
        (&online["files"][0], crate::inspections::JPEG.to_vec()),
        (&entered["files"][0], pdf),
    ] {
        let fid = file["id"].as_i64().unwrap();
        let r = t
            .http
            .get(t.url(&format!("/api/v1/objection-files/{fid}")))
            .bearer_auth(&harbin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().to_vec(), bytes, "{file}");
    }

    // JSON still works on the same route, and a body that is neither is refused in Chinese.
    let r = t
        .http
        .post(t.url(&format!("/api/v1/results/{inspection}/objections")))
        .bearer_auth(&harbin)
        .header("content-type", "text/plain")
        .body("异议")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"].as_str().unwrap().contains("JSON"), "{e}");
}

/// The messages of `kind` about `subject` in a user's box (`all` or `todo`).
async fn messages_about(t: &TestApp, token: &str, folder: &str, kind: &str, subject: i64) -> Vec<Value> {
    let (s, page) = t
        .get(token, &format!("/api/v1/messages?box={folder}&page_size=100"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind && m["subject_id"] == subject)
        .cloned()
        .collect()
}

/// 期限提醒: the demo's finished task is past its publication deadline. One
/// look of the watch sends each passed deadline once: a 待办 to 哈尔滨 (who
/// must publish) and a notice to the province (its superior); a second look
/// sends nothing; publishing closes the 待办. An objection is a 待办 from
/// receipt; past its review deadline it is announced, the decision closes it,
/// and a feedback deadline that then passes is announced in turn.
async fn passed_deadlines_become_messages_once(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    let province = t.token("hlj_admin").await;
    let (id, candidates, _) = publish(&t, &harbin).await;
    assert!(
        messages_about(&t, &harbin, "all", "publication_overdue", id)
            .await
            .is_empty(),
        "nothing before the watch looks"
    );

    assert!(t.app.check_deadlines().await.unwrap() >= 1);
    let todo = messages_about(&t, &harbin, "todo", "publication_overdue", id).await;
    assert_eq!(todo.len(), 1, "{todo:?}");
    let title = todo[0]["title"].as_str().unwrap();
    assert!(title.contains("超过公示期限（2026-11-03）"), "{title}");
    assert_eq!(todo[0]["link"], format!("/tasks/{id}#publication"));
    let told = messages_about(&t, &province, "all", "publication_overdue", id).await;
    assert_eq!(told.len(), 1, "the superior is told: {told:?}");
    assert_eq!(told[0]["action_required"], false);
    assert!(
        told[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("哈尔滨市住房和城乡建设局："),
        "{told:?}"
    );

    assert_eq!(
        t.app.check_deadlines().await.unwrap(),
        0,
        "each deadline is announced once"
    );
    assert_eq!(
        messages_about(&t, &harbin, "all", "publication_overdue", id)
            .await
            .len(),
        1
    );

    let (s, _) = t
        .post(&harbin, &format!("/api/v1/tasks/{id}/publication"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        messages_about(&t, &harbin, "todo", "publication_overdue", id)
            .await
            .is_empty(),
        "publishing closes the 待办"
    );

    // An objection received (on paper) 40 days ago.
    let inspection = candidates[0]["inspection_id"].as_i64().unwrap();
    let today = t.now().with_timezone(&spotcheck_app::actor::china()).date_naive();
    let (s, o) = t
        .post(
            &harbin,
            &format!("/api/v1/results/{inspection}/objections"),
            json!({"submitter": "李四", "contact": "0451-12345678", "content": "书面异议",
                   "received_on": (today - chrono::Duration::days(40)).to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let oid = o["id"].as_i64().unwrap();
    let received = messages_about(&t, &harbin, "todo", "objection_received", oid).await;
    assert_eq!(received.len(), 1, "the unit has a 待办 from receipt");
    assert_eq!(t.app.check_deadlines().await.unwrap(), 1);
    let late = messages_about(&t, &harbin, "todo", "objection_review_overdue", oid).await;
    assert_eq!(late.len(), 1);
    assert!(late[0]["title"].as_str().unwrap().contains("复核期限"), "{late:?}");
    assert_eq!(
        messages_about(&t, &province, "all", "objection_review_overdue", oid)
            .await
            .len(),
        1
    );

    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/objections/{oid}/decision"),
            json!({"decision": "maintain", "reason": "经复核，原检查结果无误"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    for kind in ["objection_received", "objection_review_overdue"] {
        assert!(
            messages_about(&t, &harbin, "todo", kind, oid).await.is_empty(),
            "the decision closes {kind}"
        );
    }
    // Fifteen working days later no feedback has been recorded.
    t.advance(chrono::Duration::days(30));
    t.app.check_deadlines().await.unwrap();
    let harbin = t.token("hrb_admin").await; // the session before the month has lapsed
    let late = messages_about(&t, &harbin, "todo", "objection_feedback_overdue", oid).await;
    assert_eq!(late.len(), 1, "{late:?}");
    assert!(late[0]["title"].as_str().unwrap().contains("反馈期限"), "{late:?}");
    let (s, e) = t
        .post(
            &harbin,
            &format!("/api/v1/objections/{oid}/feedback"),
            json!({"method": "电话告知", "note": "已电话告知李四"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert!(
        messages_about(&t, &harbin, "todo", "objection_feedback_overdue", oid)
            .await
            .is_empty()
    );
}

/// `spotcheck demo`'s June task: each step stamped with the day it happened,
/// published on 10 July within its deadline (28 July), the problem found
/// re-checked before publication and shown as 已办结; the public search shows
/// its results from the start, and a second load adds nothing.
async fn the_demo_history_has_a_task_published_on_time(db: &TestDb) {
    let t = TestApp::spawn_full_demo(db).await;
    // A second load adds nothing.
    assert_eq!(t.app.load_full_demo().await.unwrap(), Default::default());
    let harbin = t.token("hrb_admin").await;
    let task = t.task_named(&harbin, "2026年房地产开发企业资质动态核查").await;
    assert_eq!(task["status"]["code"], "published", "{task}");
    // Created and dispatched on 1 June (09:00 in Beijing), as the demo tells.
    assert!(
        task["created_at"].as_str().unwrap().starts_with("2026-06-01T01:00"),
        "{task}"
    );
    assert!(
        task["dispatched_at"].as_str().unwrap().starts_with("2026-06-01T01:00"),
        "{task}"
    );
    let id = task["id"].as_i64().unwrap();
    let (s, p) = t.get(&harbin, &format!("/api/v1/tasks/{id}/publication")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["deadline"]["due"], "2026-07-28", "{p}");
    assert_eq!(p["deadline"]["done_on"], "2026-07-10", "{p}");
    assert_eq!(p["deadline"]["state"]["code"], "met", "{p}");
    let rows = p["published_results"].as_array().unwrap();
    assert!(rows.len() >= 2, "{p}");
    assert_eq!(p["results"], rows.len());
    // The one problem found, followed up to the end; the rest needed none.
    let disposals: Vec<&str> = rows.iter().map(|r| r["disposal"]["code"].as_str().unwrap()).collect();
    assert_eq!(disposals.iter().filter(|d| **d == "done").count(), 1, "{p}");
    assert!(disposals.iter().all(|d| ["done", "not_needed"].contains(d)), "{p}");

    // The public search shows them, inspected in June on working days.
    let page = t.public_json("/public/results.json").await;
    let public: Vec<&Value> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["task_id"] == id)
        .collect();
    assert_eq!(public.len(), rows.len(), "{page}");
    let calendar = WorkCalendar::official();
    for r in &public {
        let day = chrono::NaiveDate::parse_from_str(r["inspected_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        assert_eq!(day.month(), 6, "{r}");
        assert!(calendar.is_workday(day), "{r}");
        assert!(r["items"].as_str().unwrap().contains("房地产开发企业资质检查"), "{r}");
    }
    // Published on time: the dashboard lists the overdue third-quarter task
    // by name, not this one, and counts no late publication.
    let (_, dash) = t.get(&harbin, "/api/v1/dashboard?year=2026").await;
    let harbin_id = spotcheck_store::departments::by_code(t.app.store().conn(), "230100")
        .await
        .unwrap()
        .unwrap()
        .id;
    let text = dash.to_string();
    assert!(text.contains("2026年第三季度建筑施工安全生产许可证动态核查"), "{dash}");
    assert!(!text.contains("2026年房地产开发企业资质动态核查"), "{dash}");
    let row = dash["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["department_id"] == harbin_id)
        .expect("哈尔滨's row")
        .clone();
    assert_eq!(row["results_published_late"], 0, "{row}");
}
