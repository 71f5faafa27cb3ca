//! What a verification pass (`rfsverify`) compares, pure: the parts a file is asked about in, the
//! digest of a directory's entries, and the bits of the secondary's answer (docs/decisions/0009).

use crate::op::EntryKind;
use sha2::{Digest, Sha256};

/// The most bytes of a file one `Verify` covers: what the secondary reads and hashes before it
/// answers, well within a link timeout even from a slow disk (a larger file takes several).
pub const CHUNK: u64 = 8 << 20;

/// Bits of a `Verify` answer (the ack's `nlink`): what differs on the secondary.
pub mod differs {
    /// It has no entry there.
    pub const MISSING: u64 = 1;
    /// Another kind of entry (a file where a directory is, ...).
    pub const KIND: u64 = 2;
    /// A regular file of another size.
    pub const SIZE: u64 = 4;
    /// Other permission bits.
    pub const MODE: u64 = 8;
    /// Another owner or group.
    pub const OWNER: u64 = 16;
    /// Other extended attributes (ACLs included).
    pub const XATTRS: u64 = 32;
    /// Other data (a file), target (a link) or entries (a directory).
    pub const CONTENT: u64 = 64;
    /// It could not be read there (the errno is in the ack).
    pub const UNREADABLE: u64 = 128;
    /// Every bit, with its word in an event.
    pub const NAMES: [(u64, &str); 8] = [
        (MISSING, "missing"),
        (KIND, "kind"),
        (SIZE, "size"),
        (MODE, "mode"),
        (OWNER, "owner"),
        (XATTRS, "xattrs"),
        (CONTENT, "content"),
        (UNREADABLE, "unreadable"),
    ];
}

/// The words of the bits set in `mask`.
pub fn describe(mask: u64) -> Vec<&'static str> {
    differs::NAMES
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// SHA-256 of a directory's replicated entries, whatever order they were read in: names and
/// kinds, each name length-prefixed so that no two listings give the same bytes.
pub fn entries_digest(entries: &[(Vec<u8>, EntryKind)]) -> [u8; 32] {
    // Names are unique in a directory: sorting by name alone gives one order.
    let mut sorted: Vec<&(Vec<u8>, EntryKind)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    for (name, kind) in sorted {
        h.update((name.len() as u32).to_le_bytes());
        h.update(name);
        h.update([match kind {
            EntryKind::File => 0u8,
            EntryKind::Dir => 1,
            EntryKind::Symlink => 2,
            EntryKind::Other => 3,
        }]);
    }
    h.finalize().into()
}

pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// What differs between the primary's entry and the secondary's, given the attributes of both
/// (`ours`: the secondary's kind, size, mode, uid, gid, attributes' digest, and its digest of the
/// same part) for the part at `offset` (attributes are compared on the first part only).
pub fn compare(asked: &Entry, ours: &Entry, offset: u64) -> u64 {
    if asked.kind != ours.kind {
        return differs::KIND;
    }
    let mut mask = 0;
    if offset == 0 {
        if asked.kind == EntryKind::File && asked.size != ours.size {
            mask |= differs::SIZE;
        }
        // A symbolic link has no permissions of its own.
        if asked.kind != EntryKind::Symlink && asked.mode & 0o7777 != ours.mode & 0o7777 {
            mask |= differs::MODE;
        }
        if (asked.uid, asked.gid) != (ours.uid, ours.gid) {
            mask |= differs::OWNER;
        }
        if asked.xattrs != ours.xattrs {
            mask |= differs::XATTRS;
        }
    }
    if asked.digest != ours.digest {
        mask |= differs::CONTENT;
    }
    mask
}

/// One side's entry as a verification compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub size: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub xattrs: u64,
    pub digest: [u8; 32],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Entry {
        Entry {
            kind: EntryKind::File,
            size: 10,
            mode: 0o100644,
            uid: 1,
            gid: 2,
            xattrs: 3,
            digest: digest(b"0123456789"),
        }
    }

    #[test]
    fn the_same_entry_differs_in_nothing() {
        assert_eq!(compare(&file(), &file(), 0), 0);
    }

    #[test]
    fn each_difference_has_its_bit_and_its_word() {
        let mut other = file();
        other.size = 11;
        other.mode = 0o100600;
        other.gid = 5;
        other.xattrs = 4;
        other.digest = digest(b"0123456780");
        let mask = compare(&file(), &other, 0);
        assert_eq!(describe(mask), vec!["size", "mode", "owner", "xattrs", "content"]);
    }

    #[test]
    fn another_kind_says_only_that() {
        let mut dir = file();
        dir.kind = EntryKind::Dir;
        assert_eq!(describe(compare(&file(), &dir, 0)), vec!["kind"]);
    }

    #[test]
    fn later_parts_compare_the_data_only() {
        let mut other = file();
        other.mode = 0o100600;
        assert_eq!(compare(&file(), &other, CHUNK), 0);
        other.digest = [0; 32];
        assert_eq!(describe(compare(&file(), &other, CHUNK)), vec!["content"]);
    }

    #[test]
    fn links_have_no_mode_of_their_own() {
        let mut a = file();
        a.kind = EntryKind::Symlink;
        let mut b = a.clone();
        b.mode = 0o120777;
        a.mode = 0o120755;
        assert_eq!(compare(&a, &b, 0), 0);
    }

    #[test]
    fn a_directory_digest_ignores_the_order_and_sees_every_name_and_kind() {
        let a = vec![(b"x".to_vec(), EntryKind::File), (b"y".to_vec(), EntryKind::Dir)];
        let b = vec![(b"y".to_vec(), EntryKind::Dir), (b"x".to_vec(), EntryKind::File)];
        assert_eq!(entries_digest(&a), entries_digest(&b));
        let c = vec![(b"x".to_vec(), EntryKind::File), (b"y".to_vec(), EntryKind::File)];
        assert_ne!(entries_digest(&a), entries_digest(&c));
        // Names are length-prefixed: "ab" + "c" is not "a" + "bc".
        let d = vec![
            (b"ab".to_vec(), EntryKind::File),
            (b"c".to_vec(), EntryKind::File),
        ];
        let e = vec![
            (b"a".to_vec(), EntryKind::File),
            (b"bc".to_vec(), EntryKind::File),
        ];
        assert_ne!(entries_digest(&d), entries_digest(&e));
    }
}
