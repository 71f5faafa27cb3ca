//! Extended attributes of the file a descriptor stands for (`O_PATH` included), never of what a
//! symbolic link points to: the calls go through the descriptor's own entry in /proc, which the
//! kernel resolves to that very inode (for a link, the link itself: l*xattr semantics), and they
//! open nothing (a fifo is never opened). Which names travel is keel_repl::xattr's rule.

use crate::at::check;
use keel_repl::xattr::{self, VALUE_MAX};
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// `<rfs acl="on">` (crate::args): set once at start, before any mount, for the whole daemon.
static ACLS: AtomicBool = AtomicBool::new(false);

pub fn replicate_acls(on: bool) {
    ACLS.store(on, Ordering::Relaxed);
}

/// Whether POSIX ACLs are replicated (and enforced on the mount).
pub fn acls() -> bool {
    ACLS.load(Ordering::Relaxed)
}

fn proc_path(fd: BorrowedFd) -> CString {
    CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).expect("no NUL")
}

fn cname(name: &[u8]) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// The value of one attribute (ENODATA when there is none).
pub fn get(fd: BorrowedFd, name: &[u8]) -> io::Result<Vec<u8>> {
    let (p, n) = (proc_path(fd), cname(name)?);
    // The largest value Linux holds: one call, no race between asking the size and reading.
    let mut buf = vec![0u8; VALUE_MAX];
    let got = unsafe {
        libc::getxattr(
            p.as_ptr(),
            n.as_ptr(),
            buf.as_mut_ptr() as *mut libc::c_void,
            buf.len(),
        )
    };
    if got < 0 {
        return Err(io::Error::last_os_error());
    }
    buf.truncate(got as usize);
    Ok(buf)
}

/// Every attribute name, as the file system lists them.
pub fn names(fd: BorrowedFd) -> io::Result<Vec<Vec<u8>>> {
    let p = proc_path(fd);
    loop {
        let size = unsafe { libc::listxattr(p.as_ptr(), std::ptr::null_mut(), 0) };
        if size < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buf = vec![0u8; size as usize];
        let got = unsafe { libc::listxattr(p.as_ptr(), buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
        if got < 0 {
            let e = io::Error::last_os_error();
            // An attribute added between the two calls: ask again.
            if e.raw_os_error() == Some(libc::ERANGE) {
                continue;
            }
            return Err(e);
        }
        buf.truncate(got as usize);
        return Ok(buf
            .split(|b| *b == 0)
            .filter(|n| !n.is_empty())
            .map(<[u8]>::to_vec)
            .collect());
    }
}

pub fn set(fd: BorrowedFd, name: &[u8], value: &[u8], flags: i32) -> io::Result<()> {
    let (p, n) = (proc_path(fd), cname(name)?);
    check(unsafe {
        libc::setxattr(
            p.as_ptr(),
            n.as_ptr(),
            value.as_ptr() as *const libc::c_void,
            value.len(),
            flags,
        )
    })
}

pub fn remove(fd: BorrowedFd, name: &[u8]) -> io::Result<()> {
    let (p, n) = (proc_path(fd), cname(name)?);
    check(unsafe { libc::removexattr(p.as_ptr(), n.as_ptr()) })
}

/// The replicated attributes (ACLs only when `acls`) with their values, sorted by name. A file
/// system without attributes has none; one removed between listing and reading is skipped.
pub fn replicated(fd: BorrowedFd, acls: bool) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let names = match names(fd) {
        Ok(n) => n,
        Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| xattr::replicated(n, acls)) {
        match get(fd, &name) {
            Ok(v) => out.push((name, v)),
            Err(e) if e.raw_os_error() == Some(libc::ENODATA) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort();
    Ok(out)
}

/// Makes the replicated attributes of the file exactly `attrs` (ACLs left alone unless `acls`):
/// removes the others, sets what differs.
pub fn make_exactly(fd: BorrowedFd, attrs: &[(Vec<u8>, Vec<u8>)], acls: bool) -> io::Result<()> {
    let have = replicated(fd, acls)?;
    for (name, _) in &have {
        if !attrs.iter().any(|(n, _)| n == name) {
            remove(fd, name)?;
        }
    }
    for (name, value) in attrs {
        if !xattr::replicated(name, acls) {
            return Err(io::Error::from_raw_os_error(libc::EOPNOTSUPP));
        }
        if !have.iter().any(|(n, v)| n == name && v == value) {
            set(fd, name, value, 0)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::at::FdRef;
    use std::os::fd::{FromRawFd, OwnedFd};

    fn opath(p: &std::path::Path) -> OwnedFd {
        let c = CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        let fd = unsafe { libc::open(c.as_ptr(), libc::O_PATH | libc::O_NOFOLLOW | libc::O_CLOEXEC) };
        assert!(fd >= 0);
        unsafe { OwnedFd::from_raw_fd(fd) }
    }

    #[test]
    fn attributes_of_a_link_are_the_links_own() {
        let d = std::env::temp_dir().join(format!("keel-xattr-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("t"), b"").unwrap();
        std::os::unix::fs::symlink("t", d.join("l")).unwrap();
        let (l, t) = (opath(&d.join("l")), opath(&d.join("t")));
        set(l.as_fd_ref(), b"trusted.k", b"on the link", 0).unwrap();
        set(t.as_fd_ref(), b"user.a", b"1", 0).unwrap();
        set(t.as_fd_ref(), b"user.b", b"2", 0).unwrap();
        assert_eq!(get(l.as_fd_ref(), b"trusted.k").unwrap(), b"on the link");
        assert!(get(t.as_fd_ref(), b"trusted.k").is_err());
        make_exactly(
            t.as_fd_ref(),
            &[
                (b"user.b".to_vec(), b"two".to_vec()),
                (b"user.c".to_vec(), vec![]),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            replicated(t.as_fd_ref(), false).unwrap(),
            vec![
                (b"user.b".to_vec(), b"two".to_vec()),
                (b"user.c".to_vec(), vec![])
            ]
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
