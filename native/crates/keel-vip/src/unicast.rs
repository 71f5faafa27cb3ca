//! A farm's virtual MAC kept received by the network card (decision 0017). Frames to that MAC
//! reach every node only because no node sends from it, so the switch floods them; but a card
//! drops, in its unicast filter, the frames whose destination is not its own MAC, before the
//! `netdev` ingress hook that keeps this node's share (decision 0018) ever sees them. A packet
//! socket's membership asks the kernel to let the virtual MAC through for as long as it is open.

use crate::{interface, mac, packet, VipError};
use std::os::fd::OwnedFd;

/// Which membership holds the virtual MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// The MAC is in the card's unicast address list (`PACKET_MR_UNICAST`). A card that cannot
    /// filter unicast addresses (no `IFF_UNICAST_FLT`: veth, bridge) is then made promiscuous
    /// by the kernel itself, for as long as its list is not empty; still this kind.
    Unicast,
    /// The kernel refused the address, so the card is promiscuous (`PACKET_MR_PROMISC`): it
    /// passes every frame up, the virtual MAC's among them. Counted, like the other holders of
    /// the card's promiscuity (tcpdump), and ended with the socket.
    Promiscuous,
}

impl Held {
    /// `unicast` or `promiscuous`: how the binding and logs name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Held::Unicast => "unicast",
            Held::Promiscuous => "promiscuous",
        }
    }

    fn mr_type(self) -> libc::c_int {
        match self {
            Held::Unicast => libc::PACKET_MR_UNICAST,
            Held::Promiscuous => libc::PACKET_MR_PROMISC,
        }
    }
}

/// The kinds tried, in order: the address alone first, as promiscuity passes every frame of the
/// link up to this node's stack (and costs it their handling).
const PREFERENCE: [Held; 2] = [Held::Unicast, Held::Promiscuous];

/// Whether the kernel's refusal of one kind of membership is a reason to try the next one: it
/// does not take this kind on this device (EINVAL: an address of another length than the
/// device's; EOPNOTSUPP). Anything else (no privilege, no memory, the device gone) would fail
/// the next kind as well, and is told as it is.
fn try_next(errno: i32) -> bool {
    errno == libc::EINVAL || errno == libc::EOPNOTSUPP
}

/// A virtual MAC kept received by one interface's card, until dropped. It holds a packet
/// socket that receives nothing (opened with protocol 0 and never bound) and carries the
/// membership; the kernel takes the membership back when the socket closes: on drop, and also
/// when the process dies, so that a crashed node leaves no address in its card. The socket is
/// close-on-exec: a script keel starts does not keep the membership alive after it is released.
///
/// Memberships are counted by the kernel: two holders of the same MAC on the same card (two
/// farm modules, or a module and a restart of it) each release only their own.
///
/// The kernel also drops it when the interface is removed; one created again with the same name
/// does not get it back: the holder must join again.
#[derive(Debug)]
pub struct UnicastMembership {
    _socket: OwnedFd,
    kind: Held,
}

impl UnicastMembership {
    /// Keeps frames to `mac` received by `ifname`'s card (in the calling thread's network
    /// namespace): in its unicast filter, or by making it promiscuous if the kernel refuses
    /// the address ([`UnicastMembership::kind`] tells which).
    ///
    /// Refused: a group or zero `mac`, or `ifname`'s own MAC (BAD_ADDRESS: a virtual MAC is one
    /// no node sends from, and the card receives its own already); an interface that does not
    /// exist (NO_INTERFACE) or carries no Ethernet (IO); no CAP_NET_RAW (PERMISSION).
    pub fn join(ifname: &str, mac: [u8; 6]) -> Result<UnicastMembership, VipError> {
        Self::join_as(ifname, mac, &PREFERENCE)
    }

    /// As [`UnicastMembership::join`], trying the kinds of `kinds` in order.
    fn join_as(ifname: &str, vmac: [u8; 6], kinds: &[Held]) -> Result<UnicastMembership, VipError> {
        // Before any socket: a bad MAC is refused without touching the node.
        mac::check_station_mac(vmac)?;
        let own = packet::interface_mac(ifname)?;
        mac::check_virtual_mac(ifname, own, vmac)?;
        let ifindex = interface::index(ifname)?;
        // Protocol 0: no frame is ever queued on it, so holding it costs nothing per frame.
        let socket = packet::socket(libc::AF_PACKET, libc::SOCK_RAW, 0, ifname)?;
        let mut last = libc::EINVAL;
        for &kind in kinds {
            match packet::add_membership(&socket, ifindex, kind.mr_type(), vmac) {
                Ok(()) => {
                    return Ok(UnicastMembership {
                        _socket: socket,
                        kind,
                    })
                }
                Err(errno) if try_next(errno) => last = errno,
                Err(errno) => return Err(refused(ifname, vmac, kind, errno)),
            }
        }
        Err(refused(
            ifname,
            vmac,
            *kinds.last().unwrap_or(&Held::Unicast),
            last,
        ))
    }

    /// How the MAC is held.
    pub fn kind(&self) -> Held {
        self.kind
    }
}

fn refused(ifname: &str, vmac: [u8; 6], kind: Held, errno: i32) -> VipError {
    if errno == libc::ENODEV {
        // Removed between the lookup and the membership.
        return VipError::NoInterface {
            ifname: ifname.into(),
        };
    }
    VipError::from_errno(
        errno,
        format!(
            "keeping {} received on {ifname} ({} membership)",
            mac::mac_text(vmac),
            kind.as_str()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    const VMAC: [u8; 6] = [0x02, 0x4b, 0x56, 0, 0, 9];

    #[test]
    fn only_a_kind_the_device_does_not_take_moves_on_to_promiscuity() {
        assert!(try_next(libc::EINVAL));
        assert!(try_next(libc::EOPNOTSUPP));
        for errno in [libc::EPERM, libc::ENOMEM, libc::ENODEV, libc::ENOBUFS] {
            assert!(!try_next(errno), "{errno}");
        }
        assert_eq!(PREFERENCE, [Held::Unicast, Held::Promiscuous]);
    }

    #[test]
    fn kinds_are_named_for_the_binding() {
        assert_eq!(Held::Unicast.as_str(), "unicast");
        assert_eq!(Held::Promiscuous.as_str(), "promiscuous");
        assert_eq!(Held::Unicast.mr_type(), libc::PACKET_MR_UNICAST);
        assert_eq!(Held::Promiscuous.mr_type(), libc::PACKET_MR_PROMISC);
    }

    #[test]
    fn failures_say_which_mac_interface_and_membership() {
        let e = refused("eth0", VMAC, Held::Promiscuous, libc::EPERM);
        assert_eq!(e.code(), "PERMISSION");
        assert!(
            e.to_string()
                .starts_with("keeping 02:4b:56:00:00:09 received on eth0 (promiscuous membership): "),
            "{e}"
        );
        assert_eq!(refused("eth0", VMAC, Held::Unicast, libc::ENOMEM).code(), "IO");
        assert_eq!(
            refused("eth0", VMAC, Held::Unicast, libc::ENODEV).code(),
            "NO_INTERFACE"
        );
    }

    #[test]
    fn group_and_zero_macs_are_refused_before_the_interface_is_looked_up() {
        // "keel-none0" does not exist: BAD_ADDRESS, not NO_INTERFACE, proves nothing was asked.
        for mac in [[0xff; 6], [0x01, 0, 0x5e, 0, 0, 1], [0; 6]] {
            let e = UnicastMembership::join("keel-none0", mac).unwrap_err();
            assert_eq!(e.code(), "BAD_ADDRESS", "{e}");
        }
    }

    fn ip(args: &str) -> String {
        let out = Command::new("ip")
            .args(args.split_whitespace())
            .output()
            .expect("ip");
        assert!(
            out.status.success(),
            "ip {args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn promiscuity(ifname: &str) -> u32 {
        let out = ip(&format!("-d link show dev {ifname}"));
        let mut words = out.split_whitespace();
        words.find(|w| *w == "promiscuity").expect("a promiscuity count");
        words.next().unwrap().parse().unwrap()
    }

    /// The fallback cannot be provoked through `join` on an Ethernet device (the kernel takes
    /// any 6-byte unicast address), so it is exercised alone here, in a private namespace of
    /// this test's thread: the card's promiscuity is counted while held and given back on drop.
    #[test]
    fn a_promiscuous_hold_counts_on_the_card_and_ends_with_the_socket() {
        std::thread::spawn(|| {
            assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWNET) }, 0);
            ip("link add uc-p0 type veth peer name uc-p1");
            assert_eq!(promiscuity("uc-p0"), 0);
            let held = UnicastMembership::join_as("uc-p0", VMAC, &[Held::Promiscuous]).unwrap();
            assert_eq!(held.kind(), Held::Promiscuous);
            assert_eq!(promiscuity("uc-p0"), 1);
            drop(held);
            // Bounded retries: a child another test's thread forks at this moment holds a copy
            // of the socket, and so the membership, until it execs.
            let released = (0..2000).any(|_| {
                let done = promiscuity("uc-p0") == 0;
                if !done {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                done
            });
            assert!(released, "the promiscuity is given back");
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
}
