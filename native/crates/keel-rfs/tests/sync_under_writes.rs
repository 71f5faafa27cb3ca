//! The application keeps writing, renaming and deleting while a secondary reintegrates: when the
//! reintegration ends, and the writer stops, the two copies are identical.
mod support;
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::*;

#[test]
fn a_reintegration_under_load_ends_with_identical_copies() {
    let t = Scratch::new("under-writes");
    for d in 0..10 {
        fs::create_dir_all(t.p().join(format!("d{d}"))).unwrap();
        for f in 0..30 {
            fs::write(t.p().join(format!("d{d}/f{f}")), vec![(d * f) as u8; 64 << 10]).unwrap();
        }
    }
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (root, stop) = (t.p(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let d = i % 10;
                fs::write(root.join(format!("d{d}/f{}", i % 30)), format!("rewrite {i}")).unwrap();
                // Move files between directories the walk did and did not pass yet.
                let _ = fs::rename(
                    root.join(format!("d{d}/f{}", (i + 7) % 30)),
                    root.join(format!("d{}/m{i}", 9 - d)),
                );
                let _ = fs::remove_file(root.join(format!("d{}/m{}", d, i.saturating_sub(40))));
                i += 1;
            }
            i
        })
    };
    let mut s = t.secondary(port, true);
    s.wait("synced");
    stop.store(true, Ordering::Relaxed);
    let changes = writer.join().unwrap();
    assert!(changes > 0);
    assert_eq!(tree(&t.s()), tree(&t.p()), "after {changes} concurrent changes");
}
