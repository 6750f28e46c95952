//! Verifying a published record (spec §1 step 3): recompute the commitment,
//! the seed and the result from the record alone and compare.

use crate::beacon::{SourceClass, check_beacon_form, classify};
use crate::digest::decode_hex;
use crate::draw::{CommittedRecord, RevealedDraw};
use crate::error::{DrawError, Problem};
use crate::json::{self, Json};
use crate::record::{parse_record, result_json};
use crate::seed::Seed;

/// What a record turned out to be.
#[derive(Debug, Clone)]
pub enum Verified {
    /// Committed, not yet revealed: its commitment matches its inputs.
    Committed(CommittedRecord),
    /// Revealed, and commitment, nonce, seed and result all check out.
    Revealed(Box<RevealedDraw>),
}

/// A successful verification, with remarks for the reader.
#[derive(Debug, Clone)]
pub struct Verification {
    pub outcome: Verified,
    /// Remarks that do not change the verdict: a `none` beacon's weaker
    /// guarantee, and the result of checking `beacon_signature` against
    /// drand's key when the record carries one.
    pub notes: Vec<String>,
}

/// Verifies one record given as bytes.
pub fn verify_bytes(bytes: &[u8]) -> Result<Verification, DrawError> {
    let v = Json::parse(bytes).map_err(|e| {
        DrawError::new(
            "",
            Problem::Json {
                offset: e.offset,
                message: e.message,
            },
        )
    })?;
    verify_json(&v)
}

/// Verifies one record given as parsed JSON.
pub fn verify_json(v: &Json<'_>) -> Result<Verification, DrawError> {
    let parsed = parse_record(v)?;
    let committed = parsed.committed;
    if committed.commitment() != &parsed.stated_commitment {
        return Err(DrawError::new(
            "commitment",
            Problem::CommitmentMismatch {
                recorded: parsed.stated_commitment.to_hex(),
                computed: committed.commitment().to_hex(),
            },
        ));
    }
    let source = committed.beacon_source().as_str().to_owned();
    let mut notes = Vec::new();
    if source == "none" {
        notes.push("no beacon: reproducible, but only as trustworthy as the operator".to_owned());
    }
    let Some(reveal) = parsed.reveal else {
        return Ok(Verification {
            outcome: Verified::Committed(committed),
            notes,
        });
    };
    check_beacon_form(&source, &reveal.beacon)
        .map_err(|p| DrawError::new("beacon", p).with_id(reveal.beacon.clone()))?;
    let nonce_hash = reveal.nonce.sha256();
    if &nonce_hash != committed.nonce_sha256() {
        return Err(DrawError::new(
            "nonce",
            Problem::NonceHashMismatch {
                computed: nonce_hash.to_hex(),
            },
        ));
    }
    let seed = Seed::derive(committed.commitment(), &reveal.nonce, &reveal.beacon);
    if seed.as_bytes() != reveal.seed.as_bytes() {
        return Err(DrawError::new(
            "seed",
            Problem::SeedMismatch {
                recorded: reveal.seed.to_hex(),
                computed: seed.to_hex(),
            },
        ));
    }
    if let (SourceClass::Drand(n), Some(sig)) = (classify(&source), &reveal.beacon_signature) {
        notes.push(check_drand_signature(n, sig, &reveal.beacon));
    }
    let revealed = RevealedDraw::recomputed(committed, reveal.beacon, reveal.beacon_signature, reveal.nonce, seed);
    let expected = result_json(revealed.result());
    compare_result(&expected, reveal.result, "result")?;
    Ok(Verification {
        outcome: Verified::Revealed(Box::new(revealed)),
        notes,
    })
}

/// drand's signature is not part of draw-v1 verification (spec §1), so a bad
/// one is reported as a warning, not as a failure of the record.
fn check_drand_signature(round: &str, sig_hex: &str, beacon: &str) -> String {
    let Ok(round) = round.parse::<u64>() else {
        return format!("WARNING: drand round {round} is out of range");
    };
    let Ok(sig) = decode_hex(sig_hex) else {
        return "WARNING: beacon_signature is not lowercase hex".to_owned();
    };
    match crate::drand::verify_round(round, &sig) {
        Ok(v) if v.beacon_value() == beacon => {
            format!("beacon checked: drand quicknet round {round} signature verifies against the pinned key")
        }
        Ok(_) => format!("WARNING: beacon_signature is drand's round {round}, but beacon is not its randomness"),
        Err(e) => format!("WARNING: beacon_signature: {e}"),
    }
}

fn compact(v: &Json<'_>) -> String {
    let mut s = String::new();
    json::write_compact(v, &mut s);
    if s.chars().count() > 120 {
        s = s.chars().take(117).collect::<String>() + "…";
    }
    s
}

/// Compares `found` with `expected` and names the first difference.
fn compare_result(expected: &Json<'_>, found: &Json<'_>, at: &str) -> Result<(), DrawError> {
    match (expected, found) {
        (Json::Object(e), Json::Object(f)) => {
            for (name, _) in f {
                if !e.iter().any(|(k, _)| k == name) {
                    return Err(DrawError::new(
                        at,
                        Problem::ResultExtraMember { name: name.to_string() },
                    ));
                }
            }
            for (name, ev) in e {
                let path = format!("{at}.{name}");
                match f.iter().find(|(k, _)| k == name) {
                    None => return Err(DrawError::new(path, Problem::Missing)),
                    Some((_, fv)) => compare_result(ev, fv, &path)?,
                }
            }
            Ok(())
        }
        (Json::Array(e), Json::Array(f)) => {
            for (i, (ev, fv)) in e.iter().zip(f).enumerate() {
                compare_result(ev, fv, &format!("{at}[{i}]"))?;
            }
            if e.len() != f.len() {
                return Err(DrawError::new(
                    at,
                    Problem::ResultMismatch {
                        expected: format!("{} entries", e.len()),
                        found: format!("{} entries", f.len()),
                    },
                ));
            }
            Ok(())
        }
        (e, f) if e.same_value(f) => Ok(()),
        (e, f) => Err(DrawError::new(
            at,
            Problem::ResultMismatch {
                expected: compact(e),
                found: compact(f),
            },
        )),
    }
}
