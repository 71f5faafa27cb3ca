//! Reintegration: brings a secondary's copy up to date while the application keeps writing.
//!
//! The primary walks its directories and, step by step under the replication lock, sends each
//! directory's exact listing (the secondary removes the rest), its subdirectories and symbolic
//! links, and the files the secondary lacks: every file on a full reintegration, otherwise those
//! whose size or modification time differ. Live changes flow on the same link between the steps.
//! A live change that cannot apply yet (it reached a file not copied yet) or that moves names
//! around (rename, link) may leave a place the walk already passed out of date, so it asks for
//! one more pass, which copies only what still differs. The secondary is up to date when a pass
//! ends with nothing of the sort.

use crate::apply::kind_of;
use crate::primary::{Repl, Replicator};
use keel_repl::op::Time;
use keel_repl::{EntryKind, Op, RelPath};
use std::fs::{self, File, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt};
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

pub fn reintegrate(r: &Replicator, generation: u64, full: bool) {
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut full = full;
    {
        let Ok(mut l) = step(r, generation) else { return };
        l.send(Op::SyncBegin { full });
    }
    r.events.reintegration(full);
    loop {
        for d in 0..r.dirs.len() {
            if walk(r, generation, d as u8, &RelPath::root(), full, &mut stats).is_err() {
                return;
            }
        }
        let Ok(mut l) = step(r, generation) else { return };
        if l.st.resweep {
            l.st.resweep = false;
            full = false;
            continue;
        }
        l.st.syncing = false;
        l.send(Op::SyncEnd {
            files: stats.files,
            bytes: stats.bytes,
        });
        if l.connected() {
            drop(l);
            r.events
                .synced(stats.files, stats.bytes, started.elapsed().as_millis());
        }
        return;
    }
}

/// Takes the replication lock for one step, if the link is still the one being reintegrated.
fn step(r: &Replicator, generation: u64) -> Result<Repl<'_>, Aborted> {
    let l = r.lock();
    if l.connected() && l.st.generation == generation {
        Ok(l)
    } else {
        Err(Aborted)
    }
}

fn walk(r: &Replicator, g: u64, d: u8, path: &RelPath, full: bool, stats: &mut Stats) -> Result<(), Aborted> {
    let under = &r.dirs[d as usize];
    let entries = {
        let mut l = step(r, g)?;
        let Ok(list) = fs::read_dir(under.path(path)) else {
            return Ok(());
        };
        let entries: Vec<(Vec<u8>, EntryKind)> = list
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name().as_bytes().to_vec(), kind_of(&e.file_type().ok()?))))
            .collect();
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
                    let mut l = step(r, g)?;
                    let Ok(m) = fs::symlink_metadata(under.path(&child)) else {
                        continue;
                    };
                    l.send(Op::Mkdir {
                        dir: d,
                        path: child.clone(),
                        mode: m.mode(),
                        uid: m.uid(),
                        gid: m.gid(),
                    });
                }
                walk(r, g, d, &child, full, stats)?;
                let mut l = step(r, g)?;
                if let Ok(m) = fs::symlink_metadata(under.path(&child)) {
                    l.send(times(d, &child, &m));
                }
            }
            EntryKind::Symlink => {
                let mut l = step(r, g)?;
                let p = under.path(&child);
                let (Ok(m), Ok(target)) = (fs::symlink_metadata(&p), fs::read_link(&p)) else {
                    continue;
                };
                let target = target.as_os_str().as_bytes().to_vec();
                l.send(Op::Symlink {
                    dir: d,
                    path: child.clone(),
                    target,
                    uid: m.uid(),
                    gid: m.gid(),
                });
                l.send(times(d, &child, &m));
            }
            EntryKind::File => copy(r, g, d, &child, full, stats)?,
            EntryKind::Other => {}
        }
    }
    Ok(())
}

fn copy(r: &Replicator, g: u64, d: u8, path: &RelPath, full: bool, stats: &mut Stats) -> Result<(), Aborted> {
    let under = &r.dirs[d as usize];
    let p = under.path(path);
    let (file, ino) = {
        let mut l = step(r, g)?;
        let Ok(m) = fs::symlink_metadata(&p) else {
            return Ok(());
        };
        if !full {
            if let Some(a) = l.send(Op::StatFile {
                dir: d,
                path: path.clone(),
            }) {
                if a.errno == 0 && a.size == m.size() && a.mtime == mtime(&m) {
                    return Ok(());
                }
            }
        }
        let Ok(file) = File::open(&p) else { return Ok(()) };
        l.send(Op::Create {
            dir: d,
            path: path.clone(),
            mode: m.mode(),
            uid: m.uid(),
            gid: m.gid(),
        });
        (file, m.ino())
    };
    let mut buf = vec![0u8; CHUNK];
    let mut offset = 0u64;
    loop {
        let mut l = step(r, g)?;
        // The name may meanwhile belong to another file (unlinked and created again, renamed):
        // stop copying the old one there, and look at the place again in the next pass.
        if !same_file(&p, ino) {
            l.st.resweep = true;
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
        stats.bytes += n as u64;
    }
    let mut l = step(r, g)?;
    if !same_file(&p, ino) {
        l.st.resweep = true;
        return Ok(());
    }
    if let Ok(m) = file.metadata() {
        l.send(Op::Truncate {
            dir: d,
            path: path.clone(),
            len: m.size(),
        });
        l.send(times(d, path, &m));
    }
    stats.files += 1;
    Ok(())
}

fn same_file(p: &std::path::Path, ino: u64) -> bool {
    fs::symlink_metadata(p).map(|m| m.ino() == ino).unwrap_or(false)
}

fn mtime(m: &Metadata) -> Time {
    Time {
        sec: m.mtime(),
        nsec: m.mtime_nsec() as u32,
    }
}

fn times(d: u8, path: &RelPath, m: &Metadata) -> Op {
    Op::SetTimes {
        dir: d,
        path: path.clone(),
        atime: Some(Time {
            sec: m.atime(),
            nsec: m.atime_nsec() as u32,
        }),
        mtime: Some(mtime(m)),
    }
}
