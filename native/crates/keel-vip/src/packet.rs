//! Ethernet frames on one interface (AF_PACKET), in the calling thread's network namespace.

use crate::{frames, interface, VipError};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

/// sll_pkttype of a frame this host sends, seen by a packet socket as the others.
pub(crate) const PACKET_OUTGOING: u8 = 4;
/// Room for any frame a probe waits for (ARP and neighbour discovery are short; longer frames
/// are cut, which does not matter for reading their headers).
const FRAME_BUFFER: usize = 4096;

/// The interface's MAC; an error for an interface that does not carry Ethernet.
pub fn interface_mac(ifname: &str) -> Result<[u8; 6], VipError> {
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    req.ifr_name = interface::c_name(ifname)?;
    let fd = socket(libc::AF_INET, libc::SOCK_DGRAM, 0, ifname)?;
    if unsafe { libc::ioctl(fd.as_raw_fd(), libc::SIOCGIFHWADDR, &mut req) } < 0 {
        return Err(match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::ENODEV) => VipError::NoInterface {
                ifname: ifname.into(),
            },
            _ => VipError::last_os(format!("reading the MAC of {ifname}")),
        });
    }
    let hw = unsafe { req.ifr_ifru.ifru_hwaddr };
    if hw.sa_family != libc::ARPHRD_ETHER {
        return Err(VipError::Io {
            action: format!("reading the MAC of {ifname}"),
            reason: format!(
                "not an Ethernet interface (link type {}): no ARP or neighbour discovery on it",
                hw.sa_family
            ),
        });
    }
    let mut mac = [0u8; 6];
    for (to, from) in mac.iter_mut().zip(hw.sa_data) {
        *to = from as u8;
    }
    Ok(mac)
}

/// Sends one complete Ethernet frame (header included) out of `ifname`.
pub fn send_frame(ifname: &str, frame: &[u8]) -> Result<(), VipError> {
    // Protocol 0: this socket receives nothing.
    let fd = bound(ifname, 0)?;
    send(&fd, ifname, frame)
}

/// Sends `frame` and reads the frames of its ethertype on `ifname` until `claimant` finds one
/// that answers it (its MAC) or `timeout` has passed (None). The interface's own frames (sent,
/// or from its own MAC) are never an answer.
pub fn probe(
    ifname: &str,
    frame: &[u8],
    claimant: impl Fn(&[u8]) -> Option<[u8; 6]>,
    timeout: Duration,
) -> Result<Option<[u8; 6]>, VipError> {
    let own = interface_mac(ifname)?;
    let ethertype = frames::ethertype(frame).ok_or_else(|| short(ifname, frame))?;
    // Bound before the probe leaves, so that no answer comes before the socket listens.
    let fd = bound(ifname, ethertype)?;
    send(&fd, ifname, frame)?;
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0u8; FRAME_BUFFER];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        let mut p = libc::pollfd {
            fd: fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // Rounded up: a timeout below a millisecond still waits.
        let ms = left.as_millis().saturating_add(1).min(i32::MAX as u128) as i32;
        if unsafe { libc::poll(&mut p, 1, ms) } < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(VipError::last_os(format!("waiting for answers on {ifname}")));
        }
        if p.revents == 0 {
            continue;
        }
        let (n, pkttype) = match receive(&fd, &mut buf) {
            Ok(got) => got,
            Err(e) => match e.kind() {
                std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock => continue,
                _ => return Err(VipError::last_os(format!("reading frames on {ifname}"))),
            },
        };
        let got = &buf[..n];
        if pkttype == PACKET_OUTGOING || frames::source_mac(got) == Some(own) {
            continue;
        }
        if let Some(mac) = claimant(got) {
            return Ok(Some(mac));
        }
    }
}

/**
 * One frame from a packet socket without waiting: its length and packet type (PACKET_OUTGOING
 * for one this host sent), or the error of `recvfrom` (WouldBlock when none is queued).
 */
pub(crate) fn receive(fd: &impl AsRawFd, buf: &mut [u8]) -> std::io::Result<(usize, u8)> {
    let mut from: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    let mut from_len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: buf and from are valid for the lengths given; the kernel writes at most those.
    let n = unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT,
            (&mut from as *mut libc::sockaddr_ll).cast(),
            &mut from_len,
        )
    };
    if n < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((n as usize, from.sll_pkttype))
}

fn short(ifname: &str, frame: &[u8]) -> VipError {
    VipError::Io {
        action: format!("sending on {ifname}"),
        reason: format!("a frame of {} bytes has no Ethernet header", frame.len()),
    }
}

pub(crate) fn socket(
    domain: libc::c_int,
    kind: libc::c_int,
    protocol: libc::c_int,
    ifname: &str,
) -> Result<OwnedFd, VipError> {
    let fd = unsafe { libc::socket(domain, kind | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        return Err(VipError::last_os(format!("opening a socket for {ifname}")));
    }
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A packet socket on `ifname` alone, receiving frames of `ethertype` (0: none). It is opened
/// receiving nothing and bound after, or it would queue other interfaces' frames meanwhile.
fn bound(ifname: &str, ethertype: u16) -> Result<OwnedFd, VipError> {
    // First, so that a missing interface is told as such rather than as a socket's failure.
    interface::index(ifname)?;
    let fd = socket(libc::AF_PACKET, libc::SOCK_RAW, 0, ifname)?;
    bind_to(&fd, ifname, ethertype)?;
    Ok(fd)
}

/// Binds a packet socket to `ifname` alone, receiving frames of `ethertype` (0: none;
/// `ETH_P_ALL`: every frame); sends then go out of `ifname`. Its index.
pub(crate) fn bind_to(fd: &OwnedFd, ifname: &str, ethertype: u16) -> Result<u32, VipError> {
    let ifindex = interface::index(ifname)?;
    let mut at: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    at.sll_family = libc::AF_PACKET as u16;
    at.sll_protocol = ethertype.to_be();
    at.sll_ifindex = ifindex as i32;
    let r = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&at as *const libc::sockaddr_ll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::ENODEV) => VipError::NoInterface {
                ifname: ifname.into(),
            },
            _ => VipError::last_os(format!("binding a packet socket to {ifname}")),
        });
    }
    Ok(ifindex)
}

/// setsockopt with `value` as the option; its errno on failure.
pub(crate) fn set_option<T>(
    fd: &OwnedFd,
    level: libc::c_int,
    name: libc::c_int,
    value: &T,
) -> Result<(), i32> {
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
    }
    Ok(())
}

/// The request a packet socket's membership is asked with: of kind `mr_type`
/// (`PACKET_MR_MULTICAST`, `PACKET_MR_UNICAST`, `PACKET_MR_PROMISC`) on `ifindex`, for `mac`
/// (which the kernel ignores for promiscuity).
fn membership_request(ifindex: u32, mr_type: libc::c_int, mac: [u8; 6]) -> libc::packet_mreq {
    let mut mreq: libc::packet_mreq = unsafe { std::mem::zeroed() };
    mreq.mr_ifindex = ifindex as i32;
    mreq.mr_type = mr_type as u16;
    mreq.mr_alen = 6;
    mreq.mr_address[..6].copy_from_slice(&mac);
    mreq
}

/// Adds a membership of kind `mr_type` for `mac` on `ifindex` to the packet socket `fd`: the
/// kernel counts it against the device (its address lists, or its promiscuity) and takes it
/// back when the socket closes, also when the process dies. Its errno on failure.
pub(crate) fn add_membership(
    fd: &OwnedFd,
    ifindex: u32,
    mr_type: libc::c_int,
    mac: [u8; 6],
) -> Result<(), i32> {
    let mreq = membership_request(ifindex, mr_type, mac);
    set_option(fd, libc::SOL_PACKET, libc::PACKET_ADD_MEMBERSHIP, &mreq)
}

fn send(fd: &OwnedFd, ifname: &str, frame: &[u8]) -> Result<(), VipError> {
    if frames::ethertype(frame).is_none() {
        return Err(short(ifname, frame));
    }
    let sent = unsafe { libc::send(fd.as_raw_fd(), frame.as_ptr().cast(), frame.len(), 0) };
    if sent < 0 {
        return Err(VipError::last_os(format!("sending on {ifname}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_membership_request_names_the_device_kind_and_six_byte_address() {
        let mac = [0x02, 0x4b, 0x56, 0, 0, 9];
        let m = membership_request(7, libc::PACKET_MR_UNICAST, mac);
        assert_eq!(m.mr_ifindex, 7);
        assert_eq!(i32::from(m.mr_type), libc::PACKET_MR_UNICAST);
        assert_eq!(m.mr_alen, 6);
        // The kernel compares mr_alen bytes only; the rest stays zero.
        assert_eq!(m.mr_address, [0x02, 0x4b, 0x56, 0, 0, 9, 0, 0]);
    }
}
