//! Draw benchmarks (issue 3, item 7). Run: `scripts/bench-draw` (all,
//! including the PostgreSQL comparison) or `cargo bench -p spotcheck-draw`.
//! Targets on a 2-core machine: objects 5 % of 10⁶ ≤ 0.1 s and of 10⁷ ≤ 1 s,
//! within 2× of hashing every key once; inspectors 10⁴ objects ≤ 1 s;
//! verifying a 10⁶-candidate record ≤ 2 s including JSON parsing.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rayon::prelude::*;
use spotcheck_draw::inspectors::match_inspectors;
use spotcheck_draw::objects::{candidate_key, draw_objects, stratum_seed};
use spotcheck_draw::{
    BeaconSource, BeaconValue, CommittedDraw, Digest, InspectorsInput, Nonce, ObjectEligibility, ObjectsInput, Seed,
    Stratum, Text, verify_bytes,
};

fn id(i: usize) -> Text {
    Text::parse(format!("9123{i:014}")).unwrap()
}

fn seed() -> Seed {
    Seed::derive(&Digest::of(b"bench"), &Nonce::from_bytes([1; 32]), "")
}

fn objects_input(n: usize) -> ObjectsInput {
    ObjectsInput::new(vec![Stratum {
        name: Text::parse("一般").unwrap(),
        quota: (n / 20) as u64,
        candidates: (0..n).map(id).collect(),
        excluded: vec![],
    }])
    .unwrap()
}

fn bench_objects(c: &mut Criterion) {
    let seed = seed();
    for (n, label) in [(1_000_000usize, "1M"), (10_000_000, "10M")] {
        let input = objects_input(n);
        let mut g = c.benchmark_group(format!("objects_{label}"));
        g.sample_size(10)
            .measurement_time(Duration::from_secs(if n > 1_000_000 { 20 } else { 5 }));
        g.bench_function("draw_5_percent", |b| {
            b.iter(|| black_box(draw_objects(black_box(&input), &seed)))
        });
        // The floor: SHA-256 of every key once, on the same cores, nothing else.
        let cands = &input.strata()[0].candidates;
        let ss = stratum_seed(&seed, "一般");
        g.bench_function("sha256_keys_only", |b| {
            b.iter(|| {
                let x: u64 = cands.par_iter().map(|c| candidate_key(&ss, c.as_str())[0] as u64).sum();
                black_box(x)
            })
        });
        g.finish();
    }
}

fn bench_inspectors(c: &mut Criterion) {
    // 10,000 objects, 2,000 inspectors, 200 eligible per object (a window
    // sliding over the inspectors), leaders among half of them, teams of 3.
    let inspectors: Vec<Text> = (0..2000)
        .map(|i| Text::parse(format!("黑建执{i:05}")).unwrap())
        .collect();
    let objects: Vec<ObjectEligibility> = (0..10_000)
        .map(|o| {
            let start = (o * 7) % 2000;
            let mut eligible: Vec<Text> = (0..200).map(|k| inspectors[(start + k * 10) % 2000].clone()).collect();
            eligible.sort();
            eligible.dedup();
            let leader_eligible = eligible.iter().step_by(2).cloned().collect();
            ObjectEligibility {
                id: id(o),
                eligible,
                leader_eligible,
            }
        })
        .collect();
    let input = InspectorsInput::new(3, vec![], objects).unwrap();
    let seed = seed();
    let mut g = c.benchmark_group("inspectors_10k_objects_2k_inspectors");
    g.sample_size(10);
    g.bench_function("teams_of_3", |b| {
        b.iter(|| black_box(match_inspectors(black_box(&input), &seed)))
    });
    g.finish();
}

fn bench_verify(c: &mut Criterion) {
    let n = 1_000_000;
    let draw = CommittedDraw::commit(
        Text::parse("bench-verify").unwrap(),
        BeaconSource::None,
        spotcheck_draw::DrawInputs::Objects(objects_input(n)),
        Nonce::from_bytes([2; 32]),
    );
    let json = draw.reveal(BeaconValue::None).unwrap().to_json();
    let mut g = c.benchmark_group("verify_1M_record");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("parse_and_verify", |b| {
        b.iter_batched(
            || json.as_bytes(),
            |bytes| black_box(verify_bytes(bytes).unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_objects, bench_inspectors, bench_verify);
criterion_main!(benches);
