//! A secondary joining with --full receives the primary's whole tree, loses what the primary
//! does not have, and serves it read-only.
mod support;
use std::fs;
use support::*;

#[test]
fn a_full_reintegration_makes_the_secondary_an_exact_copy() {
    let t = Scratch::new("first-sync");
    fs::create_dir_all(t.p().join("app/data")).unwrap();
    fs::write(t.p().join("app/data/db"), vec![7u8; 3 << 20]).unwrap();
    fs::write(t.p().join("app/conf"), b"port=8080\n").unwrap();
    std::os::unix::fs::symlink("data/db", t.p().join("app/current")).unwrap();
    fs::create_dir_all(t.s().join("leftover/deep")).unwrap();
    fs::write(t.s().join("leftover/deep/old"), b"old").unwrap();
    fs::write(t.s().join("app"), b"a file where the primary has a directory").unwrap();

    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    let synced = s.wait("synced");
    // Before it: the full reintegration, and the read-only mount, which may come before or after
    // the link's first events (it depends on when the connection is up).
    let seen = s.drain().to_vec();
    let full = seen
        .iter()
        .filter(|e| e["event"] == "reintegration")
        .collect::<Vec<_>>();
    assert_eq!(full.len(), 1, "{seen:?}");
    assert_eq!(full[0]["full"], true);
    if !seen.iter().any(|e| e["event"] == "mounted") {
        s.wait("mounted");
    }
    assert_eq!(synced["files"], 2, "{synced}");
    assert_eq!(synced["bytes"], (3 << 20) + 10);
    p.wait("synced");

    assert_eq!(tree_with_mtimes(&t.s()), tree_with_mtimes(&t.p()));
    assert!(fs::read_to_string(t.root.join("s-state/synctimestamp"))
        .unwrap()
        .trim()
        .parse::<u64>()
        .is_ok());
    let refused = fs::write(s.view(&t.p()).join("app/conf"), b"changed on the secondary").unwrap_err();
    assert_eq!(refused.raw_os_error(), Some(libc::EROFS));
}
