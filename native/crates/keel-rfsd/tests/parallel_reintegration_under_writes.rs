//! A full reintegration with many files in flight at once (`--nbrei 8`, `<rfs nbrei>`), their
//! data steps not waited for one by one, while the application keeps writing into the same files
//! (within the large ones the copy is still sending, at offsets before and after it), extending,
//! truncating and making hard links: when it ends, and the writer stops, the two copies are
//! identical, hard links included, and every file the writer left alone has the primary's
//! modification time (its completion was sent once its data was applied). The reintegration is
//! capped (`--rei-kbps`) so that it lasts some seconds on any machine.
mod support;
use std::fs;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use support::*;

const DIRS: usize = 4;
const SMALL: usize = 60;
const LARGE: usize = 4;
const LARGE_SIZE: usize = 5 << 20;

/// `size` bytes that differ from one `i` to the next, and along the file.
fn content(i: usize, size: usize) -> Vec<u8> {
    (0..size).map(|b| (i * 31 + b / 4096) as u8).collect()
}

#[test]
fn many_files_in_flight_under_live_writes_end_identical() {
    let t = Scratch::new("nbrei");
    for d in 0..DIRS {
        let dir = t.p().join(format!("cold{d}"));
        fs::create_dir_all(&dir).unwrap();
        for f in 0..SMALL {
            // Empty to 128 KiB, and two of a few chunks each.
            let size = if f % 30 == 0 {
                (3 << 19) + f * 1000
            } else {
                (f * f * 997) % (128 << 10)
            };
            fs::write(dir.join(format!("f{f}")), content(d * SMALL + f, size)).unwrap();
        }
    }
    fs::create_dir_all(t.p().join("hot")).unwrap();
    for f in 0..LARGE {
        fs::write(t.p().join(format!("hot/big{f}")), vec![f as u8; LARGE_SIZE]).unwrap();
    }
    for f in 0..SMALL {
        fs::write(t.p().join(format!("hot/s{f}")), vec![f as u8; 4096 * (f % 7)]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary_with(port, &["--nbrei", "8", "--rei-kbps", "16384"]);
    p.wait("mounted");

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicU64::new(0));
    let writer = {
        let (root, stop, writes) = (t.p(), stop.clone(), writes.clone());
        std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let big = fs::OpenOptions::new()
                    .write(true)
                    .open(root.join(format!("hot/big{}", i % LARGE)))
                    .unwrap();
                let at = ((i * 7919) % (LARGE_SIZE + (1 << 20))) as u64;
                big.write_all_at(&content(i, 64 << 10), at).unwrap();
                let small = root.join(format!("hot/s{}", i % SMALL));
                match i % 3 {
                    0 => fs::write(&small, content(i, i % 9000)).unwrap(),
                    1 => fs::OpenOptions::new()
                        .write(true)
                        .open(&small)
                        .unwrap()
                        .set_len((i % 5 * 4096) as u64)
                        .unwrap(),
                    _ => {
                        let link = root.join(format!("hot/l{}", i % 10));
                        let _ = fs::remove_file(&link);
                        fs::hard_link(&small, &link).unwrap();
                    }
                }
                writes.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        })
    };
    let mut s = t.secondary(port, true);
    s.wait("reintegration");
    let start = writes.load(Ordering::SeqCst);
    let synced = s.wait("synced");
    let during = writes.load(Ordering::SeqCst) - start;
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(during >= 50, "only {during} writes while the reintegration ran");

    // Every file the writer left alone was copied once (the files it changed may be copied
    // again, after a live change disturbed a pass).
    let files = p.wait("synced")["files"].as_u64().expect("files in synced");
    let expected = (DIRS * SMALL) as u64;
    assert!(files >= expected, "{files} files copied, {expected} at least");
    assert!(synced.is_object(), "{synced}");

    // The writer's last changes came after `synced`, live: the copies are still equal.
    assert_same_trees(&t.p(), &t.s());
    let (pm, sm) = (tree_with_mtimes(&t.p()), tree_with_mtimes(&t.s()));
    for (path, entry) in pm.iter().filter(|(p, e)| p.starts_with("cold") && e.0 == 'f') {
        assert_eq!(
            Some(entry),
            sm.get(path),
            "{path} has another modification time there"
        );
    }
    eprintln!("{during} writes during the reintegration, {files} files copied");
}
