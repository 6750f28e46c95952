//! The test harness: the real server on a free port over a fresh database,
//! with typed helpers for API and browser sessions.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use spotcheck_app::crypto::Sealer;
use spotcheck_app::demo::DEMO_PASSWORD;
use spotcheck_app::{App, Settings};
use spotcheck_store::testing::TestDb;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The password every demo account gets after its forced change.
pub const NEW_PASSWORD: &str = "Changed#2026";

pub struct TestApp {
    pub base: String,
    pub app: App,
    clock_offset: Arc<AtomicI64>,
    pub http: Client,
    /// The evidence store's folder, removed with the app.
    _evidence: tempfile::TempDir,
}

pub struct Browser {
    pub client: Client,
    pub csrf: String,
    base: String,
}

impl TestApp {
    pub async fn spawn(db: &TestDb) -> Self {
        Self::spawn_with(
            db,
            Settings {
                require_totp: false,
                ..Settings::default()
            },
        )
        .await
    }

    pub async fn spawn_with(db: &TestDb, settings: Settings) -> Self {
        Self::spawn_loaded(db, settings, false).await
    }

    /// With everything `spotcheck demo` loads ([`App::load_full_demo`]).
    pub async fn spawn_full_demo(db: &TestDb) -> Self {
        Self::spawn_loaded(
            db,
            Settings {
                require_totp: false,
                ..Settings::default()
            },
            true,
        )
        .await
    }

    async fn spawn_loaded(db: &TestDb, settings: Settings, full_demo: bool) -> Self {
        // Harmless when reqwest was built without rustls; required when the
        // workspace build gave it rustls without a provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = db.open().await;
        let offset = Arc::new(AtomicI64::new(0));
        let o = offset.clone();
        let clock: spotcheck_app::Clock = Arc::new(move || Utc::now() + Duration::seconds(o.load(Ordering::SeqCst)));
        let evidence = tempfile::tempdir().unwrap();
        let app = App::with_clock(store, settings, Sealer::from_key([42; 32]), clock).with_evidence(
            spotcheck_evidence::EvidenceStore::open(&spotcheck_evidence::EvidenceConfig::local(evidence.path()))
                .unwrap(),
        );
        app.initialize().await.unwrap();
        if full_demo {
            app.load_full_demo().await.unwrap();
        } else {
            app.load_demo().await.unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let served = app.clone();
        tokio::spawn(async move {
            spotcheck_web::serve(
                listener,
                served,
                spotcheck_web::WebConfig::default(),
                std::future::pending(),
            )
            .await
            .unwrap();
        });
        Self {
            base,
            app,
            clock_offset: offset,
            http: Client::new(),
            _evidence: evidence,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.app.now()
    }

    /// Moves the server's clock forward.
    pub fn advance(&self, d: Duration) {
        self.clock_offset.fetch_add(d.num_seconds(), Ordering::SeqCst);
    }

    /// The task of this name in the actor's task list (`GET /api/v1/tasks`).
    pub async fn task_named(&self, token: &str, name: &str) -> Value {
        let (s, list) = self.get(token, "/api/v1/tasks").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        list.as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .unwrap_or_else(|| panic!("no task “{name}” in {list}"))
            .clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Raw login; returns status and body.
    pub async fn login_raw(&self, username: &str, password: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    /// A bearer token for a demo account, changing its first-login password when needed.
    pub async fn token(&self, username: &str) -> String {
        let (s, body) = self.login_raw(username, DEMO_PASSWORD).await;
        if s == StatusCode::OK {
            let token = body["token"].as_str().unwrap().to_string();
            if body["user"]["must_change_password"] == true {
                let r = self
                    .post(
                        &token,
                        "/api/v1/auth/password",
                        json!({"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}),
                    )
                    .await;
                assert_eq!(r.0, StatusCode::NO_CONTENT, "{:?}", r.1);
            }
            return token;
        }
        let (s, body) = self.login_raw(username, NEW_PASSWORD).await;
        assert_eq!(s, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(&self, method: &str, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = self
            .http
            .request(m, self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    /// A page of the public site as JSON, without login.
    pub async fn public_json(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A page of the public site as text, without login.
    pub async fn public_text(&self, path: &str) -> String {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send("POST", token, path, body).await
    }

    /// A user's id, looked up by the province.
    pub async fn user_id(&self, username: &str) -> i64 {
        let admin = self.token("hlj_admin").await;
        let (_, page) = self.get(&admin, &format!("/api/v1/users?q={username}")).await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
            .unwrap_or_else(|| panic!("no user {username}"))["id"]
            .as_i64()
            .unwrap()
    }

    /// A logged-in browser (cookie session), past the forced password change.
    pub async fn browser(&self, username: &str) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut b = Browser {
            client,
            csrf: String::new(),
            base: self.base.clone(),
        };
        for password in [DEMO_PASSWORD, NEW_PASSWORD] {
            let r = b
                .client
                .post(b.url("/login"))
                .form(&[("username", username), ("password", password)])
                .send()
                .await
                .unwrap();
            if r.status() != StatusCode::SEE_OTHER {
                continue;
            }
            let location = r.headers()["location"].to_str().unwrap().to_string();
            if location == "/account/password" {
                b.refresh_csrf("/account/password").await;
                let r = b
                    .form(
                        "/account/password",
                        &[
                            ("old_password", password),
                            ("new_password", NEW_PASSWORD),
                            ("confirm_password", NEW_PASSWORD),
                        ],
                    )
                    .await;
                assert_eq!(r.status(), StatusCode::SEE_OTHER);
            }
            b.refresh_csrf("/").await;
            return b;
        }
        panic!("browser login failed for {username}");
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn refresh_csrf(&mut self, page: &str) {
        let html = self
            .client
            .get(self.url(page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let re = regex_lite::Regex::new(r#"name="_csrf" value="([^"]+)""#).unwrap();
        self.csrf = re
            .captures(&html)
            .map(|c| c[1].to_string())
            .expect("page has a CSRF field");
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Submits a form with the session's CSRF token.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&all).send().await.unwrap()
    }
}

/// A valid 统一社会信用代码 in a division, distinct for each `n`.
pub fn credit_code(division: &str, n: u32) -> String {
    let body8 = format!("MA{:06}", n);
    let org = format!(
        "{body8}{}",
        spotcheck_domain::credit_code::org_code_check_char(&body8).unwrap()
    );
    let first17 = format!("91{division}{org}");
    format!(
        "{first17}{}",
        spotcheck_domain::credit_code::check_char(&first17).unwrap()
    )
}

/// A valid 身份证号 born in 1980 in a division, distinct for each `n` < 1000.
pub fn id_number(division: &str, n: u32) -> String {
    let first17 = format!("{division}19800101{:03}", n % 1000);
    format!(
        "{first17}{}",
        spotcheck_domain::id_number::check_char(&first17).unwrap()
    )
}

impl TestApp {
    /// Adds an enterprise to a department's directory through the API; returns its id.
    pub async fn enterprise(&self, token: &str, department: &str, division: &str, n: u32) -> i64 {
        self.enterprise_of("建筑业企业", token, department, division, n).await
    }

    /// Adds an enterprise of one 企业类别 through the API; returns its id.
    pub async fn enterprise_of(&self, kind: &str, token: &str, department: &str, division: &str, n: u32) -> i64 {
        let (s, body) = self
            .post(
                token,
                "/api/v1/objects",
                json!({"kind": "企业", "department_code": department, "fields": {
                    "统一社会信用代码": credit_code(division, n), "企业名称": format!("测试建筑工程有限公司{}", ["甲","乙","丙","丁","戊"][n as usize % 5]),
                    "所在行政区划代码": division, "企业类别": kind, "信用风险分类": "B"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// Adds an inspector through the API; returns its id.
    pub async fn inspector(&self, token: &str, department: &str, cert: &str, n: u32) -> i64 {
        let (s, body) = self
            .post(
                token,
                "/api/v1/inspectors",
                json!({"fields": {"姓名": "王检查", "执法证号": cert, "身份证号": id_number(&department[..6], n),
                    "所属部门": department, "专业执法资格": "建筑市场、工程质量", "执法证有效期至": "2029-12-31", "状态": "在岗"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// Uploads a file to the import API and waits for the outcome.
    pub async fn import(
        &self,
        token: &str,
        kind: &str,
        department: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.to_string())
            .text("department", department.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        let r = self
            .http
            .post(self.url("/api/v1/imports?wait=true"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }
}

impl TestApp {
    /// A 站内消息 to a user, sent as use cases send them (inside a committed
    /// transaction), linking to `/items`; returns its id.
    pub async fn message_to(&self, username: &str, title: &str, todo: bool) -> i64 {
        use spotcheck_app::messages::{Notice, Recipient, testing};
        static SUBJECT: AtomicI64 = AtomicI64::new(1);
        let subject = SUBJECT.fetch_add(1, Ordering::SeqCst);
        let store = self.app.store();
        let user = spotcheck_store::users::by_username(store.conn(), username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {username}"));
        let tx = store.begin().await.unwrap();
        testing::notify(
            &tx,
            self.now(),
            Notice {
                to: Recipient::User(user.id),
                kind: "test_handover",
                title: title.to_string(),
                body: "测试消息正文".to_string(),
                link: "/items".to_string(),
                action_required: todo,
                subject: ("test", subject),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        spotcheck_store::messages::about(store.conn(), "test", subject)
            .await
            .unwrap()[0]
            .id
    }
}
