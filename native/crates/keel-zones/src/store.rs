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
use keel_repl::{Op, RelPath};
use std::collections::{BTreeMap, VecDeque};

/// A file on the primary: replicated directory index, device, inode number.
pub type FileId = (u8, u64, u64);

/// Replayed operations kept at most (beyond, the record is given up: `lost`).
pub const MAX_JOURNAL_OPS: usize = 200_000;
/// Files with dirty zones kept at most (beyond, the record is given up).
pub const MAX_FILES: usize = 2_000_000;
/// A rename moves the path hints of the entries beneath it only while the record holds at most
/// this many entries (a scan of them all under the replication lock, a few milliseconds at
/// most); beyond, hints left behind are found again by identity (crate keel-rfsd `find`).
pub const MAX_REBASED: usize = 65_536;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dirty {
    /// The secondary has no usable copy: copy all of it.
    Whole,
    Zones(ZoneSet),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What of the data differs (`Zones` with no zone: only the attributes, or the entry is not
    /// a regular file).
    pub dirty: Dirty,
    /// The store's counter at the last mark.
    pub version: u64,
    /// Where the entry was when last marked, moved along by the renames recorded since: where a
    /// zone reintegration looks for it first (checked by identity; it may be stale).
    pub path: Option<RelPath>,
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
            path: None,
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

    /// The attributes of entry `id` (any kind) changed: it is visited, its data aside.
    pub fn attrs(&mut self, id: FileId) {
        self.entry_mut(id);
    }

    /// Entry `id` (just marked) is at `path` now.
    pub fn hint(&mut self, id: FileId, path: &RelPath) {
        if let Some(e) = self.files.get_mut(&id) {
            if e.path.as_ref() != Some(path) {
                e.path = Some(path.clone());
            }
        }
    }

    /// An operation that moved, made or removed names, to replay on the secondary. A rename moves
    /// the hints of the entries it moved (both ways for an exchange).
    pub fn named(&mut self, op: Op) {
        if self.journal.len() >= MAX_JOURNAL_OPS {
            self.lost = true;
            return;
        }
        if let Op::Rename { dir, from, to, flags } = &op {
            if self.files.len() <= MAX_REBASED {
                let exchange = flags & RENAME_EXCHANGE != 0;
                for (&(d, _, _), e) in self.files.iter_mut() {
                    let Some(p) = e.path.as_ref().filter(|_| d == *dir) else {
                        continue;
                    };
                    let moved = match p.rebase(from, to) {
                        Some(q) => Some(q),
                        None if exchange => p.rebase(to, from),
                        None => None,
                    };
                    if moved.is_some() {
                        e.path = moved;
                    }
                }
            }
        }
        self.journal.push_back(op);
    }

    /// What a zone reintegration visits: every entry with what it was planned from, or None if
    /// there are more than `most` (the caller walks the tree instead).
    pub fn to_visit(&self, most: usize) -> Option<Vec<(FileId, Entry)>> {
        (self.files.len() <= most).then(|| self.files.iter().map(|(id, e)| (*id, e.clone())).collect())
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

/// `renameat2`'s RENAME_EXCHANGE (linux/fs.h): the two names swap.
const RENAME_EXCHANGE: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

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

#[cfg(test)]
mod hints {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> RelPath {
        RelPath::parse(s.as_bytes()).unwrap()
    }

    fn rename(from: &str, to: &str, flags: u32) -> Op {
        Op::Rename {
            dir: 0,
            from: p(from),
            to: p(to),
            flags,
        }
    }

    #[test]
    fn renames_move_the_hints_beneath_them() {
        let mut s = Store::new(4096);
        let (a, b, c) = ((0, 1, 1), (0, 1, 2), (1, 1, 3));
        s.changed(a, 0, 1);
        s.hint(a, &p("d/e/f"));
        s.attrs(b);
        s.hint(b, &p("de"));
        s.whole(c);
        s.hint(c, &p("d/e/f"));
        s.named(rename("d/e", "x", 0));
        assert_eq!(s.entry(a).unwrap().path, Some(p("x/f")));
        assert_eq!(s.entry(b).unwrap().path, Some(p("de")), "not beneath d/e");
        assert_eq!(s.entry(c).unwrap().path, Some(p("d/e/f")), "another directory");
        s.named(rename("x", "de", RENAME_EXCHANGE));
        assert_eq!(s.entry(a).unwrap().path, Some(p("de/f")));
        assert_eq!(s.entry(b).unwrap().path, Some(p("x")));
        assert_eq!(
            s.entry(b).unwrap().dirty,
            Dirty::Zones(ZoneSet::default()),
            "attributes only"
        );
        assert_eq!(s.to_visit(3).unwrap().len(), 3);
        assert!(s.to_visit(2).is_none());
    }

    proptest! {
        /// Against a naive model that moves one path through every rename in turn: the hint is
        /// where the entry went.
        #[test]
        fn a_hint_follows_any_sequence_of_renames(
            start in prop::collection::vec(0u8..3, 1..4),
            moves in prop::collection::vec(
                (prop::collection::vec(0u8..3, 1..3), prop::collection::vec(0u8..3, 1..3), any::<bool>()),
                0..12,
            ),
        ) {
            let name = |v: &[u8]| v.iter().map(|c| ["a", "b", "c"][*c as usize]).collect::<Vec<_>>().join("/");
            let mut s = Store::new(4096);
            let id = (0, 1, 1);
            s.changed(id, 0, 1);
            let mut naive = name(&start);
            s.hint(id, &p(&naive));
            for (from, to, exchange) in &moves {
                let (from, to) = (name(from), name(to));
                let flags = if *exchange { RENAME_EXCHANGE } else { 0 };
                let under = |path: &str, dir: &str| path == dir || path.starts_with(&format!("{dir}/"));
                if under(&naive, &from) {
                    naive = format!("{to}{}", &naive[from.len()..]);
                } else if *exchange && under(&naive, &to) {
                    naive = format!("{from}{}", &naive[to.len()..]);
                }
                s.named(rename(&from, &to, flags));
            }
            prop_assert_eq!(s.entry(id).unwrap().path.clone(), Some(p(&naive)));
        }
    }
}
