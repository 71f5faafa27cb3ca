//! The primary side of replication: one link to the secondary, shared by every replicated
//! directory of the module, and the acceptor that lets a secondary (re)join.
//!
//! The link's mutex is the replication lock: a file system operation holds it from its local
//! effect until its operations are sent, and waits for the acknowledgment without it (many are in
//! flight at once, crate::pipeline); a reintegration holds it for each step it reads and sends
//! (a step whose answer decides the next waits for it under the lock; a file's data steps do not,
//! crate::sync). So the secondary receives changes in exactly the order they happened here, and a
//! reintegration step never overtakes an application write or is overtaken by one.

use crate::deadline::WriteDeadline;
use crate::events::Events;
use crate::link::Link;
use crate::pipeline::{Answer, Broken, Pipeline, Post, Settled};
use crate::stats::Origin;
use crate::under::Underlying;
use crate::zones::Pending;
use keel_repl::op::Ack;
use keel_repl::{Binding, Op};
use std::collections::HashMap;
use std::net::IpAddr;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Handshakes under way at once, in all and from one address: a flood of clients cannot exhaust
/// the daemon's threads, and clients elsewhere cannot take the places of the peer's address,
/// which the total does not bind (docs/decisions/0012).
const MAX_HANDSHAKES: usize = 32;
const MAX_HANDSHAKES_PER_ADDRESS: usize = 2;
/// At most one line about refused connections per this time (with the count of the others).
const REFUSAL_LOG_EVERY: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct LinkState {
    link: Option<Arc<Pipeline>>,
    /// A reintegration is running: failures to apply are expected (a live change can reach a
    /// file not copied yet) and only call for one more pass.
    pub(crate) syncing: bool,
    pub(crate) resweep: bool,
    /// Counts links, so a reintegration notices it was overtaken by a newer secondary.
    pub(crate) generation: u64,
    /// The primary is stopping: it said goodbye and accepts no change any more.
    closed: bool,
    /// A reintegration pass runs alone: the application's changes wait (see crate::sync).
    pub(crate) paused: bool,
    /// A link that was up broke: the application's changes wait until then, or until a secondary
    /// joins again (docs/decisions/0012).
    held_until: Option<Instant>,
    /// When the link last carried an operation (for the keepalive).
    last_sent: Option<Instant>,
    /// The secondary asked for a verification pass; one runs (crate::verify).
    pub(crate) verify_asked: bool,
    pub(crate) verifying: bool,
}

pub struct Replicator {
    state: Mutex<LinkState>,
    /// Signalled when a paused reintegration pass ends.
    resumed: Condvar,
    pub(crate) dirs: Arc<Vec<Underlying>>,
    pub(crate) events: Events,
    key: Vec<u8>,
    binding: Binding,
    ack_timeout: Duration,
    /// How long changes wait after a link broke (0: they do not).
    hold: Duration,
    /// The peer's address, when known: its handshakes are not counted against the total.
    peer_ip: Option<IpAddr>,
    /// `<rfs reiallowedbw>`: the most a reintegration sends, in KB/s (None: no limit).
    pub(crate) rei_kbps: Option<u64>,
    /// `<rfs nbrei>`: the files a reintegration has in flight at once (crate::sync::window).
    pub(crate) nbrei: usize,
    handshakes: Mutex<HashMap<IpAddr, usize>>,
    refusals: Mutex<Refusals>,
    /// Changes only before it, under the lease arbiter (crate::deadline).
    deadline: Arc<WriteDeadline>,
    /// The rfs service that started this daemon is gone: every change is refused until the next
    /// daemon takes the directories over (crate::handover).
    orphaned: AtomicBool,
    /// What the secondary lacks (crate::zones), and where it is kept.
    pub(crate) zones: crate::zones::Zones,
    pub(crate) state_dir: std::path::PathBuf,
}

/// How a primary serves its secondary (from the command line, crate::args).
pub struct PrimaryOptions {
    pub key: Vec<u8>,
    pub binding: Binding,
    pub ack_timeout: Duration,
    pub hold: Duration,
    pub peer_ip: Option<IpAddr>,
    pub rei_kbps: Option<u64>,
    pub nbrei: usize,
    pub deadline: Arc<WriteDeadline>,
    pub zones: crate::zones::Zones,
    pub state_dir: std::path::PathBuf,
}

/// Refused connections, logged at most once per [`REFUSAL_LOG_EVERY`].
#[derive(Default)]
struct Refusals {
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl Refusals {
    fn refused(&mut self, from: &str, why: &str) {
        let now = Instant::now();
        if self
            .last_logged
            .is_some_and(|t| now.duration_since(t) < REFUSAL_LOG_EVERY)
        {
            self.unlogged += 1;
            return;
        }
        let more = match self.unlogged {
            0 => String::new(),
            n => format!(" ({n} more refused since the last report)"),
        };
        say!("keel-rfsd: refused a replication connection from {from}: {why}{more}");
        self.last_logged = Some(now);
        self.unlogged = 0;
    }
}

/// The replication lock, held.
pub struct Repl<'a> {
    pub(crate) st: MutexGuard<'a, LinkState>,
    r: &'a Replicator,
}

/// An operation sent and not waited for yet (see [`Replicator::wait`]).
#[must_use]
pub enum Posted {
    Sent(Arc<Pipeline>, u64),
    /// Not sent: no secondary, or its link was already broken (what the secondary lacks is
    /// recorded).
    NotSent,
}

impl Repl<'_> {
    /// Sends one live operation (what the application did), if there is a secondary, with what to
    /// record if it does not apply it; its answer is waited for without the lock
    /// ([`Replicator::wait`]).
    pub fn post(&mut self, op: Op, pending: Option<Pending>) -> Posted {
        // A name moved during a reintegration may land where the walk already passed.
        if self.st.syncing && self.st.link.is_some() && matches!(op, Op::Rename { .. } | Op::Link { .. }) {
            self.st.resweep = true;
        }
        let syncing = self.st.syncing;
        self.send(op, pending, syncing, true, Origin::Live)
    }

    fn send(
        &mut self,
        op: Op,
        pending: Option<Pending>,
        syncing: bool,
        awaited: bool,
        origin: Origin,
    ) -> Posted {
        let Some(p) = self.st.link.clone() else {
            if let Some(pending) = pending {
                self.r.zones.unsent(&self.r.dirs, pending);
            }
            return Posted::NotSent;
        };
        self.st.last_sent = Some(Instant::now());
        let question = matches!(op, Op::StatFile { .. } | Op::Verify { .. });
        let how = Post {
            pending,
            syncing,
            question,
            awaited,
            origin,
        };
        match p.post(op, how) {
            Some(seq) => Posted::Sent(p, seq),
            None => {
                self.reap();
                Posted::NotSent
            }
        }
    }

    /// Sends one operation of a reintegration (its own links and renames are no news to it)
    /// without waiting for its answer ([`Replicator::wait`], without the lock): a file's data
    /// steps are many in flight (crate::sync, its window).
    pub fn put(&mut self, op: Op) -> Posted {
        let syncing = self.st.syncing;
        self.send(op, None, syncing, true, Origin::Reintegration)
    }

    /// Sends one operation of a reintegration and waits for its answer, the lock held: None when
    /// the link is gone.
    pub fn copy(&mut self, op: Op) -> Option<Ack> {
        let syncing = self.st.syncing;
        let posted = self.send(op, None, syncing, true, Origin::Reintegration);
        let answer = self.r.wait(posted);
        self.reap();
        match answer {
            Some(Answer::Ack(a)) => Some(a),
            _ => None,
        }
    }

    /// Sends a question of a verification pass (crate::verify): its answer is waited for
    /// without the lock.
    pub(crate) fn ask(&mut self, op: Op) -> Posted {
        self.send(op, None, false, true, Origin::Verify)
    }

    /// Waits until the secondary answered everything sent: a change that removes or moves a name
    /// does so first, so that the paths of what is in flight still name their files when what
    /// was not applied is recorded (crate::pipeline).
    pub fn drain(&mut self) {
        if let Some(p) = &self.st.link {
            p.drain();
        }
        self.reap();
    }

    /// Records what the link's reader found since the last holder of the lock: operations the
    /// secondary did not apply, in the order they were sent, and the link's end.
    pub(crate) fn reap(&mut self) {
        let Some(p) = self.st.link.clone() else { return };
        let owed = p.take();
        self.settle(owed.settled);
        if owed.resweep {
            self.st.resweep = true;
        }
        if owed.verify {
            self.st.verify_asked = true;
        }
        if let Some(b) = owed.broken {
            self.st.link = None;
            self.lost(&b);
        }
    }

    fn settle(&self, settled: Vec<Settled>) {
        for s in settled {
            match s.pending {
                // Delivered, and refused: the secondary's names are not what the record would
                // replay them onto.
                Pending::Names(_) | Pending::New(..) if s.refused => self.r.zones.lock().lose(),
                p => self.r.zones.unsent(&self.r.dirs, p),
            }
        }
    }

    pub fn connected(&self) -> bool {
        self.st.link.is_some()
    }

    pub fn closed(&self) -> bool {
        self.st.closed
    }

    /// Ends replication cleanly: tells the secondary it has everything, and refuses any change
    /// from now on (one would reach this copy only, behind the secondary's back).
    pub fn close(&mut self) {
        self.st.closed = true;
        if self.st.link.is_some() {
            self.copy(Op::Bye);
        }
        if let Some(p) = self.st.link.take() {
            p.broke("the primary stopped", false);
            self.settle(p.take().settled);
        }
    }

    /// Drops a link that broke. Its secondary may still count as up to date until its node has
    /// noticed (the link timeout) and judged (the heartbeat timeout and a margin): until then the
    /// application's changes wait, so that none is acknowledged by this copy alone while the
    /// other may still take over as complete.
    pub(crate) fn drop_link(&mut self, reason: &str) {
        if let Some(p) = &self.st.link {
            p.broke(reason, false);
        }
        self.reap();
    }

    /// Replaces the link by a new secondary's: what was in flight on the old one is recorded as
    /// not applied.
    fn replace_link(&mut self, p: Arc<Pipeline>) {
        if let Some(old) = self.st.link.replace(p) {
            old.broke("a new secondary joined", false);
            self.settle(old.take().settled);
        }
    }

    fn lost(&mut self, b: &Broken) {
        self.st.syncing = false;
        say!("keel-rfsd: replication link lost: {}", b.reason);
        self.r.events.link_lost(&b.reason);
        // The secondary's node recorded that its copy is behind: nothing to wait for.
        if !b.left && !self.st.closed && !self.r.hold.is_zero() {
            self.st.held_until = Some(Instant::now() + self.r.hold);
            say!(
                "keel-rfsd: changes wait up to {} ms for the secondary to rejoin or to know its copy is behind",
                self.r.hold.as_millis()
            );
        }
    }
}

impl Replicator {
    pub fn new(dirs: Arc<Vec<Underlying>>, events: Events, o: PrimaryOptions) -> Replicator {
        Replicator {
            state: Mutex::new(LinkState::default()),
            resumed: Condvar::new(),
            dirs,
            events,
            key: o.key,
            binding: o.binding,
            ack_timeout: o.ack_timeout,
            hold: o.hold,
            peer_ip: o.peer_ip,
            rei_kbps: o.rei_kbps,
            nbrei: o.nbrei,
            handshakes: Mutex::new(HashMap::new()),
            refusals: Mutex::new(Refusals::default()),
            deadline: o.deadline,
            orphaned: AtomicBool::new(false),
            zones: o.zones,
            state_dir: o.state_dir,
        }
    }

    /// Refuses every change from now on, and keeps the link: the secondary's copy stays complete
    /// (crate::handover).
    pub fn orphan(&self) {
        self.orphaned.store(true, Ordering::SeqCst);
        // Changes waiting for a hold or a pause are refused now, not when it ends.
        self.resumed.notify_all();
        say!("keel-rfsd: the rfs service is gone: changes are refused (EROFS) until a new daemon takes over");
    }

    pub fn is_orphaned(&self) -> bool {
        self.orphaned.load(Ordering::SeqCst)
    }

    /// Changes wait as after a broken link (up to the hold) until a secondary joins: a daemon that
    /// took over from one whose link was up has a secondary that may still count as up to date.
    pub fn hold_changes(&self) {
        if !self.hold.is_zero() {
            self.lock().st.held_until = Some(Instant::now() + self.hold);
        }
    }

    /// Whether the application may change anything now (the write deadline, if any, is ahead).
    pub fn may_write(&self) -> bool {
        !self.orphaned.load(Ordering::SeqCst) && self.deadline.allows_now()
    }

    fn refused(&self, from: &str, why: &str) {
        self.refusals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .refused(from, why);
    }

    /// The secondary's answer to a posted operation (None when it was not sent), waited for
    /// without the replication lock.
    pub fn wait(&self, posted: Posted) -> Option<Answer> {
        match posted {
            Posted::Sent(p, seq) => Some(p.wait(seq)),
            Posted::NotSent => None,
        }
    }

    pub fn lock(&self) -> Repl<'_> {
        let mut l = Repl {
            st: self.state.lock().unwrap_or_else(|p| p.into_inner()),
            r: self,
        };
        l.reap();
        l
    }

    /// The lock for an application's change: waits while a reintegration pass runs alone, and
    /// while changes are held after a broken link.
    pub fn lock_for_change(&self) -> Repl<'_> {
        let mut st = self.lock().st;
        loop {
            // What the link's reader found is recorded before any change (crate::pipeline).
            let mut l = Repl { st, r: self };
            l.reap();
            st = l.st;
            let held = match st.held_until {
                Some(until) if st.link.is_none() && !st.closed => {
                    until.checked_duration_since(Instant::now())
                }
                _ => None,
            };
            if self.is_orphaned() {
                break;
            } else if st.paused {
                st = self.resumed.wait(st).unwrap_or_else(|p| p.into_inner());
            } else if let Some(left) = held {
                st = self
                    .resumed
                    .wait_timeout(st, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            } else {
                break;
            }
        }
        st.held_until = None;
        Repl { st, r: self }
    }

    /// Ends replication cleanly (see [`Repl::close`]); changes waiting for a hold are refused.
    pub fn close(&self) {
        self.lock().close();
        self.resumed.notify_all();
    }

    /// Makes the application's changes wait (true) or go on (false).
    pub(crate) fn pause(&self, paused: bool) {
        self.lock().st.paused = paused;
        if !paused {
            self.resumed.notify_all();
        }
    }

    /// Keeps an idle link visibly alive: the secondary gives a link up after `ack_timeout` of
    /// silence (so that a cut cable does not leave it believing it is up to date), and this
    /// notices a secondary that went away even when the application writes nothing.
    pub fn keepalive(self: Arc<Self>) {
        let every = self.ack_timeout / 3;
        let mut recorded = Instant::now();
        loop {
            std::thread::sleep(every);
            let mut r = self.lock();
            if r.closed() {
                return;
            }
            let idle = r.st.last_sent.map_or(true, |t| t.elapsed() >= every);
            if r.connected() && idle {
                let syncing = r.st.syncing;
                // Its answer is the reader's business: none within the timeout ends the link.
                let _ = r.send(Op::Ping, None, syncing, false, Origin::Live);
            }
            // synctimestamp is kept up to date while the pair is in sync (guide §3.4).
            let in_sync = r.connected() && !r.st.syncing;
            // A verification asked for waits for the end of a reintegration (crate::verify).
            let verify = in_sync && r.st.verify_asked && !r.st.verifying;
            if verify {
                r.st.verify_asked = false;
                r.st.verifying = true;
            }
            let generation = r.st.generation;
            drop(r);
            if verify {
                let me = self.clone();
                std::thread::spawn(move || crate::verify::run(&me, generation));
            }
            if in_sync && recorded.elapsed() >= crate::state::SYNC_REFRESH {
                crate::state::record_sync(&self.state_dir);
                recorded = Instant::now();
            }
        }
    }

    /// Accepts secondaries for ever, each handshake in a thread of its own (at most
    /// [`MAX_HANDSHAKES`] at once); each secondary that proves the cluster key and serves this
    /// module, node pair and directory set replaces the current link and is reintegrated.
    pub fn serve(self: Arc<Self>, listener: TcpListener) {
        for conn in listener.incoming() {
            let Ok(stream) = conn else { continue };
            if self.lock().closed() {
                return;
            }
            let Ok(addr) = stream.peer_addr() else { continue };
            let from = addr.to_string();
            if let Err(why) = self.start_handshake(addr.ip()) {
                self.refused(&from, why);
                continue;
            }
            let me = self.clone();
            std::thread::spawn(move || me.join(stream, &from, addr.ip()));
        }
    }

    fn join(&self, stream: TcpStream, from: &str, ip: IpAddr) {
        let accepted = Link::accept(stream, &self.key, &self.binding, self.ack_timeout);
        self.end_handshake(ip);
        let (link, full) = match accepted {
            Ok(joined) => joined,
            Err(e) => return self.refused(from, &e.to_string()),
        };
        let peer = link.peer();
        let pipe = match Pipeline::start(link, self.events.stats_arc()) {
            Ok(p) => p,
            Err(e) => return self.refused(from, &e.to_string()),
        };
        let generation = {
            let mut r = self.lock();
            if r.closed() {
                pipe.broke("the primary stopped", false);
                return;
            }
            r.replace_link(pipe);
            // Changes held since the last link broke go to this one.
            self.resumed.notify_all();
            r.st.syncing = true;
            r.st.resweep = false;
            // A verification asked on the old link is that secondary's, not this one's.
            r.st.verify_asked = false;
            r.st.generation += 1;
            // Before any live change reaches it: where its copy stands, and the names moved
            // while it was away (crate::sync::begin).
            let Some(mode) = crate::sync::begin(self, &mut r, full) else {
                return;
            };
            (r.st.generation, mode)
        };
        let (generation, mode) = generation;
        self.events.connected(&peer);
        crate::sync::reintegrate(self, generation, mode);
    }

    fn start_handshake(&self, ip: IpAddr) -> Result<(), &'static str> {
        let mut h = self.handshakes.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = h
            .iter()
            .filter(|(a, _)| Some(**a) != self.peer_ip)
            .map(|(_, n)| n)
            .sum();
        let here = h.get(&ip).copied().unwrap_or(0);
        if here >= MAX_HANDSHAKES_PER_ADDRESS {
            return Err("too many handshakes under way from this address");
        }
        if Some(ip) != self.peer_ip && total >= MAX_HANDSHAKES {
            return Err("too many handshakes under way");
        }
        h.insert(ip, here + 1);
        Ok(())
    }

    fn end_handshake(&self, ip: IpAddr) {
        let mut h = self.handshakes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = h.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                h.remove(&ip);
            }
        }
    }
}
