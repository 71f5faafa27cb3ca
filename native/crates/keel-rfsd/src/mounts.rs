//! Mount points: clearing what a killed daemon left behind, mounting, unmounting.

use std::io;
use std::path::{Path, PathBuf};

/// The directory's absolute path without touching the directory itself: a dead FUSE mount on it
/// would answer any look at it with "transport endpoint is not connected".
pub fn absolute(dir: &Path) -> io::Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no directory", dir.display()),
        )
    })?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok(std::fs::canonicalize(parent)?.join(name))
}

/// Mount points of FUSE file systems at `dir`, from a mountinfo text.
pub fn fuse_mounts_at(mountinfo: &str, dir: &Path) -> usize {
    let dir = dir.as_os_str().as_encoded_bytes();
    keel_mountinfo::parse(mountinfo)
        .iter()
        .filter(|m| m.point == dir && m.fstype.starts_with("fuse"))
        .count()
}

/// How long a mount may take to answer before it counts as alive (a frozen daemon may never
/// answer; a dead one answers at once).
const PROBE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Detaches the dead FUSE mounts on `dir`, left by a daemon that was killed. A live one (its
/// daemon answers, or may still) is never detached: that would leave the application the bare
/// directory while another daemon still serves it, so it is an error.
pub fn clear_stale(dir: &Path) -> io::Result<usize> {
    let mut cleared = 0;
    loop {
        let info = std::fs::read_to_string("/proc/self/mountinfo")?;
        if fuse_mounts_at(&info, dir) == 0 {
            return Ok(cleared);
        }
        if !dead(dir) {
            return Err(io::Error::other(format!(
                "a live replication mount is on {} and no daemon of this module can take it over",
                dir.display()
            )));
        }
        let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).map_err(io::Error::other)?;
        crate::at::check(unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) })?;
        cleared += 1;
    }
}

/// Whether the mount on top of `dir` is a FUSE mount whose daemon is gone (ENOTCONN), asked in a
/// thread of its own so that a daemon that does not answer cannot hold this one.
fn dead(dir: &Path) -> bool {
    let (tx, rx) = std::sync::mpsc::channel();
    let path = dir.to_path_buf();
    std::thread::spawn(move || {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).ok();
        let mut sfs: libc::statfs = unsafe { std::mem::zeroed() };
        let rc = c.map_or(0, |c| unsafe { libc::statfs(c.as_ptr(), &mut sfs) });
        let _ = tx.send(rc < 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ENOTCONN));
    });
    rx.recv_timeout(PROBE_WAIT).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fuse_mounts_by_their_exact_point() {
        let info = "36 35 98:0 / /srv/data rw,noatime master:1 - fuse.keel keel-rfs rw\n\
                    37 35 98:0 / /srv/data2 rw - fuse.keel keel-rfs rw\n\
                    38 35 98:0 / /srv/with\\040space rw - fuse keel rw\n\
                    39 35 98:0 / /srv/data rw - ext4 /dev/sda1 rw\n";
        assert_eq!(fuse_mounts_at(info, Path::new("/srv/data")), 1);
        assert_eq!(fuse_mounts_at(info, Path::new("/srv/with space")), 1);
        assert_eq!(fuse_mounts_at(info, Path::new("/srv")), 0);
    }
}
