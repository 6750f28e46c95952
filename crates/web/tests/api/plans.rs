//! 年度抽查计划: the life of a plan (draft, 报备, 退回, 确认, 公开, 调整), who
//! may act at each step, 第八条's cap, the filing deadline, the live
//! estimate, jurisdiction, the audit trail and the public site.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    a_plan_goes_from_draft_through_filing_to_publication_and_adjustment,
    a_general_item_above_its_cap_and_other_bad_entries_are_refused_together,
    only_the_department_and_its_superior_act_and_others_do_not_see_it,
    the_estimate_is_the_ratio_of_the_objects_in_scope_now,
    filing_after_the_tenth_of_march_is_shown_late_to_both_sides,
    the_province_records_its_outside_filing_with_a_comment,
    the_plan_pages_render_and_their_forms_work,
    the_demo_has_plans_at_every_stage,
);

/// The plannable items: (version id, category code, cap) of the first 一般
/// item for enterprises and the first 重点 item.
async fn items(t: &TestApp, token: &str) -> (Value, Value) {
    let (s, list) = t.get(token, "/api/v1/plans/items").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap().clone();
    let general = list
        .iter()
        .find(|i| i["category"]["code"] == "general" && i["object_kind"]["code"] == "enterprise")
        .expect("the demo list has a 一般 item for enterprises")
        .clone();
    let key = list
        .iter()
        .find(|i| i["category"]["code"] == "key" && i["object_kind"]["code"] == "enterprise")
        .expect("the demo list has a 重点 item for enterprises")
        .clone();
    (general, key)
}

fn entry(item: &Value, ratio: &str, months: &[u32]) -> Value {
    json!({"item_version_id": item["version_id"], "ratio": ratio, "months": months})
}

async fn new_plan(t: &TestApp, token: &str, year: i32) -> i64 {
    let (s, body) = t.post(token, "/api/v1/plans", json!({"year": year})).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["plan"]["status"]["code"], "draft");
    assert_eq!(body["plan"]["version"], 1);
    body["plan"]["id"].as_i64().unwrap()
}

async fn a_plan_goes_from_draft_through_filing_to_publication_and_adjustment(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let harbin = t.token("hrb_admin").await;
    let (general, key) = items(&t, &daoli).await;
    let id = new_plan(&t, &daoli, 2027).await;
    // A second plan for the same year is refused: the first is adjusted instead.
    let (s, body) = t.post(&daoli, "/api/v1/plans", json!({"year": 2027})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");

    // An empty plan cannot be filed.
    let (s, body) = t.post(&daoli, &format!("/api/v1/plans/{id}/file"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("至少应有一项"),
        "{body}"
    );

    let entries =
        json!({"entries": [entry(&general, general["ratio"].as_str().unwrap(), &[4, 5]), entry(&key, "20%", &[6])]});
    let (s, d) = t
        .send("PUT", &daoli, &format!("/api/v1/plans/{id}/entries"), entries)
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["entries"].as_array().unwrap().len(), 2);
    assert_eq!(d["rights"]["file"], true);
    assert_eq!(
        d["rights"]["acknowledge"], false,
        "a department does not acknowledge its own filing"
    );

    // The superior cannot answer before the filing.
    let (s, _) = t
        .post(&harbin, &format!("/api/v1/plans/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (s, d) = t.post(&daoli, &format!("/api/v1/plans/{id}/file"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["plan"]["status"]["code"], "filed");
    // Filed: no more edits, and the department cannot answer its own filing.
    let (s, _) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": []}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = t
        .post(&daoli, &format!("/api/v1/plans/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The superior is told (站内消息, a 待办 linking to the plan).
    let (_, before) = t.get(&harbin, "/api/v1/messages/counts").await;
    let (_, todo) = t.get(&harbin, "/api/v1/messages?box=todo").await;
    assert!(
        todo["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["link"] == format!("/plans/{id}")),
        "{todo}"
    );
    // The superior sees it waiting; a return needs a comment.
    let (_, waiting) = t.get(&harbin, "/api/v1/plans/awaiting").await;
    assert!(waiting.as_array().unwrap().iter().any(|p| p["id"] == id), "{waiting}");
    let (s, body) = t
        .post(&harbin, &format!("/api/v1/plans/{id}/return"), json!({"comment": "  "}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, d) = t
        .post(
            &harbin,
            &format!("/api/v1/plans/{id}/return"),
            json!({"comment": "请补充6月的燃气检查"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["plan"]["status"]["code"], "returned");
    assert_eq!(d["answer_comment"], "请补充6月的燃气检查");

    // Returned: editable again, then filed again, acknowledged and published.
    let (s, d) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [entry(&general, "1%", &[4, 5]), entry(&key, "30%", &[6, 7])]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, _) = t.post(&daoli, &format!("/api/v1/plans/{id}/file"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.post(&daoli, &format!("/api/v1/plans/{id}/publish"), json!({})).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "published only after the superior's acknowledgement"
    );
    let (s, d) = t
        .post(&harbin, &format!("/api/v1/plans/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["plan"]["status"]["code"], "acknowledged");
    // The answer closed the superior's 待办 and told the department.
    let (_, after) = t.get(&harbin, "/api/v1/messages/counts").await;
    assert_eq!(
        after["todo"].as_u64().unwrap() + 1,
        before["todo"].as_u64().unwrap(),
        "{before} {after}"
    );
    let (_, todo) = t.get(&harbin, "/api/v1/messages?box=todo").await;
    assert!(
        !todo["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["link"] == format!("/plans/{id}")),
        "{todo}"
    );
    let (_, mine) = t.get(&daoli, "/api/v1/messages?box=todo").await;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "plan_acknowledged"),
        "{mine}"
    );
    let (_, waiting) = t.get(&harbin, "/api/v1/plans/awaiting").await;
    assert!(!waiting.as_array().unwrap().iter().any(|p| p["id"] == id));

    // Not public yet.
    let r = t
        .http
        .get(t.url(&format!("/public/plans/{id}.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (s, d) = t.post(&daoli, &format!("/api/v1/plans/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["plan"]["status"]["code"], "published");
    let events: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["新建", "报备", "退回", "报备", "确认", "公开"]);

    // On the public site, without login, as a page and as JSON.
    let public: Value = t.public_json(&format!("/public/plans/{id}.json")).await;
    assert_eq!(public["plan"]["year"], 2027);
    assert_eq!(public["entries"].as_array().unwrap().len(), 2);
    assert_eq!(public["answer_comment"], "", "internal comments are not public");
    let html = t.public_text(&format!("/public/plans/{id}")).await;
    assert!(
        html.contains("道里区") && html.contains("2027年度双随机抽查计划"),
        "{html}"
    );

    // Published: no edit; an adjustment is a new version with a reason.
    let (s, _) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": []}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, body) = t
        .post(&daoli, &format!("/api/v1/plans/{id}/adjust"), json!({"reason": ""}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, v2) = t
        .post(
            &daoli,
            &format!("/api/v1/plans/{id}/adjust"),
            json!({"reason": "省厅调整抽查事项清单"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v2}");
    let v2_id = v2["plan"]["id"].as_i64().unwrap();
    assert_eq!(v2["plan"]["version"], 2);
    assert_eq!(v2["plan"]["status"]["code"], "draft");
    assert_eq!(
        v2["entries"].as_array().unwrap().len(),
        2,
        "the adjustment starts from the published entries"
    );
    let (s, _) = t
        .post(
            &daoli,
            &format!("/api/v1/plans/{id}/adjust"),
            json!({"reason": "再次调整"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "one adjustment at a time");
    for (token, step) in [(&daoli, "file"), (&harbin, "acknowledge"), (&daoli, "publish")] {
        let (s, d) = t.post(token, &format!("/api/v1/plans/{v2_id}/{step}"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{step}: {d}");
    }
    let (_, v1) = t.get(&daoli, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(v1["plan"]["status"]["code"], "superseded");
    // Both versions stay public; the list of the year shows both.
    let list: Value = t.public_json("/public/plans.json?year=2027").await;
    let versions: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["department_code"] == "230102")
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);

    // Every step is in the audit trail.
    let auditor = t.token("hlj_admin").await;
    let (_, audit) = t.get(&auditor, "/api/v1/audit?action=plan.filed&page_size=100").await;
    let ids = [id.to_string(), v2_id.to_string()];
    let filed = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ids.iter().any(|i| e["target_id"] == i.as_str()))
        .count();
    assert_eq!(filed, 3, "{audit}");
}

async fn a_general_item_above_its_cap_and_other_bad_entries_are_refused_together(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let (general, key) = items(&t, &daoli).await;
    let id = new_plan(&t, &daoli, 2027).await;
    let cap = general["ratio_cap"]
        .as_str()
        .unwrap()
        .trim_end_matches('%')
        .parse::<f64>()
        .unwrap();
    let above = format!("{}%", cap + 1.0);
    let (s, body) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [
                entry(&general, &above, &[3]),
                {"item_version_id": key["version_id"], "ratio": "10%", "months": [], "divisions": ["230103"]},
            ]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let m = body["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("第1项") && m.contains("比例上限") && m.contains("第八条"),
        "{m}"
    );
    assert!(m.contains("第2项") && m.contains("未安排抽查月份"), "{m}");
    assert!(m.contains("230103") && m.contains("不在本部门管辖"), "{m}");
    // Nothing was saved.
    let (_, d) = t.get(&daoli, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(d["entries"].as_array().unwrap().len(), 0);
    // A 重点 item goes up to 100 %.
    let (s, d) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [entry(&key, "100%", &[3])]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    // The same item twice with overlapping months and scope is refused.
    let (s, body) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [entry(&key, "50%", &[3, 4]), entry(&key, "50%", &[4])]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("重叠"), "{body}");
}

async fn only_the_department_and_its_superior_act_and_others_do_not_see_it(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let (general, _) = items(&t, &daoli).await;
    let id = new_plan(&t, &daoli, 2027).await;
    let (s, _) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [entry(&general, "1%", &[5])]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Another county and another city do not see it at all.
    for other in ["nangang_admin", "qqhr_admin"] {
        let token = t.token(other).await;
        let (s, _) = t.get(&token, &format!("/api/v1/plans/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{other}");
        let (_, list) = t.get(&token, "/api/v1/plans").await;
        assert!(!list.as_array().unwrap().iter().any(|p| p["id"] == id), "{other}");
    }
    // The superior sees it but does not edit it; the province sees it too.
    let harbin = t.token("hrb_admin").await;
    let (s, d) = t.get(&harbin, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["rights"]["edit"], false);
    let (s, _) = t
        .send(
            "PUT",
            &harbin,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": []}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.post(&daoli, &format!("/api/v1/plans/{id}/file"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    // The province is not the superior of a county: it cannot answer for the city.
    let province = t.token("hlj_admin").await;
    let (s, _) = t.get(&province, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t
        .post(&province, &format!("/api/v1/plans/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The city's leaders may answer (审核计划), its inspectors see no plans.
    let head = t.token("hrb_head").await;
    let (s, d) = t
        .post(
            &head,
            &format!("/api/v1/plans/{id}/acknowledge"),
            json!({"comment": "同意"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let inspector = t.token("hrb_inspector").await;
    let (s, _) = t.get(&inspector, "/api/v1/plans").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // An executing unit does not make plans.
    let (s, body) = t.post(&inspector, "/api/v1/plans", json!({"year": 2027})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
}

async fn the_estimate_is_the_ratio_of_the_objects_in_scope_now(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let (_, key) = items(&t, &daoli).await;
    // The population: the active enterprises of the item's 适用企业类型, not
    // every enterprise of the directory.
    let kinds: Vec<&str> = key["enterprise_kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["建筑业企业"], "{key}");
    let (_, page) = t
        .get(
            &daoli,
            "/api/v1/objects?kind=enterprise&department=230102&active=true&page_size=200",
        )
        .await;
    let all = page["items"].as_array().unwrap();
    assert_eq!(all.len() as u64, page["total"].as_u64().unwrap(), "one page holds them");
    let enterprises = all
        .iter()
        .filter(|o| {
            o["fields"].as_array().unwrap().iter().any(|f| {
                f["name"] == "企业类别" && f["value"].as_str().unwrap().split('、').any(|k| kinds.contains(&k))
            })
        })
        .count() as u64;
    assert!(
        enterprises > 5 && enterprises < all.len() as u64,
        "{enterprises} of {}",
        all.len()
    );
    let id = new_plan(&t, &daoli, 2027).await;
    let (s, d) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [entry(&key, "10%", &[5])]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["entries"][0]["population"].as_u64().unwrap(), enterprises);
    assert_eq!(d["entries"][0]["estimate"].as_u64().unwrap(), enterprises.div_ceil(10));
    // Live: one more enterprise in the directory changes the population now.
    t.enterprise(&daoli, "230102", "230102", 900).await;
    let (_, d) = t.get(&daoli, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(d["entries"][0]["population"].as_u64().unwrap(), enterprises + 1);
    // Limited to class D: only D objects and the flagged ones.
    let (s, d) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [{"item_version_id": key["version_id"], "ratio": "100%", "months": [5], "risk_classes": ["D"]}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let d_only = d["entries"][0]["population"].as_u64().unwrap();
    assert!(d_only < enterprises + 1 && d_only > 0, "{d_only} of {enterprises}");
    assert_eq!(d["entries"][0]["estimate"].as_u64().unwrap(), d_only);
}

async fn filing_after_the_tenth_of_march_is_shown_late_to_both_sides(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let (general, _) = items(&t, &daoli).await;
    let today = t.now().with_timezone(&spotcheck_app::actor::china()).date_naive();
    let this_year: i32 = today.format("%Y").to_string().parse().unwrap();
    // Last year's plan filed today: its deadline (10 March of last year) has passed.
    let last = this_year - 1;
    let id = new_plan(&t, &daoli, last).await;
    let (_, d) = t
        .send(
            "PUT",
            &daoli,
            &format!("/api/v1/plans/{id}/entries"),
            json!({"entries": [entry(&general, "1%", &[12])]}),
        )
        .await;
    let deadline = chrono::NaiveDate::from_ymd_opt(last, 3, 10).unwrap();
    let days = (today - deadline).num_days();
    assert_eq!(d["plan"]["filing_late"], true, "{d}");
    assert_eq!(
        d["plan"]["filing"],
        format!("已逾期{days}天未报备（截止{last}年3月10日）"),
        "shown before filing"
    );
    let (_, d) = t.post(&daoli, &format!("/api/v1/plans/{id}/file"), json!({})).await;
    let label = format!("逾期{days}天报备（截止{last}年3月10日）");
    assert_eq!(d["plan"]["filing"], label, "{d}");
    // The superior sees the same label.
    let harbin = t.token("hrb_admin").await;
    let (_, waiting) = t.get(&harbin, "/api/v1/plans/awaiting").await;
    let p = waiting
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(p["filing"], label);
    assert_eq!(p["filing_late"], true);
    // Next year's plan filed now is on time.
    let next = new_plan(&t, &daoli, this_year + 1).await;
    let (_, d) = t.get(&daoli, &format!("/api/v1/plans/{next}")).await;
    assert!(d["plan"]["filing"].as_str().unwrap().starts_with("距报备截止"), "{d}");
    t.send(
        "PUT",
        &daoli,
        &format!("/api/v1/plans/{next}/entries"),
        json!({"entries": [entry(&general, "1%", &[3])]}),
    )
    .await;
    let (_, d) = t.post(&daoli, &format!("/api/v1/plans/{next}/file"), json!({})).await;
    assert_eq!(d["plan"]["filing_late"], false);
    assert_eq!(
        d["plan"]["filing"],
        format!("按期报备（截止{}年3月10日）", this_year + 1)
    );
}

/// The demo year shows every stage on the public site and in the lists.
async fn the_demo_has_plans_at_every_stage(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let list: Value = t.public_json("/public/plans.json?year=2026").await;
    let public: Vec<(String, i64, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["department_code"].as_str().unwrap().to_string(),
                p["version"].as_i64().unwrap(),
                p["status"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        public.contains(&("230102".into(), 1, "superseded".into())),
        "{public:?}"
    );
    assert!(public.contains(&("230102".into(), 2, "published".into())), "{public:?}");
    assert!(public.contains(&("230000".into(), 1, "published".into())), "{public:?}");
    assert!(
        !public.iter().any(|p| p.0 == "230103" || p.0 == "230200"),
        "filed and returned plans are not public"
    );
    let harbin = t.token("hrb_admin").await;
    let (_, waiting) = t.get(&harbin, "/api/v1/plans/awaiting").await;
    assert!(
        waiting
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["department_code"] == "230103" && p["filing_late"] == true),
        "{waiting}"
    );
    // Loading the demo again adds nothing.
    let again = t.app.load_demo().await.unwrap();
    assert_eq!(again.plans_added, 0);
}

async fn the_province_records_its_outside_filing_with_a_comment(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let province = t.token("hlj_admin").await;
    let (general, _) = items(&t, &province).await;
    let id = new_plan(&t, &province, 2027).await;
    t.send(
        "PUT",
        &province,
        &format!("/api/v1/plans/{id}/entries"),
        json!({"entries": [entry(&general, "1%", &[5])]}),
    )
    .await;
    let (s, d) = t.post(&province, &format!("/api/v1/plans/{id}/file"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["superior_name"], Value::Null);
    assert_eq!(d["rights"]["acknowledge"], true);
    let (s, body) = t
        .post(&province, &format!("/api/v1/plans/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("住房和城乡建设部"));
    let (s, d) = t
        .post(
            &province,
            &format!("/api/v1/plans/{id}/acknowledge"),
            json!({"comment": "2027年3月5日经部监管平台报备"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["plan"]["status"]["code"], "acknowledged");
}

async fn the_plan_pages_render_and_their_forms_work(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let mut b = t.browser("daoli_admin").await;
    b.refresh_csrf("/plans").await;
    let html = b.get("/plans").await.text().await.unwrap();
    assert!(
        html.contains("年度抽查计划") && html.contains("新建本部门年度抽查计划"),
        "{html}"
    );
    let r = b.form("/plans", &[("year", "2027"), ("copy_from_year", "")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location
        .trim_start_matches("/plans/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let html = b.get(&location).await.text().await.unwrap();
    assert!(
        html.contains("已新建计划草稿") && html.contains("添加计划事项"),
        "{html}"
    );
    // The item list says which enterprises each item applies to.
    assert!(html.contains("企业：房地产开发企业"), "{html}");
    let token = t.token("daoli_admin").await;
    let (general, _) = items(&t, &token).await;
    let version = general["version_id"].to_string();
    // A refused entry shows the form again with the reason and the values.
    let r = b
        .form(
            &format!("/plans/{id}/entries"),
            &[("item_version_id", version.as_str()), ("ratio", "99%"), ("months", "4")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("比例上限") && html.contains("value=\"99%\""), "{html}");
    let r = b
        .form(
            &format!("/plans/{id}/entries"),
            &[
                ("item_version_id", version.as_str()),
                ("ratio", "1%"),
                ("months", "4"),
                ("months", "9"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(html.contains("4月、9月") && html.contains("报备"), "{html}");
    let r = b.form(&format!("/plans/{id}/file"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The superior's page offers the answer; a return without a comment is refused on the page.
    let mut h = t.browser("hrb_admin").await;
    h.refresh_csrf("/plans").await;
    let html = h.get("/plans").await.text().await.unwrap();
    assert!(html.contains("待本部门确认的报备") && html.contains("道里区"), "{html}");
    let r = h.form(&format!("/plans/{id}/return"), &[("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("退回意见不能为空"));
    let r = h.form(&format!("/plans/{id}/acknowledge"), &[("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b.form(&format!("/plans/{id}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = t.public_text("/public/plans").await;
    assert!(html.contains("道里区") && html.contains("2027年度"), "{html}");
}
