//! The application keeps writing, renaming and deleting while a secondary reintegrates: when the
//! reintegration ends, and the writer stops, the two copies are identical. The writer keeps a
//! steady population (each round makes a file, moves it to another directory, and removes the one
//! moved there twenty rounds before), so its renames and removes go on for the whole walk; the
//! test counts those that happened between the start and the end of the reintegration. The
//! primary's reintegration is capped (`--rei-kbps`, `<rfs reiallowedbw>`) so that the walk over
//! 75 MiB lasts some seconds on any machine, not a blink on a fast one.
mod support;
use std::fs;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use support::*;

#[derive(Default)]
struct Counts {
    renames: AtomicU64,
    removes: AtomicU64,
}

impl Counts {
    fn now(&self) -> (u64, u64) {
        (
            self.renames.load(Ordering::SeqCst),
            self.removes.load(Ordering::SeqCst),
        )
    }
}

#[test]
fn a_reintegration_under_load_ends_with_identical_copies() {
    let t = Scratch::new("under-writes");
    for d in 0..10 {
        fs::create_dir_all(t.p().join(format!("d{d}"))).unwrap();
        for f in 0..30 {
            fs::write(t.p().join(format!("d{d}/f{f}")), vec![(d * f) as u8; 256 << 10]).unwrap();
        }
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--rei-kbps", "16384"]);
    p.wait("mounted");

    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(Counts::default());
    let writer = {
        let (root, stop, counts) = (t.p(), stop.clone(), counts.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let (a, b) = (i % 10, 9 - i % 10);
                fs::write(root.join(format!("d{a}/f{}", i % 30)), format!("rewrite {i}")).unwrap();
                fs::write(root.join(format!("d{a}/n{i}")), format!("new {i}")).unwrap();
                // Between a directory the walk passed and one it has not, both ways.
                if fs::rename(root.join(format!("d{a}/n{i}")), root.join(format!("d{b}/n{i}"))).is_ok() {
                    counts.renames.fetch_add(1, Ordering::SeqCst);
                }
                // Round i - 20 moved its file to the same directory b.
                if i >= 20 && fs::remove_file(root.join(format!("d{b}/n{}", i - 20))).is_ok() {
                    counts.removes.fetch_add(1, Ordering::SeqCst);
                }
                i += 1;
            }
        })
    };
    let mut s = t.secondary(port, true);
    s.wait("reintegration");
    let start = counts.now();
    s.wait("synced");
    let end = counts.now();
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let (renames, removes) = (end.0 - start.0, end.1 - start.1);
    assert!(
        renames >= 50 && removes >= 50,
        "only {renames} renames and {removes} removes while the reintegration ran"
    );
    // The writer's last changes came after `synced`, live: the copies are still equal.
    assert_same_trees(&t.p(), &t.s());
    eprintln!("{renames} renames and {removes} removes during the reintegration");
}
