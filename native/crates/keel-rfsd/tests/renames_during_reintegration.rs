//! An application that renames files all the time (write a new version, rename it over the old
//! one) cannot keep a secondary from catching up: after a few passes disturbed by renames, a pass
//! runs alone (the application's changes wait for it), and the secondary syncs while the
//! application goes on; the copies are then equal.
mod support;
use std::fs;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

#[test]
fn a_secondary_catches_up_with_an_application_that_renames_without_pause() {
    let t = Scratch::new("renames");
    for d in 0..20 {
        fs::create_dir(t.p().join(format!("d{d}"))).unwrap();
        for f in 0..100 {
            fs::write(t.p().join(format!("d{d}/f{f}")), vec![f as u8; 4096]).unwrap();
        }
    }
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let stop = Arc::new(AtomicBool::new(false));
    let saves = Arc::new(AtomicU64::new(0));
    let app = {
        let (root, stop, saves) = (t.p(), stop.clone(), saves.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let target = root.join(format!("d{}/f{}", i % 20, i % 100));
                let tmp = root.join(format!("d{}/.tmp", i % 20));
                fs::write(&tmp, format!("version {i}")).unwrap();
                fs::rename(&tmp, &target).unwrap();
                saves.fetch_add(1, Ordering::Relaxed);
                i += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let mut s = t.secondary(port, true);
    s.wait("synced");
    let during = saves.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    app.join().unwrap();
    assert!(
        saves.load(Ordering::Relaxed) > during,
        "the application went on after the sync"
    );
    assert_same_trees(&t.p(), &t.s());
}
