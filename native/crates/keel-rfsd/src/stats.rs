//! What the primary counts of its replication, reported to its controller (apps/rfs) as `stats`
//! events: operations and bytes acknowledged, live and by reintegration, those in flight, the
//! acknowledgment latency, the dirty zones recorded for an absent secondary, and the progress of a
//! reintegration. The counters are atomics bumped on the data path (crate::primary, crate::sync);
//! a reporter thread turns them into an event once a second when something changed, and a
//! reintegration's end reports at once (docs/decisions/0009, "Metrics").

use crate::events::Events;
use crate::under::Underlying;
use keel_repl::{EntryKind, RelPath};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Upper bounds of the acknowledgment-latency buckets, in microseconds (a last bucket, +Inf,
/// holds the rest). Fixed: the controller maps them to a Prometheus histogram as they are.
pub const LATENCY_BOUNDS_US: [u64; 14] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    5_000_000,
];
const BUCKETS: usize = LATENCY_BOUNDS_US.len() + 1;

/// How often the reporter looks whether something changed.
pub const REPORT_EVERY: Duration = Duration::from_secs(1);

/// Who sent an operation: the application's change (live), or a reintegration step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Live,
    Reintegration,
    /// A question of a verification pass (`rfsverify`): counted on the link only (net_out).
    Verify,
}

#[derive(Default)]
struct Flow {
    ops: AtomicU64,
    bytes: AtomicU64,
}

/// What the zone record holds for an absent secondary: files recorded, and the bytes of their
/// marked zones (a file to copy whole counts in the files only: the record does not know its size).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dirty {
    pub files: u64,
    pub bytes: u64,
}

type DirtySource = Box<dyn Fn() -> Dirty + Send + Sync>;

#[derive(Default)]
pub struct Stats {
    live: Flow,
    rei: Flow,
    pending_ops: AtomicU64,
    pending_bytes: AtomicU64,
    /// Per bucket (not cumulative), the last one +Inf.
    buckets: [AtomicU64; BUCKETS],
    latency_sum_us: AtomicU64,
    rei_running: AtomicBool,
    /// Counts reintegrations: a tree count of an older one does not set the totals of a newer.
    rei_run: AtomicU64,
    rei_pass: AtomicU64,
    rei_files_done: AtomicU64,
    rei_bytes_done: AtomicU64,
    rei_files_total: AtomicU64,
    rei_bytes_total: AtomicU64,
    rei_copied_files: AtomicU64,
    rei_copied_bytes: AtomicU64,
    rei_started: Mutex<Option<Instant>>,
    rei_ms: AtomicU64,
    dirty: OnceLock<DirtySource>,
    last: Mutex<Option<Value>>,
    /// Bytes of frames this daemon sent and received on its links (crate::net).
    pub(crate) net_out: AtomicU64,
    pub(crate) net_in: AtomicU64,
}

fn bucket_of(us: u64) -> usize {
    LATENCY_BOUNDS_US
        .iter()
        .position(|&b| us <= b)
        .unwrap_or(LATENCY_BOUNDS_US.len())
}

impl Stats {
    /// An operation of `bytes` (its frame on the wire) went out: in flight until answered.
    pub fn sent(&self, bytes: u64) {
        self.net_out.fetch_add(bytes, Relaxed);
        self.pending_ops.fetch_add(1, Relaxed);
        self.pending_bytes.fetch_add(bytes, Relaxed);
    }

    /// The operation sent with [`Stats::sent`] is answered (`acked`) or lost with its link.
    pub fn answered(&self, origin: Origin, bytes: u64, latency: Duration, acked: bool) {
        self.pending_ops.fetch_sub(1, Relaxed);
        self.pending_bytes.fetch_sub(bytes, Relaxed);
        if !acked {
            return;
        }
        let flow = match origin {
            Origin::Live => &self.live,
            Origin::Reintegration => &self.rei,
            Origin::Verify => return,
        };
        flow.ops.fetch_add(1, Relaxed);
        flow.bytes.fetch_add(bytes, Relaxed);
        let us = latency.as_micros().min(u64::MAX as u128) as u64;
        self.buckets[bucket_of(us)].fetch_add(1, Relaxed);
        self.latency_sum_us.fetch_add(us, Relaxed);
    }

    /// Where the dirty bytes come from (the primary's zone record), set once.
    pub fn dirty_from(&self, source: DirtySource) {
        let _ = self.dirty.set(source);
    }

    /// A reintegration begins: its counters start from zero. Returns its run number.
    fn rei_begin(&self) -> u64 {
        for c in [
            &self.rei_pass,
            &self.rei_files_done,
            &self.rei_bytes_done,
            &self.rei_files_total,
            &self.rei_bytes_total,
            &self.rei_copied_files,
            &self.rei_copied_bytes,
            &self.rei_ms,
        ] {
            c.store(0, Relaxed);
        }
        *self.rei_started.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        self.rei_running.store(true, Relaxed);
        self.rei_run.fetch_add(1, Relaxed) + 1
    }

    /// A pass of the walk begins: files and bytes examined count again from zero.
    pub fn rei_pass(&self) {
        self.rei_pass.fetch_add(1, Relaxed);
        self.rei_files_done.store(0, Relaxed);
        self.rei_bytes_done.store(0, Relaxed);
    }

    /// The walk reached a regular file of `size` bytes (copied or not).
    pub fn rei_examined(&self, size: u64) {
        self.rei_files_done.fetch_add(1, Relaxed);
        self.rei_bytes_done.fetch_add(size, Relaxed);
    }

    /// The walk sent `bytes` of file data.
    pub fn rei_copied(&self, bytes: u64) {
        self.rei_copied_bytes.fetch_add(bytes, Relaxed);
    }

    /// The walk finished copying a file.
    pub fn rei_copied_file(&self) {
        self.rei_copied_files.fetch_add(1, Relaxed);
    }

    fn rei_totals(&self, run: u64, files: u64, bytes: u64) {
        if self.rei_run.load(Relaxed) == run && self.rei_running.load(Relaxed) {
            self.rei_files_total.store(files, Relaxed);
            self.rei_bytes_total.store(bytes, Relaxed);
        }
    }

    fn rei_stop(&self) {
        self.rei_ms.store(self.rei_elapsed_ms(), Relaxed);
        self.rei_running.store(false, Relaxed);
    }

    fn rei_elapsed_ms(&self) -> u64 {
        let started = *self.rei_started.lock().unwrap_or_else(|p| p.into_inner());
        started.map_or(0, |t| t.elapsed().as_millis() as u64)
    }

    /// The counters as the `stats` event carries them (without the event name).
    pub fn snapshot(&self) -> Value {
        let g = |c: &AtomicU64| c.load(Relaxed);
        let mut cumulative = 0;
        let buckets: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| {
                cumulative += g(b);
                cumulative
            })
            .collect();
        let dirty = self.dirty.get().map(|f| f()).unwrap_or_default();
        let running = self.rei_running.load(Relaxed);
        json!({
            "live_ops": g(&self.live.ops),
            "live_bytes": g(&self.live.bytes),
            "rei_ops": g(&self.rei.ops),
            "rei_bytes": g(&self.rei.bytes),
            "pending_ops": g(&self.pending_ops),
            "pending_bytes": g(&self.pending_bytes),
            "ack_le_us": LATENCY_BOUNDS_US,
            "ack_buckets": buckets,
            "ack_sum_us": g(&self.latency_sum_us),
            "dirty_files": dirty.files,
            "dirty_bytes": dirty.bytes,
            "rei_running": running,
            "rei_run": g(&self.rei_run),
            "rei_pass": g(&self.rei_pass),
            "rei_files_done": g(&self.rei_files_done),
            "rei_bytes_done": g(&self.rei_bytes_done),
            "rei_files_total": g(&self.rei_files_total),
            "rei_bytes_total": g(&self.rei_bytes_total),
            "rei_copied_files": g(&self.rei_copied_files),
            "rei_copied_bytes": g(&self.rei_copied_bytes),
            "rei_ms": if running { self.rei_elapsed_ms() } else { g(&self.rei_ms) },
        })
    }

    /// The file data per second the last reintegration that ended copied (None: none ended since
    /// this daemon started, or it copied nothing): what `rfsdiff` estimates with (crate::diff).
    pub fn last_rei_rate(&self) -> Option<u64> {
        let (ms, bytes) = (self.rei_ms.load(Relaxed), self.rei_copied_bytes.load(Relaxed));
        if self.rei_running.load(Relaxed) || ms == 0 || bytes == 0 {
            return None;
        }
        Some((bytes as u128 * 1000 / ms as u128).min(u64::MAX as u128) as u64)
    }

    /// The snapshot, if it differs from the last one reported (or `always`); remembered as reported.
    fn changed(&self, always: bool) -> Option<Value> {
        let now = self.snapshot();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if !always && last.as_ref() == Some(&now) {
            return None;
        }
        *last = Some(now.clone());
        Some(now)
    }
}

/// Reports `stats` while something changed, once per [`REPORT_EVERY`], for ever (a thread).
pub fn report(events: Events) {
    loop {
        std::thread::sleep(REPORT_EVERY);
        events.stats_report(false);
    }
}

impl Events {
    /// Emits a `stats` event if the counters changed since the last one (or `always`).
    pub fn stats_report(&self, always: bool) {
        if let Some(v) = self.stats().changed(always) {
            self.emit("stats", v);
        }
    }
}

/// A reintegration under way: its progress counts from zero, its planned totals are the tree's
/// (counted by a thread of its own, [`Reintegrating::count`]) or, for a zone reintegration, what
/// the record holds ([`Reintegrating::known`]), and its end is reported at once.
pub struct Reintegrating {
    events: Events,
    run: u64,
    count: Option<std::thread::JoinHandle<()>>,
}

impl Reintegrating {
    pub fn begin(events: &Events) -> Reintegrating {
        let run = events.stats_arc().rei_begin();
        Reintegrating {
            events: events.clone(),
            run,
            count: None,
        }
    }

    /// The totals are the tree's: counted beside the walk (once).
    pub fn count(&mut self, dirs: Arc<Vec<Underlying>>) {
        if self.count.is_some() {
            return;
        }
        let (stats, run) = (self.events.stats_arc(), self.run);
        self.count = Some(std::thread::spawn(move || {
            let (files, bytes) = count_tree(&dirs);
            stats.rei_totals(run, files, bytes);
        }));
    }

    /// The totals are known: the files a zone reintegration visits and the bytes it plans to send.
    pub fn known(&self, files: u64, bytes: u64) {
        self.events.stats().rei_totals(self.run, files, bytes);
    }
}

impl Drop for Reintegrating {
    /// Ended (synced, or its link lost): the last counts are reported before anything else is said.
    /// The count is waited for (the walk went through the same tree, so it is done or nearly),
    /// so the last report has the totals.
    fn drop(&mut self) {
        if let Some(count) = self.count.take() {
            let _ = count.join();
        }
        self.events.stats().rei_stop();
        self.events.stats_report(true);
    }
}

/// Regular files beneath the directories and their bytes (what a walk examines), without
/// following a symbolic link; entries that vanish meanwhile are skipped.
pub fn count_tree(dirs: &[Underlying]) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    for under in dirs {
        let mut stack = vec![RelPath::root()];
        while let Some(dir) = stack.pop() {
            let Ok(fd) = under.open_at(&dir, libc::O_RDONLY | libc::O_DIRECTORY, 0) else {
                continue;
            };
            let Ok(entries) = crate::at::list(std::os::fd::AsFd::as_fd(&fd)) else {
                continue;
            };
            for e in entries {
                match e.kind {
                    EntryKind::Dir => {
                        if let Ok(child) = dir.join(&e.name) {
                            stack.push(child);
                        }
                    }
                    EntryKind::File => {
                        let st = crate::at::cname(&e.name)
                            .and_then(|n| crate::at::stat_at(std::os::fd::AsFd::as_fd(&fd), &n));
                        if let Ok(st) = st {
                            files += 1;
                            bytes += st.st_size as u64;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    (files, bytes)
}

/// The dirty files and zone bytes of a zone record (a truncate's tail counts one zone).
pub fn dirty_of(store: &keel_zones::Store) -> Dirty {
    let mut d = Dirty::default();
    for (_, entry) in store.files() {
        d.files += 1;
        if let keel_zones::Dirty::Zones(z) = &entry.dirty {
            let zones: u64 =
                z.ranges().iter().map(|(a, b)| b - a).sum::<u64>() + u64::from(z.tail().is_some());
            d.bytes = d.bytes.saturating_add(zones.saturating_mul(store.zone));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(v: &Value, k: &str) -> u64 {
        v[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {v}"))
    }

    #[test]
    fn an_acknowledged_operation_counts_in_its_flow_and_leaves_nothing_pending() {
        let s = Stats::default();
        s.sent(100);
        let v = s.snapshot();
        assert_eq!((get(&v, "pending_ops"), get(&v, "pending_bytes")), (1, 100));
        s.answered(Origin::Live, 100, Duration::from_micros(300), true);
        s.sent(40);
        s.answered(Origin::Reintegration, 40, Duration::from_millis(2), true);
        let v = s.snapshot();
        assert_eq!((get(&v, "live_ops"), get(&v, "live_bytes")), (1, 100));
        assert_eq!((get(&v, "rei_ops"), get(&v, "rei_bytes")), (1, 40));
        assert_eq!((get(&v, "pending_ops"), get(&v, "pending_bytes")), (0, 0));
        assert_eq!(get(&v, "ack_sum_us"), 2_300);
    }

    #[test]
    fn an_operation_lost_with_its_link_is_not_counted_as_replicated() {
        let s = Stats::default();
        s.sent(10);
        s.answered(Origin::Live, 10, Duration::from_millis(1), false);
        let v = s.snapshot();
        assert_eq!(get(&v, "live_ops"), 0);
        assert_eq!(get(&v, "pending_ops"), 0);
        assert_eq!(v["ack_buckets"].as_array().unwrap().last().unwrap(), 0);
    }

    #[test]
    fn latency_buckets_are_cumulative_with_inclusive_bounds_and_an_infinite_last() {
        let s = Stats::default();
        for us in [100, 101, 250, 7_000_000] {
            s.sent(1);
            s.answered(Origin::Live, 1, Duration::from_micros(us), true);
        }
        let v = s.snapshot();
        let b: Vec<u64> = serde_json::from_value(v["ack_buckets"].clone()).unwrap();
        assert_eq!(b.len(), LATENCY_BOUNDS_US.len() + 1);
        assert_eq!(&b[..3], &[1, 3, 3]);
        assert_eq!(b[b.len() - 2], 3);
        assert_eq!(b[b.len() - 1], 4);
    }

    #[test]
    fn a_new_reintegration_counts_from_zero_and_a_pass_restarts_the_examined_counts() {
        let s = Stats::default();
        s.rei_begin();
        s.rei_pass();
        s.rei_examined(10);
        s.rei_copied(7);
        s.rei_copied_file();
        s.rei_pass();
        s.rei_examined(3);
        let v = s.snapshot();
        assert_eq!(get(&v, "rei_pass"), 2);
        assert_eq!((get(&v, "rei_files_done"), get(&v, "rei_bytes_done")), (1, 3));
        assert_eq!((get(&v, "rei_copied_files"), get(&v, "rei_copied_bytes")), (1, 7));
        assert!(v["rei_running"].as_bool().unwrap());
        s.rei_begin();
        assert_eq!(get(&s.snapshot(), "rei_copied_bytes"), 0);
    }

    #[test]
    fn the_totals_of_an_older_reintegration_are_ignored() {
        let s = Stats::default();
        let old = s.rei_begin();
        let new = s.rei_begin();
        s.rei_totals(old, 5, 50);
        assert_eq!(get(&s.snapshot(), "rei_files_total"), 0);
        s.rei_totals(new, 6, 60);
        let v = s.snapshot();
        assert_eq!((get(&v, "rei_files_total"), get(&v, "rei_bytes_total")), (6, 60));
        s.rei_stop();
        s.rei_totals(new, 7, 70);
        assert_eq!(get(&s.snapshot(), "rei_files_total"), 6);
        assert!(!s.snapshot()["rei_running"].as_bool().unwrap());
    }

    #[test]
    fn a_snapshot_is_reported_only_when_it_changed_unless_asked_always() {
        let s = Stats::default();
        assert!(s.changed(false).is_some());
        assert!(s.changed(false).is_none());
        assert!(s.changed(true).is_some());
        s.sent(1);
        assert!(s.changed(false).is_some());
    }

    #[test]
    fn dirty_bytes_are_the_marked_zones_and_whole_files_count_in_files_only() {
        let mut store = keel_zones::Store::new(4096);
        store.synced(7);
        store.changed((0, 1, 10), 0, 1);
        store.changed((0, 1, 10), 8192, 4097);
        store.changed_from((0, 1, 11), 4096 * 100);
        store.whole((0, 1, 12));
        let d = dirty_of(&store);
        assert_eq!(d.files, 3);
        assert_eq!(d.bytes, 3 * 4096 + 4096);
    }

    #[test]
    fn the_dirty_source_is_asked_at_each_snapshot() {
        let s = Stats::default();
        s.dirty_from(Box::new(|| Dirty {
            files: 2,
            bytes: 8192,
        }));
        let v = s.snapshot();
        assert_eq!((get(&v, "dirty_files"), get(&v, "dirty_bytes")), (2, 8192));
    }

    #[test]
    fn the_tree_count_finds_regular_files_and_their_sizes_without_following_links() {
        let t = std::env::temp_dir().join(format!("keel-stats-count-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&t);
        std::fs::create_dir_all(t.join("a/b")).unwrap();
        std::fs::write(t.join("one"), b"12345").unwrap();
        std::fs::write(t.join("a/b/two"), vec![0u8; 1000]).unwrap();
        std::os::unix::fs::symlink("/etc", t.join("a/out")).unwrap();
        std::os::unix::fs::symlink("one", t.join("link")).unwrap();
        let under = Underlying::open(&t).unwrap();
        assert_eq!(count_tree(&[under]), (2, 1005));
        std::fs::remove_dir_all(&t).unwrap();
    }
}
