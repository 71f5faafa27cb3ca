//! Encryption on at the secondary and off at the primary: the primary refuses the TLS hello as a
//! frame it cannot read, both say "TLS handshake failed", and nothing falls back to plaintext.
mod support;
use std::fs;
use std::time::Instant;
use support::certs::Ca;
use support::*;

#[test]
fn a_tls_secondary_is_refused_by_a_plaintext_primary() {
    let t = Scratch::new("tls-secondary-only");
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let s_tls = ca.node(&t.root.join("s-tls"), "node2", "127.0.0.1");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary_plus(port, true, &s_tls.iter().map(String::as_str).collect::<Vec<_>>());
    s.wait("mounted");
    let deadline = Instant::now() + WAIT;
    while !(p.stderr().contains("TLS handshake failed") && s.stderr().contains("TLS handshake failed"))
        && Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (ps, ss) = (p.stderr(), s.stderr());
    assert!(
        ps.contains("TLS handshake failed: the peer speaks TLS and this node does not"),
        "{ps}"
    );
    assert!(ss.contains("cannot join the primary"), "{ss}");
    assert!(ss.contains("TLS handshake failed"), "{ss}");
    assert!(p.drain().iter().all(|e| e["event"] != "connected"));
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    assert!(!t.s().join("secret").exists());
}
