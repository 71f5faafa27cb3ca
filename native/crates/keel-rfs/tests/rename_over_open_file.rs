//! A process keeps `data` open; another writes `new` and renames it over `data`; the first then
//! writes through its old descriptor. That write changed a file no name reaches any more: on both
//! nodes `data` is the new file, untouched.
mod support;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;
use support::*;

#[test]
fn a_write_through_a_descriptor_of_a_replaced_file_reaches_no_name_on_either_node() {
    let t = Scratch::new("rename-over");
    let canary = Canary::new(&t.root);
    let before = canary.fingerprint();
    open_to_users(&t.p());
    open_to_users(&t.s());
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");

    let pm = t.p();
    as_user(move || {
        fs::write(pm.join("data"), b"OLDCONTENT!").unwrap();
        let old = OpenOptions::new().write(true).open(pm.join("data")).unwrap();
        fs::write(pm.join("new"), b"NEWCONTENT!").unwrap();
        fs::rename(pm.join("new"), pm.join("data")).unwrap();
        old.write_all_at(b"XXXX", 0).unwrap();
        old.sync_all().unwrap();
    });

    assert_eq!(fs::read(t.p().join("data")).unwrap(), b"NEWCONTENT!");
    assert_same_trees(&t.p(), &t.s());
    assert_eq!(canary.fingerprint(), before);
    assert!(
        p.drain().iter().all(|e| e["event"] != "link-lost"),
        "{:?}",
        p.drain()
    );
}
