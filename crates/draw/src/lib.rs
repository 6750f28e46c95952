//! spotcheck-draw: the publicly verifiable draw `spotcheck-draw-v1`
//! (shared/specs/draw-v1.md), as a pure library.
//!
//! "双随机" is only as fair as its random choice. Here every random choice of
//! the platform — drawing inspection objects, matching inspectors, replacing
//! an inspector — is a function of committed inputs, a secret nonce revealed
//! afterwards and a public beacon named in advance, so anyone can recompute
//! it with SHA-256 alone and nobody can steer it once committed.
//!
//! No I/O here: no files, network or database (fetching a drand round is
//! `spotcheck-beacon`'s job; reading files is the CLI's).
//!
//! The platform's path:
//! 1. clean raw inputs with [`canonical`] (refuses drawing what cannot be staffed),
//! 2. [`CommittedDraw::commit_fresh`] and publish [`CommittedRecord::to_json`],
//! 3. at reveal, [`CommittedDraw::reveal`] with a [`BeaconValue`] and publish
//!    [`RevealedDraw::to_json`];
//!
//! the public's path: [`verify::verify_bytes`] or [`report`] for files.

pub mod beacon;
pub mod canonical;
mod commitment;
pub mod digest;
pub mod drand;
pub mod draw;
pub mod error;
pub mod inspectors;
pub mod json;
pub mod objects;
mod order;
pub mod record;
pub mod replacement;
pub mod report;
pub mod seed;
pub mod text;
pub mod verify;

pub use beacon::{BeaconSource, BeaconValue, ValueForm};
pub use digest::Digest;
pub use draw::{CommittedDraw, CommittedRecord, DrawInputs, DrawResult, Kind, RevealedDraw, compute_result};
pub use error::{DrawError, Problem};
pub use inspectors::{InspectorsInput, InspectorsResult, ObjectEligibility, Team, match_inspectors};
pub use objects::{Exclusion, ObjectsInput, ObjectsResult, Stratum, StratumResult, draw_objects};
pub use replacement::{ReplacementInput, ReplacementResult, choose_replacement};
pub use seed::{Nonce, Seed};
pub use text::Text;
pub use verify::{Verification, Verified, verify_bytes};
