//! `rfsdiff` (guide §5.7.5 "Change estimate", docs/decisions/0009): on a primary without its
//! secondary, what a reintegration would send if the secondary came back now, changing nothing.
//!
//! A dry run of the walk: the mode is the one a returning secondary that stopped cleanly would
//! get (the zone record when usable, else files modified since the last sync point minus the grace
//! delay, else every file); the directories are walked, metadata only, and each regular file adds
//! what that mode sends of it (its recorded zones within its size, or all of it). A file with
//! several names counts once. The duration is the bytes at the last reintegration's rate, or at
//! `reiallowedbw` when lower; none when neither is known.

use crate::at;
use crate::primary::Replicator;
use crate::state;
use keel_repl::op::Time;
use keel_repl::{EntryKind, RelPath};
use keel_zones::plan::{self, Mode, SecondaryState};
use keel_zones::{Dirty, FileId};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::os::fd::AsFd;

/// What a reintegration would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub mode: &'static str,
    pub files: u64,
    pub bytes: u64,
    /// Bytes per second it is estimated at (None: unknown).
    pub rate: Option<u64>,
    /// A directory could not be read: more may differ.
    pub partial: bool,
}

impl Estimate {
    /// Seconds the copy would take at the rate (rounded up).
    pub fn seconds(&self) -> Option<u64> {
        self.rate.filter(|r| *r > 0).map(|r| self.bytes.div_ceil(r))
    }

    pub fn to_json(&self) -> Value {
        json!({
            "mode": self.mode,
            "files": self.files,
            "bytes": self.bytes,
            "rate_bps": self.rate,
            "seconds": self.seconds(),
            "partial": self.partial,
        })
    }
}

/// The mode a secondary that stopped cleanly at the record's sync point would be reintegrated in
/// (`primary_ms`: this node's synctimestamp, 0 if none).
pub fn mode_now(usable: bool, epoch: u64, primary_ms: u64) -> Mode {
    if usable {
        return Mode::Zones;
    }
    plan::without_record(
        primary_ms,
        &SecondaryState {
            epoch,
            sync_ms: primary_ms,
            clean: true,
            since_s: None,
        },
    )
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Full => "full",
        Mode::Zones => "zones",
        Mode::Compare { .. } => "compare",
        Mode::Since { .. } => "since",
    }
}

/// The bytes one regular file would send in `mode` (None: not sent), given its record entry.
pub fn file_bytes(mode: Mode, zone: u64, dirty: Option<&Dirty>, size: u64, mtime: Time) -> Option<u64> {
    let ms = mtime
        .sec
        .saturating_mul(1000)
        .saturating_add((mtime.nsec / 1_000_000) as i64);
    match mode {
        Mode::Full => Some(size),
        Mode::Zones => match dirty? {
            Dirty::Whole => Some(size),
            Dirty::Zones(z) => {
                let bytes: u64 = z.byte_ranges(size, zone).iter().map(|(a, b)| b - a).sum();
                // Attributes alone are no data to copy.
                (bytes > 0).then_some(bytes)
            }
        },
        Mode::Compare { since_ms } | Mode::Since { since_ms } => (ms >= since_ms).then_some(size),
    }
}

/// The rate to estimate with: the last reintegration's, or `reiallowedbw` (KB/s) when lower.
pub fn rate(last: Option<u64>, rei_kbps: Option<u64>) -> Option<u64> {
    let cap = rei_kbps.map(|k| k.saturating_mul(1024));
    match (last, cap) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The dry run on this primary (a thread of its own; it takes the record's lock only to copy the
/// entries it needs).
pub fn estimate(r: &Replicator) -> Estimate {
    let primary_ms = state::read_number(&r.state_dir, state::SYNCTIMESTAMP).unwrap_or(0);
    let (mode, zone, record) = {
        let z = r.zones.lock();
        let mode = mode_now(z.usable(), z.epoch, primary_ms);
        let record: HashMap<FileId, Dirty> = if mode == Mode::Zones {
            z.files().map(|(id, e)| (*id, e.dirty.clone())).collect()
        } else {
            HashMap::new()
        };
        (mode, z.zone, record)
    };
    let mut e = Estimate {
        mode: mode_name(mode),
        files: 0,
        bytes: 0,
        rate: rate(r.events.stats().last_rei_rate(), r.rei_kbps),
        partial: false,
    };
    let mut seen: HashSet<FileId> = HashSet::new();
    for (d, under) in r.dirs.iter().enumerate() {
        let d = d as u8;
        let mut stack = vec![RelPath::root()];
        while let Some(dir) = stack.pop() {
            let listed = under
                .open_at(&dir, libc::O_RDONLY | libc::O_DIRECTORY, 0)
                .and_then(|fd| Ok((at::list(fd.as_fd())?, fd)));
            let (entries, fd) = match listed {
                Ok(l) => l,
                Err(err) if matches!(err.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => continue,
                Err(_) => {
                    e.partial = true;
                    continue;
                }
            };
            for entry in entries {
                let Ok(child) = dir.join(&entry.name) else {
                    continue;
                };
                if !under.filter().replicated(&child, entry.kind == EntryKind::Dir) {
                    continue;
                }
                let Ok(st) = at::cname(&entry.name).and_then(|n| at::stat_at(fd.as_fd(), &n)) else {
                    continue;
                };
                match at::kind(&st) {
                    EntryKind::Dir => stack.push(child),
                    EntryKind::File => {
                        let id = (d, st.st_dev, st.st_ino);
                        if st.st_nlink > 1 && !seen.insert(id) {
                            continue;
                        }
                        let mtime = Time {
                            sec: st.st_mtime,
                            nsec: st.st_mtime_nsec as u32,
                        };
                        if let Some(b) = file_bytes(mode, zone, record.get(&id), st.st_size as u64, mtime) {
                            e.files += 1;
                            e.bytes += b;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_zones::ZoneSet;

    const T: Time = Time { sec: 100, nsec: 0 };

    #[test]
    fn a_usable_record_is_followed_else_files_are_compared_from_the_sync_point_else_all_are_copied() {
        assert_eq!(mode_now(true, 7, 5_000_000), Mode::Zones);
        assert_eq!(
            mode_now(false, 7, 5_000_000),
            Mode::Compare {
                since_ms: 5_000_000 - plan::GRACE_MS
            }
        );
        assert_eq!(mode_now(false, 0, 0), Mode::Full);
    }

    #[test]
    fn zones_send_what_is_recorded_within_the_size() {
        let mut z = ZoneSet::default();
        z.mark(1, 3);
        let dirty = Dirty::Zones(z);
        // Zones 1 and 2 of 4096 bytes, the file ending in zone 2.
        assert_eq!(
            file_bytes(Mode::Zones, 4096, Some(&dirty), 10_000, T),
            Some(4096 + 10_000 - 8192)
        );
        assert_eq!(
            file_bytes(Mode::Zones, 4096, Some(&Dirty::Whole), 123, T),
            Some(123)
        );
        assert_eq!(file_bytes(Mode::Zones, 4096, None, 123, T), None);
        assert_eq!(
            file_bytes(Mode::Zones, 4096, Some(&Dirty::Zones(ZoneSet::default())), 5, T),
            None
        );
    }

    #[test]
    fn compare_counts_the_files_modified_since_and_full_all() {
        let m = Mode::Compare { since_ms: 100_000 };
        assert_eq!(file_bytes(m, 1, None, 9, T), Some(9));
        assert_eq!(
            file_bytes(
                m,
                1,
                None,
                9,
                Time {
                    sec: 99,
                    nsec: 999_999_999
                }
            ),
            None
        );
        assert_eq!(
            file_bytes(Mode::Full, 1, None, 9, Time { sec: 0, nsec: 0 }),
            Some(9)
        );
    }

    #[test]
    fn the_rate_is_the_last_one_capped_by_reiallowedbw() {
        assert_eq!(rate(Some(10_000), Some(5)), Some(5 * 1024));
        assert_eq!(rate(Some(1000), Some(5)), Some(1000));
        assert_eq!(rate(None, Some(5)), Some(5 * 1024));
        assert_eq!(rate(Some(7), None), Some(7));
        assert_eq!(rate(None, None), None);
        let e = Estimate {
            mode: "zones",
            files: 1,
            bytes: 1001,
            rate: Some(1000),
            partial: false,
        };
        assert_eq!(e.seconds(), Some(2));
        assert_eq!(Estimate { rate: None, ..e }.seconds(), None);
    }
}
