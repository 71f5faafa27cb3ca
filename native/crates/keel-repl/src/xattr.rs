//! Extended attributes on the link: which names are replicated, the limits of a name and a
//! value, and the digest a reintegration compares.
//!
//! Replicated: `user.`, `trusted.` and `security.` always; the POSIX ACLs (`system.posix_acl_access`,
//! `system.posix_acl_default`) with `<rfs acl="on">` (SafeKit guide §5.7). Any other `system.`
//! name is a file system's own interface, never data: not replicated.

use sha2::{Digest, Sha256};

/// Longest name and largest value Linux accepts (XATTR_NAME_MAX, XATTR_SIZE_MAX).
pub const NAME_MAX: usize = 255;
pub const VALUE_MAX: usize = 65536;

const ALWAYS: [&[u8]; 3] = [b"user.", b"trusted.", b"security."];
pub const ACLS: [&[u8]; 2] = [b"system.posix_acl_access", b"system.posix_acl_default"];

/// Whether `name` is a POSIX ACL.
pub fn is_acl(name: &[u8]) -> bool {
    ACLS.contains(&name)
}

/// Whether the name is replicated (ACLs only when `acls`). Any name outside the namespaces, an
/// empty suffix, a NUL or a name longer than Linux allows is not.
pub fn replicated(name: &[u8], acls: bool) -> bool {
    if name.len() > NAME_MAX || name.contains(&0) {
        return false;
    }
    if is_acl(name) {
        return acls;
    }
    ALWAYS
        .iter()
        .any(|ns| name.len() > ns.len() && name.starts_with(ns))
}

/// A digest of a set of attributes, whatever their order: 0 for none. Names and values are
/// length-prefixed, so no two different sets hash the same bytes.
pub fn digest(attrs: &[(Vec<u8>, Vec<u8>)]) -> u64 {
    if attrs.is_empty() {
        return 0;
    }
    let mut sorted: Vec<&(Vec<u8>, Vec<u8>)> = attrs.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    for (n, v) in sorted {
        h.update((n.len() as u64).to_le_bytes());
        h.update(n);
        h.update((v.len() as u64).to_le_bytes());
        h.update(v);
    }
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes")).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces() {
        assert!(replicated(b"user.a", false));
        assert!(replicated(b"trusted.overlay", false));
        assert!(replicated(b"security.capability", false));
        assert!(!replicated(b"user.", false));
        assert!(!replicated(b"system.posix_acl_access", false));
        assert!(replicated(b"system.posix_acl_access", true));
        assert!(replicated(b"system.posix_acl_default", true));
        assert!(!replicated(b"system.nfs4_acl", true));
        assert!(!replicated(b"user.a\0b", false));
        assert!(!replicated(&[b'u'; 300], false));
        assert!(!replicated(b"other.x", true));
    }

    #[test]
    fn the_digest_ignores_order_and_tells_sets_apart() {
        let a = (b"user.a".to_vec(), b"1".to_vec());
        let b = (b"user.b".to_vec(), b"".to_vec());
        assert_eq!(digest(&[]), 0);
        assert_eq!(digest(&[a.clone(), b.clone()]), digest(&[b.clone(), a.clone()]));
        assert_ne!(digest(std::slice::from_ref(&a)), digest(&[a.clone(), b.clone()]));
        let glued = (b"user.a1".to_vec(), b"".to_vec());
        assert_ne!(digest(&[a]), digest(&[glued]));
        assert_ne!(digest(&[b]), 0);
    }
}
