//! A secondary's daemon dies in the middle of a reintegration (killed, crashed, its service
//! restarted). What it knew of the files it had to copy whatever their size and times died with it
//! (crate::copies), so the next daemon copies every file instead of comparing (issue 8,
//! docs/decisions/0014).
mod support;
use std::fs;
use support::*;

#[test]
fn a_reintegration_cut_short_by_the_daemons_death_is_followed_by_a_full_one() {
    let t = Scratch::new("restart-reint");
    for i in 0..20 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; 256 * 1024]).unwrap();
    }
    let port = free_port();
    // Slow enough (1 MiB/s for 5 MiB) to be killed in the middle.
    let mut p = t.primary_with(port, &["--rei-kbps", "1024"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    assert_eq!(s.wait("reintegration")["full"], true);
    s.kill9();

    let mut s = t.secondary(port, false);
    assert_eq!(
        s.wait("reintegration")["full"],
        true,
        "the next one copies everything"
    );
    s.wait("synced");
    assert_eq!(tree(&t.s()), tree(&t.p()));

    // Finished: the one after compares again.
    assert_eq!(s.stop(), Some(0));
    let mut s = t.secondary(port, false);
    assert_eq!(s.wait("reintegration")["full"], false);
    s.wait("synced");
}
