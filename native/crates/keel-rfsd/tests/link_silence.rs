//! A link that goes silent (a cut cable, a frozen node: no FIN, no RST) is given up within the
//! liveness timeout on both sides, so that a secondary never believes itself up to date behind a
//! primary that goes on writing, and a primary never blocks its application for ever.
mod support;
use std::fs;
use std::time::{Duration, Instant};
use support::*;

#[test]
fn a_frozen_primary_is_given_up_by_its_secondary_which_rejoins_when_it_thaws() {
    let t = Scratch::new("silent-primary");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    // Idle but alive: the primary's pings keep the link up well past the timeout.
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        s.drain().iter().all(|e| e["event"] != "link-lost"),
        "{:?}",
        s.drain()
    );

    p.signal(libc::SIGSTOP);
    let frozen = Instant::now();
    s.wait("link-lost");
    assert!(
        frozen.elapsed() < Duration::from_secs(10),
        "noticed after {:?}",
        frozen.elapsed()
    );
    p.signal(libc::SIGCONT);
    s.wait("synced");
}

#[test]
fn a_write_does_not_wait_for_a_frozen_secondary_longer_than_the_timeout() {
    let t = Scratch::new("silent-secondary");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");

    s.signal(libc::SIGSTOP);
    let started = Instant::now();
    fs::write(t.p().join("during"), b"written while the secondary is frozen").unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the write took {:?}",
        started.elapsed()
    );
    p.wait("link-lost");
    s.signal(libc::SIGCONT);
    // Thawed, the secondary finds its link dead, rejoins and catches up.
    s.wait("link-lost");
    s.wait("synced");
    assert_eq!(tree(&t.s()), tree(&t.p()));
}
