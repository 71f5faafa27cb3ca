//! The primary's record of what its secondary lacks (keel-zones), fed from the one place where
//! changes are sent (crate::passfs `change`): an operation the secondary did not apply marks its
//! file's zones, or its entry's attributes, or is kept to replay if it moved names (and marks the
//! attributes of the directories it changed and of what it made). Each mark keeps the path the
//! entry had, as a hint for the zone reintegration (crate::sync). Other ways of changing a file's
//! bytes call [`Zones::changed`] ("this range of this file changed").
//!
//! Loaded at start from the state directory only if the last stop was clean, saved at a clean
//! stop (crate::state); see docs/decisions/0009, "Zone bitmaps".

use crate::state;
use crate::under::Underlying;
use keel_repl::{Op, RelPath};
use keel_zones::{note, persist, Note, Store};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

pub struct Zones {
    store: Mutex<Store>,
    state_dir: PathBuf,
}

/// What to record of one operation if the secondary does not apply it (taken before it is
/// sent, which consumes it; a write's data is not kept).
pub enum Pending {
    Range(u8, RelPath, u64, u64),
    From(u8, RelPath, u64),
    New(u8, RelPath, Op),
    Names(Op),
    Attrs(u8, RelPath),
}

impl Pending {
    pub fn of(op: &Op) -> Option<Pending> {
        Some(match note(op) {
            Note::Range {
                dir,
                path,
                offset,
                len,
            } => Pending::Range(dir, path.clone(), offset, len),
            Note::From { dir, path, from } => Pending::From(dir, path.clone(), from),
            Note::New { dir, path } => Pending::New(dir, path.clone(), op.clone()),
            Note::Names => Pending::Names(op.clone()),
            Note::Attrs { dir, path } => Pending::Attrs(dir, path.clone()),
            Note::Nothing => return None,
        })
    }
}

impl Zones {
    /// The record this primary starts with: the saved one if the last stop was clean; else, if
    /// this node's copy was complete as of a sync point when it stopped cleanly, an empty record
    /// from that point; else one that says nothing (every file is compared). This node's own
    /// sync point goes: its copy changes from now on.
    pub fn start(state_dir: &Path, zone: u64) -> Result<Zones, String> {
        let fail = |e: std::io::Error| format!("state directory {}: {e}", state_dir.display());
        let clean = state::take_clean(state_dir).map_err(fail)?;
        let saved = clean
            .then(|| std::fs::read(state_dir.join(state::ZONES)).ok())
            .flatten();
        let store = match saved.map(|b| persist::decode(&b)) {
            Some(Ok(s)) if s.zone == zone => s,
            Some(Ok(_)) => {
                say!("keel-rfsd: the saved zone record has another zone size: files will be compared");
                Store::new(zone)
            }
            Some(Err(e)) => {
                say!("keel-rfsd: {e}: files will be compared");
                Store::new(zone)
            }
            None => {
                let mut s = Store::new(zone);
                if clean && !state_dir.join(crate::secondary::REINTEGRATING).exists() {
                    if let Some(e) = state::read_number(state_dir, state::SYNCEPOCH) {
                        s.synced(e);
                    }
                }
                s
            }
        };
        state::remove(state_dir, state::ZONES).map_err(fail)?;
        state::remove(state_dir, state::SYNCEPOCH).map_err(fail)?;
        Ok(Zones {
            store: Mutex::new(store),
            state_dir: state_dir.to_path_buf(),
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records an operation the secondary did not apply (called under the replication lock, so
    /// its path still names the file it changed).
    pub fn unsent(&self, dirs: &[Underlying], p: Pending) {
        let mut s = self.lock();
        match p {
            Pending::Range(d, path, offset, len) => match id(dirs, d, &path) {
                Some(id) => {
                    s.changed(id, offset, len);
                    s.hint(id, &path);
                }
                None => s.lose(),
            },
            Pending::From(d, path, from) => match id(dirs, d, &path) {
                Some(id) => {
                    s.changed_from(id, from);
                    s.hint(id, &path);
                }
                None => s.lose(),
            },
            Pending::New(d, path, op) => {
                match id(dirs, d, &path) {
                    Some(id) => s.whole(id),
                    None => s.lose(),
                }
                touched(&mut s, dirs, &op);
                s.named(op);
            }
            Pending::Names(op) => {
                touched(&mut s, dirs, &op);
                s.named(op);
            }
            Pending::Attrs(d, path) => attrs(&mut s, dirs, d, &path),
        }
    }

    /// "This range of this file changed" for operations outside the `change` path's notes.
    #[allow(dead_code)]
    pub fn changed(&self, dirs: &[Underlying], d: u8, path: &RelPath, offset: u64, len: u64) {
        self.unsent(dirs, Pending::Range(d, path.clone(), offset, len));
    }

    /// Saves the record at a clean stop (after the last change): the record, this node's sync
    /// point if nothing is owed, then the mark that makes them trusted.
    pub fn save(&self) {
        let s = self.lock();
        let dir = &self.state_dir;
        let done = state::write_atomic(dir, state::ZONES, &persist::encode(&s))
            .and_then(|_| {
                if s.usable() && s.is_clean() {
                    state::write_number(dir, state::SYNCEPOCH, s.epoch)
                } else {
                    Ok(())
                }
            })
            .and_then(|_| state::mark_clean(dir));
        if let Err(e) = done {
            say!("keel-rfsd: cannot save the zone record in {}: {e}", dir.display());
        }
    }
}

/// Marks the attributes of the entry at `path` (any kind): the record cannot say what the
/// secondary lacks if it cannot tell which entry changed.
fn attrs(s: &mut Store, dirs: &[Underlying], d: u8, path: &RelPath) {
    match id_any(dirs, d, path) {
        Some(id) => {
            s.attrs(id);
            s.hint(id, path);
        }
        None => s.lose(),
    }
}

/// The entries whose attributes a name change leaves different (keel_zones::note::touched),
/// where they are after it (the operation happened here already).
fn touched(s: &mut Store, dirs: &[Underlying], op: &Op) {
    for (d, path) in keel_zones::note::touched(op) {
        attrs(s, dirs, d, &path);
    }
}

/// The identity of the entry of any kind at `path` of directory `d` (not followed if a link).
pub fn id_any(dirs: &[Underlying], d: u8, path: &RelPath) -> Option<keel_zones::FileId> {
    let st = dirs.get(d as usize)?.stat(path).ok()?;
    Some((d, st.st_dev, st.st_ino))
}

/// The identity of the regular file at `path` of directory `d`.
pub fn id(dirs: &[Underlying], d: u8, path: &RelPath) -> Option<keel_zones::FileId> {
    let st = dirs.get(d as usize)?.stat(path).ok()?;
    (st.st_mode & libc::S_IFMT == libc::S_IFREG).then_some((d, st.st_dev, st.st_ino))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_zones::persist;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("keel-zones-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn record() -> Store {
        let mut s = Store::new(4096);
        s.synced(99);
        s.changed((0, 1, 2), 0, 4096);
        s
    }

    /// As a clean stop leaves the state directory, cut short after `bytes` of the record.
    fn stopped(dir: &Path, bytes: &[u8], clean: bool) {
        std::fs::write(dir.join(state::ZONES), bytes).unwrap();
        if clean {
            state::mark_clean(dir).unwrap();
        } else {
            let _ = std::fs::remove_file(dir.join(state::CLEAN));
        }
    }

    #[test]
    fn the_record_is_trusted_only_after_a_clean_stop() {
        let dir = scratch("trust");
        let bytes = persist::encode(&record());
        stopped(&dir, &bytes, true);
        let z = Zones::start(&dir, 4096).unwrap();
        assert_eq!(*z.lock(), record());
        // The mark and the record are gone once read: a crash from now on leaves nothing trusted.
        assert!(!dir.join(state::CLEAN).exists() && !dir.join(state::ZONES).exists());
        z.save();
        assert_eq!(*Zones::start(&dir, 4096).unwrap().lock(), record());

        // Killed before the mark was written: the record, complete or not, is not used.
        stopped(&dir, &bytes, false);
        assert!(!Zones::start(&dir, 4096).unwrap().lock().usable());
        // Another zone size: not used.
        stopped(&dir, &bytes, true);
        assert!(!Zones::start(&dir, 8192).unwrap().lock().usable());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Whatever part of the record reached the disk, a record that is not whole is refused, even
    /// with the mark (a disk that lost the file's end).
    #[test]
    fn a_record_cut_anywhere_is_refused_at_start() {
        let dir = scratch("cut");
        let bytes = persist::encode(&record());
        for cut in 0..bytes.len() {
            stopped(&dir, &bytes[..cut], true);
            assert!(!Zones::start(&dir, 4096).unwrap().lock().usable(), "cut at {cut}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A node whose copy was complete as of a sync point when it stopped cleanly (a secondary, or
    /// a primary that owed nothing) starts an empty record from that point; its own sync point
    /// goes, since its copy changes from now on.
    #[test]
    fn a_complete_copy_starts_an_empty_record_from_its_sync_point() {
        let dir = scratch("epoch");
        state::write_number(&dir, state::SYNCEPOCH, 77).unwrap();
        state::mark_clean(&dir).unwrap();
        let z = Zones::start(&dir, 4096).unwrap();
        assert!(z.lock().usable() && z.lock().is_clean() && z.lock().epoch == 77);
        assert!(!dir.join(state::SYNCEPOCH).exists());
        // Not after a crash, nor with a reintegration left unfinished.
        state::write_number(&dir, state::SYNCEPOCH, 77).unwrap();
        assert!(!Zones::start(&dir, 4096).unwrap().lock().usable());
        state::write_number(&dir, state::SYNCEPOCH, 77).unwrap();
        state::mark_clean(&dir).unwrap();
        std::fs::write(dir.join(crate::secondary::REINTEGRATING), b"").unwrap();
        assert!(!Zones::start(&dir, 4096).unwrap().lock().usable());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
