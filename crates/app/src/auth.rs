//! Logging in and out, sessions, the first-login password change and the
//! TOTP second factor (RFC 6238).

use crate::audit::{By, Change, record};
use crate::crypto::{self, hash_password, new_token, token_hash, verify_password};
use crate::{Actor, App, AppError, RequestMeta};
use chrono::{DateTime, Duration, Utc};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::lockout::LockoutPolicy;
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::sessions::{self, SessionRow};
use spotcheck_store::users::{self, UserRow};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// How the client holds its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// A cookie, with a CSRF token for every state change.
    Browser,
    /// A bearer token in the `Authorization` header.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        }
    }
}

/// Session stage: complete, or waiting for the second factor.
const STAGE_FULL: &str = "full";
const STAGE_TOTP: &str = "totp";

/// A session just opened.
#[derive(Debug)]
pub struct LoginOutcome {
    /// The secret the client keeps (cookie value or bearer token).
    pub token: String,
    pub csrf_token: String,
    /// True while the second factor is still awaited (browser logins only).
    pub totp_pending: bool,
    pub user: UserRow,
}

/// A fresh TOTP secret for the user to scan.
#[derive(Debug)]
pub struct TotpEnrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    /// The otpauth URL as an SVG QR code, drawn on the server (no external service).
    pub qr_svg: String,
}

const TOTP_STEP: u64 = 30;

impl Actor {
    /// True while the session waits for the second factor.
    pub fn totp_pending(&self) -> bool {
        self.stage == STAGE_TOTP
    }
}

impl App {
    fn totp_for(&self, secret_base32: &str, account: &str) -> Result<Totp, AppError> {
        let secret =
            Secret::try_from_base32(secret_base32).map_err(|_| AppError::Internal("动态口令密钥损坏".into()))?;
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(TOTP_STEP)
            .with_secret(secret)
            .with_account_name(account)
            .with_issuer(Some(self.settings().totp_issuer.as_str()))
            .build()
            .map_err(|e| AppError::Internal(format!("动态口令初始化失败：{e}")))
    }

    /// The time step whose code matches, allowing one step of clock drift.
    fn matching_step(&self, totp: &Totp, code: &str) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        totp.check(code, self.now().timestamp().max(0) as u64)
            .map(|step| step as i64)
    }

    /// Checks a TOTP code against the user's confirmed or pending secret and
    /// consumes its time step.
    pub(crate) async fn check_totp(&self, user: &UserRow, code: &str) -> Result<bool, AppError> {
        let Some(sealed) = &user.totp_secret_sealed else {
            return Ok(false);
        };
        let secret = self.sealer().open(sealed)?;
        let totp = self.totp_for(&secret, &user.username)?;
        let Some(step) = self.matching_step(&totp, code) else {
            return Ok(false);
        };
        Ok(users::use_totp_step(self.store().conn(), user.id, step).await?)
    }

    async fn root_code(&self) -> Result<String, AppError> {
        Ok(departments::root(self.store().conn())
            .await?
            .map(|d| d.code.as_str().to_string())
            .unwrap_or_default())
    }

    /// Logs a user in. A browser whose user has a second factor and gave no
    /// code gets a session waiting for it; an API client must send `totp`.
    pub async fn login(
        &self,
        meta: &RequestMeta,
        username: &str,
        password: &str,
        totp: Option<&str>,
        kind: SessionKind,
    ) -> Result<LoginOutcome, AppError> {
        let username = username.trim();
        let now = self.now();
        let found = users::by_username(self.store().conn(), username).await?;
        let Some(user) = found.filter(|u| u.active) else {
            // Spend the same time as a real check, then record the attempt.
            let pw = password.to_string();
            let _ = tokio::task::spawn_blocking(move || verify_password(&pw, crypto::dummy_hash())).await;
            let root = self.root_code().await?;
            let tx = self.store().begin().await?;
            let shown: String = username.chars().take(64).collect();
            let by = By {
                user_id: None,
                name: shown.clone(),
                role: String::new(),
                department: root,
                meta: meta.clone(),
            };
            record(
                &tx,
                &by,
                Change::new(AuditAction::LoginFailed, "user", &shown)
                    .summary(format!("登录失败：用户名“{shown}”不存在或已停用")),
            )
            .await?;
            tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
            return Err(AppError::InvalidCredentials);
        };
        let dept = self.department_of(&user).await?;
        let by = By {
            user_id: Some(user.id),
            name: user.username.clone(),
            role: user.role.code().to_string(),
            department: dept.code.as_str().to_string(),
            meta: meta.clone(),
        };

        if let Some(until) = user.locked_until.filter(|t| LockoutPolicy::is_locked(Some(*t), now)) {
            let tx = self.store().begin().await?;
            record(
                &tx,
                &by,
                Change::new(AuditAction::LoginRefusedLocked, "user", user.id)
                    .in_department(dept.code.as_str())
                    .summary(format!(
                        "账号锁定期间尝试登录（锁定至{}）",
                        crate::actor::local_time(&until)
                    )),
            )
            .await?;
            tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
            return Err(AppError::Locked { until });
        }

        let (pw, hash) = (password.to_string(), user.password_hash.clone());
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !ok {
            return Err(self.fail_login(&user, &dept, &by, "密码错误").await?);
        }
        let mut totp_pending = false;
        if user.totp_enabled {
            match totp {
                Some(code) => {
                    if !self.check_totp(&user, code).await? {
                        return Err(self.fail_login(&user, &dept, &by, "动态口令错误").await?);
                    }
                }
                None if kind == SessionKind::Api => return Err(AppError::TotpRequired),
                None => totp_pending = true,
            }
        }

        let token = new_token();
        let csrf_token = new_token();
        let tx = self.store().begin().await?;
        sessions::insert(
            &tx,
            &SessionRow {
                token_hash: token_hash(&token),
                user_id: user.id,
                kind: kind.code().to_string(),
                stage: if totp_pending { STAGE_TOTP } else { STAGE_FULL }.to_string(),
                csrf_token: csrf_token.clone(),
                created_at: now,
                last_seen_at: now,
                client_addr: meta.client_addr.clone(),
            },
        )
        .await?;
        if !totp_pending {
            users::record_login(&tx, user.id, now).await?;
            record(&tx, &by, login_change(&user, &dept, kind)).await?;
        }
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(LoginOutcome {
            token,
            csrf_token,
            totp_pending,
            user,
        })
    }

    /// Counts a failed attempt, locks the account at the limit, and returns
    /// the error to show.
    async fn fail_login(&self, user: &UserRow, dept: &DepartmentRow, by: &By, why: &str) -> Result<AppError, AppError> {
        let now = self.now();
        let tx = self.store().begin().await?;
        // Re-read inside the write transaction so concurrent failures all count.
        let current = users::by_id(&tx, user.id).await?.ok_or(AppError::InvalidCredentials)?;
        let before = if current.locked_until.is_some_and(|t| t <= now) {
            0
        } else {
            current.failed_logins
        };
        let after = self.settings().lockout.after_failure(before, now);
        users::record_failure(&tx, user.id, after.failures, after.locked_until).await?;
        record(
            &tx,
            by,
            Change::new(AuditAction::LoginFailed, "user", user.id)
                .in_department(dept.code.as_str())
                .summary(format!("登录失败：{why}（连续第{}次）", after.failures)),
        )
        .await?;
        if let Some(until) = after.locked_until {
            record(
                &tx,
                by,
                Change::new(AuditAction::AccountLocked, "user", user.id)
                    .in_department(dept.code.as_str())
                    .summary(format!(
                        "连续{}次登录失败，账号锁定{}分钟（至{}）",
                        after.failures,
                        self.settings().lockout.lock_minutes,
                        crate::actor::local_time(&until)
                    )),
            )
            .await?;
            sessions::delete_for_user(&tx, user.id, None).await?;
        }
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(match after.locked_until {
            Some(until) => AppError::Locked { until },
            None => AppError::InvalidCredentials,
        })
    }

    /// Completes a browser login that waited for the second factor.
    pub async fn complete_totp(&self, actor: &Actor, code: &str) -> Result<(), AppError> {
        if !actor.totp_pending() {
            return Ok(());
        }
        let by = By::actor(actor);
        if !self.check_totp(&actor.user, code).await? {
            return Err(
                match self
                    .fail_login(&actor.user, &actor.department, &by, "动态口令错误")
                    .await?
                {
                    AppError::InvalidCredentials => AppError::InvalidTotp,
                    other => other,
                },
            );
        }
        let tx = self.store().begin().await?;
        sessions::set_stage(&tx, &actor.session, STAGE_FULL).await?;
        users::record_login(&tx, actor.user.id, self.now()).await?;
        record(
            &tx,
            &by,
            login_change(&actor.user, &actor.department, SessionKind::Browser),
        )
        .await?;
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(())
    }

    async fn department_of(&self, user: &UserRow) -> Result<DepartmentRow, AppError> {
        departments::by_id(self.store().conn(), user.department_id)
            .await?
            .ok_or_else(|| AppError::Internal("用户所属部门不存在".into()))
    }

    /// Resolves a session token to its actor, ending idle sessions. Does not
    /// apply the gates (pending second factor, forced password change): see
    /// [`App::gate`].
    pub async fn authenticate(&self, token: &str, kind: SessionKind, meta: RequestMeta) -> Result<Actor, AppError> {
        let now = self.now();
        let hash = token_hash(token);
        let db = self.store().conn();
        let s = sessions::get(db, &hash).await?.ok_or(AppError::Unauthenticated)?;
        if s.kind != kind.code() {
            return Err(AppError::Unauthenticated);
        }
        if idle_expired(s.last_seen_at, now, self.settings().session_idle_minutes) {
            sessions::delete(db, &hash).await?;
            return Err(AppError::SessionExpired);
        }
        let user = users::by_id(db, s.user_id).await?.ok_or(AppError::Unauthenticated)?;
        if !user.active || LockoutPolicy::is_locked(user.locked_until, now) {
            sessions::delete(db, &hash).await?;
            return Err(AppError::Unauthenticated);
        }
        let department = self.department_of(&user).await?;
        // Renew at most once a minute: enough for a 30-minute idle limit,
        // and it keeps reads from turning into writes.
        if now - s.last_seen_at > Duration::seconds(60) {
            sessions::touch(db, &hash, now).await?;
        }
        Ok(Actor {
            user,
            department,
            session: hash,
            session_kind: s.kind,
            stage: s.stage,
            csrf_token: s.csrf_token,
            meta,
        })
    }

    /// What must happen before the actor may use the platform, if anything.
    pub fn gate(&self, actor: &Actor) -> Result<(), AppError> {
        if actor.totp_pending() {
            return Err(AppError::TotpRequired);
        }
        if actor.user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        if self.totp_required_for(&actor.user) && !actor.user.totp_enabled {
            return Err(AppError::TotpEnrolmentRequired);
        }
        Ok(())
    }

    pub fn totp_required_for(&self, user: &UserRow) -> bool {
        self.settings().require_totp && user.role.requires_totp()
    }

    pub async fn logout(&self, actor: &Actor) -> Result<(), AppError> {
        let tx = self.store().begin().await?;
        sessions::delete(&tx, &actor.session).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::Logout, "user", actor.user.id).in_department(actor.department.code.as_str()),
        )
        .await?;
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(())
    }

    /// Changes the actor's own password; ends the actor's other sessions.
    pub async fn change_password(&self, actor: &Actor, old: &str, new: &str, confirm: &str) -> Result<(), AppError> {
        if actor.totp_pending() {
            return Err(AppError::TotpRequired);
        }
        let (pw, hash) = (old.to_string(), actor.user.password_hash.clone());
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !ok {
            return Err(AppError::invalid("old_password", "原密码不正确"));
        }
        if new != confirm {
            return Err(AppError::invalid("confirm_password", "两次输入的新密码不一致"));
        }
        if new == old {
            return Err(AppError::invalid("new_password", "新密码不能与原密码相同"));
        }
        self.settings()
            .password_policy
            .check(&actor.user.username, new)
            .map_err(|m| AppError::invalid("new_password", m))?;
        let new_owned = new.to_string();
        let new_hash = tokio::task::spawn_blocking(move || hash_password(&new_owned))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let tx = self.store().begin().await?;
        users::set_password(&tx, actor.user.id, &new_hash, false, self.now()).await?;
        sessions::delete_for_user(&tx, actor.user.id, Some(&actor.session)).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::PasswordChanged, "user", actor.user.id)
                .in_department(actor.department.code.as_str())
                .summary(if actor.user.must_change_password {
                    "首次登录修改密码"
                } else {
                    "修改本人密码"
                }),
        )
        .await?;
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(())
    }

    /// Starts (or restarts) TOTP enrolment: a new secret, not yet in force.
    pub async fn begin_totp_enrolment(&self, actor: &Actor) -> Result<TotpEnrolment, AppError> {
        if actor.totp_pending() {
            return Err(AppError::TotpRequired);
        }
        if actor.user.totp_enabled {
            return Err(AppError::Conflict("已绑定动态口令；如需更换，请先解除绑定".into()));
        }
        let base32 = Secret::new_stack(crypto::random_bytes::<20>()).to_base32();
        users::set_totp(
            self.store().conn(),
            actor.user.id,
            Some(&self.sealer().seal(&base32)),
            false,
            self.now(),
        )
        .await?;
        self.enrolment_for(&base32, &actor.user.username)
    }

    /// The enrolment begun but not yet confirmed, so a reload or a mistyped
    /// code does not lose the QR code the user may already have scanned.
    pub async fn pending_totp_enrolment(&self, actor: &Actor) -> Result<Option<TotpEnrolment>, AppError> {
        let user = users::by_id(self.store().conn(), actor.user.id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        match (&user.totp_secret_sealed, user.totp_enabled) {
            (Some(sealed), false) => {
                let base32 = self.sealer().open(sealed)?;
                Ok(Some(self.enrolment_for(&base32, &user.username)?))
            }
            _ => Ok(None),
        }
    }

    fn enrolment_for(&self, base32: &str, username: &str) -> Result<TotpEnrolment, AppError> {
        let totp = self.totp_for(base32, username)?;
        let url = totp.to_url().map_err(|e| AppError::Internal(e.to_string()))?;
        let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(e.to_string()))?;
        let qr_svg = qr
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build();
        Ok(TotpEnrolment {
            secret_base32: base32.to_string(),
            otpauth_url: url,
            qr_svg,
        })
    }

    /// Confirms enrolment with a code from the authenticator.
    pub async fn confirm_totp_enrolment(&self, actor: &Actor, code: &str) -> Result<(), AppError> {
        let user = users::by_id(self.store().conn(), actor.user.id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.totp_enabled {
            return Ok(());
        }
        let sealed = user
            .totp_secret_sealed
            .clone()
            .ok_or_else(|| AppError::Conflict("请先生成动态口令密钥".into()))?;
        if !self.check_totp(&user, code).await? {
            return Err(AppError::invalid(
                "code",
                "动态口令不正确，请确认手机时间准确后输入最新的6位数字",
            ));
        }
        let tx = self.store().begin().await?;
        users::set_totp(&tx, user.id, Some(&sealed), true, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::TotpEnrolled, "user", user.id).in_department(actor.department.code.as_str()),
        )
        .await?;
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(())
    }

    /// Removes the actor's own second factor, where the role does not require one.
    pub async fn disable_own_totp(&self, actor: &Actor, password: &str) -> Result<(), AppError> {
        if self.totp_required_for(&actor.user) {
            return Err(AppError::Forbidden("本角色必须使用动态口令，不能解除绑定".into()));
        }
        let (pw, hash) = (password.to_string(), actor.user.password_hash.clone());
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !ok {
            return Err(AppError::invalid("password", "密码不正确"));
        }
        let tx = self.store().begin().await?;
        users::set_totp(&tx, actor.user.id, None, false, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::TotpDisabled, "user", actor.user.id)
                .in_department(actor.department.code.as_str())
                .summary("本人解除动态口令"),
        )
        .await?;
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(())
    }

    /// The current TOTP code for a secret (used by tests and the CLI's self-check).
    pub fn totp_code_for(&self, secret_base32: &str, account: &str, at: DateTime<Utc>) -> Result<String, AppError> {
        Ok(self
            .totp_for(secret_base32, account)?
            .generate(at.timestamp().max(0) as u64)
            .to_string())
    }
}

fn login_change(user: &UserRow, dept: &DepartmentRow, kind: SessionKind) -> Change {
    Change::new(AuditAction::Login, "user", user.id)
        .in_department(dept.code.as_str())
        .summary(match kind {
            SessionKind::Browser => "登录成功（浏览器）",
            SessionKind::Api => "登录成功（接口令牌）",
        })
}

fn idle_expired(last_seen: DateTime<Utc>, now: DateTime<Utc>, idle_minutes: i64) -> bool {
    now - last_seen > Duration::minutes(idle_minutes)
}

impl App {
    /// Ends a session the client is replacing (a new login in the same browser).
    pub async fn discard_session(&self, token: &str) -> Result<(), AppError> {
        sessions::delete(self.store().conn(), &token_hash(token)).await?;
        Ok(())
    }
}
