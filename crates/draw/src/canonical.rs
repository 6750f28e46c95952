//! Canonical input helpers: from the platform's raw inputs to the canonical
//! inputs of a draw, or a complete list of what is wrong.
//!
//! The platform calls these *before* committing, so that a draw that cannot
//! be staffed is refused at commit, naming the object, and never discovered
//! at reveal. The verifier never normalises anything; this module is the
//! only place where input is repaired, and only where the repair cannot
//! change what the operator meant:
//!
//! Fixed automatically (each reported as a [`Fix`]):
//! - White_Space around ids, names and reasons is trimmed;
//! - text is normalised to NFC (so `e` + U+0301 and `é` are one id);
//! - lists are sorted by UTF-8 bytes;
//! - an id listed twice in the same list is kept once (also an exclusion
//!   repeated with the same reason, an initial load repeated with the same value);
//! - a restricted leader pool loses the inspectors not eligible for the
//!   object (they cannot be on its team anyway, e.g. after a recusal);
//! - for a replacement, the replaced inspector is removed from the team and
//!   the team and the replaced inspector from the eligible pool.
//!
//! Errors (need a human decision): text that is empty after trimming or
//! holds a control character inside; two strata with the same name; an id
//! both candidate and excluded in one stratum; one id excluded with two
//! different reasons; a quota larger than the candidates; one object listed
//! twice; two different initial loads for one inspector; a team size of 0;
//! an object with fewer eligible inspectors than the team size; an empty
//! leader pool where a leader is required; nobody left to replace an inspector.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{DrawError, Problem};
use crate::inspectors::{InspectorsInput, ObjectEligibility};
use crate::objects::{Exclusion, ObjectsInput, Stratum};
use crate::replacement::ReplacementInput;
use crate::text::{Text, is_white_space};

/// An automatic repair, reported so the platform can show or log it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// White space trimmed and/or NFC applied.
    Cleaned { at: String, raw: String, clean: String },
    /// A repeated entry dropped.
    DuplicateRemoved { at: String, id: String },
    /// An inspector dropped from a leader pool: not eligible for the object.
    DroppedFromLeaderPool { object: String, inspector: String },
    /// An inspector dropped from a replacement's team or eligible pool.
    DroppedFromReplacement { at: String, inspector: String },
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::Cleaned { at, raw, clean } => write!(f, "{at}: {raw:?} cleaned to {clean:?}"),
            Fix::DuplicateRemoved { at, id } => write!(f, "{at}: duplicate {id:?} removed"),
            Fix::DroppedFromLeaderPool { object, inspector } => write!(
                f,
                "object {object:?}: {inspector:?} dropped from the leader pool (not eligible)"
            ),
            Fix::DroppedFromReplacement { at, inspector } => {
                write!(f, "{at}: {inspector:?} dropped")
            }
        }
    }
}

/// A canonical value and the repairs that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned<T> {
    pub value: T,
    pub fixes: Vec<Fix>,
}

/// Collects fixes and errors while cleaning.
#[derive(Default)]
struct Cleaner {
    fixes: Vec<Fix>,
    errors: Vec<DrawError>,
}

impl Cleaner {
    fn text(&mut self, at: &str, raw: &str) -> Option<Text> {
        self.text_at(|| at.to_owned(), raw)
    }

    /// [`Cleaner::text`] with the location made only when it is reported: a
    /// list of a million ids would otherwise format a million locations.
    fn text_at(&mut self, at: impl FnOnce() -> String, raw: &str) -> Option<Text> {
        match Text::clean(raw) {
            Ok(t) => {
                if t.as_str() != raw {
                    self.fixes.push(Fix::Cleaned {
                        at: at(),
                        raw: raw.to_owned(),
                        clean: t.to_string(),
                    });
                }
                Some(t)
            }
            Err(rule) => {
                let trimmed = raw.trim_matches(is_white_space);
                self.errors
                    .push(DrawError::new(at(), Problem::Text(rule)).with_id(trimmed));
                None
            }
        }
    }

    /// Cleans, sorts and de-duplicates a list of ids.
    fn list(&mut self, at: &str, raw: &[String]) -> Vec<Text> {
        let mut v: Vec<Text> = raw
            .iter()
            .enumerate()
            .filter_map(|(i, r)| self.text_at(|| format!("{at}[{i}]"), r))
            .collect();
        v.sort();
        let before = v.len();
        let mut out: Vec<Text> = Vec::with_capacity(v.len());
        for t in v {
            if out.last() == Some(&t) {
                self.fixes.push(Fix::DuplicateRemoved {
                    at: at.to_owned(),
                    id: t.to_string(),
                });
            } else {
                out.push(t);
            }
        }
        debug_assert!(out.len() <= before);
        out
    }

    fn finish<T>(self, value: impl FnOnce() -> Result<T, DrawError>) -> Result<Cleaned<T>, Vec<DrawError>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        match value() {
            Ok(value) => Ok(Cleaned {
                value,
                fixes: self.fixes,
            }),
            Err(e) => Err(vec![e]),
        }
    }
}

/// A stratum as the platform has it.
#[derive(Debug, Clone, Default)]
pub struct RawStratum {
    pub name: String,
    pub quota: u64,
    pub candidates: Vec<String>,
    /// (id, reason)
    pub excluded: Vec<(String, String)>,
}

/// Cleans the strata of an `objects` draw.
pub fn objects(raw: &[RawStratum]) -> Result<Cleaned<ObjectsInput>, Vec<DrawError>> {
    let mut c = Cleaner::default();
    let mut strata: BTreeMap<Text, Stratum> = BTreeMap::new();
    for (si, rs) in raw.iter().enumerate() {
        let at = format!("strata[{si}]");
        let Some(name) = c.text(&format!("{at}.name"), &rs.name) else {
            continue;
        };
        let candidates = c.list(&format!("{at}.candidates"), &rs.candidates);
        let mut excluded: BTreeMap<Text, Text> = BTreeMap::new();
        for (ei, (id, reason)) in rs.excluded.iter().enumerate() {
            let eat = format!("{at}.excluded[{ei}]");
            let (Some(id), Some(reason)) = (
                c.text(&format!("{eat}.id"), id),
                c.text(&format!("{eat}.reason"), reason),
            ) else {
                continue;
            };
            match excluded.get(&id) {
                Some(r) if *r == reason => c.fixes.push(Fix::DuplicateRemoved {
                    at: format!("{at}.excluded"),
                    id: id.to_string(),
                }),
                Some(r) => c.errors.push(
                    DrawError::new(
                        format!("{eat}.reason"),
                        Problem::UnknownValue {
                            found: format!("{reason} (also excluded for {r})"),
                            expected: "one reason per excluded id",
                        },
                    )
                    .with_id(id.as_str()),
                ),
                None => {
                    excluded.insert(id, reason);
                }
            }
        }
        for id in excluded.keys() {
            if candidates.binary_search(id).is_ok() {
                c.errors.push(
                    DrawError::new(
                        format!("{at}.excluded"),
                        Problem::CandidateAlsoExcluded {
                            stratum: name.to_string(),
                        },
                    )
                    .with_id(id.as_str()),
                );
            }
        }
        if rs.quota > candidates.len() as u64 {
            c.errors.push(
                DrawError::new(
                    format!("{at}.quota"),
                    Problem::QuotaTooLarge {
                        quota: rs.quota,
                        candidates: candidates.len(),
                    },
                )
                .with_id(name.as_str()),
            );
        }
        if strata.contains_key(&name) {
            c.errors
                .push(DrawError::new(format!("{at}.name"), Problem::Duplicate).with_id(name.as_str()));
            continue;
        }
        strata.insert(
            name.clone(),
            Stratum {
                name,
                quota: rs.quota,
                candidates,
                excluded: excluded
                    .into_iter()
                    .map(|(id, reason)| Exclusion { id, reason })
                    .collect(),
            },
        );
    }
    c.finish(|| ObjectsInput::new(strata.into_values().collect()))
}

/// Who may lead a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaderPool {
    /// Any eligible inspector may lead.
    AnyEligible,
    /// Only these (e.g. holders of a leader qualification); must not end up empty.
    Restricted(Vec<String>),
}

/// An object with its eligible inspectors as the platform has it.
#[derive(Debug, Clone)]
pub struct RawObject {
    pub id: String,
    pub eligible: Vec<String>,
    pub leader_pool: LeaderPool,
}

/// Cleans the inputs of an `inspectors` draw and checks every object can be staffed.
pub fn inspectors(
    team_size: u64,
    initial_loads: &[(String, u64)],
    raw: &[RawObject],
) -> Result<Cleaned<InspectorsInput>, Vec<DrawError>> {
    let mut c = Cleaner::default();
    if team_size == 0 {
        c.errors.push(DrawError::new("team_size", Problem::TeamSizeZero));
    }
    let mut loads: BTreeMap<Text, u64> = BTreeMap::new();
    for (i, (name, n)) in initial_loads.iter().enumerate() {
        let at = format!("initial_loads[{i}]");
        let Some(name) = c.text(&at, name) else { continue };
        match loads.get(&name) {
            Some(m) if m == n => c.fixes.push(Fix::DuplicateRemoved {
                at: "initial_loads".into(),
                id: name.to_string(),
            }),
            Some(m) => c.errors.push(
                DrawError::new(
                    at,
                    Problem::UnknownValue {
                        found: format!("{n} (also given as {m})"),
                        expected: "one initial load per inspector",
                    },
                )
                .with_id(name.as_str()),
            ),
            None => {
                loads.insert(name, *n);
            }
        }
    }
    let mut objects: BTreeMap<Text, ObjectEligibility> = BTreeMap::new();
    for (oi, ro) in raw.iter().enumerate() {
        let at = format!("objects[{oi}]");
        let Some(id) = c.text(&format!("{at}.id"), &ro.id) else {
            continue;
        };
        let eligible = c.list(&format!("{at}.eligible"), &ro.eligible);
        let leader_eligible = match &ro.leader_pool {
            LeaderPool::AnyEligible => Vec::new(),
            LeaderPool::Restricted(pool) => {
                let pool = c.list(&format!("{at}.leader_pool"), pool);
                let (kept, dropped): (Vec<Text>, Vec<Text>) =
                    pool.into_iter().partition(|l| eligible.binary_search(l).is_ok());
                for d in dropped {
                    c.fixes.push(Fix::DroppedFromLeaderPool {
                        object: id.to_string(),
                        inspector: d.to_string(),
                    });
                }
                if kept.is_empty() {
                    c.errors.push(
                        DrawError::new(format!("{at}.leader_pool"), Problem::EmptyLeaderPool).with_id(id.as_str()),
                    );
                }
                kept
            }
        };
        if team_size > 0 && (eligible.len() as u64) < team_size {
            c.errors.push(
                DrawError::new(
                    format!("{at}.eligible"),
                    Problem::TooFewEligible {
                        team_size,
                        eligible: eligible.len(),
                    },
                )
                .with_id(id.as_str()),
            );
        }
        if objects.contains_key(&id) {
            c.errors
                .push(DrawError::new(format!("{at}.id"), Problem::Duplicate).with_id(id.as_str()));
            continue;
        }
        objects.insert(
            id.clone(),
            ObjectEligibility {
                id,
                eligible,
                leader_eligible,
            },
        );
    }
    if raw.is_empty() {
        c.errors.push(DrawError::new("objects", Problem::EmptyList));
    }
    c.finish(|| InspectorsInput::new(team_size, loads.into_iter().collect(), objects.into_values().collect()))
}

/// Cleans the inputs of a `replacement` draw. `team` may be the current
/// team including the replaced inspector; `eligible` may be the whole pool
/// of qualified inspectors: the replaced inspector and the team are taken out.
pub fn replacement(
    object: &str,
    replaced: &str,
    team: &[String],
    eligible: &[String],
) -> Result<Cleaned<ReplacementInput>, Vec<DrawError>> {
    let mut c = Cleaner::default();
    let object = c.text("object", object);
    let replaced = c.text("replaced", replaced);
    let mut team = c.list("team", team);
    let mut eligible = c.list("eligible", eligible);
    let (Some(object), Some(replaced)) = (object, replaced) else {
        return Err(c.errors);
    };
    if let Ok(i) = team.binary_search(&replaced) {
        team.remove(i);
        c.fixes.push(Fix::DroppedFromReplacement {
            at: "team".into(),
            inspector: replaced.to_string(),
        });
    }
    eligible.retain(|e| {
        let drop = *e == replaced || team.binary_search(e).is_ok();
        if drop {
            c.fixes.push(Fix::DroppedFromReplacement {
                at: "eligible".into(),
                inspector: e.to_string(),
            });
        }
        !drop
    });
    if eligible.is_empty() {
        c.errors
            .push(DrawError::new("eligible", Problem::EmptyList).with_id(object.as_str()));
    }
    c.finish(|| ReplacementInput::new(object, replaced, team, eligible))
}

/// Cleans a draw id (or any single text field).
pub fn text(at: &str, raw: &str) -> Result<Cleaned<Text>, Vec<DrawError>> {
    let mut c = Cleaner::default();
    let t = c.text(at, raw);
    c.finish(|| Ok(t.expect("no error means a value")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn objects_are_cleaned() {
        let raw = vec![
            RawStratum {
                name: " B类 ".into(),
                quota: 1,
                candidates: s(&["z", " a", "cafe\u{301}", "café", "a"]),
                excluded: vec![("x".into(), "理由".into()), ("x ".into(), "理由".into())],
            },
            RawStratum {
                name: "A类".into(),
                quota: 0,
                candidates: vec![],
                excluded: vec![],
            },
        ];
        let c = objects(&raw).unwrap();
        let st = c.value.strata();
        assert_eq!(st[0].name.as_str(), "A类");
        assert_eq!(st[1].name.as_str(), "B类");
        let ids: Vec<&str> = st[1].candidates.iter().map(Text::as_str).collect();
        assert_eq!(ids, ["a", "café", "z"]);
        assert_eq!(st[1].excluded.len(), 1);
        assert!(c.fixes.len() >= 5);
    }

    #[test]
    fn objects_errors_are_all_reported() {
        let raw = vec![
            RawStratum {
                name: "A".into(),
                quota: 5,
                candidates: s(&["a", "b\u{7}c", "  "]),
                excluded: vec![
                    ("a".into(), "r".into()),
                    ("d".into(), "r1".into()),
                    ("d".into(), "r2".into()),
                ],
            },
            RawStratum {
                name: "A ".into(),
                ..Default::default()
            },
        ];
        let errs = objects(&raw).unwrap_err();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        let all = text.join("\n");
        assert!(all.contains("control character"), "{all}");
        assert!(all.contains("must not be empty"), "{all}");
        assert!(all.contains("both a candidate and excluded"), "{all}");
        assert!(all.contains("one reason per excluded id"), "{all}");
        assert!(all.contains("quota 5"), "{all}");
        assert!(all.contains("appears twice"), "{all}");
    }

    #[test]
    fn staffing_is_checked_at_commit() {
        let raw = vec![
            RawObject {
                id: "O1".into(),
                eligible: s(&["i1"]),
                leader_pool: LeaderPool::AnyEligible,
            },
            RawObject {
                id: "O2".into(),
                eligible: s(&["i1", "i2", "i3"]),
                leader_pool: LeaderPool::Restricted(s(&["i9"])),
            },
            RawObject {
                id: "O3".into(),
                eligible: s(&["i1", "i2", "i3"]),
                leader_pool: LeaderPool::Restricted(s(&["i2", "i9"])),
            },
        ];
        let errs = inspectors(2, &[], &raw).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].id.as_deref(), Some("O1"));
        assert!(matches!(errs[0].problem, Problem::TooFewEligible { .. }));
        assert_eq!(errs[1].id.as_deref(), Some("O2"));
        assert_eq!(errs[1].problem, Problem::EmptyLeaderPool);

        let ok = inspectors(2, &[("i1".into(), 3)], &raw[2..]).unwrap();
        assert_eq!(ok.value.objects()[0].leader_eligible.len(), 1);
        assert!(matches!(ok.fixes[0], Fix::DroppedFromLeaderPool { .. }));
    }

    #[test]
    fn replacement_takes_out_team_and_replaced() {
        let c = replacement("O", "i1", &s(&["i1", "i2"]), &s(&["i1", "i2", "i3"])).unwrap();
        assert_eq!(c.value.team().len(), 1);
        assert_eq!(c.value.eligible().len(), 1);
        assert_eq!(c.value.eligible()[0].as_str(), "i3");
        assert!(replacement("O", "i1", &s(&["i1", "i2"]), &s(&["i1", "i2"])).is_err());
    }
}
