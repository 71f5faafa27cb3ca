//! With the module's encryption on, the link runs in TLS 1.3 with the nodes' certificates: files
//! replicate as before, and what travels between the nodes does not show their contents.
mod support;
use std::fs::{self, OpenOptions};
use std::io::Write;
use support::certs::Ca;
use support::relay::{contains, Relay};
use support::*;

#[test]
fn files_replicate_in_tls_and_their_bytes_are_not_on_the_wire() {
    let t = Scratch::new("tls-data");
    let ca = Ca::new(&t.root.join("ca"), "cluster");
    let p_tls = ca.node(&t.root.join("p-tls"), "node1", "127.0.0.1");
    let s_tls = ca.node(&t.root.join("s-tls"), "node2", "127.0.0.1");
    let marker = format!("keel-marker-{}-", std::process::id());
    // Large enough for frames of many TLS records.
    let before = marker.repeat(20_000);
    fs::write(t.p().join("before"), &before).unwrap();

    let port = free_port();
    let mut p = t.primary_with(port, &p_tls.iter().map(String::as_str).collect::<Vec<_>>());
    p.wait("mounted");
    let relay = Relay::to(port);
    let mut more = vec!["--async", "none"];
    more.extend(s_tls.iter().map(String::as_str));
    let mut s = t.secondary_plus(relay.port, true, &more);
    s.wait("synced");
    assert_eq!(fs::read_to_string(t.s().join("before")).unwrap(), before);

    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(t.p().join("live"))
        .unwrap();
    for i in 0..50 {
        writeln!(f, "{marker}{i}").unwrap();
        f.sync_data().unwrap();
        // Applied before acknowledged (`--async none`): the secondary has it already.
        let copy = fs::read_to_string(t.s().join("live")).unwrap();
        assert!(
            copy.ends_with(&format!("{marker}{i}\n")),
            "after line {i}: {copy:?}"
        );
    }

    let wire = relay.seen();
    assert!(wire.len() > before.len(), "only {} bytes relayed", wire.len());
    // A TLS handshake record begins the connection.
    assert_eq!(&wire[..2], &[0x16, 0x03]);
    assert!(
        !contains(&wire, marker.as_bytes()),
        "the marker travelled in clear"
    );
}
