//! drand quicknet (League of Entropy): round arithmetic and BLS verification.
//!
//! A draw names a *future* round at commit; at reveal the round's signature
//! is fetched (by `spotcheck-beacon`) and checked here against the chain's
//! pinned public key, so a relay or an operator cannot substitute a value.
//! Scheme `bls-unchained-g1-rfc9380`: the signature is a G1 point over
//! SHA-256(round as 8 bytes big-endian), hashed to G1 with the RFC 9380 DST
//! below; the public key is on G2 ("min-sig" in blst's terms). The round's
//! randomness is SHA-256(signature). Pairing arithmetic is blst's, never ours.

use std::fmt;

use crate::digest::{Digest, decode_hex, to_hex};

/// Quicknet's chain hash (the `/info` document's `hash`).
pub const QUICKNET_CHAIN_HASH: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
/// Quicknet's group public key (G2, compressed).
pub const QUICKNET_PUBLIC_KEY: &str = "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a";
/// Unix time of round 1.
pub const QUICKNET_GENESIS: u64 = 1_692_803_367;
/// Seconds between rounds.
pub const QUICKNET_PERIOD: u64 = 3;
/// The scheme id the key belongs to.
pub const QUICKNET_SCHEME: &str = "bls-unchained-g1-rfc9380";
/// Hash-to-curve domain separation tag of the scheme.
pub const DST: &[u8] = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";

/// Unix time (seconds) at which `round` is produced (round ≥ 1).
pub fn round_time(round: u64) -> u64 {
    QUICKNET_GENESIS + round.saturating_sub(1) * QUICKNET_PERIOD
}

/// The latest round produced at Unix time `t` (0 before genesis).
pub fn round_at(t: u64) -> u64 {
    if t < QUICKNET_GENESIS {
        0
    } else {
        (t - QUICKNET_GENESIS) / QUICKNET_PERIOD + 1
    }
}

/// The first round produced no earlier than `now + margin_seconds`: the
/// round to name at commit, so that its value does not exist yet.
pub fn round_after(now: u64, margin_seconds: u64) -> u64 {
    let t = now + margin_seconds;
    if t <= QUICKNET_GENESIS {
        return 1;
    }
    // Smallest r with genesis + (r-1)·period ≥ t.
    (t - QUICKNET_GENESIS).div_ceil(QUICKNET_PERIOD) + 1
}

/// A quicknet round whose signature verified against the pinned key.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedRound {
    round: u64,
    signature: Vec<u8>,
    randomness: Digest,
}

impl VerifiedRound {
    pub fn round(&self) -> u64 {
        self.round
    }

    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    pub fn signature_hex(&self) -> String {
        to_hex(&self.signature)
    }

    /// SHA-256(signature).
    pub fn randomness(&self) -> Digest {
        self.randomness
    }

    /// The draw-v1 `beacon` value: the randomness as 64 lowercase hex digits.
    pub fn beacon_value(&self) -> String {
        self.randomness.to_hex()
    }
}

impl fmt::Debug for VerifiedRound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VerifiedRound {{ round: {}, randomness: {} }}",
            self.round, self.randomness
        )
    }
}

/// Why a round was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrandError {
    /// The signature is not hex.
    SignatureNotHex,
    /// The signature is not a valid compressed G1 point.
    SignatureEncoding(String),
    /// The signature does not verify for this round under the pinned key.
    BadSignature,
    /// The served randomness is not SHA-256 of the signature.
    RandomnessMismatch { served: String, computed: String },
}

impl fmt::Display for DrandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrandError::SignatureNotHex => write!(f, "signature is not lowercase hex"),
            DrandError::SignatureEncoding(e) => {
                write!(f, "signature is not a valid compressed G1 point ({e})")
            }
            DrandError::BadSignature => write!(
                f,
                "signature does not verify against the pinned quicknet public key (forged or altered)"
            ),
            DrandError::RandomnessMismatch { served, computed } => write!(
                f,
                "served randomness {served} is not SHA-256 of the signature ({computed})"
            ),
        }
    }
}

impl std::error::Error for DrandError {}

/// Verifies `signature` (48 bytes) as quicknet's signature of `round`.
pub fn verify_round(round: u64, signature: &[u8]) -> Result<VerifiedRound, DrandError> {
    use blst::BLST_ERROR;
    use blst::min_sig::{PublicKey, Signature};

    let pk_bytes = decode_hex(QUICKNET_PUBLIC_KEY).expect("pinned key is hex");
    let pk = PublicKey::key_validate(&pk_bytes).expect("pinned key is a valid G2 point");
    let sig = Signature::from_bytes(signature).map_err(|e| DrandError::SignatureEncoding(format!("{e:?}")))?;
    let msg = Digest::of(&round.to_be_bytes());
    // sig_groupcheck = true: reject points outside the prime-order subgroup.
    match sig.verify(true, msg.as_bytes(), DST, &[], &pk, false) {
        BLST_ERROR::BLST_SUCCESS => Ok(VerifiedRound {
            round,
            signature: signature.to_vec(),
            randomness: Digest::of(signature),
        }),
        _ => Err(DrandError::BadSignature),
    }
}

/// Verifies a round as drand's HTTP API serves it (hex signature, and the
/// `randomness` it claims, which must be SHA-256 of the signature).
pub fn verify_served(
    round: u64,
    signature_hex: &str,
    randomness_hex: Option<&str>,
) -> Result<VerifiedRound, DrandError> {
    let sig = decode_hex(signature_hex).map_err(|_| DrandError::SignatureNotHex)?;
    let v = verify_round(round, &sig)?;
    if let Some(served) = randomness_hex
        && served != v.randomness.to_hex()
    {
        return Err(DrandError::RandomnessMismatch {
            served: served.to_owned(),
            computed: v.randomness.to_hex(),
        });
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_arithmetic() {
        assert_eq!(round_time(1), QUICKNET_GENESIS);
        assert_eq!(round_time(2), QUICKNET_GENESIS + 3);
        assert_eq!(round_at(QUICKNET_GENESIS), 1);
        assert_eq!(round_at(QUICKNET_GENESIS + 2), 1);
        assert_eq!(round_at(QUICKNET_GENESIS + 3), 2);
        for now in QUICKNET_GENESIS..QUICKNET_GENESIS + 20 {
            for margin in [0, 1, 2, 3, 60] {
                let r = round_after(now, margin);
                assert!(round_time(r) >= now + margin);
                assert!(r == 1 || round_time(r - 1) < now + margin);
            }
        }
        // Round 21,000,000 is produced 63,000,000 − 3 s after genesis.
        assert_eq!(round_time(21_000_000), 1_692_803_367 + 62_999_997);
    }
}
