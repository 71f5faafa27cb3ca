//! The primary's `stats` events (crate::stats): while the secondary is away the zone record's
//! dirty bytes show; when it returns, the report that ends the reintegration (before `synced`)
//! counts the file bytes copied, the recorded files visited against the record's totals (a zone
//! reintegration does not walk the tree), and the frames sent, with nothing left in flight and no
//! dirty zone left.
mod support;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};
use support::*;

const FILES: u64 = 12;
const SIZE: u64 = 256 * 1024;
const CHANGED: u64 = 5;

fn n(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {v}"))
}

#[test]
fn the_stats_event_reports_the_dirty_zones_and_the_bytes_of_a_reintegration() {
    let t = Scratch::new("stats-rei");
    for i in 0..FILES {
        fs::write(t.p().join(format!("f{i}")), vec![i as u8; SIZE as usize]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--zone-bytes", "4096"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    p.wait("synced");
    assert_eq!(s.stop(), Some(0));
    p.wait("link-lost");

    for i in 0..CHANGED {
        let f = fs::OpenOptions::new()
            .write(true)
            .open(t.p().join(format!("f{i}")))
            .unwrap();
        f.write_all_at(&[0xee; 4096], 16 * 4096 * (i + 1)).unwrap();
    }
    // The reporter says the record's dirty zones within a second or two.
    let deadline = Instant::now() + Duration::from_secs(10);
    let dirty = loop {
        let v = p
            .wait_for("stats", deadline.saturating_duration_since(Instant::now()))
            .expect("a stats event with the dirty zones");
        if n(&v, "dirty_files") == CHANGED {
            break v;
        }
    };
    assert_eq!(n(&dirty, "dirty_bytes"), CHANGED * 4096, "{dirty}");
    let live_before = n(&dirty, "live_bytes");
    let from = p.drain().len();

    let mut s = t.secondary(port, false);
    s.wait("synced");
    let synced = p.wait("synced");
    let last = p
        .drain()
        .iter()
        .rev()
        .find(|v| v["event"] == "stats")
        .cloned()
        .expect("a stats event");
    let seen: Vec<&Value> = p.drain()[from..].iter().collect();
    let at_end = seen
        .iter()
        .position(|v| {
            v["event"] == "stats" && n(v, "rei_copied_bytes") > 0 && !v["rei_running"].as_bool().unwrap()
        })
        .expect("the report of the reintegration's end");
    let end = seen[at_end];
    let synced_at = seen.iter().rposition(|v| v["event"] == "synced").unwrap();
    assert!(at_end < synced_at, "the end is reported before synced: {seen:?}");
    assert_eq!(n(end, "rei_copied_bytes"), CHANGED * 4096, "{end}");
    assert_eq!(n(end, "rei_copied_bytes"), n(&synced, "bytes"));
    assert_eq!(n(end, "rei_copied_files"), CHANGED, "{end}");
    // A zone reintegration visits the recorded files only: its totals are theirs and the bytes
    // it plans to send (the marked zones within each file's size), not the tree's.
    assert_eq!(
        (n(end, "rei_files_total"), n(end, "rei_bytes_total")),
        (CHANGED, CHANGED * 4096),
        "{end}"
    );
    assert_eq!(
        (n(end, "rei_files_done"), n(end, "rei_bytes_done")),
        (CHANGED, CHANGED * 4096),
        "{end}"
    );
    // The frames of this reintegration (the counters are the daemon's since it started): the
    // data, and a question, the times and the frames' headers around it for each file: within
    // the bar of issue 11 (at most twice the changed bytes), with no listing.
    let sent = n(end, "rei_bytes") - n(&dirty, "rei_bytes");
    assert!(sent > CHANGED * 4096, "{end}");
    assert!(sent <= 2 * CHANGED * 4096, "{sent} bytes sent: {end}");
    assert_eq!((n(end, "pending_ops"), n(end, "pending_bytes")), (0, 0), "{end}");
    assert_eq!(n(&last, "dirty_bytes"), 0, "{last}");
    assert_eq!(
        n(end, "live_bytes"),
        live_before,
        "nothing live while the secondary was away"
    );
    let buckets = end["ack_buckets"].as_array().unwrap();
    assert_eq!(
        buckets.last().unwrap().as_u64().unwrap(),
        n(end, "live_ops") + n(end, "rei_ops"),
        "every acknowledged operation is in the histogram: {end}"
    );
}
