//! fallocate through the primary's mount (as fio and databases call it): each replicated mode
//! gives the secondary the same bytes, size and holes; the modes that move data are refused; the
//! mount answers SEEK_DATA and SEEK_HOLE as the file system underneath does.
mod support;
use std::fs::{self, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use support::*;

fn fallocate(f: &fs::File, mode: i32, offset: i64, len: i64) -> std::io::Result<()> {
    if unsafe { libc::fallocate(f.as_raw_fd(), mode, offset, len) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn seek(f: &fs::File, offset: i64, whence: i32) -> i64 {
    unsafe { libc::lseek(f.as_raw_fd(), offset, whence) }
}

#[test]
fn fallocate_modes_are_replicated() {
    let t = Scratch::new("fallocate-live");
    let (mut p, mut s) = t.synced_pair();
    let (pm, sm) = (t.p(), t.s());
    const MB: i64 = 1 << 20;

    let f = OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(pm.join("db"))
        .unwrap();
    // posix_fallocate, as fio lays out its files.
    assert_eq!(unsafe { libc::posix_fallocate(f.as_raw_fd(), 0, 4 * MB) }, 0);
    f.write_all_at(&vec![0xabu8; 4 * MB as usize], 0).unwrap();
    fallocate(&f, libc::FALLOC_FL_KEEP_SIZE, 4 * MB, 2 * MB).unwrap();
    fallocate(&f, libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE, MB, MB).unwrap();
    fallocate(&f, libc::FALLOC_FL_ZERO_RANGE, 3 * MB, 2 * MB).unwrap();
    let e = fallocate(&f, libc::FALLOC_FL_COLLAPSE_RANGE, 0, MB).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EOPNOTSUPP));
    // The hole punched reads as zeros and is a hole through the mount.
    assert_eq!(seek(&f, MB, libc::SEEK_DATA), 2 * MB);
    assert_eq!(seek(&f, 0, libc::SEEK_HOLE), MB);
    drop(f);

    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    assert_eq!(fs::read(sm.join("db")).unwrap(), fs::read(pm.join("db")).unwrap());
    assert_eq!(fs::metadata(sm.join("db")).unwrap().len(), 5 * MB as u64);
    let copy = fs::File::open(sm.join("db")).unwrap();
    assert_eq!(
        seek(&copy, 0, libc::SEEK_HOLE),
        MB,
        "the hole is a hole on the secondary"
    );
    assert_same_trees(&pm, &sm);
}
