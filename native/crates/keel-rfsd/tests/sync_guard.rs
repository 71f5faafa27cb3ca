//! SafeKit's guard (guide §3.4): a secondary whose last synchronisation is more than 90 s away
//! from its primary's refuses an incremental reintegration with the guide's message and stops;
//! `second fullsync` (--full) is the way out and copies everything.
mod support;
use std::fs;
use support::*;

#[test]
fn a_secondary_synchronised_long_before_its_primary_needs_a_full_copy() {
    let t = Scratch::new("zones-guard");
    for i in 0..3 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; 10_000]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    assert_eq!(s.stop(), Some(0));

    // The secondary's copy was last in sync an hour before the primary's.
    let state = t.root.join("s-state");
    let primary_ms: u64 = fs::read_to_string(t.root.join("p-state/synctimestamp"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    fs::write(
        state.join("synctimestamp"),
        format!("{}\n", primary_ms - 3_600_000),
    )
    .unwrap();

    let mut s = t.secondary(port, false);
    let error = s.wait("error");
    assert_eq!(
        error["message"],
        "Automatic synchronization cannot be applied due to an abnormal delta between the dates of the last synchronization"
    );
    assert_eq!(s.stop(), Some(0), "the secondary stopped by itself");
    assert!(s.drain().iter().all(|e| e["event"] != "synced"));

    let mut s = t.secondary(port, true);
    assert_eq!(s.wait("reintegration")["full"], true);
    assert_eq!(s.wait("synced")["files"], 3);
    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
}
