//! The node's addresses through rtnetlink, in the calling thread's network namespace. The
//! messages are built and read in [`message`] (pure); this file only moves them.
//!
//! keel marks the addresses it places with IFA_PROTO = [`KEEL_ADDR_PROTO`], so that removing
//! "keel's addresses" never takes one keel did not place. The `ip` of current distributions
//! (iproute2 6.1) cannot set that attribute, hence netlink here. The mark needs Linux 5.18 or
//! later: older kernels drop it, and such an address is then not keel's to remove.

mod message;

use crate::{address, interface, VipError};
pub use message::KEEL_ADDR_PROTO;
use message::{Listed, Message, Reply};
use std::net::IpAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

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

/// Each request has its own socket, so one sequence number is enough to match the answer.
const SEQ: u32 = 1;
/// A dump that the kernel marks as interrupted (addresses changed meanwhile) is redone; after
/// this many the node's addresses are changing too fast to list.
const DUMP_ATTEMPTS: usize = 5;

/// Every address of every interface, both families.
pub fn list_addresses() -> Result<Vec<Address>, VipError> {
    let action = "listing the node's addresses";
    for _ in 0..DUMP_ATTEMPTS {
        let socket = Socket::open(action)?;
        socket.send(&message::dump_request(SEQ), action)?;
        let (mut listed, mut interrupted) = (Vec::new(), false);
        'dump: loop {
            for m in socket.receive(action)? {
                interrupted |= m.interrupted;
                match m.reply {
                    Reply::Address(a) => listed.push(a),
                    Reply::Done(0) => break 'dump,
                    Reply::Done(errno) | Reply::Status(errno) if errno != 0 => {
                        return Err(VipError::from_errno(errno, action))
                    }
                    _ => {}
                }
            }
        }
        if !interrupted {
            return Ok(listed.into_iter().filter_map(named).collect());
        }
    }
    Err(VipError::Io {
        action: action.into(),
        reason: format!("the addresses changed during each of {DUMP_ATTEMPTS} attempts"),
    })
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
pub fn add_address(ifname: &str, addr: IpAddr, prefix: u8) -> Result<(), VipError> {
    address::check(addr, prefix)?;
    let ifindex = interface::index(ifname)?;
    let action = format!("adding {addr}/{prefix} on {ifname}");
    match request(&message::add_request(SEQ, ifindex, addr, prefix), &action)? {
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

/// Removes `addr/prefix` from `ifname`, whoever placed it; false if it was not there. The
/// kernel's rule for IPv4: removing the first address of a subnet on an interface also removes
/// that subnet's later ones, unless `net.ipv4.conf.<if>.promote_secondaries` is 1 (as systemd
/// sets it).
pub fn remove_address(ifname: &str, addr: IpAddr, prefix: u8) -> Result<bool, VipError> {
    address::check(addr, prefix)?;
    let ifindex = interface::index(ifname)?;
    let action = format!("removing {addr}/{prefix} from {ifname}");
    match request(&message::remove_request(SEQ, ifindex, addr, prefix), &action)? {
        0 => Ok(true),
        // Not there; ENXIO: the interface has no IPv6 at all, so not there either.
        libc::EADDRNOTAVAIL | libc::ENXIO => Ok(false),
        libc::ENODEV => Err(VipError::NoInterface {
            ifname: ifname.into(),
        }),
        errno => Err(VipError::from_errno(errno, action)),
    }
}

/// Sends one request; its errno (0: done).
fn request(msg: &[u8], action: &str) -> Result<i32, VipError> {
    let socket = Socket::open(action)?;
    socket.send(msg, action)?;
    loop {
        for m in socket.receive(action)? {
            if let Message {
                seq: SEQ,
                reply: Reply::Status(errno),
                ..
            } = m
            {
                return Ok(errno);
            }
        }
    }
}

struct Socket(OwnedFd);

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
        Ok(Socket(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    fn send(&self, msg: &[u8], action: &str) -> Result<(), VipError> {
        // To the kernel: port 0, no groups.
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        let sent = unsafe {
            libc::sendto(
                self.0.as_raw_fd(),
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

    fn receive(&self, action: &str) -> Result<Vec<Message>, VipError> {
        let mut buf = vec![0u8; RECEIVE_BUFFER];
        let n = loop {
            // MSG_TRUNC: the datagram's real length, to tell a cut one.
            let n = unsafe {
                libc::recv(
                    self.0.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_TRUNC,
                )
            };
            if n >= 0 {
                break n as usize;
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return Err(VipError::last_os(action));
            }
        };
        if n > buf.len() {
            return Err(VipError::Io {
                action: action.into(),
                reason: format!("an answer of {n} bytes, more than {}", buf.len()),
            });
        }
        message::parse(&buf[..n]).map_err(|why| VipError::Io {
            action: action.into(),
            reason: format!("the kernel's answer is malformed: {why}"),
        })
    }
}
