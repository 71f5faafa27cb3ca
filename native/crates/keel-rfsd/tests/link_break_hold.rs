//! After a link that was up breaks, the primary acknowledges no change of its own until the
//! secondary is back, or knows its copy is behind, or the hold has run out (docs/decisions/0012):
//! a secondary killed without a word holds the application's write until a secondary joins
//! again, which then has it; a secondary that leaves on its module's stop releases the primary at
//! once; a hold runs out by itself.
mod support;
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

/// Writes `name` on the primary in a thread; the flag says when the write returned. The thread
/// then fsyncs the file, as an application that needs it on the secondary does: the default
/// `async="second"` acknowledges a write on receipt and applies it after (docs/decisions/0012),
/// so only the fsync's return says the secondary has it.
fn write_in_background(t: &Scratch, name: &str) -> (Arc<AtomicBool>, std::thread::JoinHandle<()>) {
    let done = Arc::new(AtomicBool::new(false));
    let (path, flag) = (t.p().join(name), done.clone());
    let h = std::thread::spawn(move || {
        fs::write(&path, b"acknowledged").unwrap();
        flag.store(true, Ordering::SeqCst);
        fs::File::open(&path).unwrap().sync_all().unwrap();
    });
    (done, h)
}

/// A primary holding changes `hold_ms` after a break, and its synchronised secondary.
fn pair(t: &Scratch, hold_ms: &str) -> (u16, Daemon, Daemon) {
    let port = free_port();
    let mut p = t.primary_with(port, &["--hold-ms", hold_ms]);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    (port, p, s)
}

#[test]
fn a_write_after_a_silent_break_waits_for_a_secondary_that_then_has_it() {
    let t = Scratch::new("hold");
    let (port, mut p, mut s) = pair(&t, "600000");
    s.kill9();

    let (done, writer) = write_in_background(&t, "after");
    p.wait("link-lost");
    std::thread::sleep(Duration::from_secs(1));
    assert!(!done.load(Ordering::SeqCst), "acknowledged by the primary alone");
    assert!(
        p.stderr().contains("changes wait up to 600000 ms"),
        "{}",
        p.stderr()
    );

    let mut s = t.secondary(port, false);
    s.wait("synced");
    writer.join().unwrap();
    assert!(done.load(Ordering::SeqCst));
    assert_eq!(fs::read(t.s().join("after")).unwrap(), b"acknowledged");
}

#[test]
fn a_secondary_that_leaves_releases_the_primary_at_once() {
    let t = Scratch::new("leave");
    let (_, mut p, mut s) = pair(&t, "600000");
    s.signal(libc::SIGUSR1);
    assert_eq!(s.stop(), Some(0));

    let (_, writer) = write_in_background(&t, "after");
    writer.join().unwrap();
    let lost = p.wait("link-lost");
    assert!(
        lost["reason"].as_str().unwrap().contains("the secondary left"),
        "{lost}"
    );
    assert!(!p.stderr().contains("changes wait"), "{}", p.stderr());
}

#[test]
fn a_hold_runs_out_by_itself() {
    let t = Scratch::new("hold-ends");
    let (_, p, mut s) = pair(&t, "1000");
    s.kill9();
    let (_, writer) = write_in_background(&t, "after");
    writer.join().unwrap();
    assert_eq!(fs::read(t.p().join("after")).unwrap(), b"acknowledged");
    assert!(
        p.stderr().contains("changes wait up to 1000 ms"),
        "{}",
        p.stderr()
    );
}
