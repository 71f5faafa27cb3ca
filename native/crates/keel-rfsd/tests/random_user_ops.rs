//! An unprivileged user does random things in the primary's replicated directory for minutes:
//! creates and writes files, writes through old descriptors, renames over files, exchanges names,
//! unlinks open files, plants symbolic links to root-only files outside, makes hard links, swaps
//! directories for links; meanwhile the secondary is stopped, killed and started again (full or
//! not). At the end both trees are equal, as live replication left them and after one more
//! reintegration; the canary outside is untouched, and the primary never crashed.
//!
//! `KEEL_RANDOM_SEED=<n>` replays a run's sequence of operations (the seed is printed first);
//! `KEEL_RANDOM_SECS` sets how long it runs (default 180).
mod support;
use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

/// xorshift64*: small, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

const DIRS: [&str; 4] = ["", "d0", "d1", "d0/e"];
const KINDS: [&str; 15] = [
    "write new",
    "open",
    "write old fd",
    "truncate fd",
    "fsync fd",
    "rename",
    "exchange",
    "unlink",
    "symlink out",
    "hard link",
    "mkdir",
    "rmdir",
    "dir to link",
    "fchmod fd",
    "close fd",
];

fn name(rng: &mut Rng) -> PathBuf {
    let dir = *rng.pick(&DIRS);
    Path::new(dir).join(format!("n{}", rng.below(6)))
}

/// One random operation; returns its kind and whether it succeeded.
fn act(rng: &mut Rng, root: &Path, outside: &Path, fds: &mut Vec<File>) -> (usize, bool) {
    let kind = rng.below(KINDS.len() as u64) as usize;
    let (a, b) = (root.join(name(rng)), root.join(name(rng)));
    let data: Vec<u8> = (0..rng.below(9000)).map(|i| (i as u8) ^ (kind as u8)).collect();
    let offset = rng.below(20_000);
    let fd = if fds.is_empty() {
        None
    } else {
        Some(rng.below(fds.len() as u64) as usize)
    };
    let ok = match kind {
        0 => fs::write(&a, &data).is_ok(),
        1 => match OpenOptions::new().read(true).write(true).open(&a) {
            Ok(f) if fds.len() < 16 => {
                fds.push(f);
                true
            }
            _ => false,
        },
        2 => fd.is_some_and(|i| fds[i].write_all_at(&data, offset).is_ok()),
        3 => fd.is_some_and(|i| fds[i].set_len(offset).is_ok()),
        4 => fd.is_some_and(|i| fds[i].sync_all().is_ok()),
        5 => fs::rename(&a, &b).is_ok(),
        6 => {
            let (ca, cb) = (cpath(&a), cpath(&b));
            unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    ca.as_ptr(),
                    libc::AT_FDCWD,
                    cb.as_ptr(),
                    libc::RENAME_EXCHANGE,
                ) == 0
            }
        }
        7 => fs::remove_file(&a).is_ok(),
        8 => {
            let target = if rng.below(2) == 0 {
                outside.join("secret")
            } else {
                outside.join("sub")
            };
            std::os::unix::fs::symlink(target, &a).is_ok()
        }
        9 => fs::hard_link(&a, &b).is_ok(),
        10 => fs::create_dir(&a).is_ok(),
        11 => fs::remove_dir(&a).is_ok(),
        12 => {
            // A directory (maybe the walk is inside it) becomes a link to a root-only one.
            let dir = root.join(*rng.pick(&DIRS[1..]));
            let away = root.join(format!("moved{}", rng.below(4)));
            fs::rename(&dir, &away).is_ok() && std::os::unix::fs::symlink(outside.join("sub"), &dir).is_ok()
        }
        13 => {
            let mode = *rng.pick(&[0o600, 0o644, 0o755, 0o4755, 0o2711]);
            fd.is_some_and(|i| fds[i].set_permissions(fs::Permissions::from_mode(mode)).is_ok())
        }
        _ => fd.map(|i| fds.swap_remove(i)).is_some(),
    };
    (kind, ok)
}

/// Waits for the secondary's `synced`, saying all both daemons said if it never comes.
fn caught_up(s: &mut Daemon, p: &Daemon, seed: u64) {
    if s.wait_for("synced", WAIT).is_none() {
        let seen = s.drain().to_vec();
        let _ = std::process::Command::new("sh").arg("-c").arg(format!("gdb -p {} -batch -ex 'thread apply all bt' > /tmp/stuck.txt 2>&1; gdb -p {} -batch -ex 'thread apply all bt' > /tmp/stuck2.txt 2>&1", p.pid(), s.pid())).status();
        panic!(
            "seed {seed}: the secondary never caught up; saw {seen:?}\nsecondary: {}\nprimary: {}",
            s.stderr(),
            p.stderr()
        );
    }
}

fn cpath(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

#[test]
fn random_user_operations_with_reintegrations_end_in_equal_trees() {
    let seed: u64 = std::env::var("KEEL_RANDOM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let secs: u64 = std::env::var("KEEL_RANDOM_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(180);
    println!("random_user_ops: seed = {seed} (replay with KEEL_RANDOM_SEED={seed}), {secs} s");
    eprintln!("random_user_ops: seed = {seed} (replay with KEEL_RANDOM_SEED={seed}), {secs} s");

    let t = Scratch::new("random-ops");
    let canary = Canary::new(&t.root);
    let before = canary.fingerprint();
    open_to_users(&t.p());
    open_to_users(&t.s());
    for d in &DIRS[1..] {
        fs::create_dir_all(t.p().join(d)).unwrap();
        fs::set_permissions(t.p().join(d), fs::Permissions::from_mode(0o777)).unwrap();
    }
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);

    let stop = Arc::new(AtomicBool::new(false));
    let user = {
        let (root, outside, stop) = (t.p(), canary.dir.clone(), stop.clone());
        std::thread::spawn(move || {
            as_user(move || {
                let mut rng = Rng(seed);
                let mut fds = Vec::new();
                let mut done = [[0u64; 2]; KINDS.len()];
                while !stop.load(Ordering::Relaxed) {
                    let (kind, ok) = act(&mut rng, &root, &outside, &mut fds);
                    done[kind][ok as usize] += 1;
                }
                done
            })
        })
    };

    let mut faults = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
    let end = Instant::now() + Duration::from_secs(secs);
    let (mut restarts, mut kills) = (0, 0);
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(300 + faults.below(2000)));
        match faults.below(4) {
            0 => {
                s.stop();
                restarts += 1;
                s = t.secondary(port, faults.below(2) == 0);
            }
            1 => {
                s.kill9();
                kills += 1;
                s = t.secondary(port, faults.below(2) == 0);
            }
            _ => {}
        }
    }
    stop.store(true, Ordering::Relaxed);
    let done = user.join().expect("the user's operations");

    // What live replication made: the running secondary reintegrated once, then received every
    // later change live (a reintegration would hide a change sent to the wrong file).
    caught_up(&mut s, &p, seed);
    assert_same_trees(&t.p(), &t.s());
    // And what a rejoining secondary makes of it.
    s.stop();
    let mut s = t.secondary(port, false);
    caught_up(&mut s, &p, seed);
    let summary: Vec<String> = KINDS
        .iter()
        .zip(done.iter())
        .map(|(k, [failed, ok])| format!("{k}: {ok} ok, {failed} refused"))
        .collect();
    eprintln!(
        "random_user_ops: seed {seed}, {restarts} restarts, {kills} kills; {}",
        summary.join("; ")
    );
    assert_eq!(canary.fingerprint(), before, "seed {seed}: the canary changed");
    assert_same_trees(&t.p(), &t.s());
    assert!(
        p.drain().iter().all(|e| e["event"] != "error") && !p.stderr().contains("panicked"),
        "seed {seed}: the primary failed: {}",
        p.stderr()
    );
    assert!(p.has_mount(&t.p()), "seed {seed}: the primary lost its mount");
    for (kind, [_, ok]) in KINDS.iter().zip(done.iter()) {
        assert!(
            *ok > 0,
            "seed {seed}: no '{kind}' ever succeeded: the run tried too little"
        );
    }
}
