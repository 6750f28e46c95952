//! 随机抽查事项清单: who may change it, versions that never change once
//! published, 第八条's ratio cap, withdrawal, the audit trail, the pages and
//! the demo list.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    only_the_province_changes_the_list_and_everyone_reads_it,
    a_revision_is_a_new_version_and_the_old_one_stays_unchanged,
    a_general_item_above_its_cap_is_refused_naming_the_field,
    withdrawal_is_a_version_not_a_deletion,
    item_changes_are_audited_with_digests,
    the_list_filters_by_category_object_level_field_and_status,
    the_pages_render_for_an_inspector_and_the_province_uses_the_forms,
    the_demo_loads_a_realistic_list_once,
);

fn new_item() -> Value {
    json!({
        "name": "城市供水水质督察",
        "sub_item": "",
        "category": "一般",
        "object_kind": "企业",
        "enterprise_kinds": ["排水户"],
        "check_points": "1. 出厂水水质检测记录是否完整\n2. 水质检测项目和频次是否符合标准\n3. 水质不合格时是否按规定报告和处置",
        "methods": ["实地核查", "检验检测"],
        "ratio": "3%",
        "ratio_cap": "5%",
        "frequency": "每年一次",
        "levels": ["市", "县"],
        "legal_basis": ["《城市供水条例》第二十条"],
        "fields": ["城镇排水"],
        "effective_date": "2026-03-01"
    })
}

/// The current content of an item as a revision body (plus reason and date).
pub fn revision_of(current: &Value, reason: &str, date: &str) -> Value {
    json!({
        "name": current["name"],
        "sub_item": current["sub_item"].as_str().unwrap_or(""),
        "category": current["category"],
        "object_kind": current["object_kind"],
        "enterprise_kinds": current["enterprise_kinds"],
        "check_points": current["check_points"],
        "methods": current["methods"],
        "ratio": current["ratio"],
        "ratio_cap": current["ratio_cap"].as_str().unwrap_or(""),
        "frequency": current["frequency"],
        "levels": current["levels"],
        "legal_basis": current["legal_basis"].as_array().unwrap().iter().map(|b| b["text"].clone()).collect::<Vec<_>>(),
        "fields": current["fields"],
        "reason": reason,
        "effective_date": date,
    })
}

async fn create(t: &TestApp, token: &str) -> Value {
    let (s, body) = t.post(token, "/api/v1/items", new_item()).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    body
}

async fn only_the_province_changes_the_list_and_everyone_reads_it(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let county = t.token("daoli_admin").await;
    let (s, body) = t.post(&county, "/api/v1/items", new_item()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    let mut revision = new_item();
    revision["reason"] = json!("调整");
    let (s, _) = t.post(&county, "/api/v1/items/ZJ001/versions", revision).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .post(
            &county,
            "/api/v1/items/ZJ001/withdraw",
            json!({"reason": "法规废止", "effective_date": "2026-03-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Reading is for every logged-in role.
    for who in ["daoli_admin", "hrb_inspector", "hlj_auditor", "hrb_head"] {
        let token = t.token(who).await;
        let (s, page) = t.get(&token, "/api/v1/items").await;
        assert_eq!(s, StatusCode::OK, "{who}: {page}");
        assert!(page["total"].as_u64().unwrap() >= 15);
        let (s, item) = t.get(&token, "/api/v1/items/ZJ001").await;
        assert_eq!(s, StatusCode::OK, "{who}: {item}");
        assert_eq!(item["code"], "ZJ001");
    }
    let (s, body) = t.get(&county, "/api/v1/items/ZJ999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (s, _) = t.get(&county, "/api/v1/items/230102").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Without a session: 401.
    let (s, _) = t.get("nonsense", "/api/v1/items").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn a_revision_is_a_new_version_and_the_old_one_stays_unchanged(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    let (_, before) = t.get(&admin, "/api/v1/items?page_size=1").await;
    let created = create(&t, &admin).await;
    let code = created["code"].as_str().unwrap().to_string();
    // Codes are assigned in order after the demo's.
    assert_eq!(code, format!("ZJ{:03}", before["total"].as_u64().unwrap() + 1));
    let v1 = created["current"].clone();
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["status"], "published");
    assert_eq!(v1["ratio"], "3%");
    assert_eq!(v1["ratio_bp"], 300);
    assert_eq!(v1["ratio_cap"], "5%");
    assert_eq!(v1["effective_date"], "2026-03-01");
    assert_eq!(v1["change_reason"], "首次发布");
    assert_eq!(v1["published_by"], "hlj_admin");
    assert_eq!(v1["published_by_name"], "王建国");
    assert_eq!(v1["methods"], json!(["on_site", "testing"]));
    assert_eq!(v1["levels"], json!(["city", "county"]));
    assert_eq!(v1["check_points"].as_array().unwrap().len(), 3);
    assert_eq!(
        v1["check_points"][0], "出厂水水质检测记录是否完整",
        "typed numbering is dropped"
    );
    assert_eq!(v1["legal_basis"][0]["law"], "城市供水条例");
    assert_eq!(v1["legal_basis"][0]["article"], "第二十条");

    // A revision needs a reason and a date not before the current version's.
    let path = format!("/api/v1/items/{code}/versions");
    let mut body = revision_of(&v1, "", "2026-02-01");
    body["ratio"] = json!("4%");
    let (s, e) = t.post(&admin, &path, body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "reason");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("调整原因不能为空"), "{msg}");
    assert!(
        msg.contains("生效日期（2026-02-01）不能早于上一版本的生效日期（2026-03-01）"),
        "{msg}"
    );
    // Nothing changed: no version.
    let (s, e) = t
        .post(&admin, &path, revision_of(&v1, "复核无变化", "2026-04-01"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["message"].as_str().unwrap().contains("没有任何改动"));

    body["reason"] = json!("《城市供水水质管理规定》修订，抽查比例调整为4%，比例上限调整为6%");
    body["ratio_cap"] = json!("6%");
    body["effective_date"] = json!("2026-07-01");
    let (s, revised) = t.post(&admin, &path, body).await;
    assert_eq!(s, StatusCode::CREATED, "{revised}");
    let v2 = &revised["current"];
    assert_eq!(v2["version"], 2);
    assert_ne!(v2["id"], v1["id"], "a new version row");
    assert_eq!(v2["ratio"], "4%");
    assert_eq!(v2["ratio_cap"], "6%");
    assert_eq!(v2["effective_date"], "2026-07-01");
    assert_eq!(v2["changes"], json!(["抽查比例：3% → 4%", "比例上限：5% → 6%"]));

    // The old version is still there, exactly as it was published.
    let (s, detail) = t.get(&admin, &format!("/api/v1/items/{code}")).await;
    assert_eq!(s, StatusCode::OK);
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 2, "newest first");
    assert_eq!(versions[1], v1, "version 1 unchanged");
    assert_eq!(detail["current"]["version"], 2);
    // The list shows the current version.
    let (_, page) = t.get(&admin, &format!("/api/v1/items?q={code}")).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["current"]["version"], 2);

    // A same-named item cannot be added twice while it is in force.
    let (s, e) = t.post(&admin, "/api/v1/items", new_item()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "name");
    assert!(e["error"]["message"].as_str().unwrap().contains(&code));
}

async fn a_general_item_above_its_cap_is_refused_naming_the_field(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    let (_, before) = t.get(&admin, "/api/v1/items?page_size=1").await;
    let mut body = new_item();
    body["ratio"] = json!("8%");
    let (s, e) = t.post(&admin, "/api/v1/items", body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "validation_failed");
    assert_eq!(e["error"]["field"], "ratio");
    assert_eq!(
        e["error"]["message"],
        "抽查比例（8%）不能高于本事项的比例上限（5%），请调低抽查比例或先调整比例上限"
    );
    // A 一般 item needs a cap; a 重点 item has none and may go up to 100 %.
    body["ratio_cap"] = json!("");
    let (_, e) = t.post(&admin, "/api/v1/items", body.clone()).await;
    assert_eq!(e["error"]["field"], "ratio_cap");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("一般检查事项须设置比例上限")
    );
    body["ratio"] = json!("0.05");
    let (_, e) = t.post(&admin, "/api/v1/items", body.clone()).await;
    assert!(e["error"]["message"].as_str().unwrap().contains("含义不明确"), "{e}");
    body["category"] = json!("重点");
    body["ratio"] = json!("100%");
    let (s, ok) = t.post(&admin, "/api/v1/items", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{ok}");
    assert_eq!(ok["current"]["ratio_cap"], Value::Null);
    assert_eq!(ok["current"]["category_label"], "重点");
    // Every problem at once, first field named.
    let (s, e) = t.post(&admin, "/api/v1/items", json!({"name": "无内容事项"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "category");
    let msg = e["error"]["message"].as_str().unwrap();
    for part in [
        "事项类别",
        "检查对象类型",
        "抽查内容",
        "检查方式",
        "抽查比例",
        "抽查频次",
        "实施层级",
        "检查依据",
        "专业领域",
    ] {
        assert!(msg.contains(part), "{part} in {msg}");
    }
    // Refused items left nothing behind.
    let (_, after) = t.get(&admin, "/api/v1/items?page_size=1").await;
    assert_eq!(after["total"].as_u64().unwrap(), before["total"].as_u64().unwrap() + 1);
}

async fn withdrawal_is_a_version_not_a_deletion(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    let created = create(&t, &admin).await;
    let code = created["code"].as_str().unwrap();
    let path = format!("/api/v1/items/{code}/withdraw");
    let (s, e) = t
        .post(&admin, &path, json!({"reason": "", "effective_date": "2026-05-01"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "reason");
    assert!(e["error"]["message"].as_str().unwrap().starts_with("撤销原因不能为空"));
    let (s, w) = t
        .post(
            &admin,
            &path,
            json!({"reason": "《城市供水条例》相关条款废止", "effective_date": "2026-05-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    assert_eq!(w["current"]["version"], 2);
    assert_eq!(w["current"]["status"], "withdrawn");
    assert_eq!(w["current"]["status_label"], "已撤销");
    assert_eq!(w["current"]["changes"], json!(["状态：已发布 → 已撤销"]));
    assert_eq!(w["versions"][1], created["current"], "version 1 kept as it was");
    // Still listed (as 已撤销), not deleted.
    let (_, page) = t.get(&admin, "/api/v1/items?status=withdrawn&page_size=200").await;
    assert!(page["items"].as_array().unwrap().iter().any(|i| i["code"] == code));
    let (_, page) = t.get(&admin, "/api/v1/items?status=published&page_size=200").await;
    assert!(!page["items"].as_array().unwrap().iter().any(|i| i["code"] == code));
    // A withdrawn item is neither revised nor withdrawn again.
    let (s, e) = t
        .post(
            &admin,
            &format!("/api/v1/items/{code}/versions"),
            revision_of(&created["current"], "恢复", "2026-06-01"),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("已于 2026-05-01 撤销"));
    let (s, _) = t
        .post(
            &admin,
            &path,
            json!({"reason": "再次撤销", "effective_date": "2026-06-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The same name may be added again as a new item once the old one is withdrawn.
    let (s, again) = t.post(&admin, "/api/v1/items", new_item()).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert_ne!(again["code"], code);
}

async fn item_changes_are_audited_with_digests(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    let created = create(&t, &admin).await;
    let code = created["code"].as_str().unwrap();
    let mut body = revision_of(&created["current"], "比例调整", "2026-04-01");
    body["ratio"] = json!("2%");
    let (s, _) = t.post(&admin, &format!("/api/v1/items/{code}/versions"), body).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = t
        .post(
            &admin,
            &format!("/api/v1/items/{code}/withdraw"),
            json!({"reason": "法规废止", "effective_date": "2026-05-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let auditor = t.token("hlj_auditor").await;
    let (s, page) = t
        .get(&auditor, &format!("/api/v1/audit?target_type=item&target_id={code}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let entries = page["items"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["item.withdrawn", "item.revised", "item.created"],
        "newest first"
    );
    for e in entries {
        assert_eq!(e["actor"], "hlj_admin");
        assert_eq!(e["after_digest"].as_str().unwrap().len(), 64, "{e}");
    }
    assert_eq!(entries[2]["before_digest"], "", "a creation has no before state");
    for e in &entries[..2] {
        assert_eq!(e["before_digest"].as_str().unwrap().len(), 64);
        assert_ne!(e["before_digest"], e["after_digest"]);
    }
    // Each change's before is the previous change's after.
    assert_eq!(entries[1]["before_digest"], entries[2]["after_digest"]);
    assert_eq!(entries[0]["before_digest"], entries[1]["after_digest"]);
    assert!(entries[1]["summary"].as_str().unwrap().contains("抽查比例：3% → 2%"));
    assert!(entries[1]["summary"].as_str().unwrap().contains("原因：比例调整"));
    // The demo's items are audited too, and the chain verifies.
    let (_, demo) = t
        .get(&auditor, "/api/v1/audit?action=item.created&actor=system&page_size=1")
        .await;
    assert!(demo["total"].as_u64().unwrap() >= 15);
    let (s, chain) = t.post(&auditor, "/api/v1/audit/verify", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{chain}");
    assert_eq!(chain["intact"], true, "{chain}");
}

async fn the_list_filters_by_category_object_level_field_and_status(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let token = t.token("hrb_inspector").await;
    let all = |q: &'static str| {
        let t = &t;
        let token = token.clone();
        async move {
            let (s, page) = t.get(&token, &format!("/api/v1/items?page_size=200&{q}")).await;
            assert_eq!(s, StatusCode::OK, "{q}: {page}");
            page["items"].as_array().unwrap().clone()
        }
    };
    let key = all("category=key").await;
    assert!(!key.is_empty());
    assert!(key.iter().all(|i| i["current"]["category"] == "key"));
    let general = all("category=一般").await;
    assert!(general.iter().all(|i| i["current"]["ratio_cap"].is_string()));
    let people = all("object_kind=practitioner").await;
    assert!(people.len() >= 3);
    assert!(people.iter().all(|i| i["current"]["object_kind_label"] == "从业人员"));
    let county = all("level=county").await;
    assert!(
        county
            .iter()
            .all(|i| i["current"]["levels"].as_array().unwrap().contains(&json!("county")))
    );
    let fire = all("field=消防").await;
    assert_eq!(fire.len(), 1, "alias 消防 = 消防设计审查验收");
    assert_eq!(fire[0]["current"]["name"], "建设工程消防设计审查验收检查");
    let gas = all("q=燃气").await;
    assert_eq!(gas.len(), 1);
    let withdrawn = all("status=已撤销").await;
    assert!(withdrawn.iter().all(|i| i["current"]["status"] == "withdrawn"));
    assert_eq!(all("q=%25").await.len(), 0, "LIKE wildcards are literal");
    let (s, e) = t.get(&token, "/api/v1/items?level=乡").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "level");
    // Paging.
    let (_, p1) = t.get(&token, "/api/v1/items?page_size=10&page=1").await;
    let (_, p2) = t.get(&token, "/api/v1/items?page_size=10&page=2").await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 10);
    assert_ne!(p1["items"][0]["code"], p2["items"][0]["code"]);
    assert_eq!(p1["items"][0]["code"], "ZJ001");
}

async fn the_pages_render_for_an_inspector_and_the_province_uses_the_forms(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let inspector = t.browser("hrb_inspector").await;
    let r = inspector.get("/items").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("随机抽查事项清单"));
    assert!(html.contains(">抽查事项清单</a>"), "menu entry");
    assert!(html.contains("ZJ001") && html.contains("建筑业企业资质动态核查"));
    assert!(html.contains("共 25 条"), "the demo list and its count");
    assert!(!html.contains("新增事项"), "only the province adds items");
    assert!(!html.contains("style="), "no inline styles (CSP)");
    let r = inspector.get("/items?category=key&level=county").await;
    let html = r.text().await.unwrap();
    assert!(html.contains("商品房预售及预售资金监管检查"));
    assert!(!html.contains("注册建造师执业行为检查"));
    // The detail page: every field, numbered check points, history with changes.
    let code = {
        let token = t.token("hrb_inspector").await;
        let (_, page) = t.get(&token, "/api/v1/items?q=消防设计审查验收").await;
        page["items"][0]["code"].as_str().unwrap().to_string()
    };
    let html = inspector.get(&format!("/items/{code}")).await.text().await.unwrap();
    assert!(html.contains("<ol class=\"points\">"));
    assert!(html.contains("版本记录"));
    assert!(html.contains("住建部令第58号"));
    assert!(html.contains("检查依据：增加"), "what changed versus version 1");
    assert!(!html.contains("发布调整版本") && !html.contains("撤销事项"));
    let html = inspector
        .get(&format!("/items/{code}?version=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("您正在查看第1版"));
    assert_eq!(
        inspector.get(&format!("/items/{code}?version=9")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(inspector.get("/items/ZJ999").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(inspector.get("/items/new").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        inspector.get("/items/ZJ001/revise").await.status(),
        StatusCode::FORBIDDEN
    );

    // The province: the new form, a refusal with messages under the fields, then success.
    let mut admin = t.browser("hlj_admin").await;
    let html = admin.get("/items").await.text().await.unwrap();
    assert!(html.contains("新增事项"));
    admin.refresh_csrf("/items/new").await;
    let fields: Vec<(&str, &str)> = vec![
        ("name", "城镇房屋安全管理检查"),
        ("category", "general"),
        ("object_kind", "enterprise"),
        ("enterprise_kinds", "物业服务企业"),
        ("check_points", "是否建立房屋安全巡查制度\n是否对房屋安全隐患及时报告"),
        ("methods", "on_site"),
        ("methods", "documentary"),
        ("ratio", "8%"),
        ("ratio_cap", "5%"),
        ("frequency", "每年一次"),
        ("levels", "city"),
        ("levels", "county"),
        ("legal_basis", "《城市危险房屋管理规定》"),
        ("fields", "物业管理"),
        ("effective_date", "2026-03-01"),
    ];
    let r = admin.form("/items", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<div class=\"err\">抽查比例（8%）不能高于本事项的比例上限（5%）"),
        "{html}"
    );
    assert!(
        html.contains("value=\"城镇房屋安全管理检查\""),
        "what was typed is kept"
    );
    assert!(html.contains("value=\"county\" checked"), "checkboxes keep their state");
    let mut fixed = fields.clone();
    fixed.retain(|(k, _)| *k != "ratio");
    fixed.push(("ratio", "5%"));
    let r = admin.form("/items", &fixed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, "/items/ZJ026?ok=created");
    let html = admin.get(&location).await.text().await.unwrap();
    assert!(html.contains("已新增事项 ZJ026"));
    assert!(html.contains("城镇房屋安全管理检查"));
    assert!(html.contains("data-confirm=\"将撤销抽查事项 ZJ026"));

    // The revise form is prefilled and requires a reason.
    let html = admin.get("/items/ZJ026/revise").await.text().await.unwrap();
    assert!(html.contains("是否建立房屋安全巡查制度\n是否对房屋安全隐患及时报告"));
    assert!(html.contains("value=\"5%\""));
    let mut revised = fixed.clone();
    revised.retain(|(k, _)| *k != "effective_date");
    revised.push(("effective_date", "2026-06-01"));
    revised.push(("check_points", "是否建立房屋使用安全档案"));
    let r = admin.form("/items/ZJ026/revise", &revised).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("<div class=\"err\">调整原因不能为空"));
    revised.push(("reason", "增加房屋使用安全档案检查要点"));
    let r = admin.form("/items/ZJ026/revise", &revised).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = admin.get("/items/ZJ026?ok=revised").await.text().await.unwrap();
    assert!(html.contains("已发布第2版"));
    assert!(html.contains("抽查内容：增加“是否建立房屋使用安全档案”"));

    // Withdraw: a wrong date is shown in the withdrawal panel; then it works.
    let r = admin
        .form(
            "/items/ZJ026/withdraw",
            &[("reason", "职责调整"), ("effective_date", "2026-01-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("不能早于上一版本的生效日期（2026-06-01）")
    );
    let r = admin
        .form(
            "/items/ZJ026/withdraw",
            &[("reason", "职责调整"), ("effective_date", "2026-07-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = admin.get("/items/ZJ026").await.text().await.unwrap();
    assert!(html.contains("已撤销") || html.contains("待撤销"));
    assert!(!html.contains("发布调整版本"));
    // A form without the CSRF token is refused.
    let r = admin
        .client
        .post(admin.url("/items/ZJ001/withdraw"))
        .form(&[("reason", "x"), ("effective_date", "2026-07-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn the_demo_loads_a_realistic_list_once(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let token = t.token("hrb_inspector").await;
    let (s, page) = t.get(&token, "/api/v1/items?page_size=200").await;
    assert_eq!(s, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 15, "{}", items.len());
    assert_eq!(page["total"].as_u64().unwrap() as usize, items.len());
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["code"], format!("ZJ{:03}", i + 1));
        let v = &item["current"];
        assert!(!v["legal_basis"].as_array().unwrap().is_empty(), "{}", item["code"]);
        let points = v["check_points"].as_array().unwrap().len();
        assert!((4..=8).contains(&points), "{}: {points}", item["code"]);
        assert!(!v["fields"].as_array().unwrap().is_empty());
        if v["category"] == "general" {
            assert!(v["ratio_bp"].as_u64() <= v["ratio_cap_bp"].as_u64(), "{}", item["code"]);
        }
    }
    let revised = items
        .iter()
        .filter(|i| i["current"]["version"].as_i64() >= Some(2))
        .count();
    assert!(revised >= 2, "version history in the demo");
    assert!(items.iter().any(|i| i["current"]["status"] == "withdrawn"));
    // Loading again adds nothing.
    let report = t.app.load_demo().await.unwrap();
    assert_eq!(report.items_added, 0);
    let (_, again) = t.get(&token, "/api/v1/items?page_size=200").await;
    assert_eq!(again["total"], page["total"]);
    assert_eq!(again["items"], page["items"]);
}
