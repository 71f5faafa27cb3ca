//! Eight application threads write, rename and remove at once (so many operations are in flight on
//! the link) while the secondary is killed and joins again, twice: when the writers stop and the
//! secondary has caught up, both copies are identical. What was in flight when the link broke
//! reached the primary's record of what the secondary lacks, in order, with the paths the
//! operations had (crate::pipeline), or the reintegration would leave a difference.
mod support;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

const WRITERS: u64 = 8;

/// One writer's round `i` in its own directory: a block written at an offset of one of four files,
/// a file renamed over another now and then, a small file made and one removed.
fn round(dir: &Path, w: u64, i: u64) {
    let f = dir.join(format!("f{}", i % 4));
    if let Ok(file) = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&f)
    {
        let _ = file.write_at(&[(w * 31 + i) as u8; 4096], (i * 7 % 64) * 4096);
        if i % 16 == 0 {
            let _ = file.sync_data();
        }
    }
    if i % 10 == 5 {
        let _ = fs::rename(
            dir.join(format!("f{}", i % 4)),
            dir.join(format!("f{}", (i + 1) % 4)),
        );
    }
    let _ = fs::write(dir.join(format!("s{}", i % 20)), format!("{w} {i}"));
    if i % 3 == 0 {
        let _ = fs::remove_file(dir.join(format!("s{}", (i + 7) % 20)));
    }
}

#[test]
fn writers_at_once_across_a_killed_secondary_end_with_identical_copies() {
    let t = Scratch::new("writers-at-once");
    let port = free_port();
    let mut p = t.primary_with(port, &["--hold-ms", "0"]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");

    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicU64::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (dir, stop, rounds) = (t.p().join(format!("w{w}")), stop.clone(), rounds.clone());
            fs::create_dir_all(&dir).unwrap();
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    round(&dir, w, i);
                    rounds.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();

    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(700));
        let before = rounds.load(Ordering::Relaxed);
        s.kill9();
        p.wait("link-lost");
        std::thread::sleep(Duration::from_millis(300));
        s = t.secondary(port, false);
        s.wait("synced");
        assert!(
            rounds.load(Ordering::Relaxed) > before,
            "the writers made no progress across the secondary's loss"
        );
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    // The last changes were live: the secondary holds them once the primary stops cleanly.
    p.stop();
    s.wait("primary-stopped");
    assert_same_trees(&t.p(), &t.s());
    eprintln!("{} rounds by {WRITERS} writers", rounds.load(Ordering::Relaxed));
}
