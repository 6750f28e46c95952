//! Kind `objects`: which inspection objects are drawn (抽取检查对象, spec §5).
//!
//! Each stratum (分层, e.g. a risk class) has its candidates, its exclusions
//! with reasons, and a quota. Every candidate gets the key
//! SHA-256(stratum_seed ‖ id); the `quota` smallest keys are drawn, in key
//! order, which is also the random batch order when a key item draws 100 %.

use crate::commitment::Sink;
use crate::error::{DrawError, Problem};
use crate::order::first_k;
use crate::seed::{Seed, keyed};
use crate::text::{MAX_NUMBER, OrderRule, Text, check_sorted_unique};

/// A candidate left out of the draw, with the published reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub id: Text,
    pub reason: Text,
}

/// One stratum as committed: candidates and exclusions sorted by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stratum {
    pub name: Text,
    pub quota: u64,
    pub candidates: Vec<Text>,
    pub excluded: Vec<Exclusion>,
}

/// The inputs of an `objects` draw, checked canonical (spec §3, §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectsInput {
    strata: Vec<Stratum>,
}

/// The drawn candidates of one stratum, in draw order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StratumResult {
    pub name: Text,
    pub selected: Vec<Text>,
}

/// `result` of an `objects` draw: one entry per stratum, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectsResult {
    pub strata: Vec<StratumResult>,
}

pub(crate) fn order_error(at: &str, list: &[&str], rule: OrderRule) -> DrawError {
    match rule {
        OrderRule::NotSorted { index } => DrawError::new(
            format!("{at}[{index}]"),
            Problem::NotSorted {
                previous: list[index - 1].to_owned(),
            },
        )
        .with_id(list[index]),
        OrderRule::Duplicate { index } => {
            DrawError::new(format!("{at}[{index}]"), Problem::Duplicate).with_id(list[index])
        }
    }
}

/// Checks that `list` is sorted and unique; `at` names the list.
pub(crate) fn check_list(at: &str, list: &[Text]) -> Result<(), DrawError> {
    check_sorted_unique(list, |t| t.as_str()).map_err(|rule| {
        let strs: Vec<&str> = list.iter().map(Text::as_str).collect();
        order_error(at, &strs, rule)
    })
}

impl ObjectsInput {
    /// Accepts strata that are already canonical: strata sorted by unique
    /// name, candidates and exclusions sorted and unique, no id both
    /// candidate and excluded, `quota ≤ candidates`. Nothing is re-sorted:
    /// use [`crate::canonical`] to clean raw platform input first.
    pub fn new(strata: Vec<Stratum>) -> Result<ObjectsInput, DrawError> {
        if strata.is_empty() {
            return Err(DrawError::new("strata", Problem::EmptyList));
        }
        check_sorted_unique(&strata, |s| s.name.as_str()).map_err(|rule| {
            let names: Vec<&str> = strata.iter().map(|s| s.name.as_str()).collect();
            let mut e = order_error("strata", &names, rule);
            e.at.push_str(".name");
            e
        })?;
        for (si, s) in strata.iter().enumerate() {
            let at = format!("strata[{si}]");
            if s.quota > MAX_NUMBER {
                return Err(DrawError::new(
                    format!("{at}.quota"),
                    Problem::NumberTooLarge {
                        raw: s.quota.to_string(),
                    },
                ));
            }
            if s.quota > s.candidates.len() as u64 {
                return Err(DrawError::new(
                    format!("{at}.quota"),
                    Problem::QuotaTooLarge {
                        quota: s.quota,
                        candidates: s.candidates.len(),
                    },
                )
                .with_id(s.name.as_str()));
            }
            check_list(&format!("{at}.candidates"), &s.candidates)?;
            check_sorted_unique(&s.excluded, |e| e.id.as_str()).map_err(|rule| {
                let ids: Vec<&str> = s.excluded.iter().map(|e| e.id.as_str()).collect();
                let mut e = order_error(&format!("{at}.excluded"), &ids, rule);
                e.at.push_str(".id");
                e
            })?;
            // Both lists are sorted: one merge finds an id in both.
            let (mut i, mut j) = (0, 0);
            while i < s.candidates.len() && j < s.excluded.len() {
                match s.candidates[i].cmp(&s.excluded[j].id) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        return Err(DrawError::new(
                            format!("{at}.excluded[{j}].id"),
                            Problem::CandidateAlsoExcluded {
                                stratum: s.name.to_string(),
                            },
                        )
                        .with_id(s.excluded[j].id.as_str()));
                    }
                }
            }
        }
        Ok(ObjectsInput { strata })
    }

    pub fn strata(&self) -> &[Stratum] {
        &self.strata
    }

    pub(crate) fn write_body(&self, sink: &mut impl Sink) {
        for s in &self.strata {
            sink.line(&["stratum", s.name.as_str(), &s.quota.to_string()]);
            for c in &s.candidates {
                sink.line(&["candidate", c.as_str()]);
            }
            for e in &s.excluded {
                sink.line(&["excluded", e.id.as_str(), e.reason.as_str()]);
            }
        }
    }
}

/// The stratum seed of spec §5.
pub fn stratum_seed(seed: &Seed, name: &str) -> [u8; 32] {
    seed.sub_seed(b"object", name)
}

/// key(s, c) = SHA-256(stratum_seed ‖ id): one SHA-256 block for ids up to
/// 23 bytes. Public so benchmarks can measure the hashing floor.
pub fn candidate_key(stratum_seed: &[u8; 32], id: &str) -> [u8; 32] {
    keyed(stratum_seed, id)
}

/// Indices into `candidates` of the drawn ones, in draw order.
pub fn select_indices(seed: &Seed, name: &str, candidates: &[Text], quota: u64) -> Vec<usize> {
    let prefix = stratum_seed(seed, name);
    first_k(
        candidates.len(),
        quota.min(candidates.len() as u64) as usize,
        |i| keyed(&prefix, candidates[i].as_str()),
        |i| candidates[i].as_str().as_bytes(),
    )
}

/// Draws every stratum (spec §5).
pub fn draw_objects(input: &ObjectsInput, seed: &Seed) -> ObjectsResult {
    ObjectsResult {
        strata: input
            .strata
            .iter()
            .map(|s| StratumResult {
                name: s.name.clone(),
                selected: select_indices(seed, s.name.as_str(), &s.candidates, s.quota)
                    .into_iter()
                    .map(|i| s.candidates[i].clone())
                    .collect(),
            })
            .collect(),
    }
}
