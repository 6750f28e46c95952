//! 检查人员匹配 and 调整更换: a dispatched task staffed by a verifiable
//! inspectors draw; an object nobody can staff refused before commit, by
//! name; one commit for two simultaneous locks; a replacement impossible
//! without the 分管负责人's approval; an inspector's own 申请回避.

use crate::support::TestApp;
use crate::tasks::{new_task, published_entry};
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    a_dispatched_task_is_staffed_by_a_verifiable_inspectors_draw,
    an_object_nobody_can_staff_is_refused_before_commit_by_name,
    two_simultaneous_match_locks_make_exactly_one_commit,
    a_replacement_is_impossible_without_the_deputy_heads_approval,
    an_inspector_declares_recusal_from_the_home_page_api,
);

/// A 道里 task drawn, confirmed and dispatched (beacon `none`); its id.
async fn dispatched_task(t: &TestApp, team_size: i64) -> i64 {
    let daoli = t.token("daoli_admin").await;
    let entry = published_entry(t, "10%").await;
    let id = new_task(t, &daoli, entry, "2027年建筑业企业资质动态核查").await;
    if team_size != 2 {
        // The form's team size: recreate with the size asked.
        let (s, task) = t
            .post(
                &daoli,
                "/api/v1/tasks",
                json!({"name": "检查组人数测试", "window_start": "2027-05-10", "window_end": "2027-06-20",
                       "team_size": team_size, "plan_entry_ids": [entry]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{task}");
        return dispatch(t, &daoli, task["task"]["id"].as_i64().unwrap()).await;
    }
    dispatch(t, &daoli, id).await
}

async fn dispatch(t: &TestApp, token: &str, id: i64) -> i64 {
    for step in ["items/1/lock", "items/1/reveal", "confirm", "dispatch"] {
        let (s, d) = t
            .post(token, &format!("/api/v1/tasks/{id}/{step}"), json!({"beacon": "none"}))
            .await;
        assert!(s.is_success(), "{step}: {d}");
    }
    id
}

async fn task(t: &TestApp, token: &str, id: i64) -> Value {
    let (s, d) = t.get(token, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    d
}

async fn record(t: &TestApp, draw_id: &str) -> Vec<u8> {
    let r = t
        .http
        .get(t.url(&format!("/public/draws/{draw_id}.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.bytes().await.unwrap().to_vec()
}

async fn a_dispatched_task_is_staffed_by_a_verifiable_inspectors_draw(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let id = dispatched_task(&t, 2).await;
    let d = task(&t, &daoli, id).await;
    let shares = d["staffing"]["shares"].as_array().unwrap().clone();
    assert_eq!(shares.len(), 1, "{d}");
    let unit = shares[0]["unit_code"].as_str().unwrap().to_string();
    assert_eq!(unit, "230102-01");
    assert_eq!(shares[0]["can_match"], true);
    let objects = shares[0]["objects"].as_u64().unwrap();

    // Another county sees neither the task nor the unit's share.
    let nangang = t.token("nangang_admin").await;
    let (s, _) = t.get(&nangang, &format!("/api/v1/tasks/{id}/units/{unit}/match")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The preview: every object with its eligible inspectors and the reasons for the others.
    let (s, p) = t.get(&daoli, &format!("/api/v1/tasks/{id}/units/{unit}/match")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p["problems"].as_array().unwrap().is_empty(), "{p}");
    let preview = p["objects"].as_array().unwrap().clone();
    assert_eq!(preview.len() as u64, objects);
    let excluded: Vec<&Value> = preview.iter().flat_map(|o| o["excluded"].as_array().unwrap()).collect();
    assert!(
        excluded
            .iter()
            .any(|x| x["reason"].as_str().unwrap().contains("专业执法资格")),
        "the demo has inspectors without the item's qualification: {p}"
    );

    let (s, draw) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/units/{unit}/match/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{draw}");
    let draw_id = draw["draw_id"].as_str().unwrap().to_string();
    // Public at once, committed only.
    let committed: Value = serde_json::from_slice(&record(&t, &draw_id).await).unwrap();
    assert_eq!(committed["kind"], "inspectors");
    assert!(committed.get("result").is_none());
    // Locked once.
    let (s, _) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/units/{unit}/match/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (s, d) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/units/{unit}/match/reveal"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["task"]["status"]["code"], "matched", "every unit staffed");
    let teams = d["staffing"]["teams"].as_array().unwrap();
    assert_eq!(teams.len() as u64, objects);
    for team in teams {
        let members = team["members"].as_array().unwrap();
        assert_eq!(members.len(), 2, "{team}");
        assert_eq!(members[0]["role"]["code"], "leader");
        assert_ne!(members[0]["cert_no"], members[1]["cert_no"]);
        // Each member was eligible for this object in the preview.
        let o = preview
            .iter()
            .find(|o| o["object_code"] == team["object_code"])
            .unwrap();
        for m in members {
            assert!(
                o["eligible"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["cert_no"] == m["cert_no"]),
                "{m} was not eligible for {}",
                team["object_code"]
            );
        }
    }
    // The complete record verifies and names the same teams.
    let bytes = record(&t, &draw_id).await;
    spotcheck_draw::verify_bytes(&bytes).expect("the inspectors record verifies");
    let full: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(full["result"]["teams"].as_array().unwrap().len() as u64, objects);
    // The public page names the teams' inspectors with their 执法证号.
    let html = t.public_text(&format!("/public/tasks/{id}")).await;
    let first = &teams[0]["members"][0];
    assert!(html.contains(first["cert_no"].as_str().unwrap()), "{html}");
    assert!(html.contains("检查组"));
    // Audited.
    let admin = t.token("hlj_admin").await;
    let (_, a) = t.get(&admin, "/api/v1/audit?action=task.matched").await;
    assert!(
        a["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["summary"].as_str().unwrap().contains("已匹配检查人员"))
    );
}

async fn an_object_nobody_can_staff_is_refused_before_commit_by_name(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    // Ten per team: more than 道里's unit has qualified inspectors.
    let id = dispatched_task(&t, 10).await;
    let d = task(&t, &daoli, id).await;
    let unit = d["staffing"]["shares"][0]["unit_code"].as_str().unwrap().to_string();
    let (s, p) = t.get(&daoli, &format!("/api/v1/tasks/{id}/units/{unit}/match")).await;
    assert_eq!(s, StatusCode::OK);
    let first = p["objects"][0]["object_code"].as_str().unwrap().to_string();
    let problems = p["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|x| x.as_str().unwrap().contains(&first)),
        "the preview names the object: {p}"
    );
    let before = t.public_json("/public/draws.json").await["draws"]
        .as_array()
        .unwrap()
        .len();
    let (s, e) = t
        .post(
            &daoli,
            &format!("/api/v1/tasks/{id}/units/{unit}/match/lock"),
            json!({"beacon": "none"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&first) && message.contains("无法组成检查组"),
        "{message}"
    );
    assert!(message.contains("少于检查组人数10名"), "{message}");
    let after = t.public_json("/public/draws.json").await["draws"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "nothing committed");
    assert_eq!(task(&t, &daoli, id).await["task"]["status"]["code"], "dispatched");
}

async fn two_simultaneous_match_locks_make_exactly_one_commit(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let id = dispatched_task(&t, 2).await;
    let path = format!("/api/v1/tasks/{id}/units/230102-01/match/lock");
    let body = json!({"beacon": "none"});
    let (a, b) = tokio::join!(t.post(&daoli, &path, body.clone()), t.post(&daoli, &path, body.clone()));
    let statuses = [a.0, b.0];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CREATED).count(),
        1,
        "{a:?} {b:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(),
        1,
        "{a:?} {b:?}"
    );
    let list = t.public_json("/public/draws.json").await;
    let n = list["draws"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u.as_str().unwrap().contains("-P-230102-01"))
        .count();
    // The demo's joint task has no 道里 match yet: only this task's.
    assert_eq!(n, 1, "{list}");
}

/// The demo's dispatched and staffed Harbin task.
async fn demo_matched_task(t: &TestApp, token: &str) -> Value {
    let (_, list) = t.get(token, "/api/v1/tasks").await;
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["status"]["code"] == "matched" && x["kind"]["code"] == "double_random")
        .expect("the demo has a staffed task")["id"]
        .as_i64()
        .unwrap();
    task(t, token, id).await
}

async fn a_replacement_is_impossible_without_the_deputy_heads_approval(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hrb_admin").await;
    let deputy = t.token("hrb_deputy").await;
    let d = demo_matched_task(&t, &admin).await;
    let id = d["task"]["id"].as_i64().unwrap();
    // The demo already holds one replacement, done.
    let done = d["staffing"]["replacements"].as_array().unwrap();
    assert!(done.iter().any(|r| r["status"]["code"] == "done"), "{d}");
    let team = d["staffing"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["replaceable"] == true)
        })
        .unwrap()
        .clone();
    let member = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["replaceable"] == true)
        .unwrap()
        .clone();
    let mid = member["id"].as_i64().unwrap();

    // A reason outside 第十八条 is refused.
    let (s, e) = t
        .post(
            &admin,
            &format!("/api/v1/team-members/{mid}/replacements"),
            json!({"reason": "不想去", "note": "个人原因不便"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, r) = t
        .post(
            &admin,
            &format!("/api/v1/team-members/{mid}/replacements"),
            json!({"reason": "身体健康", "note": "近期住院治疗，医嘱休息两周"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = r["id"].as_i64().unwrap();
    // The operator can neither approve nor carry out the replacement.
    let (s, _) = t
        .post(
            &admin,
            &format!("/api/v1/replacements/{rid}/decision"),
            json!({"approve": true, "beacon": {"beacon": "none"}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = t
        .post(&admin, &format!("/api/v1/replacements/{rid}/reveal"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("分管负责人"));
    // A second request for the same member waits for the first.
    let (s, _) = t
        .post(
            &admin,
            &format!("/api/v1/team-members/{mid}/replacements"),
            json!({"reason": "工作冲突", "note": "另有任务安排"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let after = task(&t, &admin, id).await;
    let same = after["staffing"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == team["id"])
        .unwrap()
        .clone();
    let expected: Vec<Value> = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let mut m = m.clone();
            if m["id"] == member["id"] {
                // Awaiting a decision, the member cannot be asked for again.
                m["replaceable"] = json!(false);
            }
            m
        })
        .collect();
    assert_eq!(same["members"], json!(expected), "nothing changed before the approval");
    // The deputy head was told.
    let (_, inbox) = t.get(&deputy, "/api/v1/messages?box=todo").await;
    assert!(inbox.to_string().contains("待您审批"), "{inbox}");

    // The deputy head approves: the replacement draw is committed; then revealed.
    let (s, e) = t
        .post(
            &deputy,
            &format!("/api/v1/replacements/{rid}/decision"),
            json!({"approve": true, "note": "同意", "beacon": {"beacon": "none"}}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (s, e) = t
        .post(&admin, &format!("/api/v1/replacements/{rid}/reveal"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let after = task(&t, &admin, id).await;
    let rep = after["staffing"]["replacements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rid)
        .unwrap()
        .clone();
    assert_eq!(rep["status"]["code"], "done", "{rep}");
    let same = after["staffing"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == team["id"])
        .unwrap()
        .clone();
    let current: Vec<&Value> = same["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true && m["role"]["code"] != "expert")
        .collect();
    assert_eq!(
        current.len(),
        team["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["active"] == true && m["role"]["code"] != "expert")
            .count()
    );
    assert!(current.iter().all(|m| m["cert_no"] != member["cert_no"]), "{same}");
    let gone = same["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == member["id"])
        .unwrap();
    assert_eq!(gone["active"], false);
    assert!(gone["left_reason"].as_str().unwrap().contains("身体健康"));
    // The replacement record verifies; the public sees no personal details of the request.
    let draw_id = rep["draw"]["draw_id"].as_str().unwrap();
    let bytes = record(&t, draw_id).await;
    spotcheck_draw::verify_bytes(&bytes).expect("the replacement record verifies");
    let full: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(full["kind"], "replacement");
    assert!(!full["eligible"].as_array().unwrap().contains(&member["cert_no"]));
    let public = t.public_json(&format!("/public/tasks/{id}.json")).await;
    assert!(
        !public.to_string().contains("医嘱"),
        "the request's facts stay internal"
    );
}

async fn an_inspector_declares_recusal_from_the_home_page_api(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hrb_admin").await;
    let d = demo_matched_task(&t, &admin).await;
    // Give the demo account hrb_inspector the place of a current team leader (setup through the store).
    let team = d["staffing"]["teams"][0].clone();
    let leader = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"]["code"] == "leader" && m["active"] == true)
        .unwrap()
        .clone();
    let store = t.app.store();
    let user = spotcheck_store::users::by_username(store.conn(), "hrb_inspector")
        .await
        .unwrap()
        .unwrap();
    if let Some(old) = spotcheck_store::inspectors::by_user(store.conn(), user.id)
        .await
        .unwrap()
    {
        spotcheck_store::inspectors::link_user(store.conn(), old.id, None)
            .await
            .unwrap();
    }
    let row =
        spotcheck_store::inspectors::by_cert_nos(store.conn(), &[leader["cert_no"].as_str().unwrap().to_string()])
            .await
            .unwrap()
            .remove(0);
    spotcheck_store::inspectors::link_user(store.conn(), row.id, Some(user.id))
        .await
        .unwrap();

    let me = t.token("hrb_inspector").await;
    let (s, mine) = t.get(&me, "/api/v1/me/assignments").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    let place = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member_id"] == leader["id"])
        .expect("the assignment is on the inspector's list")
        .clone();
    assert_eq!(place["role"]["code"], "leader");
    // An inspector may not ask to replace a colleague.
    let other = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] != leader["id"] && m["role"]["code"] == "member")
        .unwrap();
    let (s, _) = t
        .post(
            &me,
            &format!("/api/v1/team-members/{}/replacements", other["id"]),
            json!({"reason": "回避", "note": "与该企业负责人系亲属"}),
        )
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    let (s, r) = t
        .post(
            &me,
            &format!("/api/v1/team-members/{}/replacements", leader["id"]),
            json!({"reason": "申请回避", "note": "本人配偶在该企业任职"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = r["id"].as_i64().unwrap();
    let (_, mine) = t.get(&me, "/api/v1/me/assignments").await;
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|a| a["member_id"] == leader["id"] && a["replacement_pending"] == true)
    );

    let deputy = t.token("hrb_deputy").await;
    let (s, e) = t
        .post(
            &deputy,
            &format!("/api/v1/replacements/{rid}/decision"),
            json!({"approve": true, "beacon": {"beacon": "none"}}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (s, e) = t
        .post(&deputy, &format!("/api/v1/replacements/{rid}/reveal"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    // The interest is on record, so later draws leave the inspector out for this object.
    let (_, conflicts) = t.get(&admin, &format!("/api/v1/inspectors/{}/conflicts", row.id)).await;
    assert!(conflicts.to_string().contains("本人配偶在该企业任职"), "{conflicts}");
    // The new leader comes from the draw; the place is no longer the inspector's.
    let (_, mine) = t.get(&me, "/api/v1/me/assignments").await;
    assert!(!mine.as_array().unwrap().iter().any(|a| a["member_id"] == leader["id"]));
    let after = task(&t, &admin, d["task"]["id"].as_i64().unwrap()).await;
    let same = after["staffing"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == team["id"])
        .unwrap()
        .clone();
    let lead: Vec<&Value> = same["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true && m["role"]["code"] == "leader")
        .collect();
    assert_eq!(lead.len(), 1, "the team keeps one leader: {same}");
    assert_ne!(lead[0]["cert_no"], leader["cert_no"]);
}
