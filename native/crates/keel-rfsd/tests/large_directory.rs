//! A directory whose listing is larger than a replication frame can hold (here 17 000 names of
//! 250 bytes, over 4 MiB) is sent in parts: the secondary syncs, and removes what the primary
//! lacks only once it has the whole listing.
mod support;
use std::fs;
use support::*;

#[test]
fn a_directory_too_large_for_one_frame_is_replicated() {
    let t = Scratch::new("large-dir");
    let dir = t.p().join("many");
    fs::create_dir(&dir).unwrap();
    let name = |i: usize| format!("{i:06}-{}", "x".repeat(243));
    for i in 0..17_000 {
        fs::write(dir.join(name(i)), b"").unwrap();
    }
    // On the secondary: one of them already, and one the primary does not have.
    fs::create_dir(t.s().join("many")).unwrap();
    fs::write(t.s().join("many").join(name(16_999)), b"").unwrap();
    fs::write(t.s().join("many/stale"), b"gone after the sync").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, false);
    s.wait("synced");
    assert_eq!(fs::read_dir(t.s().join("many")).unwrap().count(), 17_000);
    assert!(!t.s().join("many/stale").exists());
    assert!(t.s().join("many").join(name(0)).exists());
    assert!(
        p.drain().iter().all(|e| e["event"] != "link-lost"),
        "{:?}",
        p.drain()
    );
}
