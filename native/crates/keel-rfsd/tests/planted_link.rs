//! The escape: a user creates and opens `f` in the replicated directory, removes it, plants a
//! symbolic link `f -> <a root-only file outside>` in its place, then changes, truncates and
//! writes the file through the descriptor it kept. The daemon, running as root, acts on the file
//! the descriptor stands for: the file outside is untouched, on both nodes, and the link is
//! replicated as a link.
mod support;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::{FileExt, PermissionsExt};
use support::*;

#[test]
fn a_descriptor_kept_across_a_planted_link_never_reaches_outside() {
    let pair = UserPair::start("planted-link");
    let (pm, secret) = (pair.t.p(), pair.canary.dir.join("secret"));
    as_user(move || {
        let f = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(pm.join("f"))
            .unwrap();
        fs::remove_file(pm.join("f")).unwrap();
        std::os::unix::fs::symlink(&secret, pm.join("f")).unwrap();
        f.set_permissions(fs::Permissions::from_mode(0o666)).unwrap();
        f.set_len(0).unwrap();
        f.write_all_at(b"owned", 0).unwrap();
        f.sync_all().unwrap();
        // Through the link itself the kernel checks the user's own rights.
        assert!(OpenOptions::new().write(true).open(pm.join("f")).is_err());
    });

    pair.assert_safe();
    assert_eq!(
        fs::read_link(pair.t.s().join("f")).unwrap(),
        pair.canary.dir.join("secret")
    );
}
