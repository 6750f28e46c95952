//! Properties of the draw (issue 3, item 6), over generated inputs.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use spotcheck_draw::canonical::{self, LeaderPool, RawObject, RawStratum};
use spotcheck_draw::objects::select_indices;
use spotcheck_draw::{
    BeaconSource, BeaconValue, CommittedDraw, Digest, DrawInputs, DrawResult, Nonce, Seed, Text, Verified, verify_bytes,
};

fn nonce(n: u64) -> Nonce {
    let mut b = [7u8; 32];
    b[..8].copy_from_slice(&n.to_be_bytes());
    Nonce::from_bytes(b)
}

fn id(s: &str) -> Text {
    Text::parse(s).unwrap()
}

fn reveal(inputs: DrawInputs, n: u64) -> spotcheck_draw::RevealedDraw {
    CommittedDraw::commit(id("prop"), BeaconSource::None, inputs, nonce(n))
        .reveal(BeaconValue::None)
        .unwrap()
}

/// Candidate ids: credit-code-like, some with stray spaces or NFD accents.
fn ids(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[0-9A-Z]{6}|项目[一二三]{1,3}|caf(e\u{301}|é)[0-9]", 1..max)
        .prop_map(|s| s.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// The raw order, duplicates and stray white space change nothing.
    #[test]
    fn objects_do_not_depend_on_raw_order(
        cands in ids(40),
        perm in any::<prop::sample::Index>(),
        quota_frac in 0.0f64..=1.0,
        n in any::<u64>(),
    ) {
        // Raw ids that differ only by normalisation are one id.
        let distinct = canonical::objects(&[RawStratum { name: "S".into(), quota: 0, candidates: cands.clone(), excluded: vec![] }]).unwrap().value.strata()[0].candidates.len();
        let quota = (distinct as f64 * quota_frac) as u64;
        let mut shuffled = cands.clone();
        let k = perm.index(shuffled.len());
        shuffled.rotate_left(k);
        shuffled.reverse();
        shuffled.push(format!(" {} ", cands[0])); // a duplicate with stray spaces
        let a = canonical::objects(&[RawStratum { name: "S".into(), quota, candidates: cands, excluded: vec![] }]).unwrap();
        let b = canonical::objects(&[RawStratum { name: " S".into(), quota, candidates: shuffled, excluded: vec![] }]).unwrap();
        prop_assert_eq!(&a.value, &b.value);
        let ra = reveal(DrawInputs::Objects(a.value), n);
        let rb = reveal(DrawInputs::Objects(b.value), n);
        prop_assert_eq!(ra.record().commitment(), rb.record().commitment());
        prop_assert_eq!(ra.result(), rb.result());
    }

    /// Exactly `quota` distinct candidates, none excluded; the published
    /// record verifies and always gives the same result.
    #[test]
    fn objects_draw_exactly_quota_distinct(
        cands in ids(60),
        quota_frac in 0.0f64..=1.0,
        n in any::<u64>(),
    ) {
        let distinct = canonical::objects(&[RawStratum { name: "S".into(), quota: 0, candidates: cands.clone(), excluded: vec![] }]).unwrap().value.strata()[0].candidates.len();
        let quota = (distinct as f64 * quota_frac) as u64;
        let clean = canonical::objects(&[RawStratum { name: "S".into(), quota, candidates: cands, excluded: vec![("EXCL".into(), "已检查".into())] }]).unwrap();
        let input = clean.value;
        let candidates: BTreeSet<&str> = input.strata()[0].candidates.iter().map(Text::as_str).collect();
        let r = reveal(DrawInputs::Objects(input.clone()), n);
        let DrawResult::Objects(res) = r.result() else { panic!() };
        let sel = &res.strata[0].selected;
        prop_assert_eq!(sel.len() as u64, quota);
        let distinct: BTreeSet<&str> = sel.iter().map(Text::as_str).collect();
        prop_assert_eq!(distinct.len(), sel.len());
        prop_assert!(distinct.is_subset(&candidates));
        prop_assert!(!distinct.contains("EXCL"));

        let json = r.to_json();
        let v1 = verify_bytes(json.as_bytes()).unwrap();
        let v2 = verify_bytes(json.as_bytes()).unwrap();
        let (Verified::Revealed(a), Verified::Revealed(b)) = (v1.outcome, v2.outcome) else { panic!() };
        prop_assert_eq!(a.result(), r.result());
        prop_assert_eq!(b.result(), r.result());
    }

    /// Every team has k distinct members from the eligible set, its leader
    /// from the leader pool; the record verifies.
    #[test]
    fn teams_are_well_formed(
        k in 1u64..4,
        objects in prop::collection::vec((prop::collection::btree_set(0u8..12, 4..12), prop::collection::btree_set(0u8..12, 0..4)), 1..15),
        n in any::<u64>(),
    ) {
        let raw: Vec<RawObject> = objects.iter().enumerate().map(|(i, (el, lead))| RawObject {
            id: format!("O{i:03}"),
            eligible: el.iter().map(|x| format!("黑建执{x:02}")).collect(),
            leader_pool: if lead.is_empty() { LeaderPool::AnyEligible } else {
                // At least one leader who is eligible, plus others that may not be.
                let mut p: Vec<String> = lead.iter().map(|x| format!("黑建执{x:02}")).collect();
                p.push(format!("黑建执{:02}", el.iter().next().unwrap()));
                LeaderPool::Restricted(p)
            },
        }).collect();
        let clean = canonical::inspectors(k, &[("黑建执00".into(), 2)], &raw).unwrap();
        let input = clean.value;
        let r = reveal(DrawInputs::Inspectors(input.clone()), n);
        let DrawResult::Inspectors(res) = r.result() else { panic!() };
        prop_assert_eq!(res.teams.len(), input.objects().len());
        for t in &res.teams {
            let o = input.objects().iter().find(|o| o.id == t.object).unwrap();
            let mut all: BTreeSet<&Text> = t.members.iter().collect();
            all.insert(&t.leader);
            prop_assert_eq!(all.len() as u64, k);
            prop_assert!(all.iter().all(|m| o.eligible.contains(m)));
            if !o.leader_eligible.is_empty() {
                prop_assert!(o.leader_eligible.contains(&t.leader));
            }
        }
        prop_assert!(verify_bytes(r.to_json().as_bytes()).is_ok());
    }

    /// With everyone eligible everywhere and no initial loads, loads differ by at most one.
    #[test]
    fn loads_stay_balanced(
        inspectors in 2usize..15,
        objects in 1usize..40,
        k_frac in 0.0f64..1.0,
        n in any::<u64>(),
    ) {
        let k = 1 + ((inspectors - 1) as f64 * k_frac) as u64;
        let everyone: Vec<String> = (0..inspectors).map(|i| format!("I{i}")).collect();
        let raw: Vec<RawObject> = (0..objects).map(|o| RawObject {
            id: format!("O{o}"), eligible: everyone.clone(), leader_pool: LeaderPool::AnyEligible,
        }).collect();
        let input = canonical::inspectors(k, &[], &raw).unwrap().value;
        let r = reveal(DrawInputs::Inspectors(input), n);
        let DrawResult::Inspectors(res) = r.result() else { panic!() };
        let mut load: BTreeMap<&str, u64> = everyone.iter().map(|e| (e.as_str(), 0)).collect();
        for t in &res.teams {
            *load.get_mut(t.leader.as_str()).unwrap() += 1;
            for m in &t.members { *load.get_mut(m.as_str()).unwrap() += 1; }
        }
        let max = load.values().max().unwrap();
        let min = load.values().min().unwrap();
        prop_assert!(max - min <= 1, "loads {:?}", load);
    }

    /// A replacement is one of the eligible, never the replaced or the team.
    #[test]
    fn replacement_is_eligible(
        pool in prop::collection::btree_set(0u8..30, 3..20),
        n in any::<u64>(),
    ) {
        let pool: Vec<String> = pool.iter().map(|x| format!("I{x:02}")).collect();
        let c = canonical::replacement("O", &pool[0], &pool[..2], &pool).unwrap().value;
        let r = reveal(DrawInputs::Replacement(c.clone()), n);
        let DrawResult::Replacement(res) = r.result() else { panic!() };
        prop_assert!(c.eligible().contains(&res.chosen));
        prop_assert!(res.chosen.as_str() != pool[0] && res.chosen.as_str() != pool[1]);
    }
}

/// Tampering with any published value of a revealed record is caught.
#[test]
fn every_single_tamper_is_rejected() {
    let clean = canonical::objects(&[RawStratum {
        name: "一般".into(),
        quota: 3,
        candidates: (0..12).map(|i| format!("9123010070000000{i:02}")).collect(),
        excluded: vec![("912301009999999999".into(), "本年度已检查".into())],
    }])
    .unwrap();
    let r = reveal(DrawInputs::Objects(clean.value), 42);
    let good = r.to_json();
    assert!(verify_bytes(good.as_bytes()).is_ok());
    let selected = match r.result() {
        DrawResult::Objects(o) => o.strata[0].selected.clone(),
        _ => unreachable!(),
    };
    let tampers: Vec<(String, String)> = vec![
        (format!("\"{}\"", selected[0]), "\"912301007000000099\"".into()),
        (r.seed().to_hex(), Digest::of(b"x").to_hex()),
        (r.nonce().to_hex(), Digest::of(b"y").to_hex()),
        ("\"quota\": 3".into(), "\"quota\": 2".into()),
        ("本年度已检查".into(), "本年度已检查。".into()),
        ("\"draw_id\": \"prop\"".into(), "\"draw_id\": \"prop2\"".into()),
        (
            "\"kind\": \"objects\"".into(),
            "\"kind\": \"objects\", \"kind\": \"objects\"".into(),
        ),
        ("\"beacon\": \"\"".into(), "\"beacon\": null".into()),
        ("\"result\": {".into(), "\"result\": {\"extra\": 1, ".into()),
    ];
    for (from, to) in tampers {
        assert!(good.contains(&from), "{from}");
        let bad = good.replacen(&from, &to, 1);
        let e = verify_bytes(bad.as_bytes());
        assert!(e.is_err(), "tamper {from} → {to} accepted");
    }
    // Reordering the result's own members or the record's is not tampering.
    let reordered = good.replacen("\"spec\": \"spotcheck-draw-v1\",\n", "", 1).replacen(
        "\"kind\":",
        "\"spec\": \"spotcheck-draw-v1\", \"kind\":",
        1,
    );
    assert!(verify_bytes(reordered.as_bytes()).is_ok());
}

/// The platform's path: commit (fresh nonce), publish without nonce, restore
/// from the stored record and nonce, reveal with a manual value of the stated form.
#[test]
fn commit_restore_reveal_manual_beacon() {
    let clean = canonical::replacement(
        "O1",
        "I1",
        &["I1".into(), "I2".into()],
        &["I3".into(), "I4".into(), "I5".into()],
    )
    .unwrap();
    let source = BeaconSource::parse("中国福利彩票3D 2026-12-01 开奖号码（三位数字，以单个空格分隔）").unwrap();
    let c = CommittedDraw::commit_fresh(id("R-1"), source, DrawInputs::Replacement(clean.value)).unwrap();
    let public = c.record().to_json();
    assert!(!public.contains(&c.nonce().to_hex()));
    assert!(public.contains("\"nonce_sha256\""));
    let outcome = verify_bytes(public.as_bytes()).unwrap().outcome;
    let Verified::Committed(rec) = outcome else {
        panic!("committed record reported as revealed")
    };
    let restored = CommittedDraw::restore(rec.clone(), c.nonce().clone()).unwrap();
    assert!(CommittedDraw::restore(rec, nonce(1)).is_err());
    assert!(restored.reveal(BeaconValue::Manual("375".into())).is_err());
    assert!(restored.reveal(BeaconValue::None).is_err());
    let r = restored.reveal(BeaconValue::Manual("3 7 5".into())).unwrap();
    assert!(verify_bytes(r.to_json().as_bytes()).is_ok());
    assert_eq!(
        r.to_json(),
        c.reveal(BeaconValue::Manual("3 7 5".into())).unwrap().to_json()
    );
}

/// A drand draw revealed with a real recorded round carries the signature,
/// and the verifier checks it as a remark.
#[test]
fn drand_reveal_records_the_signature() {
    let sig = "8a60486975062d9f06633c284cf1a7b46fb343f56f329f180530ca40a9e86320244f4fbfc37ae866cf25ef499665a31f";
    let round = spotcheck_draw::drand::verify_served(20905307, sig, None).unwrap();
    let clean = canonical::replacement("O1", "I1", &[], &["I3".into(), "I4".into()]).unwrap();
    let c = CommittedDraw::commit(
        id("D-1"),
        BeaconSource::drand_quicknet(20905307),
        DrawInputs::Replacement(clean.value.clone()),
        nonce(3),
    );
    let other = CommittedDraw::commit(
        id("D-2"),
        BeaconSource::drand_quicknet(20905308),
        DrawInputs::Replacement(clean.value),
        nonce(3),
    );
    assert!(
        other.reveal(BeaconValue::Drand(round.clone())).is_err(),
        "a round other than the committed one"
    );
    let r = c.reveal(BeaconValue::Drand(round)).unwrap();
    let json = r.to_json();
    assert!(json.contains(sig));
    let v = verify_bytes(json.as_bytes()).unwrap();
    assert!(
        v.notes.iter().any(|n| n.contains("verifies against the pinned key")),
        "{:?}",
        v.notes
    );
    // A wrong signature is a warning, not a failure: spec §1 keeps it outside draw-v1.
    let forged = json.replace(sig, &sig.replace("8a60", "8a61"));
    let v = verify_bytes(forged.as_bytes()).unwrap();
    assert!(v.notes.iter().any(|n| n.starts_with("WARNING")), "{:?}", v.notes);
}

// ---- uniformity: chi-square over many seeds ---------------------------------

/// ln Γ(x), Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0.
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let t = x + 7.5;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Upper regularised incomplete gamma Q(a, x) (Numerical Recipes' gammq).
fn gamma_q(a: f64, x: f64) -> f64 {
    let gln = ln_gamma(a);
    if x < a + 1.0 {
        let (mut ap, mut sum) = (a, 1.0 / a);
        let mut del = sum;
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * (-x + a * x.ln() - gln).exp()
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x + a * x.ln() - gln).exp() * h
    }
}

/// P(χ²(df) ≥ x).
fn chi2_survival(df: f64, x: f64) -> f64 {
    gamma_q(df / 2.0, x / 2.0)
}

const N: usize = 40;
const Q: usize = 8;
const RUNS: u64 = 20_000;

/// Counts how often each candidate is drawn by `select` over RUNS seeds and
/// returns the p-value of the chi-square statistic.
///
/// Drawing q of n without replacement, each count c_i has mean E = T·q/n and
/// variance T·p(1−p) (p = q/n), and the counts sum to T·q; so
/// X = (n−1)/n · Σ (c_i − E)² / (E(1−p)) is approximately χ²(n−1).
/// The test fails when P(χ² ≥ X) < 10⁻⁶: a correct implementation fails by
/// chance less than once in a million runs.
fn uniformity_p_value(select: impl Fn(&Seed, &[Text]) -> Vec<usize>) -> (f64, f64) {
    let cands: Vec<Text> = (0..N).map(|i| id(&format!("9123010070000{i:05}"))).collect();
    let commitment = Digest::of(b"uniformity");
    let mut counts = [0u64; N];
    for run in 0..RUNS {
        let seed = Seed::derive(&commitment, &nonce(run), "");
        let picked = select(&seed, &cands);
        assert_eq!(picked.len(), Q);
        for i in picked {
            counts[i] += 1;
        }
    }
    let p = Q as f64 / N as f64;
    let e = RUNS as f64 * p;
    let sum: f64 = counts.iter().map(|&c| (c as f64 - e).powi(2)).sum();
    let x = (N as f64 - 1.0) / N as f64 * sum / (e * (1.0 - p));
    (x, chi2_survival(N as f64 - 1.0, x))
}

/// A plausible mistake: a partial Fisher–Yates shuffle taking one key byte
/// modulo the remaining count (modulo bias favours low positions).
fn biased_select(seed: &Seed, cands: &[Text]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..cands.len()).collect();
    for step in 0..Q {
        let k = Digest::of(&[seed.as_bytes().as_slice(), &[step as u8]].concat());
        let j = step + (k.as_bytes()[0] as usize) % (cands.len() - step);
        idx.swap(step, j);
    }
    idx.truncate(Q);
    idx
}

#[test]
fn chi_square_machinery_is_right() {
    // Known values: P(χ²(1) ≥ 3.841459) = 0.05; P(χ²(39) ≥ 39) = 0.469878.
    assert!((chi2_survival(1.0, 3.841_459) - 0.05).abs() < 1e-6);
    assert!((chi2_survival(10.0, 23.209_251) - 0.01).abs() < 1e-6);
    assert!((chi2_survival(39.0, 39.0) - 0.469_878).abs() < 1e-5);
}

#[test]
fn each_candidate_is_drawn_with_probability_quota_over_n() {
    let (x, pv) = uniformity_p_value(|seed, c| select_indices(seed, "S", c, Q as u64));
    println!("draw-v1: chi2 = {x:.1} (df {}), p = {pv:.3e}", N - 1);
    assert!(pv > 1e-6, "chi2 = {x}, p = {pv}: the draw is not uniform");
}

#[test]
fn the_test_catches_a_biased_selection() {
    let (x, pv) = uniformity_p_value(biased_select);
    println!("modulo-biased: chi2 = {x:.1} (df {}), p = {pv:.3e}", N - 1);
    assert!(pv < 1e-6, "chi2 = {x}, p = {pv}: the biased selection was not caught");
}
