//! SafeKit's `rfs.netout_bandwidth` (primary) and `rfs.netin_bandwidth` (secondary), guide §5.7.5
//! "Bandwidth": the daemon counts the bytes of the frames it sends and receives on its links
//! (crate::stats, whole frames as on the wire) and reports them, cumulative, as a `net` event
//! once a second when they changed; apps/rfs averages them over 3 s as it does the `stats` bytes.

use crate::events::Events;
use crate::stats::REPORT_EVERY;
use std::sync::atomic::Ordering::Relaxed;

/// Reports for ever (a thread of its own, both roles).
pub fn report(events: Events) {
    let mut last = (0, 0);
    loop {
        std::thread::sleep(REPORT_EVERY);
        let s = events.stats();
        let now = (s.net_out.load(Relaxed), s.net_in.load(Relaxed));
        if now != last {
            events.net(now.0, now.1);
            last = now;
        }
    }
}

/// A frame of `bytes` arrived (the secondary's link; the primary's acknowledgments are not
/// counted: SafeKit's resource for it is the secondary's).
pub fn received(events: &Events, bytes: u64) {
    events.stats().net_in.fetch_add(bytes, Relaxed);
}
