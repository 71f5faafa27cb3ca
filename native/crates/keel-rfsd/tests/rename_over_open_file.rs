//! A process keeps `data` open; another writes `new` and renames it over `data`; the first then
//! writes through its old descriptor. That write changed a file no name reaches any more: on both
//! nodes `data` is the new file, untouched.
mod support;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;
use support::*;

#[test]
fn a_write_through_a_descriptor_of_a_replaced_file_reaches_no_name_on_either_node() {
    let mut pair = UserPair::start("rename-over");
    let pm = pair.t.p();
    as_user(move || {
        fs::write(pm.join("data"), b"OLDCONTENT!").unwrap();
        let old = OpenOptions::new().write(true).open(pm.join("data")).unwrap();
        fs::write(pm.join("new"), b"NEWCONTENT!").unwrap();
        fs::rename(pm.join("new"), pm.join("data")).unwrap();
        old.write_all_at(b"XXXX", 0).unwrap();
        old.sync_all().unwrap();
    });

    assert_eq!(fs::read(pair.t.p().join("data")).unwrap(), b"NEWCONTENT!");
    pair.assert_safe();
    let events = pair.p.drain().to_vec();
    assert!(events.iter().all(|e| e["event"] != "link-lost"), "{events:?}");
}
