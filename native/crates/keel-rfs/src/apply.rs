//! The secondary side: applies the primary's operations to the real directories.

use crate::under::{self, SetTime, Underlying};
use keel_repl::op::{Ack, Time};
use keel_repl::{EntryKind, Op, RelPath};
use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::sync::Arc;

/// Open files kept between writes: most writes hit the file the previous write hit.
const OPEN_CACHE: usize = 64;

pub struct Applier {
    dirs: Arc<Vec<Underlying>>,
    open: HashMap<(u8, RelPath), File>,
}

/// What applying one operation gave, as the ack reports it.
pub type Applied = io::Result<(u64, Time)>;

impl Applier {
    pub fn new(dirs: Arc<Vec<Underlying>>) -> Applier {
        Applier {
            dirs,
            open: HashMap::new(),
        }
    }

    pub fn apply(&mut self, op: &Op) -> Applied {
        if op.changes_names() {
            self.open.clear();
        }
        let none = Ok((0, Time { sec: 0, nsec: 0 }));
        match op {
            Op::Write {
                dir,
                path,
                offset,
                data,
            } => {
                self.file(*dir, path)?.write_all_at(data, *offset)?;
                none
            }
            Op::Truncate { dir, path, len } => {
                under::truncate(&self.dir(*dir)?.cpath(path), *len)?;
                none
            }
            Op::Create {
                dir,
                path,
                mode,
                uid,
                gid,
            } => {
                let d = self.dir(*dir)?;
                let f = OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .mode(mode & 0o7777)
                    .open(d.path(path))?;
                f.set_permissions(fs::Permissions::from_mode(mode & 0o7777))?;
                under::lchown(&d.cpath(path), Some(*uid), Some(*gid))?;
                none
            }
            Op::Mkdir {
                dir,
                path,
                mode,
                uid,
                gid,
            } => {
                let d = self.dir(*dir)?;
                let p = d.path(path);
                match fs::symlink_metadata(&p) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        fs::remove_file(&p)?;
                        fs::create_dir(&p)?;
                    }
                    Err(_) => fs::create_dir(&p)?,
                }
                under::chmod(&d.cpath(path), *mode)?;
                under::lchown(&d.cpath(path), Some(*uid), Some(*gid))?;
                none
            }
            Op::Symlink {
                dir,
                path,
                target,
                uid,
                gid,
            } => {
                let d = self.dir(*dir)?;
                remove_any(&d.path(path))?;
                std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), d.path(path))?;
                under::lchown(&d.cpath(path), Some(*uid), Some(*gid))?;
                none
            }
            Op::Link { dir, from, to } => {
                let d = self.dir(*dir)?;
                remove_any(&d.path(to))?;
                fs::hard_link(d.path(from), d.path(to))?;
                none
            }
            Op::Unlink { dir, path } => {
                fs::remove_file(self.dir(*dir)?.path(path))?;
                none
            }
            Op::Rmdir { dir, path } => {
                fs::remove_dir(self.dir(*dir)?.path(path))?;
                none
            }
            Op::Rename { dir, from, to, flags } => {
                let d = self.dir(*dir)?;
                under::rename2(&d.cpath(from), &d.cpath(to), *flags)?;
                none
            }
            Op::Chmod { dir, path, mode } => {
                under::chmod(&self.dir(*dir)?.cpath(path), *mode)?;
                none
            }
            Op::Chown { dir, path, uid, gid } => {
                under::lchown(&self.dir(*dir)?.cpath(path), *uid, *gid)?;
                none
            }
            Op::SetTimes {
                dir,
                path,
                atime,
                mtime,
            } => {
                let t = |t: &Option<Time>| t.map_or(SetTime::Omit, |t| SetTime::At(t.sec, t.nsec));
                under::utimens(&self.dir(*dir)?.cpath(path), t(atime), t(mtime))?;
                none
            }
            Op::Fsync { dir, path, datasync } => {
                let f = self.file(*dir, path)?;
                if *datasync {
                    f.sync_data()?
                } else {
                    f.sync_all()?
                }
                none
            }
            Op::Listing { dir, path, entries } => {
                self.prune(*dir, path, entries)?;
                none
            }
            Op::StatFile { dir, path } => {
                let m = fs::symlink_metadata(self.dir(*dir)?.path(path))?;
                Ok((
                    m.size(),
                    Time {
                        sec: m.mtime(),
                        nsec: m.mtime_nsec() as u32,
                    },
                ))
            }
            Op::SyncBegin { .. } | Op::Bye | Op::Ping => none,
            Op::SyncEnd { .. } => {
                for d in self.dirs.iter() {
                    d.syncfs()?;
                }
                none
            }
        }
    }

    /// Removes what the primary's directory does not hold (or holds as another kind of entry).
    fn prune(&self, dir: u8, path: &RelPath, entries: &[(Vec<u8>, EntryKind)]) -> io::Result<()> {
        let d = self.dir(dir)?;
        let keep: HashSet<(&[u8], EntryKind)> = entries.iter().map(|(n, k)| (n.as_slice(), *k)).collect();
        for e in fs::read_dir(d.path(path))? {
            let e = e?;
            let kind = kind_of(&e.file_type()?);
            if !keep.contains(&(e.file_name().as_bytes(), kind)) {
                remove_any(&e.path())?;
            }
        }
        Ok(())
    }

    fn dir(&self, dir: u8) -> io::Result<&Underlying> {
        self.dirs.get(dir as usize).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no replicated directory #{dir}"),
            )
        })
    }

    fn file(&mut self, dir: u8, path: &RelPath) -> io::Result<&File> {
        let key = (dir, path.clone());
        if !self.open.contains_key(&key) {
            if self.open.len() >= OPEN_CACHE {
                self.open.clear();
            }
            let f = OpenOptions::new().write(true).open(self.dir(dir)?.path(path))?;
            self.open.insert(key.clone(), f);
        }
        Ok(&self.open[&key])
    }
}

pub fn kind_of(t: &fs::FileType) -> EntryKind {
    if t.is_dir() {
        EntryKind::Dir
    } else if t.is_file() {
        EntryKind::File
    } else if t.is_symlink() {
        EntryKind::Symlink
    } else {
        EntryKind::Other
    }
}

/// Removes whatever is at `p` (a whole tree for a directory); nothing there is fine.
fn remove_any(p: &std::path::Path) -> io::Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(_) => fs::remove_file(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The ack for an operation's outcome.
pub fn ack(seq: u64, r: &Applied) -> Ack {
    match r {
        Ok((size, mtime)) => Ack {
            seq,
            errno: 0,
            size: *size,
            mtime: *mtime,
        },
        Err(e) => Ack {
            seq,
            errno: e.raw_os_error().unwrap_or(libc::EIO),
            size: 0,
            mtime: Time { sec: 0, nsec: 0 },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    struct Tmp(PathBuf);
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
    fn tmp(name: &str) -> Tmp {
        let p = std::env::temp_dir().join(format!("keel-apply-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
    fn p(s: &str) -> RelPath {
        RelPath::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn applies_a_sequence_of_operations() {
        let t = tmp("seq");
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        let ops = [
            Op::Mkdir {
                dir: 0,
                path: p("d"),
                mode: 0o750,
                uid: 0,
                gid: 0,
            },
            Op::Create {
                dir: 0,
                path: p("d/f"),
                mode: 0o640,
                uid: 0,
                gid: 0,
            },
            Op::Write {
                dir: 0,
                path: p("d/f"),
                offset: 0,
                data: b"hello world".to_vec(),
            },
            Op::Write {
                dir: 0,
                path: p("d/f"),
                offset: 6,
                data: b"keel!".to_vec(),
            },
            Op::Truncate {
                dir: 0,
                path: p("d/f"),
                len: 10,
            },
            Op::Rename {
                dir: 0,
                from: p("d/f"),
                to: p("g"),
                flags: 0,
            },
            Op::Symlink {
                dir: 0,
                path: p("l"),
                target: b"g".to_vec(),
                uid: 0,
                gid: 0,
            },
            Op::SetTimes {
                dir: 0,
                path: p("g"),
                atime: None,
                mtime: Some(Time {
                    sec: 1_000_000,
                    nsec: 5,
                }),
            },
        ];
        for op in &ops {
            a.apply(op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
        }
        assert_eq!(fs::read(t.0.join("g")).unwrap(), b"hello keel");
        assert_eq!(fs::read_link(t.0.join("l")).unwrap(), PathBuf::from("g"));
        assert_eq!(fs::metadata(t.0.join("d")).unwrap().mode() & 0o7777, 0o750);
        let (size, mtime) = a.apply(&Op::StatFile { dir: 0, path: p("g") }).unwrap();
        assert_eq!(
            (size, mtime),
            (
                10,
                Time {
                    sec: 1_000_000,
                    nsec: 5
                }
            )
        );
    }

    #[test]
    fn a_listing_removes_what_the_primary_does_not_have() {
        let t = tmp("listing");
        fs::create_dir_all(t.0.join("gone/deep")).unwrap();
        fs::write(t.0.join("gone/deep/x"), b"x").unwrap();
        fs::write(t.0.join("kept"), b"k").unwrap();
        fs::write(t.0.join("now-a-dir"), b"f").unwrap();
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        let entries = vec![
            (b"kept".to_vec(), EntryKind::File),
            (b"now-a-dir".to_vec(), EntryKind::Dir),
        ];
        a.apply(&Op::Listing {
            dir: 0,
            path: RelPath::root(),
            entries,
        })
        .unwrap();
        let mut names: Vec<_> = fs::read_dir(&t.0)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, vec![std::ffi::OsString::from("kept")]);
    }

    #[test]
    fn failures_carry_the_errno() {
        let t = tmp("errno");
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        let r = a.apply(&Op::Write {
            dir: 0,
            path: p("missing"),
            offset: 0,
            data: vec![1],
        });
        assert_eq!(ack(3, &r).errno, libc::ENOENT);
        let r = a.apply(&Op::Unlink { dir: 7, path: p("x") });
        assert!(r.is_err());
    }
}
