//! Clients that connect and say nothing, or announce a frame far larger than a Hello, cannot keep
//! the secondary out: handshakes run side by side, each must end within the link timeout, a
//! flood beyond the concurrent ones is turned away, and refusals are reported sparingly.
mod support;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::*;

#[test]
fn idle_and_oversized_handshakes_do_not_keep_the_secondary_out() {
    let t = Scratch::new("slow-handshakes");
    std::fs::write(t.p().join("f"), b"data").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    // More idle clients than handshakes may run at once: every slot is taken.
    let mut idle: Vec<TcpStream> = (0..12)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let mut oversized = TcpStream::connect(("127.0.0.1", port)).unwrap();
    oversized.write_all(&(1u32 << 20).to_le_bytes()).unwrap();

    let mut s = t.secondary(port, true);
    s.wait("synced");
    assert_eq!(std::fs::read(t.s().join("f")).unwrap(), b"data");
    // Each idle client was dropped by the primary (the handshake deadline, or no free slot).
    for c in idle.iter_mut().chain(std::iter::once(&mut oversized)) {
        c.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        let mut b = [0u8; 1];
        assert!(
            matches!(c.read(&mut b), Ok(0) | Err(_)),
            "a client kept its handshake open"
        );
    }
    let refusals = p.stderr().matches("refused a replication connection").count();
    assert!((1..=3).contains(&refusals), "{}", p.stderr());
}
