//! A secondary whose certificate another CA issued (and which knows only that CA) is refused at
//! the TLS handshake, with SafeKit's "TLS handshake failed" on both nodes, and gets nothing.
mod support;
use support::certs::Ca;
use support::refused::refused_pair;
use support::Scratch;

#[test]
fn a_secondary_certified_by_another_ca_is_refused() {
    let t = Scratch::new("tls-other-ca-certs");
    let ours = Ca::new(&t.root.join("ca"), "cluster");
    let theirs = Ca::new(&t.root.join("ca2"), "another-cluster");
    let r = refused_pair(
        "tls-other-ca",
        &ours.node(&t.root.join("p-tls"), "node1", "127.0.0.1"),
        &theirs.node(&t.root.join("s-tls"), "node2", "127.0.0.1"),
    );
    let (ps, ss) = (r.primary, r.secondary);
    assert!(ps.contains("refused a replication connection"), "{ps}");
    assert!(ps.contains("TLS handshake failed"), "{ps}");
    assert!(ss.contains("cannot join the primary"), "{ss}");
    // What rustls found: the primary's certificate is not from the CA this node trusts.
    assert!(
        ss.contains("TLS handshake failed: invalid peer certificate: UnknownIssuer"),
        "{ss}"
    );
}
