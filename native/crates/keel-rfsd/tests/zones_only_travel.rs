//! A secondary stopped cleanly while one 4 KiB block changes in some files of the tree: when it
//! comes back, only those zones travel (SafeKit guide §3.4, case 2), counted by the bytes of the
//! `synced` event, and the two trees end identical (contents, modes, sizes and times).
mod support;
use std::fs;
use std::os::unix::fs::FileExt;
use support::*;

const FILES: usize = 12;
const SIZE: usize = 256 * 1024;
const CHANGED: usize = 5;

#[test]
fn only_the_changed_zones_travel_to_a_returning_secondary() {
    let t = Scratch::new("zones-only");
    for i in 0..FILES {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; SIZE]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    assert_eq!(s.wait("synced")["files"], FILES);
    assert_eq!(s.stop(), Some(0));

    // Through the primary's mount, one 4 KiB block (zone-aligned) in some files.
    for i in 0..CHANGED {
        let f = fs::OpenOptions::new()
            .write(true)
            .open(t.p().join(format!("f{i}")))
            .unwrap();
        f.write_all_at(&[0xee; 4096], 16 * 4096 * (i as u64 + 1)).unwrap();
    }
    p.wait("link-lost");

    let mut s = t.secondary(port, false);
    assert_eq!(s.wait("reintegration")["full"], false);
    let synced = s.wait("synced");
    assert_eq!(
        synced["bytes"],
        CHANGED * 4096,
        "only the changed zones: {synced}"
    );
    assert_eq!(synced["files"], CHANGED, "{synced}");
    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
}
