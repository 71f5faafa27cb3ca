//! The zone record survives a clean stop of the primary (SafeKit guide §3.4, case 2): blocks
//! changed while the secondary was away, then the primary stopped (SIGTERM) and started again;
//! the returning secondary still gets only those zones, and the trees end identical.
mod support;
use std::fs;
use std::os::unix::fs::FileExt;
use support::*;

#[test]
fn a_clean_restart_of_the_primary_keeps_the_zones() {
    let t = Scratch::new("zones-restart");
    for i in 0..8 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; 128 * 1024]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    assert_eq!(s.stop(), Some(0));

    for i in [1u64, 4] {
        let f = fs::OpenOptions::new()
            .write(true)
            .open(t.p().join(format!("f{i}")))
            .unwrap();
        f.write_all_at(&[0x5a; 4096], 8192 * i).unwrap();
    }
    p.wait("link-lost");
    assert_eq!(p.stop(), Some(0));
    // A write made while nothing is mounted would be outside any record: none here.
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");

    let mut s = t.secondary(port, false);
    let synced = s.wait("synced");
    assert_eq!(synced["bytes"], 2 * 4096, "only the two zones: {synced}");
    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
}
