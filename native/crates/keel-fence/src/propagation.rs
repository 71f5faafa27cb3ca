//! Whether the application's mount namespace follows the replication daemon's mounts (pure).
//!
//! The fence's namespace is a copy of its node's, made a slave: a mount or unmount on the node
//! reaches it, nothing it mounts leaves it. That holds only where the node's mounts are shared
//! (systemd makes them so); a node mount that is only a slave itself passes nothing on. So the
//! node's side is read, before the copy is made, and the path is the one the replication daemon
//! mounts on (its parent resolved, as keel-rfsd mounts::absolute does). A replicated directory on a private mount would keep, for the
//! application, whatever was mounted on it when the fence began: the bare directory, or a
//! secondary's read-only copy, while the primary's replicating mount sits on the node's side.
//! Writes there would not be replicated, so such a fence is refused.

use keel_mountinfo::{holding, Mount};
use std::path::Path;

/// Why the application could not follow the mounts on `dir` (resolved), if so: both the node's
/// mount holding the directory and the one holding its parent (where a new mount on it is made)
/// must be shared.
pub fn unfollowed(mounts: &[Mount], dir: &Path) -> Option<String> {
    let parent = dir.parent().unwrap_or(dir);
    for p in [dir, parent] {
        match holding(mounts, p) {
            Some(m) if m.is_shared() => {}
            Some(m) => {
                return Some(format!(
                    "{} is on the mount {}, which is not shared (no mount propagation to copies): the application would not see the replication's mounts there; make the node's mounts shared (mount --make-rshared /, as systemd does)",
                    dir.display(),
                    String::from_utf8_lossy(&m.point)
                ))
            }
            None => return Some(format!("no mount holds {}", p.display())),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_mountinfo::parse;

    #[test]
    fn a_directory_under_shared_mounts_is_followed() {
        let m = parse(
            "1 0 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n\
             2 1 0:9 / /srv/data rw shared:5 master:2 - fuse.keel keel-rfs rw\n",
        );
        assert_eq!(unfollowed(&m, Path::new("/srv/data")), None);
        assert_eq!(unfollowed(&m, Path::new("/srv/other")), None);
    }

    #[test]
    fn a_private_mount_on_the_way_is_refused_with_its_name() {
        let m = parse(
            "1 0 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n\
             2 1 8:2 / /srv rw - ext4 /dev/sdb1 rw\n\
             3 2 0:9 / /srv/data rw shared:5 - fuse.keel keel-rfs rw\n",
        );
        // The daemon's mount itself is shared, but a new one on /srv/data would be made on /srv.
        let why = unfollowed(&m, Path::new("/srv/data")).unwrap();
        assert!(why.contains("on the mount /srv, which is not shared"), "{why}");
    }

    #[test]
    fn a_node_mount_that_is_only_a_slave_is_refused() {
        // It receives its master's events but passes none on to the fence's copy.
        let m = parse("1 0 8:1 / / rw master:1 - ext4 /dev/sda1 rw\n");
        assert!(unfollowed(&m, Path::new("/srv/data")).is_some());
    }
}
