//! A reintegration copies what the application's operations made: extended attributes (on files,
//! directories, the directory itself and symbolic links; stale ones on the secondary removed,
//! also on a file whose data is already the same), fifos, and sparse files with their holes left
//! holes on the secondary.
mod support;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::{FileExt, FileTypeExt, MetadataExt};
use support::*;

fn mkfifo(p: &std::path::Path, mode: u32) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), mode) }, 0);
    // Whatever the test's umask took away.
    assert_eq!(unsafe { libc::chmod(c.as_ptr(), mode) }, 0);
}

#[test]
fn the_reintegration_copies_attributes_fifos_and_holes() {
    let t = Scratch::new("rei-xattrs");
    let (pd, sd) = (t.p(), t.s());
    // Before either daemon runs: the primary's tree...
    fs::create_dir(pd.join("d")).unwrap();
    fs::write(pd.join("d/f"), b"content").unwrap();
    set_xattr(&pd.join("d/f"), b"user.tag", b"primary", 0).unwrap();
    set_xattr(&pd.join("d"), b"trusted.dir", b"primary", 0).unwrap();
    set_xattr(&pd, b"user.top", b"primary", 0).unwrap();
    std::os::unix::fs::symlink("f", pd.join("d/l")).unwrap();
    set_xattr(&pd.join("d/l"), b"trusted.link", b"primary", 0).unwrap();
    mkfifo(&pd.join("d/fifo"), 0o620);
    std::os::unix::fs::chown(pd.join("d/fifo"), Some(USER), Some(USER)).unwrap();
    let sparse = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(pd.join("sparse"))
        .unwrap();
    sparse.write_all_at(b"head", 0).unwrap();
    sparse.write_all_at(b"tail", 256 << 20).unwrap();
    drop(sparse);
    fs::write(pd.join("same"), b"same data").unwrap();
    set_xattr(&pd.join("same"), b"user.new", b"only on the primary", 0).unwrap();
    // ...and a secondary's older copy: the same data in "same" (size and time), other attributes.
    fs::create_dir(sd.join("d")).unwrap();
    set_xattr(&sd.join("d"), b"user.stale", b"secondary", 0).unwrap();
    fs::write(sd.join("same"), b"same data").unwrap();
    set_xattr(&sd.join("same"), b"user.stale", b"secondary", 0).unwrap();
    let m = fs::metadata(pd.join("same")).unwrap();
    let times = fs::FileTimes::new()
        .set_modified(m.modified().unwrap())
        .set_accessed(m.accessed().unwrap());
    fs::File::options()
        .write(true)
        .open(sd.join("same"))
        .unwrap()
        .set_times(times)
        .unwrap();

    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, false);
    s.wait("synced");
    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");

    assert_same_xattrs(&pd, &sd);
    assert_same_trees(&pd, &sd);
    assert_eq!(
        get_xattr(&sd.join("same"), b"user.new").unwrap(),
        b"only on the primary"
    );
    assert!(get_xattr(&sd.join("d"), b"user.stale").is_err());
    let fifo = fs::symlink_metadata(sd.join("d/fifo")).unwrap();
    assert!(fifo.file_type().is_fifo());
    assert_eq!((fifo.mode() & 0o7777, fifo.uid()), (0o620, USER));
    let copy = fs::metadata(sd.join("sparse")).unwrap();
    assert_eq!(copy.len(), (256 << 20) + 4);
    // Two blocks of data, not 256 MiB of zeros: st_blocks counts 512-byte units.
    assert!(
        copy.blocks() * 512 < 1 << 20,
        "{} blocks: the holes were written",
        copy.blocks()
    );
}
