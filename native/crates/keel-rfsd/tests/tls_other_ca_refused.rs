//! A secondary whose certificate another CA issued (and which knows only that CA) is refused at
//! the TLS handshake, with SafeKit's "TLS handshake failed" on both nodes, and gets nothing.
mod support;
use std::fs;
use std::time::Instant;
use support::certs::Ca;
use support::*;

#[test]
fn a_secondary_certified_by_another_ca_is_refused() {
    let t = Scratch::new("tls-other-ca");
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    let ours = Ca::new(&t.root.join("ca"), "cluster");
    let theirs = Ca::new(&t.root.join("ca2"), "another-cluster");
    let p_tls = ours.node(&t.root.join("p-tls"), "node1", "127.0.0.1");
    let s_tls = theirs.node(&t.root.join("s-tls"), "node2", "127.0.0.1");
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
    assert!(ps.contains("refused a replication connection"), "{ps}");
    assert!(ps.contains("TLS handshake failed"), "{ps}");
    assert!(ss.contains("cannot join the primary"), "{ss}");
    // What rustls found: the primary's certificate is not from the CA this node trusts.
    assert!(
        ss.contains("TLS handshake failed: invalid peer certificate: UnknownIssuer"),
        "{ss}"
    );
    assert!(p.drain().iter().all(|e| e["event"] != "connected"));
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    assert!(!t.s().join("secret").exists());
}
