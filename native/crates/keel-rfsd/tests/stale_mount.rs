//! A daemon killed with -9 leaves a dead mount; the next daemon clears it and mounts again.
mod support;
use std::fs;
use support::*;

#[test]
fn a_dead_mount_left_by_a_killed_daemon_is_cleared_at_the_next_start() {
    let t = Scratch::new("stale");
    fs::write(t.p().join("kept"), b"data").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    p.kill9();
    assert!(mounted(&t.p()), "a killed FUSE daemon leaves its mount behind");
    assert!(fs::read(t.p().join("kept")).is_err(), "and the mount is dead");

    let mut p = t.primary(port);
    p.wait("mounted");
    assert!(p.stderr().contains("cleared 1 stale mount"), "{}", p.stderr());
    assert_eq!(fs::read(t.p().join("kept")).unwrap(), b"data");
    assert_eq!(p.stop(), Some(0));
    assert!(!mounted(&t.p()));
}
