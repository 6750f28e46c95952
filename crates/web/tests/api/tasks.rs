//! 抽查任务 and the verifiable object draw: a task from a published plan,
//! the eligibility preview, lock (commit, public at once), reveal, the public
//! record verified by the spec's verifier, confirmation and dispatch; one
//! commit for two simultaneous locks; 第十四条's two draws a year; a manual
//! beacon; a reveal after a restart.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    a_task_from_a_published_plan_is_drawn_verifiably_and_dispatched,
    two_simultaneous_locks_of_one_item_make_exactly_one_commit,
    an_object_drawn_twice_this_year_is_excluded_from_a_third_task,
    a_manual_beacon_is_revealed_with_a_value_of_the_announced_form,
    a_reveal_resumes_after_a_restart_between_commit_and_reveal,
    every_record_the_demo_lists_verifies,
    the_task_pages_run_a_draw_from_plan_to_dispatch,
    a_general_item_found_compliant_outside_double_random_is_not_drawn_again,
    stratum_ratios_are_set_before_the_lock_and_checked_against_the_rules,
    a_joint_task_is_started_from_the_page_form,
    a_large_drawn_list_pages_in_draw_order,
    tasks_created_at_the_same_moment_get_distinct_codes,
);

/// Every drawn object of item `position`, through the paged list (`token`
/// `None`: the public one); checks the pages' totals on the way.
async fn all_drawn(t: &TestApp, token: Option<&str>, id: i64, position: i32) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let v = match token {
            Some(token) => {
                let (s, v) = t
                    .get(
                        token,
                        &format!("/api/v1/tasks/{id}/items/{position}/objects?page={page}"),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                v
            }
            None => {
                t.public_json(&format!("/public/tasks/{id}/items/{position}/objects.json?page={page}"))
                    .await
            }
        };
        let items = v["items"].as_array().unwrap().clone();
        if items.is_empty() {
            assert_eq!(out.len() as u64, v["total"].as_u64().unwrap());
            break;
        }
        assert!(items.len() as u64 <= v["page_size"].as_u64().unwrap());
        out.extend(items);
    }
    out
}

/// A published 2027 plan of 道里 with one 重点 item for enterprises at `ratio`; its entry id.
pub(crate) async fn published_entry(t: &TestApp, ratio: &str) -> i64 {
    let daoli = t.token("daoli_admin").await;
    let harbin = t.token("hrb_admin").await;
    let (_, items) = t.get(&daoli, "/api/v1/plans/items").await;
    let key = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["category"]["code"] == "key" && i["object_kind"]["code"] == "enterprise")
        .unwrap()
        .clone();
    let (s, p) = t.post(&daoli, "/api/v1/plans", json!({"year": 2027})).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["plan"]["id"].as_i64().unwrap();
    let (s, d) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [{"item_version_id": key["version_id"], "ratio": ratio, "months": [5, 6]}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    for (token, step) in [(&daoli, "file"), (&harbin, "acknowledge"), (&daoli, "publish")] {
        let (s, d) = t.post(token, &format!("/api/v1/plans/{id}/{step}"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{step}: {d}");
    }
    d["entries"][0]["id"].as_i64().unwrap()
}

pub(crate) async fn new_task(t: &TestApp, token: &str, entry: i64, name: &str) -> i64 {
    let (s, task) = t
        .post(
            token,
            "/api/v1/tasks",
            json!({"name": name, "kind": "双随机抽查", "window_start": "2027-05-10", "window_end": "2027-06-20",
                   "plan_entry_ids": [entry]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    assert_eq!(task["task"]["status"]["code"], "draft");
    task["task"]["id"].as_i64().unwrap()
}

/// Where the task form redirected to after creating a task, and the task's id.
fn created_task(r: &reqwest::Response) -> (String, i64) {
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = location
        .trim_start_matches("/tasks/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (location, id)
}

async fn draws_list(t: &TestApp) -> Value {
    t.public_json("/public/draws.json").await
}

async fn public_record(t: &TestApp, draw_id: &str) -> (StatusCode, Vec<u8>) {
    let r = t
        .http
        .get(t.url(&format!("/public/draws/{draw_id}.json")))
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

async fn a_task_from_a_published_plan_is_drawn_verifiably_and_dispatched(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let entry = published_entry(&t, "20%").await;
    let id = new_task(&t, &daoli, entry, "2027年建筑业企业资质动态核查").await;

    // The preview shows the strata and their quotas before anything is committed.
    let (s, e) = t.get(&daoli, &format!("/api/v1/tasks/{id}/items/1/eligibility")).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let eligible = e["eligible"].as_u64().unwrap();
    let quota = e["total_quota"].as_u64().unwrap();
    assert!(eligible > 5 && quota > 0 && quota < eligible, "{e}");
    let list = draws_list(&t).await;
    let before = list["draws"].as_array().unwrap().len();

    // Others cannot lock: another county does not even see the task.
    let nangang = t.token("nangang_admin").await;
    let (s, _) = t
        .post(
            &nangang,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, d) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let draw_id = d["draw_id"].as_str().unwrap().to_string();
    assert!(d["warning"].as_str().unwrap().contains("未使用公共随机信标"));
    // Public at once, without the reveal fields; listed in draws.json.
    let (s, bytes) = public_record(&t, &draw_id).await;
    assert_eq!(s, StatusCode::OK);
    let committed: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(committed["spec"], "spotcheck-draw-v1");
    assert_eq!(committed["commitment"], d["commitment"]);
    assert!(
        committed.get("seed").is_none() && committed.get("nonce").is_none(),
        "{committed}"
    );
    let list = draws_list(&t).await;
    assert_eq!(list["draws"].as_array().unwrap().len(), before + 1);
    assert!(
        list["draws"]
            .as_array()
            .unwrap()
            .contains(&json!(format!("/public/draws/{draw_id}.json")))
    );
    // Locked once: the same item cannot be drawn again.
    let (s, _) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Not confirmable before the reveal.
    let (s, _) = t.post(&daoli, &format!("/api/v1/tasks/{id}/confirm"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (s, r) = t
        .post(&daoli, &format!("/api/v1/tasks/{id}/items/1/reveal"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["drawn"].as_u64().unwrap(), quota);
    assert_eq!(r["draw"]["status"], "revealed");
    let (_, task) = t.get(&daoli, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(task["items"][0]["drawn_count"].as_u64().unwrap(), quota);
    let inline = task["items"][0]["drawn"].as_array().unwrap().len() as u64;
    assert_eq!(inline, quota.min(100), "the task lists the first 100 inline");
    let drawn = all_drawn(&t, Some(&daoli), id, 1).await;
    assert_eq!(drawn.len() as u64, quota);
    assert!(
        drawn.iter().all(|o| !o["executing_unit"].as_str().unwrap().is_empty()),
        "{task}"
    );
    // Only enterprises of the item's 适用企业类型 (建筑业企业) are drawn: the
    // demo names them 建筑工程 / 建设集团 companies, never 物业服务 or 燃气 ones.
    for o in &drawn {
        let name = o["name"].as_str().unwrap();
        assert!(
            name.contains("建筑工程") || name.contains("建设集团"),
            "{name} is not a 建筑业企业"
        );
    }

    // The complete record verifies with the spec's verifier and names the same objects.
    let (_, bytes) = public_record(&t, &draw_id).await;
    let verified = spotcheck_draw::verify_bytes(&bytes).expect("the published record verifies");
    let _ = verified;
    let record: Value = serde_json::from_slice(&bytes).unwrap();
    let mut selected: Vec<String> = record["result"]["strata"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["selected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
        })
        .collect();
    let mut listed: Vec<String> = drawn.iter().map(|o| o["code"].as_str().unwrap().to_string()).collect();
    selected.sort();
    listed.sort();
    assert_eq!(selected, listed);

    let (s, task) = t.post(&daoli, &format!("/api/v1/tasks/{id}/confirm"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{task}");
    assert_eq!(task["task"]["status"]["code"], "list_locked");
    let (s, task) = t.post(&daoli, &format!("/api/v1/tasks/{id}/dispatch"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{task}");
    assert_eq!(task["task"]["status"]["code"], "dispatched");
    let (s, _) = t.post(&daoli, &format!("/api/v1/tasks/{id}/dispatch"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The public task shows the drawn objects by name and code.
    let public: Value = t.public_json(&format!("/public/tasks/{id}.json")).await;
    assert_eq!(public["items"][0]["drawn_count"].as_u64().unwrap(), quota);
    let public_list: Vec<Value> = all_drawn(&t, None, id, 1).await;
    assert_eq!(public_list, drawn, "the public list is the same list in the same order");
    // Every step is audited.
    let admin = t.token("hlj_admin").await;
    for action in [
        "task.created",
        "draw.committed",
        "draw.revealed",
        "task.list_locked",
        "task.dispatched",
    ] {
        let (_, audit) = t.get(&admin, &format!("/api/v1/audit?action={action}")).await;
        assert!(audit["total"].as_u64().unwrap() >= 1, "{action}");
    }
}

async fn two_simultaneous_locks_of_one_item_make_exactly_one_commit(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let entry = published_entry(&t, "20%").await;
    let id = new_task(&t, &daoli, entry, "并发锁定测试").await;
    let path = format!("/api/v1/tasks/{id}/items/1/lock");
    let body = json!({"beacon": "none"});
    let (a, b) = tokio::join!(t.post(&daoli, &path, body.clone()), t.post(&daoli, &path, body.clone()));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{a:?} {b:?}");
    let (_, task) = t.get(&daoli, &format!("/api/v1/tasks/{id}")).await;
    let draw_id = task["items"][0]["draw"]["draw_id"].as_str().unwrap().to_string();
    let list = draws_list(&t).await;
    let mine = list["draws"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            u.as_str()
                .unwrap()
                .contains(&format!("{}-", task["task"]["code"].as_str().unwrap()))
        })
        .count();
    assert_eq!(mine, 1, "{list}");
    let winner = if a.0 == StatusCode::CREATED { &a.1 } else { &b.1 };
    assert_eq!(winner["draw_id"], draw_id.as_str());
}

async fn an_object_drawn_twice_this_year_is_excluded_from_a_third_task(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let entry = published_entry(&t, "100%").await;
    let mut drawn_total = 0;
    for n in 1..=2 {
        let id = new_task(&t, &daoli, entry, &format!("全覆盖检查第{n}轮")).await;
        let (s, d) = t
            .post(
                &daoli,
                &format!("/api/v1/tasks/{id}/items/1/lock"),
                json!({"beacon": "none"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let (s, task) = t
            .post(&daoli, &format!("/api/v1/tasks/{id}/items/1/reveal"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{task}");
        drawn_total = task["drawn"].as_u64().unwrap() as usize;
    }
    assert!(drawn_total > 0);
    // A third task: every object drawn twice is excluded, with the reason.
    let id = new_task(&t, &daoli, entry, "全覆盖检查第3轮").await;
    let (_, e) = t.get(&daoli, &format!("/api/v1/tasks/{id}/items/1/eligibility")).await;
    assert_eq!(e["eligible"], 0, "{e}");
    let twice: Vec<&Value> = e["excluded_sample"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["reason"] == "本年度已被双随机抽查2次（第十四条）")
        .collect();
    assert!(twice.len() >= drawn_total.min(200), "{e}");
    // Locking it publishes a record whose strata are all excluded: nothing to draw.
    let (s, d) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (_, bytes) = public_record(&t, d["draw_id"].as_str().unwrap()).await;
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("本年度已被双随机抽查2次"),
        "the public record names the reason"
    );
}

async fn a_manual_beacon_is_revealed_with_a_value_of_the_announced_form(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let entry = published_entry(&t, "20%").await;
    let id = new_task(&t, &daoli, entry, "以福彩3D开奖号码为信标").await;
    let (s, body) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "manual", "source": "随便"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let source = "中国福利彩票3D 2027-05-12 开奖号码（三位数字，以单个空格分隔）";
    let (s, d) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "manual", "source": source}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["beacon_source"], source);
    assert_eq!(d["warning"], Value::Null);
    let (s, body) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/reveal"),
            json!({"value": "375"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, task) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/reveal"),
            json!({"value": "3 7 5"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{task}");
    let (_, bytes) = public_record(&t, d["draw_id"].as_str().unwrap()).await;
    spotcheck_draw::verify_bytes(&bytes).expect("verifies");
    let record: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(record["beacon"], "3 7 5");
}

async fn a_reveal_resumes_after_a_restart_between_commit_and_reveal(db: &TestDb) {
    let draw_id;
    let id;
    {
        let t = TestApp::spawn(db).await;
        let daoli = t.token("daoli_admin").await;
        let entry = published_entry(&t, "20%").await;
        id = new_task(&t, &daoli, entry, "重启后揭晓").await;
        let (s, d) = t
            .post(
                &daoli,
                &format!("/api/v1/tasks/{id}/items/1/lock"),
                json!({"beacon": "none"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        draw_id = d["draw_id"].as_str().unwrap().to_string();
    }
    // A new process on the same database and key.
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let (s, task) = t
        .post(&daoli, &format!("/api/v1/tasks/{id}/items/1/reveal"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{task}");
    let (_, bytes) = public_record(&t, &draw_id).await;
    spotcheck_draw::verify_bytes(&bytes).expect("the resumed reveal verifies against the commitment published before");
}

async fn every_record_the_demo_lists_verifies(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let list = draws_list(&t).await;
    let urls = list["draws"].as_array().unwrap();
    assert!(
        urls.len() >= 3,
        "the demo has a dispatched task and a joint task: {list}"
    );
    for url in urls {
        let bytes = t
            .http
            .get(t.url(url.as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        spotcheck_draw::verify_bytes(&bytes).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    let tasks: Value = t.public_json("/public/tasks.json").await;
    let kinds: Vec<&str> = tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"]["code"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"joint") && kinds.contains(&"double_random"), "{tasks}");
    // Loading the demo again adds no task.
    assert_eq!(t.app.load_demo().await.unwrap().tasks_added, 0);
}

async fn the_task_pages_run_a_draw_from_plan_to_dispatch(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let entry = published_entry(&t, "20%").await;
    let mut b = t.browser("daoli_admin").await;
    b.refresh_csrf("/tasks").await;
    let html = b.get("/tasks").await.text().await.unwrap();
    assert!(
        html.contains("新建双随机抽查任务") && html.contains("2027年度计划第1版"),
        "{html}"
    );
    // A window outside the plan's year is refused on the page.
    let entry = entry.to_string();
    let r = b
        .form(
            "/tasks",
            &[
                ("name", "页面任务"),
                ("plan_entry_ids", &entry),
                ("window_start", "2026-05-01"),
                ("window_end", "2026-05-30"),
                ("team_size", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不在计划年度2027年内"));
    let r = b
        .form(
            "/tasks",
            &[
                ("name", "页面任务"),
                ("plan_entry_ids", &entry),
                ("window_start", "2027-05-01"),
                ("window_end", "2027-05-30"),
                ("team_size", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (location, id) = created_task(&r);
    let html = b.get(&location).await.text().await.unwrap();
    assert!(
        html.contains("可抽取对象（尚未提交）") && html.contains("锁定抽取"),
        "{html}"
    );
    let r = b
        .form(
            &format!("/tasks/{id}/items/1/lock"),
            &[("beacon", "manual"), ("source", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a manual beacon needs its description"
    );
    let r = b
        .form(
            &format!("/tasks/{id}/items/1/lock"),
            &[("beacon", "none"), ("source", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b.get(&format!("/tasks/{id}")).await.text().await.unwrap();
    assert!(html.contains("未使用公共随机信标") && html.contains("揭晓"), "{html}");
    let r = b.form(&format!("/tasks/{id}/items/1/reveal"), &[("value", "")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b.get(&format!("/tasks/{id}")).await.text().await.unwrap();
    assert!(html.contains("抽中的检查对象") && html.contains("确认名单"), "{html}");
    let r = b.form(&format!("/tasks/{id}/confirm"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b.form(&format!("/tasks/{id}/dispatch"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b.get(&format!("/tasks/{id}?ok=dispatched")).await.text().await.unwrap();
    assert!(html.contains("已派发"), "{html}");
}

/// 第十二条 with 第三条: an object found compliant this year for a 一般 item,
/// in an inspection outside double-random, is excluded from a draw of that
/// item with the reason shown.
async fn a_general_item_found_compliant_outside_double_random_is_not_drawn_again(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let hrb = t.token("hrb_admin").await;
    let (_, plans) = t.get(&hrb, "/api/v1/plans?year=2026&department=230100").await;
    let plan = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"]["code"] == "published")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, d) = t.get(&hrb, &format!("/api/v1/plans/{plan}")).await;
    let entry = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["category"]["code"] == "general"
                && e["item_object_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["code"] == "enterprise")
                && e["divisions"].as_array().unwrap().is_empty()
                && e["risk_classes"].as_array().unwrap().is_empty()
        })
        .expect("Harbin's demo plan has a 一般 enterprise item for the whole city")
        .clone();
    // An enterprise of the item's 适用企业类型 (others are not in its population).
    let (_, plannable) = t.get(&hrb, "/api/v1/plans/items").await;
    let kind = plannable
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["version_id"] == entry["item_version_id"])
        .and_then(|i| i["enterprise_kinds"][0].as_str())
        .expect("the item names the enterprises it applies to")
        .to_string();
    let object = t.enterprise_of(&kind, &hrb, "230100", "230102", 77).await;
    let code = crate::support::credit_code("230102", 77);
    let (s, r) = t
        .post(
            &hrb,
            "/api/v1/outside-inspections",
            json!({"object_id": object, "reason": "投诉举报", "basis": "12345热线工单 HRB2026-0077",
                   "inspection_date": t.app.today().to_string(), "inspectors": "赵明、马骏",
                   "items": [{"item_version_id": entry["item_version_id"], "result": "符合"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, task) = t
        .post(
            &hrb,
            "/api/v1/tasks",
            json!({"name": "一般事项复查测试", "window_start": "2026-12-01", "window_end": "2026-12-20",
                   "plan_entry_ids": [entry["id"]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    let id = task["task"]["id"].as_i64().unwrap();
    let (_, e) = t.get(&hrb, &format!("/api/v1/tasks/{id}/items/1/eligibility")).await;
    let excluded = e["excluded_sample"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == code.as_str())
        .unwrap_or_else(|| panic!("{code} is excluded: {e}"));
    assert!(
        excluded["reason"].as_str().unwrap().contains("已检查合格"),
        "{excluded}"
    );
}

async fn stratum_ratios_are_set_before_the_lock_and_checked_against_the_rules(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let entry = published_entry(&t, "20%").await;
    let id = new_task(&t, &daoli, entry, "分层比例测试").await;
    let path = format!("/api/v1/tasks/{id}/items/1/ratios");
    // A higher risk below a lower one, a zero and a word: all refused at once.
    let (s, e) = t
        .send(
            "PUT",
            &daoli,
            &path,
            json!({"ratios": {"A": "30%", "B": "10%", "C": "0", "D": "很多"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let msg = e["error"]["message"].as_str().unwrap_or_default().to_string() + &e.to_string();
    assert!(msg.contains("D类的抽查比例“很多”"), "{e}");
    let (s, e) = t
        .send(
            "PUT",
            &daoli,
            &path,
            json!({"ratios": {"A": "30%", "B": "10%", "C": "0"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let msg = e.to_string();
    assert!(msg.contains("须大于0%") && msg.contains("不能低于"), "{e}");
    let (s, e) = t.send("PUT", &daoli, &path, json!({"ratios": {"E": "5%"}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // Another county cannot touch the task.
    let nangang = t.token("nangang_admin").await;
    let (s, _) = t.send("PUT", &nangang, &path, json!({"ratios": {"A": "5%"}})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Valid ratios change the quotas the preview shows.
    let (_, before) = t.get(&daoli, &format!("/api/v1/tasks/{id}/items/1/eligibility")).await;
    let all = json!({"ratios": {"A": "100%", "B": "100%", "C": "100%", "D": "100%", "focus": "100%"}});
    let (s, after) = t.send("PUT", &daoli, &path, all.clone()).await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(after["total_quota"], after["eligible"], "{after}");
    assert!(after["total_quota"].as_u64().unwrap() > before["total_quota"].as_u64().unwrap());
    assert!(
        after["strata"].as_array().unwrap().iter().all(|s| s["ratio"] == "100%"),
        "{after}"
    );
    let admin = t.token("hlj_admin").await;
    let (_, audit) = t.get(&admin, "/api/v1/audit?action=task.item_ratios_set").await;
    assert!(audit["total"].as_u64().unwrap() >= 1, "{audit}");

    // The committed record carries those quotas; afterwards the ratios are fixed.
    let (s, d) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let record = t
        .public_json(&format!("/public/draws/{}.json", d["draw_id"].as_str().unwrap()))
        .await;
    let quotas: u64 = record["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["quota"].as_u64().unwrap())
        .sum();
    assert_eq!(quotas, after["total_quota"].as_u64().unwrap(), "{record}");
    let (s, _) = t.send("PUT", &daoli, &path, all).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn a_joint_task_is_started_from_the_page_form(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    // The demo's published 2026 plans of 哈尔滨 (230100) and 道里 (230102).
    let plans = t.public_json("/public/plans.json").await;
    let current = |code: &str| {
        plans
            .as_array()
            .or_else(|| plans["plans"].as_array())
            .unwrap()
            .iter()
            .find(|p| p["department_code"] == code && p["status"]["code"] == "published" && p["year"] == 2026)
            .unwrap_or_else(|| panic!("no published plan of {code}: {plans}"))["id"]
            .as_i64()
            .unwrap()
    };
    let harbin = t
        .public_json(&format!("/public/plans/{}.json", current("230100")))
        .await;
    let daoli = t
        .public_json(&format!("/public/plans/{}.json", current("230102")))
        .await;
    let own = &harbin["entries"][0];
    let other = daoli["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item_version_id"] != own["item_version_id"])
        .unwrap();
    let mut b = t.browser("hrb_admin").await;
    b.refresh_csrf("/tasks").await;
    let html = b.get("/tasks").await.text().await.unwrap();
    assert!(html.contains("邀请其他部门参加") && html.contains("道里区"), "{html}");
    let own_id = own["id"].to_string();
    let joined = format!("230102:{}", other["id"]);
    // Refused (window outside the year): what was entered comes back checked.
    let r = b
        .form(
            "/tasks",
            &[
                ("name", "页面联合抽查"),
                ("plan_entry_ids", &own_id),
                ("participant_entry", &joined),
                ("window_start", "2025-12-01"),
                ("window_end", "2026-12-20"),
                ("team_size", "3"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("页面联合抽查"), "the name is kept");
    assert!(
        html.contains(&format!("value=\"{joined}\" checked")),
        "the participant's entry stays checked"
    );
    let r = b
        .form(
            "/tasks",
            &[
                ("name", "页面联合抽查"),
                ("plan_entry_ids", &own_id),
                ("participant_entry", &joined),
                ("window_start", "2026-12-01"),
                ("window_end", "2026-12-20"),
                ("team_size", "3"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, id) = created_task(&r);
    let token = t.token("hrb_admin").await;
    let (_, task) = t.get(&token, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(task["task"]["kind"]["code"], "joint", "{task}");
    assert_eq!(task["task"]["team_size"], 3);
    assert_eq!(task["task"]["participants"][0]["code"], "230102", "{task}");
    let depts: Vec<&str> = task["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["department_code"].as_str().unwrap())
        .collect();
    assert_eq!(depts, ["230100", "230102"]);
    // 道里 sees the task it takes part in.
    let daoli_token = t.token("daoli_admin").await;
    let (s, _) = t.get(&daoli_token, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(s, StatusCode::OK);
}

async fn a_large_drawn_list_pages_in_draw_order(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    // 道里's directory with 250 more enterprises, all drawn by a 100 % item.
    for n in 0..250 {
        t.enterprise(&daoli, "230102", "230102", 9000 + n).await;
    }
    let entry = published_entry(&t, "100%").await;
    let id = new_task(&t, &daoli, entry, "分页测试").await;
    let (s, d) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/items/1/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (s, r) = t
        .post(&daoli, &format!("/api/v1/tasks/{id}/items/1/reveal"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let n = r["drawn"].as_u64().unwrap();
    assert!(n > 250, "{r}");
    let listed = all_drawn(&t, Some(&daoli), id, 1).await;
    let order: Vec<i64> = listed.iter().map(|o| o["position"].as_i64().unwrap()).collect();
    assert_eq!(
        order,
        (1..=n as i64).collect::<Vec<_>>(),
        "pages follow the batch order"
    );
    let b = t.browser("daoli_admin").await;
    let html = b.get(&format!("/tasks/{id}")).await.text().await.unwrap();
    assert!(html.contains(&format!("查看全部{n}个")), "{html}");
    let html = b
        .get(&format!("/tasks/{id}/items/1/objects?page=3"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("第 3/3 页") && html.contains(listed[200]["code"].as_str().unwrap()),
        "{html}"
    );
    let html = t
        .public_text(&format!("/public/tasks/{id}/items/1/objects?page=2"))
        .await;
    assert!(html.contains(listed[100]["code"].as_str().unwrap()), "{html}");
}

/// Four tasks of one department created at the same moment: each is created,
/// with its own consecutive code (on PostgreSQL the transactions run side by
/// side and numbered the same task twice before numbering was locked).
async fn tasks_created_at_the_same_moment_get_distinct_codes(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let entry = published_entry(&t, "20%").await;
    let daoli = t.token("daoli_admin").await;
    let create = |n: u32| {
        t.post(
            &daoli,
            "/api/v1/tasks",
            json!({"name": format!("同时新建的任务{n}"), "kind": "双随机抽查", "window_start": "2027-05-10",
                   "window_end": "2027-06-20", "plan_entry_ids": [entry]}),
        )
    };
    let (a, b, c, d) = tokio::join!(create(1), create(2), create(3), create(4));
    let mut codes = Vec::new();
    for (s, task) in [a, b, c, d] {
        assert_eq!(s, StatusCode::CREATED, "{task}");
        codes.push(task["task"]["code"].as_str().unwrap().to_string());
    }
    codes.sort();
    assert_eq!(
        codes,
        (1..=4).map(|n| format!("RW2027-230102-{n:03}")).collect::<Vec<_>>(),
        "four codes, consecutive"
    );
}
