//! A primary killed (SIGKILL) while its secondary was away leaves no trusted zone record (SafeKit
//! guide §3.4, case 3): at the next join the files are compared, and those modified since the last
//! sync point minus the grace delay are copied whole. The trees still end identical.
mod support;
use std::fs;
use std::os::unix::fs::FileExt;
use support::*;

const SIZE: usize = 64 * 1024;

#[test]
fn a_killed_primary_falls_back_to_comparing_files() {
    let t = Scratch::new("zones-killed");
    for i in 0..6 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; SIZE]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    assert_eq!(s.stop(), Some(0));

    let f = fs::OpenOptions::new().write(true).open(t.p().join("f2")).unwrap();
    f.write_all_at(&[0x77; 4096], 4096).unwrap();
    drop(f);
    p.wait("link-lost");
    p.kill9();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");

    let mut s = t.secondary(port, false);
    let synced = s.wait("synced");
    // Every file was written within the grace delay (an hour) of the last sync point: all are
    // copied whole, not one zone.
    assert_eq!(synced["bytes"], 6 * SIZE, "{synced}");
    assert!(p.stderr().contains("modified since"), "{}", p.stderr());
    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
}
