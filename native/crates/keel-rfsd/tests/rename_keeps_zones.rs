//! Files renamed while the secondary is away keep their zones under their new names: the renames
//! are replayed on the secondary before the walk, so a file renamed and then changed in one block
//! costs that block, and a directory renamed with files in it costs nothing. The trees end
//! identical.
mod support;
use std::fs;
use std::os::unix::fs::FileExt;
use support::*;

#[test]
fn a_renamed_file_keeps_its_zones() {
    let t = Scratch::new("zones-rename");
    fs::create_dir(t.p().join("d")).unwrap();
    for i in 0..4 {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; 64 * 1024]).unwrap();
        fs::write(t.p().join(format!("d/g{i}")), vec![9; 32 * 1024]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    assert_eq!(s.stop(), Some(0));

    // f0 renamed over f1, then one block of it changed; f2 and f3 swap names through a third;
    // the directory d moves.
    fs::rename(t.p().join("f0"), t.p().join("f1")).unwrap();
    let f = fs::OpenOptions::new().write(true).open(t.p().join("f1")).unwrap();
    f.write_all_at(&[0xab; 4096], 4096 * 3).unwrap();
    drop(f);
    p.wait("link-lost");
    fs::rename(t.p().join("f2"), t.p().join("tmp")).unwrap();
    fs::rename(t.p().join("f3"), t.p().join("f2")).unwrap();
    fs::rename(t.p().join("tmp"), t.p().join("f3")).unwrap();
    fs::rename(t.p().join("d"), t.p().join("e")).unwrap();

    let mut s = t.secondary(port, false);
    let synced = s.wait("synced");
    assert_eq!(
        synced["bytes"], 4096,
        "only the changed block of the renamed file: {synced}"
    );
    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
}
