//! A farm leader's answers for its virtual IPs, on the wire: a thread reads the ARP requests and
//! neighbour solicitations reaching one interface and answers those for the VIPs with the
//! virtual MAC, from the node's own MAC ([`frames::Answerer`], decision 0017).

mod socket;

use crate::{address, frames, mac, packet, VipError};
use std::net::IpAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Room for any frame the filter lets through; a longer one is cut, and then fails its checks.
const FRAME_BUFFER: usize = 9216;
/// Frames read in a row before polling again, so that a flood does not delay a stop.
const BATCH: usize = 64;
/// The wait after poll itself failed (out of memory), before trying again.
const BACKOFF: Duration = Duration::from_millis(10);

/// What the responder has done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponderCounts {
    /// Replies sent.
    pub answered: u64,
    /// Replies the kernel refused to send (the interface down, its queue full).
    pub send_failures: u64,
    /// Errors reading or waiting for frames (the interface went down, no memory).
    pub receive_failures: u64,
}

#[derive(Default)]
struct Counters {
    answered: AtomicU64,
    send_failures: AtomicU64,
    receive_failures: AtomicU64,
}

/// The answering thread for some virtual IPs on one interface, until [`Responder::stop`] or
/// drop. It sends nothing else: the gratuitous announcements of a new leader are
/// [`crate::announce_as`]'s.
pub struct Responder {
    /// Readable once the thread is to end: the thread polls it beside the socket.
    wake: OwnedFd,
    thread: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
}

impl Responder {
    /// Starts answering, on `ifname` (in the calling thread's network namespace), the ARP
    /// requests and neighbour solicitations for `addrs` with `vmac`, from `ifname`'s own MAC.
    ///
    /// Refused: an address that cannot be a virtual IP (BAD_ADDRESS); a `vmac` that is a group
    /// or zero MAC, or `ifname`'s own MAC (BAD_ADDRESS: a switch would learn it at this node and
    /// stop flooding frames for it to the others); an interface that does not exist
    /// (NO_INTERFACE) or carries no Ethernet (IO); no CAP_NET_RAW (PERMISSION).
    pub fn start(ifname: &str, addrs: Vec<IpAddr>, vmac: [u8; 6]) -> Result<Responder, VipError> {
        for a in &addrs {
            address::check_unicast(*a)?;
        }
        mac::check_station_mac(vmac)?;
        let own = packet::interface_mac(ifname)?;
        mac::check_virtual_mac(ifname, own, vmac)?;
        let answerer = frames::Answerer::new(own, vmac, &addrs);
        let sock = socket::listening(ifname, answerer.ipv6())?;
        let wake = event_fd(ifname)?;
        let wake_rx = wake
            .try_clone()
            .map_err(|e| io_error(ifname, "duplicating the responder's wake-up descriptor", e))?;
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let thread = std::thread::Builder::new()
            .name("keel-responder".into())
            .spawn(move || answer(&sock, &wake_rx, &answerer, &c))
            .map_err(|e| io_error(ifname, "starting the responder thread", e))?;
        Ok(Responder {
            wake,
            thread: Some(thread),
            counters,
        })
    }

    /// Replies sent so far.
    pub fn answered(&self) -> u64 {
        self.counters.answered.load(Ordering::Relaxed)
    }

    pub fn counts(&self) -> ResponderCounts {
        ResponderCounts {
            answered: self.answered(),
            send_failures: self.counters.send_failures.load(Ordering::Relaxed),
            receive_failures: self.counters.receive_failures.load(Ordering::Relaxed),
        }
    }

    /// Stops answering: when this returns, the thread has ended and its socket is closed. A
    /// second call does nothing.
    pub fn stop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        let one = 1u64.to_ne_bytes();
        // Only fails if the counter would overflow, which one write cannot make it do.
        let _ = unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), one.len()) };
        let _ = thread.join();
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop();
    }
}

fn io_error(ifname: &str, action: &str, e: std::io::Error) -> VipError {
    VipError::Io {
        action: format!("{action} for {ifname}"),
        reason: e.to_string(),
    }
}

fn event_fd(ifname: &str) -> Result<OwnedFd, VipError> {
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if fd < 0 {
        return Err(VipError::last_os(format!(
            "creating the responder's wake-up for {ifname}"
        )));
    }
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The thread: answers until `wake` is readable. Nothing in it panics or prints; failures are
/// counted and the loop goes on, as the next request may well be answered.
fn answer(sock: &OwnedFd, wake: &OwnedFd, answerer: &frames::Answerer, counters: &Counters) {
    let mut buf = vec![0u8; FRAME_BUFFER];
    loop {
        let mut fds = [
            libc::pollfd {
                fd: sock.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: wake.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        if unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) } < 0 {
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                counters.receive_failures.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(BACKOFF);
            }
            continue;
        }
        if fds[1].revents != 0 {
            return;
        }
        if fds[0].revents == 0 {
            continue;
        }
        for _ in 0..BATCH {
            let (n, pkttype) = match packet::receive(sock, &mut buf) {
                Ok(got) => got,
                Err(e) => {
                    match e.kind() {
                        std::io::ErrorKind::WouldBlock => {}
                        std::io::ErrorKind::Interrupted => continue,
                        // A pending socket error (ENETDOWN): read, and so cleared.
                        _ => {
                            counters.receive_failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    break;
                }
            };
            if pkttype == packet::PACKET_OUTGOING {
                continue;
            }
            let Some(reply) = answerer.reply(&buf[..n]) else {
                continue;
            };
            // Never blocks: a full queue is a failed reply, counted, rather than a stalled thread.
            let sent = unsafe {
                libc::send(
                    sock.as_raw_fd(),
                    reply.as_ptr().cast(),
                    reply.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            let counter = if sent < 0 {
                &counters.send_failures
            } else {
                &counters.answered
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}
