//! The zone record says what a secondary lacks only if its copy is what it was at the sync
//! point. When it is not (here: a recorded file removed from the secondary's directory while its
//! daemon was stopped, behind keel's back, and another one rewritten), the zone reintegration
//! notices it at that file and falls back to comparing files (as after a crash), which also finds
//! the rewritten one, so the copies still end identical: never a silent difference.
mod support;
use std::fs;
use std::os::unix::fs::FileExt;
use support::*;

#[test]
fn a_secondary_that_is_not_what_the_record_says_is_compared() {
    let t = Scratch::new("zones-astray");
    for i in 0..6 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; 64 * 1024]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    assert_eq!(s.stop(), Some(0));
    p.wait("link-lost");

    for i in 0..3 {
        let f = fs::OpenOptions::new()
            .write(true)
            .open(t.p().join(format!("f{i}")))
            .unwrap();
        f.write_all_at(&[0xee; 4096], 4096).unwrap();
    }
    fs::remove_file(t.s().join("f1")).unwrap();
    // Not recorded, and changed there too: only a comparison finds it.
    fs::write(t.s().join("f5"), vec![9u8; 64 * 1024]).unwrap();

    let mut s = t.secondary(port, false);
    assert_eq!(s.wait("reintegration")["full"], false);
    s.wait("synced");
    p.wait("synced");
    assert!(
        p.stderr().contains("not what the zone record says"),
        "{}",
        p.stderr()
    );
    assert_same_trees(&t.p(), &t.s());
    assert_eq!(s.stop(), Some(0));
}
