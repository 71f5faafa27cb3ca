//! The secondary side: joins the primary, applies what it sends, acknowledges.
//!
//! With `async="second"` (the default) a live operation is acknowledged on receipt and applied
//! after, as SafeKit does; with `async="none"` it is applied first. During a reintegration every
//! operation is applied before its ack, because the primary needs to know what did not apply.
//! An operation that fails once acknowledged leaves this copy out of date: the link is dropped
//! and the next one reintegrates.

use crate::apply::{ack, Applier};
use crate::events::Events;
use crate::link::Link;
use crate::under::Underlying;
use keel_repl::{Message, Op};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct SecondaryOptions {
    pub primary: SocketAddr,
    pub key: Vec<u8>,
    pub full: bool,
    pub ack_on_receipt: bool,
    pub timeout: Duration,
    /// Where `synctimestamp` records when this copy was last brought up to date.
    pub state_dir: std::path::PathBuf,
}

/// Joins the primary for ever: after a lost link it joins again and reintegrates what changed.
pub fn run(dirs: Arc<Vec<Underlying>>, o: SecondaryOptions, events: Events) -> ! {
    let mut applier = Applier::new(dirs);
    let mut full = o.full;
    let mut last_error = String::new();
    loop {
        let joined = TcpStream::connect_timeout(&o.primary, o.timeout)
            .and_then(|s| Link::connect(s, &o.key, full, o.timeout));
        match joined {
            Ok(mut link) => {
                last_error.clear();
                events.connected(&link.peer());
                let reason = serve(&mut link, &mut applier, &o, &events).unwrap_err();
                link.shutdown();
                if reason.kind() == io::ErrorKind::ConnectionAborted {
                    // Everything the primary acknowledged is here: this copy is up to date.
                    eprintln!("keel-rfsd: the primary stopped replicating");
                    events.primary_stopped();
                } else {
                    eprintln!("keel-rfsd: replication link lost: {reason}");
                    events.link_lost(&reason.to_string());
                }
                // What the link did not bring is found by comparing files: no need to copy all.
                full = false;
            }
            Err(e) => {
                let msg = e.to_string();
                if msg != last_error {
                    eprintln!("keel-rfsd: cannot join the primary at {}: {msg}", o.primary);
                    last_error = msg;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn serve(link: &mut Link, applier: &mut Applier, o: &SecondaryOptions, events: &Events) -> io::Result<()> {
    let mut syncing = false;
    let mut started = Instant::now();
    loop {
        let (seq, msg) = link.recv()?;
        let Message::Op(op) = msg else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the primary sent an ack",
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
        if o.ack_on_receipt && !syncing && !matches!(op, Op::SyncEnd { .. } | Op::StatFile { .. } | Op::Bye) {
            link.send(&Message::Ack(ack(
                seq,
                &Ok((0, keel_repl::op::Time { sec: 0, nsec: 0 })),
            )))?;
            applier
                .apply(&op)
                .map_err(|e| io::Error::new(e.kind(), format!("could not apply {}: {e}", name(&op))))?;
        } else {
            let r = applier.apply(&op);
            link.send(&Message::Ack(ack(seq, &r)))?;
            match r {
                Err(e) if !syncing => {
                    return Err(io::Error::other(format!("could not apply {}: {e}", name(&op))))
                }
                _ => {}
            }
        }
        if let Op::SyncEnd { files, bytes } = op {
            record_sync(&o.state_dir);
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
    }
}

/// SafeKit's synctimestamp: when this copy was last complete (milliseconds since the epoch).
fn record_sync(state_dir: &std::path::Path) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let tmp = state_dir.join("synctimestamp.tmp");
    let done = std::fs::write(&tmp, format!("{}\n", now.as_millis()))
        .and_then(|_| std::fs::rename(&tmp, state_dir.join("synctimestamp")));
    if let Err(e) = done {
        eprintln!(
            "keel-rfsd: cannot record the synchronisation time in {}: {e}",
            state_dir.display()
        );
    }
}
