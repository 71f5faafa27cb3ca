//! Every kind of change an application makes through the primary's mount reaches the secondary
//! before the call returns. The secondary applies before it acknowledges (`<rfs async="none">`):
//! with the default (`second`), it acknowledges on receipt and applies just after, so a look at
//! its disk right after a call may come first (only an fsync waits for the apply then).
mod support;
use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use support::*;

#[test]
fn changes_through_the_primary_are_on_the_secondary_when_the_call_returns() {
    let t = Scratch::new("live");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary_plus(port, true, &["--async", "none"]);
    s.wait("synced");

    let (pm, sm) = (t.p(), t.s());
    fs::create_dir(pm.join("logs")).unwrap();
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(pm.join("logs/app.log"))
        .unwrap();
    for i in 0..100 {
        writeln!(f, "record {i}").unwrap();
        f.sync_data().unwrap();
        // Acknowledged means replicated: the secondary has the record already.
        let copy = fs::read_to_string(sm.join("logs/app.log")).unwrap();
        assert!(
            copy.ends_with(&format!("record {i}\n")),
            "after record {i}: {copy:?}"
        );
    }
    let mut g = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(pm.join("sparse"))
        .unwrap();
    g.seek(SeekFrom::Start(1 << 20)).unwrap();
    g.write_all(b"end").unwrap();
    drop(g);
    fs::write(pm.join("short"), b"0123456789").unwrap();
    OpenOptions::new()
        .write(true)
        .open(pm.join("short"))
        .unwrap()
        .set_len(4)
        .unwrap();
    fs::rename(pm.join("logs"), pm.join("old-logs")).unwrap();
    fs::hard_link(pm.join("short"), pm.join("short-link")).unwrap();
    std::os::unix::fs::symlink("old-logs/app.log", pm.join("latest")).unwrap();
    fs::set_permissions(pm.join("short"), fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::chown(pm.join("short"), Some(1234), Some(5678)).unwrap();
    fs::create_dir(pm.join("tmp")).unwrap();
    fs::write(pm.join("tmp/x"), b"x").unwrap();
    fs::remove_file(pm.join("tmp/x")).unwrap();
    fs::remove_dir(pm.join("tmp")).unwrap();
    fs::write(pm.join("truncated-on-open"), b"long content").unwrap();
    fs::write(pm.join("truncated-on-open"), b"new").unwrap();

    assert_eq!(tree(&sm), tree(&pm));
    let meta = fs::metadata(sm.join("short")).unwrap();
    assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o777), (1234, 5678, 0o640));
    assert_eq!(fs::read(sm.join("sparse")).unwrap().len(), (1 << 20) + 3);
    assert!(
        p.drain().iter().all(|e| e["event"] != "link-lost"),
        "{:?}",
        p.drain()
    );
}
