//! A secondary configured for another module, or as another node, holds the right cluster key
//! but is refused by name before anything is replicated.
mod support;
use std::fs;
use support::*;

#[test]
fn a_secondary_bound_to_another_module_is_refused_by_name() {
    let t = Scratch::new("binding");
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    fs::write(t.s().join("mine"), b"the other module's file").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary_of(port, "another");
    s.wait("mounted");
    let deadline = std::time::Instant::now() + WAIT;
    while !p.stderr().contains("another module") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        p.stderr()
            .contains("the peer replicates another module, node pair or set of directories"),
        "{}",
        p.stderr()
    );
    assert!(p.drain().iter().all(|e| e["event"] != "connected"));
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    drop(s);
    assert_eq!(fs::read(t.s().join("mine")).unwrap(), b"the other module's file");
    assert!(!t.s().join("secret").exists());
}
