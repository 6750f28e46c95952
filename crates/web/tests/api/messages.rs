//! 站内消息 through the API and the pages: only one's own messages, the 待办
//! count in the top bar and on the home page, read marks, and the outbound
//! worker started with the server.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::json;
use spotcheck_store::messages::{self as store, OutboxState};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    the_api_lists_counts_and_marks_only_the_callers_messages,
    the_top_bar_and_home_page_show_the_todo_count_and_the_page_marks_read,
    the_server_runs_the_outbound_worker,
);

async fn the_api_lists_counts_and_marks_only_the_callers_messages(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    // 齐齐哈尔 has no messages of the demo (道里 has a dispatched task to staff).
    let qqhr = t.token("qqhr_admin").await;
    let nangang = t.token("nangang_admin").await;
    let own = t.message_to("qqhr_admin", "齐齐哈尔市：请确认报备的计划", true).await;
    let info = t.message_to("qqhr_admin", "齐齐哈尔市：计划已公开", false).await;
    let other = t.message_to("nangang_admin", "南岗区：请确认", true).await;

    let (s, page) = t.get(&qqhr, "/api/v1/messages").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["id"], info, "newest first");
    assert_eq!(page["items"][1]["title"], "齐齐哈尔市：请确认报备的计划");
    assert_eq!(page["items"][1]["todo"], true);
    assert_eq!(page["items"][1]["read"], false);
    assert_eq!(page["items"][1]["link"], "/items");
    let (_, c) = t.get(&qqhr, "/api/v1/messages/counts").await;
    assert_eq!(c, json!({"unread": 2, "todo": 1}));
    let (_, todo) = t.get(&qqhr, "/api/v1/messages?box=todo").await;
    assert_eq!(todo["total"], 1);
    let (s, body) = t.get(&qqhr, "/api/v1/messages?box=trash").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Another's message: not found, by id or by mark.
    let (s, _) = t.get(&qqhr, &format!("/api/v1/messages/{other}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .post(&qqhr, &format!("/api/v1/messages/{other}/read"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let province = t.token("hlj_admin").await;
    let (s, _) = t.get(&province, &format!("/api/v1/messages/{own}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "not even the province reads a county's messages"
    );

    let (s, m) = t.post(&qqhr, &format!("/api/v1/messages/{own}/read"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!((m["read"].clone(), m["todo"].clone()), (json!(true), json!(true)));
    let (_, c) = t.get(&qqhr, "/api/v1/messages/counts").await;
    assert_eq!(c, json!({"unread": 1, "todo": 1}), "reading does not close a 待办");
    let (_, r) = t.post(&qqhr, "/api/v1/messages/read-all", json!({})).await;
    assert_eq!(r["marked"], 1);
    let (_, c) = t.get(&nangang, "/api/v1/messages/counts").await;
    assert_eq!(c, json!({"unread": 1, "todo": 1}), "qqhr's marks are qqhr's");

    // The OpenAPI document describes the routes.
    let doc = serde_json::to_value(spotcheck_web::openapi()).unwrap();
    for p in [
        "/api/v1/messages",
        "/api/v1/messages/counts",
        "/api/v1/messages/read-all",
        "/api/v1/messages/{message_id}",
        "/api/v1/messages/{message_id}/read",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} in the OpenAPI document");
    }
}

async fn the_top_bar_and_home_page_show_the_todo_count_and_the_page_marks_read(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    // 马骏 (hrb_inspector2) has no messages of the demo; 赵明 is told of his demo assignments.
    let b = t.browser("hrb_inspector2").await;
    let html = b.get("/").await.text().await.unwrap();
    assert!(
        html.contains(r#"<a class="todo-link" href="/messages?box=todo""#),
        "{html}"
    );
    assert!(html.contains("待办事项"), "home figure");

    let id = t
        .message_to("hrb_inspector2", "您已被分配到检查组，请查看检查任务", true)
        .await;
    let _other = t.message_to("hrb_inspector", "别人的待办", true).await;
    for page in ["/", "/items", "/account/password"] {
        let html = b.get(page).await.text().await.unwrap();
        assert!(
            html.contains(r#"<a class="todo-link has" href="/messages?box=todo""#)
                && html.contains(r#"<span class="count" aria-label="1 项待办">1</span>"#),
            "{page} shows 1 待办 in the top bar: {html}"
        );
    }
    let html = b.get("/").await.text().await.unwrap();
    let figure = regex_lite::Regex::new(r#"待办事项</div><div class="value">(\d+)</div>"#).unwrap();
    assert_eq!(&figure.captures(&html).expect("home figure 待办事项")[1], "1");

    let html = b.get("/messages?box=todo").await.text().await.unwrap();
    assert!(html.contains("您已被分配到检查组，请查看检查任务"));
    assert!(!html.contains("别人的待办"));
    assert!(html.contains("待办（1）") && html.contains("未读（1）"));
    assert!(html.contains(&format!(r#"action="/messages/{id}/read""#)));

    let r = b
        .form(&format!("/messages/{id}/read"), &[("box", "todo"), ("page", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/messages?box=todo&ok=read");
    let html = b.get("/messages?box=todo&ok=read").await.text().await.unwrap();
    assert!(html.contains("已标为已读"));
    assert!(!html.contains(&format!(r#"action="/messages/{id}/read""#)));
    assert!(html.contains("未读（0）") && html.contains("待办（1）"));

    // Opening goes where the message asks to act.
    let second = t.message_to("hrb_inspector2", "请确认检查结果", false).await;
    let r = b.get(&format!("/messages/{second}/open")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/items");
    let html = b.get("/messages").await.text().await.unwrap();
    assert!(!html.contains("全部标为已读"), "nothing left unread");
    // A form without the CSRF token is refused.
    let r = b
        .client
        .post(b.url("/messages/read-all"))
        .form(&[("box", "all")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn the_server_runs_the_outbound_worker(db: &TestDb) {
    // No channel configured: the worker the server starts marks the outbox row
    // skipped shortly after commit.
    let t = TestApp::spawn(db).await;
    let id = t.message_to("daoli_admin", "外发测试", false).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let row = store::outbox_of(t.app.store().conn(), id).await.unwrap().unwrap();
        if row.state == OutboxState::Skipped {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "outbox row still {:?}", row.state);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
