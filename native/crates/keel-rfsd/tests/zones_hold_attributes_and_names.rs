//! A zone reintegration visits only what the record holds, not the tree: so the record must hold
//! every change an application can make while the secondary is away, not only data. Here, with a
//! tree of many untouched files, every kind of change is made through the primary's mount while
//! the secondary is stopped (mode, owner, times, extended attributes, a directory made and one
//! removed, a symbolic link, a fifo, a hard link, a directory renamed with a written file in it,
//! an exchange of names); when it returns, the trees end identical (kinds, modes, owners, sizes,
//! links, contents, files' times, extended attributes) while the reintegration's totals are the
//! recorded files, not the tree's.
mod support;
use serde_json::Value;
use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, PermissionsExt};
use support::*;

const UNTOUCHED: usize = 300;

fn n(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {v}"))
}

#[test]
fn every_change_made_while_away_reaches_the_secondary_without_a_walk() {
    let t = Scratch::new("zones-attrs");
    fs::create_dir_all(t.p().join("a/sub")).unwrap();
    fs::create_dir_all(t.p().join("gone")).unwrap();
    fs::create_dir_all(t.p().join("many")).unwrap();
    for i in 0..UNTOUCHED {
        fs::write(t.p().join(format!("many/u{i}")), vec![i as u8; 8192]).unwrap();
    }
    for f in ["a/f1", "a/f2", "a/f3", "a/sub/w", "x", "y"] {
        fs::write(t.p().join(f), vec![7u8; 64 * 1024]).unwrap();
    }
    set_xattr(&t.p().join("a/f2"), b"user.old", b"1", 0).unwrap();
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    p.wait("synced");
    assert_eq!(s.stop(), Some(0));
    p.wait("link-lost");

    let m = t.p();
    fs::set_permissions(m.join("a/f1"), fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(m.join("a/f2"), Some(1234), Some(4321)).unwrap();
    remove_xattr(&m.join("a/f2"), b"user.old").unwrap();
    set_xattr(&m.join("a/f3"), b"user.new", b"value", 0).unwrap();
    let old = fs::File::open(m.join("a/f3")).unwrap();
    old.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
        .unwrap();
    drop(old);
    fs::set_permissions(m.join("a/sub"), fs::Permissions::from_mode(0o750)).unwrap();
    fs::create_dir(m.join("a/new")).unwrap();
    set_xattr(&m.join("a/new"), b"user.dir", b"d", 0).unwrap();
    std::os::unix::fs::symlink("../x", m.join("a/link")).unwrap();
    let fifo = CString::new(m.join("a/q").as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o640) }, 0);
    fs::hard_link(m.join("a/f1"), m.join("a/f1-again")).unwrap();
    fs::remove_dir(m.join("gone")).unwrap();
    // Written, then its directory renamed: the hint follows the rename.
    let w = fs::OpenOptions::new()
        .write(true)
        .open(m.join("a/sub/w"))
        .unwrap();
    w.write_all_at(&[0xcd; 4096], 8192).unwrap();
    drop(w);
    fs::rename(m.join("a/sub"), m.join("moved")).unwrap();
    // Written, then exchanged with another name.
    let x = fs::OpenOptions::new().write(true).open(m.join("x")).unwrap();
    x.write_all_at(&[0xef; 100], 0).unwrap();
    drop(x);
    let (cx, cy) = (
        CString::new(m.join("x").as_os_str().as_bytes()).unwrap(),
        CString::new(m.join("y").as_os_str().as_bytes()).unwrap(),
    );
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            cx.as_ptr(),
            libc::AT_FDCWD,
            cy.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
    let from = p.drain().len();

    let mut s = t.secondary(port, false);
    assert_eq!(s.wait("reintegration")["full"], false);
    let synced = s.wait("synced");
    p.wait("synced");
    assert_eq!(
        synced["bytes"],
        4096 + 4096,
        "the two written zones only: {synced}"
    );

    let end = p.drain()[from..]
        .iter()
        .rev()
        .find(|v| v["event"] == "stats" && !v["rei_running"].as_bool().unwrap())
        .cloned()
        .expect("the report of the reintegration's end");
    // The recorded files (f1, f2, f3, w, y), not the tree's hundreds.
    assert_eq!(n(&end, "rei_files_total"), 5, "{end}");
    assert_eq!(n(&end, "rei_files_done"), 5, "{end}");

    assert_same_trees(&t.p(), &t.s());
    assert_same_xattrs(&t.p(), &t.s());
    assert_eq!(mtimes(&t.s()), mtimes(&t.p()));
    assert_eq!(s.stop(), Some(0));
}

/// The modification times of the regular files and symbolic links (a fifo is not opened).
fn mtimes(root: &std::path::Path) -> Vec<(String, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    for (rel, node) in full_tree(root) {
        if node.kind == 'f' || node.kind == 'l' {
            let m = fs::symlink_metadata(root.join(&rel)).unwrap();
            out.push((rel, m.mtime(), m.mtime_nsec()));
        }
    }
    out
}
