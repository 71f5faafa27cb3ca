//! The daemon's control pipe: its stdin, which only the rfs service that started it holds
//! (docs/decisions/0009, "rfsverify and rfsdiff"; 0019). One request a line:
//!
//! - `deadline <ns>`: the write deadline of a primary under the lease arbiter (crate::deadline);
//!   ignored, and said, by a daemon started without `--write-deadline-stdin`;
//! - `diff`: `rfsdiff`, answered by a `diff` event (crate::diff), on a primary;
//! - `verify`: `rfsverify`, asked of the primary on the link (crate::verify), on a secondary.
//!
//! A request the daemon cannot serve in its role is answered by a `refused` event. A line that is
//! none of these closes the write deadline, as before there were other requests: the writer can no
//! longer be trusted to extend it. The end of the pipe leaves the last deadline to expire.

use crate::deadline::{self, WriteDeadline};
use crate::events::Events;
use crate::primary::Replicator;
use crate::secondary::LeaverSlot;
use std::io::BufRead;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// A CLOCK_MONOTONIC deadline in nanoseconds.
    Deadline(u64),
    Diff,
    Verify,
}

/// One line of the pipe (surrounding blanks allowed).
pub fn parse_line(line: &str) -> Result<Request, String> {
    match line.trim() {
        "diff" => Ok(Request::Diff),
        "verify" => Ok(Request::Verify),
        other => deadline::parse_line(other)
            .map(Request::Deadline)
            .map_err(|why| format!("{why} (nor 'diff' or 'verify')")),
    }
}

/// What the requests act on.
pub struct Control {
    pub events: Events,
    /// Under the lease arbiter only (`--write-deadline-stdin`).
    pub deadline: Option<Arc<WriteDeadline>>,
    pub role: Role,
    /// An `rfsdiff` runs.
    diffing: Arc<AtomicBool>,
}

pub enum Role {
    Primary(Arc<Replicator>),
    Secondary(LeaverSlot),
}

impl Control {
    pub fn new(events: Events, deadline: Option<Arc<WriteDeadline>>, role: Role) -> Control {
        Control {
            events,
            deadline,
            role,
            diffing: Arc::default(),
        }
    }

    fn serve(&self, r: Request) {
        match (r, &self.role) {
            (Request::Deadline(ns), _) => match &self.deadline {
                Some(d) => d.set_monotonic(ns),
                None => say!("keel-rfsd: deadline line ignored: this daemon has no write deadline (no --write-deadline-stdin)"),
            },
            (Request::Diff, Role::Primary(repl)) => {
                if self.diffing.swap(true, Ordering::SeqCst) {
                    return self.events.refused("diff", "an rfsdiff is already running");
                }
                let (repl, events, diffing) = (repl.clone(), self.events.clone(), self.diffing.clone());
                std::thread::spawn(move || {
                    let e = crate::diff::estimate(&repl);
                    diffing.store(false, Ordering::SeqCst);
                    events.diff(&e);
                });
            }
            (Request::Diff, Role::Secondary(_)) => self.events.refused(
                "diff",
                "rfsdiff runs on the primary (the node ALONE): the secondary has nothing to estimate",
            ),
            (Request::Verify, Role::Secondary(slot)) => {
                if let Err(why) = slot.ask_verify() {
                    self.events.refused("verify", &why);
                }
            }
            (Request::Verify, Role::Primary(_)) => self.events.refused(
                "verify",
                "rfsverify runs on the secondary (the node SECOND): it compares its copy with the primary's",
            ),
        }
    }

    fn bad_line(&self, why: &str) {
        match &self.deadline {
            Some(d) => {
                d.close();
                say!("keel-rfsd: control line refused, changes are refused from now on: {why}");
            }
            None => say!("keel-rfsd: control line refused: {why}"),
        }
    }
}

/// Reads requests until the pipe ends.
pub fn follow(input: impl BufRead, c: &Control) {
    for line in input.lines() {
        match line.map_err(|e| e.to_string()).and_then(|l| parse_line(&l)) {
            Ok(r) => c.serve(r),
            Err(why) => c.bad_line(&why),
        }
    }
    if c.deadline.is_some() {
        say!("keel-rfsd: control pipe closed: the last write deadline stands");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::clock_ns;

    const S: u64 = 1_000_000_000;

    fn secondary(deadline: Option<Arc<WriteDeadline>>) -> Control {
        Control::new(
            Events::default(),
            deadline,
            Role::Secondary(LeaverSlot::default()),
        )
    }

    #[test]
    fn reads_three_requests_and_nothing_else() {
        assert_eq!(parse_line(" diff \r"), Ok(Request::Diff));
        assert_eq!(parse_line("verify"), Ok(Request::Verify));
        assert_eq!(parse_line("deadline 5"), Ok(Request::Deadline(5)));
        let why = parse_line("diff now").unwrap_err();
        assert!(why.contains("'diff now'"), "{why}");
        assert!(parse_line("verify -m x").is_err());
        assert!(parse_line("").is_err());
    }

    #[test]
    fn a_line_it_does_not_understand_closes_the_window_and_the_end_of_the_pipe_keeps_it() {
        let mono = clock_ns(libc::CLOCK_MONOTONIC);
        let d = Arc::new(WriteDeadline::closed());
        let c = secondary(Some(d.clone()));
        follow(format!("deadline {}\n", mono + 3600 * S).as_bytes(), &c);
        assert!(d.allows_now(), "the pipe's end leaves the deadline as it was");
        follow(format!("deadline {}\nnonsense\n", mono + 3600 * S).as_bytes(), &c);
        assert!(!d.allows_now());
    }

    #[test]
    fn requests_leave_the_window_as_it_is() {
        let mono = clock_ns(libc::CLOCK_MONOTONIC);
        let d = Arc::new(WriteDeadline::closed());
        let c = secondary(Some(d.clone()));
        // A secondary refuses a diff and, with no link, a verification: the deadline stays open.
        follow(
            format!("deadline {}\ndiff\nverify\n", mono + 3600 * S).as_bytes(),
            &c,
        );
        assert!(d.allows_now());
    }
}
