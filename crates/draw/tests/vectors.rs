//! The normative vectors of shared/specs/draw-v1-vectors.json (copied into
//! tests/data so the repository is self-contained): every `vectors` record
//! must reproduce, every `invalid` one must be rejected.

use spotcheck_draw::json::{self, Json};
use spotcheck_draw::verify::verify_json;
use spotcheck_draw::{Verified, verify_bytes};

const VECTORS: &[u8] = include_bytes!("data/draw-v1-vectors.json");

fn records(section: &str) -> Vec<Json<'static>> {
    let v = Json::parse(VECTORS).unwrap();
    match v.get(section).unwrap() {
        Json::Array(a) => a.clone(),
        _ => panic!(),
    }
}

#[test]
fn every_vector_verifies() {
    let vs = records("vectors");
    assert!(vs.len() >= 9);
    for (i, r) in vs.iter().enumerate() {
        let outcome = verify_json(r).unwrap_or_else(|e| panic!("vectors[{i}]: {e}"));
        let revealed = r.get("result").is_some();
        match outcome.outcome {
            Verified::Revealed(_) => assert!(revealed, "vectors[{i}]"),
            Verified::Committed(_) => assert!(!revealed, "vectors[{i}]"),
        }
    }
}

#[test]
fn every_invalid_record_is_rejected() {
    for (i, r) in records("invalid").iter().enumerate() {
        let why = r.get("why_invalid").and_then(Json::as_str).unwrap_or("?");
        match verify_json(r) {
            Ok(_) => panic!("invalid[{i}] ({why}) was accepted"),
            Err(e) => println!("invalid[{i}] ({why}): {e}"),
        }
    }
}

#[test]
fn written_records_read_back_the_same() {
    // Re-publishing a verified record gives a record that verifies with the
    // same commitment, seed and result.
    for r in records("vectors") {
        let outcome = verify_json(&r).unwrap().outcome;
        let text = match &outcome {
            Verified::Revealed(d) => d.to_json(),
            Verified::Committed(c) => c.to_json(),
        };
        let again = verify_bytes(text.as_bytes()).unwrap().outcome;
        match (outcome, again) {
            (Verified::Revealed(a), Verified::Revealed(b)) => {
                assert_eq!(a.result(), b.result());
                assert_eq!(a.record().commitment(), b.record().commitment());
            }
            (Verified::Committed(a), Verified::Committed(b)) => assert_eq!(a, b),
            _ => panic!("kind of outcome changed"),
        }
        let mut s = String::new();
        json::write_compact(&r, &mut s);
    }
}
