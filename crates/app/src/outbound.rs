//! The outbound channel: an SMS gateway or an e-mail relay that also carries
//! each 站内消息 outside the platform. It is optional and nothing depends on
//! it: a message is complete once its transaction commits; the channel is fed
//! afterwards by a background worker from the `message_outbox` rows written
//! in that same transaction (so a rolled-back hand-over sends nothing), with
//! retries, and a failing or absent channel is only ever logged.
//!
//! The one channel built in is an HTTP webhook: a JSON POST per message, the
//! shape most SMS gateways (and small mail relays) accept; a deployment whose
//! gateway wants another shape puts a small adapter behind the URL.

use crate::actor::local_time;
use crate::{App, AppError};
use serde::Serialize;
use spotcheck_store::messages::{self as store, OutboxState};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What the deployment configured. Absent URL: no channel.
#[derive(Clone)]
pub struct OutboundSettings {
    /// The webhook receiving a JSON POST per message (`http://` or `https://`).
    pub webhook_url: Option<String>,
    /// Sent as `Authorization: Bearer …` when set.
    pub webhook_token: Option<String>,
    /// The platform's public address (e.g. `https://jg.zjt.hlj.gov.cn`), to
    /// make a message's link absolute in the text sent out.
    pub link_base: Option<String>,
    /// How often the worker looks for messages to send.
    pub poll_interval: Duration,
    /// Wait after the first failed attempt; doubled after each further one.
    pub retry_base: Duration,
    /// The longest wait between attempts.
    pub retry_max: Duration,
    /// Attempts before a message is given up (and logged as failed).
    pub max_attempts: u32,
    /// The longest one attempt may take.
    pub timeout: Duration,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        Self {
            webhook_url: None,
            webhook_token: None,
            link_base: None,
            poll_interval: Duration::from_secs(3),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 8,
            timeout: Duration::from_secs(10),
        }
    }
}

impl std::fmt::Debug for OutboundSettings {
    // The token stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundSettings")
            .field("webhook_url", &self.webhook_url)
            .field("webhook_token", &self.webhook_token.as_ref().map(|_| "***"))
            .field("link_base", &self.link_base)
            .field("poll_interval", &self.poll_interval)
            .field("retry_base", &self.retry_base)
            .field("retry_max", &self.retry_max)
            .field("max_attempts", &self.max_attempts)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl OutboundSettings {
    /// Checks the addresses; a Chinese sentence for the operator otherwise.
    pub fn validate(&self) -> Result<(), String> {
        for (what, v) in [("外发渠道地址", &self.webhook_url), ("平台访问地址", &self.link_base)] {
            if let Some(u) = v
                && !(u.starts_with("http://") || u.starts_with("https://"))
            {
                return Err(format!("{what}“{u}”无效：须以 http:// 或 https:// 开头"));
            }
        }
        if self.max_attempts == 0 {
            return Err("外发重试次数须大于0".into());
        }
        Ok(())
    }

    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        self.retry_base.saturating_mul(factor).min(self.retry_max)
    }
}

/// One person a message goes to.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OutboundRecipient {
    pub user_id: i64,
    pub username: String,
    pub name: String,
    /// May be empty: the account has no phone number.
    pub phone: String,
}

/// The JSON body of a webhook POST.
#[derive(Clone, Debug, Serialize)]
pub struct OutboundMessage {
    /// Unique per message and stable across retries: a gateway can drop repeats
    /// (also sent as the `Idempotency-Key` header).
    pub id: String,
    pub message_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Absolute when `link_base` is configured, else the platform path.
    pub link: String,
    pub action_required: bool,
    /// Beijing time, `2026-03-10 14:30`.
    pub created_at: String,
    /// The line an SMS gateway can send as is.
    pub text: String,
    pub recipients: Vec<OutboundRecipient>,
}

/// The future a channel's `send` returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// A way out of the platform. `send` succeeds once the other side has taken
/// the message; an error is a Chinese or technical line for the log.
pub trait Channel: Send + Sync {
    /// For logs, e.g. `webhook https://sms.example/api`.
    fn describe(&self) -> String;
    fn send<'a>(&'a self, m: &'a OutboundMessage) -> SendFuture<'a>;
}

/// A JSON POST per message to a URL.
pub struct WebhookChannel {
    url: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl WebhookChannel {
    pub fn new(url: &str, token: Option<String>, timeout: Duration) -> Result<Self, String> {
        // reqwest is built without a bundled crypto provider; use ring, as the
        // rest of the platform does. An error only means one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("spotcheck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("无法创建外发渠道的 HTTP 客户端：{e}"))?;
        Ok(Self {
            url: url.to_string(),
            token: token.filter(|t| !t.is_empty()),
            http,
        })
    }
}

impl Channel for WebhookChannel {
    fn describe(&self) -> String {
        format!("webhook {}", self.url)
    }

    fn send<'a>(&'a self, m: &'a OutboundMessage) -> SendFuture<'a> {
        Box::pin(async move {
            let body = serde_json::to_vec(m).map_err(|e| e.to_string())?;
            let mut req = self
                .http
                .post(&self.url)
                .header("content-type", "application/json; charset=utf-8")
                .header("idempotency-key", &m.id)
                .body(body);
            if let Some(t) = &self.token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.map_err(|e| format!("请求失败：{e}"))?;
            let status = res.status();
            if status.is_success() {
                return Ok(());
            }
            let text = res.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            Err(format!("HTTP {status}：{text}"))
        })
    }
}

/// What one round of the worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: u64,
    /// Failed attempts that will be retried.
    pub retrying: u64,
    /// Given up after the last attempt.
    pub failed: u64,
    /// No channel, or nobody to send to.
    pub skipped: u64,
}

fn absolute(base: Option<&str>, link: &str) -> String {
    match base {
        Some(b) if link.starts_with('/') => format!("{}{link}", b.trim_end_matches('/')),
        _ => link.to_string(),
    }
}

impl App {
    /// The channel the settings describe, if any.
    pub fn outbound_channel(&self) -> Result<Option<Arc<dyn Channel>>, String> {
        let o = &self.settings().outbound;
        o.validate()?;
        match o.webhook_url.as_deref().filter(|u| !u.trim().is_empty()) {
            None => Ok(None),
            Some(url) => Ok(Some(Arc::new(WebhookChannel::new(
                url.trim(),
                o.webhook_token.clone(),
                o.timeout,
            )?))),
        }
    }

    /// Starts the background worker with the configured channel. Without
    /// one, the worker only marks new outbox rows as skipped.
    pub fn start_outbound(&self) -> Result<tokio::task::JoinHandle<()>, String> {
        let channel = self.outbound_channel()?;
        Ok(self.start_outbound_with(channel))
    }

    /// Starts the background worker with a given channel (or none).
    pub fn start_outbound_with(&self, channel: Option<Arc<dyn Channel>>) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        match &channel {
            Some(c) => tracing::info!(channel = %c.describe(), "outbound channel enabled"),
            None => tracing::debug!("no outbound channel configured"),
        }
        tokio::spawn(async move {
            let poll = app.settings().outbound.poll_interval;
            loop {
                match app.deliver_outbound(channel.as_deref()).await {
                    Ok(r) if r != Round::default() => tracing::debug!(?r, "outbound round"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "outbound round failed"),
                }
                tokio::time::sleep(poll).await;
            }
        })
    }

    /// One round of the worker: every due outbox row gets one attempt.
    /// Failures are logged and scheduled again; nothing is returned to a use case.
    pub async fn deliver_outbound(&self, channel: Option<&dyn Channel>) -> Result<Round, AppError> {
        let db = self.store().conn();
        let o = &self.settings().outbound;
        let mut round = Round::default();
        let Some(channel) = channel else {
            if store::outbox_any_pending(db).await? {
                round.skipped = store::outbox_skip_pending(db, self.now()).await?;
            }
            return Ok(round);
        };
        let now = self.now();
        let hold = chrono::Duration::from_std(o.timeout * 2 + Duration::from_secs(30)).unwrap_or(chrono::Duration::MAX);
        for row in store::outbox_due(db, now, 50).await? {
            if !store::outbox_claim(db, row.id, now, now + hold).await? {
                continue; // another server process took it
            }
            let attempts = row.attempts + 1;
            let Some(m) = store::by_id(db, row.message_id).await? else {
                continue;
            };
            let recipients: Vec<OutboundRecipient> = store::addressees(db, m.id)
                .await?
                .into_iter()
                .map(|a| OutboundRecipient {
                    user_id: a.user_id,
                    username: a.username,
                    name: a.display_name,
                    phone: a.phone,
                })
                .collect();
            if recipients.is_empty() {
                store::outbox_finish(db, row.id, OutboxState::Skipped, self.now(), "没有可送达的在用账号").await?;
                round.skipped += 1;
                continue;
            }
            let link = absolute(o.link_base.as_deref(), &m.link);
            let text = if link.is_empty() {
                m.title.clone()
            } else {
                format!("{} {link}", m.title)
            };
            let out = OutboundMessage {
                id: format!("spotcheck-message-{}", m.id),
                message_id: m.id,
                kind: m.kind.clone(),
                title: m.title.clone(),
                body: m.body.clone(),
                link,
                action_required: m.action_required,
                created_at: local_time(&m.created_at),
                text,
                recipients,
            };
            let result = match tokio::time::timeout(o.timeout, channel.send(&out)).await {
                Ok(r) => r,
                Err(_) => Err(format!("超时（{} 秒）", o.timeout.as_secs())),
            };
            match result {
                Ok(()) => {
                    store::outbox_finish(db, row.id, OutboxState::Delivered, self.now(), "").await?;
                    round.delivered += 1;
                }
                Err(e) if attempts >= o.max_attempts => {
                    tracing::error!(message_id = m.id, attempts, channel = %channel.describe(), error = %e,
                        "outbound delivery given up");
                    store::outbox_finish(db, row.id, OutboxState::Failed, self.now(), &e).await?;
                    round.failed += 1;
                }
                Err(e) => {
                    let wait = o.backoff(attempts);
                    tracing::warn!(message_id = m.id, attempts, retry_in_secs = wait.as_secs_f64(),
                        channel = %channel.describe(), error = %e, "outbound delivery failed; will retry");
                    let next = self.now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                    store::outbox_retry(db, row.id, next, &e).await?;
                    round.retrying += 1;
                }
            }
        }
        Ok(round)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let o = OutboundSettings {
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(300),
            ..Default::default()
        };
        assert_eq!(o.backoff(1), Duration::from_secs(30));
        assert_eq!(o.backoff(2), Duration::from_secs(60));
        assert_eq!(o.backoff(4), Duration::from_secs(240));
        assert_eq!(o.backoff(5), Duration::from_secs(300));
        assert_eq!(o.backoff(100), Duration::from_secs(300));
    }

    #[test]
    fn settings_refuse_other_schemes_and_hide_the_token() {
        let o = OutboundSettings {
            webhook_url: Some("ftp://x".into()),
            ..Default::default()
        };
        assert!(o.validate().unwrap_err().contains("http://"));
        let o = OutboundSettings {
            webhook_url: Some("https://sms.example/api".into()),
            webhook_token: Some("secret-token".into()),
            ..Default::default()
        };
        assert!(o.validate().is_ok());
        assert!(!format!("{o:?}").contains("secret-token"));
        assert_eq!(absolute(Some("https://a.b/"), "/plans/1"), "https://a.b/plans/1");
        assert_eq!(absolute(None, "/plans/1"), "/plans/1");
    }
}
