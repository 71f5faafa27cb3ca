//! Extended attributes set and removed through the primary's mount reach the secondary: on
//! files, directories, the directory itself and symbolic links (the link's own, never its
//! target's), large values and names with odd bytes included (compared once the primary said
//! goodbye: the secondary acknowledges on receipt). Names keel does not replicate are refused,
//! and an unprivileged user gets no more than the kernel allows.
mod support;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use support::*;

#[test]
fn extended_attributes_are_replicated_as_they_change() {
    let t = Scratch::new("xattrs-live");
    open_to_users(&t.p());
    open_to_users(&t.s());
    let (mut p, mut s) = t.synced_pair();
    let (pm, sm) = (t.p(), t.s());

    fs::create_dir(pm.join("d")).unwrap();
    fs::write(pm.join("d/f"), b"data").unwrap();
    std::os::unix::fs::symlink("f", pm.join("d/l")).unwrap();
    set_xattr(&pm.join("d/f"), b"user.plain", b"value", 0).unwrap();
    // A value as large as Linux allows on ext4 is a block; a name with bytes no text has.
    let big: Vec<u8> = (0..4000u32).map(|i| (i * 7) as u8).collect();
    set_xattr(&pm.join("d/f"), b"user.big", &big, 0).unwrap();
    let odd = b"user.\xff\x01 \n\xc3(";
    set_xattr(&pm.join("d/f"), odd, b"", 0).unwrap();
    set_xattr(&pm.join("d"), b"trusted.dir", b"on the directory", 0).unwrap();
    set_xattr(&pm, b"user.root", b"on the replicated directory", 0).unwrap();
    set_xattr(&pm.join("d/l"), b"trusted.link", b"the link's own", 0).unwrap();

    // XATTR_CREATE over an existing name fails on the primary and changes nothing anywhere.
    let e = set_xattr(&pm.join("d/f"), b"user.plain", b"other", libc::XATTR_CREATE).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));
    set_xattr(&pm.join("d/f"), b"user.plain", b"replaced", libc::XATTR_REPLACE).unwrap();
    remove_xattr(&pm.join("d/f"), odd).unwrap();
    let e = remove_xattr(&pm.join("d/f"), b"user.never").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENODATA));

    // Not replicated, so not made: other system names, and ACLs without <rfs acl="on">.
    let acl = posix_acl(&[(0x01, 6, u32::MAX), (0x04, 4, u32::MAX), (0x20, 0, u32::MAX)]);
    let e = set_xattr(&pm.join("d/f"), b"system.posix_acl_access", &acl, 0).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EOPNOTSUPP));

    // An unprivileged user: user.* on a file of its own, never trusted.* nor a file capability.
    let mine = pm.join("mine");
    let r = as_user(move || {
        fs::write(&mine, b"x").unwrap();
        let own = set_xattr(&mine, b"user.mine", b"ok", 0).map_err(|e| e.raw_os_error());
        let trusted = set_xattr(&mine, b"trusted.x", b"no", 0).map_err(|e| e.raw_os_error());
        let cap = set_xattr(
            &mine,
            b"security.capability",
            &[
                1, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            0,
        )
        .map_err(|e| e.raw_os_error());
        // The directory's trusted attribute is not even named to the user.
        let d = std::path::Path::new(&mine).parent().unwrap().join("d");
        assert!(!xattrs(&d).contains_key(&b"trusted.dir"[..]));
        (own, trusted, cap)
    });
    assert!(xattrs(&pm.join("d")).contains_key(&b"trusted.dir"[..]));
    assert_eq!(r.0, Ok(()));
    assert_eq!(r.1, Err(Some(libc::EPERM)));
    assert_eq!(r.2, Err(Some(libc::EPERM)));

    // The secondary applied everything the primary acknowledged once it said goodbye.
    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    assert_eq!(get_xattr(&sm.join("d/f"), b"user.big").unwrap(), big);
    assert_eq!(
        get_xattr(&sm.join("d/l"), b"trusted.link").unwrap(),
        b"the link's own"
    );
    assert!(
        get_xattr(&sm.join("d/f"), b"trusted.link").is_err(),
        "set through the link"
    );
    assert_eq!(get_xattr(&sm.join("mine"), b"user.mine").unwrap(), b"ok");
    assert_eq!(
        xattrs(&sm.join("d/f"))
            .keys()
            .map(|k| std::ffi::OsStr::from_bytes(k).to_os_string())
            .collect::<Vec<_>>(),
        vec!["user.big", "user.plain"]
    );
    assert_same_xattrs(&pm, &sm);
    assert_same_trees(&pm, &sm);
}

/// A POSIX ACL as the kernel's xattr format holds it: version 2, then (tag, perm, id) entries.
fn posix_acl(entries: &[(u16, u16, u32)]) -> Vec<u8> {
    let mut v = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in entries {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&perm.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
    }
    v
}
