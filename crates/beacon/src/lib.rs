//! spotcheck-beacon: the one part of the draw that talks to the network.
//!
//! At reveal the platform needs the drand quicknet round named at commit.
//! This crate fetches `GET {relay}/{chain_hash}/public/{round}` from one or
//! more relays and returns the round only after `spotcheck-draw` has verified
//! its BLS signature against the pinned quicknet key: a relay (or anyone in
//! between) that serves a forged or altered value is refused, and another
//! relay is tried. A round that does not exist yet (drand answers 404 or 425)
//! is reported as not yet available, with the time it is due.
//!
//! Manual beacon values (e.g. 福彩3D numbers typed by an official) need no
//! I/O: see `spotcheck_draw::BeaconSource::check_manual_value`.

use std::fmt;
use std::time::Duration;

use spotcheck_draw::drand::{self, DrandError, QUICKNET_CHAIN_HASH, VerifiedRound};
use spotcheck_draw::json::Json;

/// drand's public HTTP relays for quicknet, tried in order.
pub const DEFAULT_RELAYS: &[&str] = &[
    "https://api.drand.sh",
    "https://api2.drand.sh",
    "https://api3.drand.sh",
    "https://drand.cloudflare.com",
];

/// Why no verified round could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The round does not exist yet (every relay that answered said so).
    NotYetAvailable {
        round: u64,
        /// Unix time at which the round is due.
        due_at: u64,
    },
    /// A relay served a value that failed verification: never accepted.
    Refused { round: u64, relay: String, reason: String },
    /// No relay could be reached or gave a usable answer.
    Unavailable { round: u64, attempts: Vec<String> },
    /// The client could not be built (TLS setup).
    Client(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::NotYetAvailable { round, due_at } => write!(
                f,
                "drand quicknet round {round} is not yet available (due at Unix time {due_at})"
            ),
            FetchError::Refused { round, relay, reason } => {
                write!(f, "drand quicknet round {round} from {relay} refused: {reason}")
            }
            FetchError::Unavailable { round, attempts } => write!(
                f,
                "drand quicknet round {round} could not be fetched: {}",
                attempts.join("; ")
            ),
            FetchError::Client(e) => write!(f, "HTTP client: {e}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// A drand quicknet client over one or more relays.
#[derive(Debug, Clone)]
pub struct DrandClient {
    relays: Vec<String>,
    http: reqwest::Client,
}

/// What one relay said.
enum Answer {
    Verified(VerifiedRound),
    NotYet,
    Forged(String),
    Failed(String),
}

impl DrandClient {
    /// A client for drand's public relays.
    pub fn new() -> Result<DrandClient, FetchError> {
        DrandClient::with_relays(DEFAULT_RELAYS.iter().map(|s| s.to_string()).collect())
    }

    /// A client for the given relay base URLs (e.g. a relay inside a closed
    /// network, or a test server), tried in order.
    pub fn with_relays(relays: Vec<String>) -> Result<DrandClient, FetchError> {
        // reqwest is built without a bundled crypto provider; use ring, as the
        // rest of the platform does. An error only means one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("spotcheck-beacon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(DrandClient {
            relays: relays.into_iter().map(|r| r.trim_end_matches('/').to_owned()).collect(),
            http,
        })
    }

    pub fn relays(&self) -> &[String] {
        &self.relays
    }

    /// Fetches and verifies quicknet round `round`. Tries every relay until
    /// one serves a value that verifies.
    pub async fn fetch_round(&self, round: u64) -> Result<VerifiedRound, FetchError> {
        let mut attempts = Vec::new();
        let mut forged: Option<(String, String)> = None;
        let mut not_yet = false;
        for relay in &self.relays {
            match self.ask(relay, round).await {
                Answer::Verified(v) => return Ok(v),
                Answer::NotYet => {
                    not_yet = true;
                    attempts.push(format!("{relay}: not yet available"));
                }
                Answer::Forged(reason) => {
                    attempts.push(format!("{relay}: refused: {reason}"));
                    forged.get_or_insert((relay.clone(), reason));
                }
                Answer::Failed(e) => attempts.push(format!("{relay}: {e}")),
            }
        }
        if let Some((relay, reason)) = forged {
            return Err(FetchError::Refused { round, relay, reason });
        }
        if not_yet {
            return Err(FetchError::NotYetAvailable {
                round,
                due_at: drand::round_time(round),
            });
        }
        Err(FetchError::Unavailable { round, attempts })
    }

    async fn ask(&self, relay: &str, round: u64) -> Answer {
        let url = format!("{relay}/{QUICKNET_CHAIN_HASH}/public/{round}");
        let resp = match self.http.get(&url).send().await {
            Ok(r) => r,
            Err(e) => return Answer::Failed(e.to_string()),
        };
        let status = resp.status().as_u16();
        if status == 404 || status == 425 {
            return Answer::NotYet;
        }
        if status != 200 {
            return Answer::Failed(format!("HTTP status {status}"));
        }
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Answer::Failed(e.to_string()),
        };
        check_answer(round, &body)
    }
}

/// Checks a relay's JSON answer `{"round": N, "randomness": "…", "signature": "…"}`.
fn check_answer(round: u64, body: &[u8]) -> Answer {
    let Ok(v) = Json::parse(body) else {
        return Answer::Failed("answer is not JSON".into());
    };
    let served_round = match v.get("round") {
        Some(Json::Number(n)) => n.parse::<u64>().ok(),
        _ => None,
    };
    if served_round != Some(round) {
        return Answer::Forged(format!(
            "answer is for round {}, not {round}",
            served_round.map_or("?".into(), |r| r.to_string())
        ));
    }
    let Some(sig) = v.get("signature").and_then(Json::as_str) else {
        return Answer::Failed("answer has no signature".into());
    };
    let randomness = v.get("randomness").and_then(Json::as_str);
    match drand::verify_served(round, sig, randomness) {
        Ok(v) => Answer::Verified(v),
        Err(e @ DrandError::SignatureNotHex) => Answer::Forged(e.to_string()),
        Err(e) => Answer::Forged(e.to_string()),
    }
}

/// Verifies a round whose signature was obtained some other way (e.g.
/// copied by hand from drand's website in a closed network).
pub fn verify_manual(round: u64, signature_hex: &str) -> Result<VerifiedRound, DrandError> {
    drand::verify_served(round, signature_hex, None)
}
