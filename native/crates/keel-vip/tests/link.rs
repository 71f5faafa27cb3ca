//! Announcements and probes on a real veth pair between two private network namespaces: one
//! end is this node, the other a neighbour whose kernel answers as any Linux holder of the
//! address.
mod support;

use keel_vip::{add_address, announce, conflict, frames};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;
use support::{in_netns, mac_of, ready, veth, Capture, Neighbour};

/// vip-a here, vip-b at a new neighbour; the neighbour and vip-b's MAC.
fn linked() -> (Neighbour, [u8; 6]) {
    veth("vip-a", "vip-b");
    let n = Neighbour::new();
    n.take("vip-b");
    ready("vip-a");
    let mac = n.run(|| mac_of("vip-b"));
    (n, mac)
}

/// The neighbour holds `addr` (placed as keel would, usable at once).
fn holds(n: &Neighbour, addr: &str, prefix: u8) {
    let addr: IpAddr = addr.parse().unwrap();
    n.run(move || add_address("vip-b", addr, prefix).unwrap());
}

#[test]
fn an_ipv4_announcement_reaches_the_link_as_a_gratuitous_arp() {
    in_netns(|| {
        let (n, _) = linked();
        let capture = n.run(|| Capture::on("vip-b"));
        let vip = Ipv4Addr::new(198, 18, 20, 1);
        announce("vip-a", IpAddr::V4(vip)).unwrap();
        let got = capture
            .first(|f| f.get(12..14) == Some(&[0x08, 0x06]))
            .expect("an ARP frame");
        let mac = mac_of("vip-a");
        assert_eq!(got, frames::gratuitous_arp(mac, vip));
        // Read independently: broadcast, from vip-a, a request from and for the address.
        assert_eq!(got[..6], [0xff; 6]);
        assert_eq!(got[6..12], mac);
        assert_eq!(got[20..22], [0, 1]);
        assert_eq!(got[22..28], mac);
        assert_eq!(got[28..32], vip.octets());
        assert_eq!(got[38..42], vip.octets());
    })
}

#[test]
fn an_ipv6_announcement_reaches_the_link_as_an_unsolicited_advertisement() {
    in_netns(|| {
        let (n, _) = linked();
        let capture = n.run(|| Capture::on("vip-b"));
        let vip: Ipv6Addr = "2001:2::20:1".parse().unwrap();
        announce("vip-a", IpAddr::V6(vip)).unwrap();
        // Type 136 from the address: the kernel's own traffic on a new link is other ICMPv6.
        let got = capture
            .first(|f| f.len() > 62 && f[12..14] == [0x86, 0xdd] && f[54] == 136 && f[22..38] == vip.octets())
            .expect("a neighbour advertisement");
        let mac = mac_of("vip-a");
        assert_eq!(got, frames::unsolicited_na(mac, vip));
        assert_eq!(got[..6], [0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(got[80..86], mac);
    })
}

#[test]
fn a_probe_finds_the_neighbour_holding_the_address() {
    in_netns(|| {
        let (n, holder) = linked();
        holds(&n, "198.18.21.2", 24);
        holds(&n, "2001:2::21:2", 64);
        let wait = Duration::from_secs(10);
        let found = |a: &str| conflict("vip-a", a.parse().unwrap(), wait).unwrap();
        assert_eq!(found("198.18.21.2"), Some(holder));
        assert_eq!(found("2001:2::21:2"), Some(holder));
    })
}

#[test]
fn a_probe_finds_nobody_when_nobody_holds_the_address() {
    in_netns(|| {
        let (n, _) = linked();
        holds(&n, "198.18.22.2", 24);
        holds(&n, "2001:2::22:2", 64);
        let wait = Duration::from_millis(500);
        let found = |a: &str| conflict("vip-a", a.parse().unwrap(), wait).unwrap();
        assert_eq!(found("198.18.22.9"), None);
        assert_eq!(found("2001:2::22:9"), None);
        // This node's own addresses are no conflict: its own frames are no answer.
        add_address("vip-a", "198.18.22.1".parse().unwrap(), 24).unwrap();
        add_address("vip-a", "2001:2::22:1".parse().unwrap(), 64).unwrap();
        assert_eq!(found("198.18.22.1"), None);
        assert_eq!(found("2001:2::22:1"), None);
    })
}

#[test]
fn frames_need_an_ethernet_interface() {
    in_netns(|| {
        let e = announce("lo", "198.18.23.1".parse().unwrap()).unwrap_err();
        assert_eq!(e.code(), "IO");
        assert!(e.to_string().contains("lo: not an Ethernet interface"), "{e}");
        let e = conflict("keel-none0", "198.18.23.1".parse().unwrap(), Duration::ZERO).unwrap_err();
        assert_eq!(e.code(), "NO_INTERFACE");
        let e = announce("vip-none0", "ff02::1".parse().unwrap()).unwrap_err();
        assert_eq!(e.code(), "BAD_ADDRESS");
    })
}
