//! `rfs.netout_bandwidth` / `rfs.netin_bandwidth` (guide §5.7.5 "Bandwidth") come from the `net`
//! events: the primary counts the frames it sends, the secondary those it receives, cumulative.
mod support;
use std::fs;
use std::time::{Duration, Instant};
use support::*;

const SIZE: u64 = 2 << 20;

fn last_net(d: &mut Daemon, key: &str, at_least: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let v = d
            .wait_for("net", left)
            .unwrap_or_else(|| panic!("no net event with {key} >= {at_least}"));
        let n = v[key].as_u64().unwrap();
        if n >= at_least {
            return n;
        }
    }
}

#[test]
fn both_ends_report_the_bytes_of_the_link() {
    let t = Scratch::new("net-bytes");
    let (mut p, mut s) = t.synced_pair();
    let mut f = fs::File::create(t.p().join("f")).unwrap();
    std::io::Write::write_all(&mut f, &vec![3u8; SIZE as usize]).unwrap();
    f.sync_all().unwrap();
    // The file's data went out of the primary and into the secondary, with its frames' headers.
    last_net(&mut p, "out_bytes", SIZE);
    last_net(&mut s, "in_bytes", SIZE);
    p.stop();
    s.stop();
}
