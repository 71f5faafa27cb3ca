//! The daemon does not outlive the service that started it: when its parent dies (even by
//! kill -9), it unmounts and exits instead of leaving a mount nobody controls.
mod support;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

#[test]
fn the_daemon_unmounts_and_exits_when_its_parent_is_killed() {
    let t = Scratch::new("parent-dies");
    let daemon = env!("CARGO_BIN_EXE_keel-rfsd");
    let script = format!(
        "{daemon} --role primary --module mirror --node node1 --peer node2 --dir {} --listen 127.0.0.1:{} --key-file {} --state-dir {} & echo $!; wait",
        t.p().display(),
        free_port(),
        t.key().display(),
        t.root.join("p-state").display(),
    );
    let mut parent = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(parent.stdout.take().unwrap()).lines();
    let pid: i32 = lines.next().unwrap().unwrap().trim().parse().unwrap();
    assert!(lines.next().unwrap().unwrap().contains("\"mounted\""));
    assert!(mounted(&t.p()));

    parent.kill().unwrap();
    parent.wait().unwrap();
    let deadline = Instant::now() + WAIT;
    while unsafe { libc::kill(pid, 0) } == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_ne!(unsafe { libc::kill(pid, 0) }, 0, "the daemon outlived its parent");
    assert!(!mounted(&t.p()), "the daemon left its mount behind");
}
