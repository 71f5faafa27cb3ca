//! A tree deeper than a path can be on the secondary (4096 bytes): the primary refuses to make a
//! name there (ENAMETOOLONG) rather than make it and leave it unreplicated; everything it did make
//! is on the secondary.
mod support;
use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};
use support::*;

#[test]
fn a_name_too_deep_for_the_secondary_is_refused() {
    let t = Scratch::new("deep");
    let (_p, _s) = t.synced_pair();

    // Down through descriptors, so that no path handed to the kernel is long.
    let root = CString::new(t.p().to_str().unwrap()).unwrap();
    let name = CString::new("dd").unwrap();
    let mut dir =
        unsafe { OwnedFd::from_raw_fd(libc::open(root.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY)) };
    let mut depth = 0;
    let refused = loop {
        use std::os::fd::AsRawFd;
        if unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o755) } != 0 {
            break std::io::Error::last_os_error();
        }
        depth += 1;
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY) };
        assert!(fd >= 0);
        dir = unsafe { OwnedFd::from_raw_fd(fd) };
    };
    assert_eq!(
        refused.raw_os_error(),
        Some(libc::ENAMETOOLONG),
        "at depth {depth}"
    );
    // "dd/dd/.../dd" of `depth` levels is 3 * depth - 1 bytes long: the last one fits.
    assert_eq!(depth, (4096 + 1) / 3);
    drop(dir);
    assert_eq!(depth_of(&t.s()), depth, "the secondary's copy");
}

/// How many nested "dd" directories there are under `root`.
fn depth_of(root: &std::path::Path) -> usize {
    use std::os::fd::AsRawFd;
    let root = CString::new(root.to_str().unwrap()).unwrap();
    let name = CString::new("dd").unwrap();
    let mut dir =
        unsafe { OwnedFd::from_raw_fd(libc::open(root.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY)) };
    let mut depth = 0;
    loop {
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY) };
        if fd < 0 {
            return depth;
        }
        depth += 1;
        dir = unsafe { OwnedFd::from_raw_fd(fd) };
    }
}
