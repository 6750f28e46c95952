//! 站内消息 and the outbound channel, on SQLite and on PostgreSQL: who sees
//! what (users, departments by permission, nobody else's), 待办 closed for
//! everyone, read marks per user, and an outbound webhook fed only after
//! commit that never fails the hand-over it reports.

use chrono::Utc;
use spotcheck_app::crypto::Sealer;
use spotcheck_app::messages::{MessageQuery, Notice, Recipient, testing};
use spotcheck_app::outbound::{OutboundSettings, Round};
use spotcheck_app::{Actor, App, AppError, RequestMeta, Settings};
use spotcheck_domain::role::{Permission, Role};
use spotcheck_store::messages::{self as store, OutboxState};
use spotcheck_store::testing::TestDb;
use spotcheck_store::{departments, on_both_backends, users};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_backends!(
    a_user_sees_only_their_own_messages,
    department_messages_reach_the_holders_of_the_permission_as_they_are_now,
    close_todos_closes_the_todo_for_everyone,
    read_marks_are_per_user_and_reading_does_not_close_a_todo,
    lists_page_and_filter_newest_first,
    outbound_delivers_after_commit_once_and_never_on_rollback,
    a_failing_channel_never_fails_the_use_case_and_is_retried,
    without_a_channel_the_outbox_is_skipped,
    the_background_worker_delivers_through_the_configured_webhook,
);

async fn app_with(db: &TestDb, outbound: OutboundSettings) -> App {
    let store = db.open().await;
    let app = App::new(
        store,
        Settings {
            require_totp: false,
            outbound,
            ..Settings::default()
        },
        Sealer::from_key([7; 32]),
    );
    app.initialize().await.unwrap();
    // The demo's accounts only: its tasks send messages of their own, and
    // these tests count exactly what they send.
    app.load_demo_accounts().await.unwrap();
    app
}

async fn app(db: &TestDb) -> App {
    app_with(db, OutboundSettings::default()).await
}

async fn actor(app: &App, username: &str) -> Actor {
    let db = app.store().conn();
    let user = users::by_username(db, username).await.unwrap().expect("demo user");
    let department = departments::by_id(db, user.department_id).await.unwrap().unwrap();
    Actor {
        user,
        department,
        session: String::new(),
        session_kind: "api".into(),
        stage: "full".into(),
        csrf_token: String::new(),
        meta: RequestMeta::cli(),
    }
}

fn notice(to: Recipient, title: &str, todo: bool, subject: (&'static str, i64)) -> Notice {
    Notice {
        to,
        kind: "test_handover",
        title: title.to_string(),
        body: String::new(),
        link: format!("/plans/{}", subject.1),
        action_required: todo,
        subject,
    }
}

/// A hand-over of a test-only use case: the notice in a transaction that
/// commits or rolls back.
async fn hand_over(app: &App, n: Notice, commit: bool) {
    let tx = app.store().begin().await.unwrap();
    testing::notify(&tx, app.now(), n).await.unwrap();
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
}

async fn titles(app: &App, a: &Actor, folder: &str) -> Vec<String> {
    let q = MessageQuery {
        folder: Some(folder.into()),
        page_size: Some(100),
        ..Default::default()
    };
    app.list_messages(a, &q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|m| m.title)
        .collect()
}

async fn dept_id(app: &App, code: &str) -> i64 {
    departments::by_code(app.store().conn(), code)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn a_user_sees_only_their_own_messages(db: &TestDb) {
    let app = app(db).await;
    let daoli = actor(&app, "daoli_admin").await;
    let nangang = actor(&app, "nangang_admin").await;
    let province = actor(&app, "hlj_admin").await;
    hand_over(
        &app,
        notice(Recipient::User(daoli.user.id), "给道里", true, ("plan", 1)),
        true,
    )
    .await;
    hand_over(
        &app,
        notice(Recipient::User(nangang.user.id), "给南岗", true, ("plan", 2)),
        true,
    )
    .await;
    let nangang_msg = store::about(app.store().conn(), "plan", 2).await.unwrap()[0].id;

    assert_eq!(titles(&app, &daoli, "all").await, ["给道里"]);
    assert_eq!(titles(&app, &nangang, "all").await, ["给南岗"]);
    // Not even the province (whose jurisdiction covers both) reads them.
    assert!(titles(&app, &province, "all").await.is_empty());
    assert_eq!(app.message_counts(&province).await.unwrap().todo, 0);

    // By id: another's message does not exist for the caller.
    for res in [
        app.get_message(&daoli, nangang_msg).await,
        app.mark_message_read(&daoli, nangang_msg).await,
        app.mark_message_read(&province, nangang_msg).await,
    ] {
        assert!(matches!(res, Err(AppError::NotFound(_))), "{res:?}");
    }
    assert_eq!(app.mark_all_messages_read(&daoli).await.unwrap(), 1);
    let c = app.message_counts(&nangang).await.unwrap();
    assert_eq!(
        (c.unread, c.todo),
        (1, 1),
        "daoli's marks leave nangang's message unread"
    );
    assert!(app.get_message(&nangang, nangang_msg).await.is_ok());
}

async fn department_messages_reach_the_holders_of_the_permission_as_they_are_now(db: &TestDb) {
    let app = app(db).await;
    let hrb = dept_id(&app, "230100").await;
    let admin = actor(&app, "hrb_admin").await;
    let deputy = actor(&app, "hrb_deputy").await;
    let head = actor(&app, "hrb_head").await;
    let daoli = actor(&app, "daoli_admin").await;
    let inspector = actor(&app, "hrb_inspector").await;
    hand_over(
        &app,
        notice(
            Recipient::Department {
                department_id: hrb,
                permission: Permission::ManageUsers,
            },
            "请审核账号",
            true,
            ("account", 7),
        ),
        true,
    )
    .await;
    hand_over(
        &app,
        notice(
            Recipient::Department {
                department_id: hrb,
                permission: Permission::ViewDepartments,
            },
            "部门通知",
            false,
            ("notice", 8),
        ),
        true,
    )
    .await;
    // ManageUsers: the department's administrator only.
    assert_eq!(titles(&app, &admin, "todo").await, ["请审核账号"]);
    assert!(titles(&app, &deputy, "todo").await.is_empty());
    assert!(titles(&app, &head, "todo").await.is_empty());
    // ViewDepartments: all three leaders of 230100; not the inspector of its unit,
    // not the administrator of a department below.
    for a in [&admin, &deputy, &head] {
        assert!(titles(&app, a, "all").await.contains(&"部门通知".to_string()));
    }
    assert!(titles(&app, &inspector, "all").await.is_empty());
    assert!(titles(&app, &daoli, "all").await.is_empty());
    let msg = store::about(app.store().conn(), "account", 7).await.unwrap()[0].id;
    assert!(matches!(
        app.mark_message_read(&deputy, msg).await,
        Err(AppError::NotFound(_))
    ));
    let view = app.get_message(&admin, msg).await.unwrap();
    assert!(view.todo && view.addressed_to.starts_with("本部门"), "{view:?}");

    // Resolved when read: the deputy made administrator sees it, the
    // administrator made deputy no longer does.
    let db_ = app.store().conn();
    for (a, role) in [(&deputy, Role::DepartmentAdmin), (&admin, Role::DeputyHead)] {
        users::update_profile(
            db_,
            a.user.id,
            users::ProfileChange {
                display_name: &a.user.display_name,
                role,
                department_id: a.user.department_id,
                phone: &a.user.phone,
                active: true,
                now: Utc::now(),
            },
        )
        .await
        .unwrap();
    }
    let deputy = actor(&app, "hrb_deputy").await;
    let admin = actor(&app, "hrb_admin").await;
    assert_eq!(titles(&app, &deputy, "todo").await, ["请审核账号"]);
    assert!(titles(&app, &admin, "todo").await.is_empty());
    assert_eq!(app.message_counts(&deputy).await.unwrap().todo, 1);

    // A permission nobody holds cannot be addressed; a link off the platform is refused.
    let tx = app.store().begin().await.unwrap();
    let mut bad = notice(Recipient::User(admin.user.id), "外链", false, ("x", 1));
    bad.link = "https://evil.example/".into();
    assert!(testing::notify(&tx, app.now(), bad).await.is_err());
    let mut bad = notice(Recipient::User(admin.user.id), "类型过长", false, ("x", 1));
    bad.kind = "a_kind_name_that_is_much_longer_than_forty_chars";
    assert!(testing::notify(&tx, app.now(), bad).await.is_err());
    tx.rollback().await.unwrap();
}

async fn close_todos_closes_the_todo_for_everyone(db: &TestDb) {
    let app = app(db).await;
    let hrb = dept_id(&app, "230100").await;
    let deputy = actor(&app, "hrb_deputy").await;
    let head = actor(&app, "hrb_head").await;
    let to_leaders = |title: &str, id| {
        notice(
            Recipient::Department {
                department_id: hrb,
                permission: Permission::ViewDepartments,
            },
            title,
            true,
            ("plan", id),
        )
    };
    hand_over(&app, to_leaders("确认计划12", 12), true).await;
    hand_over(&app, to_leaders("确认计划13", 13), true).await;
    hand_over(
        &app,
        notice(Recipient::User(head.user.id), "计划12另一条", true, ("plan", 12)),
        true,
    )
    .await;
    assert_eq!(app.message_counts(&head).await.unwrap().todo, 3);
    assert_eq!(app.message_counts(&deputy).await.unwrap().todo, 2);

    // The deputy acknowledges plan 12: every open 待办 about it closes, the head's too.
    let tx = app.store().begin().await.unwrap();
    testing::close_todos(&tx, app.now(), ("plan", 12)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(titles(&app, &head, "todo").await, ["确认计划13"]);
    assert_eq!(titles(&app, &deputy, "todo").await, ["确认计划13"]);
    // Still listed, as done.
    let all = app.list_messages(&head, &MessageQuery::default()).await.unwrap().items;
    let done: Vec<_> = all.iter().filter(|m| m.subject_id == 12).collect();
    assert_eq!(done.len(), 2);
    assert!(done.iter().all(|m| !m.todo && m.done_at.is_some() && m.action_required));
    // A rolled-back close changes nothing.
    let tx = app.store().begin().await.unwrap();
    testing::close_todos(&tx, app.now(), ("plan", 13)).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(app.message_counts(&deputy).await.unwrap().todo, 1);
}

async fn read_marks_are_per_user_and_reading_does_not_close_a_todo(db: &TestDb) {
    let app = app(db).await;
    let hrb = dept_id(&app, "230100").await;
    let deputy = actor(&app, "hrb_deputy").await;
    let head = actor(&app, "hrb_head").await;
    hand_over(
        &app,
        notice(
            Recipient::Department {
                department_id: hrb,
                permission: Permission::ViewDepartments,
            },
            "审批",
            true,
            ("replacement", 3),
        ),
        true,
    )
    .await;
    hand_over(
        &app,
        notice(Recipient::User(head.user.id), "知悉", false, ("x", 4)),
        true,
    )
    .await;
    let id = store::about(app.store().conn(), "replacement", 3).await.unwrap()[0].id;
    let v = app.mark_message_read(&deputy, id).await.unwrap();
    assert!(v.read && v.todo, "read, still to do: {v:?}");
    let first = v.read_at;
    // Marking again keeps the first reading time.
    assert_eq!(app.mark_message_read(&deputy, id).await.unwrap().read_at, first);
    let c = app.message_counts(&deputy).await.unwrap();
    assert_eq!((c.unread, c.todo), (0, 1));
    let c = app.message_counts(&head).await.unwrap();
    assert_eq!((c.unread, c.todo), (2, 1), "the head has read nothing");
    assert_eq!(titles(&app, &head, "unread").await.len(), 2);
    assert_eq!(app.mark_all_messages_read(&head).await.unwrap(), 2);
    assert_eq!(app.mark_all_messages_read(&head).await.unwrap(), 0);
    let c = app.message_counts(&head).await.unwrap();
    assert_eq!((c.unread, c.todo), (0, 1));
    assert!(titles(&app, &head, "unread").await.is_empty());
}

async fn lists_page_and_filter_newest_first(db: &TestDb) {
    let app = app(db).await;
    let a = actor(&app, "daoli_admin").await;
    for i in 0..25 {
        hand_over(
            &app,
            notice(Recipient::User(a.user.id), &format!("第{i}条"), i % 5 == 0, ("t", i)),
            true,
        )
        .await;
    }
    let page = |folder: &str, page: u64| MessageQuery {
        folder: Some(folder.into()),
        page: Some(page),
        page_size: Some(10),
    };
    let p1 = app.list_messages(&a, &page("all", 1)).await.unwrap();
    assert_eq!((p1.total, p1.items.len()), (25, 10));
    assert_eq!(p1.items[0].title, "第24条");
    let p3 = app.list_messages(&a, &page("all", 3)).await.unwrap();
    assert_eq!(p3.items.len(), 5);
    assert_eq!(p3.items[4].title, "第0条");
    let todo = app.list_messages(&a, &page("todo", 1)).await.unwrap();
    assert_eq!(todo.total, 5);
    assert!(todo.items.iter().all(|m| m.todo));
    let bad = app.list_messages(&a, &page("trash", 1)).await;
    assert!(matches!(bad, Err(AppError::Validation { .. })));
}

/// A local HTTP endpoint standing in for an SMS gateway: records each POST's
/// headers and body, and answers with the status it is told to.
struct Gateway {
    url: String,
    status: Arc<AtomicU16>,
    seen: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
}

async fn gateway() -> Gateway {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    let status = Arc::new(AtomicU16::new(200));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (st, sn) = (status.clone(), seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (st, sn) = (st.clone(), sn.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head, body_start) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break (String::from_utf8_lossy(&buf[..p]).to_string(), p + 4);
                    }
                };
                let len = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < body_start + len {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body: serde_json::Value =
                    serde_json::from_slice(&buf[body_start..body_start + len]).unwrap_or_default();
                sn.lock().unwrap().push((head, body));
                let code = st.load(Ordering::SeqCst);
                let reply = format!("HTTP/1.1 {code} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
                let _ = sock.write_all(reply.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Gateway { url, status, seen }
}

fn webhook(url: &str) -> OutboundSettings {
    OutboundSettings {
        webhook_url: Some(url.to_string()),
        webhook_token: Some("gw-token".into()),
        link_base: Some("https://jg.example.gov.cn".into()),
        poll_interval: Duration::from_millis(50),
        retry_base: Duration::ZERO,
        max_attempts: 3,
        timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

async fn outbound_delivers_after_commit_once_and_never_on_rollback(db: &TestDb) {
    let gw = gateway().await;
    let app = app_with(db, webhook(&gw.url)).await;
    let channel = app.outbound_channel().unwrap().expect("configured");
    let hrb = dept_id(&app, "230100").await;
    let deputy = actor(&app, "hrb_deputy").await;

    // Inside the open transaction nothing is visible to the worker.
    let tx = app.store().begin().await.unwrap();
    testing::notify(
        &tx,
        app.now(),
        notice(
            Recipient::Department {
                department_id: hrb,
                permission: Permission::ViewDepartments,
            },
            "未提交",
            true,
            ("plan", 1),
        ),
    )
    .await
    .unwrap();
    assert_eq!(app.deliver_outbound(Some(&*channel)).await.unwrap(), Round::default());
    tx.rollback().await.unwrap();
    assert_eq!(app.deliver_outbound(Some(&*channel)).await.unwrap(), Round::default());
    assert!(
        gw.seen.lock().unwrap().is_empty(),
        "a rolled-back hand-over sends nothing"
    );
    assert!(store::about(app.store().conn(), "plan", 1).await.unwrap().is_empty());

    // Committed: one POST with the department's leaders as recipients.
    hand_over(
        &app,
        notice(
            Recipient::Department {
                department_id: hrb,
                permission: Permission::ViewDepartments,
            },
            "哈尔滨市住房和城乡建设局报备了2026年度抽查计划，待您确认",
            true,
            ("plan", 2),
        ),
        true,
    )
    .await;
    let r = app.deliver_outbound(Some(&*channel)).await.unwrap();
    assert_eq!(r.delivered, 1, "{r:?}");
    assert_eq!(app.deliver_outbound(Some(&*channel)).await.unwrap(), Round::default());
    let seen = gw.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "delivered once");
    let (head, body) = &seen[0];
    assert!(head.starts_with("POST /sms"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("authorization: bearer gw-token"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("idempotency-key: spotcheck-message-")
    );
    assert_eq!(body["kind"], "test_handover");
    assert_eq!(body["link"], "https://jg.example.gov.cn/plans/2");
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .starts_with("哈尔滨市住房和城乡建设局报备")
    );
    let names: Vec<&str> = body["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"hrb_deputy") && names.contains(&"hrb_head") && names.contains(&"hrb_admin"));
    assert!(!names.contains(&"hrb_inspector"));
    assert!(body["recipients"][0]["phone"].as_str().is_some());
    let msg = store::about(app.store().conn(), "plan", 2).await.unwrap()[0].id;
    let row = store::outbox_of(app.store().conn(), msg).await.unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (OutboxState::Delivered, 1));
    // The message itself was there from the commit, whatever the channel did.
    assert_eq!(app.message_counts(&deputy).await.unwrap().todo, 1);
}

async fn a_failing_channel_never_fails_the_use_case_and_is_retried(db: &TestDb) {
    let gw = gateway().await;
    gw.status.store(500, Ordering::SeqCst);
    let app = app_with(db, webhook(&gw.url)).await;
    let channel = app.outbound_channel().unwrap().unwrap();
    let daoli = actor(&app, "daoli_admin").await;
    hand_over(&app, notice(Recipient::User(daoli.user.id), "一", true, ("a", 1)), true).await;
    assert_eq!(app.message_counts(&daoli).await.unwrap().todo, 1);
    let msg = store::about(app.store().conn(), "a", 1).await.unwrap()[0].id;

    let r = app.deliver_outbound(Some(&*channel)).await.unwrap();
    assert_eq!(r.retrying, 1, "{r:?}");
    let row = store::outbox_of(app.store().conn(), msg).await.unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (OutboxState::Pending, 1));
    assert!(row.last_error.contains("500"), "{}", row.last_error);
    // The gateway recovers: the next attempt delivers.
    gw.status.store(200, Ordering::SeqCst);
    assert_eq!(app.deliver_outbound(Some(&*channel)).await.unwrap().delivered, 1);
    let row = store::outbox_of(app.store().conn(), msg).await.unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (OutboxState::Delivered, 2));

    // A gateway that never answers well: given up after max_attempts (3), logged, nothing else.
    gw.status.store(503, Ordering::SeqCst);
    hand_over(
        &app,
        notice(Recipient::User(daoli.user.id), "二", false, ("a", 2)),
        true,
    )
    .await;
    let msg = store::about(app.store().conn(), "a", 2).await.unwrap()[0].id;
    let rounds = [
        app.deliver_outbound(Some(&*channel)).await.unwrap(),
        app.deliver_outbound(Some(&*channel)).await.unwrap(),
        app.deliver_outbound(Some(&*channel)).await.unwrap(),
    ];
    assert_eq!(rounds[2].failed, 1, "{rounds:?}");
    let row = store::outbox_of(app.store().conn(), msg).await.unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (OutboxState::Failed, 3));
    assert_eq!(app.deliver_outbound(Some(&*channel)).await.unwrap(), Round::default());

    // A channel nobody listens on: the hand-over commits all the same.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/sms", l.local_addr().unwrap())
    };
    let app2 = App::new(
        app.store().clone(),
        Settings {
            outbound: webhook(&closed),
            ..Settings::default()
        },
        Sealer::from_key([7; 32]),
    );
    let down = app2.outbound_channel().unwrap().unwrap();
    hand_over(
        &app2,
        notice(Recipient::User(daoli.user.id), "三", true, ("a", 3)),
        true,
    )
    .await;
    let r = app2.deliver_outbound(Some(&*down)).await.unwrap();
    assert_eq!(r.retrying, 1, "{r:?}");
    assert_eq!(app.message_counts(&daoli).await.unwrap().todo, 2);
}

async fn without_a_channel_the_outbox_is_skipped(db: &TestDb) {
    let app = app(db).await;
    assert!(app.outbound_channel().unwrap().is_none());
    let daoli = actor(&app, "daoli_admin").await;
    hand_over(&app, notice(Recipient::User(daoli.user.id), "一", true, ("a", 1)), true).await;
    let r = app.deliver_outbound(None).await.unwrap();
    assert_eq!(r.skipped, 1);
    assert_eq!(app.deliver_outbound(None).await.unwrap(), Round::default());
    let msg = store::about(app.store().conn(), "a", 1).await.unwrap()[0].id;
    let row = store::outbox_of(app.store().conn(), msg).await.unwrap().unwrap();
    assert_eq!(row.state, OutboxState::Skipped);
    assert_eq!(app.message_counts(&daoli).await.unwrap().todo, 1);
}

async fn the_background_worker_delivers_through_the_configured_webhook(db: &TestDb) {
    let gw = gateway().await;
    let app = app_with(db, webhook(&gw.url)).await;
    let worker = app.start_outbound().unwrap();
    let inspector = actor(&app, "hrb_inspector").await;
    hand_over(
        &app,
        notice(
            Recipient::User(inspector.user.id),
            "您被分配到检查组",
            true,
            ("task", 5),
        ),
        true,
    )
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while gw.seen.lock().unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker delivered nothing in 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    worker.abort();
    let seen = gw.seen.lock().unwrap().clone();
    assert_eq!(seen[0].1["recipients"][0]["username"], "hrb_inspector");
    assert_eq!(seen[0].1["title"], "您被分配到检查组");
}
