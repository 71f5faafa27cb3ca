//! Finding entries of the primary by identity (device, inode number) when the zone record's path
//! hint no longer names them (a rename the record could not follow, a hint from a mark made while
//! the secondary was there). A local scan: directories read beneath each replicated directory,
//! every entry `lstat`ed (not trusting `d_ino`, which some file systems give differently), no
//! link followed, nothing sent. Used by the zone reintegration (crate::sync); the paths it gives
//! are checked again under the replication lock before use.

use crate::at;
use crate::under::Underlying;
use keel_repl::{EntryKind, RelPath};
use keel_zones::FileId;
use std::collections::{HashMap, HashSet};
use std::os::fd::AsFd;

/// A name of each of `wanted` that the scan met (entries that stay local, crate::notrep, are not
/// looked into: nothing recorded is there). Err: a directory could not be read for another reason
/// than having gone meanwhile, so a file not found may still have a name.
pub fn by_identity(
    dirs: &[Underlying],
    wanted: &HashSet<FileId>,
) -> Result<HashMap<FileId, RelPath>, String> {
    let mut found = HashMap::new();
    for (d, under) in dirs.iter().enumerate() {
        let d = d as u8;
        let mut left = wanted.iter().filter(|id| id.0 == d).count();
        let mut stack = vec![RelPath::root()];
        while left > 0 {
            let Some(dir) = stack.pop() else { break };
            let listed = under
                .open_at(&dir, libc::O_RDONLY | libc::O_DIRECTORY, 0)
                .and_then(|fd| Ok((at::list(fd.as_fd())?, fd)));
            let (entries, fd) = match listed {
                Ok(l) => l,
                // Removed or replaced meanwhile: what it held was removed (gone) or moved (the
                // move asks for another pass).
                Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR | libc::ELOOP)) => {
                    continue
                }
                Err(e) => return Err(format!("{dir}: {e}")),
            };
            for e in entries {
                let Ok(child) = dir.join(&e.name) else { continue };
                if !under.filter().replicated(&child, e.kind == EntryKind::Dir) {
                    continue;
                }
                let Ok(st) = at::cname(&e.name).and_then(|n| at::stat_at(fd.as_fd(), &n)) else {
                    continue;
                };
                let id = (d, st.st_dev, st.st_ino);
                if wanted.contains(&id) && !found.contains_key(&id) {
                    found.insert(id, child.clone());
                    left -= 1;
                }
                if at::kind(&st) == EntryKind::Dir {
                    stack.push(child);
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn id(p: &std::path::Path) -> FileId {
        let m = std::fs::symlink_metadata(p).unwrap();
        (0, m.dev(), m.ino())
    }

    #[test]
    fn finds_files_directories_and_links_by_identity_without_following_links() {
        let root = std::env::temp_dir().join(format!("keel-find-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f"), b"x").unwrap();
        std::fs::write(root.join("g"), b"y").unwrap();
        std::os::unix::fs::symlink("a", root.join("l")).unwrap();
        let outside = std::env::temp_dir().join(format!("keel-find-out-{}", std::process::id()));
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("o"), b"o").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("a/out")).unwrap();
        let dirs = vec![Underlying::open(&root).unwrap()];
        let wanted: HashSet<FileId> = [
            id(&root.join("a/b/f")),
            id(&root.join("a/b")),
            id(&root.join("l")),
            id(&outside.join("o")),
        ]
        .into_iter()
        .collect();
        let found = by_identity(&dirs, &wanted).unwrap();
        let p = |s: &str| RelPath::parse(s.as_bytes()).unwrap();
        assert_eq!(found.get(&id(&root.join("a/b/f"))), Some(&p("a/b/f")));
        assert_eq!(found.get(&id(&root.join("a/b"))), Some(&p("a/b")));
        assert_eq!(found.get(&id(&root.join("l"))), Some(&p("l")));
        assert!(
            !found.contains_key(&id(&outside.join("o"))),
            "a file reached only through a link is not found"
        );
        assert_eq!(found.len(), 3);
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }
}
