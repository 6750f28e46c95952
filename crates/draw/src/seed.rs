//! The nonce and the seed (spec §4).
//!
//! The seed mixes the commitment (the inputs), the operator's secret nonce
//! (so nobody outside can precompute the result from the committed inputs
//! and the beacon alone before reveal) and the public beacon (so the operator
//! could not choose the result either). [`Seed`] can only be made by
//! [`Seed::derive`], and every result function takes a `&Seed`: a result
//! cannot exist without the three ingredients.

use std::fmt;

use sha2::{Digest as _, Sha256};

use crate::digest::{Digest, HexRule, decode_hex_into, to_hex};

/// The 32-byte secret fixed at commit and revealed with the result. Its
/// `Debug` form hides the bytes so that it does not leak into logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Nonce([u8; 32]);

impl Nonce {
    /// A fresh nonce from the operating system's CSPRNG.
    pub fn generate() -> Result<Nonce, getrandom::Error> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b)?;
        Ok(Nonce(b))
    }

    /// A nonce from given bytes: for tests and for restoring a stored draw.
    pub fn from_bytes(bytes: [u8; 32]) -> Nonce {
        Nonce(bytes)
    }

    /// Parses 64 lowercase hex digits.
    pub fn parse_hex(s: &str) -> Result<Nonce, HexRule> {
        let mut b = [0u8; 32];
        decode_hex_into(s, &mut b)?;
        Ok(Nonce(b))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The published `nonce` field (only at reveal).
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// `nonce_sha256`, published at commit.
    pub fn sha256(&self) -> Digest {
        Digest::of(&self.0)
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nonce(<secret>)")
    }
}

/// The draw's seed: SHA-256("spotcheck-draw-v1 seed" ‖ 0x00 ‖ commitment ‖ nonce ‖ beacon).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Seed([u8; 32]);

impl Seed {
    /// Spec §4. `beacon` is the published value exactly as printed (`""` for `none`).
    pub fn derive(commitment: &Digest, nonce: &Nonce, beacon: &str) -> Seed {
        let mut h = Sha256::new();
        h.update(b"spotcheck-draw-v1 seed\x00");
        h.update(commitment.as_bytes());
        h.update(nonce.as_bytes());
        h.update(beacon.as_bytes());
        Seed(h.finalize().into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// SHA-256(seed ‖ label ‖ 0x00 ‖ name): the per-stratum, per-object
    /// sub-seeds of spec §5–7.
    pub(crate) fn sub_seed(&self, label: &[u8], name: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.0);
        h.update(label);
        h.update([0u8]);
        h.update(name.as_bytes());
        h.finalize().into()
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed({})", self.to_hex())
    }
}

/// SHA-256(prefix ‖ id): the per-candidate / per-inspector key.
#[inline]
pub(crate) fn keyed(prefix: &[u8; 32], id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prefix);
    h.update(id.as_bytes());
    h.finalize().into()
}
