//! Kind `inspectors`: who inspects each drawn object (匹配检查人员, spec §6).
//!
//! Objects are processed in a random order; for each, inspectors are ranked
//! by (current load, random key), so work spreads evenly (均衡) and among
//! equally loaded inspectors the choice is random. The leader (组长) comes
//! from the leader pool, the other members from the eligible set.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::commitment::Sink;
use crate::error::{DrawError, Problem};
use crate::objects::check_list;
use crate::order::first_k;
use crate::seed::{Seed, keyed};
use crate::text::{MAX_NUMBER, Text};

/// One object with the inspectors who may inspect it (after recusals and
/// qualification checks) and those of them who may lead. An empty
/// `leader_eligible` means any eligible inspector may lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEligibility {
    pub id: Text,
    pub eligible: Vec<Text>,
    pub leader_eligible: Vec<Text>,
}

/// The inputs of an `inspectors` draw, checked canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectorsInput {
    team_size: u64,
    /// Sorted by inspector, unique.
    initial_loads: Vec<(Text, u64)>,
    objects: Vec<ObjectEligibility>,
}

/// A team for one object: the leader and the other members in rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub object: Text,
    pub leader: Text,
    pub members: Vec<Text>,
}

/// `result` of an `inspectors` draw: teams in processing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectorsResult {
    pub teams: Vec<Team>,
}

impl InspectorsInput {
    /// Accepts canonical inputs. `initial_loads` may come in any order (in
    /// the record it is a JSON object, whose member order means nothing); it
    /// must name each inspector once.
    pub fn new(
        team_size: u64,
        mut initial_loads: Vec<(Text, u64)>,
        objects: Vec<ObjectEligibility>,
    ) -> Result<InspectorsInput, DrawError> {
        if team_size == 0 {
            return Err(DrawError::new("team_size", Problem::TeamSizeZero));
        }
        if team_size > MAX_NUMBER {
            return Err(DrawError::new(
                "team_size",
                Problem::NumberTooLarge {
                    raw: team_size.to_string(),
                },
            ));
        }
        initial_loads.sort_by(|a, b| a.0.cmp(&b.0));
        for w in initial_loads.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(DrawError::new("initial_loads", Problem::Duplicate).with_id(w[0].0.as_str()));
            }
        }
        for (name, n) in &initial_loads {
            if *n > MAX_NUMBER {
                return Err(DrawError::new(
                    format!("initial_loads.{name}"),
                    Problem::NumberTooLarge { raw: n.to_string() },
                ));
            }
        }
        if objects.is_empty() {
            return Err(DrawError::new("objects", Problem::EmptyList));
        }
        let ids: Vec<Text> = objects.iter().map(|o| o.id.clone()).collect();
        check_list("objects", &ids).map_err(|mut e| {
            e.at.push_str(".id");
            e
        })?;
        for (oi, o) in objects.iter().enumerate() {
            let at = format!("objects[{oi}]");
            check_list(&format!("{at}.eligible"), &o.eligible).map_err(|e| e.with_object(&o.id))?;
            check_list(&format!("{at}.leader_eligible"), &o.leader_eligible).map_err(|e| e.with_object(&o.id))?;
            if (o.eligible.len() as u64) < team_size {
                return Err(DrawError::new(
                    format!("{at}.eligible"),
                    Problem::TooFewEligible {
                        team_size,
                        eligible: o.eligible.len(),
                    },
                )
                .with_id(o.id.as_str()));
            }
            for (li, l) in o.leader_eligible.iter().enumerate() {
                if o.eligible.binary_search(l).is_err() {
                    return Err(
                        DrawError::new(format!("{at}.leader_eligible[{li}]"), Problem::LeaderNotEligible)
                            .with_id(l.as_str()),
                    );
                }
            }
        }
        Ok(InspectorsInput {
            team_size,
            initial_loads,
            objects,
        })
    }

    pub fn team_size(&self) -> u64 {
        self.team_size
    }

    /// Sorted by inspector.
    pub fn initial_loads(&self) -> &[(Text, u64)] {
        &self.initial_loads
    }

    pub fn objects(&self) -> &[ObjectEligibility] {
        &self.objects
    }

    pub(crate) fn write_body(&self, sink: &mut impl Sink) {
        sink.line(&["team-size", &self.team_size.to_string()]);
        for (i, n) in &self.initial_loads {
            sink.line(&["initial-load", i.as_str(), &n.to_string()]);
        }
        for o in &self.objects {
            sink.line(&["object", o.id.as_str()]);
            for e in &o.eligible {
                sink.line(&["eligible", e.as_str()]);
            }
            for l in &o.leader_eligible {
                sink.line(&["leader-eligible", l.as_str()]);
            }
        }
    }
}

impl DrawError {
    /// Adds the object id when the error is about an inspector list.
    fn with_object(self, object: &Text) -> DrawError {
        if self.id.is_some() {
            DrawError {
                at: format!("{} (object {})", self.at, object),
                ..self
            }
        } else {
            self.with_id(object.as_str())
        }
    }
}

/// Teams for every object (spec §6).
pub fn match_inspectors(input: &InspectorsInput, seed: &Seed) -> InspectorsResult {
    let objects = &input.objects;
    let k = input.team_size as usize;

    // Processing order: by SHA-256(seed ‖ "order" ‖ 0x00 ‖ object), then id.
    let order_prefix: Vec<[u8; 32]> = objects
        .par_iter()
        .map(|o| seed.sub_seed(b"order", o.id.as_str()))
        .collect();
    let order = first_k(
        objects.len(),
        objects.len(),
        |i| order_prefix[i],
        |i| objects[i].id.as_str().as_bytes(),
    );

    // Inspectors become small integers so loads live in a Vec.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut loads: Vec<u64> = Vec::new();
    for (name, n) in &input.initial_loads {
        index.insert(name.as_str(), loads.len());
        loads.push(*n);
    }
    for o in objects {
        for e in &o.eligible {
            index.entry(e.as_str()).or_insert_with(|| {
                loads.push(0);
                loads.len() - 1
            });
        }
    }

    // Everything that does not depend on loads — member keys, inspector
    // numbers, leader positions — is prepared in parallel; only the ranking
    // itself, which depends on the loads left by earlier objects, is sequential.
    struct Prepared {
        keys: Vec<[u8; 32]>,
        /// First 8 key bytes: compared first, full key only on a tie.
        prefix: Vec<u64>,
        who: Vec<usize>,
        leaders: Vec<usize>,
    }
    let prepared: Vec<Prepared> = objects
        .par_iter()
        .map(|o| {
            let ms = seed.sub_seed(b"member", o.id.as_str());
            let keys: Vec<[u8; 32]> = o.eligible.iter().map(|e| keyed(&ms, e.as_str())).collect();
            let prefix = keys
                .iter()
                .map(|k| u64::from_be_bytes(k[..8].try_into().expect("8 bytes")))
                .collect();
            let leaders = if o.leader_eligible.is_empty() {
                (0..o.eligible.len()).collect()
            } else {
                // Both lists are sorted and leader ⊆ eligible: one merge walk.
                let mut pos = Vec::with_capacity(o.leader_eligible.len());
                let mut ls = o.leader_eligible.iter().peekable();
                for (q, e) in o.eligible.iter().enumerate() {
                    if ls.peek() == Some(&e) {
                        pos.push(q);
                        ls.next();
                    }
                }
                debug_assert!(ls.next().is_none(), "leader ⊆ eligible");
                pos
            };
            Prepared {
                keys,
                prefix,
                who: o.eligible.iter().map(|e| index[e.as_str()]).collect(),
                leaders,
            }
        })
        .collect();

    let mut teams = Vec::with_capacity(objects.len());
    let mut best: Vec<usize> = Vec::with_capacity(k);
    for oi in order {
        let o = &objects[oi];
        let p = &prepared[oi];
        // Rank: (load, key, id) — smaller first.
        let cmp = |a: usize, b: usize| {
            (loads[p.who[a]], p.prefix[a])
                .cmp(&(loads[p.who[b]], p.prefix[b]))
                .then_with(|| p.keys[a].cmp(&p.keys[b]))
                .then_with(|| o.eligible[a].cmp(&o.eligible[b]))
        };
        let leader = p
            .leaders
            .iter()
            .copied()
            .min_by(|&a, &b| cmp(a, b))
            .expect("eligible has at least team_size ≥ 1 inspectors");

        // The k − 1 best of the others, kept sorted while scanning once
        // (k is a handful; a selection would cost more).
        let m = k - 1;
        best.clear();
        if m > 0 {
            for q in (0..o.eligible.len()).filter(|&q| q != leader) {
                if best.len() == m && cmp(q, best[m - 1]).is_ge() {
                    continue;
                }
                let at = best.partition_point(|&b| cmp(b, q).is_lt());
                if best.len() == m {
                    best.pop();
                }
                best.insert(at, q);
            }
        }

        loads[p.who[leader]] += 1;
        for &q in &best {
            loads[p.who[q]] += 1;
        }
        teams.push(Team {
            object: o.id.clone(),
            leader: o.eligible[leader].clone(),
            members: best.iter().map(|&q| o.eligible[q].clone()).collect(),
        });
    }
    InspectorsResult { teams }
}
