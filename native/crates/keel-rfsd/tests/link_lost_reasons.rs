//! The primary's `link-lost` reason tells a secondary that did not keep up (frozen: no
//! acknowledgment within the link timeout) from one that went away (its daemon killed: the
//! connection ends). Admin reads the first as SafeKit's locktimeout/sendtimeout expiry, which may
//! make the primary go on degraded (docs/decisions/0009 "Degraded"); the second is the secondary
//! leaving, which never does.
mod support;
use std::fs;
use support::*;

/// The phrases of keel-rfsd's timeouts that admin recognises (apps/admin/src/modules/degraded.ts).
fn timed_out(reason: &str) -> bool {
    reason.contains("did not acknowledge within") || reason.contains("did not take the data within")
}

#[test]
fn a_frozen_secondary_times_out_and_a_killed_one_does_not() {
    let t = Scratch::new("link-lost-reasons");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");

    let mut s = t.secondary(port, true);
    s.wait("synced");
    s.signal(libc::SIGSTOP);
    fs::write(t.p().join("during"), b"written while the secondary is frozen").unwrap();
    let lost = p.wait("link-lost");
    let reason = lost["reason"].as_str().unwrap_or_default().to_string();
    assert!(timed_out(&reason), "a frozen secondary: {reason}");
    s.signal(libc::SIGCONT);
    s.wait("synced");

    s.signal(libc::SIGKILL);
    let lost = p.wait("link-lost");
    let reason = lost["reason"].as_str().unwrap_or_default().to_string();
    assert!(!timed_out(&reason), "a killed secondary: {reason}");
}
