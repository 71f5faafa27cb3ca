//! A pass of a zone reintegration (docs/decisions/0009, "Zone bitmaps"): the names moved while
//! the secondary was away were replayed ([`super::begin`]), so its copy differs from the primary's
//! only in the entries the record holds. Each is found by identity (its path hint, checked by
//! `lstat` beneath the directory, else one local scan, crate::find), and only it is visited: a
//! regular file sends its dirty zones (or whole, or in place when it has several names), then its
//! size and times; any entry sends the owner, mode, times and attributes that differ. No listing,
//! no question about files the record does not hold.
//!
//! The pass falls back to a walk when the record cannot be followed: given up (a name change the
//! secondary refused, too much to record), more than [`MAX_VISITED`] entries, a scan that could
//! not read a directory, or a secondary whose copy is not what the record says (a recorded file it
//! lacks, another kind, another link count): never a silent difference.

use super::*;
use crate::stats::Reintegrating;
use keel_zones::{Dirty, Entry};
use std::collections::HashSet;

/// Entries a zone pass visits at most. Beyond, the tree is walked (still copying only the dirty
/// zones, but asking about every file): a visit costs a question and a few attribute frames per
/// entry, the walk a listing entry and a question per file of the tree, so the visit wins for any
/// record smaller than the tree; the bound keeps the pass's own copy of the record (about 150
/// bytes an entry: 15 MB here) and its scan's memory small.
pub(super) const MAX_VISITED: usize = 100_000;

pub(super) enum Outcome {
    /// Every recorded entry was visited (some perhaps asking for another pass).
    Visited,
    /// The record cannot be followed: walk in this mode.
    Walk(Mode),
}

/// A recorded entry, found.
struct Visit {
    id: FileId,
    version: u64,
    path: RelPath,
    kind: EntryKind,
}

/// The bytes a file's plan sends: its marked zones within its size, or all of it.
fn planned(dirty: &Dirty, size: u64, zone: u64) -> u64 {
    match dirty {
        Dirty::Whole => size,
        Dirty::Zones(z) => z.byte_ranges(size, zone).iter().map(|(a, b)| b - a).sum(),
    }
}

impl Walk<'_> {
    pub(super) fn zone_pass(&mut self, progress: &Reintegrating) -> Result<Outcome, Aborted> {
        let (todo, zone) = {
            let z = self.r.zones.lock();
            if !z.usable() {
                say!("keel-rfsd: the zone record was given up during the reintegration: files will be compared");
                return Ok(Outcome::Walk(self.fallback));
            }
            match z.to_visit(MAX_VISITED) {
                Some(todo) => (todo, z.zone),
                None => {
                    say!("keel-rfsd: more than {MAX_VISITED} entries recorded: the tree is walked for their zones");
                    return Ok(Outcome::Walk(Mode::Zones));
                }
            }
        };
        let Some((files, others, gone)) = self.find(todo, zone, progress) else {
            return Ok(Outcome::Walk(Mode::Zones));
        };
        self.visiting = true;
        let visited = self.visit(files, others);
        self.visiting = false;
        visited?;
        if std::mem::take(&mut self.astray) {
            say!("keel-rfsd: the secondary's copy is not what the zone record says: files will be compared");
            self.r.zones.lock().lose();
            return Ok(Outcome::Walk(self.fallback));
        }
        // Entries no name reaches any more are gone from both nodes (their unlinks were
        // replayed or applied live), unless a rename during the pass hid them from the scan: then
        // another pass looks again.
        let l = self.step()?;
        if !l.st.resweep {
            let mut z = self.r.zones.lock();
            for (id, version) in gone {
                z.copied(id, Some(version));
            }
        }
        Ok(Outcome::Visited)
    }

    /// Where each recorded entry is, and the totals of the pass: the files and the others (each
    /// with where it is), and the entries no name reaches (with their versions). None: the scan
    /// could not read the tree.
    #[allow(clippy::type_complexity)]
    fn find(
        &self,
        todo: Vec<(FileId, Entry)>,
        zone: u64,
        progress: &Reintegrating,
    ) -> Option<(Vec<(Visit, u64)>, Vec<Visit>, Vec<(FileId, u64)>)> {
        let mut found = Vec::new();
        let mut lost: HashMap<FileId, Entry> = HashMap::new();
        for (id, e) in todo {
            match e.path.clone() {
                Some(p) if self.names(id.0, &p, (id.1, id.2)) => found.push((id, e, p)),
                _ => {
                    lost.insert(id, e);
                }
            }
        }
        if !lost.is_empty() {
            let wanted: HashSet<FileId> = lost.keys().copied().collect();
            match crate::find::by_identity(&self.r.dirs, &wanted) {
                Ok(paths) => {
                    for (id, p) in paths {
                        if let Some(e) = lost.remove(&id) {
                            found.push((id, e, p));
                        }
                    }
                }
                Err(why) => {
                    say!("keel-rfsd: cannot look for the recorded entries ({why}): the tree is walked");
                    return None;
                }
            }
        }
        let mut gone: Vec<(FileId, u64)> = lost.into_iter().map(|(id, e)| (id, e.version)).collect();
        let (mut files, mut others) = (Vec::new(), Vec::new());
        let (mut count, mut bytes) = (0, 0u64);
        for (id, e, path) in found {
            let st = match self.under(id.0).stat(&path) {
                Ok(st) if (st.st_dev, st.st_ino) == (id.1, id.2) => st,
                // Gone, or moved since (which asks for another pass).
                _ => {
                    gone.push((id, e.version));
                    continue;
                }
            };
            let v = Visit {
                id,
                version: e.version,
                path,
                kind: at::kind(&st),
            };
            if v.kind == EntryKind::File {
                let plan = planned(&e.dirty, st.st_size as u64, zone);
                count += 1;
                bytes = bytes.saturating_add(plan);
                files.push((v, plan));
            } else {
                others.push(v);
            }
        }
        progress.known(count, bytes);
        Some((files, others, gone))
    }

    /// Files first, then the other entries, directories last (a file made anew there changes
    /// its directory's times on the secondary).
    fn visit(&mut self, files: Vec<(Visit, u64)>, mut others: Vec<Visit>) -> Result<(), Aborted> {
        for (v, plan) in files {
            self.r.events.stats().rei_examined(plan);
            self.file(v.id.0, &v.path, Some(v.id))?;
            if self.astray {
                return self.flush();
            }
        }
        // Every file in flight done (or left to another pass) before the entries that remain.
        self.flush()?;
        others.sort_by_key(|v| v.kind == EntryKind::Dir);
        for v in others {
            self.entry(&v)?;
            if self.astray {
                return Ok(());
            }
        }
        Ok(())
    }

    /// A recorded entry other than a regular file: its owner, mode, times and attributes.
    fn entry(&mut self, v: &Visit) -> Result<(), Aborted> {
        let (d, path) = (v.id.0, &v.path);
        // Its question (`StatFile`) waits for its answer under the lock: nothing else in flight.
        let mut l = self.waited_step()?;
        let here = self
            .under(d)
            .open_at(path, libc::O_PATH, 0)
            .and_then(|fd| Ok((at::stat_fd(fd.as_fd_ref())?, fd)));
        let (st, fd) = match here {
            Ok((st, fd)) if (d, st.st_dev, st.st_ino) == v.id => (st, fd),
            _ => {
                Self::resweep(&mut l);
                return Ok(());
            }
        };
        let there = l.copy(Op::StatFile {
            dir: d,
            path: path.clone(),
        });
        if !l.connected() {
            return Err(Aborted);
        }
        match there.filter(|a| a.errno == 0) {
            Some(a) if a.mode & libc::S_IFMT == st.st_mode & libc::S_IFMT => {
                self.same_attributes(&mut l, d, path, &st, fd.as_fd_ref(), &a);
                if a.mtime != mtime(&st) {
                    l.copy(times(d, path, &st));
                }
                self.r.zones.lock().copied(v.id, Some(v.version));
            }
            _ => self.astray = true,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_zones::ZoneSet;

    #[test]
    fn planned_bytes_are_the_marked_zones_within_the_size() {
        let mut z = ZoneSet::default();
        z.mark(1, 3);
        z.mark_from(10);
        assert_eq!(
            planned(&Dirty::Zones(z.clone()), 10 * 4096 + 5, 4096),
            2 * 4096 + 5
        );
        assert_eq!(planned(&Dirty::Zones(z), 6000, 4096), 6000 - 4096);
        assert_eq!(planned(&Dirty::Whole, 77, 4096), 77);
        assert_eq!(planned(&Dirty::Zones(ZoneSet::default()), 77, 4096), 0);
    }
}
