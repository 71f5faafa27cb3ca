//! What a node keeps in its module's state directory about its copy and its record of zones
//! (docs/decisions/0009, "Zone bitmaps"), each file written whole and atomically: a new file,
//! flushed, renamed over the old one, and the directory flushed. So after a crash each holds
//! either its old content or its new one.
//!
//! - `synctimestamp`: when this node's copy was last in sync (ms since the epoch), SafeKit's.
//! - `syncepoch`: the sync point its copy is complete as of (written by a secondary when told,
//!   and by a primary that stops cleanly with nothing owed to its secondary); removed when this
//!   node starts as primary, since its copy then changes.
//! - `zones`: a primary's record (keel-zones), written at a clean stop; removed when the node
//!   starts as secondary (it then has nothing to record for anyone).
//! - `clean`: written last at a clean stop, removed first at start. `zones` is trusted, and a
//!   secondary counts its copy complete, only if it was there.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

pub const SYNCTIMESTAMP: &str = "synctimestamp";
pub const SYNCEPOCH: &str = "syncepoch";
pub const ZONES: &str = "zones";
pub const CLEAN: &str = "clean";
/// How often synctimestamp is written while the pair is in sync.
pub const SYNC_REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!("{name}.tmp"));
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, dir.join(name))?;
    File::open(dir)?.sync_all()
}

/// Removes a file durably (nothing if absent).
pub fn remove(dir: &Path, name: &str) -> io::Result<()> {
    match std::fs::remove_file(dir.join(name)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(()) => File::open(dir)?.sync_all(),
    }
}

/// A number written as one line (None: absent or not a number).
pub fn read_number(dir: &Path, name: &str) -> Option<u64> {
    std::fs::read_to_string(dir.join(name)).ok()?.trim().parse().ok()
}

pub fn write_number(dir: &Path, name: &str, n: u64) -> io::Result<()> {
    write_atomic(dir, name, format!("{n}\n").as_bytes())
}

/// Whether the last stop was clean; the mark is removed (durably) before anything else happens,
/// so a crash from now on leaves it absent.
pub fn take_clean(dir: &Path) -> io::Result<bool> {
    let was = dir.join(CLEAN).exists();
    remove(dir, CLEAN)?;
    Ok(was)
}

pub fn mark_clean(dir: &Path) -> io::Result<()> {
    write_atomic(dir, CLEAN, b"")
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// This node's copy was in sync now.
pub fn record_sync(dir: &Path) {
    if let Err(e) = write_number(dir, SYNCTIMESTAMP, now_ms()) {
        say!(
            "keel-rfsd: cannot record the synchronisation time in {}: {e}",
            dir.display()
        );
    }
}

/// A new sync point: random, never 0.
pub fn new_epoch() -> u64 {
    let mut b = [0u8; 8];
    loop {
        let n = unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) };
        let e = u64::from_le_bytes(b);
        if n == 8 && e != 0 {
            return e;
        }
    }
}
