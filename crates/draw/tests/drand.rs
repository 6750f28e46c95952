//! Real drand quicknet rounds, recorded (offline), checked against the pinned
//! key; altered and forged ones must be refused.
//!
//! Sources of the recordings: round 123 from the drand-verify crate's tests
//! and docs; round 1000 (with its served randomness) from public client test
//! code; rounds 20791007 and 20905307 from randa-mu's bls-solidity test data.
//! That they verify against the pinned key is itself the proof they are real.

use spotcheck_draw::drand::{self, DrandError, verify_round, verify_served};

const ROUNDS: &[(u64, &str)] = &[
    (
        123,
        "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92",
    ),
    (
        1000,
        "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39",
    ),
    (
        20791007,
        "8d2c8bbc37170dbacc5e280a21d4e195cff5f32a19fd6a58633fa4e4670478b5fb39bc13dd8f8c4372c5a76191198ac5",
    ),
    (
        20905307,
        "8a60486975062d9f06633c284cf1a7b46fb343f56f329f180530ca40a9e86320244f4fbfc37ae866cf25ef499665a31f",
    ),
];

#[test]
fn recorded_rounds_verify() {
    for (round, sig) in ROUNDS {
        let v = verify_served(*round, sig, None).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(v.round(), *round);
        assert_eq!(v.signature_hex(), *sig);
    }
}

#[test]
fn randomness_is_sha256_of_the_signature_as_drand_serves_it() {
    // drand's own `randomness` for quicknet round 1000.
    let v = verify_served(
        1000,
        ROUNDS[1].1,
        Some("fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"),
    )
    .unwrap();
    assert_eq!(
        v.beacon_value(),
        "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"
    );
    let wrong = verify_served(1000, ROUNDS[1].1, Some(&"0".repeat(64)));
    assert!(matches!(wrong, Err(DrandError::RandomnessMismatch { .. })));
}

#[test]
fn a_signature_for_another_round_is_refused() {
    let (_, sig) = ROUNDS[2];
    assert_eq!(
        verify_served(20791008, sig, None).unwrap_err(),
        DrandError::BadSignature
    );
    // Swapping two recorded signatures.
    assert!(verify_served(ROUNDS[0].0, ROUNDS[1].1, None).is_err());
}

#[test]
fn altered_or_forged_signatures_are_refused() {
    for (round, sig) in ROUNDS {
        let bytes = spotcheck_draw::digest::decode_hex(sig).unwrap();
        for pos in [0usize, 1, 20, 47] {
            for bit in [1u8, 0x10, 0x80] {
                let mut b = bytes.clone();
                b[pos] ^= bit;
                assert!(
                    verify_round(*round, &b).is_err(),
                    "round {round}: flipping bit {bit:#x} of byte {pos} was accepted"
                );
            }
        }
    }
    // Not a point at all, wrong length, the identity, the generator.
    assert!(verify_round(123, &[0u8; 48]).is_err());
    assert!(verify_round(123, &[0u8; 47]).is_err());
    let mut identity = [0u8; 48];
    identity[0] = 0xc0;
    assert!(verify_round(123, &identity).is_err());
    let g1 = spotcheck_draw::digest::decode_hex(
        "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb",
    )
    .unwrap();
    assert_eq!(verify_round(123, &g1).unwrap_err(), DrandError::BadSignature);
    assert_eq!(verify_served(123, "zz", None).unwrap_err(), DrandError::SignatureNotHex);
}

#[test]
fn the_pinned_chain() {
    assert_eq!(
        drand::QUICKNET_CHAIN_HASH,
        "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
    );
    assert_eq!(drand::QUICKNET_GENESIS, 1692803367);
    assert_eq!(drand::QUICKNET_PERIOD, 3);
    // Round 20905307 was produced 2025-08-18 12:14:45 UTC: 3 s per round since genesis.
    assert_eq!(drand::round_time(20905307), 1692803367 + 3 * 20905306);
}
