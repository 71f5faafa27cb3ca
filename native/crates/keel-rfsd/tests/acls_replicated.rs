//! `<rfs acl="on">` (SafeKit guide §5.7): POSIX ACLs set through the primary's mount are enforced
//! there (the kernel checks them, not only the mode bits) and replicated, the default ACL of a
//! directory and what new files inherit from it included; removing one is replicated too.
mod support;
use std::fs;
use support::*;

const USER_OBJ: u16 = 0x01;
const NAMED_USER: u16 = 0x02;
const GROUP_OBJ: u16 = 0x04;
const MASK: u16 = 0x10;
const OTHER: u16 = 0x20;
const NONE: u32 = u32::MAX;

/// A POSIX ACL as the kernel's xattr format holds it: version 2, then (tag, perm, id) entries.
fn acl(entries: &[(u16, u16, u32)]) -> Vec<u8> {
    let mut v = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in entries {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&perm.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
    }
    v
}

#[test]
fn acls_are_enforced_on_the_primary_and_replicated() {
    let t = Scratch::new("acls");
    let port = free_port();
    let mut p = t.primary_with(port, &["--acl"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    let (pm, sm) = (t.p(), t.s());
    let secret = pm.join("secret");
    fs::write(&secret, b"for one user").unwrap();
    fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    let read_as_user = |p: std::path::PathBuf| as_user(move || fs::read(p).map_err(|e| e.raw_os_error()));
    assert_eq!(read_as_user(secret.clone()), Err(Some(libc::EACCES)));

    // user:65534:r-- lets that user read, through the mount.
    let access = acl(&[
        (USER_OBJ, 6, NONE),
        (NAMED_USER, 4, USER),
        (GROUP_OBJ, 4, NONE),
        (MASK, 4, NONE),
        (OTHER, 0, NONE),
    ]);
    set_xattr(&secret, b"system.posix_acl_access", &access, 0).unwrap();
    assert_eq!(read_as_user(secret.clone()), Ok(b"for one user".to_vec()));

    // A default ACL on a directory: what is made in it inherits.
    fs::create_dir(pm.join("shared")).unwrap();
    let default = acl(&[
        (USER_OBJ, 7, NONE),
        (NAMED_USER, 7, USER),
        (GROUP_OBJ, 5, NONE),
        (MASK, 7, NONE),
        (OTHER, 0, NONE),
    ]);
    set_xattr(&pm.join("shared"), b"system.posix_acl_default", &default, 0).unwrap();
    fs::write(pm.join("shared/inherits"), b"x").unwrap();
    fs::create_dir(pm.join("shared/sub")).unwrap();
    assert!(get_xattr(&pm.join("shared/inherits"), b"system.posix_acl_access").is_ok());

    // Taken away again on another file.
    fs::write(pm.join("was-shared"), b"y").unwrap();
    set_xattr(&pm.join("was-shared"), b"system.posix_acl_access", &access, 0).unwrap();
    remove_xattr(&pm.join("was-shared"), b"system.posix_acl_access").unwrap();

    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    assert_eq!(
        get_xattr(&sm.join("secret"), b"system.posix_acl_access").unwrap(),
        access
    );
    assert_eq!(
        get_xattr(&sm.join("shared"), b"system.posix_acl_default").unwrap(),
        default
    );
    assert!(get_xattr(&sm.join("was-shared"), b"system.posix_acl_access").is_err());
    assert_same_xattrs(&pm, &sm);
    assert_same_trees(&pm, &sm);
}
