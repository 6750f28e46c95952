//! 32-byte SHA-256 digests and their one published spelling: 64 lowercase
//! hex digits (spec §2). Upper case or any other length is rejected so that a
//! record has exactly one byte form.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

/// Why a string is not 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexRule {
    Length { found: usize },
    UppercaseDigit { index: usize },
    NotHexDigit { index: usize },
}

impl fmt::Display for HexRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexRule::Length { found } => write!(f, "must be exactly 64 lowercase hex digits, found {found} characters"),
            HexRule::UppercaseDigit { index } => {
                write!(f, "must be lowercase hex, found an uppercase digit at position {index}")
            }
            HexRule::NotHexDigit { index } => {
                write!(
                    f,
                    "must be lowercase hex, found a non-hex character at position {index}"
                )
            }
        }
    }
}

impl Digest {
    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    /// Parses exactly 64 lowercase hex digits.
    pub fn parse_hex(s: &str) -> Result<Digest, HexRule> {
        let mut out = [0u8; 32];
        decode_hex_into(s, &mut out)?;
        Ok(Digest(out))
    }

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

/// Lowercase hex of any bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Decodes lowercase hex of exactly `out.len()` bytes.
pub fn decode_hex_into(s: &str, out: &mut [u8]) -> Result<(), HexRule> {
    let b = s.as_bytes();
    if b.len() != out.len() * 2 || s.chars().count() != b.len() {
        return Err(HexRule::Length {
            found: s.chars().count(),
        });
    }
    let nibble = |i: usize| -> Result<u8, HexRule> {
        match b[i] {
            c @ b'0'..=b'9' => Ok(c - b'0'),
            c @ b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Err(HexRule::UppercaseDigit { index: i }),
            _ => Err(HexRule::NotHexDigit { index: i }),
        }
    };
    for (k, o) in out.iter_mut().enumerate() {
        *o = (nibble(2 * k)? << 4) | nibble(2 * k + 1)?;
    }
    Ok(())
}

/// Decodes lowercase hex of any even length (drand signatures).
pub fn decode_hex(s: &str) -> Result<Vec<u8>, HexRule> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return Err(HexRule::Length {
            found: s.chars().count(),
        });
    }
    let mut out = vec![0u8; s.len() / 2];
    decode_hex_into(s, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_rules() {
        let d = Digest::of(b"abc");
        assert_eq!(
            d.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Digest::parse_hex(&d.to_hex()).unwrap(), d);
        let upper = d.to_hex().to_uppercase();
        assert!(matches!(Digest::parse_hex(&upper), Err(HexRule::UppercaseDigit { .. })));
        assert!(matches!(Digest::parse_hex("ab"), Err(HexRule::Length { found: 2 })));
        assert!(matches!(
            Digest::parse_hex(&"g".repeat(64)),
            Err(HexRule::NotHexDigit { index: 0 })
        ));
    }
}
