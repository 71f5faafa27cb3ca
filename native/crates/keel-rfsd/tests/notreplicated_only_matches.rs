//! `<notreplicated regexpath="!ERE">`: only the entries the expression matches are replicated;
//! every directory is, so the way to a match exists on the secondary; the secondary's own
//! versions of everything else stay.
mod support;
use std::fs;
use support::*;

const ONLY_DB: [&str; 2] = ["--notreplicated-regex", r"!\.db$"];

#[test]
fn only_the_matches_of_a_bang_expression_are_replicated() {
    let t = Scratch::new("notrep-only");
    let (p, s) = (t.p(), t.s());
    fs::create_dir_all(p.join("data/sub")).unwrap();
    fs::write(p.join("data/x.db"), b"db").unwrap();
    fs::write(p.join("data/sub/y.db"), b"deep db").unwrap();
    fs::write(p.join("data/x.log"), b"primary's log").unwrap();
    fs::create_dir_all(s.join("data")).unwrap();
    fs::write(s.join("data/x.log"), b"secondary's log").unwrap();

    let port = free_port();
    let mut pd = t.primary_with(port, &ONLY_DB);
    pd.wait("mounted");
    let mut sd = t.secondary_plus(port, true, &[ONLY_DB[0], ONLY_DB[1], "--async", "none"]);
    assert_eq!(sd.wait("synced")["files"], 2);
    assert_eq!(fs::read(s.join("data/sub/y.db")).unwrap(), b"deep db");
    assert_eq!(fs::read(s.join("data/x.log")).unwrap(), b"secondary's log");

    // Live: a new directory and a match beneath it travel, the rest does not.
    fs::create_dir_all(p.join("new/deeper")).unwrap();
    fs::write(p.join("new/deeper/z.db"), b"z").unwrap();
    fs::write(p.join("new/deeper/z.txt"), b"z").unwrap();
    fs::write(p.join("data/x.log"), b"rewritten").unwrap();
    assert_eq!(fs::read(s.join("new/deeper/z.db")).unwrap(), b"z");
    assert!(!s.join("new/deeper/z.txt").exists());
    assert_eq!(fs::read(s.join("data/x.log")).unwrap(), b"secondary's log");
    // A chmod of a directory is replicated (directories are), of a local file not.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p.join("new"), fs::Permissions::from_mode(0o750)).unwrap();
    fs::set_permissions(p.join("data/x.log"), fs::Permissions::from_mode(0o600)).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(fs::metadata(s.join("new")).unwrap().mode() & 0o7777, 0o750);
    assert_ne!(fs::metadata(s.join("data/x.log")).unwrap().mode() & 0o7777, 0o600);
    assert_eq!(
        fs::rename(p.join("data/x.db"), p.join("data/x.old"))
            .unwrap_err()
            .raw_os_error(),
        Some(libc::EXDEV)
    );
    assert!(sd.drain().iter().all(|e| e["event"] != "link-lost"));
}
