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
    /// Where `synctimestamp` records when this copy was last brought up to date (crate::state).
    pub state_dir: std::path::PathBuf,
    /// `secondforce -d <date>`: the files modified since this date (seconds) are copied.
    pub since_s: Option<i64>,
}

/// Where this copy stands, as answered to the primary's `SyncPoint` (keel-zones `plan`).
struct Standing {
    /// It holds every change it acknowledged since its sync point: the last stop was clean (no
    /// reintegration left unfinished) and nothing failed since.
    clean: bool,
    /// This link asked for a full copy (`second fullsync`): no guard.
    full: bool,
    since_s: Option<i64>,
    /// When synctimestamp was last written while in sync.
    recorded: Instant,
}

/// Where the current link's [`Leaver`] is, for the thread that handles signals; and the lock an
/// operation is acknowledged and applied under, which a clean stop takes so that it never marks
/// a copy complete in the middle of an operation.
#[derive(Clone, Default)]
pub struct LeaverSlot(
    Arc<Mutex<Option<Leaver>>>,
    Arc<Mutex<bool>>,
    /// The verification asked for on the current link (crate::verify).
    Arc<Mutex<crate::verify::Tally>>,
);

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

    /// Asks the primary for a verification pass (`rfsverify`); Err: why not.
    pub fn ask_verify(&self) -> Result<(), String> {
        // Cloned out: the send may block up to the link timeout, and the slot's lock must not
        // hold the link's end (set(None)) and the rejoin behind it.
        let leaver = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let Some(l) = leaver else {
            return Err("this secondary has no link to its primary now".into());
        };
        if !self.verification().begin() {
            return Err("a verification is already under way".into());
        }
        l.ask_verify().map_err(|e| {
            self.verification().cancel();
            format!("cannot ask the primary: {e}")
        })
    }

    fn verification(&self) -> std::sync::MutexGuard<'_, crate::verify::Tally> {
        self.2.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn applying(&self) -> std::sync::MutexGuard<'_, bool> {
        self.1.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A clean stop: no operation is applied from now on; what was applied is made durable and
    /// the stop marked clean (crate::state), so the next start may count this copy complete.
    pub fn stop_cleanly(&self, dirs: &[Underlying], state_dir: &std::path::Path) {
        *self.applying() = true;
        let done = dirs
            .iter()
            .try_for_each(|d| d.syncfs())
            .and_then(|_| crate::state::mark_clean(state_dir));
        if let Err(e) = done {
            say!(
                "keel-rfsd: cannot mark the stop clean in {}: {e}",
                state_dir.display()
            );
        }
    }
}

/// Joins the primary for ever: after a lost link it joins again and reintegrates what changed.
pub fn run(dirs: Arc<Vec<Underlying>>, o: SecondaryOptions, events: Events, leaver: LeaverSlot) -> ! {
    let mut applier = Applier::new(dirs);
    // A reintegration this daemon's predecessor did not finish: which files it had found
    // incomplete went with it, so every file is copied (crate::copies).
    let unfinished = o.state_dir.join(REINTEGRATING).exists();
    let mut full = o.full || unfinished;
    // This node is a secondary: it has nothing to record for anyone.
    let was_clean = crate::state::take_clean(&o.state_dir)
        .and_then(|c| crate::state::remove(&o.state_dir, crate::state::ZONES).map(|_| c))
        .unwrap_or_else(|e| {
            say!("keel-rfsd: state directory {}: {e}", o.state_dir.display());
            false
        });
    let mut standing = Standing {
        clean: was_clean && !unfinished,
        full,
        since_s: o.since_s,
        recorded: Instant::now(),
    };
    let mut last_error = String::new();
    loop {
        let joined = TcpStream::connect_timeout(&o.primary, o.timeout)
            .and_then(|s| Link::connect(s, &o.key, &o.binding, full, o.timeout));
        match joined {
            Ok(mut link) => {
                last_error.clear();
                events.connected(&link.peer());
                leaver.set(Some(link.leaver()));
                standing.full = full;
                let reason = serve(&mut link, &mut applier, &o, &events, &leaver, &mut standing).unwrap_err();
                if reason.kind() == io::ErrorKind::PermissionDenied {
                    // The 90 s guard: nothing is retried; the module stops (crate::main). Nothing
                    // was changed here: the next start is not made full behind the
                    // administrator's back (`second fullsync` is theirs to choose).
                    leaver.set(None);
                    link.shutdown();
                    if !unfinished {
                        mark_reintegrating(&o.state_dir, false);
                    }
                    say!("keel-rfsd: {}", keel_zones::plan::GUARD_MESSAGE);
                    events.error(keel_zones::plan::GUARD_MESSAGE);
                    unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
                    loop {
                        std::thread::park();
                    }
                }
                leaver.set(None);
                link.shutdown();
                leaver
                    .verification()
                    .interrupted(&events, &format!("the link to the primary ended: {reason}"));
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

fn serve(
    link: &mut Link,
    applier: &mut Applier,
    o: &SecondaryOptions,
    events: &Events,
    slot: &LeaverSlot,
    standing: &mut Standing,
) -> io::Result<()> {
    // A link always begins with a reintegration, and the application's changes may come before
    // its SyncBegin: they are applied before their ack, a failure being one more pass for the
    // primary, not a broken link.
    applier.joined();
    mark_reintegrating(&o.state_dir, true);
    let mut syncing = true;
    let mut started = Instant::now();
    loop {
        let (seq, msg) = link.recv()?;
        crate::net::received(events, link.last_in());
        let Message::Op(op) = msg else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the primary sent something else than an operation",
            ));
        };
        let stopped = slot.applying();
        if *stopped {
            return Err(io::Error::other("stopping"));
        }
        if let Op::SyncPoint {
            epoch,
            primary_ms,
            record,
        } = op
        {
            let answer = sync_point(seq, o, standing, epoch, primary_ms, record);
            let refused = answer.errno == libc::ESTALE;
            link.send(&Message::Ack(answer))?;
            if refused {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    keel_zones::plan::GUARD_MESSAGE,
                ));
            }
            continue;
        }
        if matches!(op, Op::Ping) && !syncing && standing.recorded.elapsed() >= crate::state::SYNC_REFRESH {
            // synctimestamp is kept up to date while the pair is in sync (guide §3.4).
            crate::state::record_sync(&o.state_dir);
            standing.recorded = Instant::now();
        }
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
            Op::SyncEnd { .. }
                | Op::StatFile { .. }
                | Op::Bye
                | Op::Fsync { .. }
                | Op::Verify { .. }
                | Op::VerifyEnd { .. }
        );
        if o.ack_on_receipt && !syncing && on_receipt {
            link.send(&Message::Ack(keel_repl::Ack::ok(seq)))?;
            if let Err(e) = applier.apply(&op) {
                // Acknowledged, yet not here: this copy lacks a write the application was told
                // was replicated. Say it before anything else.
                let why = format!("could not apply {} it had acknowledged: {e}", name(&op));
                mark_reintegrating(&o.state_dir, true);
                standing.clean = false;
                events.behind(&why);
                return Err(io::Error::new(e.kind(), why));
            }
        } else {
            let r = applier.apply(&op);
            link.send(&Message::Ack(ack(seq, &r)))?;
            if let Ok(a) = &r {
                slot.verification().answered(&op, a, events);
            }
            match r {
                Err(e) if !syncing => {
                    // The primary drops the link on this answer and goes on: this copy is behind.
                    let why = format!("could not apply {}: {e}", name(&op));
                    mark_reintegrating(&o.state_dir, true);
                    standing.clean = false;
                    events.behind(&why);
                    return Err(io::Error::other(why));
                }
                _ => {}
            }
        }
        drop(stopped);
        if let Op::SyncEnd { files, bytes } = op {
            crate::state::record_sync(&o.state_dir);
            standing.recorded = Instant::now();
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
        Op::SyncPoint { .. } => "the sync point",
        Op::Listing { .. } => "a directory listing",
        Op::StatFile { .. } => "a stat",
        Op::Mknod { .. } => "a mknod",
        Op::Fallocate { .. } => "an fallocate",
        Op::SetXattr { .. } | Op::RemoveXattr { .. } | Op::Xattrs { .. } => "an extended attribute change",
        Op::Verify { .. } | Op::VerifyEnd { .. } => "a verification",
    }
}

/// Present in the state directory from a link's start to its reintegration's end, and after a
/// change that failed: what this daemon knew of its incomplete files dies with it.
pub(crate) const REINTEGRATING: &str = "reintegrating";

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

/// Answers the primary's `SyncPoint`: where this copy stands (refused by the 90 s guard unless
/// the link asked for a full copy or a copy by date), or records a new sync point.
fn sync_point(
    seq: u64,
    o: &SecondaryOptions,
    standing: &mut Standing,
    epoch: u64,
    primary_ms: u64,
    record: bool,
) -> keel_repl::Ack {
    use crate::state;
    use keel_zones::plan;
    let dir = &o.state_dir;
    if record {
        // The copy is complete as of `epoch`.
        let done = state::write_number(dir, state::SYNCEPOCH, epoch);
        return match done {
            Ok(()) => {
                standing.clean = true;
                // `secondforce -d` holds until a reintegration by that date ends.
                standing.since_s = None;
                keel_repl::Ack::ok(seq)
            }
            Err(e) => {
                say!(
                    "keel-rfsd: cannot record the sync point in {}: {e}",
                    dir.display()
                );
                keel_repl::Ack::failed(seq, e.raw_os_error().unwrap_or(libc::EIO))
            }
        };
    }
    let mine = state::read_number(dir, state::SYNCTIMESTAMP).unwrap_or(0);
    if !standing.full && standing.since_s.is_none() && !plan::within_guard(primary_ms, mine) {
        return keel_repl::Ack::failed(seq, libc::ESTALE);
    }
    plan::SecondaryState {
        epoch: state::read_number(dir, state::SYNCEPOCH).unwrap_or(0),
        sync_ms: mine,
        clean: standing.clean,
        since_s: standing.since_s,
    }
    .to_ack(seq)
}
