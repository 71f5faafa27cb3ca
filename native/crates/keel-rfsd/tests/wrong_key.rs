//! A secondary holding another cluster key is refused and learns nothing.
mod support;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use support::*;

#[test]
fn a_secondary_with_another_key_is_refused() {
    let t = Scratch::new("wrong-key");
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    fs::write(t.key(), "aa".repeat(32)).unwrap();
    fs::set_permissions(t.key(), fs::Permissions::from_mode(0o600)).unwrap();
    let mut s = t.secondary(port, true);
    s.wait("mounted");
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(
        p.drain().iter().all(|e| e["event"] != "connected"),
        "{:?}",
        p.drain()
    );
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    assert!(
        p.stderr().contains("refused a replication connection"),
        "{}",
        p.stderr()
    );
    assert!(p.stderr().contains("authentication failed"), "{}", p.stderr());
    assert!(!t.s().join("secret").exists());
}
