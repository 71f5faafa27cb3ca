//! A farm's virtual MAC kept received by a card (UnicastMembership), on real kernel devices in a
//! private namespace. Two things are shown:
//!
//! - the membership itself: the MAC enters the device's unicast address list (what a real
//!   card's driver programs into its filter) and leaves it on drop. `bridge fdb show dev X`
//!   lists a device's unicast list as `self permanent` entries. A macvlan filters unicast
//!   addresses (IFF_UNICAST_FLT), as most real cards: it takes the address without becoming
//!   promiscuous, and passes it on to its lower device, as it does its own MAC.
//! - that frames to the MAC are received because of it: a Linux bridge is a card that filters
//!   in software. A frame to a MAC it does not know is flooded to its other ports and passed
//!   up to the bridge device itself only when that device is promiscuous. The bridge cannot
//!   filter unicast addresses, so the kernel makes it promiscuous while its list is not empty:
//!   a capture on the bridge sees frames to the virtual MAC while held, and not before or
//!   after. (A veth, as the farm labs use, passes every frame up and shows nothing.)
mod support;

use keel_vip::{mac_text, packet, Held, UnicastMembership};
use std::process::Command;
use std::time::Duration;
use support::{in_netns, ip, mac_of, ready, veth, Capture, Neighbour};

const VMAC: [u8; 6] = [0x02, 0x4b, 0x56, 0, 0, 9];
/// IEEE 802 local experimental ethertype: no protocol of the namespace acts on these frames.
const ETHERTYPE: [u8; 2] = [0x88, 0xb5];

fn bridge(args: &str) -> String {
    let out = Command::new("bridge")
        .args(args.split_whitespace())
        .output()
        .expect("bridge");
    assert!(
        out.status.success(),
        "bridge {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `mac` is in `ifname`'s unicast address list.
fn listed(ifname: &str, mac: [u8; 6]) -> bool {
    let entry = format!("{} self permanent", mac_text(mac));
    bridge(&format!("fdb show dev {ifname}"))
        .lines()
        .any(|l| l.trim() == entry)
}

/// How many holders the device's promiscuity has (the kernel's count, `ip -d`).
fn promiscuity(ifname: &str) -> u32 {
    let out = ip(&format!("-d link show dev {ifname}"));
    let mut words = out.split_whitespace();
    words.find(|w| *w == "promiscuity").expect("a promiscuity count");
    words.next().unwrap().parse().unwrap()
}

/// Whether `cond` comes to hold, within bounded retries. A drop closes the socket, but the
/// kernel releases it (and so its membership) only when its last reference goes: a child that
/// another test's thread is forking at that moment holds a copy of this process's descriptors
/// until it execs (close-on-exec).
fn eventually(cond: impl Fn() -> bool) -> bool {
    for _ in 0..2000 {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// The packet sockets open in this thread's namespace (`/proc/net` would be the process's).
fn packet_sockets() -> usize {
    let all = std::fs::read_to_string("/proc/thread-self/net/packet").unwrap();
    all.lines().count() - 1
}

#[test]
fn a_card_that_filters_unicast_lists_the_virtual_mac_while_held() {
    in_netns(|| {
        veth("uc-low", "uc-peer");
        ip("link add link uc-low name uc-mv type macvlan mode bridge");
        ip("link set uc-mv up");
        let before = promiscuity("uc-mv");
        assert!(!listed("uc-mv", VMAC) && !listed("uc-low", VMAC));

        let held = UnicastMembership::join("uc-mv", VMAC).unwrap();
        assert_eq!(held.kind(), Held::Unicast);
        assert!(listed("uc-mv", VMAC), "in the macvlan's own list");
        assert!(listed("uc-low", VMAC), "passed on to the device under it");
        assert_eq!(promiscuity("uc-mv"), before, "filtered, not promiscuous");

        drop(held);
        assert!(eventually(|| !listed("uc-mv", VMAC) && !listed("uc-low", VMAC)));
    });
}

#[test]
fn holders_of_the_same_mac_each_release_only_their_own() {
    in_netns(|| {
        veth("uc-low", "uc-peer");
        ip("link add link uc-low name uc-mv type macvlan mode bridge");
        ip("link set uc-mv up");
        let first = UnicastMembership::join("uc-mv", VMAC).unwrap();
        let second = UnicastMembership::join("uc-mv", VMAC).unwrap();
        assert_eq!(packet_sockets(), 2);
        drop(first);
        // Asked only once the first socket is gone from the kernel, with its membership.
        assert!(eventually(|| packet_sockets() == 1));
        assert!(listed("uc-mv", VMAC), "the second holder still holds it");
        drop(second);
        assert!(eventually(|| !listed("uc-mv", VMAC)));
    });
}

#[test]
fn what_is_no_virtual_mac_or_no_ethernet_card_is_refused() {
    in_netns(|| {
        veth("uc-a", "uc-b");
        let code = |ifname: &str, mac: [u8; 6]| UnicastMembership::join(ifname, mac).unwrap_err().code();
        assert_eq!(code("uc-a", mac_of("uc-a")), "BAD_ADDRESS");
        assert_eq!(code("uc-a", [0x01, 0, 0x5e, 0, 0, 1]), "BAD_ADDRESS");
        assert_eq!(code("uc-a", [0; 6]), "BAD_ADDRESS");
        assert_eq!(code("keel-none0", VMAC), "NO_INTERFACE");
        // Loopback carries no Ethernet: no card filter to speak of.
        assert_eq!(code("lo", VMAC), "IO");
        assert!(!listed("uc-a", VMAC));
    });
}

/// A frame of the test's own ethertype to `to`, from `from`, carrying `round`.
fn frame(to: [u8; 6], from: [u8; 6], round: u8) -> Vec<u8> {
    let mut f = to.to_vec();
    f.extend_from_slice(&from);
    f.extend_from_slice(&ETHERTYPE);
    f.push(round);
    f.resize(60, 0);
    f
}

/// Whether a frame to the virtual MAC sent from the far end of the bridge's port reaches the
/// bridge device. The neighbour sends it, then a marker to the bridge's own MAC, which is always
/// passed up; both go the same way through one CPU's backlog (the sending thread is pinned), so
/// the capture gets them in that order. The first of the round's two frames the capture reads
/// answers: the frame to the virtual MAC if it was passed up, the marker if it was not. No wait
/// decides, and each round's frames carry its number, so none is taken for another round's.
fn reaches_the_bridge(n: &Neighbour, capture: &Capture, bridge_mac: [u8; 6], round: u8) -> bool {
    n.run(move || {
        pin_to_this_cpu();
        let own = mac_of("uc-b");
        packet::send_frame("uc-b", &frame(VMAC, own, round)).unwrap();
        packet::send_frame("uc-b", &frame(bridge_mac, own, round)).unwrap();
    });
    let first = capture
        .first(|f| f.len() >= 15 && f[12..14] == ETHERTYPE && f[14] == round)
        .expect("at least the marker, passed up to the bridge");
    first[..6] == VMAC
}

fn pin_to_this_cpu() {
    unsafe {
        let cpu = libc::sched_getcpu();
        assert!(cpu >= 0);
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu as usize, &mut set);
        assert_eq!(
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set),
            0
        );
    }
}

/// Bounded retries until the bridge forwards on `port` (with STP off, at once, but set by the
/// kernel after the port came up).
fn forwarding(port: &str) {
    for _ in 0..2000 {
        if bridge(&format!("link show dev {port}")).contains("state forwarding") {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{port} never forwarded");
}

#[test]
fn frames_to_the_virtual_mac_reach_a_filtering_card_only_while_held() {
    in_netns(|| {
        veth("uc-a", "uc-b");
        ip("link add uc-br type bridge");
        ip("link set uc-a master uc-br");
        ip("link set uc-br up");
        let n = Neighbour::new();
        n.take("uc-b");
        ready("uc-a");
        ready("uc-br");
        forwarding("uc-a");
        let bridge_mac = mac_of("uc-br");
        let capture = Capture::on("uc-br");

        assert!(
            !reaches_the_bridge(&n, &capture, bridge_mac, 1),
            "filtered out before"
        );

        let held = UnicastMembership::join("uc-br", VMAC).unwrap();
        assert_eq!(held.kind(), Held::Unicast);
        assert!(listed("uc-br", VMAC));
        // No unicast filter on a bridge: the kernel's own fallback, not PACKET_MR_PROMISC.
        assert_eq!(promiscuity("uc-br"), 1);
        assert!(
            reaches_the_bridge(&n, &capture, bridge_mac, 2),
            "received while held"
        );

        drop(held);
        assert!(eventually(|| promiscuity("uc-br") == 0 && !listed("uc-br", VMAC)));
        assert!(
            !reaches_the_bridge(&n, &capture, bridge_mac, 3),
            "filtered out again"
        );
    });
}
