//! `rfsverify` (guide §5.7.5 "Verification"): `verify` on the secondary's control pipe has the
//! primary compare every entry over the link. Identical copies: nothing reported. A file changed
//! in the secondary's own copy behind keel's back (same size, other bytes), another whose mode
//! changed, and one removed there: each reported once with what differs, nothing copied, and the
//! link stays up for the application's changes.
mod support;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{FileExt, PermissionsExt};
use support::*;

fn n(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {v}"))
}

/// `verify-diff` events before `verified`, as (path, differs).
fn diffs(s: &mut Daemon) -> (Vec<(String, Vec<String>)>, Value) {
    let from = s.drain().len();
    let end = s.wait("verified");
    let found = s.drain()[from..]
        .iter()
        .filter(|v| v["event"] == "verify-diff")
        .map(|v| {
            let what = v["differs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_string());
            (v["path"].as_str().unwrap().to_string(), what.collect())
        })
        .collect();
    (found, end)
}

#[test]
fn rfsverify_reports_what_differs_and_nothing_on_identical_copies() {
    let t = Scratch::new("rfsverify");
    fs::create_dir(t.p().join("d")).unwrap();
    // Larger than one part (8 MiB): its second part differs.
    fs::write(t.p().join("d/big"), vec![1u8; 9 << 20]).unwrap();
    fs::write(t.p().join("same"), b"same").unwrap();
    fs::write(t.p().join("mode"), b"mode").unwrap();
    fs::write(t.p().join("gone"), b"gone").unwrap();
    std::os::unix::fs::symlink("same", t.p().join("link")).unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary_controlled(port, true);
    s.wait("synced");

    s.tell("verify");
    let (found, end) = diffs(&mut s);
    assert_eq!(found, vec![], "identical copies");
    // The root, d, d/big, same, mode, gone, link.
    assert_eq!((n(&end, "files"), n(&end, "differ")), (7, 0), "{end}");
    assert_eq!(end["complete"], true);

    // Behind keel's back, in the secondary's own copy.
    let big = fs::OpenOptions::new()
        .write(true)
        .open(t.s().join("d/big"))
        .unwrap();
    big.write_all_at(b"x", (8 << 20) + 5).unwrap();
    fs::set_permissions(t.s().join("mode"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::remove_file(t.s().join("gone")).unwrap();

    s.tell("verify");
    let (mut found, end) = diffs(&mut s);
    found.sort();
    let w = |p: &str, what: &[&str]| {
        (
            p.to_string(),
            what.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        found,
        vec![
            // The root's entries differ too ("gone" is not there).
            w("", &["content"]),
            w("d/big", &["content"]),
            w("gone", &["missing"]),
            w("mode", &["mode"]),
        ]
    );
    assert_eq!(n(&end, "differ"), 4, "{end}");
    // Nothing was copied: the secondary's copy still differs.
    assert_eq!(fs::read(t.s().join("d/big")).unwrap()[(8 << 20) + 5], b'x');
    // And the link still replicates (an fsync is acknowledged once applied there).
    let mut after = fs::File::create(t.p().join("after")).unwrap();
    std::io::Write::write_all(&mut after, b"after").unwrap();
    after.sync_all().unwrap();
    assert_eq!(fs::read(t.s().join("after")).unwrap(), b"after");
    p.stop();
    s.stop();
}
