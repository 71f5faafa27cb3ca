//! The decisions of a reintegration (SafeKit guide §3.4, §5.7.5): how the copy as a whole is
//! judged from the secondary's answer, and then, file by file, what travels.

use crate::store::{Dirty, Store};
use keel_repl::op::{sync_answer, Ack, Time};

/// SafeKit's guard (guide §3.4, since 7.4.0.50): the two nodes' synctimestamps may differ by at
/// most this much, or the incremental reintegration is refused.
pub const SYNC_GUARD_MS: u64 = 90_000;
/// After a crash, files modified since the last sync point minus this are copied (guide §3.4:
/// "a grace delay, typically one hour").
pub const GRACE_MS: i64 = 3_600_000;

/// The log line of the guard (guide §3.4, component `reintegre`, level E).
pub const GUARD_MESSAGE: &str =
    "Automatic synchronization cannot be applied due to an abnormal delta between the dates of the last synchronization";

/// Where the secondary's copy stands, as it answered `SyncPoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecondaryState {
    /// The sync point of its last complete copy (0: none).
    pub epoch: u64,
    /// Its synctimestamp, ms since the epoch (0: none).
    pub sync_ms: u64,
    /// Its daemon stopped cleanly since: it holds every change it acknowledged.
    pub clean: bool,
    /// `secondforce -d <date>`: the date, in seconds.
    pub since_s: Option<i64>,
}

impl SecondaryState {
    pub fn from_ack(a: &Ack) -> SecondaryState {
        SecondaryState {
            epoch: a.size,
            sync_ms: a.ino,
            clean: a.nlink & sync_answer::CLEAN != 0,
            since_s: (a.nlink & sync_answer::SINCE != 0).then_some(a.mtime.sec),
        }
    }

    /// The answer as the secondary puts it in its ack.
    pub fn to_ack(&self, seq: u64) -> Ack {
        let mut a = Ack::ok(seq);
        a.size = self.epoch;
        a.ino = self.sync_ms;
        a.nlink = if self.clean { sync_answer::CLEAN } else { 0 };
        if let Some(s) = self.since_s {
            a.nlink |= sync_answer::SINCE;
            a.mtime = Time { sec: s, nsec: 0 };
        }
        a
    }
}

/// Whether two synctimestamps are close enough for an incremental reintegration (either missing:
/// nothing to compare, as at a first start).
pub fn within_guard(primary_ms: u64, secondary_ms: u64) -> bool {
    primary_ms == 0 || secondary_ms == 0 || primary_ms.abs_diff(secondary_ms) <= SYNC_GUARD_MS
}

/// How the files of this reintegration are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every file copied (`second fullsync`, or nothing known of the secondary's copy).
    Full,
    /// The record holds everything since the secondary's sync point: dirty zones only.
    Zones,
    /// The record cannot be used (a crash of either node, another sync point): files whose size,
    /// modification time or link count differ, and every file modified since `since_ms`
    /// (the last sync point minus the grace delay), are copied. (`i64::MAX`: only those that
    /// differ, as in a reintegration's later passes.)
    Compare { since_ms: i64 },
    /// `secondforce -d`: files modified since the date (or of another size) are copied.
    Since { since_ms: i64 },
}

/// The mode for a secondary that answered `s`, given this primary's record and its own
/// synctimestamp (`primary_ms`, 0: none), and whether the secondary asked for a full copy.
pub fn mode(store: &Store, primary_ms: u64, s: &SecondaryState, full: bool) -> Mode {
    if full {
        return Mode::Full;
    }
    if let Some(since) = s.since_s {
        return Mode::Since {
            since_ms: since.saturating_mul(1000),
        };
    }
    if store.usable() && s.clean && s.epoch == store.epoch {
        return Mode::Zones;
    }
    without_record(primary_ms, s)
}

/// The mode when the record cannot be used (or stops being usable in the middle of a zone
/// reintegration): files are compared from the older sync point minus the grace delay.
pub fn without_record(primary_ms: u64, s: &SecondaryState) -> Mode {
    if let Some(since) = s.since_s {
        return Mode::Since {
            since_ms: since.saturating_mul(1000),
        };
    }
    let point = match (primary_ms, s.sync_ms) {
        (0, 0) => return Mode::Full,
        (0, x) | (x, 0) => x,
        (p, x) => p.min(x),
    };
    Mode::Compare {
        since_ms: (point as i64).saturating_sub(GRACE_MS),
    }
}

/// A regular file as one node has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub size: u64,
    pub mtime: Time,
    pub nlink: u64,
}

fn ms(t: Time) -> i64 {
    t.sec
        .saturating_mul(1000)
        .saturating_add((t.nsec / 1_000_000) as i64)
}

/// What travels for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilePlan {
    /// The data is the same: only owner, mode and times are made the same.
    Keep,
    /// These byte ranges, then the size and times.
    Zones(Vec<(u64, u64)>),
    /// The file made anew and copied whole.
    Whole,
}

/// The plan for a file the primary has as `p`, the secondary as `s` (None: it has no regular file
/// there), with this record entry (for `Mode::Zones`).
pub fn plan_file(mode: Mode, zone: u64, entry: Option<&Dirty>, p: &Facts, s: Option<&Facts>) -> FilePlan {
    let Some(s) = s else { return FilePlan::Whole };
    let same = p.size == s.size && p.mtime == s.mtime && p.nlink == s.nlink;
    match mode {
        Mode::Full => FilePlan::Whole,
        Mode::Zones => match entry {
            Some(Dirty::Whole) => FilePlan::Whole,
            // Names made or removed while away were replayed: a count that still differs means
            // the copy there is not this file's.
            _ if p.nlink != s.nlink => FilePlan::Whole,
            Some(Dirty::Zones(z)) if !z.is_empty() => FilePlan::Zones(z.byte_ranges(p.size, zone)),
            // Untouched since the sync point, or only its attributes changed. Its modification
            // time may differ (a write applied live there takes that node's time): not a reason
            // to copy. Its size may not.
            _ if p.size == s.size => FilePlan::Keep,
            _ => FilePlan::Whole,
        },
        Mode::Compare { since_ms } => {
            if same && ms(p.mtime) < since_ms {
                FilePlan::Keep
            } else {
                FilePlan::Whole
            }
        }
        Mode::Since { since_ms } => {
            if ms(p.mtime) >= since_ms || p.size != s.size {
                FilePlan::Whole
            } else {
                FilePlan::Keep
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoneset::ZoneSet;

    fn facts(size: u64, sec: i64, nlink: u64) -> Facts {
        Facts {
            size,
            mtime: Time { sec, nsec: 0 },
            nlink,
        }
    }

    fn state(epoch: u64, sync_ms: u64, clean: bool) -> SecondaryState {
        SecondaryState {
            epoch,
            sync_ms,
            clean,
            since_s: None,
        }
    }

    #[test]
    fn zones_only_when_the_record_covers_the_secondarys_copy() {
        let mut st = Store::new(4096);
        st.synced(42);
        assert_eq!(
            mode(&st, 1_000_000, &state(42, 1_000_000, true), false),
            Mode::Zones
        );
        assert_eq!(
            mode(&st, 1_000_000, &state(42, 1_000_000, true), true),
            Mode::Full
        );
        // Another sync point, or a secondary that crashed: compare.
        let cmp = Mode::Compare {
            since_ms: 1_000_000 - GRACE_MS,
        };
        assert_eq!(mode(&st, 1_000_000, &state(41, 1_000_000, true), false), cmp);
        assert_eq!(mode(&st, 1_000_000, &state(42, 1_000_000, false), false), cmp);
        // A record that lost something, or none (a crash of the primary): compare.
        st.lose();
        assert_eq!(mode(&st, 1_000_000, &state(42, 1_000_000, true), false), cmp);
        let none = Store::new(4096);
        assert_eq!(mode(&none, 1_000_000, &state(0, 0, true), false), cmp);
        assert_eq!(
            mode(&none, 2_000_000, &state(0, 1_000_000, true), false),
            cmp,
            "the older sync point"
        );
        assert_eq!(mode(&none, 0, &state(0, 0, true), false), Mode::Full);
        assert_eq!(without_record(1_000_000, &state(42, 1_000_000, true)), cmp);
        let forced = SecondaryState {
            since_s: Some(1000),
            ..state(42, 5, true)
        };
        assert_eq!(mode(&st, 1, &forced, false), Mode::Since { since_ms: 1_000_000 });
    }

    #[test]
    fn the_guard_allows_ninety_seconds() {
        assert!(within_guard(1_000_000, 1_090_000));
        assert!(!within_guard(1_000_000, 1_090_001));
        assert!(!within_guard(1_090_001, 1_000_000));
        assert!(within_guard(0, 5) && within_guard(5, 0));
    }

    #[test]
    fn the_answer_round_trips_through_an_ack() {
        for s in [
            state(1, 2, true),
            state(0, 0, false),
            SecondaryState {
                since_s: Some(-5),
                ..state(9, 9, false)
            },
        ] {
            assert_eq!(SecondaryState::from_ack(&s.to_ack(3)), s);
        }
    }

    #[test]
    fn per_file_plans() {
        let p = facts(10_000, 100, 1);
        let mut z = ZoneSet::default();
        z.mark(1, 2);
        let zones = Dirty::Zones(z);
        // A file the secondary lacks travels whole in every mode.
        for m in [Mode::Zones, Mode::Full, Mode::Compare { since_ms: 0 }] {
            assert_eq!(plan_file(m, 4096, Some(&zones), &p, None), FilePlan::Whole);
        }
        let live = facts(10_000, 555, 1);
        assert_eq!(
            plan_file(Mode::Zones, 4096, Some(&zones), &p, Some(&live)),
            FilePlan::Zones(vec![(4096, 8192)])
        );
        assert_eq!(
            plan_file(Mode::Zones, 4096, None, &p, Some(&live)),
            FilePlan::Keep,
            "applied live: its time differs, its data does not"
        );
        assert_eq!(
            plan_file(Mode::Zones, 4096, None, &p, Some(&facts(9, 100, 1))),
            FilePlan::Whole
        );
        assert_eq!(
            plan_file(Mode::Zones, 4096, Some(&Dirty::Whole), &p, Some(&p)),
            FilePlan::Whole
        );
        assert_eq!(
            plan_file(Mode::Zones, 4096, Some(&zones), &p, Some(&facts(10_000, 100, 2))),
            FilePlan::Whole
        );
        // Attributes only: the data is compared as for a file not recorded.
        let attrs = Dirty::Zones(ZoneSet::default());
        assert_eq!(
            plan_file(Mode::Zones, 4096, Some(&attrs), &p, Some(&live)),
            FilePlan::Keep
        );
        assert_eq!(
            plan_file(Mode::Zones, 4096, Some(&attrs), &p, Some(&facts(9, 100, 1))),
            FilePlan::Whole
        );
        // Compare: differing facts or modified since the point minus grace: whole.
        let cmp = Mode::Compare { since_ms: 100_001 };
        assert_eq!(plan_file(cmp, 4096, None, &p, Some(&p)), FilePlan::Keep);
        assert_eq!(plan_file(cmp, 4096, None, &p, Some(&live)), FilePlan::Whole);
        let recent = Mode::Compare { since_ms: 100_000 };
        assert_eq!(plan_file(recent, 4096, None, &p, Some(&p)), FilePlan::Whole);
        // A later pass of the same reintegration: only what differs.
        let later = Mode::Compare { since_ms: i64::MAX };
        assert_eq!(plan_file(later, 4096, None, &p, Some(&p)), FilePlan::Keep);
        assert_eq!(plan_file(later, 4096, None, &p, Some(&live)), FilePlan::Whole);
        let since = Mode::Since { since_ms: 100_000 };
        assert_eq!(
            plan_file(since, 4096, None, &facts(1, 99, 1), Some(&facts(1, 5, 1))),
            FilePlan::Keep
        );
        assert_eq!(
            plan_file(since, 4096, None, &p, Some(&facts(1, 5, 1))),
            FilePlan::Whole
        );
    }
}
