//! Reintegration: brings a secondary's copy up to date while the application keeps writing.
//!
//! The primary walks its directories and, step by step under the replication lock, sends each
//! directory's exact listing (the secondary removes the rest), its subdirectories and symbolic
//! links, and the files the secondary lacks: every file on a full reintegration, otherwise those
//! whose size, modification time or link count differ (the secondary answers `StatFile`). A file
//! with several names is copied once, under its first name, and its other names are sent as hard
//! links, so links stay links. Live changes flow on the same link between the steps. A live change
//! that cannot apply yet (it reached a file not copied yet) or that moves names around (rename,
//! link) may leave a place the walk already passed out of date, so it asks for one more pass,
//! which copies only what still differs. The secondary is up to date when a pass ends with nothing
//! of the sort.
//!
//! The tree is the application's: any name may become a symbolic link or another file between two
//! steps. Every step resolves its path again beneath the directory without following links
//! (crate::under), checks the kind on the descriptor, and a file whose name now stands for another
//! inode stops being copied (the next pass looks at it again).

use crate::at::{self, FdRef};
use crate::primary::{Repl, Replicator};
use crate::under::Underlying;
use keel_repl::op::Time;
use keel_repl::{EntryKind, Op, RelPath};
use std::collections::HashMap;
use std::os::unix::fs::FileExt;
use std::time::Instant;

/// Bytes read and sent per step: big enough for the link, small enough not to hold the
/// application's writes back for long.
const CHUNK: usize = 1 << 20;

/// The link this reintegration served is gone or was replaced.
struct Aborted;

#[derive(Default)]
struct Stats {
    files: u64,
    bytes: u64,
}

/// A file with several names, as first copied in this pass: its path, and its inode on the
/// secondary (to tell whether another name there is already the same file).
struct Copied {
    path: RelPath,
    secondary_ino: u64,
}

struct Walk<'a> {
    r: &'a Replicator,
    generation: u64,
    full: bool,
    stats: Stats,
    linked: HashMap<(u8, u64, u64), Copied>,
}

pub fn reintegrate(r: &Replicator, generation: u64, full: bool) {
    let started = Instant::now();
    let mut w = Walk {
        r,
        generation,
        full,
        stats: Stats::default(),
        linked: HashMap::new(),
    };
    {
        let Ok(mut l) = w.step() else { return };
        l.send(Op::SyncBegin { full });
    }
    r.events.reintegration(full);
    loop {
        w.linked.clear();
        for d in 0..r.dirs.len() {
            if w.dir(d as u8, &RelPath::root()).is_err() {
                return;
            }
        }
        let Ok(mut l) = w.step() else { return };
        if l.st.resweep {
            l.st.resweep = false;
            w.full = false;
            continue;
        }
        l.st.syncing = false;
        l.send(Op::SyncEnd {
            files: w.stats.files,
            bytes: w.stats.bytes,
        });
        if l.connected() {
            drop(l);
            r.events
                .synced(w.stats.files, w.stats.bytes, started.elapsed().as_millis());
        }
        return;
    }
}

fn mtime(st: &libc::stat) -> Time {
    Time {
        sec: st.st_mtime,
        nsec: st.st_mtime_nsec as u32,
    }
}

fn times(d: u8, path: &RelPath, st: &libc::stat) -> Op {
    Op::SetTimes {
        dir: d,
        path: path.clone(),
        atime: Some(Time {
            sec: st.st_atime,
            nsec: st.st_atime_nsec as u32,
        }),
        mtime: Some(mtime(st)),
    }
}

impl<'a> Walk<'a> {
    /// Takes the replication lock for one step, if the link is still the one being reintegrated.
    fn step(&self) -> Result<Repl<'a>, Aborted> {
        let l = self.r.lock();
        if l.connected() && l.st.generation == self.generation {
            Ok(l)
        } else {
            Err(Aborted)
        }
    }

    fn under(&self, d: u8) -> &'a Underlying {
        &self.r.dirs[d as usize]
    }

    /// Something changed under the walk: the next pass looks again.
    fn resweep(l: &mut Repl<'_>) {
        l.st.resweep = true;
    }

    fn dir(&mut self, d: u8, path: &RelPath) -> Result<(), Aborted> {
        let entries = {
            let mut l = self.step()?;
            let listed = self
                .under(d)
                .open_at(path, libc::O_RDONLY | libc::O_DIRECTORY, 0)
                .and_then(|fd| at::list(fd.as_fd_ref()));
            let Ok(listed) = listed else {
                Self::resweep(&mut l);
                return Ok(());
            };
            let entries: Vec<(Vec<u8>, EntryKind)> = listed.into_iter().map(|e| (e.name, e.kind)).collect();
            l.send(Op::Listing {
                dir: d,
                path: path.clone(),
                entries: entries.clone(),
            });
            entries
        };
        for (name, kind) in entries {
            let Ok(child) = path.join(&name) else { continue };
            match kind {
                EntryKind::Dir => {
                    {
                        let mut l = self.step()?;
                        match self.under(d).stat(&child) {
                            Ok(st) if at::kind(&st) == EntryKind::Dir => l.send(Op::Mkdir {
                                dir: d,
                                path: child.clone(),
                                mode: st.st_mode,
                                uid: st.st_uid,
                                gid: st.st_gid,
                            }),
                            _ => {
                                Self::resweep(&mut l);
                                continue;
                            }
                        };
                    }
                    self.dir(d, &child)?;
                    let mut l = self.step()?;
                    match self.under(d).stat(&child) {
                        Ok(st) if at::kind(&st) == EntryKind::Dir => {
                            l.send(times(d, &child, &st));
                        }
                        _ => Self::resweep(&mut l),
                    }
                }
                EntryKind::Symlink => {
                    let mut l = self.step()?;
                    let link = self.under(d).open_at(&child, libc::O_PATH, 0).and_then(|fd| {
                        let st = at::stat_fd(fd.as_fd_ref())?;
                        Ok((st, at::readlink_fd(fd.as_fd_ref())?))
                    });
                    match link {
                        Ok((st, target)) if at::kind(&st) == EntryKind::Symlink => {
                            l.send(Op::Symlink {
                                dir: d,
                                path: child.clone(),
                                target,
                                uid: st.st_uid,
                                gid: st.st_gid,
                            });
                            l.send(times(d, &child, &st));
                        }
                        _ => Self::resweep(&mut l),
                    }
                }
                EntryKind::File => self.file(d, &child)?,
                EntryKind::Other => {}
            }
        }
        Ok(())
    }

    /// Whether `path` still names the file `key` (device, inode).
    fn names(&self, d: u8, path: &RelPath, key: (u64, u64)) -> bool {
        self.under(d)
            .stat(path)
            .map(|st| (st.st_dev, st.st_ino) == key)
            .unwrap_or(false)
    }

    fn file(&mut self, d: u8, path: &RelPath) -> Result<(), Aborted> {
        let (file, key, several) = {
            let mut l = self.step()?;
            let opened = self
                .under(d)
                .open_at(path, libc::O_RDONLY | libc::O_NONBLOCK, 0)
                .and_then(|fd| Ok((at::stat_fd(fd.as_fd_ref())?, fd)));
            let (st, fd) = match opened {
                Ok((st, fd)) if at::kind(&st) == EntryKind::File => (st, fd),
                _ => {
                    Self::resweep(&mut l);
                    return Ok(());
                }
            };
            let key = (st.st_dev, st.st_ino);
            let several = st.st_nlink > 1;
            if several {
                if let Some(first) = self.linked.get(&(d, key.0, key.1)) {
                    if self.names(d, &first.path, key) {
                        let there = l.send(Op::StatFile {
                            dir: d,
                            path: path.clone(),
                        });
                        if !matches!(there, Some(a) if a.errno == 0 && a.ino == first.secondary_ino) {
                            l.send(Op::Link {
                                dir: d,
                                from: first.path.clone(),
                                to: path.clone(),
                            });
                        }
                        return Ok(());
                    }
                }
            }
            if !self.full {
                if let Some(a) = l.send(Op::StatFile {
                    dir: d,
                    path: path.clone(),
                }) {
                    if a.errno == 0
                        && a.size == st.st_size as u64
                        && a.mtime == mtime(&st)
                        && a.nlink == st.st_nlink
                    {
                        // Same data; a chmod or chown made while the secondary was away changes
                        // no modification time: send those alone.
                        if (a.uid, a.gid) != (st.st_uid, st.st_gid) {
                            l.send(Op::Chown {
                                dir: d,
                                path: path.clone(),
                                uid: Some(st.st_uid),
                                gid: Some(st.st_gid),
                            });
                        }
                        if a.mode != st.st_mode || (a.uid, a.gid) != (st.st_uid, st.st_gid) {
                            l.send(Op::Chmod {
                                dir: d,
                                path: path.clone(),
                                mode: st.st_mode,
                            });
                        }
                        if several {
                            self.remember(d, key, path, a.ino);
                        }
                        return Ok(());
                    }
                }
            }
            l.send(Op::Create {
                dir: d,
                path: path.clone(),
                mode: st.st_mode,
                uid: st.st_uid,
                gid: st.st_gid,
            });
            (at::file(fd), key, several)
        };
        let mut buf = vec![0u8; CHUNK];
        let mut offset = 0u64;
        loop {
            let mut l = self.step()?;
            // The name may meanwhile belong to another file (unlinked and created again, renamed,
            // replaced by a link): stop copying the old one there, and look again next pass.
            if !self.names(d, path, key) {
                Self::resweep(&mut l);
                return Ok(());
            }
            let n = match file.read_at(&mut buf, offset) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            l.send(Op::Write {
                dir: d,
                path: path.clone(),
                offset,
                data: buf[..n].to_vec(),
            });
            offset += n as u64;
            self.stats.bytes += n as u64;
        }
        let mut l = self.step()?;
        if !self.names(d, path, key) {
            Self::resweep(&mut l);
            return Ok(());
        }
        if let Ok(st) = at::stat_fd(std::os::fd::AsFd::as_fd(&file)) {
            l.send(Op::Truncate {
                dir: d,
                path: path.clone(),
                len: st.st_size as u64,
            });
            l.send(times(d, path, &st));
        }
        if several {
            if let Some(a) = l.send(Op::StatFile {
                dir: d,
                path: path.clone(),
            }) {
                if a.errno == 0 {
                    self.remember(d, key, path, a.ino);
                }
            }
        }
        self.stats.files += 1;
        Ok(())
    }

    fn remember(&mut self, d: u8, key: (u64, u64), path: &RelPath, secondary_ino: u64) {
        self.linked.insert(
            (d, key.0, key.1),
            Copied {
                path: path.clone(),
                secondary_ino,
            },
        );
    }
}
