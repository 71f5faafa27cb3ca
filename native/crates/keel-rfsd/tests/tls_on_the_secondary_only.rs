//! A secondary with TLS and a primary without: the primary sees a TLS record where a handshake
//! frame should be and refuses it; nothing is replicated, nothing falls back.
mod support;
use support::certs::Ca;
use support::refused::refused_pair;
use support::Scratch;

#[test]
fn a_tls_secondary_is_refused_by_a_plaintext_primary() {
    let t = Scratch::new("tls-secondary-only-certs");
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let r = refused_pair(
        "tls-secondary-only",
        &[],
        &ca.node(&t.root.join("s-tls"), "node2", "127.0.0.1"),
    );
    let (ps, ss) = (r.primary, r.secondary);
    assert!(
        ps.contains("TLS handshake failed: the peer speaks TLS and this node does not"),
        "{ps}"
    );
    assert!(ss.contains("cannot join the primary"), "{ss}");
    assert!(ss.contains("TLS handshake failed"), "{ss}");
}
