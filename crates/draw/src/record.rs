//! The published record as JSON (spec §8): reading it strictly, and writing it.
//!
//! Reading checks form only — required members, types, canonical text,
//! number and hex spelling, canonical order. Whether the numbers add up
//! (commitment, seed, result) is [`crate::verify`]'s job.

use std::borrow::Cow;

use crate::digest::Digest;
use crate::draw::{CommittedRecord, DrawInputs, DrawResult, Kind, RevealedDraw};
use crate::error::{DrawError, Problem};
use crate::inspectors::{InspectorsInput, ObjectEligibility};
use crate::json::{self, Json, member_path, obj, owned, s};
use crate::objects::{Exclusion, ObjectsInput, Stratum};
use crate::replacement::ReplacementInput;
use crate::seed::Nonce;
use crate::text::{MAX_NUMBER, Text, check_text_allow_empty};

/// The `spec` value of every record.
pub const SPEC: &str = "spotcheck-draw-v1";

/// A record read and checked for form, not yet verified.
#[derive(Debug, Clone)]
pub struct ParsedRecord<'a> {
    /// The committed part, with the commitment *recomputed* from the inputs.
    pub committed: CommittedRecord,
    /// The `commitment` the record states.
    pub stated_commitment: Digest,
    pub reveal: Option<Reveal<'a>>,
}

/// The four reveal members.
#[derive(Debug, Clone)]
pub struct Reveal<'a> {
    pub beacon: String,
    pub nonce: Nonce,
    pub seed: Digest,
    /// `result` as written (compared as a JSON value).
    pub result: &'a Json<'a>,
    /// `beacon_signature`, if present (not part of draw-v1 verification).
    pub beacon_signature: Option<String>,
}

fn type_err(at: &str, expected: &'static str) -> DrawError {
    DrawError::new(at, Problem::WrongType { expected })
}

/// A reader of members of one JSON object, with paths for errors.
struct Obj<'j, 'a> {
    at: String,
    members: &'j [(Cow<'a, str>, Json<'a>)],
}

impl<'j, 'a> Obj<'j, 'a> {
    fn new(at: &str, v: &'j Json<'a>) -> Result<Obj<'j, 'a>, DrawError> {
        match v {
            Json::Object(m) => Ok(Obj {
                at: at.to_owned(),
                members: m,
            }),
            _ => Err(type_err(at, "an object")),
        }
    }

    fn path(&self, name: &str) -> String {
        member_path(&self.at, name)
    }

    fn opt(&self, name: &str) -> Option<&'j Json<'a>> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn req(&self, name: &str) -> Result<&'j Json<'a>, DrawError> {
        self.opt(name)
            .ok_or_else(|| DrawError::new(self.path(name), Problem::Missing))
    }

    fn str(&self, name: &str) -> Result<&'j str, DrawError> {
        str_at(&self.path(name), self.req(name)?)
    }

    fn text(&self, name: &str) -> Result<Text, DrawError> {
        text_at(&self.path(name), self.req(name)?)
    }

    fn number(&self, name: &str) -> Result<u64, DrawError> {
        number_at(&self.path(name), self.req(name)?)
    }

    fn texts(&self, name: &str) -> Result<Vec<Text>, DrawError> {
        let at = self.path(name);
        match self.req(name)? {
            Json::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| text_at(&format!("{at}[{i}]"), v))
                .collect(),
            _ => Err(type_err(&at, "an array of strings")),
        }
    }

    fn digest(&self, name: &str) -> Result<Digest, DrawError> {
        let at = self.path(name);
        Digest::parse_hex(self.str(name)?).map_err(|r| DrawError::new(at, Problem::Hex(r)))
    }
}

fn str_at<'j>(at: &str, v: &'j Json<'_>) -> Result<&'j str, DrawError> {
    match v {
        Json::Str(s) => Ok(s),
        Json::BadStr => Err(DrawError::new(at, Problem::InvalidString)),
        _ => Err(type_err(at, "a string")),
    }
}

fn text_at(at: &str, v: &Json<'_>) -> Result<Text, DrawError> {
    let s = str_at(at, v)?;
    Text::parse(s).map_err(|r| DrawError::new(at, Problem::Text(r)).with_id(s))
}

/// A JSON integer in the form of spec §2.
fn number_at(at: &str, v: &Json<'_>) -> Result<u64, DrawError> {
    match v {
        Json::Number(raw) => {
            if raw.bytes().any(|b| matches!(b, b'-' | b'.' | b'e' | b'E')) {
                return Err(DrawError::new(at, Problem::NumberForm { raw: raw.to_string() }));
            }
            match raw.parse::<u64>() {
                Ok(n) if n <= MAX_NUMBER => Ok(n),
                _ => Err(DrawError::new(at, Problem::NumberTooLarge { raw: raw.to_string() })),
            }
        }
        _ => Err(type_err(at, "a non-negative integer")),
    }
}

/// Reads and checks the form of one record.
pub fn parse_record<'a>(v: &'a Json<'a>) -> Result<ParsedRecord<'a>, DrawError> {
    let root = Obj::new("", v).map_err(|_| type_err("record", "a JSON object"))?;
    // Spec §8: any object in the record with a repeated member name makes
    // the record invalid, wherever it is.
    if let Some((at, name)) = v.find_duplicate_member("") {
        return Err(DrawError::new(
            if at.is_empty() { "record".into() } else { at },
            Problem::DuplicateMember { name },
        ));
    }
    match root.req("spec")? {
        Json::Str(s) if s == SPEC => {}
        Json::Str(s) => {
            return Err(DrawError::new(
                "spec",
                Problem::UnknownValue {
                    found: s.to_string(),
                    expected: "exactly \"spotcheck-draw-v1\"",
                },
            ));
        }
        _ => return Err(type_err("spec", "the string \"spotcheck-draw-v1\"")),
    }
    let kind_str = root.str("kind")?;
    let kind = Kind::parse(kind_str).ok_or_else(|| {
        DrawError::new(
            "kind",
            Problem::UnknownValue {
                found: kind_str.to_owned(),
                expected: "objects, inspectors or replacement",
            },
        )
    })?;
    let draw_id = root.text("draw_id")?;
    let beacon_source = root.text("beacon_source")?;
    let nonce_sha256 = root.digest("nonce_sha256")?;
    let inputs = match kind {
        Kind::Objects => DrawInputs::Objects(objects_input(&root)?),
        Kind::Inspectors => DrawInputs::Inspectors(inspectors_input(&root)?),
        Kind::Replacement => DrawInputs::Replacement(replacement_input(&root)?),
    };
    let stated_commitment = root.digest("commitment")?;

    const REVEAL: [&str; 4] = ["beacon", "nonce", "seed", "result"];
    let present: Vec<&str> = REVEAL.iter().copied().filter(|n| root.opt(n).is_some()).collect();
    let reveal = match present.len() {
        0 => None,
        4 => {
            let beacon_at = "beacon";
            let beacon = root.str(beacon_at)?;
            check_text_allow_empty(beacon).map_err(|r| DrawError::new(beacon_at, Problem::Text(r)).with_id(beacon))?;
            let nonce = Nonce::parse_hex(root.str("nonce")?).map_err(|r| DrawError::new("nonce", Problem::Hex(r)))?;
            let seed = root.digest("seed")?;
            let result = root.req("result")?;
            if !matches!(result, Json::Object(_)) {
                return Err(type_err("result", "an object"));
            }
            let beacon_signature = root.opt("beacon_signature").and_then(|v| v.as_str()).map(str::to_owned);
            Some(Reveal {
                beacon: beacon.to_owned(),
                nonce,
                seed,
                result,
                beacon_signature,
            })
        }
        _ => {
            return Err(DrawError::new(
                "record",
                Problem::PartialReveal {
                    missing: REVEAL.iter().copied().filter(|n| !present.contains(n)).collect(),
                },
            ));
        }
    };
    // A string that is not Unicode, anywhere (even in members we ignore),
    // means the record cannot be one canonical byte form.
    if let Some(at) = v.find_bad_string("") {
        return Err(DrawError::new(at, Problem::InvalidString));
    }
    Ok(ParsedRecord {
        committed: CommittedRecord::new(draw_id, beacon_source, nonce_sha256, inputs),
        stated_commitment,
        reveal,
    })
}

fn array<'j, 'a>(at: &str, v: &'j Json<'a>) -> Result<&'j [Json<'a>], DrawError> {
    match v {
        Json::Array(a) => Ok(a),
        _ => Err(type_err(at, "an array")),
    }
}

fn objects_input(root: &Obj<'_, '_>) -> Result<ObjectsInput, DrawError> {
    let strata_json = array("strata", root.req("strata")?)?;
    let mut strata = Vec::with_capacity(strata_json.len());
    for (si, sv) in strata_json.iter().enumerate() {
        let so = Obj::new(&format!("strata[{si}]"), sv)?;
        let name = so.text("name")?;
        let quota = so.number("quota")?;
        let candidates = so.texts("candidates")?;
        let ex_at = so.path("excluded");
        let excluded = array(&ex_at, so.req("excluded")?)?
            .iter()
            .enumerate()
            .map(|(i, ev)| {
                let eo = Obj::new(&format!("{ex_at}[{i}]"), ev)?;
                let id = eo.text("id")?;
                let reason = eo.text("reason").map_err(|e| e.with_id(id.as_str()))?;
                Ok(Exclusion { id, reason })
            })
            .collect::<Result<Vec<_>, DrawError>>()?;
        strata.push(Stratum {
            name,
            quota,
            candidates,
            excluded,
        });
    }
    ObjectsInput::new(strata)
}

fn inspectors_input(root: &Obj<'_, '_>) -> Result<InspectorsInput, DrawError> {
    let team_size = root.number("team_size")?;
    let loads = Obj::new("initial_loads", root.req("initial_loads")?)?;
    let initial_loads = loads
        .members
        .iter()
        .map(|(k, v)| {
            let at = loads.path(k);
            let name =
                Text::parse(k.as_ref()).map_err(|r| DrawError::new(&at, Problem::Text(r)).with_id(k.as_ref()))?;
            Ok((name, number_at(&at, v)?))
        })
        .collect::<Result<Vec<_>, DrawError>>()?;
    let objects = array("objects", root.req("objects")?)?
        .iter()
        .enumerate()
        .map(|(i, ov)| {
            let oo = Obj::new(&format!("objects[{i}]"), ov)?;
            Ok(ObjectEligibility {
                id: oo.text("id")?,
                eligible: oo.texts("eligible")?,
                leader_eligible: oo.texts("leader_eligible")?,
            })
        })
        .collect::<Result<Vec<_>, DrawError>>()?;
    InspectorsInput::new(team_size, initial_loads, objects)
}

fn replacement_input(root: &Obj<'_, '_>) -> Result<ReplacementInput, DrawError> {
    ReplacementInput::new(
        root.text("object")?,
        root.text("replaced")?,
        root.texts("team")?,
        root.texts("eligible")?,
    )
}

fn texts(list: &[Text]) -> Json<'_> {
    Json::Array(list.iter().map(|t| s(t.as_str())).collect())
}

fn number(n: u64) -> Json<'static> {
    Json::Number(Cow::Owned(n.to_string()))
}

/// The inputs part of the record, as JSON members.
fn input_members(inputs: &DrawInputs) -> Vec<(&str, Json<'_>)> {
    match inputs {
        DrawInputs::Objects(o) => vec![(
            "strata",
            Json::Array(
                o.strata()
                    .iter()
                    .map(|st| {
                        obj(vec![
                            ("name", s(st.name.as_str())),
                            ("quota", number(st.quota)),
                            ("candidates", texts(&st.candidates)),
                            (
                                "excluded",
                                Json::Array(
                                    st.excluded
                                        .iter()
                                        .map(|e| obj(vec![("id", s(e.id.as_str())), ("reason", s(e.reason.as_str()))]))
                                        .collect(),
                                ),
                            ),
                        ])
                    })
                    .collect(),
            ),
        )],
        DrawInputs::Inspectors(i) => vec![
            ("team_size", number(i.team_size())),
            (
                "initial_loads",
                Json::Object(
                    i.initial_loads()
                        .iter()
                        .map(|(k, n)| (Cow::Borrowed(k.as_str()), number(*n)))
                        .collect(),
                ),
            ),
            (
                "objects",
                Json::Array(
                    i.objects()
                        .iter()
                        .map(|o| {
                            obj(vec![
                                ("id", s(o.id.as_str())),
                                ("eligible", texts(&o.eligible)),
                                ("leader_eligible", texts(&o.leader_eligible)),
                            ])
                        })
                        .collect(),
                ),
            ),
        ],
        DrawInputs::Replacement(r) => vec![
            ("object", s(r.object().as_str())),
            ("replaced", s(r.replaced().as_str())),
            ("team", texts(r.team())),
            ("eligible", texts(r.eligible())),
        ],
    }
}

/// `result` as a JSON value (spec §8).
pub fn result_json(result: &DrawResult) -> Json<'_> {
    match result {
        DrawResult::Objects(r) => obj(vec![(
            "strata",
            Json::Array(
                r.strata
                    .iter()
                    .map(|st| obj(vec![("name", s(st.name.as_str())), ("selected", texts(&st.selected))]))
                    .collect(),
            ),
        )]),
        DrawResult::Inspectors(r) => obj(vec![(
            "teams",
            Json::Array(
                r.teams
                    .iter()
                    .map(|t| {
                        obj(vec![
                            ("object", s(t.object.as_str())),
                            ("leader", s(t.leader.as_str())),
                            ("members", texts(&t.members)),
                        ])
                    })
                    .collect(),
            ),
        )]),
        DrawResult::Replacement(r) => obj(vec![("chosen", s(r.chosen.as_str()))]),
    }
}

/// The note a `none` record carries (spec §1: the record must say so).
pub const NO_BEACON_NOTE: &str =
    "未使用公共随机源（beacon_source 为 none）：结果可以复算，但其可信程度仅等同于操作方本身。";

/// The record's JSON: committed (no nonce) or, with `revealed`, complete.
pub(crate) fn committed_json(rec: &CommittedRecord, revealed: Option<&RevealedDraw>) -> String {
    let mut members: Vec<(&str, Json<'_>)> = vec![
        ("spec", s(SPEC)),
        ("kind", s(rec.kind().as_str())),
        ("draw_id", s(rec.draw_id().as_str())),
        ("beacon_source", s(rec.beacon_source().as_str())),
        ("nonce_sha256", owned(rec.nonce_sha256().to_hex())),
    ];
    if rec.beacon_source().as_str() == "none" {
        members.push(("beacon_note", s(NO_BEACON_NOTE)));
    }
    members.extend(input_members(rec.inputs()));
    members.push(("commitment", owned(rec.commitment().to_hex())));
    if let Some(r) = revealed {
        members.push(("beacon", s(r.beacon())));
        if let Some(sig) = r.beacon_signature() {
            members.push(("beacon_signature", s(sig)));
        }
        members.push(("nonce", owned(r.nonce().to_hex())));
        members.push(("seed", owned(r.seed().to_hex())));
        members.push(("result", result_json(r.result())));
    }
    let mut out = String::new();
    json::write_pretty(&obj(members), &mut out);
    out
}
