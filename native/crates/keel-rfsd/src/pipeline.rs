//! The primary's link with many operations in flight (docs/decisions/0009, "Pipelining").
//!
//! Operations are sent in the order their local effects happened (the sender runs under the
//! replication lock, crate::primary) and the secondary acknowledges them in that order, so an
//! acknowledgment also vouches for every operation before it. A reader thread takes the
//! acknowledgments and hands each to the thread waiting for it; the senders wait without the
//! lock, so other changes are made and sent meanwhile.
//!
//! What the secondary did not apply must reach the zone record (crate::zones) in the order the
//! operations happened, and with the paths they had when they were sent. So the reader never
//! records anything itself: it keeps what is owed in order ([`Settled`]), and the next holder of
//! the replication lock records it before its own change ([`crate::primary::Repl`]'s `reap`).
//! Paths keep their meaning until then because a change that removes or moves a name first waits
//! for every operation in flight (`drain`).

use crate::link::{Link, Receiver, Sender};
use crate::stats::{Origin, Stats};
use crate::zones::Pending;
use keel_repl::op::Ack;
use keel_repl::{Message, Op};
use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// What became of an operation its sender waits for.
#[derive(Debug)]
pub enum Answer {
    /// The secondary's acknowledgment (for a question or during a reintegration, perhaps with an
    /// errno).
    Ack(Ack),
    /// Not acknowledged: the link broke, or the secondary could not apply it and the link was
    /// dropped for that.
    Lost,
}

/// An operation the secondary did not apply, for the zone record.
pub struct Settled {
    pub pending: Pending,
    /// It reached the secondary, which refused it (as opposed to never getting there).
    pub refused: bool,
}

/// Why a link ended.
#[derive(Clone, Debug)]
pub struct Broken {
    pub reason: String,
    /// The secondary left on its administrator's command: its node recorded its copy behind.
    pub left: bool,
}

/// What the holder of the replication lock takes over from the pipeline (see [`Pipeline::take`]).
pub struct Owed {
    pub settled: Vec<Settled>,
    /// The secondary refused something during a reintegration: one more pass.
    pub resweep: bool,
    pub broken: Option<Broken>,
    /// The secondary asked for a verification pass (`rfsverify`, crate::verify).
    pub verify: bool,
}

struct InFlight {
    seq: u64,
    pending: Option<Pending>,
    /// Sent while a reintegration runs: a refusal calls for one more pass, not a dropped link.
    syncing: bool,
    /// A question (is the file there?) may have any answer.
    question: bool,
    /// Someone waits for the answer.
    awaited: bool,
    sent: Instant,
    origin: Origin,
    /// Its frame's length on the wire.
    bytes: u64,
}

#[derive(Default)]
struct State {
    in_flight: VecDeque<InFlight>,
    answers: HashMap<u64, Answer>,
    settled: Vec<Settled>,
    resweep: bool,
    broken: Option<Broken>,
    verify: bool,
}

pub struct Pipeline {
    sender: Sender,
    stats: Arc<Stats>,
    state: Mutex<State>,
    /// Signalled when answers arrive and when the link breaks.
    changed: Condvar,
}

/// How an operation is sent (see [`Pipeline::post`]).
pub struct Post {
    pub pending: Option<Pending>,
    pub syncing: bool,
    pub question: bool,
    pub awaited: bool,
    pub origin: Origin,
}

impl Pipeline {
    /// Takes a link whose handshake is done and starts its reader.
    pub fn start(link: Link, stats: Arc<Stats>) -> io::Result<Arc<Pipeline>> {
        let (sender, receiver) = link.split()?;
        let p = Arc::new(Pipeline {
            sender,
            stats,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let reader = p.clone();
        std::thread::Builder::new()
            .name("rfs-acks".into())
            .spawn(move || reader.read(receiver))?;
        Ok(p)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends `op`; its sequence number is what to wait for, if `how.awaited`. None: the link is
    /// already broken (what `how.pending` says is then owed like any other lost operation).
    pub fn post(&self, op: Op, how: Post) -> Option<u64> {
        let mut entry = Some(InFlight {
            seq: 0,
            pending: how.pending,
            syncing: how.syncing,
            question: how.question,
            awaited: how.awaited,
            sent: Instant::now(),
            origin: how.origin,
            bytes: 0,
        });
        let mut already_broken = false;
        let sent = self.sender.send(&Message::Op(op), |seq, bytes| {
            let mut st = self.lock();
            let mut e = entry.take().expect("sealed once");
            if st.broken.is_some() {
                st.settled.extend(e.pending.take().map(|pending| Settled {
                    pending,
                    refused: false,
                }));
                already_broken = true;
            } else {
                e.seq = seq;
                e.bytes = bytes;
                self.stats.sent(bytes);
                st.in_flight.push_back(e);
            }
        });
        match sent {
            Ok(_) if already_broken => None,
            Ok(seq) => Some(seq),
            Err(e) => {
                // Recorded in flight before the write: the break settles it with the others.
                self.broke(&crate::send_timeout::send_failure(&e), false);
                None
            }
        }
    }

    /// Waits for the answer to operation `seq` (posted with `awaited`).
    pub fn wait(&self, seq: u64) -> Answer {
        let mut st = self.lock();
        loop {
            if let Some(a) = st.answers.remove(&seq) {
                return a;
            }
            st = self.changed.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Waits until nothing is in flight (every operation answered, or the link broken).
    pub fn drain(&self) {
        let mut st = self.lock();
        while !st.in_flight.is_empty() {
            st = self.changed.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// What is owed to the zone record and the link's state since the last call.
    pub fn take(&self) -> Owed {
        let mut st = self.lock();
        Owed {
            settled: std::mem::take(&mut st.settled),
            resweep: std::mem::take(&mut st.resweep),
            broken: st.broken.clone(),
            verify: std::mem::take(&mut st.verify),
        }
    }

    /// Ends the link: every operation in flight is lost.
    pub fn broke(&self, reason: &str, left: bool) {
        let mut st = self.lock();
        if st.broken.is_none() {
            st.broken = Some(Broken {
                reason: reason.to_string(),
                left,
            });
        }
        let lost: Vec<InFlight> = st.in_flight.drain(..).collect();
        for f in lost {
            self.stats.answered(f.origin, f.bytes, f.sent.elapsed(), false);
            if f.awaited {
                st.answers.insert(f.seq, Answer::Lost);
            }
            st.settled.extend(f.pending.map(|pending| Settled {
                pending,
                refused: false,
            }));
        }
        drop(st);
        self.sender.shutdown();
        self.changed.notify_all();
    }

    /// The reader: answers in order until the link ends.
    fn read(self: Arc<Self>, mut receiver: Receiver) {
        loop {
            let got = receiver.recv(|| self.lock().in_flight.front().map(|f| f.sent));
            let why = match got {
                Ok((_, Message::Ack(a))) => match self.acknowledged(a) {
                    Ok(()) => continue,
                    Err(why) => why,
                },
                // Outside the order of acknowledgments: the next holder of the lock takes it.
                Ok((_, Message::AskVerify)) => {
                    self.lock().verify = true;
                    continue;
                }
                Ok((_, Message::Leave)) => {
                    self.broke("the secondary left (its copy is recorded behind)", true);
                    return;
                }
                Ok((_, other)) => format!("the secondary sent {other:?} where an acknowledgment was due"),
                Err(e) => e.to_string(),
            };
            self.broke(&why, false);
            return;
        }
    }

    /// Hands an acknowledgment to its sender. Err: the link must end (the reason).
    fn acknowledged(&self, a: Ack) -> Result<(), String> {
        let mut st = self.lock();
        let Some(f) = st.in_flight.pop_front() else {
            return Err(format!(
                "the secondary acknowledged frame {} that was not sent",
                a.seq
            ));
        };
        if f.seq != a.seq {
            return Err(format!(
                "expected the ack of frame {}, got frame {}'s",
                f.seq, a.seq
            ));
        }
        self.stats.answered(f.origin, f.bytes, f.sent.elapsed(), true);
        if a.errno != 0 && !f.question {
            if !f.syncing {
                let why = format!("the secondary could not apply a change (errno {})", a.errno);
                st.settled.extend(f.pending.map(|pending| Settled {
                    pending,
                    refused: true,
                }));
                if f.awaited {
                    st.answers.insert(f.seq, Answer::Lost);
                }
                return Err(why);
            }
            // During a reintegration a live change may reach a file not copied yet.
            st.resweep = true;
            st.settled.extend(f.pending.map(|pending| Settled {
                pending,
                refused: true,
            }));
        }
        if f.awaited {
            st.answers.insert(f.seq, Answer::Ack(a));
        }
        drop(st);
        self.changed.notify_all();
        Ok(())
    }
}
