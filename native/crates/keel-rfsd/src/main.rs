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
mod copies;
mod deadline;
mod events;
mod inodes;
mod key;
mod link;
mod mounts;
mod pace;
mod passfs;
mod primary;
mod secondary;
mod sync;
mod under;
mod xattr;

use args::Role;
use events::Events;
use fuser::{BackgroundSession, Config, MountOption, SessionACL};
use keel_repl::Binding;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use under::Underlying;

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
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) };
    let signals = block_stop_signals();
    let key = key::load(&a.key_file)?;
    std::fs::create_dir_all(&a.state_dir)
        .map_err(|e| format!("state directory {}: {e}", a.state_dir.display()))?;

    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut under = Vec::new();
    for d in &a.dirs {
        let abs = mounts::absolute(d).map_err(|e| format!("replicated directory {}: {e}", d.display()))?;
        let cleared =
            mounts::clear_stale(&abs).map_err(|e| format!("replicated directory {}: {e}", abs.display()))?;
        if cleared > 0 {
            say!("keel-rfsd: cleared {cleared} stale mount(s) on {}", abs.display());
        }
        under.push(
            Underlying::open(&abs).map_err(|e| format!("replicated directory {}: {e}", abs.display()))?,
        );
        dirs.push(abs);
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
        } => {
            let listener =
                TcpListener::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            let deadline = Arc::new(if a.deadline_on_stdin {
                deadline::WriteDeadline::closed()
            } else {
                deadline::WriteDeadline::unbounded()
            });
            if a.deadline_on_stdin {
                let d = deadline.clone();
                std::thread::spawn(move || deadline::follow(std::io::stdin().lock(), &d));
            }
            let o = primary::PrimaryOptions {
                key,
                binding,
                ack_timeout: a.timeout,
                hold: a.hold,
                peer_ip,
                rei_kbps,
                deadline,
            };
            let repl = Arc::new(primary::Replicator::new(under.clone(), events.clone(), o));
            let sessions = mount_all(&dirs, &under, Some(&repl), false)?;
            replicator = Some(repl.clone());
            let pinger = repl.clone();
            std::thread::spawn(move || pinger.keepalive());
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
            };
            let (u, ev, slot) = (under.clone(), events.clone(), leaver.clone());
            std::thread::spawn(move || secondary::run(u, o, ev, slot));
            sessions
        }
    };
    events.mounted(&dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>());

    let sig = wait_for(&signals);
    say!("keel-rfsd: signal {sig}: unmounting");
    if let Some(r) = replicator {
        r.close();
    }
    // SIGUSR1: a secondary stopped by its module's stop, which recorded its copy as behind.
    if sig == libc::SIGUSR1 {
        leaver.leave();
    }
    for s in sessions {
        let _ = s.umount_and_join();
    }
    Ok(())
}

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
        for s in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGUSR1] {
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
