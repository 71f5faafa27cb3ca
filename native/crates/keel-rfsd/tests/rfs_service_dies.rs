//! The rfs service of a primary dies (kill -9) while the application writes: the daemon keeps its
//! mount and refuses changes (EROFS) rather than leaving the bare directory to the application,
//! the next daemon takes the directory over without a moment when the directory is bare, and
//! every write the application was told succeeded reaches the secondary (crate::handover).
mod support;
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

const HOLD: &[&str] = &["--hold-ms", "3000"];
const FUSE_SUPER_MAGIC: i64 = 0x6573_5546;

#[test]
fn a_primary_whose_service_died_is_taken_over_and_no_acknowledged_write_is_lost() {
    let t = Scratch::new("service-dies");
    let port = free_port();
    // Changes wait after a lost link as apps/rfs has them do (the hold): a taken-over primary too.
    let mut shell = t.primary_under_shell(port, HOLD);
    shell.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");
    let first = recorded_pid(&t);

    // The application: one file after another, each written and synced; what succeeded is kept.
    let (stop, done) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
    let writer = {
        let (dir, stop, done) = (t.p(), stop.clone(), done.clone());
        std::thread::spawn(move || {
            let mut refusals = 0u64;
            for i in 0u64.. {
                if stop.load(Ordering::SeqCst) {
                    return refusals;
                }
                let name = format!("w{i:06}");
                match write_synced(&dir.join(&name), name.as_bytes()) {
                    Ok(()) => done.lock().unwrap().push(name),
                    Err(e) if e.raw_os_error() == Some(libc::EROFS) => refusals += 1,
                    Err(e) => panic!("{name}: {e}"),
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            unreachable!()
        })
    };
    // Watches the directory throughout: it must be a FUSE mount at every look, never bare.
    let bare = {
        let (dir, stop) = (t.p(), stop.clone());
        std::thread::spawn(move || {
            let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
            let mut looks = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let mut sfs: libc::statfs = unsafe { std::mem::zeroed() };
                if unsafe { libc::statfs(c.as_ptr(), &mut sfs) } == 0 && sfs.f_type as i64 != FUSE_SUPER_MAGIC
                {
                    return Err(format!("the directory was bare after {looks} looks"));
                }
                looks += 1;
            }
            Ok(looks)
        })
    };
    let written = || done.lock().unwrap().len();
    until(|| written() >= 20);

    // The service dies: the daemon stays, mounted, refusing changes.
    shell.kill9();
    until(|| fs::write(t.p().join("probe"), b"x").is_err_and(|e| e.raw_os_error() == Some(libc::EROFS)));
    assert!(mounted(&t.p()), "the orphaned primary left its mount");
    assert!(alive(first), "the orphaned primary exited");
    let frozen = written();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        written(),
        frozen,
        "a write succeeded while no daemon could replicate it"
    );

    // The restarted service's daemon takes over: writes go on, the old daemon is gone.
    let mut p = t.primary_with(port, HOLD);
    p.wait("mounted");
    assert!(!alive(first), "the predecessor still runs");
    assert_eq!(recorded_pid(&t), p.pid());
    until(|| written() >= frozen + 20);
    s.wait("synced");

    stop.store(true, Ordering::SeqCst);
    let refusals = writer.join().unwrap();
    assert!(bare.join().unwrap().unwrap() > 0);
    assert!(refusals > 0, "the application never met the frozen directory");
    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    assert!(!mounted(&t.p()), "a mount is left on the primary's directory");

    // Every acknowledged write is on the secondary, and the copies are the same.
    let copy = t.s();
    for name in done.lock().unwrap().iter() {
        assert_eq!(fs::read(copy.join(name)).unwrap(), name.as_bytes(), "{name}");
    }
    assert!(!copy.join("probe").exists() && !t.p().join("probe").exists());
    assert_eq!(tree(&t.p()), tree(&copy));
}

fn write_synced(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = fs::File::create(path)?;
    f.write_all(data)?;
    f.sync_all()
}

/// The pid in the primary's handover record.
fn recorded_pid(t: &Scratch) -> i32 {
    let text = fs::read_to_string(t.root.join("p-state/primary")).unwrap();
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

fn alive(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| !r.trim_start().starts_with('Z'))
    })
}

fn until(mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !f() {
        assert!(std::time::Instant::now() < deadline, "not within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
