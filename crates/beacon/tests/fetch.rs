//! The client against tiny local relays serving recorded quicknet rounds,
//! a forged one, and rounds that do not exist yet. Nothing leaves 127.0.0.1.

use std::collections::HashMap;
use std::sync::Arc;

use spotcheck_beacon::{DrandClient, FetchError};
use spotcheck_draw::drand::QUICKNET_CHAIN_HASH;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const R1: (u64, &str) = (
    20791007,
    "8d2c8bbc37170dbacc5e280a21d4e195cff5f32a19fd6a58633fa4e4670478b5fb39bc13dd8f8c4372c5a76191198ac5",
);
const R2: (u64, &str) = (
    20905307,
    "8a60486975062d9f06633c284cf1a7b46fb343f56f329f180530ca40a9e86320244f4fbfc37ae866cf25ef499665a31f",
);
const R1000_RANDOMNESS: &str = "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd";
const R1000_SIG: &str =
    "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";

fn body(round: u64, randomness: &str, sig: &str) -> String {
    format!(r#"{{"round":{round},"randomness":"{randomness}","signature":"{sig}"}}"#)
}

/// Starts a relay answering `/{chain}/public/{round}` from `routes`
/// (round → (status, body)); any other path is a 404. Returns its base URL.
async fn relay(routes: HashMap<u64, (u16, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = Arc::new(routes);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            tokio::spawn(async move {
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&req);
                let path = text.split_whitespace().nth(1).unwrap_or("").to_owned();
                let prefix = format!("/{QUICKNET_CHAIN_HASH}/public/");
                let (status, body) = path
                    .strip_prefix(&prefix)
                    .and_then(|r| r.parse::<u64>().ok())
                    .and_then(|r| routes.get(&r).cloned())
                    .unwrap_or((404, "not found".into()));
                let reason = match status {
                    200 => "OK",
                    404 => "Not Found",
                    425 => "Too Early",
                    _ => "Error",
                };
                let resp = format!(
                    "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    base
}

fn forged(sig: &str) -> String {
    // Flip one bit of the signature: the randomness field is made to match it,
    // as a careful forger would.
    let mut b = spotcheck_draw::digest::decode_hex(sig).unwrap();
    b[10] ^= 0x04;
    spotcheck_draw::digest::to_hex(&b)
}

fn sha_hex(hex: &str) -> String {
    spotcheck_draw::Digest::of(&spotcheck_draw::digest::decode_hex(hex).unwrap()).to_hex()
}

#[tokio::test(flavor = "current_thread")]
async fn fetches_and_verifies_a_recorded_round() {
    let mut routes = HashMap::new();
    routes.insert(R1.0, (200, body(R1.0, &sha_hex(R1.1), R1.1)));
    routes.insert(1000, (200, body(1000, R1000_RANDOMNESS, R1000_SIG)));
    let base = relay(routes).await;
    let client = DrandClient::with_relays(vec![base + "/"]).unwrap();
    let v = client.fetch_round(R1.0).await.unwrap();
    assert_eq!(v.round(), R1.0);
    assert_eq!(v.signature_hex(), R1.1);
    let v = client.fetch_round(1000).await.unwrap();
    assert_eq!(v.beacon_value(), R1000_RANDOMNESS);
}

#[tokio::test(flavor = "current_thread")]
async fn a_forged_round_is_refused_and_another_relay_is_asked() {
    let fake = forged(R2.1);
    let mut bad = HashMap::new();
    bad.insert(R2.0, (200, body(R2.0, &sha_hex(&fake), &fake)));
    // A relay that serves another round's genuine signature for this round.
    bad.insert(R1.0, (200, body(R1.0, &sha_hex(R2.1), R2.1)));
    let bad = relay(bad).await;
    let mut good = HashMap::new();
    good.insert(R2.0, (200, body(R2.0, &sha_hex(R2.1), R2.1)));
    let good = relay(good).await;

    let only_bad = DrandClient::with_relays(vec![bad.clone()]).unwrap();
    match only_bad.fetch_round(R2.0).await {
        Err(FetchError::Refused { round, reason, .. }) => {
            assert_eq!(round, R2.0);
            assert!(
                reason.contains("does not verify") || reason.contains("not a valid"),
                "{reason}"
            );
        }
        other => panic!("forged round accepted or misreported: {other:?}"),
    }
    // A valid curve point, genuine drand signature, but of another round.
    match only_bad.fetch_round(R1.0).await {
        Err(FetchError::Refused { reason, .. }) => assert!(reason.contains("does not verify"), "{reason}"),
        other => panic!("{other:?}"),
    }

    let both = DrandClient::with_relays(vec![bad, good]).unwrap();
    let v = both.fetch_round(R2.0).await.unwrap();
    assert_eq!(v.signature_hex(), R2.1);
}

#[tokio::test(flavor = "current_thread")]
async fn wrong_randomness_or_round_is_refused() {
    let mut routes = HashMap::new();
    routes.insert(R1.0, (200, body(R1.0, &"0".repeat(64), R1.1)));
    routes.insert(R2.0, (200, body(R2.0 + 1, &sha_hex(R2.1), R2.1)));
    let base = relay(routes).await;
    let client = DrandClient::with_relays(vec![base]).unwrap();
    let e = client.fetch_round(R1.0).await.unwrap_err();
    assert!(e.to_string().contains("not SHA-256 of the signature"), "{e}");
    let e = client.fetch_round(R2.0).await.unwrap_err();
    assert!(e.to_string().contains("not 20905307"), "{e}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_future_round_is_not_yet_available() {
    let future = 99_000_000;
    let mut too_early = HashMap::new();
    too_early.insert(future, (425, r#"{"error":"requested future beacon"}"#.to_owned()));
    let a = relay(too_early).await;
    let b = relay(HashMap::new()).await; // answers 404
    let client = DrandClient::with_relays(vec![a, b]).unwrap();
    match client.fetch_round(future).await {
        Err(FetchError::NotYetAvailable { round, due_at }) => {
            assert_eq!(round, future);
            assert_eq!(due_at, 1692803367 + 3 * (future - 1));
        }
        other => panic!("{other:?}"),
    }
    let e = client.fetch_round(future).await.unwrap_err().to_string();
    assert!(e.contains("not yet available"), "{e}");
}

#[tokio::test(flavor = "current_thread")]
async fn an_unreachable_relay_is_skipped() {
    // A port that was just free: connecting is refused.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let mut routes = HashMap::new();
    routes.insert(R1.0, (200, body(R1.0, &sha_hex(R1.1), R1.1)));
    let good = relay(routes).await;
    let client = DrandClient::with_relays(vec![closed.clone(), good]).unwrap();
    assert_eq!(client.fetch_round(R1.0).await.unwrap().round(), R1.0);
    let only_closed = DrandClient::with_relays(vec![closed]).unwrap();
    assert!(matches!(
        only_closed.fetch_round(R1.0).await,
        Err(FetchError::Unavailable { .. })
    ));
}
