//! A primary's directories handed from a daemon whose rfs service died to the next daemon,
//! without a moment when the application's writes could land in the bare directory.
//!
//! When the rfs service dies (even by kill -9), a primary's daemon keeps its mounts and refuses
//! every change (EROFS) instead of unmounting: an unmounted directory would take the
//! application's writes with nobody replicating them, and a secondary that heard a clean goodbye
//! would still count as complete (docs/decisions/0009, "The window when the rfs service dies").
//! The restarted service starts a new daemon. That one finds its predecessor through a record
//! in the module's state directory (root's), reaches the real directories through the
//! predecessor's own descriptors (`/proc/<pid>/fd/<n>`: the directory beneath the mount, which no
//! path reaches any more), mounts over the predecessor's mounts, and only then kills it. At every
//! instant the path is a keel mount: the frozen one, then the new one. The predecessor's mounts
//! stay beneath, dead and out of reach, until the primary's next clean stop clears them.
//!
//! Starts are serialised by a lock in the state directory, held from the look for a predecessor
//! until this daemon is mounted and recorded: a daemon is never found half started. Any start
//! other than a primary's takeover retires a live predecessor first, and only a dead mount is
//! ever cleared (crate::mounts).

use crate::under::Underlying;
use std::fs;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

const RECORD: &str = "primary";
const LOCK: &str = "start.lock";
/// `statfs` type of FUSE file systems: a descriptor that leads into one is not a real directory.
pub const FUSE_SUPER_MAGIC: i64 = 0x6573_5546;
/// How long a killed predecessor may take to be gone.
const RETIRE_WAIT: Duration = Duration::from_secs(10);

/// What a start found in the state directory.
pub struct Found {
    /// A live predecessor; with `under` filled when this primary takes its directories over.
    pub predecessor: Option<Predecessor>,
    /// The last primary here did not stop cleanly (its record is still there): its secondary may
    /// count as up to date though it missed what comes now, so a primary holds its changes.
    pub unclean: bool,
}

/// A live daemon that served this module's directories as primary, pinned by a pidfd so that a
/// signal can only reach that very process.
pub struct Predecessor {
    pid: i32,
    pidfd: OwnedFd,
    pub under: Vec<Underlying>,
}

/// Held while a daemon starts (see the module's comment); released when dropped.
pub struct StartLock(#[allow(dead_code)] fs::File);

pub fn lock_start(state_dir: &Path) -> Result<StartLock, String> {
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(state_dir.join(LOCK))
        .map_err(|e| format!("cannot open the start lock in {}: {e}", state_dir.display()))?;
    crate::at::check(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) })
        .map_err(|e| format!("cannot take the start lock in {}: {e}", state_dir.display()))?;
    Ok(StartLock(f))
}

/// Writes the record of this primary (atomically: a new file renamed over the old one).
pub fn record(state_dir: &Path, dirs: &[PathBuf], under: &[Underlying]) -> Result<(), String> {
    let me = std::process::id() as i32;
    let mut text = format!("pid {me} {} {}\n", start_time(me)?, boot_id()?);
    for (d, u) in dirs.iter().zip(under) {
        let st = crate::at::stat_fd(u.fd()).map_err(|e| format!("{}: {e}", d.display()))?;
        text += &format!(
            "dir {} {} {} {}\n",
            u.fd().as_raw_fd(),
            st.st_dev,
            st.st_ino,
            hex(d.as_os_str().as_bytes())
        );
    }
    let tmp = state_dir.join(format!("{RECORD}.new"));
    let write = || -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, state_dir.join(RECORD))
    };
    write().map_err(|e| format!("cannot record this primary in {}: {e}", state_dir.display()))
}

/// Removes the record at a clean stop (the mounts are gone: nothing to take over).
pub fn forget(state_dir: &Path) {
    let _ = fs::remove_file(state_dir.join(RECORD));
}

/// What the record says of the last primary. With `take` (a primary), the directories of a live
/// predecessor that served the same directory set are opened for this daemon. A record of another
/// boot, or whose process is gone or is another process by now, names no predecessor.
pub fn find(state_dir: &Path, dirs: &[PathBuf], take: bool) -> Result<Found, String> {
    let Ok(text) = fs::read_to_string(state_dir.join(RECORD)) else {
        return Ok(Found {
            predecessor: None,
            unclean: false,
        });
    };
    let none = Found {
        predecessor: None,
        unclean: true,
    };
    let Some(rec) = parse(&text) else {
        say!(
            "keel-rfsd: ignored an unreadable primary record in {}",
            state_dir.display()
        );
        return Ok(none);
    };
    if boot_id().ok().as_deref() != Some(rec.boot.as_str()) {
        return Ok(none);
    }
    let Some(pidfd) = pin(rec.pid, rec.start) else {
        return Ok(none);
    };
    let same_dirs = rec.dirs.len() == dirs.len()
        && rec
            .dirs
            .iter()
            .zip(dirs)
            .all(|(r, d)| r.path == d.as_os_str().as_bytes());
    let mut p = Predecessor {
        pid: rec.pid,
        pidfd,
        under: Vec::new(),
    };
    if take && same_dirs {
        for (r, d) in rec.dirs.iter().zip(dirs) {
            p.under.push(open_through(rec.pid, r).map_err(|e| {
                format!(
                    "cannot take {} over from the daemon {} that served it: {e}",
                    d.display(),
                    rec.pid
                )
            })?);
        }
    }
    Ok(Found {
        predecessor: Some(p),
        unclean: true,
    })
}

impl Predecessor {
    /// Kills it (it refuses changes and holds no acknowledgment: nothing is lost) and waits until
    /// the whole process is gone, so its port, its link and its mounts' connections are free.
    pub fn retire(&self) -> Result<(), String> {
        say!(
            "keel-rfsd: retiring the daemon {} of the previous rfs service",
            self.pid
        );
        let fd = self.pidfd.as_raw_fd();
        let rc = unsafe { libc::syscall(libc::SYS_pidfd_send_signal, fd, libc::SIGKILL, 0, 0) };
        if rc < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH) {
            return Err(format!(
                "cannot stop the daemon {} of the previous rfs service: {}",
                self.pid,
                std::io::Error::last_os_error()
            ));
        }
        // A pidfd is readable once every thread of the process has exited.
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = RETIRE_WAIT.as_millis() as i32;
        if unsafe { libc::poll(&mut p, 1, ms) } != 1 {
            return Err(format!(
                "the daemon {} of the previous rfs service did not exit",
                self.pid
            ));
        }
        Ok(())
    }
}

struct Recorded {
    pid: i32,
    start: u64,
    boot: String,
    dirs: Vec<RecordedDir>,
}

struct RecordedDir {
    fd: i32,
    dev: u64,
    ino: u64,
    path: Vec<u8>,
}

fn parse(text: &str) -> Option<Recorded> {
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next()?.split(' ').collect();
    let (pid, start, boot) = match head[..] {
        ["pid", pid, start, boot] if !boot.is_empty() => {
            (pid.parse().ok()?, start.parse().ok()?, boot.into())
        }
        _ => return None,
    };
    let mut dirs = Vec::new();
    for l in lines {
        match l.split(' ').collect::<Vec<_>>()[..] {
            ["dir", fd, dev, ino, path] => dirs.push(RecordedDir {
                fd: fd.parse().ok()?,
                dev: dev.parse().ok()?,
                ino: ino.parse().ok()?,
                path: unhex(path)?,
            }),
            _ => return None,
        }
    }
    Some(Recorded {
        pid,
        start,
        boot,
        dirs,
    })
}

/// A pidfd of `pid` if it is still the recorded keel-rfsd: same start time, run by root (a user's
/// process may call itself keel-rfsd, not be root). Checked after the pidfd is open, so the
/// pidfd is of the process checked.
fn pin(pid: i32, start: u64) -> Option<OwnedFd> {
    let rc = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if rc < 0 {
        return None;
    }
    let pidfd = unsafe { OwnedFd::from_raw_fd(rc as i32) };
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let root = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .is_some_and(|ids| ids.split_whitespace().all(|id| id == "0"));
    let name = status
        .lines()
        .find_map(|l| l.strip_prefix("Name:"))
        .map(str::trim);
    (root && name == Some("keel-rfsd") && start_time(pid).ok() == Some(start)).then_some(pidfd)
}

/// The predecessor's directory through its descriptor, checked to be the recorded directory on a
/// real file system (not a mount of ours, not another file the number now stands for).
fn open_through(pid: i32, r: &RecordedDir) -> std::io::Result<Underlying> {
    let f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(format!("/proc/{pid}/fd/{}", r.fd))?;
    let meta = f.metadata()?;
    if meta.dev() != r.dev || meta.ino() != r.ino {
        return Err(std::io::Error::other(
            "its descriptor is not the recorded directory",
        ));
    }
    let mut sfs: libc::statfs = unsafe { std::mem::zeroed() };
    crate::at::check(unsafe { libc::fstatfs(f.as_raw_fd(), &mut sfs) })?;
    if sfs.f_type as i64 == FUSE_SUPER_MAGIC {
        return Err(std::io::Error::other("its descriptor leads into a FUSE mount"));
    }
    Ok(Underlying::from_fd(OwnedFd::from(f)))
}

/// The process's start time (field 22 of /proc/<pid>/stat): with the pid, who it is.
fn start_time(pid: i32) -> Result<u64, String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    let rest = stat.rsplit_once(')').ok_or("unreadable stat")?.1;
    rest.split_whitespace()
        .nth(19)
        .and_then(|f| f.parse().ok())
        .ok_or_else(|| "unreadable stat".into())
}

/// This boot of the machine: a record of another boot names no live process.
fn boot_id() -> Result<String, String> {
    fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .map_err(|e| format!("boot id: {e}"))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_anything_else_is_refused() {
        let r = parse("pid 42 123456 b00t\ndir 3 2049 77 2f7372762f64617461\n").unwrap();
        assert_eq!(
            (r.pid, r.start, r.boot.as_str(), r.dirs.len()),
            (42, 123456, "b00t", 1)
        );
        assert_eq!((r.dirs[0].fd, r.dirs[0].dev, r.dirs[0].ino), (3, 2049, 77));
        assert_eq!(r.dirs[0].path, b"/srv/data");
        for bad in [
            "",
            "pid 42 1\n",
            "pid x 1 b\n",
            "pid 42 1 b\ndir 3 1 2\n",
            "pid 42 1 b\ndir 3 1 2 2f7\n",
            "pid 42 1 b\ndir 3 1 2 zz\n",
            "pid 42 1 b\nextra\n",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn only_a_root_keel_rfsd_with_the_recorded_start_is_pinned() {
        let me = std::process::id() as i32;
        let start = start_time(me).unwrap();
        // This test process is not called keel-rfsd.
        assert!(pin(me, start).is_none());
        assert!(pin(me, start + 1).is_none());
        assert!(pin(i32::MAX, start).is_none());
    }
}
