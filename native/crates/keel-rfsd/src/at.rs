//! File operations on descriptors, never on paths a symbolic link could redirect.
//!
//! Everything keel-rfsd does as root to a file is done either on a descriptor of that very file
//! (`fstat`, `ftruncate`, `fchownat(fd, "", AT_EMPTY_PATH)`), or on a name inside a directory
//! descriptor with the flag that refuses to follow a symbolic link there (`O_NOFOLLOW`,
//! `AT_SYMLINK_NOFOLLOW`, `unlinkat`, `renameat2`, `linkat` without `AT_SYMLINK_FOLLOW`). The
//! descriptors themselves come from [`crate::under::Underlying`], which resolves paths beneath the
//! replicated directory without following any link.

use keel_repl::EntryKind;
use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

pub fn check(rc: libc::c_int) -> io::Result<()> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn fd_from(rc: libc::c_int) -> io::Result<OwnedFd> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(unsafe { OwnedFd::from_raw_fd(rc) })
    }
}

pub fn cname(name: &[u8]) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

const EMPTY: &CStr = c"";

/// Opens `name` in `dir` without following a symbolic link there (a link gives ELOOP, or, with
/// `O_PATH`, a descriptor of the link itself).
pub fn open_at(dir: BorrowedFd, name: &CStr, flags: i32, mode: u32) -> io::Result<OwnedFd> {
    fd_from(unsafe {
        libc::openat(
            dir.as_raw_fd(),
            name.as_ptr(),
            flags | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            mode as libc::c_uint,
        )
    })
}

/// Opens the file a descriptor (`O_PATH` included) stands for again, with other flags. Goes
/// through the descriptor's own entry in /proc, which the kernel resolves to that very inode.
pub fn reopen(fd: BorrowedFd, flags: i32) -> io::Result<OwnedFd> {
    let p = proc_path(fd);
    fd_from(unsafe { libc::open(p.as_ptr(), flags | libc::O_CLOEXEC) })
}

fn proc_path(fd: BorrowedFd) -> CString {
    CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).expect("no NUL")
}

pub fn stat_fd(fd: BorrowedFd) -> io::Result<libc::stat> {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    check(unsafe { libc::fstatat(fd.as_raw_fd(), EMPTY.as_ptr(), &mut st, libc::AT_EMPTY_PATH) })?;
    Ok(st)
}

/// lstat of a name in a directory.
pub fn stat_at(dir: BorrowedFd, name: &CStr) -> io::Result<libc::stat> {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    check(unsafe { libc::fstatat(dir.as_raw_fd(), name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) })?;
    Ok(st)
}

pub fn kind(st: &libc::stat) -> EntryKind {
    match st.st_mode & libc::S_IFMT {
        libc::S_IFREG => EntryKind::File,
        libc::S_IFDIR => EntryKind::Dir,
        libc::S_IFLNK => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

/// Fails unless the descriptor is a regular file (a name replaced by a fifo, a device or a
/// directory is never written to).
pub fn expect_file(fd: &OwnedFd) -> io::Result<()> {
    match kind(&stat_fd(fd.as_fd_ref())?) {
        EntryKind::File => Ok(()),
        EntryKind::Dir => Err(io::Error::from_raw_os_error(libc::EISDIR)),
        _ => Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
}

/// Shorthand for borrowing an owned descriptor.
pub trait FdRef {
    fn as_fd_ref(&self) -> BorrowedFd<'_>;
}

impl FdRef for OwnedFd {
    fn as_fd_ref(&self) -> BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.as_fd()
    }
}

pub fn file(fd: OwnedFd) -> File {
    File::from(fd)
}

/// chmod of the file a descriptor stands for. Symbolic links have no mode of their own on Linux:
/// nothing to do for them.
pub fn chmod_fd(fd: BorrowedFd, mode: u32) -> io::Result<()> {
    if kind(&stat_fd(fd)?) == EntryKind::Symlink {
        return Ok(());
    }
    let p = proc_path(fd);
    check(unsafe { libc::chmod(p.as_ptr(), (mode & 0o7777) as libc::mode_t) })
}

/// chown of the file (or symbolic link) a descriptor stands for; `None` leaves an id as it is.
pub fn chown_fd(fd: BorrowedFd, uid: Option<u32>, gid: Option<u32>) -> io::Result<()> {
    check(unsafe {
        libc::fchownat(
            fd.as_raw_fd(),
            EMPTY.as_ptr(),
            uid.unwrap_or(u32::MAX),
            gid.unwrap_or(u32::MAX),
            libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW,
        )
    })
}

/// A time for utimensat: a value, "now", or "leave it".
#[derive(Clone, Copy)]
pub enum SetTime {
    At(i64, u32),
    Now,
    Omit,
}

fn timespec(t: SetTime) -> libc::timespec {
    match t {
        SetTime::At(sec, nsec) => libc::timespec {
            tv_sec: sec,
            tv_nsec: nsec as i64,
        },
        SetTime::Now => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_NOW,
        },
        SetTime::Omit => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
    }
}

/// Sets the times of the file (or symbolic link) a descriptor stands for.
pub fn utimens_fd(fd: BorrowedFd, atime: SetTime, mtime: SetTime) -> io::Result<()> {
    let ts = [timespec(atime), timespec(mtime)];
    check(unsafe {
        libc::utimensat(
            fd.as_raw_fd(),
            EMPTY.as_ptr(),
            ts.as_ptr(),
            libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW,
        )
    })
}

pub fn unlink_at(dir: BorrowedFd, name: &CStr, rmdir: bool) -> io::Result<()> {
    let flags = if rmdir { libc::AT_REMOVEDIR } else { 0 };
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), flags) })
}

pub fn mkdir_at(dir: BorrowedFd, name: &CStr, mode: u32) -> io::Result<()> {
    check(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), (mode & 0o7777) as libc::mode_t) })
}

pub fn symlink_at(target: &[u8], dir: BorrowedFd, name: &CStr) -> io::Result<()> {
    let t = cname(target)?;
    check(unsafe { libc::symlinkat(t.as_ptr(), dir.as_raw_fd(), name.as_ptr()) })
}

/// A new name for an existing file; a symbolic link is linked itself, never its target.
pub fn link_at(from_dir: BorrowedFd, from: &CStr, to_dir: BorrowedFd, to: &CStr) -> io::Result<()> {
    check(unsafe {
        libc::linkat(
            from_dir.as_raw_fd(),
            from.as_ptr(),
            to_dir.as_raw_fd(),
            to.as_ptr(),
            0,
        )
    })
}

/// A new name for the file a descriptor stands for (root only: `AT_EMPTY_PATH`).
pub fn link_fd(fd: BorrowedFd, to_dir: BorrowedFd, to: &CStr) -> io::Result<()> {
    check(unsafe {
        libc::linkat(
            fd.as_raw_fd(),
            EMPTY.as_ptr(),
            to_dir.as_raw_fd(),
            to.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    })
}

/// The rename flags passed on: no replace, exchange. (Whiteouts are for overlay file systems.)
pub const RENAME_FLAGS: u32 = libc::RENAME_NOREPLACE | libc::RENAME_EXCHANGE;

pub fn rename_at(
    from_dir: BorrowedFd,
    from: &CStr,
    to_dir: BorrowedFd,
    to: &CStr,
    flags: u32,
) -> io::Result<()> {
    if flags & !RENAME_FLAGS != 0 {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    check(unsafe {
        libc::renameat2(
            from_dir.as_raw_fd(),
            from.as_ptr(),
            to_dir.as_raw_fd(),
            to.as_ptr(),
            flags,
        )
    })
}

pub fn readlink_fd(fd: BorrowedFd) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; libc::PATH_MAX as usize + 1];
    let n = unsafe {
        libc::readlinkat(
            fd.as_raw_fd(),
            EMPTY.as_ptr(),
            buf.as_mut_ptr() as *mut libc::c_char,
            buf.len(),
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    buf.truncate(n as usize);
    Ok(buf)
}

/// One entry of a directory: name, kind, inode number.
pub struct DirEntry {
    pub name: Vec<u8>,
    pub kind: EntryKind,
    pub ino: u64,
}

/// The entries of a directory (without `.` and `..`), read from a descriptor of it.
pub fn list(dir: BorrowedFd) -> io::Result<Vec<DirEntry>> {
    // readdir needs a descriptor it owns, opened for reading.
    let own = open_at(dir, c".", libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
    let raw: RawFd = own.as_raw_fd();
    let d = unsafe { libc::fdopendir(raw) };
    if d.is_null() {
        return Err(io::Error::last_os_error());
    }
    // fdopendir took the descriptor: closedir closes it.
    std::mem::forget(own);
    let mut out = Vec::new();
    let result = loop {
        unsafe { *libc::__errno_location() = 0 };
        let e = unsafe { libc::readdir64(d) };
        if e.is_null() {
            let err = io::Error::last_os_error();
            break if err.raw_os_error() == Some(0) {
                Ok(())
            } else {
                Err(err)
            };
        }
        let e = unsafe { &*e };
        let name = unsafe { CStr::from_ptr(e.d_name.as_ptr()) }.to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match e.d_type {
            libc::DT_REG => EntryKind::File,
            libc::DT_DIR => EntryKind::Dir,
            libc::DT_LNK => EntryKind::Symlink,
            libc::DT_UNKNOWN => match stat_at(dir, &cname(name)?) {
                Ok(st) => kind(&st),
                Err(_) => continue,
            },
            _ => EntryKind::Other,
        };
        out.push(DirEntry {
            name: name.to_vec(),
            kind,
            ino: e.d_ino,
        });
    };
    unsafe { libc::closedir(d) };
    result.map(|_| out)
}

/// Removes whatever `name` is in `dir` (a whole tree for a directory, walked by descriptors, so a
/// directory swapped for a link meanwhile is removed as a link); nothing there is fine.
pub fn remove_at(dir: BorrowedFd, name: &CStr) -> io::Result<()> {
    let st = match stat_at(dir, name) {
        Ok(st) => st,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(()),
        Err(e) => return Err(e),
    };
    if kind(&st) == EntryKind::Dir {
        let sub = open_at(dir, name, libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        for e in list(sub.as_fd_ref())? {
            remove_at(sub.as_fd_ref(), &cname(&e.name)?)?;
        }
        unlink_at(dir, name, true)
    } else {
        unlink_at(dir, name, false)
    }
}

/// Makes a fifo or a socket named `name` in `dir` (`mode` carries the type); never a device.
pub fn mknod_at(dir: BorrowedFd, name: &CStr, mode: u32) -> io::Result<()> {
    let kind = mode & libc::S_IFMT;
    if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
        return Err(io::Error::from_raw_os_error(libc::EPERM));
    }
    check(unsafe { libc::mknodat(dir.as_raw_fd(), name.as_ptr(), kind | (mode & 0o7777), 0) })
}

/// fallocate(2) of an open regular file.
pub fn fallocate(f: &File, mode: u32, offset: u64, len: u64) -> io::Result<()> {
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return Err(io::Error::from_raw_os_error(libc::EFBIG));
    };
    check(unsafe { libc::fallocate(f.as_raw_fd(), mode as i32, offset, len) })
}

/// lseek(2) with SEEK_DATA or SEEK_HOLE on an open file: where the next data (or hole) at or
/// after `offset` begins; None past the last data (ENXIO).
pub fn seek(f: &File, offset: u64, whence: i32) -> io::Result<Option<u64>> {
    let Ok(offset) = i64::try_from(offset) else {
        return Ok(None);
    };
    let rc = unsafe { libc::lseek(f.as_raw_fd(), offset, whence) };
    if rc < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::ENXIO) => Ok(None),
            _ => Err(e),
        };
    }
    Ok(Some(rc as u64))
}

/// copy_file_range(2) between two open files, at explicit offsets: how much it copied.
pub fn copy_range(from: &File, from_at: u64, to: &File, to_at: u64, len: u64) -> io::Result<u64> {
    let (Ok(mut off_in), Ok(mut off_out)) = (i64::try_from(from_at), i64::try_from(to_at)) else {
        return Err(io::Error::from_raw_os_error(libc::EFBIG));
    };
    let n = unsafe {
        libc::copy_file_range(
            from.as_raw_fd(),
            &mut off_in,
            to.as_raw_fd(),
            &mut off_out,
            len as usize,
            0,
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as u64)
}
