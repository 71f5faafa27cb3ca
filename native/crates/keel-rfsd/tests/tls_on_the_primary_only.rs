//! Encryption on at the primary and off at the secondary: the secondary's plaintext handshake is
//! refused, both say "TLS handshake failed", and nothing falls back to plaintext.
mod support;
use std::fs;
use std::time::Instant;
use support::certs::Ca;
use support::*;

#[test]
fn a_plaintext_secondary_is_refused_by_a_tls_primary() {
    let t = Scratch::new("tls-primary-only");
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let p_tls = ca.node(&t.root.join("p-tls"), "node1", "127.0.0.1");
    let port = free_port();
    let mut p = t.primary_with(port, &p_tls.iter().map(String::as_str).collect::<Vec<_>>());
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("mounted");
    let deadline = Instant::now() + WAIT;
    while !(p.stderr().contains("TLS handshake failed") && s.stderr().contains("TLS handshake failed"))
        && Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (ps, ss) = (p.stderr(), s.stderr());
    assert!(ps.contains("refused a replication connection"), "{ps}");
    assert!(ps.contains("TLS handshake failed"), "{ps}");
    assert!(
        ss.contains("TLS handshake failed: the peer speaks TLS and this node does not"),
        "{ss}"
    );
    assert!(p.drain().iter().all(|e| e["event"] != "connected"));
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    assert!(!t.s().join("secret").exists());
}
