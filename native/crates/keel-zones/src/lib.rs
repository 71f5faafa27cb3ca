//! Zone bitmaps (SafeKit guide §3.4, `ruzone_blocksize` in §5.7.3): while its secondary is absent,
//! behind or being reintegrated, a primary records which zones of which files changed without the
//! secondary getting them, and which names moved; a returning secondary then gets only those
//! zones (and whole files it lacks), after the moves are replayed.
//!
//! Pure: what to record for an operation ([`note`]), the record ([`Store`]), its encoding with a
//! checksum ([`persist`]), and the decisions of a reintegration ([`plan`]). The daemon (crate
//! `keel-rfsd`) resolves paths to file identities, writes the state directory and copies.
//! Decisions and their reasons: docs/decisions/0009-replication.md, "Zone bitmaps".

pub mod note;
pub mod persist;
pub mod plan;
pub mod store;
pub mod zoneset;

pub use note::{note, Note};
pub use plan::{FilePlan, Mode, SecondaryState};
pub use store::{Dirty, Entry, FileId, Store};
pub use zoneset::ZoneSet;

/// keel's zone when the configuration sets neither `ruzone_blocksize` nor `reipacketsize` (a
/// page; SafeKit's is 8388608, guide §5.7.3): zones are kept as ranges, so a small zone costs
/// memory only for scattered writes (bounded by [`zoneset::MAX_RANGES`]), and a file smaller than
/// SafeKit's zone is not sent whole for a one-byte change (docs/decisions/0009, "Zone bitmaps").
pub const DEFAULT_ZONE_BYTES: u64 = 4096;
