//! `rfsdiff` (guide §5.7.5 "Change estimate"): after the secondary stopped, a `diff` on the
//! primary's control pipe counts exactly the files and bytes its reintegration then sends (the
//! record's zones within each file, a new file whole), and changes nothing: the secondary's return
//! copies that much.
mod support;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::FileExt;
use support::*;

const ZONE: u64 = 4096;

fn n(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {v}"))
}

#[test]
fn rfsdiff_counts_the_changed_files_and_bytes_the_reintegration_then_copies() {
    let t = Scratch::new("rfsdiff");
    for i in 0..8u8 {
        fs::write(t.p().join(format!("f{i}")), vec![i; 64 * 1024]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_controlled(port, &["--zone-bytes", &ZONE.to_string()]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    p.wait("synced");
    p.tell("diff");
    let nothing = p.wait("diff");
    assert_eq!((n(&nothing, "files"), n(&nothing, "bytes")), (0, 0), "{nothing}");
    assert_eq!(nothing["mode"], "zones");

    assert_eq!(s.stop(), Some(0));
    p.wait("link-lost");
    // Through the mount: two zones of f0 (one write across a zone boundary), one of f1, a new
    // file of 10 000 bytes.
    let f0 = fs::OpenOptions::new().write(true).open(t.p().join("f0")).unwrap();
    f0.write_all_at(&[0xee; 100], ZONE - 50).unwrap();
    let f1 = fs::OpenOptions::new().write(true).open(t.p().join("f1")).unwrap();
    f1.write_all_at(&[0xee; 10], 5 * ZONE).unwrap();
    fs::write(t.p().join("new"), vec![7u8; 10_000]).unwrap();

    p.tell("diff");
    let d = p.wait("diff");
    assert_eq!(d["mode"], "zones", "{d}");
    assert_eq!(n(&d, "files"), 3, "{d}");
    assert_eq!(n(&d, "bytes"), 2 * ZONE + ZONE + 10_000, "{d}");
    // The rate of the reintegration before: an estimate is given.
    assert!(d["seconds"].is_u64(), "{d}");

    let mut s = t.secondary(port, false);
    let synced = s.wait("synced");
    assert_eq!(n(&synced, "bytes"), n(&d, "bytes"), "{synced}");
    assert_eq!(n(&synced, "files"), n(&d, "files"), "{synced}");
    assert_same_trees(&t.p(), &t.s());
    p.stop();
    s.stop();
}
