//! 第三条: inspections outside 双随机 — recording, the refusals, the
//! jurisdiction, voiding and its audit, the pages, and the 第十二条 fact
//! (`store::outside::compliant_item_codes`) on both backends.

use crate::support::{self, TestApp};
use chrono::{Datelike, Duration};
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;
use std::collections::HashSet;

on_both_backends!(
    records_an_inspection_outside_double_random,
    refuses_bad_input_in_chinese,
    refuses_objects_and_records_outside_the_jurisdiction,
    voids_with_a_reason_and_audits_both_steps,
    compliant_item_codes_counts_only_compliant_records_in_force,
    the_pages_record_and_void,
);

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or("")
}

/// The current version of the first item on the list with this object kind
/// and category (`general` / `key`).
pub async fn item_version(t: &TestApp, token: &str, kind: &str, category: &str) -> i64 {
    let (s, items) = t.get(token, "/api/v1/plans/items").await;
    assert_eq!(s, StatusCode::OK, "{items}");
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["object_kind"]["code"] == kind && i["category"]["code"] == category)
        .unwrap_or_else(|| panic!("no {category} item for {kind}"))["version_id"]
        .as_i64()
        .unwrap()
}

/// Records an inspection of `object_id` through the API (one 一般 enterprise
/// item found compliant, today); returns the record's id.
pub async fn record(t: &TestApp, token: &str, object_id: i64) -> i64 {
    let general = item_version(t, token, "enterprise", "general").await;
    let (s, d) = t
        .post(
            token,
            "/api/v1/outside-inspections",
            json!({"object_id": object_id, "reason": "投诉举报", "basis": "12345热线工单 T-1",
                   "inspection_date": t.app.today().to_string(),
                   "inspectors": "王检查（23010020190009）、李检查（23010020190010）",
                   "items": [{"item_version_id": general, "result": "符合"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d["inspection"]["id"].as_i64().unwrap()
}

fn days_ago(t: &TestApp, n: i64) -> String {
    (t.app.today() - Duration::days(n)).to_string()
}

/// Records in force dated this year, counted from the list (the demo's are
/// dated in 2026, so how many fall in "this year" depends on the calendar).
async fn in_force_this_year(t: &TestApp, token: &str, reason: Option<&str>) -> u64 {
    let (_, list) = t
        .get(token, "/api/v1/outside-inspections?voided=false&page_size=200")
        .await;
    let year = t.app.today().year().to_string();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["inspection_date"].as_str().unwrap().starts_with(&year))
        .filter(|r| reason.is_none_or(|c| r["reason"]["code"] == c))
        .count() as u64
}

async fn records_an_inspection_outside_double_random(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let hrb = t.token("hrb_admin").await;
    let object = t.enterprise(&hrb, "230100", "230102", 71).await;
    let code = support::credit_code("230102", 71);
    let general = item_version(&t, &hrb, "enterprise", "general").await;
    let key = item_version(&t, &hrb, "enterprise", "key").await;
    let (s, d) = t
        .post(
            &hrb,
            "/api/v1/outside-inspections",
            json!({"object_kind": "企业", "object_code": code, "reason": "投诉举报",
                   "basis": "12345热线工单 HRB2026-0001", "inspection_date": t.app.today().to_string(),
                   "inspectors": "赵明（23010020190001）、马骏（23010020190002）", "note": "投诉属实",
                   "items": [{"item_version_id": general, "result": "符合"},
                             {"item_version_id": key, "result": "noncompliant"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let r = &d["inspection"];
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["object_id"], object);
    assert_eq!(r["object_code"], code.as_str());
    assert_eq!(r["reason"]["code"], "complaint_or_discovery");
    assert_eq!(r["clause"], "第三条第（二）项");
    assert_eq!(r["department_code"], "230100");
    assert_eq!(r["voided"], false);
    assert_eq!(r["items"][0]["result"]["label"], "符合");
    assert_eq!(r["items"][1]["result"]["code"], "noncompliant");
    assert_eq!(d["can_void"], true);

    // Listed newest first with the demo's three, counted in its own figures.
    let (_, list) = t.get(&hrb, "/api/v1/outside-inspections").await;
    assert_eq!(list["total"], 4, "{list}");
    assert_eq!(list["items"][0]["id"], id);
    let (_, list) = t.get(&hrb, "/api/v1/outside-inspections?reason=safety_incident").await;
    assert_eq!(list["total"], 1);
    let year = t.app.today().year();
    let (_, figures) = t
        .get(&hrb, &format!("/api/v1/outside-inspections/figures?year={year}"))
        .await;
    assert_eq!(figures["total"], in_force_this_year(&t, &hrb, None).await, "{figures}");
    let complaints = figures["by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"]["code"] == "complaint_or_discovery")
        .unwrap();
    let expected = in_force_this_year(&t, &hrb, Some("complaint_or_discovery")).await;
    assert!(expected >= 1);
    assert_eq!(complaints["count"], expected);

    // Not a draw: 第十四条's count of draws per object does not see it.
    let draws = spotcheck_store::tasks::draws_per_code(t.app.store().conn(), "enterprise", year, 0)
        .await
        .unwrap();
    assert!(!draws.contains_key(&code));

    // A leader reads it but may not record; an inspector does neither.
    let head = t.token("hrb_head").await;
    let (s, _) = t.get(&head, &format!("/api/v1/outside-inspections/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t
        .post(&head, "/api/v1/outside-inspections", json!({"object_id": object}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let inspector = t.token("hrb_inspector").await;
    let (s, _) = t.get(&inspector, "/api/v1/outside-inspections").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The audit trail has the entry.
    let auditor = t.token("hlj_auditor").await;
    let (_, audit) = t
        .get(
            &auditor,
            &format!("/api/v1/audit?action=outside.recorded&target_id={id}"),
        )
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    let e = &audit["items"][0];
    assert_eq!(e["actor"], "hrb_admin");
    assert_eq!(e["target_department"], "230100");
    assert!(e["summary"].as_str().unwrap().contains("第三条第（二）项"), "{e}");
}

async fn refuses_bad_input_in_chinese(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let hrb = t.token("hrb_admin").await;
    let object = t.enterprise(&hrb, "230100", "230102", 72).await;
    let general = item_version(&t, &hrb, "enterprise", "general").await;
    let practitioner_item = item_version(&t, &hrb, "practitioner", "general").await;
    let good = json!({"object_id": object, "reason": "superior_deployment", "basis": "哈建发〔2026〕45号",
        "inspection_date": days_ago(&t, 1), "inspectors": "赵明、马骏",
        "items": [{"item_version_id": general, "result": "compliant"}]});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (with("basis", json!("  ")), "basis", "请填写依据"),
        (with("reason", json!("")), "reason", "请选择不适用"),
        (
            with("reason", json!("领导交办")),
            "reason",
            "不是有效的不适用双随机情形",
        ),
        (
            with("inspection_date", json!(days_ago(&t, -2))),
            "inspection_date",
            "晚于今天",
        ),
        (
            with("inspection_date", json!("1999-12-31")),
            "inspection_date",
            "早于2000年",
        ),
        (with("inspection_date", json!("明天")), "inspection_date", "格式不正确"),
        (with("inspectors", json!("")), "inspectors", "请填写检查人员"),
        (with("items", json!([])), "items", "请至少选择一个检查事项"),
        (
            with(
                "items",
                json!([{"item_version_id": practitioner_item, "result": "符合"}]),
            ),
            "items",
            "与本次检查对象（企业）不符",
        ),
        (
            with("items", json!([{"item_version_id": 999_999, "result": "符合"}])),
            "items",
            "不存在",
        ),
        (
            with("items", json!([{"item_version_id": general, "result": "还行"}])),
            "items",
            "应为符合、不符合、不适用之一",
        ),
        (
            with(
                "items",
                json!([{"item_version_id": general, "result": "符合"}, {"item_version_id": general, "result": "不符合"}]),
            ),
            "items",
            "重复",
        ),
        (
            json!({"object_kind": "企业", "object_code": support::credit_code("230102", 99), "reason": "其他",
                   "basis": "x", "inspection_date": days_ago(&t, 1), "inspectors": "x",
                   "items": [{"item_version_id": general, "result": "compliant"}]}),
            "object_code",
            "名录库中没有统一社会信用代码为",
        ),
    ];
    for (body, field, text) in cases {
        let (s, e) = t.post(&hrb, "/api/v1/outside-inspections", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {e}");
        assert_eq!(e["error"]["field"], field, "{e}");
        assert!(message(&e).contains(text), "{body}: expected “{text}” in {e}");
    }
    // A deactivated object is not inspected any more.
    let (s, _) = t
        .post(
            &hrb,
            &format!("/api/v1/objects/{object}/active"),
            json!({"active": false, "reason": "企业已注销"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = t.post(&hrb, "/api/v1/outside-inspections", good.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("已在名录库中停用"), "{e}");
    // Nothing was written by any refusal.
    let (_, list) = t.get(&hrb, "/api/v1/outside-inspections").await;
    assert_eq!(list["total"], 3, "only the demo's records");
}

async fn refuses_objects_and_records_outside_the_jurisdiction(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let nangang = t.token("nangang_admin").await;
    let daoli = t.token("daoli_admin").await;
    let hrb = t.token("hrb_admin").await;
    let other_object = t.enterprise(&nangang, "230103", "230103", 73).await;
    let general = item_version(&t, &daoli, "enterprise", "general").await;
    let body = |object: Value| {
        json!({"object_id": object, "object_kind": "企业", "object_code": support::credit_code("230103", 73),
               "reason": "转办", "basis": "督办单 D-7", "inspection_date": days_ago(&t, 2), "inspectors": "x",
               "items": [{"item_version_id": general, "result": "符合"}]})
    };
    // By id and by code: 南岗's object is not in 道里's directory or below it.
    let (s, e) = t
        .post(&daoli, "/api/v1/outside-inspections", body(json!(other_object)))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "object_id");
    assert!(message(&e).contains("不在您的管辖范围内"), "{e}");
    let (s, e) = t.post(&daoli, "/api/v1/outside-inspections", body(Value::Null)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "object_code");
    // The city may inspect it: 南岗 lies in its jurisdiction.
    let (s, e) = t
        .post(&hrb, "/api/v1/outside-inspections", body(json!(other_object)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let city_record = e["inspection"]["id"].as_i64().unwrap();
    // The city's record is not the county's to see or void.
    let (s, e) = t
        .get(&daoli, &format!("/api/v1/outside-inspections/{city_record}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(message(&e).contains("未找到"), "{e}");
    let (s, _) = t
        .post(
            &daoli,
            &format!("/api/v1/outside-inspections/{city_record}/void"),
            json!({"reason": "误录"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = t.get(&daoli, "/api/v1/outside-inspections").await;
    assert_eq!(list["total"], 0, "{list}");
    // The province sees every department's records.
    let province = t.token("hlj_admin").await;
    let (_, list) = t.get(&province, "/api/v1/outside-inspections").await;
    assert_eq!(list["total"], 4, "{list}");
}

async fn voids_with_a_reason_and_audits_both_steps(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let hrb = t.token("hrb_admin").await;
    let object = t.enterprise(&hrb, "230100", "230102", 74).await;
    let id = record(&t, &hrb, object).await;
    let before = in_force_this_year(&t, &hrb, None).await;
    let path = format!("/api/v1/outside-inspections/{id}/void");
    let (s, e) = t.post(&hrb, &path, json!({"reason": " "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("请填写作废原因"), "{e}");
    let head = t.token("hrb_head").await;
    let (s, _) = t.post(&head, &path, json!({"reason": "误录"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, d) = t
        .post(&hrb, &path, json!({"reason": "检查对象登记错误，已重新登记"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["inspection"]["voided"], true);
    assert_eq!(d["inspection"]["voided_by"], "hrb_admin");
    assert_eq!(d["inspection"]["void_reason"], "检查对象登记错误，已重新登记");
    assert_eq!(d["can_void"], false);
    // Once only.
    let (s, e) = t.post(&hrb, &path, json!({"reason": "再次作废"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(message(&e).contains("已经作废"), "{e}");
    // Kept, marked, and out of the figures.
    let (_, list) = t.get(&hrb, "/api/v1/outside-inspections?voided=true").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    let (_, list) = t.get(&hrb, "/api/v1/outside-inspections?voided=false").await;
    assert_eq!(list["total"], 3);
    let (_, figures) = t.get(&hrb, "/api/v1/outside-inspections/figures").await;
    assert_eq!(figures["total"], before - 1, "{figures}");

    let auditor = t.token("hlj_auditor").await;
    for action in ["outside.recorded", "outside.voided"] {
        let (_, audit) = t
            .get(&auditor, &format!("/api/v1/audit?action={action}&target_id={id}"))
            .await;
        assert_eq!(audit["total"], 1, "{action}: {audit}");
        assert_eq!(audit["items"][0]["target_type"], "outside_inspection");
    }
    let (_, audit) = t
        .get(&auditor, &format!("/api/v1/audit?action=outside.voided&target_id={id}"))
        .await;
    let e = &audit["items"][0];
    assert!(e["summary"].as_str().unwrap().contains("检查对象登记错误"), "{e}");
    assert_ne!(e["before_digest"], e["after_digest"]);
    let (_, v) = t.post(&auditor, "/api/v1/audit/verify", json!({})).await;
    assert_eq!(v["intact"], true);
}

async fn compliant_item_codes_counts_only_compliant_records_in_force(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let hrb = t.token("hrb_admin").await;
    let general = item_version(&t, &hrb, "enterprise", "general").await;
    let mut objects = Vec::new();
    for n in 81..=85 {
        objects.push((
            t.enterprise(&hrb, "230100", "230102", n).await,
            support::credit_code("230102", n),
        ));
    }
    let year = t.app.today().year();
    let post = |object: i64, result: &'static str, date: String| {
        let t = &t;
        let hrb = hrb.clone();
        async move {
            let (s, d) = t
                .post(
                    &hrb,
                    "/api/v1/outside-inspections",
                    json!({"object_id": object, "reason": "other", "basis": "测试", "inspection_date": date,
                           "inspectors": "赵明、马骏", "items": [{"item_version_id": general, "result": result}]}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{d}");
            (
                d["inspection"]["id"].as_i64().unwrap(),
                d["inspection"]["items"][0]["item_id"].as_i64().unwrap(),
            )
        }
    };
    let this_year = t.app.today().to_string();
    let (_, item_id) = post(objects[0].0, "compliant", this_year.clone()).await;
    post(objects[1].0, "noncompliant", this_year.clone()).await;
    post(objects[2].0, "not_applicable", this_year.clone()).await;
    let (voided, _) = post(objects[3].0, "compliant", this_year.clone()).await;
    post(objects[4].0, "compliant", format!("{}-06-01", year - 1)).await;
    let (s, _) = t
        .post(
            &hrb,
            &format!("/api/v1/outside-inspections/{voided}/void"),
            json!({"reason": "结果登记错误"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let db = t.app.store().conn();
    let codes = spotcheck_store::outside::compliant_item_codes(db, item_id, "enterprise", year)
        .await
        .unwrap();
    // Only the un-voided compliant record of this year (the demo's compliant
    // records are for other items or other objects).
    let ours: HashSet<String> = objects.iter().map(|o| o.1.clone()).collect();
    let found: HashSet<String> = codes.intersection(&ours).cloned().collect();
    assert_eq!(found, HashSet::from([objects[0].1.clone()]), "{codes:?}");
    let last_year = spotcheck_store::outside::compliant_item_codes(db, item_id, "enterprise", year - 1)
        .await
        .unwrap();
    assert_eq!(last_year, HashSet::from([objects[4].1.clone()]));
    // Another kind, or an item nobody found compliant: nothing.
    assert!(
        spotcheck_store::outside::compliant_item_codes(db, item_id, "project", year)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        spotcheck_store::outside::compliant_item_codes(db, -1, "enterprise", year)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_pages_record_and_void(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let hrb = t.token("hrb_admin").await;
    t.enterprise(&hrb, "230100", "230102", 76).await;
    let code = support::credit_code("230102", 76);
    let general = item_version(&t, &hrb, "enterprise", "general").await;
    let b = t.browser("hrb_admin").await;
    let html = b.get("/outside-inspections").await.text().await.unwrap();
    assert!(html.contains("登记不适用双随机的检查"), "{html}");
    assert!(html.contains("href=\"/outside-inspections\""), "menu entry");
    assert!(
        html.contains("12345政务服务便民热线工单"),
        "the demo's records are listed"
    );
    assert!(html.contains("突发性安全生产事件"));
    let home = b.get("/").await.text().await.unwrap();
    assert!(
        home.contains("第三条所列情形，不计入随机抽查"),
        "the home figures have their own category"
    );

    let result_field = format!("result_{general}");
    let date = days_ago(&t, 2);
    let mut fields = vec![
        ("reason", "referred_case"),
        ("basis", "省厅交办单 JB-2026-18"),
        ("object_kind", "enterprise"),
        ("object_code", code.as_str()),
        ("inspection_date", date.as_str()),
        ("inspectors", "赵明（23010020190001）、马骏（23010020190002）"),
        ("note", ""),
    ];
    // Refused: no item chosen; the values stay in the form.
    let r = b.form("/outside-inspections", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请至少选择一个检查事项"), "{html}");
    assert!(html.contains("省厅交办单 JB-2026-18"));
    fields.push((result_field.as_str(), "compliant"));
    let r = b.form("/outside-inspections", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?ok=created"), "{location}");
    let html = b.get(&location).await.text().await.unwrap();
    assert!(html.contains("省厅交办单 JB-2026-18"), "{html}");
    assert!(html.contains("第三条第（三）项"));
    assert!(html.contains("作废原因"));

    let path = location.split('?').next().unwrap().to_string();
    let r = b.form(&format!("{path}/void"), &[("reason", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请填写作废原因"));
    let r = b.form(&format!("{path}/void"), &[("reason", "交办单号填错")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b.get(&path).await.text().await.unwrap();
    assert!(html.contains("已作废"), "{html}");
    assert!(html.contains("交办单号填错"));
    assert!(!html.contains("作废原因</label>"), "no second void form");
    // Without the CSRF token the form is refused.
    let r = b
        .client
        .post(b.url("/outside-inspections"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
