//! The record a primary keeps of what its secondary lacks since the sync point `epoch`:
//! per file, its dirty zones or "whole"; and, in order, the operations that moved names.
//!
//! A file is known by identity, not by path: `(directory index, device, inode number)` on the
//! primary. A rename keeps the number, so the file keeps its zones under its new name, and the
//! rename itself is replayed on the secondary before the walk, which puts the secondary's copy
//! under that name too. A number freed by an unlink and taken again by a new file is harmless:
//! every new regular file reaches the record through its `Create` (or, for other ways of making
//! one, [`Store::whole`]), which marks it whole whatever the old number carried.
//!
//! Each mark bumps a counter kept with the file: a copy clears a file only if nothing marked it
//! again since the copy was planned ([`Store::copied`]).

use crate::zoneset::{zones_of, ZoneSet};
use keel_repl::Op;
use std::collections::{BTreeMap, VecDeque};

/// A file on the primary: replicated directory index, device, inode number.
pub type FileId = (u8, u64, u64);

/// Replayed operations kept at most (beyond, the record is given up: `lost`).
pub const MAX_JOURNAL_OPS: usize = 200_000;
/// Files with dirty zones kept at most (beyond, the record is given up).
pub const MAX_FILES: usize = 2_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dirty {
    /// The secondary has no usable copy: copy all of it.
    Whole,
    Zones(ZoneSet),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub dirty: Dirty,
    /// The store's counter at the last mark.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// Zone size in bytes (`ruzone_blocksize`).
    pub zone: u64,
    /// The sync point this record starts from; 0: none (the record says nothing).
    pub epoch: u64,
    pub(crate) counter: u64,
    pub(crate) files: BTreeMap<FileId, Entry>,
    pub(crate) journal: VecDeque<Op>,
    /// Something was not recorded (too much to keep): the record must not be used.
    pub(crate) lost: bool,
}

impl Store {
    /// An empty record of zone size `zone` (at least 1) that says nothing (epoch 0).
    pub fn new(zone: u64) -> Store {
        Store {
            zone: zone.max(1),
            epoch: 0,
            counter: 0,
            files: BTreeMap::new(),
            journal: VecDeque::new(),
            lost: false,
        }
    }

    /// The secondary is complete as of the new sync point `epoch`: nothing is dirty any more.
    pub fn synced(&mut self, epoch: u64) {
        self.epoch = epoch;
        self.files.clear();
        self.journal.clear();
        self.lost = false;
    }

    /// Whether the record holds everything since its sync point.
    pub fn usable(&self) -> bool {
        self.epoch != 0 && !self.lost
    }

    pub fn entry(&self, id: FileId) -> Option<&Entry> {
        self.files.get(&id)
    }

    pub fn files(&self) -> impl Iterator<Item = (&FileId, &Entry)> {
        self.files.iter()
    }

    pub fn journal(&self) -> impl Iterator<Item = &Op> {
        self.journal.iter()
    }

    pub fn is_clean(&self) -> bool {
        self.files.is_empty() && self.journal.is_empty()
    }

    fn bump(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn entry_mut(&mut self, id: FileId) -> Option<&mut Entry> {
        if !self.files.contains_key(&id) && self.files.len() >= MAX_FILES {
            self.lost = true;
            return None;
        }
        let version = self.bump();
        let e = self.files.entry(id).or_insert(Entry {
            dirty: Dirty::Zones(ZoneSet::default()),
            version,
        });
        e.version = version;
        Some(e)
    }

    /// Bytes `[offset, offset + len)` of file `id` changed ("this range of this file changed":
    /// writes, and any other operation that changes a range, such as fallocate or
    /// copy_file_range's destination).
    pub fn changed(&mut self, id: FileId, offset: u64, len: u64) {
        let (a, b) = zones_of(offset, len, self.zone);
        if a == b {
            return;
        }
        if let Some(Entry {
            dirty: Dirty::Zones(z),
            ..
        }) = self.entry_mut(id)
        {
            z.mark(a, b);
        }
    }

    /// File `id` was cut or extended at `len`: every zone from there on may differ.
    pub fn changed_from(&mut self, id: FileId, len: u64) {
        let zone = self.zone;
        if let Some(Entry {
            dirty: Dirty::Zones(z),
            ..
        }) = self.entry_mut(id)
        {
            z.mark_from(len / zone);
        }
    }

    /// File `id` is new (or its content unknown): copied whole.
    pub fn whole(&mut self, id: FileId) {
        if let Some(e) = self.entry_mut(id) {
            e.dirty = Dirty::Whole;
        }
    }

    /// An operation that moved, made or removed names, to replay on the secondary.
    pub fn named(&mut self, op: Op) {
        if self.journal.len() >= MAX_JOURNAL_OPS {
            self.lost = true;
            return;
        }
        self.journal.push_back(op);
    }

    /// An operation changed the primary and could not be recorded (its file could not be
    /// resolved): the record can no longer be used.
    pub fn lose(&mut self) {
        self.lost = true;
    }

    /// The first replayed operation reached the secondary: dropped from the journal.
    pub fn replayed_first(&mut self) {
        self.journal.pop_front();
    }

    /// The version of file `id`'s entry (what a copy plans from).
    pub fn version(&self, id: FileId) -> Option<u64> {
        self.files.get(&id).map(|e| e.version)
    }

    /// The copy of file `id` planned at `version` reached the secondary: the entry goes, unless
    /// something marked it again meanwhile.
    pub fn copied(&mut self, id: FileId, version: Option<u64>) {
        if version.is_some() && self.version(id) == version {
            self.files.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_repl::RelPath;

    #[test]
    fn a_mark_after_the_plan_survives_the_copy() {
        let mut s = Store::new(4096);
        let id = (0, 1, 2);
        s.changed(id, 0, 10);
        let planned = s.version(id);
        s.changed(id, 8192, 1);
        s.copied(id, planned);
        assert!(s.entry(id).is_some(), "the later mark is still owed");
        let planned = s.version(id);
        s.copied(id, planned);
        assert!(s.entry(id).is_none());
        s.copied(id, None);
        assert!(s.entry(id).is_none());
    }

    #[test]
    fn whole_wins_over_zones_until_copied() {
        let mut s = Store::new(4096);
        let id = (1, 1, 9);
        s.whole(id);
        s.changed(id, 0, 1);
        assert_eq!(s.entry(id).unwrap().dirty, Dirty::Whole);
    }

    #[test]
    fn a_full_journal_gives_the_record_up() {
        let mut s = Store::new(4096);
        s.synced(7);
        assert!(s.usable());
        let op = Op::Unlink {
            dir: 0,
            path: RelPath::parse(b"a").unwrap(),
        };
        for _ in 0..MAX_JOURNAL_OPS {
            s.named(op.clone());
        }
        assert!(s.usable());
        s.named(op);
        assert!(!s.usable());
        s.synced(8);
        assert!(s.usable() && s.is_clean());
    }
}
