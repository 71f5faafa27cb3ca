//! A secondary that cannot take what it is sent (its disk is too small for the primary's data) is
//! not retried for ever inside one reintegration: after a bounded number of passes the primary
//! drops the link and says why; the secondary never reports itself synced.
mod support;
use std::fs;
use support::*;

#[test]
fn a_reintegration_that_cannot_converge_is_given_up_with_the_reason() {
    let t = Scratch::new("gives-up");
    fs::write(t.p().join("big"), vec![7u8; 2 << 20]).unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary_on(port, true, "mount -t tmpfs -o size=256k keel-test \"$2\"");
    let lost = p.wait("link-lost");
    assert!(
        lost["reason"]
            .as_str()
            .unwrap()
            .contains("did not converge in 10 passes"),
        "{lost}"
    );
    assert!(
        s.drain().iter().all(|e| e["event"] != "synced"),
        "{:?}",
        s.drain()
    );
}
