//! One error type for everything that can be wrong with a draw: where it is
//! (a JSON path such as `strata[0].candidates[3]`), which id it concerns, and
//! which rule it breaks. The web layer maps [`Problem`] to Chinese messages;
//! `Display` gives the English reason that `spotcheck verify` prints.

use std::fmt;

use crate::digest::HexRule;
use crate::text::TextRule;

/// What is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawError {
    /// JSON path of the offending value, e.g. `objects[2].leader_eligible[0]`;
    /// empty for the record as a whole.
    pub at: String,
    /// The id (candidate, inspector, object, stratum name) it concerns, if any.
    pub id: Option<String>,
    pub problem: Problem,
}

/// The rule that was broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The bytes are not JSON (position in bytes).
    Json {
        offset: usize,
        message: String,
    },
    /// An object repeats a member name (spec §8).
    DuplicateMember {
        name: String,
    },
    /// A JSON string holds an escape that is not Unicode (a lone surrogate).
    InvalidString,
    Missing,
    WrongType {
        expected: &'static str,
    },
    /// `spec` or `kind` or another fixed word has an unknown value.
    UnknownValue {
        found: String,
        expected: &'static str,
    },
    /// A number not written as spec §2 demands (`3.0`, `-1`, `1e2`, …).
    NumberForm {
        raw: String,
    },
    NumberTooLarge {
        raw: String,
    },
    Text(TextRule),
    Hex(HexRule),
    /// Not in ascending UTF-8 byte order; `previous` is the element before.
    NotSorted {
        previous: String,
    },
    /// Same value twice in a list that must be unique.
    Duplicate,
    /// A list that must not be empty is empty.
    EmptyList,
    QuotaTooLarge {
        quota: u64,
        candidates: usize,
    },
    CandidateAlsoExcluded {
        stratum: String,
    },
    TeamSizeZero,
    TooFewEligible {
        team_size: u64,
        eligible: usize,
    },
    LeaderNotEligible,
    EmptyLeaderPool,
    ReplacedIsEligible,
    ReplacedOnTeam,
    TeamMemberIsEligible,
    /// Some but not all of `beacon`, `nonce`, `seed`, `result`.
    PartialReveal {
        missing: Vec<&'static str>,
    },
    /// `beacon` must be empty exactly when `beacon_source` is `none`.
    BeaconMustBeEmpty,
    BeaconMustNotBeEmpty,
    /// A drand beacon must be the round's randomness: 64 lowercase hex digits.
    DrandBeaconForm(HexRule),
    /// A manual beacon value not in the form its source states.
    BeaconForm {
        form: String,
        value: String,
    },
    /// A beacon source that states no recognisable form (platform side).
    BeaconSourceForm {
        source: String,
    },
    /// At commit: the named drand round is due too soon (or is past).
    BeaconTooSoon {
        round: u64,
        due_at: u64,
        earliest: u64,
    },
    /// The drand beacon is of another round than the source names.
    DrandRoundMismatch {
        expected: u64,
        found: u64,
    },
    /// The drand signature does not verify against the pinned quicknet key.
    DrandSignature {
        round: u64,
        reason: String,
    },
    CommitmentMismatch {
        recorded: String,
        computed: String,
    },
    NonceHashMismatch {
        computed: String,
    },
    SeedMismatch {
        recorded: String,
        computed: String,
    },
    /// `result` differs from the computed result.
    ResultMismatch {
        expected: String,
        found: String,
    },
    /// `result` (or an object inside it) has a member the spec does not define.
    ResultExtraMember {
        name: String,
    },
    /// The nonce given to restore a committed draw does not hash to `nonce_sha256`.
    WrongNonce,
}

impl DrawError {
    pub fn new(at: impl Into<String>, problem: Problem) -> DrawError {
        DrawError {
            at: at.into(),
            id: None,
            problem,
        }
    }

    pub fn with_id(mut self, id: impl Into<String>) -> DrawError {
        self.id = Some(id.into());
        self
    }
}

fn quoted(s: &str) -> String {
    // Debug quoting makes control characters and stray spaces visible.
    let mut q = format!("{s:?}");
    if q.chars().count() > 90 {
        q = q.chars().take(87).collect::<String>() + "…\"";
    }
    q
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Json { offset, message } => {
                write!(f, "not valid JSON at byte {offset}: {message}")
            }
            Problem::DuplicateMember { name } => write!(
                f,
                "member {} appears more than once in one object (a record with repeated member names is invalid)",
                quoted(name)
            ),
            Problem::InvalidString => write!(f, "string holds an escaped lone surrogate, which is not Unicode text"),
            Problem::Missing => write!(f, "is required but missing"),
            Problem::WrongType { expected } => write!(f, "must be {expected}"),
            Problem::UnknownValue { found, expected } => {
                write!(f, "is {}, must be {expected}", quoted(found))
            }
            Problem::NumberForm { raw } => write!(
                f,
                "number {raw} is not written as a plain non-negative integer (no sign, fraction or exponent)"
            ),
            Problem::NumberTooLarge { raw } => write!(f, "number {raw} exceeds 2^53 - 1"),
            Problem::Text(rule) => write!(f, "text {rule}"),
            Problem::Hex(rule) => write!(f, "{rule}"),
            Problem::NotSorted { previous } => write!(
                f,
                "not in canonical order: must sort after the preceding {} by UTF-8 bytes",
                quoted(previous)
            ),
            Problem::Duplicate => write!(f, "appears twice; the list must be unique"),
            Problem::EmptyList => write!(f, "must not be empty"),
            Problem::QuotaTooLarge { quota, candidates } => write!(
                f,
                "quota {quota} is larger than the {candidates} candidates of the stratum"
            ),
            Problem::CandidateAlsoExcluded { stratum } => {
                write!(f, "is both a candidate and excluded in stratum {}", quoted(stratum))
            }
            Problem::TeamSizeZero => write!(f, "team_size must be at least 1"),
            Problem::TooFewEligible { team_size, eligible } => write!(
                f,
                "only {eligible} eligible inspectors for a team of {team_size}: the object cannot be staffed"
            ),
            Problem::LeaderNotEligible => {
                write!(f, "is leader-eligible but not in the object's eligible list")
            }
            Problem::EmptyLeaderPool => write!(
                f,
                "a leader is required but no eligible inspector may lead: the object cannot be staffed"
            ),
            Problem::ReplacedIsEligible => {
                write!(f, "the replaced inspector must not be listed as eligible")
            }
            Problem::ReplacedOnTeam => write!(f, "the replaced inspector must not be on the remaining team"),
            Problem::TeamMemberIsEligible => write!(f, "is on the remaining team and must not be listed as eligible"),
            Problem::PartialReveal { missing } => write!(
                f,
                "partly revealed: beacon, nonce, seed and result must all be present or all absent; missing {}",
                missing.join(", ")
            ),
            Problem::BeaconMustBeEmpty => {
                write!(f, "beacon must be the empty string when beacon_source is none")
            }
            Problem::BeaconMustNotBeEmpty => write!(f, "beacon is empty but beacon_source is not none"),
            Problem::DrandBeaconForm(rule) => write!(
                f,
                "a drand quicknet beacon must be the round's randomness, 64 lowercase hex digits: {rule}"
            ),
            Problem::BeaconForm { form, value } => write!(
                f,
                "beacon value {} is not in the form the source states ({form})",
                quoted(value)
            ),
            Problem::BeaconSourceForm { source } => write!(
                f,
                "beacon source {} does not state the form of its value in a recognised way",
                quoted(source)
            ),
            Problem::BeaconTooSoon {
                round,
                due_at,
                earliest,
            } => write!(
                f,
                "drand quicknet round {round} is due at Unix time {due_at}, too soon for a value nobody may know at commit; the earliest acceptable round is {earliest}"
            ),
            Problem::DrandRoundMismatch { expected, found } => write!(
                f,
                "drand beacon is of round {found}, but the source names round {expected}"
            ),
            Problem::DrandSignature { round, reason } => {
                write!(f, "drand quicknet round {round}: signature refused: {reason}")
            }
            Problem::CommitmentMismatch { recorded, computed } => write!(
                f,
                "commitment mismatch: the inputs hash to {computed}, the record says {recorded} (inputs changed after commit?)"
            ),
            Problem::NonceHashMismatch { computed } => write!(
                f,
                "the revealed nonce hashes to {computed}, not to the committed nonce_sha256"
            ),
            Problem::SeedMismatch { recorded, computed } => write!(
                f,
                "seed mismatch: commitment, nonce and beacon give {computed}, the record says {recorded}"
            ),
            Problem::ResultMismatch { expected, found } => {
                write!(f, "result differs: computed {expected}, record has {found}")
            }
            Problem::ResultExtraMember { name } => {
                write!(f, "result holds member {} that the spec does not define", quoted(name))
            }
            Problem::WrongNonce => write!(f, "the nonce does not hash to nonce_sha256"),
        }
    }
}

impl fmt::Display for DrawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.at.is_empty() {
            f.write_str(&self.at)?;
            if let Some(id) = &self.id {
                write!(f, " {}", quoted(id))?;
            }
            f.write_str(": ")?;
        } else if let Some(id) = &self.id {
            write!(f, "{}: ", quoted(id))?;
        }
        write!(f, "{}", self.problem)
    }
}

impl std::error::Error for DrawError {}
