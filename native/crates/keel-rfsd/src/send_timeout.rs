//! Why a send on the link failed, in words admin can act on (docs/decisions/0009, "Degraded"):
//! a write that the kernel could not hand to the secondary within the link timeout (SO_SNDTIMEO:
//! EAGAIN) is SafeKit's `sendtimeout` expiry, which makes the primary go on degraded; any other
//! error is the link breaking.

use std::io;

/// The phrase admin recognises in a primary's `link-lost` reason (with the acknowledgment's own,
/// "did not acknowledge within").
pub const SEND_TIMEOUT: &str = "the secondary did not take the data within the link timeout";

pub fn send_failure(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => format!("{SEND_TIMEOUT} ({e})"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_that_timed_out_says_so_and_others_keep_their_words() {
        let eagain = io::Error::from_raw_os_error(libc::EAGAIN);
        assert!(send_failure(&eagain).starts_with(SEND_TIMEOUT));
        assert!(send_failure(&io::Error::from(io::ErrorKind::TimedOut)).starts_with(SEND_TIMEOUT));
        let reset = io::Error::from_raw_os_error(libc::ECONNRESET);
        assert_eq!(send_failure(&reset), reset.to_string());
    }
}
