//! Writes a revealed `objects` record with N synthetic candidates (18-character
//! credit-code-like ids) to stdout: the input of the `spotcheck verify`
//! benchmark (scripts/bench-draw).
//!
//!     cargo run --release -p spotcheck-draw --example gen_record -- 1000000 > big.json

use std::io::Write;

use spotcheck_draw::{BeaconSource, BeaconValue, CommittedDraw, DrawInputs, Nonce, ObjectsInput, Stratum, Text};

/// The i-th synthetic id: `9123` + 14 digits, sorted like i.
pub fn synthetic_id(i: usize) -> Text {
    Text::parse(format!("9123{i:014}")).expect("ASCII digits are canonical")
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let candidates: Vec<Text> = (0..n).map(synthetic_id).collect();
    let input = ObjectsInput::new(vec![Stratum {
        name: Text::parse("一般").unwrap(),
        quota: (n / 20) as u64,
        candidates,
        excluded: vec![],
    }])
    .expect("canonical");
    let draw = CommittedDraw::commit(
        Text::parse(format!("bench-{n}")).unwrap(),
        BeaconSource::parse("中国福利彩票3D 2026-12-01 开奖号码（三位数字，以单个空格分隔）").unwrap(),
        DrawInputs::Objects(input),
        Nonce::from_bytes([42; 32]),
    );
    let revealed = draw
        .reveal(BeaconValue::Manual("3 7 5".into()))
        .expect("value of the stated form");
    std::io::stdout()
        .lock()
        .write_all(revealed.to_json().as_bytes())
        .expect("stdout");
}
