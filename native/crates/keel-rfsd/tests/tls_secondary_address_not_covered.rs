//! A secondary whose certificate comes from the cluster CA but does not cover the address the
//! primary expects it at (`--peer-addr`) is refused by the primary, which tells it why.
mod support;
use std::fs;
use std::time::Instant;
use support::certs::Ca;
use support::*;

#[test]
fn a_secondary_certificate_for_another_address_is_refused() {
    let t = Scratch::new("tls-not-covered");
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let p_tls = ca.node(&t.root.join("p-tls"), "node1", "127.0.0.1");
    let s_tls = ca.node(&t.root.join("s-tls"), "node2", "198.18.0.2");
    let port = free_port();
    let mut p = t.primary_with(port, &p_tls.iter().map(String::as_str).collect::<Vec<_>>());
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
        ps.contains("TLS handshake failed: invalid peer certificate: NotValidForName"),
        "{ps}"
    );
    assert!(
        ss.contains("TLS handshake failed: received fatal alert: BadCertificate (the primary refused this node's certificate)"),
        "{ss}"
    );
    assert!(p.drain().iter().all(|e| e["event"] != "connected"));
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    assert!(!t.s().join("secret").exists());
}
