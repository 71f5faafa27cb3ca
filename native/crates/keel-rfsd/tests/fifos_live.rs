//! Fifos and sockets made through the primary's mount are made on the secondary with their mode
//! and owner; a device node is refused, even to root (the daemon would make it as root); a fifo
//! in the replicated directory never blocks the daemons.
mod support;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use support::*;

fn mknod(p: &std::path::Path, mode: u32, dev: u64) -> std::io::Result<()> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    if unsafe { libc::mknod(c.as_ptr(), mode, dev) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[test]
fn fifos_and_sockets_are_replicated_and_devices_refused() {
    let t = Scratch::new("fifos-live");
    open_to_users(&t.p());
    open_to_users(&t.s());
    let (mut p, mut s) = t.synced_pair();
    let (pm, sm) = (t.p(), t.s());

    mknod(&pm.join("fifo"), libc::S_IFIFO | 0o640, 0).unwrap();
    // A user's fifo is the user's on both nodes.
    let users = pm.join("users-fifo");
    as_user(move || mknod(&users, libc::S_IFIFO | 0o600, 0)).unwrap();
    // A socket bound in the directory (the kernel makes it with mknod).
    let sock = std::os::unix::net::UnixListener::bind(pm.join("sock")).unwrap();
    let e = mknod(&pm.join("null"), libc::S_IFCHR | 0o666, libc::makedev(1, 3)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EPERM));
    let e = mknod(&pm.join("disk"), libc::S_IFBLK | 0o600, libc::makedev(7, 0)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EPERM));
    // mknod(2) of a regular file makes an empty file.
    mknod(&pm.join("plain"), libc::S_IFREG | 0o604, 0).unwrap();
    // The fifo works through the mount (the kernel serves it; the daemon never opens it).
    let writer = {
        let f = pm.join("fifo");
        std::thread::spawn(move || fs::write(f, b"through the pipe").unwrap())
    };
    assert_eq!(fs::read(pm.join("fifo")).unwrap(), b"through the pipe");
    writer.join().unwrap();
    fs::rename(pm.join("fifo"), pm.join("fifo2")).unwrap();

    // Closed before the primary stops: a bound socket would keep its mount busy.
    drop(sock);
    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    let m = fs::symlink_metadata(sm.join("fifo2")).unwrap();
    assert!(m.file_type().is_fifo());
    assert_eq!(m.mode() & 0o7777, 0o640);
    let m = fs::symlink_metadata(sm.join("users-fifo")).unwrap();
    assert!(m.file_type().is_fifo());
    assert_eq!((m.uid(), m.mode() & 0o7777), (USER, 0o600));
    assert!(fs::symlink_metadata(sm.join("sock"))
        .unwrap()
        .file_type()
        .is_socket());
    assert!(!sm.join("null").exists() && !sm.join("disk").exists());
    assert_same_trees(&pm, &sm);
}
