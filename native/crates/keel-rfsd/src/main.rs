//! keel-rfsd: the data path of one module's replicated directories on one node.
//!
//! Primary: mounts a replicating passthrough over each directory and lets its secondary join.
//! Secondary: mounts each directory read-only and applies what its primary sends.
//! Controlled by apps/rfs: arguments in, JSON events out (stdout), SIGTERM to unmount and stop.

/// A diagnostic line on stderr that can never stop the daemon: if the rfs service that reads it is
/// gone, `eprintln!` would panic on the EPIPE (in the middle of a replication, or of an unmount).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod apply;
mod args;
mod at;
mod control;
mod copies;
mod deadline;
mod diff;
mod events;
mod find;
mod handover;
mod inodes;
mod key;
mod link;
mod mounts;
mod net;
mod notrep;
mod pace;
mod passfs;
mod pipeline;
mod primary;
mod secondary;
mod send_timeout;
mod state;
mod stats;
mod sync;
/// The integration tests' certificates (made by the openssl program), for crate::tls's tests.
#[cfg(test)]
#[path = "../tests/support/certs.rs"]
mod test_certs;
mod tls;
mod under;
mod verify;
mod verify_check;
mod xattr;
mod zones;

use args::Role;
use events::Events;
use fuser::{BackgroundSession, Config, MountOption, SessionACL};
use keel_repl::Binding;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use under::Underlying;

/// `<tocheck>`: each path must exist in its replicated directory before anything replicates, so a
/// daemon never serves (or, as a primary, reintegrates from) an empty or unmounted file system.
/// The start fails: rfs answers the error and admin stops the module (docs/decisions/0009).
fn check_present(
    u: &Underlying,
    tocheck: &[keel_repl::RelPath],
    dir: &std::path::Path,
) -> Result<(), String> {
    for path in tocheck {
        if let Err(e) = u.stat(path) {
            let why = if e.raw_os_error() == Some(libc::ENOENT) {
                "is missing".to_string()
            } else {
                format!("cannot be checked ({e})")
            };
            return Err(format!(
                "tocheck path {path} {why} in the replicated directory {}: the replication does not start (is the file system mounted?)",
                dir.display()
            ));
        }
    }
    Ok(())
}

fn main() {
    let events = Events::default();
    if let Err(e) = run(&events) {
        say!("keel-rfsd: {e}");
        events.error(&e);
        std::process::exit(1);
    }
}

fn run(events: &Events) -> Result<(), String> {
    let a = args::parse(std::env::args().skip(1))?;
    xattr::replicate_acls(a.acl);
    // Stop (and unmount) with the service that started us, and handle stop signals in one place:
    // block them before any thread exists so every thread inherits the mask.
    // SIGUSR2 rather than SIGTERM: a primary then keeps its mounts (crate::handover). A parent that
    // died before the request was made would never send it: then stop here, before any mount.
    let parent = unsafe { libc::getppid() };
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGUSR2) };
    if unsafe { libc::getppid() } != parent {
        return Err("the rfs service that started this daemon is gone".into());
    }
    let signals = block_stop_signals();
    let key = key::load(&a.key_file)?;
    // Read once, before any link: a file replaced later is not seen until the next start.
    if let Some(files) = &a.tls {
        let peer = match a.role {
            Role::Primary { peer_ip, .. } => peer_ip,
            Role::Secondary { .. } => None,
        };
        tls::install(tls::load(files, peer).map_err(|e| e.to_string())?);
    }
    std::fs::create_dir_all(&a.state_dir)
        .map_err(|e| format!("state directory {}: {e}", a.state_dir.display()))?;

    let mut dirs: Vec<PathBuf> = Vec::new();
    for d in &a.dirs {
        dirs.push(mounts::absolute(d).map_err(|e| format!("replicated directory {}: {e}", d.display()))?);
    }
    // A primary takes its directories over from a live predecessor (its rfs service died), with
    // no moment of a bare directory; any other start retires it first (crate::handover).
    let primary = matches!(a.role, Role::Primary { .. });
    let start_lock = handover::lock_start(&a.state_dir)?;
    let found = handover::find(&a.state_dir, &dirs, primary)?;
    let (mut predecessor, unclean) = (found.predecessor, found.unclean);
    let under = match predecessor.as_mut() {
        Some(p) if !p.under.is_empty() => std::mem::take(&mut p.under),
        _ => {
            if let Some(p) = predecessor.take() {
                p.retire()?;
            }
            let mut under = Vec::new();
            for abs in &dirs {
                let cleared = mounts::clear_stale(abs)
                    .map_err(|e| format!("replicated directory {}: {e}", abs.display()))?;
                if cleared > 0 {
                    say!("keel-rfsd: cleared {cleared} stale mount(s) on {}", abs.display());
                }
                under.push(
                    Underlying::open(abs)
                        .map_err(|e| format!("replicated directory {}: {e}", abs.display()))?,
                );
            }
            under
        }
    };
    let mut under = under;
    for ((u, local), abs) in under.iter_mut().zip(&a.local).zip(&dirs) {
        u.set_filter(local.filter());
        check_present(u, &local.tocheck, abs)?;
    }
    let under = Arc::new(under);
    raise_open_file_limit();

    let dir_bytes: Vec<&[u8]> = dirs.iter().map(|d| d.as_os_str().as_encoded_bytes()).collect();
    let binding = match a.role {
        Role::Primary { .. } => Binding::new(&a.module, &a.node, &a.peer, &dir_bytes),
        Role::Secondary { .. } => Binding::new(&a.module, &a.peer, &a.node, &dir_bytes),
    };
    let mut replicator = None;
    let leaver = secondary::LeaverSlot::default();
    let sessions = match a.role {
        Role::Primary {
            listen,
            peer_ip,
            rei_kbps,
            nbrei,
        } => {
            // A predecessor holds the port until it is retired, after the mounts (below).
            let listener = match predecessor {
                Some(_) => None,
                None => {
                    Some(TcpListener::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?)
                }
            };
            let deadline = Arc::new(if a.deadline_on_stdin {
                deadline::WriteDeadline::closed()
            } else {
                deadline::WriteDeadline::unbounded()
            });
            let zones = zones::Zones::start(&a.state_dir, a.zone_bytes)?;
            let o = primary::PrimaryOptions {
                zones,
                state_dir: a.state_dir.clone(),
                key,
                binding,
                ack_timeout: a.timeout,
                hold: a.hold,
                peer_ip,
                rei_kbps,
                nbrei,
                deadline: deadline.clone(),
            };
            let repl = Arc::new(primary::Replicator::new(under.clone(), events.clone(), o));
            // The last primary did not stop cleanly: its secondary may still count as up to date.
            if unclean {
                repl.hold_changes();
            }
            let sessions = mount_all(&dirs, &under, Some(&repl), false)?;
            let listener = match (listener, predecessor.take()) {
                (Some(l), _) => l,
                (None, p) => {
                    p.map(|p| p.retire()).transpose()?;
                    // The hold runs from the moment the predecessor's link is gone.
                    repl.hold_changes();
                    TcpListener::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?
                }
            };
            handover::record(&a.state_dir, &dirs, &under)?;
            replicator = Some(repl.clone());
            let pinger = repl.clone();
            std::thread::spawn(move || pinger.keepalive());
            let record = repl.clone();
            events
                .stats()
                .dirty_from(Box::new(move || stats::dirty_of(&record.zones.lock())));
            let reporter = events.clone();
            std::thread::spawn(move || stats::report(reporter));
            // Every primary reads its control pipe: rfsdiff, and the write deadline only when
            // under the arbiter (crate::control).
            let c = control::Control::new(
                events.clone(),
                a.deadline_on_stdin.then_some(deadline),
                control::Role::Primary(repl.clone()),
            );
            std::thread::spawn(move || control::follow(std::io::stdin().lock(), &c));
            std::thread::spawn(move || repl.serve(listener));
            sessions
        }
        Role::Secondary { connect, full } => {
            let sessions = mount_all(&dirs, &under, None, true)?;
            let o = secondary::SecondaryOptions {
                primary: connect,
                key,
                binding,
                full,
                ack_on_receipt: a.ack_on_receipt,
                timeout: a.timeout,
                state_dir: a.state_dir.clone(),
                since_s: a.since_s,
            };
            let (u, ev, slot) = (under.clone(), events.clone(), leaver.clone());
            std::thread::spawn(move || secondary::run(u, o, ev, slot));
            // rfsverify is asked on the control pipe (crate::control).
            let c = control::Control::new(events.clone(), None, control::Role::Secondary(leaver.clone()));
            std::thread::spawn(move || control::follow(std::io::stdin().lock(), &c));
            sessions
        }
    };
    drop(start_lock);
    let reporter = events.clone();
    std::thread::spawn(move || net::report(reporter));
    events.mounted(&dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>());

    let sig = loop {
        match wait_for(&signals) {
            // The rfs service died: a primary keeps its mounts, refusing changes, for the next
            // daemon to take over (crate::handover); a secondary just stops.
            libc::SIGUSR2 if replicator.is_some() => replicator.as_ref().unwrap().orphan(),
            sig => break sig,
        }
    };
    if replicator.as_ref().is_some_and(|r| r.is_orphaned()) {
        // A successor may already be mounted over ours: an unmount by path would take its mount
        // away. Ours dies with us; the next start clears it.
        say!("keel-rfsd: signal {sig}: exiting without unmounting (the rfs service is gone)");
        std::process::exit(0);
    }
    say!("keel-rfsd: signal {sig}: unmounting");
    if let Some(r) = &replicator {
        r.close();
    }
    // SIGUSR1: a secondary stopped by its module's stop, which recorded its copy as behind.
    if sig == libc::SIGUSR1 {
        leaver.leave();
    }
    let mut unmounted = true;
    for s in sessions {
        unmounted &= s.umount_and_join().is_ok();
    }
    if primary && unmounted {
        handover::forget(&a.state_dir);
        // Mounts of a predecessor taken over lie beneath ours: dead, cleared now (only dead ones).
        for d in &dirs {
            let _ = mounts::clear_stale(d);
        }
    }
    // A clean stop (docs/decisions/0009, "Zone bitmaps"): the primary's record of what its
    // secondary lacks, the secondary's copy made durable; each then marked clean.
    match &replicator {
        Some(r) => r.zones.save(),
        None => leaver.stop_cleanly(&under, &a.state_dir),
    }
    Ok(())
}

/// Requests served at once per replicated directory: as many operations may be in flight on the
/// link (each thread waits for its acknowledgment, so they mostly wait, not compute).
const FUSE_THREADS: usize = 8;

fn mount_all(
    dirs: &[PathBuf],
    under: &Arc<Vec<Underlying>>,
    repl: Option<&Arc<primary::Replicator>>,
    read_only: bool,
) -> Result<Vec<BackgroundSession>, String> {
    let mut sessions = Vec::new();
    for (i, d) in dirs.iter().enumerate() {
        let fs = passfs::PassFs::new(i as u8, under.clone(), repl.cloned())
            .map_err(|e| format!("replicated directory {}: {e}", d.display()))?;
        let mut config = Config::default();
        config.mount_options = vec![
            // The source column of mountinfo, as mounts made by earlier versions show it.
            MountOption::FSName("keel-rfs".into()),
            MountOption::Subtype("keel".into()),
            MountOption::DefaultPermissions,
            if read_only {
                MountOption::RO
            } else {
                MountOption::RW
            },
        ];
        // Applications run as any user: let them all in, the kernel checks permissions.
        config.acl = SessionACL::All;
        // Several application threads write at once: each FUSE thread waits for its own
        // acknowledgment while the others go on (docs/decisions/0009, "Pipelining").
        config.n_threads = Some(FUSE_THREADS);
        config.clone_fd = true;
        let s =
            fuser::spawn_mount(fs, d, &config).map_err(|e| format!("cannot mount {}: {e}", d.display()))?;
        sessions.push(s);
    }
    Ok(sessions)
}

/// The primary keeps a descriptor per file the kernel knows through the mount: allow as many as
/// the hard limit lets this process have.
fn raise_open_file_limit() {
    let mut l: libc::rlimit = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) } == 0 && l.rlim_cur < l.rlim_max {
        l.rlim_cur = l.rlim_max;
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &l) };
    }
}

fn block_stop_signals() -> libc::sigset_t {
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [
            libc::SIGTERM,
            libc::SIGINT,
            libc::SIGHUP,
            libc::SIGUSR1,
            libc::SIGUSR2,
        ] {
            libc::sigaddset(&mut set, s);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

fn wait_for(set: &libc::sigset_t) -> i32 {
    let mut sig = 0;
    unsafe { libc::sigwait(set, &mut sig) };
    sig
}
