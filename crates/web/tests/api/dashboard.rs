//! 监管看板 through the API and the pages: the province sees the demo's
//! finished Harbin task as 逾期未公示 with its working days over; once it is
//! published (late) it moves to 逾期公示; the workbooks open and the page
//! renders with its charts; a county sees only its own part; an inspector
//! sees nothing. The 履职记录 of a task, as PDF and workbook through the API,
//! carries its draws, teams and deadline, and only inside the jurisdiction.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_domain::calendar::WorkCalendar;
use spotcheck_domain::publication::{DeadlineState, PUBLISH_WORKDAYS, deadline};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    the_dashboard_shows_overdue_results_until_and_after_publication,
    the_duty_record_of_a_task_as_pdf_and_workbook,
);

fn results_entries(v: &Value) -> Vec<Value> {
    v["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"]["code"].as_str().unwrap().starts_with("results_"))
        .cloned()
        .collect()
}

async fn the_dashboard_shows_overdue_results_until_and_after_publication(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let province = t.token("hlj_admin").await;
    let harbin = t.token("hrb_admin").await;
    let id = crate::publication::finished_task(&t, &harbin).await;
    let cal = WorkCalendar::official();
    let today = t.now().with_timezone(&spotcheck_app::actor::china()).date_naive();

    // What the demo data says is overdue, computed here from the task list:
    // tasks of 2026 being inspected or entered (or matched with their window
    // over), unpublished, whose 20-working-day deadline has passed.
    let (_, tasks) = t.get(&province, "/api/v1/tasks").await;
    let mut expected: Vec<String> = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["window_start"].as_str().unwrap().starts_with("2026-"))
        .filter(|x| {
            let end = chrono::NaiveDate::parse_from_str(x["window_end"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            let due = match x["status"]["code"].as_str().unwrap() {
                "inspecting" | "entered" => true,
                "matched" => today > end,
                _ => false,
            };
            due && deadline(cal, end, PUBLISH_WORKDAYS, None, today).state == DeadlineState::Overdue
        })
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    let task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(task["name"], "2026年第三季度建筑施工安全生产许可证动态核查");
    assert!(
        expected.contains(&task["code"].as_str().unwrap().to_string()),
        "{expected:?}"
    );

    let (s, v) = t.get(&province, "/api/v1/dashboard?year=2026").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["year"], 2026);
    let entries = results_entries(&v);
    let mut listed: Vec<String> = entries
        .iter()
        .map(|o| o["reference"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, expected, "{v}");
    assert!(
        entries.iter().all(|o| o["kind"]["code"] == "results_unpublished"),
        "{v}"
    );

    let entry = entries.iter().find(|o| o["task_id"] == id).unwrap();
    let due = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    assert_eq!(entry["due"], "2026-11-03", "{entry}");
    assert_eq!(entry["kind"]["label"], "逾期未公示");
    assert_eq!(entry["name"], "2026年第三季度建筑施工安全生产许可证动态核查");
    assert_eq!(entry["days_over"], cal.workdays_between(due, today), "{entry}");
    assert!(entry["done_on"].is_null());
    let harbin_id = entry["department_id"].as_i64().unwrap();
    let row = |v: &Value, dept: i64| {
        v["departments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["department_id"] == dept)
            .unwrap()
            .clone()
    };
    let before = row(&v, harbin_id);
    assert!(before["results_overdue_unpublished"].as_u64().unwrap() >= 1, "{before}");
    assert_eq!(before["results_published_late"], 0, "{before}");
    assert!(before["tasks_total"].as_u64().unwrap() >= 1, "{before}");
    // The province's own row comes first; the directories are counted per
    // class and add up.
    assert_eq!(v["departments"][0]["depth"], 0);
    for d in v["departments"].as_array().unwrap() {
        for c in d["coverage"].as_array().unwrap() {
            let sum: u64 = c["by_risk"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["objects"].as_u64().unwrap())
                .sum();
            assert_eq!(c["objects"].as_u64().unwrap(), sum, "{c}");
            assert!(
                c["inspected"].as_u64().unwrap() <= c["objects"].as_u64().unwrap(),
                "{c}"
            );
        }
    }
    assert!(
        v["totals"]["inspected"].as_u64().unwrap() >= 3,
        "the finished task's confirmed inspections count: {}",
        v["totals"]
    );
    let unpublished_before = v["totals"]["results_overdue_unpublished"].as_u64().unwrap();

    // Published today, after its deadline: 逾期公示, no longer 逾期未公示.
    let (s, p) = t
        .post(&harbin, &format!("/api/v1/tasks/{id}/publication"), json!({}))
        .await;
    assert!(s.is_success(), "{s} {p}");
    let (_, v) = t.get(&province, "/api/v1/dashboard?year=2026").await;
    let entries = results_entries(&v);
    let mine: Vec<&Value> = entries.iter().filter(|o| o["task_id"] == id).collect();
    assert_eq!(mine.len(), 1, "{v}");
    assert_eq!(mine[0]["kind"]["code"], "results_late");
    assert_eq!(mine[0]["kind"]["label"], "逾期公示");
    assert_eq!(mine[0]["done_on"], today.to_string());
    assert_eq!(mine[0]["days_over"], cal.workdays_between(due, today));
    assert_eq!(
        v["totals"]["results_overdue_unpublished"].as_u64().unwrap(),
        unpublished_before - 1,
        "{}",
        v["totals"]
    );
    let after = row(&v, harbin_id);
    assert_eq!(
        after["results_overdue_unpublished"].as_u64().unwrap(),
        before["results_overdue_unpublished"].as_u64().unwrap() - 1
    );
    assert_eq!(after["results_published_late"], 1, "{after}");

    // A county sees only its own part; an inspector has no dashboard.
    let daoli = t.token("daoli_admin").await;
    let (s, c) = t.get(&daoli, "/api/v1/dashboard?year=2026").await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(
        c["departments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["department_id"] != harbin_id)
    );
    assert!(
        c["overdue"].as_array().unwrap().iter().all(|o| o["task_id"] != id),
        "{c}"
    );
    let inspector = t.token("hrb_inspector").await;
    let (s, _) = t.get(&inspector, "/api/v1/dashboard?year=2026").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.get(&province, "/api/v1/dashboard?year=20260").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The page with its charts, and the two workbooks.
    let b = t.browser("hlj_admin").await;
    let r = b.get("/dashboard?year=2026").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("监管看板"), "{html}");
    assert!(html.contains("<svg"), "{html}");
    assert!(html.contains("逾期公示"));
    assert!(html.contains(task["code"].as_str().unwrap()));
    assert!(html.contains("/duty-record.xlsx?year=2026"));
    for path in [
        "/dashboard.xlsx?year=2026".to_string(),
        "/duty-record.xlsx?year=2026".to_string(),
        format!("/duty-record.xlsx?year=2026&task_id={id}"),
    ] {
        let r = b.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(
            r.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"),
            "{path}"
        );
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "{path}");
    }
    // Another city's task is not in its record.
    let d = t.browser("qqhr_admin").await;
    let r = d.get(&format!("/duty-record.xlsx?year=2026&task_id={id}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn the_duty_record_of_a_task_as_pdf_and_workbook(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let harbin = t.token("hrb_admin").await;
    t.app.load_demo_inspections().await.unwrap();
    let task = t
        .task_named(&harbin, "2026年第三季度建筑施工安全生产许可证动态核查")
        .await;
    let id = task["id"].as_i64().unwrap();
    let code = task["code"].as_str().unwrap();
    let (s, detail) = t.get(&harbin, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    let draw_id = detail["items"][0]["draw"]["draw_id"].as_str().unwrap().to_string();
    assert!(draw_id.starts_with(&format!("{code}-")), "{draw_id}");
    let team = &detail["staffing"]["teams"][0];
    let staff_draw = team["draw_id"].as_str().unwrap();
    let leader = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"]["code"] == "leader")
        .unwrap();

    let get = |token: &str, path: String| {
        let req = t.http.get(t.url(&path)).bearer_auth(token);
        async move { req.send().await.unwrap() }
    };
    let r = get(&harbin, format!("/api/v1/duty-record.pdf?year=2026&task_id={id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains(".pdf"), "{disposition}");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = crate::inspections::pdftotext(&pdf);
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "履职记录",
        "年度抽查计划",
        "随机抽取",
        "现场检查",
        "结果公示",
        code,
        &draw_id,
        staff_draw,
        "2026-11-03",
        leader["name"].as_str().unwrap(),
        leader["cert_no"].as_str().unwrap(),
        // Where the draw's record is public (the path wraps in its cell).
        "/public/draws/",
    ] {
        assert!(flat.contains(expected), "“{expected}” not in the 履职记录:\n{text}");
    }

    // The workbook of the same record, and the year's record.
    for path in [
        format!("/api/v1/duty-record.xlsx?task_id={id}"),
        "/api/v1/duty-record.xlsx?year=2026".to_string(),
    ] {
        let r = get(&harbin, path.clone()).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "{path}");
    }
    let r = get(&harbin, "/api/v1/duty-record.pdf?year=2026".to_string()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let year = crate::inspections::pdftotext(&r.bytes().await.unwrap());
    let year: String = year.split_whitespace().collect();
    assert!(year.contains("2026年度"), "{year}");
    assert!(year.contains(code), "{year}");

    // A county below Harbin did not initiate the task: not found, as for any
    // task outside its jurisdiction.
    let daoli = t.token("daoli_admin").await;
    let r = get(&daoli, format!("/api/v1/duty-record.pdf?year=2026&task_id={id}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The page links the PDF beside the workbook and serves it.
    let b = t.browser("hrb_admin").await;
    let html = b.get("/dashboard?year=2026").await.text().await.unwrap();
    assert!(html.contains("/duty-record.pdf?year=2026"), "{html}");
    let r = b.get(&format!("/duty-record.pdf?task_id={id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
}
