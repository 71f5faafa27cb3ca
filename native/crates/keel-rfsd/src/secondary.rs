//! The secondary side: joins the primary, applies what it sends, acknowledges.
//!
//! With `async="second"` (the default) a live operation is acknowledged on receipt and applied
//! after, as SafeKit does; with `async="none"` it is applied first. An application's fsync is
//! acknowledged in both modes only once it and everything before it are applied and durable here
//! (docs/decisions/0012). During a reintegration every operation is applied before its ack,
//! because the primary needs to know what did not apply. An operation that fails once
//! acknowledged leaves this copy behind: the daemon says so at once (`behind`), drops the link,
//! and the next link reintegrates.

use crate::apply::{ack, Applier};
use crate::events::Events;
use crate::link::{Leaver, Link};
use crate::under::Underlying;
use keel_repl::{Binding, Message, Op};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct SecondaryOptions {
    pub primary: SocketAddr,
    pub key: Vec<u8>,
    pub binding: Binding,
    pub full: bool,
    pub ack_on_receipt: bool,
    pub timeout: Duration,
    /// Where `synctimestamp` records when this copy was last brought up to date.
    pub state_dir: std::path::PathBuf,
}

/// Where the current link's [`Leaver`] is, for the thread that handles signals.
#[derive(Clone, Default)]
pub struct LeaverSlot(Arc<Mutex<Option<Leaver>>>);

impl LeaverSlot {
    fn set(&self, l: Option<Leaver>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = l;
    }

    /// Tells the primary this secondary leaves, if a link is up.
    pub fn leave(&self) {
        if let Some(l) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
            say!("keel-rfsd: leaving: the primary goes on alone");
            l.leave();
        }
    }
}

/// Joins the primary for ever: after a lost link it joins again and reintegrates what changed.
pub fn run(dirs: Arc<Vec<Underlying>>, o: SecondaryOptions, events: Events, leaver: LeaverSlot) -> ! {
    let mut applier = Applier::new(dirs);
    // A reintegration this daemon's predecessor did not finish: which files it had found
    // incomplete went with it, so every file is copied (crate::copies).
    let mut full = o.full || o.state_dir.join(REINTEGRATING).exists();
    let mut last_error = String::new();
    loop {
        let joined = TcpStream::connect_timeout(&o.primary, o.timeout)
            .and_then(|s| Link::connect(s, &o.key, &o.binding, full, o.timeout));
        match joined {
            Ok(mut link) => {
                last_error.clear();
                events.connected(&link.peer());
                leaver.set(Some(link.leaver()));
                let reason = serve(&mut link, &mut applier, &o, &events).unwrap_err();
                leaver.set(None);
                link.shutdown();
                if reason.kind() == io::ErrorKind::ConnectionAborted {
                    // Everything the primary acknowledged is here: this copy is up to date.
                    say!("keel-rfsd: the primary stopped replicating");
                    events.primary_stopped();
                } else {
                    say!("keel-rfsd: replication link lost: {reason}");
                    events.link_lost(&reason.to_string());
                }
                // What the link did not bring is found by comparing files: no need to copy all.
                full = false;
            }
            Err(e) => {
                let msg = e.to_string();
                if msg != last_error {
                    say!("keel-rfsd: cannot join the primary at {}: {msg}", o.primary);
                    last_error = msg;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn serve(link: &mut Link, applier: &mut Applier, o: &SecondaryOptions, events: &Events) -> io::Result<()> {
    // A link always begins with a reintegration, and the application's changes may come before
    // its SyncBegin: they are applied before their ack, a failure being one more pass for the
    // primary, not a broken link.
    applier.joined();
    mark_reintegrating(&o.state_dir, true);
    let mut syncing = true;
    let mut started = Instant::now();
    loop {
        let (seq, msg) = link.recv()?;
        let Message::Op(op) = msg else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the primary sent something else than an operation",
            ));
        };
        match &op {
            Op::SyncBegin { full } => {
                syncing = true;
                started = Instant::now();
                events.reintegration(*full);
            }
            Op::SyncEnd { .. } => syncing = false,
            _ => {}
        }
        let on_receipt = !matches!(
            op,
            Op::SyncEnd { .. } | Op::StatFile { .. } | Op::Bye | Op::Fsync { .. }
        );
        if o.ack_on_receipt && !syncing && on_receipt {
            link.send(&Message::Ack(keel_repl::Ack::ok(seq)))?;
            if let Err(e) = applier.apply(&op) {
                // Acknowledged, yet not here: this copy lacks a write the application was told
                // was replicated. Say it before anything else.
                let why = format!("could not apply {} it had acknowledged: {e}", name(&op));
                mark_reintegrating(&o.state_dir, true);
                events.behind(&why);
                return Err(io::Error::new(e.kind(), why));
            }
        } else {
            let r = applier.apply(&op);
            link.send(&Message::Ack(ack(seq, &r)))?;
            match r {
                Err(e) if !syncing => {
                    // The primary drops the link on this answer and goes on: this copy is behind.
                    let why = format!("could not apply {}: {e}", name(&op));
                    mark_reintegrating(&o.state_dir, true);
                    events.behind(&why);
                    return Err(io::Error::other(why));
                }
                _ => {}
            }
        }
        if let Op::SyncEnd { files, bytes } = op {
            record_sync(&o.state_dir);
            mark_reintegrating(&o.state_dir, false);
            events.synced(files, bytes, started.elapsed().as_millis());
        }
        if let Op::Bye = op {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the primary stopped",
            ));
        }
    }
}

fn name(op: &Op) -> &'static str {
    match op {
        Op::Write { .. } => "a write",
        Op::Truncate { .. } => "a truncate",
        Op::Create { .. } => "a create",
        Op::Mkdir { .. } => "a mkdir",
        Op::Symlink { .. } => "a symlink",
        Op::Link { .. } => "a link",
        Op::Unlink { .. } => "an unlink",
        Op::Rmdir { .. } => "an rmdir",
        Op::Rename { .. } => "a rename",
        Op::Chmod { .. } => "a chmod",
        Op::Chown { .. } => "a chown",
        Op::SetTimes { .. } => "a time change",
        Op::Fsync { .. } => "an fsync",
        Op::SyncBegin { .. } | Op::SyncEnd { .. } => "the reintegration",
        Op::Bye => "the primary's goodbye",
        Op::Ping => "a ping",
        Op::Listing { .. } => "a directory listing",
        Op::StatFile { .. } => "a stat",
        Op::Mknod { .. } => "a mknod",
        Op::Fallocate { .. } => "an fallocate",
        Op::SetXattr { .. } | Op::RemoveXattr { .. } | Op::Xattrs { .. } => "an extended attribute change",
    }
}

/// Present in the state directory from a link's start to its reintegration's end, and after a
/// change that failed: what this daemon knew of its incomplete files dies with it.
const REINTEGRATING: &str = "reintegrating";

/// Sets or clears the mark durably (the file, then its directory, flushed).
fn mark_reintegrating(state_dir: &std::path::Path, on: bool) {
    let file = state_dir.join(REINTEGRATING);
    let done = if on {
        std::fs::File::create(&file).and_then(|f| f.sync_all())
    } else {
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
    .and_then(|_| std::fs::File::open(state_dir)?.sync_all());
    if let Err(e) = done {
        say!(
            "keel-rfsd: cannot {} {}: {e}",
            if on { "write" } else { "remove" },
            file.display()
        );
    }
}

/// SafeKit's synctimestamp: when this copy was last complete (milliseconds since the epoch).
/// Written to a new file, flushed, renamed over the old one, and the directory flushed: after a
/// crash it holds either the old time or the new one, never nothing.
fn record_sync(state_dir: &std::path::Path) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let tmp = state_dir.join("synctimestamp.tmp");
    let done = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            use std::io::Write;
            writeln!(f, "{}", now.as_millis())?;
            f.sync_all()
        })
        .and_then(|_| std::fs::rename(&tmp, state_dir.join("synctimestamp")))
        .and_then(|_| std::fs::File::open(state_dir)?.sync_all());
    if let Err(e) = done {
        say!(
            "keel-rfsd: cannot record the synchronisation time in {}: {e}",
            state_dir.display()
        );
    }
}
