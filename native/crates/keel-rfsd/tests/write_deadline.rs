//! A primary under the lease arbiter (`--write-deadline-stdin`) changes nothing outside the
//! windows its controller gives it: before the first deadline, after the last one, and when it
//! thaws from a freeze that outlasted its deadline, every change is refused (EROFS), on a real
//! mount (docs/decisions/0019).
mod support;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{symlink, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;
use support::*;

const SEC: u64 = 1_000_000_000;

fn monotonic_ns() -> u64 {
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * SEC + ts.tv_nsec as u64
}

fn refused<T: std::fmt::Debug>(what: &str, r: io::Result<T>) {
    match r {
        Err(e) if e.raw_os_error() == Some(libc::EROFS) => {}
        other => panic!("{what}: expected EROFS, got {other:?}"),
    }
}

/// Tries `f` until it succeeds (the daemon read the line), a bounded number of times.
fn until_ok(what: &str, mut f: impl FnMut() -> io::Result<()>) {
    for _ in 0..500 {
        if f().is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what}: still refused: {:?}", f());
}

/// Tries `f` until it is refused with EROFS, a bounded number of times.
fn until_refused(what: &str, mut f: impl FnMut() -> io::Result<()>) {
    for _ in 0..500 {
        if let Err(e) = f() {
            if e.raw_os_error() == Some(libc::EROFS) {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what}: still not refused: {:?}", f());
}

fn utimes(path: &Path) -> io::Result<()> {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let times = [libc::timespec {
        tv_sec: 1,
        tv_nsec: 0,
    }; 2];
    match unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), times.as_ptr(), 0) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

#[test]
fn nothing_changes_before_the_first_deadline_nor_after_the_last() {
    let t = Scratch::new("write-deadline");
    let d = t.p();
    fs::write(d.join("victim"), b"acknowledged").unwrap();
    fs::create_dir(d.join("empty")).unwrap();
    let mut p = t.primary_under_lease(free_port());
    p.wait("mounted");
    assert!(mounted(&d));

    refused("a create before any deadline", fs::write(d.join("early"), b"x"));
    refused("a mkdir before any deadline", fs::create_dir(d.join("early-dir")));

    p.tell(&format!("deadline {}", monotonic_ns() + 3600 * SEC));
    until_ok("a create within the deadline", || {
        fs::write(d.join("within"), b"x")
    });
    let mut open = fs::OpenOptions::new()
        .append(true)
        .open(d.join("victim"))
        .unwrap();

    p.tell(&format!("deadline {}", monotonic_ns()));
    // The probe rewrites a file that already exists: until the daemon reads the line, the old
    // deadline lets it through, and a probe that created a name would spoil the checks below.
    until_refused("a rewrite after the deadline", || {
        fs::write(d.join("within"), b"x")
    });

    refused("a create", fs::write(d.join("late"), b"x"));
    refused("a write to a file opened before", open.write_all(b" late"));
    refused("an fsync of a file opened before", open.sync_all());
    refused(
        "an open for writing",
        fs::OpenOptions::new().write(true).open(d.join("victim")),
    );
    refused(
        "an open that truncates",
        fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(d.join("victim")),
    );
    refused(
        "an exclusive create",
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(d.join("late")),
    );
    refused("a mkdir", fs::create_dir(d.join("late-dir")));
    refused("an rmdir", fs::remove_dir(d.join("empty")));
    refused("an unlink", fs::remove_file(d.join("victim")));
    refused("a rename", fs::rename(d.join("victim"), d.join("moved")));
    refused("a hard link", fs::hard_link(d.join("victim"), d.join("linked")));
    refused("a symbolic link", symlink("victim", d.join("symlink")));
    refused(
        "a chmod",
        fs::set_permissions(d.join("victim"), fs::Permissions::from_mode(0o600)),
    );
    refused(
        "a chown",
        std::os::unix::fs::chown(d.join("victim"), Some(1), None),
    );
    refused(
        "a truncate",
        fs::File::open(d.join("victim")).and_then(|_| {
            let c = std::ffi::CString::new(d.join("victim").as_os_str().as_encoded_bytes()).unwrap();
            match unsafe { libc::truncate(c.as_ptr(), 0) } {
                0 => Ok(()),
                _ => Err(io::Error::last_os_error()),
            }
        }),
    );
    refused("a change of times", utimes(&d.join("victim")));
    // Reading goes on.
    assert_eq!(fs::read(d.join("victim")).unwrap(), b"acknowledged");

    drop(open);
    assert_eq!(p.stop(), Some(0));
    let mut names: Vec<_> = fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["empty", "victim", "within"]);
    assert_eq!(fs::read(d.join("victim")).unwrap(), b"acknowledged");
}

#[test]
fn a_primary_frozen_past_its_deadline_refuses_at_once_when_it_thaws() {
    let t = Scratch::new("write-deadline-frozen");
    let d = t.p();
    let mut p = t.primary_under_lease(free_port());
    p.wait("mounted");

    // A deadline close ahead, read by the daemon before it freezes (a write went through); on a
    // machine too slow for that, a longer one.
    let mut ahead = SEC;
    let deadline = loop {
        let deadline = monotonic_ns() + ahead;
        p.tell(&format!("deadline {deadline}"));
        let probe = d.join("probe");
        if (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(5));
            monotonic_ns() < deadline && fs::write(&probe, b"x").is_ok()
        }) && monotonic_ns() < deadline
        {
            break deadline;
        }
        ahead *= 2;
    };

    p.signal(libc::SIGSTOP);
    // A write issued while the daemon is stopped waits in the kernel for it.
    let path = d.join("queued");
    let queued = std::thread::spawn(move || fs::write(path, b"written while frozen"));
    while monotonic_ns() <= deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Thawed with no new deadline: its clock ran on while it was stopped.
    p.signal(libc::SIGCONT);
    refused("a write queued while frozen", queued.join().unwrap());
    refused("a write after the thaw", fs::write(d.join("after"), b"x"));
    assert!(
        p.stderr().contains("the write deadline has passed"),
        "{}",
        p.stderr()
    );
}

#[test]
fn a_change_refused_after_the_deadline_never_reaches_the_secondary() {
    let t = Scratch::new("write-deadline-pair");
    let port = free_port();
    let mut p = t.primary_under_lease(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");

    p.tell(&format!("deadline {}", monotonic_ns() + 3600 * SEC));
    until_ok("a create within the deadline", || {
        fs::write(t.p().join("before"), b"replicated")
    });
    fs::write(t.p().join("probe"), b"x").unwrap();
    p.tell(&format!("deadline {}", monotonic_ns()));
    // The probe rewrites a file that exists: until the daemon reads the line, the old deadline
    // lets it through, and a probe that created "after" would spoil the check below.
    until_refused("a rewrite after the deadline", || {
        fs::write(t.p().join("probe"), b"x")
    });
    refused(
        "a create after the deadline",
        fs::write(t.p().join("after"), b"x"),
    );

    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    assert_eq!(fs::read(t.s().join("before")).unwrap(), b"replicated");
    assert!(!t.s().join("after").exists());
}

#[test]
fn a_control_line_it_does_not_understand_closes_the_window() {
    let t = Scratch::new("write-deadline-garbage");
    let mut p = t.primary_under_lease(free_port());
    p.wait("mounted");
    p.tell(&format!("deadline {}", monotonic_ns() + 3600 * SEC));
    until_ok("a create within the deadline", || {
        fs::write(t.p().join("within"), b"x")
    });
    p.tell("extend please");
    until_refused("a create after the refused line", || {
        fs::write(t.p().join("after"), b"x")
    });
    // The daemon closes the window first, then says why: the line may come a moment later.
    until_ok("the refusal said", || {
        match p.stderr().contains("control line refused") {
            true => Ok(()),
            false => Err(io::Error::other(p.stderr())),
        }
    });
}
