//! The life of a draw as types (spec §1): 锁定 commit → 开奖 reveal.
//!
//! - [`CommittedRecord`]: what is public after commit (inputs, beacon source,
//!   `nonce_sha256`, `commitment`). Anyone can check its commitment.
//! - [`CommittedDraw`]: the platform's side of a committed draw: the public
//!   record plus the secret [`Nonce`]. It is the only thing that can reveal.
//! - [`RevealedDraw`]: beacon, nonce, [`Seed`] and result. Its result is
//!   computed from the seed inside [`CommittedDraw::reveal`] (or recomputed by
//!   the verifier), never supplied from outside.

use crate::beacon::{BeaconSource, BeaconValue};
use crate::commitment::{HashSink, Sink, write_header};
use crate::digest::Digest;
use crate::error::{DrawError, Problem};
use crate::inspectors::{InspectorsInput, InspectorsResult, match_inspectors};
use crate::objects::{ObjectsInput, ObjectsResult, draw_objects};
use crate::record;
use crate::replacement::{ReplacementInput, ReplacementResult, choose_replacement};
use crate::seed::{Nonce, Seed};
use crate::text::Text;

/// The three kinds of draw-v1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 抽取检查对象
    Objects,
    /// 匹配检查人员
    Inspectors,
    /// 调整更换
    Replacement,
}

impl Kind {
    /// The `kind` word of the record and the commitment text.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Objects => "objects",
            Kind::Inspectors => "inspectors",
            Kind::Replacement => "replacement",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "objects" => Some(Kind::Objects),
            "inspectors" => Some(Kind::Inspectors),
            "replacement" => Some(Kind::Replacement),
            _ => None,
        }
    }
}

/// The canonical inputs of a draw of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrawInputs {
    Objects(ObjectsInput),
    Inspectors(InspectorsInput),
    Replacement(ReplacementInput),
}

impl DrawInputs {
    pub fn kind(&self) -> Kind {
        match self {
            DrawInputs::Objects(_) => Kind::Objects,
            DrawInputs::Inspectors(_) => Kind::Inspectors,
            DrawInputs::Replacement(_) => Kind::Replacement,
        }
    }

    fn write_body(&self, sink: &mut impl Sink) {
        match self {
            DrawInputs::Objects(i) => i.write_body(sink),
            DrawInputs::Inspectors(i) => i.write_body(sink),
            DrawInputs::Replacement(i) => i.write_body(sink),
        }
    }
}

/// The result of a draw of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrawResult {
    Objects(ObjectsResult),
    Inspectors(InspectorsResult),
    Replacement(ReplacementResult),
}

/// Computes the result from the inputs and the seed (spec §5–7).
pub fn compute_result(inputs: &DrawInputs, seed: &Seed) -> DrawResult {
    match inputs {
        DrawInputs::Objects(i) => DrawResult::Objects(draw_objects(i, seed)),
        DrawInputs::Inspectors(i) => DrawResult::Inspectors(match_inspectors(i, seed)),
        DrawInputs::Replacement(i) => DrawResult::Replacement(choose_replacement(i, seed)),
    }
}

/// The public part of a committed draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedRecord {
    draw_id: Text,
    beacon_source: Text,
    nonce_sha256: Digest,
    inputs: DrawInputs,
    commitment: Digest,
}

impl CommittedRecord {
    /// Computes the commitment of canonical inputs. `beacon_source` is taken
    /// as text: the verifier accepts any canonical text (spec §1).
    pub fn new(draw_id: Text, beacon_source: Text, nonce_sha256: Digest, inputs: DrawInputs) -> CommittedRecord {
        let mut h = HashSink::new();
        write_text(&mut h, &draw_id, &beacon_source, &nonce_sha256, &inputs);
        CommittedRecord {
            commitment: h.finish(),
            draw_id,
            beacon_source,
            nonce_sha256,
            inputs,
        }
    }

    pub fn kind(&self) -> Kind {
        self.inputs.kind()
    }

    pub fn draw_id(&self) -> &Text {
        &self.draw_id
    }

    pub fn beacon_source(&self) -> &Text {
        &self.beacon_source
    }

    pub fn nonce_sha256(&self) -> &Digest {
        &self.nonce_sha256
    }

    pub fn inputs(&self) -> &DrawInputs {
        &self.inputs
    }

    pub fn commitment(&self) -> &Digest {
        &self.commitment
    }

    /// The commitment text of spec §3, for display and for explaining a mismatch.
    pub fn commitment_text(&self) -> String {
        let mut v = Vec::new();
        write_text(
            &mut v,
            &self.draw_id,
            &self.beacon_source,
            &self.nonce_sha256,
            &self.inputs,
        );
        String::from_utf8(v).expect("all parts are UTF-8")
    }

    /// The committed record as published at commit (no nonce), JSON.
    pub fn to_json(&self) -> String {
        record::committed_json(self, None)
    }
}

fn write_text(sink: &mut impl Sink, draw_id: &Text, beacon_source: &Text, nonce_sha256: &Digest, inputs: &DrawInputs) {
    write_header(
        sink,
        inputs.kind().as_str(),
        draw_id.as_str(),
        beacon_source.as_str(),
        nonce_sha256,
    );
    inputs.write_body(sink);
}

/// A committed draw on the platform's side: the public record and the
/// secret nonce (store the nonce where the public cannot read it).
#[derive(Debug, Clone)]
pub struct CommittedDraw {
    record: CommittedRecord,
    source: BeaconSource,
    nonce: Nonce,
}

impl CommittedDraw {
    /// Commits canonical inputs with the given nonce (deterministic: tests
    /// and restoring). Use [`CommittedDraw::commit_fresh`] for real draws.
    pub fn commit(draw_id: Text, source: BeaconSource, inputs: DrawInputs, nonce: Nonce) -> CommittedDraw {
        let source_text = Text::parse(source.text()).expect("beacon sources are canonical text");
        let record = CommittedRecord::new(draw_id, source_text, nonce.sha256(), inputs);
        CommittedDraw { record, source, nonce }
    }

    /// Commits with a fresh 32-byte nonce from the OS CSPRNG.
    pub fn commit_fresh(
        draw_id: Text,
        source: BeaconSource,
        inputs: DrawInputs,
    ) -> Result<CommittedDraw, getrandom::Error> {
        Ok(CommittedDraw::commit(draw_id, source, inputs, Nonce::generate()?))
    }

    /// Rebuilds a committed draw from its stored public record and its
    /// secret nonce, e.g. at reveal time after a restart.
    pub fn restore(record: CommittedRecord, nonce: Nonce) -> Result<CommittedDraw, DrawError> {
        if nonce.sha256() != record.nonce_sha256 {
            return Err(DrawError::new("nonce", Problem::WrongNonce));
        }
        let source = BeaconSource::parse(record.beacon_source.as_str())?;
        Ok(CommittedDraw { record, source, nonce })
    }

    pub fn record(&self) -> &CommittedRecord {
        &self.record
    }

    pub fn source(&self) -> &BeaconSource {
        &self.source
    }

    /// The secret nonce, for storing it until reveal.
    pub fn nonce(&self) -> &Nonce {
        &self.nonce
    }

    /// Reveals with the beacon value: checks it fits the committed source
    /// (a verified drand round of the named round, a manual value of the
    /// stated form, or none), then computes seed and result.
    pub fn reveal(&self, value: BeaconValue) -> Result<RevealedDraw, DrawError> {
        let (beacon, beacon_signature) = match (&self.source, value) {
            (BeaconSource::None, BeaconValue::None) => (String::new(), None),
            (BeaconSource::DrandQuicknet { round }, BeaconValue::Drand(v)) => {
                if v.round() != *round {
                    return Err(DrawError::new(
                        "beacon",
                        Problem::DrandRoundMismatch {
                            expected: *round,
                            found: v.round(),
                        },
                    ));
                }
                (v.beacon_value(), Some(v.signature_hex()))
            }
            (src @ BeaconSource::Manual { .. }, BeaconValue::Manual(s)) => {
                src.check_manual_value(&s)?;
                crate::text::check_text(&s).map_err(|r| DrawError::new("beacon", Problem::Text(r)))?;
                (s, None)
            }
            (src, _) => {
                return Err(DrawError::new(
                    "beacon",
                    Problem::UnknownValue {
                        found: "a beacon value of another kind".into(),
                        expected: match src {
                            BeaconSource::None => "no beacon (source none)",
                            BeaconSource::DrandQuicknet { .. } => "a verified drand round",
                            BeaconSource::Manual { .. } => "a manual value",
                        },
                    },
                ));
            }
        };
        let seed = Seed::derive(&self.record.commitment, &self.nonce, &beacon);
        let result = compute_result(&self.record.inputs, &seed);
        Ok(RevealedDraw {
            record: self.record.clone(),
            beacon,
            beacon_signature,
            nonce: self.nonce.clone(),
            seed,
            result,
        })
    }
}

/// A revealed draw: everything needed to recompute it.
#[derive(Debug, Clone)]
pub struct RevealedDraw {
    record: CommittedRecord,
    beacon: String,
    beacon_signature: Option<String>,
    nonce: Nonce,
    seed: Seed,
    result: DrawResult,
}

impl RevealedDraw {
    /// Used by the verifier once commitment, nonce and seed have checked out.
    pub(crate) fn recomputed(
        record: CommittedRecord,
        beacon: String,
        beacon_signature: Option<String>,
        nonce: Nonce,
        seed: Seed,
    ) -> RevealedDraw {
        let result = compute_result(&record.inputs, &seed);
        RevealedDraw {
            record,
            beacon,
            beacon_signature,
            nonce,
            seed,
            result,
        }
    }

    pub fn record(&self) -> &CommittedRecord {
        &self.record
    }

    pub fn beacon(&self) -> &str {
        &self.beacon
    }

    /// The drand signature (hex) when the beacon is a drand round.
    pub fn beacon_signature(&self) -> Option<&str> {
        self.beacon_signature.as_deref()
    }

    pub fn nonce(&self) -> &Nonce {
        &self.nonce
    }

    pub fn seed(&self) -> &Seed {
        &self.seed
    }

    pub fn result(&self) -> &DrawResult {
        &self.result
    }

    /// The complete record as published at reveal, JSON.
    pub fn to_json(&self) -> String {
        record::committed_json(&self.record, Some(self))
    }
}
