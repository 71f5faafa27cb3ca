//! Locks taken through the primary's mount hold between processes there: flock and POSIX record
//! locks (the kernel keeps them for the mount; they are not replicated, as a local file system's
//! are not on another node).
mod support;
use std::process::Command;
use support::*;

#[test]
fn flock_and_posix_locks_exclude_each_other_on_the_primary() {
    let t = Scratch::new("locks");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let lock = t.p().join("lock");
    std::fs::write(&lock, b"").unwrap();
    let l = lock.to_str().unwrap();

    // One flock holds while a second `flock -n` is refused, then the second gets it.
    let mut holder = Command::new("flock")
        .args(["-n", l, "sh", "-c", "echo held; read _ || true"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "held\n");
    let second = Command::new("flock").args(["-n", l, "true"]).status().unwrap();
    assert_eq!(second.code(), Some(1), "a second flock -n got the lock");
    // A POSIX write lock from another process is not refused by a flock (separate kinds)...
    let posix = |cmd: &str| {
        Command::new("python3")
            .args([
                "-c",
                &format!("import fcntl,sys; f=open(sys.argv[1],'r+'); {cmd}"),
                l,
            ])
            .status()
            .unwrap()
            .code()
    };
    assert_eq!(posix("fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)"), Some(0));
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
    assert_eq!(
        Command::new("flock")
            .args(["-n", l, "true"])
            .status()
            .unwrap()
            .code(),
        Some(0)
    );
    // ...but one POSIX lock excludes another.
    let mut posix_holder = Command::new("python3")
        .args([
            "-c",
            "import fcntl,sys; f=open(sys.argv[1],'r+'); fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
            l,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(posix_holder.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "held\n");
    assert_ne!(posix("fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)"), Some(0));
    drop(posix_holder.stdin.take());
    assert!(posix_holder.wait().unwrap().success());
    assert_eq!(posix("fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)"), Some(0));
}
