//! How the secondary learns the primary went away tells whether its copy is complete: a clean
//! stop says goodbye (everything acknowledged is there), a crash just breaks the link.
mod support;
use std::fs;
use support::*;

#[test]
fn a_clean_stop_says_goodbye_and_a_crash_does_not() {
    let t = Scratch::new("primary-stops");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    fs::write(t.p().join("last"), b"acknowledged").unwrap();
    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    assert!(
        s.drain().iter().all(|e| e["event"] != "link-lost"),
        "{:?}",
        s.drain()
    );
    assert_eq!(fs::read(t.s().join("last")).unwrap(), b"acknowledged");

    // The secondary joins the primary again when it returns, and then loses it to a crash.
    let mut p = t.primary(port);
    p.wait("mounted");
    s.wait("synced");
    p.kill9();
    s.wait("link-lost");
}
