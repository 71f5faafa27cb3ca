//! A live replication mount that no start can take over (here its daemon's record is gone) is
//! never detached: the new daemon refuses to start, and the application keeps the mount it has
//! rather than the bare directory (crate::mounts, crate::handover).
mod support;
use std::fs;
use support::*;

#[test]
fn a_start_that_cannot_take_a_live_mount_over_refuses_and_leaves_it() {
    let t = Scratch::new("live-mount");
    let mut first = t.primary(free_port());
    first.wait("mounted");
    fs::remove_file(t.root.join("p-state/primary")).unwrap();

    let mut second = t.primary(free_port());
    let e = second.wait("error");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("a live replication mount is on"),
        "{e}"
    );
    assert_eq!(second.stop(), Some(1));
    fs::write(t.p().join("still-replicated"), b"x").unwrap();
    assert!(mounted(&t.p()));
    assert_eq!(first.stop(), Some(0));
    assert!(!mounted(&t.p()));
}
