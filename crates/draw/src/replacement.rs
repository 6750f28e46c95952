//! Kind `replacement`: who replaces an inspector on a team (调整更换, spec §7).
//!
//! A replacement is a draw of its own, with its own commitment and beacon,
//! so that a replacement cannot be used to steer who ends up inspecting.

use crate::commitment::Sink;
use crate::error::{DrawError, Problem};
use crate::objects::check_list;
use crate::seed::{Seed, keyed};
use crate::text::Text;

/// The inputs of a `replacement` draw, checked canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementInput {
    object: Text,
    replaced: Text,
    team: Vec<Text>,
    eligible: Vec<Text>,
}

/// `result` of a `replacement` draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementResult {
    pub chosen: Text,
}

impl ReplacementInput {
    /// `team`: the members who stay, sorted, unique, without `replaced`;
    /// `eligible`: sorted, unique, non-empty, holding neither `replaced` nor
    /// anyone on `team`.
    pub fn new(
        object: Text,
        replaced: Text,
        team: Vec<Text>,
        eligible: Vec<Text>,
    ) -> Result<ReplacementInput, DrawError> {
        check_list("team", &team)?;
        if let Ok(i) = team.binary_search(&replaced) {
            return Err(DrawError::new(format!("team[{i}]"), Problem::ReplacedOnTeam).with_id(replaced.as_str()));
        }
        if eligible.is_empty() {
            return Err(DrawError::new("eligible", Problem::EmptyList).with_id(object.as_str()));
        }
        check_list("eligible", &eligible)?;
        for (i, e) in eligible.iter().enumerate() {
            if *e == replaced {
                return Err(DrawError::new(format!("eligible[{i}]"), Problem::ReplacedIsEligible).with_id(e.as_str()));
            }
            if team.binary_search(e).is_ok() {
                return Err(DrawError::new(format!("eligible[{i}]"), Problem::TeamMemberIsEligible).with_id(e.as_str()));
            }
        }
        Ok(ReplacementInput {
            object,
            replaced,
            team,
            eligible,
        })
    }

    pub fn object(&self) -> &Text {
        &self.object
    }

    pub fn replaced(&self) -> &Text {
        &self.replaced
    }

    pub fn team(&self) -> &[Text] {
        &self.team
    }

    pub fn eligible(&self) -> &[Text] {
        &self.eligible
    }

    pub(crate) fn write_body(&self, sink: &mut impl Sink) {
        sink.line(&["object", self.object.as_str()]);
        sink.line(&["replaced", self.replaced.as_str()]);
        for t in &self.team {
            sink.line(&["team", t.as_str()]);
        }
        for e in &self.eligible {
            sink.line(&["eligible", e.as_str()]);
        }
    }
}

/// The eligible inspector with the smallest replace key (spec §7).
pub fn choose_replacement(input: &ReplacementInput, seed: &Seed) -> ReplacementResult {
    let prefix = seed.sub_seed(b"replace", input.object.as_str());
    let chosen = input
        .eligible
        .iter()
        .min_by(|a, b| {
            keyed(&prefix, a.as_str())
                .cmp(&keyed(&prefix, b.as_str()))
                .then_with(|| a.cmp(b))
        })
        .expect("eligible is not empty")
        .clone();
    ReplacementResult { chosen }
}
