//! A primary's write deadline under the lease arbiter (docs/decisions/0019): with
//! `--write-deadline-stdin`, every change is refused (EROFS) unless the clock is before the last
//! deadline the rfs service wrote on the daemon's stdin, a pipe only that service holds. It starts
//! closed: no change before the first deadline. Without the flag there is no deadline (no arbiter).
//!
//! A line is `deadline <ns>`: an absolute CLOCK_MONOTONIC time in nanoseconds (what Node's hrtime
//! reads), so a line that waited in the pipe gives no extra time. On receipt it is converted to
//! CLOCK_BOOTTIME, and the check reads CLOCK_BOOTTIME: both keep running while the process is
//! stopped (SIGSTOP), so a thawed primary refuses at once; BOOTTIME also counts a suspend of the
//! machine after the line was read, which MONOTONIC does not. A later line replaces the deadline,
//! earlier or later; a line that is not understood closes it (the writer cannot be trusted to
//! extend it), and the end of the pipe leaves it to expire. The pipe also carries other requests
//! (crate::control, which reads it).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct WriteDeadline {
    /// False: no arbiter, changes are never refused for time.
    bounded: bool,
    /// CLOCK_BOOTTIME nanoseconds before which changes are allowed (0: closed).
    until: AtomicU64,
    /// A refusal was said since the window last opened (said once per closing).
    said: AtomicBool,
}

impl WriteDeadline {
    pub fn unbounded() -> WriteDeadline {
        WriteDeadline {
            bounded: false,
            until: AtomicU64::new(0),
            said: AtomicBool::new(false),
        }
    }

    /// Under an arbiter: closed until the first deadline arrives.
    pub fn closed() -> WriteDeadline {
        WriteDeadline {
            bounded: true,
            ..WriteDeadline::unbounded()
        }
    }

    /// Whether a change may be made at `boot_now` (CLOCK_BOOTTIME ns).
    pub fn allows_at(&self, boot_now: u64) -> bool {
        !self.bounded || boot_now < self.until.load(Ordering::SeqCst)
    }

    /// Whether a change may be made now; says once why not.
    pub fn allows_now(&self) -> bool {
        if self.allows_at(clock_ns(libc::CLOCK_BOOTTIME)) {
            return true;
        }
        if !self.said.swap(true, Ordering::SeqCst) {
            say!("keel-rfsd: the write deadline has passed: changes are refused (EROFS)");
        }
        false
    }

    /// Sets the deadline from a CLOCK_MONOTONIC time, read against both clocks now.
    pub fn set_monotonic(&self, deadline: u64) {
        // BOOTTIME first: the later MONOTONIC reading makes the converted deadline earlier, never later.
        let boot_now = clock_ns(libc::CLOCK_BOOTTIME);
        let mono_now = clock_ns(libc::CLOCK_MONOTONIC);
        self.set_boot(to_boottime(deadline, mono_now, boot_now), boot_now);
    }

    fn set_boot(&self, until: u64, boot_now: u64) {
        self.until.store(until, Ordering::SeqCst);
        if until > boot_now {
            self.said.store(false, Ordering::SeqCst);
        }
    }

    /// Closes the window at once.
    pub fn close(&self) {
        self.until.store(0, Ordering::SeqCst);
    }
}

/// A CLOCK_MONOTONIC deadline as a CLOCK_BOOTTIME one, given both clocks' readings now (0 when
/// already passed).
pub fn to_boottime(deadline: u64, mono_now: u64, boot_now: u64) -> u64 {
    match deadline.checked_sub(mono_now) {
        Some(left) if left > 0 => boot_now.saturating_add(left),
        _ => 0,
    }
}

/// `deadline <ns>` (surrounding blanks allowed) → the time in CLOCK_MONOTONIC nanoseconds.
pub fn parse_line(line: &str) -> Result<u64, String> {
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("deadline"), Some(ns), None) => ns
            .parse::<u64>()
            .map_err(|_| format!("the deadline must be a number of nanoseconds, not '{ns}'")),
        _ => Err(format!(
            "expected 'deadline <monotonic ns>', not '{}'",
            line.chars().take(80).collect::<String>()
        )),
    }
}

pub fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    #[test]
    fn without_an_arbiter_nothing_is_refused() {
        assert!(WriteDeadline::unbounded().allows_at(u64::MAX));
    }

    #[test]
    fn under_an_arbiter_it_starts_closed_and_opens_until_the_deadline_only() {
        let d = WriteDeadline::closed();
        assert!(!d.allows_at(0));
        assert!(!d.allows_at(100 * S));
        d.set_boot(110 * S, 100 * S);
        assert!(d.allows_at(100 * S));
        assert!(d.allows_at(110 * S - 1));
        assert!(!d.allows_at(110 * S));
        // A later line may also bring the deadline back.
        d.set_boot(105 * S, 101 * S);
        assert!(!d.allows_at(105 * S));
        d.close();
        assert!(!d.allows_at(101 * S));
    }

    #[test]
    fn a_deadline_keeps_its_distance_from_now_on_the_clock_that_counts_suspends() {
        // Booted 1000 s ago, 40 s of it suspended: MONOTONIC reads 960 s.
        let (mono_now, boot_now) = (960 * S, 1000 * S);
        assert_eq!(to_boottime(968 * S, mono_now, boot_now), 1008 * S);
        let d = WriteDeadline::closed();
        d.set_boot(to_boottime(968 * S, mono_now, boot_now), boot_now);
        // 5 s later, awake: allowed. Suspended 60 s more: MONOTONIC would still say 965 s, but
        // BOOTTIME says 1065 s, and the deadline is long past.
        assert!(d.allows_at(1005 * S));
        assert!(!d.allows_at(1065 * S));
    }

    #[test]
    fn a_deadline_already_passed_closes() {
        assert_eq!(to_boottime(5 * S, 6 * S, 100 * S), 0);
        assert_eq!(to_boottime(6 * S, 6 * S, 100 * S), 0);
    }

    #[test]
    fn the_clocks_read_as_the_conversion_expects() {
        let boot = clock_ns(libc::CLOCK_BOOTTIME);
        let mono = clock_ns(libc::CLOCK_MONOTONIC);
        assert!(boot > 0 && mono > 0);
        let d = WriteDeadline::closed();
        d.set_monotonic(mono + 3600 * S);
        assert!(d.allows_now());
        d.set_monotonic(mono);
        assert!(!d.allows_now());
    }

    #[test]
    fn reads_deadline_lines_and_nothing_else() {
        assert_eq!(parse_line("deadline 51131499000000"), Ok(51_131_499_000_000));
        assert_eq!(parse_line("  deadline 0 \r"), Ok(0));
        assert!(parse_line("deadline").unwrap_err().contains("expected"));
        assert!(parse_line("deadline -5").unwrap_err().contains("'-5'"));
        assert!(parse_line("deadline 1 2").is_err());
        assert!(parse_line("extend 10").is_err());
    }
}
