//! A secondary that was away rejoins without --full: only what changed meanwhile is copied.
mod support;
use std::fs;
use support::*;

#[test]
fn a_returning_secondary_copies_only_the_files_that_changed() {
    let t = Scratch::new("rejoin");
    for i in 0..20 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; 10_000]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    assert_eq!(s.wait("synced")["files"], 20);
    assert!(s.has_mount(&t.p()));
    assert_eq!(s.stop(), Some(0));

    // While the secondary is away: one file changed, one removed, one added.
    fs::write(t.p().join("f3"), b"changed").unwrap();
    fs::remove_file(t.p().join("f4")).unwrap();
    fs::write(t.p().join("new"), b"new").unwrap();
    // The primary notices the secondary is gone at the first change it cannot send.
    p.wait("link-lost");

    let mut s = t.secondary(port, false);
    assert_eq!(s.wait("reintegration")["full"], false);
    let synced = s.wait("synced");
    assert_eq!(synced["files"], 2, "only f3 and new are copied: {synced}");
    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
}
