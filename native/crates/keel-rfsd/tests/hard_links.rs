//! Hard links stay links on both nodes: made live, or found by a reintegration. A write through a
//! descriptor of a file whose known name was unlinked still reaches its other name, even one the
//! kernel never looked up (after it forgot everything).
mod support;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt};
use support::*;

#[test]
fn hard_links_are_links_on_both_nodes_and_writes_follow_the_file() {
    let t = Scratch::new("hard-links");
    // Before the secondary exists: a file with three names, one in another directory.
    fs::create_dir(t.p().join("sub")).unwrap();
    fs::write(t.p().join("a"), b"shared from the start").unwrap();
    fs::hard_link(t.p().join("a"), t.p().join("b")).unwrap();
    fs::hard_link(t.p().join("a"), t.p().join("sub/c")).unwrap();
    // On the secondary, stale names that are one file there but two on the primary.
    fs::write(t.s().join("x"), b"stale").unwrap();
    fs::hard_link(t.s().join("x"), t.s().join("y")).unwrap();
    fs::write(t.p().join("x"), b"stale").unwrap();
    fs::write(t.p().join("y"), b"stale").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, false);
    s.wait("synced");
    assert_same_trees(&t.p(), &t.s());
    assert_eq!(fs::metadata(t.s().join("sub/c")).unwrap().nlink(), 3);

    // Live: a new link, then the first name goes while a descriptor of it is open.
    let pm = t.p();
    let f = OpenOptions::new().write(true).open(pm.join("a")).unwrap();
    fs::hard_link(pm.join("a"), pm.join("d")).unwrap();
    fs::remove_file(pm.join("a")).unwrap();
    fs::remove_file(pm.join("b")).unwrap();
    f.write_all_at(b"SHARED", 0).unwrap();
    f.sync_all().unwrap();
    assert_eq!(fs::read(t.s().join("d")).unwrap(), b"SHARED from the start");
    assert_same_trees(&t.p(), &t.s());

    // Closed, the file can be forgotten: the kernel drops every inode it may (FUSE forget), and
    // only "sub/c" is looked up again, so the table knows no other name of it.
    drop(f);
    fs::write("/proc/sys/vm/drop_caches", "2").unwrap();
    let g = OpenOptions::new().write(true).open(pm.join("sub/c")).unwrap();
    fs::remove_file(pm.join("sub/c")).unwrap();
    g.write_all_at(b"AGAIN", 0).unwrap();
    g.sync_all().unwrap();
    assert_eq!(fs::read(t.s().join("d")).unwrap(), b"AGAIND from the start");
    assert_same_trees(&t.p(), &t.s());
}
