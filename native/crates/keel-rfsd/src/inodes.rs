//! The primary's table of the files the kernel knows through the mount, by identity.
//!
//! Each FUSE inode stands for one real file, known by its device and inode number and held by a
//! handle (an `O_PATH` descriptor in the daemon), so an operation on an inode reaches that file
//! whatever happened to its names since. The names are kept apart: every name the kernel looked up
//! or created is a link `(parent inode, name)`, moved by renames, swapped by `RENAME_EXCHANGE`,
//! dropped by unlink and rename-over, added by hard links. A file's path for the secondary is
//! computed from its links when a change is sent; a file with no link left (unlinked, replaced) has
//! no path, and a change to it is not replicated, as it changes nothing anyone can reach there.
//!
//! FUSE inode numbers are the real ones for files on the directory's own device, so `stat` and
//! `readdir` agree; a file of another device (a mount inside the directory) or one whose number
//! is taken gets a number of its own. The kernel's lookup count is kept, and a `forget` that brings
//! it to zero drops the inode, its handle and its links. Pure bookkeeping: no I/O.

use keel_repl::RelPath;
use std::collections::HashMap;

/// A real file's identity: device and inode number.
pub type Key = (u64, u64);

pub const ROOT: u64 = 1;
/// Numbers given to files that cannot keep their real one.
const FIRST_OWN: u64 = 1 << 62;
/// Deeper than any path can be (PATH_MAX / 2): a chain of parents longer than this is a loop.
const MAX_DEPTH: usize = 2048;

struct Node<H> {
    handle: H,
    key: Key,
    lookups: u64,
    links: Vec<(u64, Vec<u8>)>,
}

pub struct Inodes<H> {
    nodes: HashMap<u64, Node<H>>,
    by_key: HashMap<Key, u64>,
    by_name: HashMap<(u64, Vec<u8>), u64>,
    root_dev: u64,
    next_own: u64,
}

impl<H: Clone> Inodes<H> {
    pub fn new(root: H, root_key: Key) -> Inodes<H> {
        let mut nodes = HashMap::new();
        nodes.insert(
            ROOT,
            Node {
                handle: root,
                key: root_key,
                lookups: 1,
                links: Vec::new(),
            },
        );
        Inodes {
            nodes,
            by_key: HashMap::from([(root_key, ROOT)]),
            by_name: HashMap::new(),
            root_dev: root_key.0,
            next_own: FIRST_OWN,
        }
    }

    pub fn handle(&self, ino: u64) -> Option<H> {
        self.nodes.get(&ino).map(|n| n.handle.clone())
    }

    pub fn key(&self, ino: u64) -> Option<Key> {
        self.nodes.get(&ino).map(|n| n.key)
    }

    /// The number a directory listing shows for a file: its inode's, or the real one.
    pub fn number_of(&self, key: Key) -> u64 {
        self.by_key.get(&key).copied().unwrap_or(key.1)
    }

    /// The kernel got `parent/name` as the file `key` (a lookup, or a file just made): one more
    /// reference to its inode. `handle` is kept only when the inode is new.
    pub fn found(&mut self, parent: u64, name: &[u8], key: Key, handle: H) -> u64 {
        let ino = match self.by_key.get(&key) {
            Some(&ino) => ino,
            None => {
                let ino = self.number_for(key);
                self.nodes.insert(
                    ino,
                    Node {
                        handle,
                        key,
                        lookups: 0,
                        links: Vec::new(),
                    },
                );
                self.by_key.insert(key, ino);
                ino
            }
        };
        self.link(parent, name, ino);
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.lookups += 1;
        }
        ino
    }

    fn number_for(&mut self, key: Key) -> u64 {
        let real = key.1;
        if key.0 == self.root_dev && real != ROOT && real < FIRST_OWN && !self.nodes.contains_key(&real) {
            return real;
        }
        while self.nodes.contains_key(&self.next_own) {
            self.next_own += 1;
        }
        self.next_own += 1;
        self.next_own - 1
    }

    /// `parent/name` now names `ino` (and nothing else).
    fn link(&mut self, parent: u64, name: &[u8], ino: u64) {
        let at = (parent, name.to_vec());
        if let Some(old) = self.by_name.insert(at.clone(), ino) {
            if old != ino {
                self.drop_link(old, &at);
            }
        }
        if let Some(n) = self.nodes.get_mut(&ino) {
            if !n.links.contains(&at) {
                n.links.push(at);
            }
        }
    }

    fn drop_link(&mut self, ino: u64, at: &(u64, Vec<u8>)) {
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.links.retain(|l| l != at);
        }
    }

    /// `parent/name` was removed (unlink, rmdir).
    pub fn unlinked(&mut self, parent: u64, name: &[u8]) {
        let at = (parent, name.to_vec());
        if let Some(ino) = self.by_name.remove(&at) {
            self.drop_link(ino, &at);
        }
    }

    /// A rename; `exchange` for `RENAME_EXCHANGE`, which swaps the two names.
    pub fn renamed(&mut self, from: (u64, &[u8]), to: (u64, &[u8]), exchange: bool) {
        let (f, t) = ((from.0, from.1.to_vec()), (to.0, to.1.to_vec()));
        let moving = self.by_name.remove(&f);
        let replaced = self.by_name.remove(&t);
        if let Some(ino) = moving {
            self.drop_link(ino, &f);
        }
        if let Some(ino) = replaced {
            self.drop_link(ino, &t);
            if exchange {
                self.link(f.0, &f.1, ino);
            }
        }
        if let Some(ino) = moving {
            self.link(t.0, &t.1, ino);
        }
    }

    /// The kernel dropped `n` references; at zero the inode goes, with its handle.
    pub fn forget(&mut self, ino: u64, n: u64) {
        if ino == ROOT {
            return;
        }
        let Some(node) = self.nodes.get_mut(&ino) else {
            return;
        };
        node.lookups = node.lookups.saturating_sub(n);
        if node.lookups > 0 {
            return;
        }
        let node = self.nodes.remove(&ino).expect("present");
        self.by_key.remove(&node.key);
        for at in node.links {
            if self.by_name.get(&at) == Some(&ino) {
                self.by_name.remove(&at);
            }
        }
    }

    /// The path of `ino` under the directory through one of its known links (the first that
    /// still leads to the directory: a link whose parent was forgotten leads nowhere), or None
    /// when none does (unlinked, replaced, or under such a directory).
    pub fn path(&self, ino: u64) -> Option<RelPath> {
        let mut names = Vec::new();
        if !self.names_to_root(ino, &mut names) {
            return None;
        }
        let mut path = RelPath::root();
        for name in names.iter().rev() {
            path = path.join(name).ok()?;
        }
        Some(path)
    }

    /// Pushes the names from `ino` up to the root; false when no link of it leads there.
    fn names_to_root<'a>(&'a self, ino: u64, names: &mut Vec<&'a [u8]>) -> bool {
        if ino == ROOT {
            return true;
        }
        if names.len() > MAX_DEPTH {
            return false;
        }
        let Some(node) = self.nodes.get(&ino) else {
            return false;
        };
        for (parent, name) in &node.links {
            names.push(name);
            if self.names_to_root(*parent, names) {
                return true;
            }
            names.pop();
        }
        false
    }

    /// The path of `parent/name`, when the parent has one.
    pub fn child_path(&self, parent: u64, name: &[u8]) -> Option<RelPath> {
        self.path(parent)?.join(name).ok()
    }

    /// The inode a name is known to stand for.
    #[cfg(test)]
    fn at(&self, parent: u64, name: &[u8]) -> Option<u64> {
        self.by_name.get(&(parent, name.to_vec())).copied()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: u64 = 7;

    fn table() -> Inodes<()> {
        Inodes::new((), (DEV, 2))
    }

    fn path(t: &Inodes<()>, ino: u64) -> Option<String> {
        t.path(ino).map(|p| p.to_string())
    }

    #[test]
    fn a_file_keeps_its_identity_across_renames_and_loses_its_path_when_replaced() {
        let mut t = table();
        let data = t.found(ROOT, b"data", (DEV, 10), ());
        let new = t.found(ROOT, b"new", (DEV, 11), ());
        assert_eq!((data, new), (10, 11));
        // rename new -> data: the old file has no name left, the new one is "data".
        t.renamed((ROOT, b"new"), (ROOT, b"data"), false);
        assert_eq!(path(&t, data), None);
        assert_eq!(path(&t, new).as_deref(), Some("data"));
        assert_eq!(t.at(ROOT, b"data"), Some(new));
    }

    #[test]
    fn unlink_leaves_an_open_file_without_a_path() {
        let mut t = table();
        let log = t.found(ROOT, b"app.log", (DEV, 10), ());
        t.unlinked(ROOT, b"app.log");
        assert_eq!(path(&t, log), None);
        let again = t.found(ROOT, b"app.log", (DEV, 12), ());
        assert_eq!(path(&t, again).as_deref(), Some("app.log"));
        assert_eq!(path(&t, log), None);
    }

    #[test]
    fn exchange_swaps_names_and_directory_moves_carry_their_children() {
        let mut t = table();
        let a = t.found(ROOT, b"a", (DEV, 10), ());
        let b = t.found(ROOT, b"b", (DEV, 11), ());
        let f = t.found(a, b"f", (DEV, 12), ());
        t.renamed((ROOT, b"a"), (ROOT, b"b"), true);
        assert_eq!(path(&t, a).as_deref(), Some("b"));
        assert_eq!(path(&t, b).as_deref(), Some("a"));
        assert_eq!(path(&t, f).as_deref(), Some("b/f"));
        t.renamed((ROOT, b"b"), (b, b"moved"), false);
        assert_eq!(path(&t, f).as_deref(), Some("a/moved/f"));
    }

    #[test]
    fn hard_links_share_an_inode_and_one_name_is_enough() {
        let mut t = table();
        let x = t.found(ROOT, b"x", (DEV, 10), ());
        let y = t.found(ROOT, b"y", (DEV, 10), ());
        assert_eq!(x, y);
        t.unlinked(ROOT, b"x");
        assert_eq!(path(&t, x).as_deref(), Some("y"));
    }

    #[test]
    fn a_name_under_a_forgotten_directory_gives_way_to_another_name() {
        let mut t = table();
        let gone = t.found(ROOT, b"gone", (DEV, 20), ());
        let f = t.found(gone, b"x", (DEV, 10), ());
        t.found(ROOT, b"y", (DEV, 10), ());
        t.forget(gone, 1);
        assert_eq!(path(&t, f).as_deref(), Some("y"));
    }

    #[test]
    fn forget_drops_an_inode_at_zero_references_only() {
        let mut t = table();
        let f = t.found(ROOT, b"f", (DEV, 10), ());
        t.found(ROOT, b"f", (DEV, 10), ());
        t.forget(f, 1);
        assert_eq!(t.len(), 2);
        t.forget(f, 1);
        assert_eq!(t.len(), 1);
        assert_eq!(t.at(ROOT, b"f"), None);
        t.forget(ROOT, 100);
        assert_eq!(path(&t, ROOT).as_deref(), Some(""));
    }

    #[test]
    fn files_of_another_device_or_with_a_taken_number_get_their_own() {
        let mut t = table();
        let here = t.found(ROOT, b"a", (DEV, 50), ());
        let there = t.found(ROOT, b"mnt", (DEV + 1, 50), ());
        let one = t.found(ROOT, b"b", (DEV, 1), ());
        assert_eq!(here, 50);
        assert!(there >= FIRST_OWN && one >= FIRST_OWN && there != one);
        assert_eq!(t.number_of((DEV + 1, 50)), there);
        assert_eq!(t.number_of((DEV, 99)), 99);
    }
}
