//! The real directory underneath a mount.
//!
//! The daemon opens each replicated directory *before* mounting over it and from then on reaches
//! its files only through `/proc/self/fd/<fd>/<relative path>`: the kernel resolves that link to
//! the directory the descriptor was opened on, not to the mount on top of it. So the primary's
//! FUSE layer and the secondary's applier see the real files, and nothing the daemon does ever
//! re-enters its own mount.

use keel_repl::RelPath;
use std::ffi::{CString, OsString};
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

pub struct Underlying {
    dir: File,
    prefix: Vec<u8>,
}

impl Underlying {
    pub fn open(dir: &Path) -> io::Result<Underlying> {
        let meta = std::fs::metadata(dir)?;
        if !meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a directory", dir.display()),
            ));
        }
        // A read-only descriptor (not O_PATH) so syncfs() works on it too.
        let dir = File::open(dir)?;
        let prefix = format!("/proc/self/fd/{}", dir.as_raw_fd()).into_bytes();
        Ok(Underlying { dir, prefix })
    }

    pub fn path(&self, rel: &RelPath) -> PathBuf {
        PathBuf::from(OsString::from_vec(self.bytes(rel)))
    }

    pub fn cpath(&self, rel: &RelPath) -> CString {
        CString::new(self.bytes(rel)).expect("RelPath has no NUL")
    }

    fn bytes(&self, rel: &RelPath) -> Vec<u8> {
        let mut v = self.prefix.clone();
        v.push(b'/');
        // The directory itself is "<fd link>/.": lstat() of the bare link would describe the
        // link, not the directory.
        v.extend_from_slice(if rel.is_root() { b"." } else { rel.as_bytes() });
        v
    }

    /// Flushes the whole file system holding the directory to disk.
    pub fn syncfs(&self) -> io::Result<()> {
        check(unsafe { libc::syncfs(self.dir.as_raw_fd()) })
    }
}

pub fn check(rc: libc::c_int) -> io::Result<()> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// lchown; `None` leaves the id unchanged.
pub fn lchown(path: &CString, uid: Option<u32>, gid: Option<u32>) -> io::Result<()> {
    check(unsafe { libc::lchown(path.as_ptr(), uid.unwrap_or(u32::MAX), gid.unwrap_or(u32::MAX)) })
}

pub fn chmod(path: &CString, mode: u32) -> io::Result<()> {
    check(unsafe { libc::chmod(path.as_ptr(), (mode & 0o7777) as libc::mode_t) })
}

pub fn truncate(path: &CString, len: u64) -> io::Result<()> {
    check(unsafe { libc::truncate(path.as_ptr(), len as libc::off_t) })
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

pub fn utimens(path: &CString, atime: SetTime, mtime: SetTime) -> io::Result<()> {
    let ts = [timespec(atime), timespec(mtime)];
    check(unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            path.as_ptr(),
            ts.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })
}

pub fn rename2(from: &CString, to: &CString, flags: u32) -> io::Result<()> {
    check(unsafe { libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), flags) })
}
