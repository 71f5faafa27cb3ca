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
//! stay beneath, dead and out of reach, until the module's next stop clears them.
//!
//! Any daemon that starts also retires a live predecessor it does not take over from (a
//! secondary start, a changed directory set): nothing old keeps serving beside it.

use crate::under::Underlying;
use std::fs;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RECORD: &str = "primary";
/// `statfs` type of FUSE file systems: a descriptor that leads into one is not a real directory.
const FUSE_SUPER_MAGIC: i64 = 0x6573_5546;
/// How long a killed predecessor may take to be gone.
const RETIRE_WAIT: Duration = Duration::from_secs(10);

/// A live daemon that served this module's directories as primary.
pub struct Predecessor {
    pid: i32,
    /// Its directories, opened through its descriptors; empty when it is only to be retired.
    pub under: Vec<Underlying>,
}

/// Writes the record of this primary (atomically: a new file renamed over the old one).
pub fn record(state_dir: &Path, dirs: &[PathBuf], under: &[Underlying]) -> Result<(), String> {
    let mut text = format!(
        "pid {} {}\n",
        std::process::id(),
        start_time(std::process::id() as i32)?
    );
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
        let mut f = fs::File::create(&tmp)?;
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

/// The live predecessor the record names, if any. With `take` (a primary serving the same
/// directories), its directories are opened for this daemon; a record whose process is gone,
/// or is another process by now, is stale and ignored.
pub fn find(state_dir: &Path, dirs: &[PathBuf], take: bool) -> Result<Option<Predecessor>, String> {
    let Ok(text) = fs::read_to_string(state_dir.join(RECORD)) else {
        return Ok(None);
    };
    let Some(rec) = parse(&text) else {
        say!(
            "keel-rfsd: ignored an unreadable primary record in {}",
            state_dir.display()
        );
        return Ok(None);
    };
    if start_time(rec.pid).ok() != Some(rec.start) || comm(rec.pid).as_deref() != Some("keel-rfsd") {
        return Ok(None);
    }
    let same_dirs = rec.dirs.len() == dirs.len()
        && rec
            .dirs
            .iter()
            .zip(dirs)
            .all(|(r, d)| r.path == d.as_os_str().as_bytes());
    if !take || !same_dirs {
        return Ok(Some(Predecessor {
            pid: rec.pid,
            under: Vec::new(),
        }));
    }
    let mut under = Vec::new();
    for (r, d) in rec.dirs.iter().zip(dirs) {
        under.push(open_through(rec.pid, r).map_err(|e| {
            format!(
                "cannot take {} over from the daemon {} that served it: {e}",
                d.display(),
                rec.pid
            )
        })?);
    }
    Ok(Some(Predecessor { pid: rec.pid, under }))
}

impl Predecessor {
    /// Kills it (it refuses changes and holds no acknowledgment: nothing is lost) and waits until
    /// it is gone, so its port and its link are free.
    pub fn retire(&self) -> Result<(), String> {
        say!(
            "keel-rfsd: retiring the daemon {} of the previous rfs service",
            self.pid
        );
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
        let until = Instant::now() + RETIRE_WAIT;
        while alive(self.pid) {
            if Instant::now() > until {
                return Err(format!(
                    "the daemon {} of the previous rfs service did not exit",
                    self.pid
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }
}

struct Recorded {
    pid: i32,
    start: u64,
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
    let (pid, start) = match head[..] {
        ["pid", pid, start] => (pid.parse().ok()?, start.parse().ok()?),
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
    Some(Recorded { pid, start, dirs })
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

fn comm(pid: i32) -> Option<String> {
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|c| c.trim_end().to_string())
}

/// Alive and not a zombie waiting for its new parent to reap it.
fn alive(pid: i32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
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
        let r = parse("pid 42 123456\ndir 3 2049 77 2f7372762f64617461\n").unwrap();
        assert_eq!((r.pid, r.start, r.dirs.len()), (42, 123456, 1));
        assert_eq!((r.dirs[0].fd, r.dirs[0].dev, r.dirs[0].ino), (3, 2049, 77));
        assert_eq!(r.dirs[0].path, b"/srv/data");
        for bad in [
            "",
            "pid 42\n",
            "pid x 1\n",
            "pid 42 1\ndir 3 1 2\n",
            "pid 42 1\ndir 3 1 2 2f7\n",
            "pid 42 1\ndir 3 1 2 zz\n",
            "pid 42 1\nextra\n",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn this_process_has_a_start_time_and_is_alive() {
        let me = std::process::id() as i32;
        assert!(start_time(me).unwrap() > 0);
        assert!(alive(me));
        assert!(!alive(i32::MAX));
    }
}
