//! Applications on the secondary cannot change the replicated directory: every kind of change
//! through its mount fails with EROFS and leaves the copy as it was (guide §5.7.1: replicated
//! directories are writable only on the primary).
mod support;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use support::*;

#[test]
fn every_change_on_the_secondary_fails_with_erofs() {
    let t = Scratch::new("secondary-refuses");
    fs::create_dir_all(t.p().join("d")).unwrap();
    fs::write(t.p().join("f"), b"data").unwrap();
    let (_p, mut s) = t.synced_pair();
    if !s.drain().iter().any(|e| e["event"] == "mounted") {
        s.wait("mounted");
    }
    let before = tree_with_mtimes(&t.s());
    let at = |name: &str| s.view(&t.p()).join(name);
    let erofs = |what: &str, r: std::io::Result<()>| {
        let e = r.expect_err(what);
        assert_eq!(e.raw_os_error(), Some(libc::EROFS), "{what}: {e}");
    };
    erofs(
        "write",
        fs::OpenOptions::new().write(true).open(at("f")).map(drop),
    );
    erofs("create", fs::write(at("new"), b"x"));
    erofs(
        "truncate",
        fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(at("f"))
            .map(drop),
    );
    erofs("unlink", fs::remove_file(at("f")));
    erofs("rmdir", fs::remove_dir(at("d")));
    erofs("mkdir", fs::create_dir(at("d2")));
    erofs(
        "chmod",
        fs::set_permissions(at("f"), fs::Permissions::from_mode(0o600)),
    );
    erofs("chown", std::os::unix::fs::chown(at("f"), Some(USER), None));
    erofs("setxattr", set_xattr(&at("f"), b"user.k", b"v", 0));
    erofs("rename", fs::rename(at("f"), at("g")));
    erofs("link", fs::hard_link(at("f"), at("h")));
    erofs("symlink", std::os::unix::fs::symlink("f", at("l")));
    assert_eq!(tree_with_mtimes(&t.s()), before, "the copy is unchanged");
    // Reads go on.
    assert_eq!(fs::read(at("f")).unwrap(), b"data");
}
