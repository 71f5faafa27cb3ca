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
pub use store::{Dirty, FileId, Store};
pub use zoneset::ZoneSet;

/// SafeKit's default `ruzone_blocksize` (guide §5.7.3: `reipacketsize` if set, else 8388608).
pub const DEFAULT_ZONE_BYTES: u64 = 8 << 20;
