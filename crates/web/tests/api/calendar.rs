//! 工作日历 through the API: a deadline through a year without a schedule is
//! provisional; once the province enters that year's schedule it is not, and
//! the dates move with the holidays; bad schedules and other departments are
//! refused.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::json;
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(the_province_enters_a_new_years_schedule_and_deadlines_follow_it);

const SCHEDULE_2027: &str =
    "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n2027-02-08,holiday,春节\n";

async fn the_province_enters_a_new_years_schedule_and_deadlines_follow_it(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hlj_admin").await;
    let county = t.token("daoli_admin").await;
    let (s, d) = t
        .get(&county, "/api/v1/calendar/deadline?from=2025-09-26&workdays=20")
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["date"], "2025-10-30");
    assert_eq!(d["provisional"], false);
    let (_, d) = t
        .get(&county, "/api/v1/calendar/deadline?from=2026-12-30&workdays=3")
        .await;
    assert_eq!(
        (d["date"].as_str(), d["provisional"].as_bool()),
        (Some("2027-01-04"), Some(true))
    );

    let put = |token: String, year: i32, entries: &'static str, source: &'static str| {
        let t = &t;
        async move {
            t.send(
                "PUT",
                &token,
                &format!("/api/v1/calendar/{year}"),
                json!({"entries": entries, "source": source}),
            )
            .await
        }
    };
    let (s, _) = put(county.clone(), 2027, SCHEDULE_2027, "国办通知").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the province enters schedules");
    let (s, e) = put(admin.clone(), 2027, "2028-01-01,holiday,元旦\n", "国办通知").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["message"].as_str().unwrap().contains("不在2027年内"), "{e}");
    let (s, e) = put(admin.clone(), 2027, "2027-02-08,workday,春节\n", "国办通知").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "调休上班 only on a weekend: {e}");
    let (s, e) = put(admin.clone(), 2027, SCHEDULE_2027, "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, y) = put(
        admin.clone(),
        2027,
        SCHEDULE_2027,
        "国务院办公厅关于2027年部分节假日安排的通知",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{y}");
    assert_eq!(y["origin"], "省级录入");
    assert_eq!(y["entries"].as_array().unwrap().len(), 3);

    // 元旦 is now a holiday of a covered year: the deadline moves and is final.
    let (_, d) = t
        .get(&county, "/api/v1/calendar/deadline?from=2026-12-30&workdays=3")
        .await;
    assert_eq!(
        (d["date"].as_str(), d["provisional"].as_bool()),
        (Some("2027-01-05"), Some(false))
    );
    // The 调休 Saturday counts, the holiday Monday does not.
    let (_, d) = t
        .get(&county, "/api/v1/calendar/deadline?from=2027-02-05&workdays=2")
        .await;
    assert_eq!(d["date"], "2027-02-09");
    let (_, years) = t.get(&county, "/api/v1/calendar").await;
    let list: Vec<i64> = years
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(list, vec![2024, 2025, 2026, 2027]);
    let (_, audit) = t
        .get(&t.token("hlj_auditor").await, "/api/v1/audit?action=calendar.year_set")
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
}
