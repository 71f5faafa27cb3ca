//! The FUSE file system mounted over a replicated directory: a passthrough to the real directory
//! underneath. On the primary every change is applied here, then sent to the secondary under the
//! replication lock; the application's call returns once the secondary acknowledged it. On the
//! secondary the mount is read-only: the application's files are only written by replication.
//!
//! Files are reached by identity, never by a name looked up again: each inode holds an `O_PATH`
//! descriptor of its real file (crate::inodes), open files hold their own descriptor, and a new
//! name is made in its parent's descriptor without following a link there (crate::at). A change is
//! sent for the path the file has *now*; a file with no name left is not replicated.

use crate::at::{self, FdRef, SetTime};
use crate::inodes::{Inodes, Key, ROOT};
use crate::pipeline::Answer;
use crate::primary::{Posted, Replicator};
use crate::under::Underlying;
use crate::xattr;
use crate::zones::Pending;
use fuser::{CopyFileRangeFlags, InitFlags, KernelConfig, ReplyLseek, ReplyXattr};
use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, OpenFlags,
    RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty, ReplyEntry, ReplyOpen,
    ReplyStatfs, ReplyWrite, Request, TimeOrNow, WriteFlags,
};
use keel_repl::op::Time;
use keel_repl::{EntryKind, Op, RelPath};
use std::collections::HashMap;
use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type Handle = Arc<OwnedFd>;

pub struct PassFs {
    dir: u8,
    under: Arc<Vec<Underlying>>,
    /// None on the secondary: the mount is read-only.
    repl: Option<Arc<Replicator>>,
    inodes: Mutex<Inodes<Handle>>,
    /// Held for reading by a lookup from opening a name to taking it into the table, and for
    /// writing by a change that removes or moves names: a lookup cannot enter a name for a file
    /// that a concurrent unlink or rename just took it from.
    names: RwLock<()>,
    files: Mutex<HashMap<u64, Arc<File>>>,
    dirs: Mutex<HashMap<u64, Vec<DirEntry>>>,
    next_fh: AtomicU64,
    ttl: Duration,
}

type Res<T> = Result<T, Errno>;

/// Whether a change removes or moves names (see [`PassFs::change_as`]).
#[derive(PartialEq, Eq, Clone, Copy)]
enum Names {
    Kept,
    Moved,
}

/// An entry of an open directory: FUSE inode, type, name.
type DirEntry = (u64, FileType, Vec<u8>);

fn errno(e: io::Error) -> Errno {
    Errno::from(e)
}

fn key(st: &libc::stat) -> Key {
    (st.st_dev, st.st_ino)
}

impl PassFs {
    pub fn new(dir: u8, under: Arc<Vec<Underlying>>, repl: Option<Arc<Replicator>>) -> io::Result<PassFs> {
        let root = under[dir as usize].open_at(&RelPath::root(), libc::O_PATH | libc::O_DIRECTORY, 0)?;
        let root_key = key(&at::stat_fd(root.as_fd_ref())?);
        // On the secondary the files change underneath the kernel's caches: do not cache.
        let ttl = if repl.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::ZERO
        };
        Ok(PassFs {
            dir,
            under,
            repl,
            inodes: Mutex::new(Inodes::new(Arc::new(root), root_key)),
            names: RwLock::new(()),
            files: Mutex::new(HashMap::new()),
            dirs: Mutex::new(HashMap::new()),
            next_fh: AtomicU64::new(1),
            ttl,
        })
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Inodes<Handle>> {
        self.inodes.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn handle(&self, ino: INodeNo) -> Res<Handle> {
        self.table().handle(ino.0).ok_or(Errno::ESTALE)
    }

    fn attr(&self, ino: u64, st: &libc::stat) -> FileAttr {
        FileAttr {
            ino: INodeNo(ino),
            size: st.st_size as u64,
            blocks: st.st_blocks as u64,
            atime: time(st.st_atime, st.st_atime_nsec),
            mtime: time(st.st_mtime, st.st_mtime_nsec),
            ctime: time(st.st_ctime, st.st_ctime_nsec),
            crtime: UNIX_EPOCH,
            kind: file_type(st.st_mode),
            perm: (st.st_mode & 0o7777) as u16,
            nlink: st.st_nlink as u32,
            uid: st.st_uid,
            gid: st.st_gid,
            rdev: st.st_rdev as u32,
            blksize: st.st_blksize as u32,
            flags: 0,
        }
    }

    /// Takes `parent/name` into the table as the file `fd` stands for: one more kernel reference.
    fn enter(&self, parent: INodeNo, name: &[u8], fd: OwnedFd) -> io::Result<FileAttr> {
        let st = at::stat_fd(fd.as_fd_ref())?;
        let ino = self.table().found(parent.0, name, key(&st), Arc::new(fd));
        Ok(self.attr(ino, &st))
    }

    /// Runs a change: refused on a read-only (secondary) mount; on the primary, the local change
    /// and the sending of the operations it yields happen under the replication lock, and their
    /// acknowledgments are waited for without it (crate::pipeline). `local` records each
    /// operation as soon as its effect happened here, and what it recorded is sent even when a
    /// later step fails: the secondary gets every effect the primary's disk got.
    ///
    /// Under the lease arbiter, a change is refused once the write deadline has passed: checked
    /// once the lock is held (a change may have waited for it, or for a hold), before anything
    /// happens here, and again before the change is reported done, so that no change is
    /// acknowledged after the deadline, when another node may be primary (docs/decisions/0019).
    fn change<T>(&self, local: impl FnOnce(&mut Vec<Op>) -> io::Result<T>) -> Res<T> {
        self.change_as(Names::Kept, local, || Ok(()))
    }

    /// [`PassFs::change`] for a change that removes or moves names (unlink, rmdir, rename).
    fn change_moving<T>(&self, local: impl FnOnce(&mut Vec<Op>) -> io::Result<T>) -> Res<T> {
        self.change_as(Names::Moved, local, || Ok(()))
    }

    /// An application's fsync of `ino`: the secondary's is sent first, and this node's runs
    /// without the replication lock while the secondary does its own; the call returns once both
    /// are done. (An fsync changes nothing to send in order: it only makes durable what came
    /// before it, on each side.)
    fn sync(&self, ino: INodeNo, datasync: bool, local: impl FnOnce() -> io::Result<()>) -> Res<()> {
        if self.repl.is_none() {
            return Ok(());
        }
        self.change_as(
            Names::Kept,
            |ops| {
                ops.push(self.fsync_op(ino.0, datasync));
                Ok(())
            },
            local,
        )
    }

    /// [`PassFs::change`], saying whether the change removes or moves names, and with `after`, run
    /// once the operations are sent and the lock released, before their acknowledgments are
    /// waited for (its failure is the call's).
    fn change_as<T>(
        &self,
        names: Names,
        local: impl FnOnce(&mut Vec<Op>) -> io::Result<T>,
        after: impl FnOnce() -> io::Result<()>,
    ) -> Res<T> {
        let Some(repl) = &self.repl else {
            return Err(Errno::EROFS);
        };
        let mut l = repl.lock_for_change();
        if names == Names::Moved {
            l.drain();
        }
        if l.closed() || !repl.may_write() {
            return Err(Errno::EROFS);
        }
        let mut ops = Vec::new();
        let out = {
            // Lookups do not take a name this change removes or moves (see `lookup`).
            let _names =
                (names == Names::Moved).then(|| self.names.write().unwrap_or_else(|p| p.into_inner()));
            local(&mut ops)
        };
        // Operations on entries that stay local (crate::notrep) are done here and never sent.
        let posted: Vec<Posted> = ops
            .into_iter()
            .filter(|op| self.replicates(op))
            .map(|op| {
                let pending = Pending::of(&op);
                l.post(op, pending)
            })
            .collect();
        drop(l);
        let after = after();
        let mut lost = false;
        for p in posted {
            lost |= matches!(repl.wait(p), Some(Answer::Lost));
        }
        if lost {
            // The link broke under this very change: the secondary never acknowledged it, so it
            // waits like the changes after it (a secondary that joins again gets it by the walk).
            drop(repl.lock_for_change());
        }
        let out = out.map_err(errno)?;
        after.map_err(errno)?;
        if !repl.may_write() {
            // Done here (and sent), but too late to be reported done: the caller must take it as
            // not done.
            return Err(Errno::EROFS);
        }
        Ok(out)
    }

    /// The path `parent/name` will have on the secondary: None when the parent is a directory no
    /// name reaches (nothing there is replicated); ENAMETOOLONG when it would be longer than a
    /// path can be there, so the name is refused rather than made and left unreplicated.
    fn new_path(&self, parent: INodeNo, name: &OsStr) -> io::Result<Option<RelPath>> {
        let Some(dir) = self.table().path(parent.0) else {
            return Ok(None);
        };
        dir.join(name.as_bytes())
            .map(Some)
            .map_err(|_| io::Error::from_raw_os_error(libc::ENAMETOOLONG))
    }

    /// The group a new entry gets: the caller's, or, in a set-group-ID directory, the directory's
    /// (which the kernel already gave it).
    fn new_group(&self, pfd: &OwnedFd, gid: u32) -> Option<u32> {
        match at::stat_fd(pfd.as_fd_ref()) {
            Ok(st) if st.st_mode & libc::S_ISGID != 0 => None,
            _ => Some(gid),
        }
    }

    /// Where the secondary has the file of inode `ino`: its path through a known name; for a file
    /// whose known names are gone but which still has links (a hard link the kernel never looked
    /// up), a name found by searching the directory; None for a file no name reaches.
    fn replicated_path(&self, ino: u64) -> Option<RelPath> {
        let (path, handle, k) = {
            let t = self.table();
            (t.path(ino), t.handle(ino)?, t.key(ino)?)
        };
        if path.is_some() {
            return path;
        }
        let st = at::stat_fd(handle.as_fd_ref()).ok()?;
        if st.st_nlink == 0 {
            return None;
        }
        self.search(&RelPath::root(), k, 0)
    }

    /// Depth-first search for a name of the file `k`, without following links.
    fn search(&self, dir: &RelPath, k: Key, depth: usize) -> Option<RelPath> {
        if depth > 256 {
            return None;
        }
        let fd = self
            .u()
            .open_at(dir, libc::O_RDONLY | libc::O_DIRECTORY, 0)
            .ok()?;
        let entries = at::list(fd.as_fd_ref()).ok()?;
        for e in &entries {
            let Ok(child) = dir.join(&e.name) else { continue };
            match e.kind {
                EntryKind::File if e.ino == k.1 => {
                    let name = at::cname(&e.name).ok()?;
                    if at::stat_at(fd.as_fd_ref(), &name).map(|st| key(&st)).ok() == Some(k) {
                        return Some(child);
                    }
                }
                EntryKind::Dir => {
                    if let Some(p) = self.search(&child, k, depth + 1) {
                        return Some(p);
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn u(&self) -> &Underlying {
        &self.under[self.dir as usize]
    }

    /// Whether `op` concerns a replicated entry (crate::notrep).
    fn replicates(&self, op: &Op) -> bool {
        let u = self.u();
        u.filter()
            .sends(op, |p| u.stat(p).is_ok_and(|st| at::kind(&st) == EntryKind::Dir))
    }

    /// A rename or link may not move an entry, or anything beneath it, between a replicated name
    /// and one that stays local: EXDEV, as across file systems (`mv` then copies and unlinks).
    fn same_side(&self, from: &RelPath, to: &RelPath, dir: bool) -> io::Result<()> {
        let u = self.u();
        match u
            .filter()
            .same_side(from, to, dir, || crate::notrep::beneath(u, from))?
        {
            true => Ok(()),
            false => Err(crate::notrep::exdev()),
        }
    }

    fn op_for(&self, path: Option<RelPath>, make: impl FnOnce(u8, RelPath) -> Op) -> Vec<Op> {
        path.map(|p| make(self.dir, p)).into_iter().collect()
    }

    fn add_file(&self, f: File) -> FileHandle {
        let fh = self.next_fh.fetch_add(1, Ordering::Relaxed);
        self.files.lock().unwrap().insert(fh, Arc::new(f));
        FileHandle(fh)
    }

    fn file(&self, fh: FileHandle) -> Res<Arc<File>> {
        self.files.lock().unwrap().get(&fh.0).cloned().ok_or(Errno::EBADF)
    }

    /// The times of a file as they resulted here: "now" would differ on the secondary.
    fn times_op(&self, fd: &OwnedFd, path: RelPath) -> io::Result<Op> {
        let st = at::stat_fd(fd.as_fd_ref())?;
        Ok(Op::SetTimes {
            dir: self.dir,
            path,
            atime: Some(Time {
                sec: st.st_atime,
                nsec: st.st_atime_nsec as u32,
            }),
            mtime: Some(Time {
                sec: st.st_mtime,
                nsec: st.st_mtime_nsec as u32,
            }),
        })
    }

    /// A name made in a parent directory (mkdir, symlink): the local change, the owner, the op,
    /// and the new entry in the table.
    fn make(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        make: impl FnOnce(&OwnedFd, &CString) -> io::Result<OwnedFd>,
        op: impl FnOnce(u8, RelPath, &libc::stat) -> Op,
    ) -> Res<FileAttr> {
        let uid = req.uid();
        let pfd = self.handle(parent)?;
        let gid = self.new_group(&pfd, req.gid());
        let cname = at::cname(name.as_bytes()).map_err(errno)?;
        self.change(|ops| {
            let path = self.new_path(parent, name)?;
            let fd = make(&pfd, &cname)?;
            let owned =
                at::chown_fd(fd.as_fd_ref(), Some(uid), gid).and_then(|_| at::stat_fd(fd.as_fd_ref()));
            let st = match owned {
                Ok(st) => st,
                Err(e) => {
                    // Not left behind half made (and unreplicated).
                    let _ = at::remove_at(pfd.as_fd_ref(), &cname);
                    return Err(e);
                }
            };
            ops.extend(self.op_for(path, |d, p| op(d, p, &st)));
            self.enter(parent, name.as_bytes(), fd)
        })
    }
}

fn time(sec: i64, nsec: i64) -> SystemTime {
    if sec >= 0 {
        UNIX_EPOCH + Duration::new(sec as u64, nsec as u32)
    } else {
        UNIX_EPOCH - Duration::new(sec.unsigned_abs(), 0) + Duration::from_nanos(nsec as u64)
    }
}

fn set_time(t: Option<TimeOrNow>) -> SetTime {
    match t {
        None => SetTime::Omit,
        Some(TimeOrNow::Now) => SetTime::Now,
        Some(TimeOrNow::SpecificTime(t)) => match t.duration_since(UNIX_EPOCH) {
            Ok(d) => SetTime::At(d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                match d.subsec_nanos() {
                    0 => SetTime::At(-(d.as_secs() as i64), 0),
                    n => SetTime::At(-(d.as_secs() as i64) - 1, 1_000_000_000 - n),
                }
            }
        },
    }
}

fn file_type(mode: u32) -> FileType {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => FileType::Directory,
        libc::S_IFLNK => FileType::Symlink,
        libc::S_IFIFO => FileType::NamedPipe,
        libc::S_IFSOCK => FileType::Socket,
        libc::S_IFBLK => FileType::BlockDevice,
        libc::S_IFCHR => FileType::CharDevice,
        _ => FileType::RegularFile,
    }
}

fn entry_type(k: EntryKind) -> FileType {
    match k {
        EntryKind::Dir => FileType::Directory,
        EntryKind::Symlink => FileType::Symlink,
        EntryKind::File => FileType::RegularFile,
        // readdir's type is a hint; the kernel asks getattr for the truth.
        EntryKind::Other => FileType::RegularFile,
    }
}

/// Flags to open the real file with. The kernel gives the offset of every write (it resolves
/// O_APPEND itself, and it is the only writer): opening the real file in append mode would make
/// pwrite ignore that offset. O_TRUNC is done (and replicated) by hand; the file is reopened
/// through its descriptor's /proc entry, which O_NOFOLLOW would refuse.
fn open_flags(flags: i32) -> i32 {
    flags
        & !(libc::O_APPEND
            | libc::O_CREAT
            | libc::O_EXCL
            | libc::O_TRUNC
            | libc::O_NOFOLLOW
            | libc::O_NOCTTY
            | libc::O_CLOEXEC)
}

const GEN: Generation = Generation(0);

/// The largest write one request brings (see `init`).
const MAX_WRITE: u32 = 1 << 20;

impl Filesystem for PassFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let r = self.handle(parent).and_then(|pfd| {
            let cname = at::cname(name.as_bytes()).map_err(errno)?;
            let _names = self.names.read().unwrap_or_else(|p| p.into_inner());
            let fd = at::open_at(pfd.as_fd_ref(), &cname, libc::O_PATH, 0).map_err(errno)?;
            self.enter(parent, name.as_bytes(), fd).map_err(errno)
        });
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn forget(&self, _req: &Request, ino: INodeNo, nlookup: u64) {
        self.table().forget(ino.0, nlookup);
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        let st = match fh.and_then(|fh| self.file(fh).ok()) {
            Some(f) => at::stat_fd(std::os::fd::AsFd::as_fd(&*f)),
            None => match self.handle(ino) {
                Ok(h) => at::stat_fd(h.as_fd_ref()),
                Err(e) => return reply.error(e),
            },
        };
        match st {
            Ok(st) => reply.attr(&self.ttl, &self.attr(ino.0, &st)),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let r = self.handle(ino).and_then(|h| {
            let open = fh.and_then(|fh| self.file(fh).ok());
            self.change(|ops| {
                let path = self.replicated_path(ino.0);
                // Owner before mode: a chown clears set-id bits the mode may set.
                if uid.is_some() || gid.is_some() {
                    at::chown_fd(h.as_fd_ref(), uid, gid)?;
                    ops.extend(self.op_for(path.clone(), |dir, path| Op::Chown { dir, path, uid, gid }));
                }
                if let Some(mode) = mode {
                    at::chmod_fd(h.as_fd_ref(), mode)?;
                    ops.extend(self.op_for(path.clone(), |dir, path| Op::Chmod { dir, path, mode }));
                }
                if let Some(len) = size {
                    match &open {
                        Some(f) => f.set_len(len)?,
                        None => at::file(at::reopen(h.as_fd_ref(), libc::O_WRONLY)?).set_len(len)?,
                    }
                    ops.extend(self.op_for(path.clone(), |dir, path| Op::Truncate { dir, path, len }));
                }
                if atime.is_some() || mtime.is_some() {
                    at::utimens_fd(h.as_fd_ref(), set_time(atime), set_time(mtime))?;
                    if let Some(p) = path.clone() {
                        ops.push(self.times_op(&h, p)?);
                    }
                }
                let st = at::stat_fd(h.as_fd_ref())?;
                Ok(self.attr(ino.0, &st))
            })
        });
        match r {
            Ok(a) => reply.attr(&self.ttl, &a),
            Err(e) => reply.error(e),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        match self
            .handle(ino)
            .and_then(|h| at::readlink_fd(h.as_fd_ref()).map_err(errno))
        {
            Ok(t) => reply.data(&t),
            Err(e) => reply.error(e),
        }
    }

    fn mkdir(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, reply: ReplyEntry) {
        let r = self.make(
            req,
            parent,
            name,
            |pfd, cname| {
                at::mkdir_at(pfd.as_fd_ref(), cname, mode & !umask)?;
                at::open_at(pfd.as_fd_ref(), cname, libc::O_PATH | libc::O_DIRECTORY, 0)
            },
            |dir, path, st| Op::Mkdir {
                dir,
                path,
                mode: st.st_mode,
                uid: st.st_uid,
                gid: st.st_gid,
            },
        );
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn symlink(&self, req: &Request, parent: INodeNo, link_name: &OsStr, target: &Path, reply: ReplyEntry) {
        let target = target.as_os_str().as_bytes().to_vec();
        let r = self.make(
            req,
            parent,
            link_name,
            |pfd, cname| {
                at::symlink_at(&target, pfd.as_fd_ref(), cname)?;
                at::open_at(pfd.as_fd_ref(), cname, libc::O_PATH, 0)
            },
            |dir, path, st| Op::Symlink {
                dir,
                path,
                target: target.clone(),
                uid: st.st_uid,
                gid: st.st_gid,
            },
        );
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        ok_or(reply, self.remove(parent, name, false));
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        ok_or(reply, self.remove(parent, name, true));
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let r = (|| {
            let (pfd, npfd) = (self.handle(parent)?, self.handle(newparent)?);
            let from = at::cname(name.as_bytes()).map_err(errno)?;
            let to = at::cname(newname.as_bytes()).map_err(errno)?;
            self.change_moving(|ops| {
                let paths = (self.new_path(parent, name)?, self.new_path(newparent, newname)?);
                if let (Some(f), Some(t)) = &paths {
                    let is_dir = |fd: &OwnedFd, n: &CString| {
                        at::stat_at(fd.as_fd_ref(), n).is_ok_and(|st| at::kind(&st) == EntryKind::Dir)
                    };
                    self.same_side(f, t, is_dir(&pfd, &from))?;
                    if flags.contains(RenameFlags::RENAME_EXCHANGE) {
                        self.same_side(t, f, is_dir(&npfd, &to))?;
                    }
                }
                at::rename_at(pfd.as_fd_ref(), &from, npfd.as_fd_ref(), &to, flags.bits())?;
                let mut t = self.table();
                t.renamed(
                    (parent.0, name.as_bytes()),
                    (newparent.0, newname.as_bytes()),
                    flags.contains(RenameFlags::RENAME_EXCHANGE),
                );
                drop(t);
                // A parent without a path is a directory no name reaches: nothing there is on the
                // secondary.
                if let (Some(from), Some(to)) = paths {
                    ops.push(Op::Rename {
                        dir: self.dir,
                        from,
                        to,
                        flags: flags.bits(),
                    });
                }
                Ok(())
            })
        })();
        ok_or(reply, r);
    }

    fn link(&self, _req: &Request, ino: INodeNo, newparent: INodeNo, newname: &OsStr, reply: ReplyEntry) {
        let r = (|| {
            let (h, npfd) = (self.handle(ino)?, self.handle(newparent)?);
            let to = at::cname(newname.as_bytes()).map_err(errno)?;
            self.change(|ops| {
                let to_path = self.new_path(newparent, newname)?;
                let from = self.replicated_path(ino.0);
                if let (Some(f), Some(t)) = (&from, &to_path) {
                    self.same_side(f, t, false)?;
                }
                at::link_fd(h.as_fd_ref(), npfd.as_fd_ref(), &to)?;
                let fd = match at::open_at(npfd.as_fd_ref(), &to, libc::O_PATH, 0) {
                    Ok(fd) => fd,
                    Err(e) => {
                        let _ = at::unlink_at(npfd.as_fd_ref(), &to, false);
                        return Err(e);
                    }
                };
                if let (Some(from), Some(to)) = (from, to_path) {
                    ops.push(Op::Link {
                        dir: self.dir,
                        from,
                        to,
                    });
                }
                self.enter(newparent, newname.as_bytes(), fd)
            })
        })();
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        let f = flags.0;
        let writes = f & libc::O_ACCMODE != libc::O_RDONLY || f & libc::O_TRUNC != 0;
        let r = self.handle(ino).and_then(|h| {
            let open = || at::reopen(h.as_fd_ref(), open_flags(f)).map(at::file);
            if !writes {
                return open().map_err(errno);
            }
            self.change(|ops| {
                let file = open()?;
                if f & libc::O_TRUNC != 0 {
                    file.set_len(0)?;
                    ops.extend(
                        self.op_for(self.replicated_path(ino.0), |dir, path| Op::Truncate {
                            dir,
                            path,
                            len: 0,
                        }),
                    );
                }
                Ok(file)
            })
        });
        match r {
            Ok(file) => reply.opened(self.add_file(file), FopenFlags::empty()),
            Err(e) => reply.error(e),
        }
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<fuser::LockOwner>,
        reply: ReplyData,
    ) {
        let r = self.file(fh).and_then(|f| {
            let mut buf = vec![0u8; size as usize];
            let mut got = 0;
            // A short read means end of file to the kernel: keep reading until full or EOF.
            while got < buf.len() {
                match f.read_at(&mut buf[got..], offset + got as u64) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(errno(e)),
                }
            }
            buf.truncate(got);
            Ok(buf)
        });
        match r {
            Ok(b) => reply.data(&b),
            Err(e) => reply.error(e),
        }
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<fuser::LockOwner>,
        reply: ReplyWrite,
    ) {
        let r = self.file(fh).and_then(|f| {
            self.change(|ops| {
                // One pwrite: what it wrote, and only that, is replicated and reported (a full
                // disk may take part of it).
                let n = loop {
                    match f.write_at(data, offset) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                ops.extend(self.op_for(self.replicated_path(ino.0), |dir, path| Op::Write {
                    dir,
                    path,
                    offset,
                    data: data[..n].to_vec(),
                }));
                Ok(n)
            })
        });
        match r {
            Ok(n) => reply.written(n as u32),
            Err(e) => reply.error(e),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: fuser::LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<fuser::LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.files.lock().unwrap().remove(&fh.0);
        reply.ok();
    }

    fn fsync(&self, _req: &Request, ino: INodeNo, fh: FileHandle, datasync: bool, reply: ReplyEmpty) {
        let r = self.file(fh).and_then(|f| {
            self.sync(
                ino,
                datasync,
                || if datasync { f.sync_data() } else { f.sync_all() },
            )
        });
        ok_or(reply, r)
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        let r = self.handle(ino).and_then(|h| {
            let fd = at::reopen(h.as_fd_ref(), libc::O_RDONLY | libc::O_DIRECTORY).map_err(errno)?;
            let listed = at::list(fd.as_fd_ref()).map_err(errno)?;
            let mut entries = vec![
                (ino.0, FileType::Directory, b".".to_vec()),
                (ROOT, FileType::Directory, b"..".to_vec()),
            ];
            let dev = at::stat_fd(fd.as_fd_ref()).map_err(errno)?.st_dev;
            let t = self.table();
            for e in listed {
                entries.push((t.number_of((dev, e.ino)), entry_type(e.kind), e.name));
            }
            Ok(entries)
        });
        match r {
            Ok(entries) => {
                let fh = self.next_fh.fetch_add(1, Ordering::Relaxed);
                self.dirs.lock().unwrap().insert(fh, entries);
                reply.opened(FileHandle(fh), FopenFlags::empty())
            }
            Err(e) => reply.error(e),
        }
    }

    fn readdir(&self, _req: &Request, _ino: INodeNo, fh: FileHandle, offset: u64, mut reply: ReplyDirectory) {
        let dirs = self.dirs.lock().unwrap();
        let Some(entries) = dirs.get(&fh.0) else {
            return reply.error(Errno::EBADF);
        };
        for (i, (ino, kind, name)) in entries.iter().enumerate().skip(offset as usize) {
            if reply.add(INodeNo(*ino), (i + 1) as u64, *kind, OsStr::from_bytes(name)) {
                break;
            }
        }
        reply.ok();
    }

    fn releasedir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        reply: ReplyEmpty,
    ) {
        self.dirs.lock().unwrap().remove(&fh.0);
        reply.ok();
    }

    fn fsyncdir(&self, _req: &Request, ino: INodeNo, _fh: FileHandle, datasync: bool, reply: ReplyEmpty) {
        let r = self.handle(ino).and_then(|h| {
            self.sync(ino, datasync, || {
                at::file(at::reopen(h.as_fd_ref(), libc::O_RDONLY | libc::O_DIRECTORY)?).sync_all()
            })
        });
        ok_or(reply, r)
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstatvfs(self.u().fd().as_raw_fd(), &mut s) } < 0 {
            return reply.error(errno(io::Error::last_os_error()));
        }
        reply.statfs(
            s.f_blocks,
            s.f_bfree,
            s.f_bavail,
            s.f_files,
            s.f_ffree,
            s.f_bsize as u32,
            s.f_namemax as u32,
            s.f_frsize as u32,
        );
    }

    fn access(&self, _req: &Request, _ino: INodeNo, _mask: fuser::AccessFlags, reply: ReplyEmpty) {
        // Mounted with default_permissions: the kernel already checked the mode bits.
        reply.ok();
    }

    fn create(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let uid = req.uid();
        let r = (|| {
            let pfd = self.handle(parent)?;
            let gid = self.new_group(&pfd, req.gid());
            let cname = at::cname(name.as_bytes()).map_err(errno)?;
            self.change(|ops| {
                let path = self.new_path(parent, name)?;
                let existed = at::stat_at(pfd.as_fd_ref(), &cname).is_ok();
                let mut o = open_flags(flags) | libc::O_CREAT;
                if flags & libc::O_EXCL != 0 {
                    o |= libc::O_EXCL;
                }
                let file = at::file(at::open_at(pfd.as_fd_ref(), &cname, o, mode & !umask & 0o7777)?);
                let made = (|| {
                    let handle = at::reopen(std::os::fd::AsFd::as_fd(&file), libc::O_PATH)?;
                    if !existed {
                        at::chown_fd(handle.as_fd_ref(), Some(uid), gid)?;
                    }
                    Ok::<_, io::Error>((at::stat_fd(handle.as_fd_ref())?, handle))
                })();
                let (st, handle) = match made {
                    Ok(made) => made,
                    Err(e) => {
                        if !existed {
                            // Not left behind half made (and unreplicated).
                            let _ = at::unlink_at(pfd.as_fd_ref(), &cname, false);
                        }
                        return Err(e);
                    }
                };
                if !existed {
                    ops.extend(self.op_for(path.clone(), |dir, path| Op::Create {
                        dir,
                        path,
                        mode: st.st_mode,
                        uid: st.st_uid,
                        gid: st.st_gid,
                    }));
                } else if flags & libc::O_TRUNC != 0 {
                    file.set_len(0)?;
                    ops.extend(self.op_for(path, |dir, path| Op::Truncate { dir, path, len: 0 }));
                }
                Ok((self.enter(parent, name.as_bytes(), handle)?, file))
            })
        })();
        match r {
            Ok((attr, file)) => {
                reply.created(&self.ttl, &attr, GEN, self.add_file(file), FopenFlags::empty())
            }
            Err(e) => reply.error(e),
        }
    }
    // The operations below are docs/decisions/0009-replication.md, "Every file operation".

    fn init(&mut self, _req: &Request, config: &mut KernelConfig) -> io::Result<()> {
        // A write is one frame on the link: at most 1 MiB (keel_repl::MAX_FRAME leaves room),
        // whatever larger size a kernel would allow.
        let _ = config.set_max_write(MAX_WRITE);
        // <rfs acl="on">: the kernel enforces POSIX ACLs on the mount (with default_permissions
        // alone it checks the mode bits only) and reads them through getxattr.
        if xattr::acls() {
            config.add_capabilities(InitFlags::FUSE_POSIX_ACL).map_err(|_| {
                io::Error::other("the kernel's FUSE lacks POSIX ACLs, which <rfs acl=\"on\"> needs")
            })?;
        }
        Ok(())
    }

    fn getxattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, size: u32, reply: ReplyXattr) {
        let r = self
            .handle(ino)
            .and_then(|h| xattr::get(h.as_fd_ref(), name.as_bytes()).map_err(errno));
        sized(reply, size, r);
    }

    fn listxattr(&self, req: &Request, ino: INodeNo, size: u32, reply: ReplyXattr) {
        // `trusted.` names are listed to root only, as local file systems do (the kernel refuses
        // their values to others; their names are not the others' business either).
        let trusted = req.uid() == 0;
        let r = self.handle(ino).and_then(|h| {
            let names = xattr::names(h.as_fd_ref()).map_err(errno)?;
            let shown = names
                .into_iter()
                .filter(move |n| trusted || !n.starts_with(b"trusted."));
            Ok(shown.flat_map(|mut n| {
                n.push(0);
                n
            }))
        });
        sized(reply, size, r.map(Iterator::collect));
    }

    fn setxattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        name: &OsStr,
        value: &[u8],
        flags: i32,
        position: u32,
        reply: ReplyEmpty,
    ) {
        let name = name.as_bytes();
        let r = (|| {
            if position != 0 {
                return Err(Errno::EINVAL);
            }
            let h = self.attributes_of(ino, name)?;
            self.change(|ops| {
                xattr::set(h.as_fd_ref(), name, value, flags)?;
                ops.extend(
                    self.op_for(self.replicated_path(ino.0), |dir, path| Op::SetXattr {
                        dir,
                        path,
                        name: name.to_vec(),
                        value: value.to_vec(),
                    }),
                );
                Ok(())
            })
        })();
        ok_or(reply, r);
    }

    fn removexattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let name = name.as_bytes();
        let r = self.attributes_of(ino, name).and_then(|h| {
            self.change(|ops| {
                xattr::remove(h.as_fd_ref(), name)?;
                ops.extend(
                    self.op_for(self.replicated_path(ino.0), |dir, path| Op::RemoveXattr {
                        dir,
                        path,
                        name: name.to_vec(),
                    }),
                );
                Ok(())
            })
        });
        ok_or(reply, r);
    }

    fn mknod(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        umask: u32,
        _rdev: u32,
        reply: ReplyEntry,
    ) {
        let kind = mode & libc::S_IFMT;
        let perm = mode & !umask & 0o7777;
        let r = match kind {
            // mknod(2) of a regular file: an empty file, replicated as a create.
            libc::S_IFREG | 0 => self.make(
                req,
                parent,
                name,
                |pfd, cname| {
                    let o = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NONBLOCK;
                    drop(at::open_at(pfd.as_fd_ref(), cname, o, perm)?);
                    let fd = at::open_at(pfd.as_fd_ref(), cname, libc::O_PATH, 0)?;
                    at::chmod_fd(fd.as_fd_ref(), perm)?;
                    Ok(fd)
                },
                |dir, path, st| Op::Create {
                    dir,
                    path,
                    mode: st.st_mode,
                    uid: st.st_uid,
                    gid: st.st_gid,
                },
            ),
            // Fifos and sockets; made, then reached by O_PATH only: a fifo is never opened here.
            libc::S_IFIFO | libc::S_IFSOCK => self.make(
                req,
                parent,
                name,
                |pfd, cname| {
                    at::mknod_at(pfd.as_fd_ref(), cname, kind | perm)?;
                    let fd = at::open_at(pfd.as_fd_ref(), cname, libc::O_PATH, 0)?;
                    at::chmod_fd(fd.as_fd_ref(), perm)?;
                    Ok(fd)
                },
                |dir, path, st| Op::Mknod {
                    dir,
                    path,
                    mode: st.st_mode,
                    uid: st.st_uid,
                    gid: st.st_gid,
                },
            ),
            // Devices: never made through keel, whoever asks (the daemon is root).
            _ => Err(Errno::EPERM),
        };
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn fallocate(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        length: u64,
        mode: i32,
        reply: ReplyEmpty,
    ) {
        let mode = mode as u32;
        let r = (|| {
            if !keel_repl::op::FALLOCATE_MODES.contains(&mode) {
                return Err(Errno::EOPNOTSUPP);
            }
            let f = self.file(fh)?;
            self.change(|ops| {
                at::fallocate(&f, mode, offset, length)?;
                ops.extend(
                    self.op_for(self.replicated_path(ino.0), |dir, path| Op::Fallocate {
                        dir,
                        path,
                        mode,
                        offset,
                        len: length,
                    }),
                );
                Ok(())
            })
        })();
        ok_or(reply, r);
    }

    fn lseek(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: i64,
        whence: i32,
        reply: ReplyLseek,
    ) {
        // The kernel asks only for SEEK_DATA and SEEK_HOLE (it resolves the others itself).
        let r = self.file(fh).and_then(|f| {
            let offset = u64::try_from(offset).map_err(|_| Errno::EINVAL)?;
            match at::seek(&f, offset, whence).map_err(errno)? {
                Some(at) => Ok(at as i64),
                None => Err(Errno::ENXIO),
            }
        });
        match r {
            Ok(at) => reply.offset(at),
            Err(e) => reply.error(e),
        }
    }

    fn copy_file_range(
        &self,
        _req: &Request,
        _ino_in: INodeNo,
        fh_in: FileHandle,
        offset_in: u64,
        ino_out: INodeNo,
        fh_out: FileHandle,
        offset_out: u64,
        len: u64,
        flags: CopyFileRangeFlags,
        reply: ReplyWrite,
    ) {
        let r = (|| {
            if flags.bits() != 0 {
                return Err(Errno::EINVAL);
            }
            let (from, to) = (self.file(fh_in)?, self.file(fh_out)?);
            self.change(|ops| {
                // Copied here by the kernel (a reflink where the file system has them); the
                // secondary gets the bytes the destination now holds, read back from it, as
                // writes: the same bytes whatever its file system.
                let n = at::copy_range(&from, offset_in, &to, offset_out, len.min(COPY_MAX))?;
                let back = at::file(at::reopen(std::os::fd::AsFd::as_fd(&*to), libc::O_RDONLY)?);
                let path = self.replicated_path(ino_out.0);
                let mut done = 0u64;
                while done < n {
                    let mut buf = vec![0u8; (n - done).min(COPY_CHUNK) as usize];
                    let got = back.read_at(&mut buf, offset_out + done)?;
                    if got == 0 {
                        break;
                    }
                    buf.truncate(got);
                    ops.extend(self.op_for(path.clone(), |dir, path| Op::Write {
                        dir,
                        path,
                        offset: offset_out + done,
                        data: buf,
                    }));
                    done += got as u64;
                }
                Ok(n)
            })
        })();
        match r {
            Ok(n) => reply.written(n as u32),
            Err(e) => reply.error(e),
        }
    }
}

/// The most one copy_file_range request copies (the application's call loops for the rest), and
/// the size of each write that replicates it.
const COPY_MAX: u64 = 16 << 20;
const COPY_CHUNK: u64 = 1 << 20;

/// Answers a getxattr or listxattr: the size when asked for it, ERANGE when it does not fit.
fn sized(reply: ReplyXattr, size: u32, r: Res<Vec<u8>>) {
    match r {
        Ok(v) if size == 0 => reply.size(v.len() as u32),
        Ok(v) if v.len() > size as usize => reply.error(Errno::ERANGE),
        Ok(v) => reply.data(&v),
        Err(e) => reply.error(e),
    }
}

impl PassFs {
    /// The entry whose attribute `name` changes: only names keel replicates may change (ACLs
    /// only with `<rfs acl="on">`); any other, like an ACL on a file system mounted `noacl`, is
    /// not supported here.
    fn attributes_of(&self, ino: INodeNo, name: &[u8]) -> Res<Handle> {
        if !keel_repl::xattr::replicated(name, xattr::acls()) {
            return Err(Errno::EOPNOTSUPP);
        }
        self.handle(ino)
    }
}

impl PassFs {
    /// unlink or rmdir of `parent/name`.
    fn remove(&self, parent: INodeNo, name: &OsStr, dir: bool) -> Res<()> {
        let pfd = self.handle(parent)?;
        let cname = at::cname(name.as_bytes()).map_err(errno)?;
        self.change_moving(|ops| {
            at::unlink_at(pfd.as_fd_ref(), &cname, dir)?;
            let mut t = self.table();
            let path = t.child_path(parent.0, name.as_bytes());
            t.unlinked(parent.0, name.as_bytes());
            drop(t);
            ops.extend(self.op_for(path, |d, path| {
                if dir {
                    Op::Rmdir { dir: d, path }
                } else {
                    Op::Unlink { dir: d, path }
                }
            }));
            Ok(())
        })
    }

    /// The secondary's fsync for an application's fsync of `ino`: that file where it has a name,
    /// else the directory itself (which makes everything before it durable there too).
    fn fsync_op(&self, ino: u64, datasync: bool) -> Op {
        Op::Fsync {
            dir: self.dir,
            path: self.replicated_path(ino).unwrap_or_else(RelPath::root),
            datasync,
        }
    }
}

fn ok_or(reply: ReplyEmpty, r: Res<()>) {
    match r {
        Ok(()) => reply.ok(),
        Err(e) => reply.error(e),
    }
}
