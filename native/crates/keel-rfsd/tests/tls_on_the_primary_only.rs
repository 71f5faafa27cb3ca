//! A primary with TLS and a secondary without: the primary refuses the plaintext handshake and
//! the secondary is told the peer speaks TLS; nothing is replicated, nothing falls back.
mod support;
use support::certs::Ca;
use support::refused::refused_pair;
use support::Scratch;

#[test]
fn a_plaintext_secondary_is_refused_by_a_tls_primary() {
    let t = Scratch::new("tls-primary-only-certs");
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let r = refused_pair(
        "tls-primary-only",
        &ca.node(&t.root.join("p-tls"), "node1", "127.0.0.1"),
        &[],
    );
    let (ps, ss) = (r.primary, r.secondary);
    assert!(ps.contains("refused a replication connection"), "{ps}");
    assert!(ps.contains("TLS handshake failed"), "{ps}");
    assert!(
        ss.contains("TLS handshake failed: the peer speaks TLS and this node does not"),
        "{ss}"
    );
}
