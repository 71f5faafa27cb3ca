//! The responder's packet socket: every ARP frame and neighbour solicitation that reaches one
//! interface, and nothing else.

use crate::{frames, packet, VipError};
use std::net::Ipv6Addr;
use std::os::fd::OwnedFd;

// Classic BPF opcodes (linux/filter.h).
const LD_H_ABS: u16 = 0x28;
const LD_B_ABS: u16 = 0x30;
const JEQ_K: u16 = 0x15;
const RET_K: u16 = 0x06;

fn op(code: u16, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

/// Keeps ARP frames and ICMPv6 neighbour solicitations (next header 58 right after the IPv6
/// header, type 135), drops the rest in the kernel: the socket sees every frame of a farm's
/// interface, data included, and copying each to this process would cost more than answering.
fn filter() -> [libc::sock_filter; 9] {
    [
        op(LD_H_ABS, 0, 0, 12),      // 0: the ethertype
        op(JEQ_K, 5, 0, 0x0806),     // 1: ARP: keep (7)
        op(JEQ_K, 0, 5, 0x86dd),     // 2: not IPv6: drop (8)
        op(LD_B_ABS, 0, 0, 14 + 6),  // 3: IPv6 next header
        op(JEQ_K, 0, 3, 58),         // 4: not ICMPv6: drop (8)
        op(LD_B_ABS, 0, 0, 14 + 40), // 5: ICMPv6 type
        op(JEQ_K, 0, 1, 135),        // 6: not a solicitation: drop (8)
        op(RET_K, 0, 0, 0xffff),     // 7: keep, whole
        op(RET_K, 0, 0, 0),          // 8: drop
    ]
}

/// A packet socket on `ifname` receiving, through [`filter`], every frame that reaches it, and
/// the Ethernet groups where solicitations for `ipv6` arrive. Bound to every protocol rather
/// than to ARP and IPv6: such a socket sees a frame before the `netdev` ingress hook, which
/// would otherwise drop a unicast solicitation for the VIP hashed to another node's share
/// (decision 0017). The filter is attached before the bind, so that nothing unfiltered is
/// queued meanwhile. Non-blocking: the responder polls it.
pub fn listening(ifname: &str, ipv6: &[Ipv6Addr]) -> Result<OwnedFd, VipError> {
    crate::interface::index(ifname)?;
    let fd = packet::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_NONBLOCK, 0, ifname)?;
    let program = filter();
    let prog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_ptr().cast_mut(),
    };
    set(&fd, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &prog)
        .map_err(|e| VipError::from_errno(e, format!("filtering a packet socket for {ifname}")))?;
    let ifindex = packet::bind_to(&fd, ifname, libc::ETH_P_ALL as u16)?;
    // Its own replies would come back to it as outgoing frames; ignored as well when read, as
    // kernels before 4.20 do not know this option.
    let _ = set(&fd, libc::SOL_PACKET, libc::PACKET_IGNORE_OUTGOING, &1i32);
    for addr in ipv6 {
        join(&fd, ifindex, frames::solicited_node_mac(*addr)).map_err(|e| {
            VipError::from_errno(e, format!("listening for solicitations of {addr} on {ifname}"))
        })?;
    }
    Ok(fd)
}

/// Tells `ifindex`'s card to pass frames to `group` up (a card filters the groups nobody asked
/// for). The kernel joins a VIP's solicited-node group itself when the VIP is on the interface;
/// the responder does not rely on it. The membership ends with the socket.
fn join(fd: &OwnedFd, ifindex: u32, group: [u8; 6]) -> Result<(), i32> {
    packet::add_membership(fd, ifindex, libc::PACKET_MR_MULTICAST, group)
}

/// setsockopt; its errno on failure.
fn set<T>(fd: &OwnedFd, level: libc::c_int, name: libc::c_int, value: &T) -> Result<(), i32> {
    packet::set_option(fd, level, name, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter run by hand on a frame: what the kernel's interpreter does with these opcodes.
    fn keeps(frame: &[u8]) -> bool {
        let program = filter();
        let (mut pc, mut a) = (0usize, 0u32);
        loop {
            let i = program[pc];
            let at = i.k as usize;
            match i.code {
                LD_H_ABS => match frame.get(at..at + 2) {
                    Some(b) => a = u32::from(u16::from_be_bytes([b[0], b[1]])),
                    None => return false,
                },
                LD_B_ABS => match frame.get(at) {
                    Some(b) => a = u32::from(*b),
                    None => return false,
                },
                JEQ_K => {
                    pc += usize::from(if a == i.k { i.jt } else { i.jf });
                }
                RET_K => return i.k != 0,
                other => panic!("opcode {other:#x}"),
            }
            pc += 1;
        }
    }

    #[test]
    fn the_filter_keeps_arp_and_solicitations_only() {
        let mac = [2, 0x4b, 0, 0, 0, 1];
        let v4 = "198.18.0.1".parse().unwrap();
        let v6: Ipv6Addr = "2001:2::1".parse().unwrap();
        assert!(keeps(&frames::arp_probe(mac, v4)));
        assert!(keeps(&frames::gratuitous_arp(mac, v4)));
        assert!(keeps(&frames::ns_probe(mac, v6)));
        assert!(!keeps(&frames::unsolicited_na(mac, v6)));
        let mut ipv4 = frames::arp_probe(mac, v4);
        ipv4[12..14].copy_from_slice(&[0x08, 0x00]);
        assert!(!keeps(&ipv4));
        let mut udp6 = frames::ns_probe(mac, v6);
        udp6[20] = 17;
        assert!(!keeps(&udp6));
        assert!(!keeps(&[0; 10]));
    }
}
