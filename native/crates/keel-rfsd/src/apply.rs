//! The secondary side: applies the primary's operations to the real directories.
//!
//! Every path comes from the network: it is resolved beneath its replicated directory without
//! following any symbolic link (crate::under), the kind of what it names is checked on the
//! descriptor, and the change is made on that descriptor or on a name in its parent's descriptor
//! (crate::at). A symbolic link the primary replicated, or one planted where a directory was, is
//! therefore an entry like any other, never a way out of the directory.

use crate::at::{self, FdRef, SetTime};
use crate::copies::{Copies, FileKey};
use crate::under::Underlying;
use crate::xattr;
use keel_repl::op::{Ack, Time, FALLOCATE_MODES};
use keel_repl::{EntryKind, Op, RelPath};
use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// Open files kept between writes: most writes hit the file the previous write hit.
const OPEN_CACHE: usize = 64;

pub struct Applier {
    dirs: Arc<Vec<Underlying>>,
    open: HashMap<(u8, RelPath), (File, FileKey)>,
    /// Which files a reintegration may compare, and which it must copy (crate::copies).
    copies: Copies,
    /// What changed since the file system was last made durable: the files written to, or None
    /// once anything else (a name, a mode) changed. An fsync makes its file durable when nothing
    /// else changed, else the whole file system (everything before it, as the primary promised).
    dirty: Option<HashSet<(u8, RelPath)>>,
    /// The parts of a listing received so far (sent in several when large).
    listing: Option<(u8, RelPath, Vec<ListedEntry>)>,
    /// Temporary names used so far (for links made aside).
    temporaries: u64,
}

/// One entry of a directory listing the primary sent: its name and kind.
type ListedEntry = (Vec<u8>, EntryKind);

fn key_of(st: &libc::stat) -> FileKey {
    (st.st_dev, st.st_ino)
}

/// Entries of one directory held while its listing arrives in parts: more would be a primary
/// gone wrong, not a directory.
const MAX_LISTING: usize = 10_000_000;

/// What applying one operation gave, as the ack reports it.
pub type Applied = io::Result<Ack>;

fn ok() -> Applied {
    Ok(Ack::ok(0))
}

impl Applier {
    pub fn new(dirs: Arc<Vec<Underlying>>) -> Applier {
        Applier {
            dirs,
            open: HashMap::new(),
            copies: Copies::default(),
            dirty: Some(HashSet::new()),
            listing: None,
            temporaries: 0,
        }
    }

    /// A link to the primary is up: a reintegration begins, and the application's changes that
    /// come before its `SyncBegin` are already part of it.
    pub fn joined(&mut self) {
        self.copies.sync_began();
    }

    pub fn apply(&mut self, op: &Op) -> Applied {
        if op.changes_names() {
            self.open.clear();
        }
        self.note_dirty(op);
        match op {
            Op::Write {
                dir,
                path,
                offset,
                data,
            } => {
                let key = self.file(*dir, path)?;
                self.copies.may_change(key)?;
                let written = self.open[&(*dir, path.clone())].0.write_all_at(data, *offset);
                self.copies.changed(key, written)?;
                ok()
            }
            Op::Truncate { dir, path, len } => {
                let fd = self
                    .dir(*dir)?
                    .open_at(path, libc::O_WRONLY | libc::O_NONBLOCK, 0)?;
                at::expect_file(&fd)?;
                let key = key_of(&at::stat_fd(fd.as_fd_ref())?);
                self.copies.may_change(key)?;
                self.copies.changed(key, at::file(fd).set_len(*len))?;
                ok()
            }
            Op::Create {
                dir,
                path,
                mode,
                uid,
                gid,
            } => {
                let (parent, name) = self.dir(*dir)?.parent(path)?;
                if let Ok(old) = at::stat_at(parent.as_fd_ref(), &name) {
                    if at::kind(&old) == EntryKind::File {
                        self.copies.replacing(key_of(&old), old.st_nlink);
                    }
                }
                // Always a new inode: emptying the old one would also empty every other name
                // linked to it here, which the primary may not link.
                at::remove_at(parent.as_fd_ref(), &name)?;
                let fd = at::open_at(
                    parent.as_fd_ref(),
                    &name,
                    libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
                    mode & 0o7777,
                )?;
                // A new file, whatever an old one of the same number lacked.
                self.copies.made(key_of(&at::stat_fd(fd.as_fd_ref())?));
                // Owner before mode: a chown clears set-id bits the mode may set.
                at::chown_fd(fd.as_fd_ref(), Some(*uid), Some(*gid))?;
                at::chmod_fd(fd.as_fd_ref(), *mode)?;
                ok()
            }
            Op::Mkdir {
                dir,
                path,
                mode,
                uid,
                gid,
            } => {
                let (parent, name) = self.dir(*dir)?.parent(path)?;
                match at::stat_at(parent.as_fd_ref(), &name) {
                    Ok(st) if at::kind(&st) == EntryKind::Dir => {}
                    Ok(_) => {
                        at::remove_at(parent.as_fd_ref(), &name)?;
                        at::mkdir_at(parent.as_fd_ref(), &name, *mode)?;
                    }
                    Err(_) => at::mkdir_at(parent.as_fd_ref(), &name, *mode)?,
                }
                let fd = at::open_at(parent.as_fd_ref(), &name, libc::O_PATH | libc::O_DIRECTORY, 0)?;
                // Owner before mode: a chown clears set-id bits the mode may set.
                at::chown_fd(fd.as_fd_ref(), Some(*uid), Some(*gid))?;
                at::chmod_fd(fd.as_fd_ref(), *mode)?;
                ok()
            }
            Op::Symlink {
                dir,
                path,
                target,
                uid,
                gid,
            } => {
                let (parent, name) = self.dir(*dir)?.parent(path)?;
                at::remove_at(parent.as_fd_ref(), &name)?;
                at::symlink_at(target, parent.as_fd_ref(), &name)?;
                let fd = at::open_at(parent.as_fd_ref(), &name, libc::O_PATH, 0)?;
                at::chown_fd(fd.as_fd_ref(), Some(*uid), Some(*gid))?;
                ok()
            }
            Op::Link { dir, from, to } => {
                let d = self.dir(*dir)?;
                let (fp, fname) = d.parent(from)?;
                let (tp, tname) = d.parent(to)?;
                // Made under a temporary name first: what `to` names stays until the link exists.
                // The name is one nothing has (link(2) refuses a taken one): never removed, since
                // an entry of that name may be the application's.
                let tmp = self.link_aside(&fp, &fname, &tp)?;
                if at::stat_at(tp.as_fd_ref(), &tname).is_ok_and(|st| at::kind(&st) == EntryKind::Dir) {
                    at::remove_at(tp.as_fd_ref(), &tname)?;
                }
                if let Err(e) = at::rename_at(tp.as_fd_ref(), &tmp, tp.as_fd_ref(), &tname, 0) {
                    let _ = at::unlink_at(tp.as_fd_ref(), &tmp, false);
                    return Err(e);
                }
                ok()
            }
            Op::Unlink { dir, path } => {
                let (parent, name) = self.dir(*dir)?.parent(path)?;
                let gone = at::stat_at(parent.as_fd_ref(), &name)
                    .ok()
                    .filter(|st| at::kind(st) == EntryKind::File && st.st_nlink == 1);
                at::unlink_at(parent.as_fd_ref(), &name, false)?;
                if let Some(st) = gone {
                    self.copies.forget(key_of(&st));
                }
                ok()
            }
            Op::Rmdir { dir, path } => {
                let d = self.dir(*dir)?;
                let (parent, name) = d.parent(path)?;
                match at::unlink_at(parent.as_fd_ref(), &name, true) {
                    // Empty on the primary: what is left here is this node's local entries
                    // (crate::notrep), which go with their directory.
                    Err(e) if not_empty(&e) && !d.filter().is_empty() => {
                        at::remove_at(parent.as_fd_ref(), &name)?
                    }
                    r => r?,
                }
                ok()
            }
            Op::Rename { dir, from, to, flags } => {
                let d = self.dir(*dir)?;
                let (fp, fname) = d.parent(from)?;
                let (tp, tname) = d.parent(to)?;
                match at::rename_at(fp.as_fd_ref(), &fname, tp.as_fd_ref(), &tname, *flags) {
                    // A directory renamed over one that is empty on the primary, but holds this
                    // node's local entries here (crate::notrep): they go with it.
                    Err(e)
                        if not_empty(&e) && !d.filter().is_empty() && *flags & libc::RENAME_EXCHANGE == 0 =>
                    {
                        at::remove_at(tp.as_fd_ref(), &tname)?;
                        at::rename_at(fp.as_fd_ref(), &fname, tp.as_fd_ref(), &tname, *flags)?;
                    }
                    r => r?,
                }
                ok()
            }
            Op::Chmod { dir, path, mode } => {
                let fd = self.dir(*dir)?.open_at(path, libc::O_PATH, 0)?;
                at::chmod_fd(fd.as_fd_ref(), *mode)?;
                ok()
            }
            Op::Chown { dir, path, uid, gid } => {
                let fd = self.dir(*dir)?.open_at(path, libc::O_PATH, 0)?;
                at::chown_fd(fd.as_fd_ref(), *uid, *gid)?;
                ok()
            }
            Op::SetTimes {
                dir,
                path,
                atime,
                mtime,
            } => {
                let t = |t: &Option<Time>| t.map_or(SetTime::Omit, |t| SetTime::At(t.sec, t.nsec));
                let fd = self.dir(*dir)?.open_at(path, libc::O_PATH, 0)?;
                let st = at::stat_fd(fd.as_fd_ref())?;
                // Only a regular file's times are part of what the walk compares.
                let file = (at::kind(&st) == EntryKind::File).then(|| key_of(&st));
                if let Some(key) = file {
                    self.copies.may_change(key)?;
                }
                let set = at::utimens_fd(fd.as_fd_ref(), t(atime), t(mtime));
                match file {
                    Some(key) => self.copies.changed(key, set)?,
                    None => set?,
                }
                ok()
            }
            Op::Fsync { dir, path, datasync } => {
                self.fsync(*dir, path, *datasync)?;
                ok()
            }
            Op::Listing {
                dir,
                path,
                entries,
                last,
            } => {
                let mut all = match self.listing.take() {
                    Some((d, p, so_far)) if d == *dir && &p == path => so_far,
                    _ => Vec::new(),
                };
                if all.len() + entries.len() > MAX_LISTING {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "listing too large"));
                }
                all.extend(entries.iter().cloned());
                if *last {
                    self.prune(*dir, path, &all)?;
                } else {
                    self.listing = Some((*dir, path.clone(), all));
                }
                ok()
            }
            Op::Mknod {
                dir,
                path,
                mode,
                uid,
                gid,
            } => {
                let kind = mode & libc::S_IFMT;
                if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
                    // Never a device: docs/decisions/0009-replication.md, "Every file operation".
                    return Err(io::Error::from_raw_os_error(libc::EPERM));
                }
                let (parent, name) = self.dir(*dir)?.parent(path)?;
                match at::stat_at(parent.as_fd_ref(), &name) {
                    Ok(st) if st.st_mode & libc::S_IFMT == kind => {}
                    _ => {
                        at::remove_at(parent.as_fd_ref(), &name)?;
                        at::mknod_at(parent.as_fd_ref(), &name, *mode)?;
                    }
                }
                // O_PATH: a fifo is never opened for reading or writing here (it would block).
                let fd = at::open_at(parent.as_fd_ref(), &name, libc::O_PATH, 0)?;
                if at::stat_fd(fd.as_fd_ref())?.st_mode & libc::S_IFMT != kind {
                    return Err(io::Error::from_raw_os_error(libc::EEXIST));
                }
                at::chown_fd(fd.as_fd_ref(), Some(*uid), Some(*gid))?;
                at::chmod_fd(fd.as_fd_ref(), *mode)?;
                ok()
            }
            Op::Fallocate {
                dir,
                path,
                mode,
                offset,
                len,
            } => {
                if !FALLOCATE_MODES.contains(mode) {
                    return Err(io::Error::from_raw_os_error(libc::EOPNOTSUPP));
                }
                let key = self.file(*dir, path)?;
                self.copies.may_change(key)?;
                let done = at::fallocate(&self.open[&(*dir, path.clone())].0, *mode, *offset, *len);
                self.copies.changed(key, done)?;
                ok()
            }
            Op::SetXattr {
                dir,
                path,
                name,
                value,
            } => {
                let fd = self.attributes_of(*dir, path, name)?;
                xattr::set(fd.as_fd_ref(), name, value, 0)?;
                ok()
            }
            Op::RemoveXattr { dir, path, name } => {
                let fd = self.attributes_of(*dir, path, name)?;
                match xattr::remove(fd.as_fd_ref(), name) {
                    // Already without it: the outcome the primary has.
                    Err(e) if e.raw_os_error() == Some(libc::ENODATA) => ok(),
                    other => other.and_then(|_| ok()),
                }
            }
            Op::Xattrs {
                dir,
                path,
                attrs,
                acls,
            } => {
                let fd = self.dir(*dir)?.open_at(path, libc::O_PATH, 0)?;
                xattr::make_exactly(fd.as_fd_ref(), attrs, *acls)?;
                ok()
            }
            Op::StatFile { dir, path } => {
                // Any kind: the mode's type bits tell the primary what is there.
                let fd = self.dir(*dir)?.open_at(path, libc::O_PATH, 0)?;
                let st = at::stat_fd(fd.as_fd_ref())?;
                let attrs = xattr::replicated(fd.as_fd_ref(), true)?;
                let comparable = at::kind(&st) != EntryKind::File || self.copies.asked(key_of(&st));
                Ok(Ack {
                    // A size no file has: the walk copies it.
                    size: if comparable { st.st_size as u64 } else { u64::MAX },
                    mtime: Time {
                        sec: st.st_mtime,
                        nsec: st.st_mtime_nsec as u32,
                    },
                    nlink: st.st_nlink,
                    ino: st.st_ino,
                    mode: st.st_mode,
                    uid: st.st_uid,
                    gid: st.st_gid,
                    xattrs: keel_repl::xattr::digest(&attrs),
                    ..Ack::ok(0)
                })
            }
            Op::SyncBegin { .. } => {
                self.copies.sync_began();
                ok()
            }
            // Answered by the link's owner (crate::secondary), never applied.
            Op::Bye | Op::Ping | Op::SyncPoint { .. } | Op::VerifyEnd { .. } => ok(),
            // A question: compared, nothing changed (crate::verify_check).
            Op::Verify {
                dir,
                path,
                kind,
                size,
                mode,
                uid,
                gid,
                xattrs,
                offset,
                len,
                digest,
            } => {
                let asked = keel_repl::verify::Entry {
                    kind: *kind,
                    size: *size,
                    mode: *mode,
                    uid: *uid,
                    gid: *gid,
                    xattrs: *xattrs,
                    digest: *digest,
                };
                Ok(crate::verify_check::answer(
                    self.dirs.get(*dir as usize),
                    path,
                    &asked,
                    *offset,
                    *len,
                ))
            }
            Op::SyncEnd { .. } => {
                self.copies.sync_ended();
                self.make_durable()?;
                ok()
            }
        }
    }

    /// The entry whose attribute `name` changes (itself, never what a link points to), refusing a
    /// name outside the replicated namespaces.
    fn attributes_of(&self, dir: u8, path: &RelPath, name: &[u8]) -> io::Result<OwnedFd> {
        if !keel_repl::xattr::replicated(name, true) {
            return Err(io::Error::from_raw_os_error(libc::EOPNOTSUPP));
        }
        self.dir(dir)?.open_at(path, libc::O_PATH, 0)
    }

    /// Links `dir/name` under a fresh temporary name in `to_dir`; returns that name.
    fn link_aside(&mut self, dir: &OwnedFd, name: &CStr, to_dir: &OwnedFd) -> io::Result<CString> {
        loop {
            self.temporaries += 1;
            let tmp =
                at::cname(format!(".keel-link-{}-{}", std::process::id(), self.temporaries).as_bytes())?;
            match at::link_at(dir.as_fd_ref(), name, to_dir.as_fd_ref(), &tmp) {
                Err(e) if e.raw_os_error() == Some(libc::EEXIST) => continue,
                other => return other.map(|_| tmp),
            }
        }
    }

    /// Keeps track of what a later fsync must make durable.
    fn note_dirty(&mut self, op: &Op) {
        match op {
            Op::Write { dir, path, .. }
            | Op::Truncate { dir, path, .. }
            | Op::Fallocate { dir, path, .. } => {
                if let Some(files) = &mut self.dirty {
                    files.insert((*dir, path.clone()));
                }
            }
            Op::Fsync { .. }
            | Op::StatFile { .. }
            | Op::SyncBegin { .. }
            | Op::SyncEnd { .. }
            | Op::Bye
            | Op::Ping
            | Op::SyncPoint { .. }
            | Op::Verify { .. }
            | Op::VerifyEnd { .. } => {}
            _ => self.dirty = None,
        }
    }

    /// The primary's application asked for its file (or directory) to be durable: here it is,
    /// and so is everything applied before it.
    fn fsync(&mut self, dir: u8, path: &RelPath, datasync: bool) -> io::Result<()> {
        let only_this = match &self.dirty {
            Some(files) => files.iter().all(|f| f.0 == dir && &f.1 == path),
            None => false,
        };
        if !only_this {
            return self.make_durable();
        }
        let fd = self
            .dir(dir)?
            .open_at(path, libc::O_RDONLY | libc::O_NONBLOCK, 0)?;
        let f = at::file(fd);
        if datasync {
            f.sync_data()?
        } else {
            f.sync_all()?
        }
        self.dirty = Some(HashSet::new());
        Ok(())
    }

    fn make_durable(&mut self) -> io::Result<()> {
        for d in self.dirs.iter() {
            d.syncfs()?;
        }
        self.dirty = Some(HashSet::new());
        Ok(())
    }

    /// Removes what the primary's directory does not hold (or holds as another kind of entry).
    fn prune(&self, dir: u8, path: &RelPath, entries: &[(Vec<u8>, EntryKind)]) -> io::Result<()> {
        let fd = self
            .dir(dir)?
            .open_at(path, libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        let keep: HashSet<(&[u8], EntryKind)> = entries.iter().map(|(n, k)| (n.as_slice(), *k)).collect();
        let filter = self.dir(dir)?.filter();
        for e in at::list(fd.as_fd_ref())? {
            // This node's own version of what stays local (crate::notrep) is never removed.
            let local = path
                .join(&e.name)
                .is_ok_and(|c| !filter.replicated(&c, e.kind == EntryKind::Dir));
            if !local && !keep.contains(&(e.name.as_slice(), e.kind)) {
                at::remove_at(fd.as_fd_ref(), &at::cname(&e.name)?)?;
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

    /// Opens a file for writing (kept in the cache of open files); its key.
    fn file(&mut self, dir: u8, path: &RelPath) -> io::Result<FileKey> {
        let name = (dir, path.clone());
        if let Some((_, key)) = self.open.get(&name) {
            return Ok(*key);
        }
        if self.open.len() >= OPEN_CACHE {
            self.open.clear();
        }
        let fd = self
            .dir(dir)?
            .open_at(path, libc::O_WRONLY | libc::O_NONBLOCK, 0)?;
        at::expect_file(&fd)?;
        let key = key_of(&at::stat_fd(fd.as_fd_ref())?);
        self.open.insert(name, (at::file(fd), key));
        Ok(key)
    }
}

/// The ack for an operation's outcome.
pub fn ack(seq: u64, r: &Applied) -> Ack {
    match r {
        Ok(a) => Ack { seq, ..a.clone() },
        Err(e) => Ack::failed(seq, e.raw_os_error().unwrap_or(libc::EIO)),
    }
}

fn not_empty(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOTEMPTY) | Some(libc::EEXIST))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::MetadataExt;
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
        let st = a.apply(&Op::StatFile { dir: 0, path: p("g") }).unwrap();
        assert_eq!(
            (st.size, st.mtime),
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
        let entries = [
            (b"kept".to_vec(), EntryKind::File),
            (b"now-a-dir".to_vec(), EntryKind::Dir),
        ];
        a.apply(&Op::Listing {
            dir: 0,
            path: RelPath::root(),
            entries: entries[..1].to_vec(),
            last: false,
        })
        .unwrap();
        // Nothing is removed before the last part.
        assert!(t.0.join("gone").exists());
        a.apply(&Op::Listing {
            dir: 0,
            path: RelPath::root(),
            entries: entries[1..].to_vec(),
            last: true,
        })
        .unwrap();
        let mut names: Vec<_> = fs::read_dir(&t.0)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, vec![std::ffi::OsString::from("kept")]);
    }

    /// A symbolic link in the copy (replicated, or left where a directory was) is never followed:
    /// every operation through it fails or acts on the link itself, and the file and directory it
    /// points to outside are untouched.
    #[test]
    fn no_operation_follows_a_symbolic_link_out_of_the_directory() {
        use std::os::unix::fs::PermissionsExt;
        let t = tmp("nofollow");
        let inside = t.0.join("inside");
        let outside = t.0.join("outside");
        fs::create_dir_all(&inside).unwrap();
        fs::create_dir_all(outside.join("dir")).unwrap();
        fs::write(outside.join("file"), b"precious").unwrap();
        fs::set_permissions(outside.join("file"), fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(outside.join("file"), inside.join("f")).unwrap();
        std::os::unix::fs::symlink(outside.join("dir"), inside.join("d")).unwrap();
        std::os::unix::fs::symlink("../outside/file", inside.join("rel")).unwrap();
        let before = |p: &std::path::Path| {
            let m = fs::symlink_metadata(p).unwrap();
            (m.mode(), m.uid(), m.mtime(), m.size())
        };
        let (file0, dir0) = (before(&outside.join("file")), before(&outside.join("dir")));
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&inside).unwrap()]));
        for target in ["f", "rel"] {
            let ops = [
                Op::Write {
                    dir: 0,
                    path: p(target),
                    offset: 0,
                    data: b"XXXX".to_vec(),
                },
                Op::Truncate {
                    dir: 0,
                    path: p(target),
                    len: 0,
                },
                Op::Fsync {
                    dir: 0,
                    path: p(target),
                    datasync: true,
                },
                Op::Chmod {
                    dir: 0,
                    path: p(target),
                    mode: 0o666,
                },
                Op::StatFile {
                    dir: 0,
                    path: p(target),
                },
            ];
            for op in &ops {
                let _ = a.apply(op);
            }
        }
        let through_dir = [
            Op::Create {
                dir: 0,
                path: p("d/new"),
                mode: 0o644,
                uid: 0,
                gid: 0,
            },
            Op::Mkdir {
                dir: 0,
                path: p("d/sub"),
                mode: 0o755,
                uid: 0,
                gid: 0,
            },
            Op::Symlink {
                dir: 0,
                path: p("d/l"),
                target: b"x".to_vec(),
                uid: 0,
                gid: 0,
            },
            Op::Write {
                dir: 0,
                path: p("d/x"),
                offset: 0,
                data: vec![1],
            },
            Op::Listing {
                dir: 0,
                path: p("d"),
                entries: vec![],
                last: true,
            },
            Op::Rename {
                dir: 0,
                from: p("f"),
                to: p("d/moved"),
                flags: 0,
            },
            Op::Link {
                dir: 0,
                from: p("f"),
                to: p("d/linked"),
            },
            Op::Chown {
                dir: 0,
                path: p("d"),
                uid: Some(4321),
                gid: Some(4321),
            },
        ];
        for op in &through_dir {
            assert!(
                a.apply(op).is_err() || matches!(op, Op::Chown { .. }),
                "{op:?} went through the link"
            );
        }
        assert_eq!(fs::read(outside.join("file")).unwrap(), b"precious");
        assert_eq!(before(&outside.join("file")), file0);
        assert_eq!(before(&outside.join("dir")), dir0);
        assert_eq!(fs::read_dir(outside.join("dir")).unwrap().count(), 0);
        // The chown changed the link itself, nothing it points to.
        assert_eq!(fs::symlink_metadata(inside.join("d")).unwrap().uid(), 4321);
        // A listing removes a link as a link: the tree it pointed to stays.
        a.apply(&Op::Listing {
            dir: 0,
            path: RelPath::root(),
            entries: vec![],
            last: true,
        })
        .unwrap();
        assert_eq!(fs::read_dir(&inside).unwrap().count(), 0);
        assert_eq!(fs::read(outside.join("file")).unwrap(), b"precious");
        assert!(outside.join("dir").is_dir());
    }

    /// The operations of issue 11 through planted links: an attribute lands on the link itself
    /// or nowhere, a fifo is made beside it or not at all, a device never, fallocate refuses it.
    #[test]
    fn attributes_fifos_and_fallocate_never_reach_through_a_link() {
        let t = tmp("new-ops-nofollow");
        let (inside, outside) = (t.0.join("inside"), t.0.join("outside"));
        fs::create_dir_all(&inside).unwrap();
        fs::create_dir_all(outside.join("dir")).unwrap();
        fs::write(outside.join("file"), b"precious").unwrap();
        std::os::unix::fs::symlink(outside.join("file"), inside.join("f")).unwrap();
        std::os::unix::fs::symlink(outside.join("dir"), inside.join("d")).unwrap();
        let ctime = |p: &std::path::Path| {
            let m = fs::symlink_metadata(p).unwrap();
            (m.ctime(), m.ctime_nsec())
        };
        let before = (ctime(&outside.join("file")), ctime(&outside.join("dir")));
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&inside).unwrap()]));
        a.apply(&Op::SetXattr {
            dir: 0,
            path: p("f"),
            name: b"trusted.k".to_vec(),
            value: b"v".to_vec(),
        })
        .unwrap();
        let refused = [
            Op::Xattrs {
                dir: 0,
                path: p("d/x"),
                attrs: vec![],
                acls: false,
            },
            Op::Mknod {
                dir: 0,
                path: p("d/fifo"),
                mode: libc::S_IFIFO | 0o644,
                uid: 0,
                gid: 0,
            },
            Op::Mknod {
                dir: 0,
                path: p("null"),
                mode: libc::S_IFCHR | 0o666,
                uid: 0,
                gid: 0,
            },
            Op::Fallocate {
                dir: 0,
                path: p("f"),
                mode: 0,
                offset: 0,
                len: 4096,
            },
            Op::SetXattr {
                dir: 0,
                path: p("f"),
                name: b"system.posix_acl_default".to_vec(),
                value: vec![],
            },
        ];
        for op in &refused {
            assert!(a.apply(op).is_err(), "{op:?} was applied");
        }
        assert!(!inside.join("null").exists());
        assert_eq!(fs::read_dir(outside.join("dir")).unwrap().count(), 0);
        assert_eq!(fs::read(outside.join("file")).unwrap(), b"precious");
        assert_eq!(
            (ctime(&outside.join("file")), ctime(&outside.join("dir"))),
            before
        );
        assert_eq!(
            xattr::replicated(
                at::open_at(Underlying::open(&inside).unwrap().fd(), c"f", libc::O_PATH, 0)
                    .unwrap()
                    .as_fd_ref(),
                false
            )
            .unwrap(),
            vec![(b"trusted.k".to_vec(), b"v".to_vec())]
        );
    }

    #[test]
    fn a_create_over_a_hard_link_leaves_the_other_name_alone() {
        let t = tmp("create-link");
        fs::write(t.0.join("a"), b"shared").unwrap();
        fs::hard_link(t.0.join("a"), t.0.join("b")).unwrap();
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        a.apply(&Op::Create {
            dir: 0,
            path: p("a"),
            mode: 0o644,
            uid: 0,
            gid: 0,
        })
        .unwrap();
        assert_eq!(fs::read(t.0.join("a")).unwrap(), b"");
        assert_eq!(fs::read(t.0.join("b")).unwrap(), b"shared");
    }

    #[test]
    fn a_copy_still_reached_by_another_name_after_the_walk_replaced_one_is_copied_too() {
        // The review's case: `a` and `c` are one old copy here; the walk finds `a` differs and
        // makes it anew, while a live append reached the old copy through `c` meanwhile.
        let t = tmp("replaced-link");
        fs::write(t.0.join("a"), b"old").unwrap();
        fs::hard_link(t.0.join("a"), t.0.join("c")).unwrap();
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        let size_of = |a: &mut Applier, name: &str| {
            a.apply(&Op::StatFile {
                dir: 0,
                path: p(name),
            })
            .unwrap()
            .size
        };
        a.joined();
        a.apply(&Op::SyncBegin { full: false }).unwrap();
        assert_eq!(size_of(&mut a, "a"), 3);
        a.apply(&Op::Write {
            dir: 0,
            path: p("c"),
            offset: 10,
            data: b"appended".to_vec(),
        })
        .unwrap();
        a.apply(&Op::Create {
            dir: 0,
            path: p("a"),
            mode: 0o644,
            uid: 0,
            gid: 0,
        })
        .unwrap();
        assert_eq!(size_of(&mut a, "c"), u64::MAX, "c must be copied, not compared");
        assert_eq!(size_of(&mut a, "a"), 0);
    }

    #[test]
    fn a_directory_taking_a_number_a_failed_file_had_is_not_refused() {
        let t = tmp("dir-times");
        fs::create_dir(t.0.join("d")).unwrap();
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        let ino = fs::metadata(t.0.join("d")).unwrap().ino();
        let dev = fs::metadata(t.0.join("d")).unwrap().dev();
        a.copies
            .changed((dev, ino), Err::<(), _>(io::Error::other("full")))
            .ok();
        let times = Op::SetTimes {
            dir: 0,
            path: p("d"),
            atime: None,
            mtime: Some(Time { sec: 1, nsec: 0 }),
        };
        a.apply(&times).unwrap();
        let st = a.apply(&Op::StatFile { dir: 0, path: p("d") }).unwrap();
        assert_ne!(st.size, u64::MAX);
    }

    #[test]
    fn a_link_made_aside_leaves_entries_of_its_temporary_names_alone() {
        let t = tmp("link-aside");
        fs::write(t.0.join("a"), b"linked").unwrap();
        fs::write(t.0.join("b"), b"replaced").unwrap();
        let taken: Vec<String> = (1..=3)
            .map(|n| format!(".keel-link-{}-{n}", std::process::id()))
            .collect();
        for name in &taken {
            fs::write(t.0.join(name), b"the application's").unwrap();
        }
        let mut a = Applier::new(Arc::new(vec![Underlying::open(&t.0).unwrap()]));
        a.apply(&Op::Link {
            dir: 0,
            from: p("a"),
            to: p("b"),
        })
        .unwrap();
        assert_eq!(fs::read(t.0.join("b")).unwrap(), b"linked");
        assert_eq!(fs::metadata(t.0.join("a")).unwrap().nlink(), 2);
        for name in &taken {
            assert_eq!(fs::read(t.0.join(name)).unwrap(), b"the application's");
        }
        assert_eq!(fs::read_dir(&t.0).unwrap().count(), 2 + taken.len());
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
