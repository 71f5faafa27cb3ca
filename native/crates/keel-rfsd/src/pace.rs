//! `<rfs reiallowedbw>` (SafeKit guide §5.7.3): the most a reintegration may send, in KB/s.
//! Pure: the caller says when it sent how much; the pace says how long to wait before the next.
//! A walk that spent time comparing files gains no credit to burst with afterwards: the average
//! over any stretch of copying stays at or under the rate.

use std::time::Duration;

pub struct Pace {
    bytes_per_sec: u64,
    /// When the bytes sent so far are paid for (time since the pace began).
    paid_at: Duration,
}

impl Pace {
    /// `kbytes_per_sec`: SafeKit's unit, KB/s of 1024 bytes.
    pub fn new(kbytes_per_sec: u64) -> Pace {
        Pace {
            bytes_per_sec: kbytes_per_sec.max(1) * 1024,
            paid_at: Duration::ZERO,
        }
    }

    /// `bytes` were sent at `now` (time since the pace began): how long to wait before sending more.
    pub fn sent(&mut self, bytes: u64, now: Duration) -> Duration {
        let cost = Duration::from_secs_f64(bytes as f64 / self.bytes_per_sec as f64);
        self.paid_at = self.paid_at.max(now) + cost;
        self.paid_at - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn a_steady_sender_waits_what_each_chunk_costs() {
        let mut p = Pace::new(1024); // 1 MiB/s
        assert_eq!(p.sent(MIB, Duration::ZERO), Duration::from_secs(1));
        assert_eq!(p.sent(MIB, Duration::from_secs(1)), Duration::from_secs(1));
    }

    #[test]
    fn a_sender_that_did_not_wait_waits_the_rest() {
        let mut p = Pace::new(1024);
        p.sent(MIB, Duration::ZERO);
        // Came back after 0.25 s: 1.75 s to go for the two chunks sent.
        assert_eq!(
            p.sent(MIB, Duration::from_millis(250)),
            Duration::from_millis(1750)
        );
    }

    #[test]
    fn idle_time_gives_no_credit_for_a_burst() {
        let mut p = Pace::new(1024);
        p.sent(MIB, Duration::ZERO);
        // Ten seconds of comparing files, then a chunk: it costs its full second again.
        assert_eq!(p.sent(MIB, Duration::from_secs(10)), Duration::from_secs(1));
    }

    #[test]
    fn over_many_chunks_the_average_is_the_rate() {
        let mut p = Pace::new(300);
        let mut now = Duration::ZERO;
        for _ in 0..1000 {
            now += p.sent(64 << 10, now);
        }
        let rate = (1000 * (64 << 10)) as f64 / now.as_secs_f64();
        assert!((rate - 300.0 * 1024.0).abs() < 1.0, "rate {rate}");
    }
}
