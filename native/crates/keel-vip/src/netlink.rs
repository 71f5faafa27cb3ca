//! The node's addresses through rtnetlink, in the calling thread's network namespace. The
//! messages are built and read in [`message`] (pure); this file only moves them.
//!
//! keel marks the addresses it places with IFA_PROTO = [`KEEL_ADDR_PROTO`], so that removing
//! "keel's addresses" never takes one keel did not place. The `ip` of current distributions
//! (iproute2 6.1) cannot set that attribute, hence netlink here. The mark needs Linux 5.18 or
//! later: older kernels drop it, so [`add_address`] checks that it stuck, and takes back an
//! address without it.
//!
//! Each request has a socket of its own and a sequence number of its own; only the kernel's
//! answers (sender port 0) carrying that number count, and the kernel has [`ANSWER_TIMEOUT`] to
//! give them.

mod message;

use crate::{address, interface, VipError};
pub use message::KEEL_ADDR_PROTO;
use message::{Listed, Message, Reply};
use std::net::IpAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// An address of the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub ifindex: u32,
    pub ifname: String,
    pub addr: IpAddr,
    pub prefix: u8,
    /// Placed by keel (carries [`KEEL_ADDR_PROTO`]).
    pub keel: bool,
}

/// Each request has its own socket and its own sequence number: a reply carrying another is
/// none of its (a late answer to an earlier request, or someone else's message).
fn next_seq() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// How long the kernel may take to answer before the caller is told so, rather than kept waiting
/// (each wait for a datagram; and all the datagrams that are not the answer, together).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
/// A dump that the kernel marks as interrupted (addresses changed meanwhile) is redone; after
/// this many the node's addresses are changing too fast to list.
const DUMP_ATTEMPTS: usize = 5;

/// Every address of every interface, both families.
pub fn list_addresses() -> Result<Vec<Address>, VipError> {
    Ok(dump()?.into_iter().filter_map(named).collect())
}

/// Every address of every interface, by interface index.
fn dump() -> Result<Vec<Listed>, VipError> {
    let action = "listing the node's addresses";
    for _ in 0..DUMP_ATTEMPTS {
        let socket = Socket::open(action)?;
        let seq = next_seq();
        socket.send(&message::dump_request(seq), action)?;
        let mut dump = Dump::default();
        'dump: loop {
            for m in socket.receive(seq, action)? {
                if dump.take(m, action)? {
                    break 'dump;
                }
            }
        }
        if !dump.interrupted {
            return Ok(dump.listed);
        }
    }
    Err(VipError::Io {
        action: action.into(),
        reason: format!("the addresses changed during each of {DUMP_ATTEMPTS} attempts"),
    })
}

/// A dump's replies so far.
#[derive(Debug, Default)]
struct Dump {
    listed: Vec<Listed>,
    /// The kernel said the addresses changed meanwhile: the dump must be redone.
    interrupted: bool,
}

impl Dump {
    /// Takes one reply to the dump (its sequence number checked already); true at its end.
    fn take(&mut self, m: Message, action: &str) -> Result<bool, VipError> {
        self.interrupted |= m.interrupted;
        match m.reply {
            Reply::Address(a) => self.listed.push(a),
            Reply::Done(0) => return Ok(true),
            Reply::Done(errno) | Reply::Status(errno) if errno != 0 => {
                return Err(VipError::from_errno(errno, action))
            }
            _ => {}
        }
        Ok(false)
    }
}

/// The address with its interface's name; None if the interface went away meanwhile (its
/// addresses with it).
fn named(a: Listed) -> Option<Address> {
    Some(Address {
        ifname: interface::name(a.ifindex)?,
        ifindex: a.ifindex,
        addr: a.addr,
        prefix: a.prefix,
        keel: a.proto == Some(KEEL_ADDR_PROTO),
    })
}

/// Places `addr/prefix` on `ifname`, marked as keel's; an IPv6 address is usable at once (no
/// duplicate address detection: [`crate::conflict`] is keel's own).
///
/// The mark is checked once placed: a kernel older than 5.18 accepts the request and drops
/// IFA_PROTO, leaving an address keel could never tell as its own. Such an address is removed
/// again and the error says so; nothing is left half-done.
pub fn add_address(ifname: &str, addr: IpAddr, prefix: u8) -> Result<(), VipError> {
    address::check(addr, prefix)?;
    let ifindex = interface::index(ifname)?;
    let action = format!("adding {addr}/{prefix} on {ifname}");
    let errno = request(&|seq| message::add_request(seq, ifindex, addr, prefix), &action)?;
    added(errno, ifname, addr, prefix, action.clone())?;
    let reason = match dump().map(|all| placed(&all, ifindex, addr, prefix)) {
        Ok(Placed::Marked) => return Ok(()),
        Ok(Placed::Missing) => {
            return Err(VipError::Io {
                action,
                reason: "the address was gone as soon as it was placed".into(),
            })
        }
        Ok(Placed::Unmarked) => UNMARKED.to_string(),
        Err(e) => format!("its marker could not be checked ({e})"),
    };
    // Placed by this very call (the request was exclusive): the address to take back.
    let reason = match remove_address_by_index(ifindex, addr, prefix) {
        Ok(_) => reason,
        Err(e) => format!("{reason}; it stays on {ifname}: {e}"),
    };
    Err(VipError::Io { action, reason })
}

/// The kernel's answer to an addition.
fn added(errno: i32, ifname: &str, addr: IpAddr, prefix: u8, action: String) -> Result<(), VipError> {
    match errno {
        0 => Ok(()),
        libc::EEXIST => Err(VipError::Exists {
            ifname: ifname.into(),
            addr,
            prefix,
        }),
        libc::ENODEV => Err(VipError::NoInterface {
            ifname: ifname.into(),
        }),
        // IPv6 is disabled on the interface (the kernel says EACCES; it is no lack of privilege).
        libc::EACCES if addr.is_ipv6() => Err(VipError::Io {
            action,
            reason: "IPv6 is disabled on this interface".into(),
        }),
        libc::EINVAL => Err(VipError::BadAddress {
            addr: format!("{addr}/{prefix}"),
            reason: format!("the kernel refuses it on {ifname} (Invalid argument)"),
        }),
        errno => Err(VipError::from_errno(errno, action)),
    }
}

/// What a kernel that drops IFA_PROTO makes [`add_address`] say.
const UNMARKED: &str = "this kernel does not keep keel's address marker (Linux 5.18 or later is needed)";

/// What became of an address just placed, as a dump shows it.
#[derive(Debug, PartialEq, Eq)]
enum Placed {
    /// There, with keel's marker.
    Marked,
    /// There, without it: the kernel dropped IFA_PROTO.
    Unmarked,
    /// Not there (removed meanwhile).
    Missing,
}

fn placed(all: &[Listed], ifindex: u32, addr: IpAddr, prefix: u8) -> Placed {
    match all
        .iter()
        .find(|a| a.ifindex == ifindex && a.addr == addr && a.prefix == prefix)
    {
        Some(a) if a.proto == Some(KEEL_ADDR_PROTO) => Placed::Marked,
        Some(_) => Placed::Unmarked,
        None => Placed::Missing,
    }
}

/// Removes `addr/prefix` from `ifname`, whoever placed it; false if it was not there. The
/// kernel's rule for IPv4: removing the first address of a subnet on an interface also removes
/// that subnet's later ones, unless `net.ipv4.conf.<if>.promote_secondaries` is 1 (as systemd
/// sets it).
pub fn remove_address(ifname: &str, addr: IpAddr, prefix: u8) -> Result<bool, VipError> {
    address::check(addr, prefix)?;
    let ifindex = interface::index(ifname)?;
    let action = format!("removing {addr}/{prefix} from {ifname}");
    match remove(ifindex, addr, prefix, &action)? {
        Some(there) => Ok(there),
        None => Err(VipError::NoInterface {
            ifname: ifname.into(),
        }),
    }
}

/// Removes `addr/prefix` from the interface of index `ifindex` (as [`list_addresses`] gives it),
/// whoever placed it; false if it was not there, or that interface is gone (its addresses with
/// it). By index, an interface renamed since the listing is still the one meant, and another
/// that took its name is not touched. Otherwise as [`remove_address`].
pub fn remove_address_by_index(ifindex: u32, addr: IpAddr, prefix: u8) -> Result<bool, VipError> {
    address::check(addr, prefix)?;
    let action = format!("removing {addr}/{prefix} from interface #{ifindex}");
    Ok(remove(ifindex, addr, prefix, &action)?.unwrap_or(false))
}

/// Whether the address was there; None: no such interface.
fn remove(ifindex: u32, addr: IpAddr, prefix: u8, action: &str) -> Result<Option<bool>, VipError> {
    match request(&|seq| message::remove_request(seq, ifindex, addr, prefix), action)? {
        0 => Ok(Some(true)),
        // Not there; ENXIO: the interface has no IPv6 at all, so not there either.
        libc::EADDRNOTAVAIL | libc::ENXIO => Ok(Some(false)),
        libc::ENODEV => Ok(None),
        errno => Err(VipError::from_errno(errno, action)),
    }
}

/// Sends one request, written for its sequence number; its errno (0: done).
fn request(msg: &dyn Fn(u32) -> Vec<u8>, action: &str) -> Result<i32, VipError> {
    let socket = Socket::open(action)?;
    let seq = next_seq();
    socket.send(&msg(seq), action)?;
    loop {
        for m in socket.receive(seq, action)? {
            if let Reply::Status(errno) = m.reply {
                return Ok(errno);
            }
        }
    }
}

/// The messages of a datagram from the kernel that answer request `seq`.
fn answers(seq: u32, messages: Vec<Message>) -> Vec<Message> {
    messages.into_iter().filter(|m| m.seq == seq).collect()
}

/// Sent by the kernel (port 0): any process may send to this socket's port.
fn from_kernel(sender: &libc::sockaddr_nl) -> bool {
    i32::from(sender.nl_family) == libc::AF_NETLINK && sender.nl_pid == 0
}

/// A failed receive: a timeout says what it is.
fn receive_error(errno: i32, action: &str) -> VipError {
    match errno {
        libc::EAGAIN | libc::ETIMEDOUT => VipError::Io {
            action: action.into(),
            reason: format!(
                "the kernel did not answer within {} s (is its rtnetlink lock held by a stuck task?)",
                ANSWER_TIMEOUT.as_secs()
            ),
        },
        errno => VipError::from_errno(errno, action),
    }
}

struct Socket {
    fd: OwnedFd,
    /// Past it, datagrams that are not the answer end the wait as a timeout does.
    deadline: Instant,
}

/// Larger than any datagram the kernel sends (a dump's are at most 32 KiB).
const RECEIVE_BUFFER: usize = 64 * 1024;

impl Socket {
    fn open(action: &str) -> Result<Socket, VipError> {
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_ROUTE,
            )
        };
        if fd < 0 {
            return Err(VipError::last_os(format!("{action}: netlink socket")));
        }
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // A receive waits this long at most. (The send itself runs the request in the kernel,
        // under its rtnetlink lock: no timeout applies to that wait.)
        let timeout = libc::timeval {
            tv_sec: ANSWER_TIMEOUT.as_secs() as libc::time_t,
            tv_usec: 0,
        };
        let set = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&timeout as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        if set < 0 {
            return Err(VipError::last_os(format!("{action}: netlink socket timeout")));
        }
        Ok(Socket {
            fd,
            deadline: Instant::now() + ANSWER_TIMEOUT,
        })
    }

    fn send(&self, msg: &[u8], action: &str) -> Result<(), VipError> {
        // To the kernel: port 0, no groups.
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        let sent = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                msg.as_ptr().cast(),
                msg.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if sent < 0 {
            return Err(VipError::last_os(action));
        }
        Ok(())
    }

    /// The messages of the next datagram from the kernel that has answers to request `seq`;
    /// datagrams from anyone else, and messages with another sequence number, are passed over.
    fn receive(&self, seq: u32, action: &str) -> Result<Vec<Message>, VipError> {
        let mut buf = vec![0u8; RECEIVE_BUFFER];
        loop {
            let (n, sender) = self.receive_one(&mut buf, action)?;
            if from_kernel(&sender) {
                if n > buf.len() {
                    return Err(VipError::Io {
                        action: action.into(),
                        reason: format!("an answer of {n} bytes, more than {}", buf.len()),
                    });
                }
                let messages = message::parse(&buf[..n]).map_err(|why| VipError::Io {
                    action: action.into(),
                    reason: format!("the kernel's answer is malformed: {why}"),
                })?;
                let ours = answers(seq, messages);
                if !ours.is_empty() {
                    return Ok(ours);
                }
            }
            // Nothing for this request: a flood of those must not keep the caller for ever.
            if Instant::now() > self.deadline {
                return Err(receive_error(libc::ETIMEDOUT, action));
            }
        }
    }

    /// One datagram into `buf`: its length (larger than `buf` if it was cut) and sender.
    fn receive_one(&self, buf: &mut [u8], action: &str) -> Result<(usize, libc::sockaddr_nl), VipError> {
        loop {
            let mut sender: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
            let mut len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            // MSG_TRUNC: the datagram's real length, to tell a cut one.
            let n = unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_TRUNC,
                    (&mut sender as *mut libc::sockaddr_nl).cast(),
                    &mut len,
                )
            };
            if n >= 0 {
                return Ok((n as usize, sender));
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(receive_error(err.raw_os_error().unwrap_or(0), action));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(ifindex: u32, addr: &str, prefix: u8, proto: Option<u8>) -> Listed {
        Listed {
            ifindex,
            addr: addr.parse().unwrap(),
            prefix,
            proto,
        }
    }

    fn msg(seq: u32, reply: Reply) -> Message {
        Message {
            seq,
            interrupted: false,
            reply,
        }
    }

    fn sender(family: i32, pid: u32) -> libc::sockaddr_nl {
        let mut s: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        s.nl_family = family as libc::sa_family_t;
        s.nl_pid = pid;
        s
    }

    #[test]
    fn only_the_kernel_answers() {
        assert!(from_kernel(&sender(libc::AF_NETLINK, 0)));
        // Another process sending to this socket's port (its own port as sender).
        assert!(!from_kernel(&sender(libc::AF_NETLINK, 4242)));
        assert!(!from_kernel(&sender(libc::AF_UNSPEC, 0)));
    }

    #[test]
    fn only_replies_carrying_the_requests_sequence_number_are_its_answers() {
        let got = answers(
            7,
            vec![
                msg(6, Reply::Status(0)),
                msg(7, Reply::Status(libc::EEXIST)),
                msg(8, Reply::Done(0)),
            ],
        );
        assert_eq!(got, [msg(7, Reply::Status(libc::EEXIST))]);
        assert!(answers(7, vec![msg(1, Reply::Done(0))]).is_empty());
    }

    #[test]
    fn each_request_has_its_own_sequence_number() {
        let (a, b) = (next_seq(), next_seq());
        assert_ne!(a, b);
    }

    #[test]
    fn a_receive_that_times_out_says_so() {
        let e = receive_error(libc::EAGAIN, "listing the node's addresses");
        assert_eq!(e.code(), "IO");
        assert_eq!(
            e.to_string(),
            "listing the node's addresses: the kernel did not answer within 5 s (is its rtnetlink lock held by a stuck task?)"
        );
        assert_eq!(
            receive_error(libc::ETIMEDOUT, "x").to_string(),
            e.to_string().replace("listing the node's addresses", "x")
        );
        assert!(receive_error(libc::ENOBUFS, "x")
            .to_string()
            .contains("No buffer space"));
    }

    #[test]
    fn a_dump_gathers_addresses_until_its_end() {
        let mut d = Dump::default();
        let a = listed(2, "198.18.0.1", 24, Some(KEEL_ADDR_PROTO));
        assert!(!d.take(msg(3, Reply::Address(a.clone())), "x").unwrap());
        assert!(!d.take(msg(3, Reply::Other), "x").unwrap());
        let mut changed = msg(3, Reply::Address(listed(3, "2001:2::1", 64, None)));
        changed.interrupted = true;
        assert!(!d.take(changed, "x").unwrap());
        assert!(d.take(msg(3, Reply::Done(0)), "x").unwrap());
        assert_eq!(d.listed.len(), 2);
        assert_eq!(d.listed[0], a);
        assert!(d.interrupted);
    }

    #[test]
    fn a_dump_cut_short_is_an_error() {
        let e = Dump::default()
            .take(msg(3, Reply::Done(libc::ENOBUFS)), "listing")
            .unwrap_err();
        assert_eq!(e.code(), "IO");
        let e = Dump::default()
            .take(msg(3, Reply::Status(libc::EPERM)), "listing")
            .unwrap_err();
        assert_eq!(e.code(), "PERMISSION");
    }

    #[test]
    fn the_kernels_answers_to_an_addition_carry_their_codes() {
        let add = |errno, addr: &str| {
            added(errno, "eth0", addr.parse().unwrap(), 24, "adding".into()).map_err(|e| e.code())
        };
        assert_eq!(add(0, "198.18.0.1"), Ok(()));
        assert_eq!(add(libc::EEXIST, "198.18.0.1"), Err("EXISTS"));
        assert_eq!(add(libc::ENODEV, "198.18.0.1"), Err("NO_INTERFACE"));
        assert_eq!(add(libc::EACCES, "2001:2::1"), Err("IO"));
        assert_eq!(add(libc::EACCES, "198.18.0.1"), Err("PERMISSION"));
        assert_eq!(add(libc::EINVAL, "198.18.0.1"), Err("BAD_ADDRESS"));
        assert_eq!(add(libc::ENOMEM, "198.18.0.1"), Err("IO"));
    }

    #[test]
    fn an_address_just_placed_is_found_exactly_with_or_without_its_marker() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let all = [
            listed(2, "198.18.0.1", 24, None),
            listed(3, "198.18.0.1", 25, Some(KEEL_ADDR_PROTO)),
            listed(3, "198.18.0.1", 24, Some(KEEL_ADDR_PROTO)),
            listed(3, "2001:2::1", 64, Some(0x02)),
        ];
        assert_eq!(placed(&all, 3, ip("198.18.0.1"), 24), Placed::Marked);
        // The same address on another interface, or with another prefix, is not it.
        assert_eq!(placed(&all, 2, ip("198.18.0.1"), 24), Placed::Unmarked);
        assert_eq!(placed(&all, 2, ip("198.18.0.1"), 25), Placed::Missing);
        assert_eq!(placed(&all, 4, ip("198.18.0.1"), 24), Placed::Missing);
        // Another protocol's marker is not keel's.
        assert_eq!(placed(&all, 3, ip("2001:2::1"), 64), Placed::Unmarked);
        assert_eq!(
            UNMARKED,
            "this kernel does not keep keel's address marker (Linux 5.18 or later is needed)"
        );
    }
}
