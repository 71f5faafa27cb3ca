//! The FUSE file system mounted over a replicated directory: a passthrough to the real directory
//! underneath. On the primary every change is applied here, then sent to the secondary under the
//! replication lock; the application's call returns once the secondary acknowledged it. On the
//! secondary the mount is read-only: the application's files are only written by replication.

use crate::primary::Replicator;
use crate::under::{self, SetTime, Underlying};
use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, OpenFlags,
    RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty, ReplyEntry, ReplyOpen,
    ReplyStatfs, ReplyWrite, Request, TimeOrNow, WriteFlags,
};
use keel_repl::op::Time;
use keel_repl::{Op, RelPath};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct PassFs {
    dir: u8,
    under: Arc<Vec<Underlying>>,
    /// None on the secondary: the mount is read-only.
    repl: Option<Arc<Replicator>>,
    /// FUSE inode -> path under the directory. FUSE inodes are the real inode numbers, except the
    /// directory itself, which FUSE calls 1.
    inodes: Mutex<HashMap<u64, RelPath>>,
    root_ino: u64,
    files: Mutex<HashMap<u64, Arc<File>>>,
    dirs: Mutex<HashMap<u64, Vec<DirEntry>>>,
    next_fh: AtomicU64,
    ttl: Duration,
}

type Res<T> = Result<T, Errno>;

/// An entry of an open directory: FUSE inode, type, name.
type DirEntry = (u64, FileType, Vec<u8>);

fn errno(e: io::Error) -> Errno {
    Errno::from(e)
}

impl PassFs {
    pub fn new(dir: u8, under: Arc<Vec<Underlying>>, repl: Option<Arc<Replicator>>) -> io::Result<PassFs> {
        let root_ino = fs::metadata(under[dir as usize].path(&RelPath::root()))?.ino();
        // On the secondary the files change underneath the kernel's caches: do not cache.
        let ttl = if repl.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::ZERO
        };
        let mut inodes = HashMap::new();
        inodes.insert(INodeNo::ROOT.0, RelPath::root());
        Ok(PassFs {
            dir,
            under,
            repl,
            inodes: Mutex::new(inodes),
            root_ino,
            files: Mutex::new(HashMap::new()),
            dirs: Mutex::new(HashMap::new()),
            next_fh: AtomicU64::new(1),
            ttl,
        })
    }

    fn u(&self) -> &Underlying {
        &self.under[self.dir as usize]
    }

    fn path_of(&self, ino: INodeNo) -> Res<RelPath> {
        self.inodes
            .lock()
            .unwrap()
            .get(&ino.0)
            .cloned()
            .ok_or(Errno::ESTALE)
    }

    fn child(&self, parent: INodeNo, name: &OsStr) -> Res<RelPath> {
        self.path_of(parent)?
            .join(name.as_bytes())
            .map_err(|_| Errno::EINVAL)
    }

    fn fuse_ino(&self, real: u64) -> u64 {
        if real == self.root_ino {
            INodeNo::ROOT.0
        } else if real == INodeNo::ROOT.0 {
            // A real inode 1 elsewhere would clash with FUSE's root.
            u64::MAX - 1
        } else {
            real
        }
    }

    fn attr(&self, m: &Metadata) -> FileAttr {
        FileAttr {
            ino: INodeNo(self.fuse_ino(m.ino())),
            size: m.size(),
            blocks: m.blocks(),
            atime: time(m.atime(), m.atime_nsec()),
            mtime: time(m.mtime(), m.mtime_nsec()),
            ctime: time(m.ctime(), m.ctime_nsec()),
            crtime: UNIX_EPOCH,
            kind: file_type(m),
            perm: (m.mode() & 0o7777) as u16,
            nlink: m.nlink() as u32,
            uid: m.uid(),
            gid: m.gid(),
            rdev: m.rdev() as u32,
            blksize: m.blksize() as u32,
            flags: 0,
        }
    }

    /// Looks a path up and remembers its inode.
    fn entry(&self, path: RelPath) -> Res<FileAttr> {
        let m = fs::symlink_metadata(self.u().path(&path)).map_err(errno)?;
        let attr = self.attr(&m);
        self.inodes.lock().unwrap().insert(attr.ino.0, path);
        Ok(attr)
    }

    /// Runs a change: refused on a read-only (secondary) mount; on the primary, the local change
    /// and the sending of the operations it yields happen under the replication lock.
    fn change<T>(&self, local: impl FnOnce() -> io::Result<(T, Vec<Op>)>) -> Res<T> {
        let Some(repl) = &self.repl else {
            return Err(Errno::EROFS);
        };
        let mut l = repl.lock();
        if l.closed() {
            return Err(Errno::EROFS);
        }
        let (out, ops) = local().map_err(errno)?;
        for op in ops {
            l.send(op);
        }
        Ok(out)
    }

    fn add_file(&self, f: File) -> FileHandle {
        let fh = self.next_fh.fetch_add(1, Ordering::Relaxed);
        self.files.lock().unwrap().insert(fh, Arc::new(f));
        FileHandle(fh)
    }

    fn file(&self, fh: FileHandle) -> Res<Arc<File>> {
        self.files.lock().unwrap().get(&fh.0).cloned().ok_or(Errno::EBADF)
    }

    /// Paths under a renamed name now live under the new one.
    fn renamed(&self, from: &RelPath, to: &RelPath) {
        let mut inodes = self.inodes.lock().unwrap();
        for p in inodes.values_mut() {
            if let Some(n) = p.rebase(from, to) {
                *p = n;
            }
        }
    }

    /// O_TRUNC empties the real file here (it is opened without it), and on the secondary.
    fn truncate_on_open(&self, file: &File, flags: i32, path: &RelPath, ops: &mut Vec<Op>) -> io::Result<()> {
        if flags & libc::O_TRUNC != 0 {
            file.set_len(0)?;
            ops.push(Op::Truncate {
                dir: self.dir,
                path: path.clone(),
                len: 0,
            });
        }
        Ok(())
    }

    fn times_of(&self, path: &RelPath) -> io::Result<Op> {
        let m = fs::symlink_metadata(self.u().path(path))?;
        Ok(Op::SetTimes {
            dir: self.dir,
            path: path.clone(),
            atime: Some(Time {
                sec: m.atime(),
                nsec: m.atime_nsec() as u32,
            }),
            mtime: Some(Time {
                sec: m.mtime(),
                nsec: m.mtime_nsec() as u32,
            }),
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
                SetTime::At(-(d.as_secs() as i64) - 1, 1_000_000_000 - d.subsec_nanos())
            }
        },
    }
}

fn file_type(m: &Metadata) -> FileType {
    let t = m.file_type();
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        FileType::Directory
    } else if t.is_symlink() {
        FileType::Symlink
    } else if t.is_fifo() {
        FileType::NamedPipe
    } else if t.is_socket() {
        FileType::Socket
    } else if t.is_block_device() {
        FileType::BlockDevice
    } else if t.is_char_device() {
        FileType::CharDevice
    } else {
        FileType::RegularFile
    }
}

fn open_options(flags: i32) -> OpenOptions {
    let mut o = OpenOptions::new();
    match flags & libc::O_ACCMODE {
        libc::O_WRONLY => o.write(true),
        libc::O_RDWR => o.read(true).write(true),
        _ => o.read(true),
    };
    // The kernel gives the offset of every write (it resolves O_APPEND itself, and it is the only
    // writer): opening the real file in append mode would make pwrite ignore that offset.
    o.custom_flags(
        flags & !(libc::O_ACCMODE | libc::O_APPEND | libc::O_CREAT | libc::O_EXCL | libc::O_TRUNC),
    );
    o
}

const GEN: Generation = Generation(0);

impl Filesystem for PassFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        match self.child(parent, name).and_then(|p| self.entry(p)) {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        let m = match fh.and_then(|fh| self.file(fh).ok()) {
            Some(f) => f.metadata(),
            None => match self.path_of(ino) {
                Ok(p) => fs::symlink_metadata(self.u().path(&p)),
                Err(e) => return reply.error(e),
            },
        };
        match m {
            Ok(m) => reply.attr(&self.ttl, &self.attr(&m)),
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
        let r = self.path_of(ino).and_then(|path| {
            let c = self.u().cpath(&path);
            let dir = self.dir;
            self.change(|| {
                let mut ops = Vec::new();
                if let Some(mode) = mode {
                    under::chmod(&c, mode)?;
                    ops.push(Op::Chmod {
                        dir,
                        path: path.clone(),
                        mode,
                    });
                }
                if uid.is_some() || gid.is_some() {
                    under::lchown(&c, uid, gid)?;
                    ops.push(Op::Chown {
                        dir,
                        path: path.clone(),
                        uid,
                        gid,
                    });
                }
                if let Some(len) = size {
                    match fh.and_then(|fh| self.file(fh).ok()) {
                        Some(f) => f.set_len(len)?,
                        None => under::truncate(&c, len)?,
                    }
                    ops.push(Op::Truncate {
                        dir,
                        path: path.clone(),
                        len,
                    });
                }
                if atime.is_some() || mtime.is_some() {
                    under::utimens(&c, set_time(atime), set_time(mtime))?;
                    // Send the times as they resulted here: "now" would differ on the secondary.
                    ops.push(self.times_of(&path)?);
                }
                let m = fs::symlink_metadata(self.u().path(&path))?;
                Ok((self.attr(&m), ops))
            })
        });
        match r {
            Ok(a) => reply.attr(&self.ttl, &a),
            Err(e) => reply.error(e),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        match self
            .path_of(ino)
            .and_then(|p| fs::read_link(self.u().path(&p)).map_err(errno))
        {
            Ok(t) => reply.data(t.as_os_str().as_bytes()),
            Err(e) => reply.error(e),
        }
    }

    fn mkdir(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, reply: ReplyEntry) {
        let (uid, gid) = (req.uid(), req.gid());
        let r = self.child(parent, name).and_then(|path| {
            self.change(|| {
                let p = self.u().path(&path);
                std::fs::DirBuilder::new()
                    .mode(mode & !umask & 0o7777)
                    .create(&p)?;
                under::lchown(&self.u().cpath(&path), Some(uid), Some(gid))?;
                let m = fs::symlink_metadata(&p)?;
                let op = Op::Mkdir {
                    dir: self.dir,
                    path: path.clone(),
                    mode: m.mode(),
                    uid,
                    gid,
                };
                Ok(((), vec![op]))
            })?;
            self.entry(path)
        });
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let r = self.child(parent, name).and_then(|path| {
            self.change(|| {
                fs::remove_file(self.u().path(&path))?;
                Ok(((), vec![Op::Unlink { dir: self.dir, path }]))
            })
        });
        ok_or(reply, r)
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let r = self.child(parent, name).and_then(|path| {
            self.change(|| {
                fs::remove_dir(self.u().path(&path))?;
                Ok(((), vec![Op::Rmdir { dir: self.dir, path }]))
            })
        });
        ok_or(reply, r)
    }

    fn symlink(&self, req: &Request, parent: INodeNo, link_name: &OsStr, target: &Path, reply: ReplyEntry) {
        let (uid, gid) = (req.uid(), req.gid());
        let r = self.child(parent, link_name).and_then(|path| {
            self.change(|| {
                std::os::unix::fs::symlink(target, self.u().path(&path))?;
                under::lchown(&self.u().cpath(&path), Some(uid), Some(gid))?;
                let target = target.as_os_str().as_bytes().to_vec();
                Ok((
                    (),
                    vec![Op::Symlink {
                        dir: self.dir,
                        path: path.clone(),
                        target,
                        uid,
                        gid,
                    }],
                ))
            })?;
            self.entry(path)
        });
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
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
        let r = self.child(parent, name).and_then(|from| {
            let to = self.child(newparent, newname)?;
            self.change(|| {
                under::rename2(&self.u().cpath(&from), &self.u().cpath(&to), flags.bits())?;
                let op = Op::Rename {
                    dir: self.dir,
                    from: from.clone(),
                    to: to.clone(),
                    flags: flags.bits(),
                };
                Ok(((), vec![op]))
            })?;
            if flags.contains(RenameFlags::RENAME_EXCHANGE) {
                // Three moves through a name no path can have (a component may not contain '/').
                let tmp = RelPath::parse(b"\x01keel-exchange").expect("valid");
                self.renamed(&from, &tmp);
                self.renamed(&to, &from);
                self.renamed(&tmp, &to);
            } else {
                self.renamed(&from, &to);
            }
            Ok(())
        });
        ok_or(reply, r)
    }

    fn link(&self, _req: &Request, ino: INodeNo, newparent: INodeNo, newname: &OsStr, reply: ReplyEntry) {
        let r = self.path_of(ino).and_then(|from| {
            let to = self.child(newparent, newname)?;
            self.change(|| {
                fs::hard_link(self.u().path(&from), self.u().path(&to))?;
                Ok((
                    (),
                    vec![Op::Link {
                        dir: self.dir,
                        from: from.clone(),
                        to: to.clone(),
                    }],
                ))
            })?;
            self.entry(to)
        });
        match r {
            Ok(a) => reply.entry(&self.ttl, &a, GEN),
            Err(e) => reply.error(e),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        let f = flags.0;
        let writes = f & libc::O_ACCMODE != libc::O_RDONLY || f & libc::O_TRUNC != 0;
        let r = self.path_of(ino).and_then(|path| {
            let open = || open_options(f).open(self.u().path(&path));
            if !writes {
                return open().map_err(errno);
            }
            self.change(|| {
                let file = open()?;
                let mut ops = Vec::new();
                self.truncate_on_open(&file, f, &path, &mut ops)?;
                Ok((file, ops))
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
            let path = self.path_of(ino)?;
            self.change(|| {
                f.write_all_at(data, offset)?;
                Ok((
                    (),
                    vec![Op::Write {
                        dir: self.dir,
                        path,
                        offset,
                        data: data.to_vec(),
                    }],
                ))
            })
        });
        match r {
            Ok(()) => reply.written(data.len() as u32),
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
            if self.repl.is_none() {
                return Ok(());
            }
            let path = self.path_of(ino)?;
            self.change(|| {
                if datasync {
                    f.sync_data()?
                } else {
                    f.sync_all()?
                }
                Ok((
                    (),
                    vec![Op::Fsync {
                        dir: self.dir,
                        path,
                        datasync,
                    }],
                ))
            })
        });
        ok_or(reply, r)
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        let r = self.path_of(ino).and_then(|path| {
            let mut entries = vec![
                (ino.0, FileType::Directory, b".".to_vec()),
                (INodeNo::ROOT.0, FileType::Directory, b"..".to_vec()),
            ];
            for e in fs::read_dir(self.u().path(&path)).map_err(errno)? {
                let e = e.map_err(errno)?;
                let Ok(m) = e.metadata() else { continue };
                entries.push((
                    self.fuse_ino(m.ino()),
                    file_type(&m),
                    e.file_name().as_bytes().to_vec(),
                ));
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

    fn fsyncdir(&self, _req: &Request, _ino: INodeNo, _fh: FileHandle, _datasync: bool, reply: ReplyEmpty) {
        reply.ok();
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        let c = self.u().cpath(&RelPath::root());
        let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut s) } < 0 {
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
        let (uid, gid) = (req.uid(), req.gid());
        let r = self.child(parent, name).and_then(|path| {
            let file = self.change(|| {
                let p = self.u().path(&path);
                let existed = fs::symlink_metadata(&p).is_ok();
                let mut o = open_options(flags);
                o.create(true).mode(mode & !umask & 0o7777);
                if flags & libc::O_EXCL != 0 {
                    o.create_new(true);
                }
                let file = o.open(&p)?;
                let mut ops = Vec::new();
                if !existed {
                    under::lchown(&self.u().cpath(&path), Some(uid), Some(gid))?;
                    let m = file.metadata()?;
                    ops.push(Op::Create {
                        dir: self.dir,
                        path: path.clone(),
                        mode: m.mode(),
                        uid,
                        gid,
                    });
                }
                self.truncate_on_open(&file, flags, &path, &mut ops)?;
                Ok((file, ops))
            })?;
            Ok((self.entry(path)?, file))
        });
        match r {
            Ok((attr, file)) => {
                reply.created(&self.ttl, &attr, GEN, self.add_file(file), FopenFlags::empty())
            }
            Err(e) => reply.error(e),
        }
    }
}

fn ok_or(reply: ReplyEmpty, r: Res<()>) {
    match r {
        Ok(()) => reply.ok(),
        Err(e) => reply.error(e),
    }
}
