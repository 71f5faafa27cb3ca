//! The real directory underneath a mount.
//!
//! The daemon opens each replicated directory *before* mounting over it and from then on reaches
//! its files only through that descriptor: the kernel resolves names relative to it in the real
//! directory, not in the mount on top of it, so nothing the daemon does re-enters its own mount.
//!
//! A path that came from the network, or from a walk of a tree an unprivileged user can change
//! under our feet, is resolved with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
//! RESOLVE_NO_MAGICLINKS)`: it cannot leave the directory, and no symbolic link is followed on
//! the way, not even as its last component (an `O_PATH` open then gives the link itself).

use crate::at::{self, FdRef};
use crate::notrep::Filter;
use keel_repl::RelPath;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;

pub struct Underlying {
    dir: OwnedFd,
    /// What stays local (`<notreplicated>`, crate::notrep): the same on both nodes.
    filter: Filter,
}

const RESOLVE: u64 = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_NO_MAGICLINKS;

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
        let dir = OwnedFd::from(std::fs::File::open(dir)?);
        Ok(Underlying {
            dir,
            filter: Filter::default(),
        })
    }

    /// A directory already open, e.g. reached through another daemon's descriptor
    /// (crate::handover).
    pub fn from_fd(dir: OwnedFd) -> Underlying {
        Underlying {
            dir,
            filter: Filter::default(),
        }
    }

    /// The entries of this directory that stay local (crate::notrep).
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.dir.as_fd_ref()
    }

    /// Opens `rel` beneath the directory, following no symbolic link; `O_NOFOLLOW` is implied.
    pub fn open_at(&self, rel: &RelPath, flags: i32, mode: u32) -> io::Result<OwnedFd> {
        let path = if rel.is_root() {
            c".".to_owned()
        } else {
            at::cname(rel.as_bytes())?
        };
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = (flags | libc::O_NOFOLLOW | libc::O_CLOEXEC) as u64;
        if flags & (libc::O_CREAT | libc::O_TMPFILE) != 0 {
            how.mode = mode as u64;
        }
        how.resolve = RESOLVE;
        let rc = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                self.dir.as_raw_fd(),
                path.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(unsafe { OwnedFd::from_raw_fd(rc as i32) })
    }

    /// The directory holding `rel` (an `O_PATH` descriptor, resolved as [`Self::open_at`]) and
    /// the last component's name. The replicated directory itself has no parent here.
    pub fn parent(&self, rel: &RelPath) -> io::Result<(OwnedFd, CString)> {
        let bytes = rel.as_bytes();
        if rel.is_root() {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        let (dir, name) = match bytes.iter().rposition(|b| *b == b'/') {
            Some(i) => (
                RelPath::parse(&bytes[..i]).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?,
                &bytes[i + 1..],
            ),
            None => (RelPath::root(), bytes),
        };
        let fd = self.open_at(&dir, libc::O_PATH | libc::O_DIRECTORY, 0)?;
        Ok((fd, at::cname(name)?))
    }

    /// lstat of `rel`.
    pub fn stat(&self, rel: &RelPath) -> io::Result<libc::stat> {
        at::stat_fd(self.open_at(rel, libc::O_PATH, 0)?.as_fd_ref())
    }

    /// Flushes the whole file system holding the directory to disk.
    pub fn syncfs(&self) -> io::Result<()> {
        at::check(unsafe { libc::syncfs(self.dir.as_raw_fd()) })
    }
}
