//! A secondary whose certificate comes from the cluster CA but does not cover the address the
//! primary expects it at (`--peer-addr`) is refused by the primary, which tells it why.
mod support;
use support::certs::Ca;
use support::refused::refused_pair;
use support::Scratch;

#[test]
fn a_secondary_certificate_for_another_address_is_refused() {
    let t = Scratch::new("tls-not-covered-certs");
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let r = refused_pair(
        "tls-not-covered",
        &ca.node(&t.root.join("p-tls"), "node1", "127.0.0.1"),
        &ca.node(&t.root.join("s-tls"), "node2", "198.18.0.2"),
    );
    let (ps, ss) = (r.primary, r.secondary);
    assert!(
        ps.contains("TLS handshake failed: invalid peer certificate: NotValidForName"),
        "{ps}"
    );
    assert!(
        ss.contains("TLS handshake failed: received fatal alert: BadCertificate (the primary refused this node's certificate)"),
        "{ss}"
    );
}
