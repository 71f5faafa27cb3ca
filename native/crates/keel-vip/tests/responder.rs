//! A farm leader's responder on a real veth pair: this namespace runs it on vip-a, a neighbour
//! namespace plays the client on vip-b, sending requests from a raw socket and reading every
//! frame that comes back.
mod support;

use keel_vip::{add_address, announce_as, frames, packet, Responder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;
use support::{in_netns, mac_of, ready, veth, Capture, Neighbour};

const VMAC: [u8; 6] = [0x02, 0x4b, 0x56, 0, 0, 9];
const CLIENT_V4: Ipv4Addr = Ipv4Addr::new(198, 18, 30, 2);

/// vip-a here, vip-b at a new neighbour, and a capture on vip-b; the neighbour, the capture,
/// vip-a's and vip-b's MACs.
fn linked() -> (Neighbour, Capture, [u8; 6], [u8; 6]) {
    veth("vip-a", "vip-b");
    let n = Neighbour::new();
    n.take("vip-b");
    let client = n.run(|| mac_of("vip-b"));
    let capture = n.run(|| Capture::on("vip-b"));
    ready("vip-a");
    (n, capture, mac_of("vip-a"), client)
}

/// Sends `frame` from the neighbour out of vip-b.
fn send(n: &Neighbour, frame: Vec<u8>) {
    n.run(move || packet::send_frame("vip-b", &frame).unwrap());
}

/// A client's "who has `tpa`? tell `spa`", written out from RFC 826.
fn arp_request(client: [u8; 6], spa: Ipv4Addr, tpa: Ipv4Addr) -> Vec<u8> {
    let mut f = vec![0xff; 6];
    f.extend_from_slice(&client);
    f.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    f.extend_from_slice(&client);
    f.extend_from_slice(&spa.octets());
    f.extend_from_slice(&[0; 6]);
    f.extend_from_slice(&tpa.octets());
    f
}

/// Whether `r` comes to have answered `n` requests, within bounded retries: the reply can reach
/// the capture before the responder has counted it.
fn answers(r: &Responder, n: u64) -> bool {
    for _ in 0..1000 {
        if r.answered() == n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

fn is_arp_reply(f: &[u8]) -> bool {
    f.len() >= 42 && f[12..14] == [0x08, 0x06] && f[20..22] == [0, 2]
}

fn is_na(f: &[u8]) -> bool {
    f.len() >= 78 && f[12..14] == [0x86, 0xdd] && f[20] == 58 && f[54] == 136
}

/// The one's complement sum of 16-bit words (RFC 1071), folded.
fn sum(data: &[u8]) -> u16 {
    let mut s: u32 = data
        .chunks(2)
        .map(|w| u32::from(w[0]) << 8 | u32::from(*w.get(1).unwrap_or(&0)))
        .sum();
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

/// A client's neighbour solicitation for `target` from `src` (with its link-layer address
/// option) to `target`'s solicited-node group, written out from RFC 4861 §4.3.
fn ns(client: [u8; 6], src: Ipv6Addr, target: Ipv6Addr) -> Vec<u8> {
    let t = target.octets();
    let group: Ipv6Addr = Ipv6Addr::from([0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, t[13], t[14], t[15]]);
    let mut m = vec![135, 0, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(&t);
    m.extend_from_slice(&[1, 1]);
    m.extend_from_slice(&client);
    let mut pseudo = src.octets().to_vec();
    pseudo.extend_from_slice(&group.octets());
    pseudo.extend_from_slice(&(m.len() as u32).to_be_bytes());
    pseudo.extend_from_slice(&[0, 0, 0, 58]);
    pseudo.extend_from_slice(&m);
    let check = !sum(&pseudo);
    m[2..4].copy_from_slice(&check.to_be_bytes());
    let mut f = vec![0x33, 0x33, 0xff, t[13], t[14], t[15]];
    f.extend_from_slice(&client);
    f.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
    f.extend_from_slice(&(m.len() as u16).to_be_bytes());
    f.extend_from_slice(&[58, 255]);
    f.extend_from_slice(&src.octets());
    f.extend_from_slice(&group.octets());
    f.extend_from_slice(&m);
    f
}

/// Whether an IPv6 frame's ICMPv6 checksum holds.
fn checksum_holds(f: &[u8]) -> bool {
    let len = usize::from(u16::from_be_bytes([f[18], f[19]]));
    let mut data = f[22..54].to_vec();
    data.extend_from_slice(&(len as u32).to_be_bytes());
    data.extend_from_slice(&[0, 0, 0, 58]);
    data.extend_from_slice(&f[54..54 + len]);
    sum(&data) == 0xffff
}

#[test]
fn an_arp_request_for_the_vip_is_answered_with_the_virtual_mac_from_the_real_one() {
    in_netns(|| {
        let (n, capture, own, client) = linked();
        let vip = Ipv4Addr::new(198, 18, 30, 10);
        let r = Responder::start("vip-a", vec![IpAddr::V4(vip)], VMAC).unwrap();
        send(&n, arp_request(client, CLIENT_V4, vip));
        let got = capture.first(is_arp_reply).expect("an ARP reply");
        assert_eq!(got[..6], client, "to the requester");
        assert_eq!(got[6..12], own, "from the node's real MAC, never the virtual one");
        assert_eq!(got[14..20], [0, 1, 0x08, 0, 6, 4]);
        assert_eq!(got[22..28], VMAC, "the VIP is at the virtual MAC");
        assert_eq!(got[28..32], vip.octets());
        assert_eq!(got[32..38], client);
        assert_eq!(got[38..42], CLIENT_V4.octets());
        assert!(answers(&r, 1), "{:?}", r.counts());
        assert_eq!(r.counts().send_failures, 0);
    })
}

#[test]
fn an_arp_probe_for_the_vip_finds_it_in_use_at_the_virtual_mac() {
    in_netns(|| {
        let (n, capture, own, client) = linked();
        let vip = Ipv4Addr::new(198, 18, 31, 10);
        let _r = Responder::start("vip-a", vec![IpAddr::V4(vip)], VMAC).unwrap();
        send(&n, arp_request(client, Ipv4Addr::UNSPECIFIED, vip));
        let got = capture.first(is_arp_reply).expect("an ARP reply");
        assert_eq!(got[..6], client);
        assert_eq!(got[6..12], own);
        assert_eq!(got[22..28], VMAC);
        assert_eq!(got[28..32], vip.octets());
        assert_eq!(got[38..42], [0, 0, 0, 0]);
        // keel's own probe, from the neighbour, reads it as a conflict with the virtual MAC.
        let wait = Duration::from_secs(10);
        let found = n.run(move || keel_vip::conflict("vip-b", IpAddr::V4(vip), wait).unwrap());
        assert_eq!(found, Some(VMAC));
    })
}

#[test]
fn a_neighbour_solicitation_for_the_vip_is_answered_with_the_virtual_mac_from_the_real_one() {
    in_netns(|| {
        let (n, capture, own, client) = linked();
        let vip: Ipv6Addr = "2001:2::32:10".parse().unwrap();
        let client_ip: Ipv6Addr = "2001:2::32:2".parse().unwrap();
        let r = Responder::start("vip-a", vec![IpAddr::V6(vip)], VMAC).unwrap();
        send(&n, ns(client, client_ip, vip));
        let got = capture
            .first(|f| is_na(f) && f[62..78] == vip.octets())
            .expect("an advertisement");
        assert_eq!(got[..6], client);
        assert_eq!(got[6..12], own);
        assert_eq!(got[21], 255, "hop limit");
        assert_eq!(got[22..38], vip.octets(), "from the VIP");
        assert_eq!(got[38..54], client_ip.octets(), "to the solicitation's source");
        assert_eq!(got[58], 0x60, "solicited and override, not router");
        assert_eq!(got[78..80], [2, 1]);
        assert_eq!(got[80..86], VMAC);
        assert!(checksum_holds(&got));
        assert!(answers(&r, 1), "{:?}", r.counts());
    })
}

#[test]
fn a_duplicate_address_detection_probe_for_the_vip_is_answered_to_all_nodes() {
    in_netns(|| {
        let (n, capture, own, client) = linked();
        let vip: Ipv6Addr = "2001:2::33:10".parse().unwrap();
        let _r = Responder::start("vip-a", vec![IpAddr::V6(vip)], VMAC).unwrap();
        send(&n, frames::ns_probe(client, vip));
        let got = capture
            .first(|f| is_na(f) && f[62..78] == vip.octets())
            .expect("an advertisement");
        assert_eq!(got[..6], [0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(got[6..12], own);
        assert_eq!(got[22..38], vip.octets());
        assert_eq!(got[38..54], "ff02::1".parse::<Ipv6Addr>().unwrap().octets());
        assert_eq!(
            got[58], 0x20,
            "override alone: not solicited, as it goes to all nodes"
        );
        assert_eq!(got[80..86], VMAC);
        assert!(checksum_holds(&got));
        let wait = Duration::from_secs(10);
        let found = n.run(move || keel_vip::conflict("vip-b", IpAddr::V6(vip), wait).unwrap());
        assert_eq!(found, Some(VMAC));
    })
}

#[test]
fn requests_for_other_addresses_get_no_reply() {
    in_netns(|| {
        let (n, capture, _, client) = linked();
        let vip = Ipv4Addr::new(198, 18, 34, 10);
        let vip6: Ipv6Addr = "2001:2::34:10".parse().unwrap();
        let r = Responder::start("vip-a", vec![IpAddr::V4(vip), IpAddr::V6(vip6)], VMAC).unwrap();
        // The responder reads frames in order: had it answered the first, that reply would come
        // before the second's.
        send(&n, arp_request(client, CLIENT_V4, Ipv4Addr::new(198, 18, 34, 11)));
        send(&n, arp_request(client, CLIENT_V4, vip));
        let got = capture.first(is_arp_reply).expect("an ARP reply");
        assert_eq!(got[28..32], vip.octets());
        let client_ip: Ipv6Addr = "2001:2::34:2".parse().unwrap();
        send(&n, ns(client, client_ip, "2001:2::34:11".parse().unwrap()));
        send(&n, ns(client, client_ip, vip6));
        let got = capture
            .first(|f| is_na(f) && f[80..86] == VMAC)
            .expect("an advertisement");
        assert_eq!(got[62..78], vip6.octets());
        assert!(answers(&r, 2), "{:?}", r.counts());
    })
}

#[test]
fn a_stopped_responder_answers_no_more() {
    in_netns(|| {
        let (n, capture, own, client) = linked();
        let vip = Ipv4Addr::new(198, 18, 35, 10);
        // The node's kernel holds an address of its own: its reply marks when the link has
        // carried a request through, as a responder would have read it.
        add_address("vip-a", "198.18.35.1".parse().unwrap(), 24).unwrap();
        let mut r = Responder::start("vip-a", vec![IpAddr::V4(vip)], VMAC).unwrap();
        send(&n, arp_request(client, CLIENT_V4, vip));
        assert!(capture.first(is_arp_reply).is_some());
        r.stop();
        r.stop();
        send(&n, arp_request(client, CLIENT_V4, vip));
        send(&n, arp_request(client, CLIENT_V4, "198.18.35.1".parse().unwrap()));
        let kernel = capture
            .first(|f| is_arp_reply(f) && f[22..28] == own)
            .expect("the kernel's reply for its own address");
        assert_eq!(kernel[28..32], [198, 18, 35, 1]);
        let late = capture.within(Duration::from_millis(300), |f| {
            is_arp_reply(f) && f[22..28] == VMAC
        });
        assert_eq!(late, None, "no reply after stop");
        assert_eq!(r.answered(), 1);
        drop(r);
    })
}

#[test]
fn a_new_leader_announces_the_virtual_mac_from_its_real_one() {
    in_netns(|| {
        let (_n, capture, own, _) = linked();
        let vip = Ipv4Addr::new(198, 18, 36, 10);
        announce_as("vip-a", IpAddr::V4(vip), VMAC).unwrap();
        let got = capture
            .first(|f| f.get(12..14) == Some(&[0x08, 0x06]))
            .expect("an ARP frame");
        assert_eq!(got[..6], [0xff; 6]);
        assert_eq!(got[6..12], own);
        assert_eq!(got[20..22], [0, 1], "a request, which more stacks update on");
        assert_eq!(got[22..28], VMAC);
        assert_eq!(got[28..32], vip.octets());
        assert_eq!(got[38..42], vip.octets());
        let vip6: Ipv6Addr = "2001:2::36:10".parse().unwrap();
        announce_as("vip-a", IpAddr::V6(vip6), VMAC).unwrap();
        let got = capture
            .first(|f| is_na(f) && f[62..78] == vip6.octets())
            .expect("an advertisement");
        assert_eq!(got[..6], [0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(got[6..12], own);
        assert_eq!(got[58], 0x20);
        assert_eq!(got[80..86], VMAC);
        assert!(checksum_holds(&got));
    })
}

#[test]
fn what_cannot_answer_is_refused_with_its_code() {
    in_netns(|| {
        let (_n, _capture, own, _) = linked();
        let vip: IpAddr = "198.18.37.10".parse().unwrap();
        let code = |r: Result<Responder, keel_vip::VipError>| r.err().map(|e| e.code());
        assert_eq!(
            code(Responder::start("vip-a", vec![vip], own)),
            Some("BAD_ADDRESS")
        );
        let e = Responder::start("vip-a", vec![vip], own).err().unwrap();
        assert!(e.to_string().contains("vip-a's own MAC"), "{e}");
        assert_eq!(
            code(Responder::start("vip-a", vec![vip], [0xff; 6])),
            Some("BAD_ADDRESS")
        );
        assert_eq!(
            code(Responder::start("vip-a", vec![vip], [0; 6])),
            Some("BAD_ADDRESS")
        );
        let multicast: IpAddr = "224.0.0.1".parse().unwrap();
        assert_eq!(
            code(Responder::start("vip-a", vec![multicast], VMAC)),
            Some("BAD_ADDRESS")
        );
        assert_eq!(
            code(Responder::start("keel-none0", vec![vip], VMAC)),
            Some("NO_INTERFACE")
        );
        assert_eq!(code(Responder::start("lo", vec![vip], VMAC)), Some("IO"));
        let e = announce_as("vip-a", vip, [0x01, 0, 0x5e, 0, 0, 1]).unwrap_err();
        assert_eq!(e.code(), "BAD_ADDRESS");
    })
}
