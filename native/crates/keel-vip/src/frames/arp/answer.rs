//! The ARP reply a farm's leader sends for a virtual IP (RFC 826): it gives the virtual MAC as
//! the address of the VIP while the frame leaves from the node's own MAC (decision 0017).

use super::{arp, ETHERNET_IPV4, ETHERTYPE_ARP, REPLY, REQUEST};
use crate::frames::answer::{unicast, Macs};
use crate::frames::{payload, source_mac};
use std::net::Ipv4Addr;

/// Sender hardware address, sender protocol address, target hardware and protocol address.
const SHA: std::ops::Range<usize> = 8..14;
const SPA: std::ops::Range<usize> = 14..18;
const TPA: std::ops::Range<usize> = 24..28;
const ARP_LEN: usize = 28;

/// The reply to `frame` when it is an ARP request for one of `vips`; None for any other frame.
///
/// The reply goes to the requester's hardware address with the virtual MAC as sender hardware
/// address. An RFC 5227 probe (sender protocol address 0.0.0.0) is answered too, so that a host
/// probing for the VIP finds it in use: as Linux answers one, to the prober's MAC with target
/// protocol address 0.0.0.0 (what it asked from); RFC 5227 §2.1.1 has the prober take any ARP
/// packet whose sender protocol address is the probed one as a conflict, unicast or broadcast.
///
/// Not answered: requests from this node's own MAC or the virtual MAC (its own frames coming
/// back, or a loop); requests whose sender hardware address is one of them (another farm node
/// announcing the VIP at the virtual MAC: no question, and a reply would be sent to the virtual
/// MAC, flooded to every node); requests from a multicast or zero hardware address.
pub(crate) fn arp_answer(frame: &[u8], macs: Macs, vips: &[Ipv4Addr]) -> Option<Vec<u8>> {
    let from = source_mac(frame)?;
    let m = payload(frame, ETHERTYPE_ARP)?.get(..ARP_LEN)?;
    if m[..6] != ETHERNET_IPV4 || m[6..8] != REQUEST.to_be_bytes() {
        return None;
    }
    let sha: [u8; 6] = m[SHA].try_into().ok()?;
    let spa = Ipv4Addr::from(<[u8; 4]>::try_from(&m[SPA]).ok()?);
    let tpa = Ipv4Addr::from(<[u8; 4]>::try_from(&m[TPA]).ok()?);
    if !vips.contains(&tpa) || macs.ours(from) || macs.ours(sha) || !unicast(sha) {
        return None;
    }
    Some(arp(sha, macs.own, REPLY, macs.vmac, tpa, sha, spa))
}

#[cfg(test)]
mod tests {
    use super::super::{arp_probe, gratuitous_arp, gratuitous_arp_as};
    use super::*;

    const OWN: [u8; 6] = [0x02, 0x4b, 0, 0, 0, 1];
    const VMAC: [u8; 6] = [0x02, 0x4b, 0x56, 0, 0, 9];
    const CLIENT: [u8; 6] = [0x02, 0x4b, 0, 0, 0, 0x77];
    const VIP: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 10);
    const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 77);
    const MACS: Macs = Macs { own: OWN, vmac: VMAC };

    /// A client's ordinary request: "who has VIP? tell CLIENT_IP".
    fn request(tpa: Ipv4Addr) -> Vec<u8> {
        arp([0xff; 6], CLIENT, REQUEST, CLIENT, CLIENT_IP, [0; 6], tpa)
    }

    #[test]
    fn a_request_for_the_vip_gets_a_reply_giving_the_virtual_mac_from_the_own_mac() {
        let r = arp_answer(&request(VIP), MACS, &[VIP]).expect("a reply");
        // Written out field by field from RFC 826, independently of `arp`.
        #[rustfmt::skip]
        let want: [u8; 42] = [
            0x02, 0x4b, 0, 0, 0, 0x77,  0x02, 0x4b, 0, 0, 0, 1,  0x08, 0x06,
            0x00, 0x01,  0x08, 0x00,  6,  4,  0x00, 0x02,
            0x02, 0x4b, 0x56, 0, 0, 9,  198, 18, 0, 10,
            0x02, 0x4b, 0, 0, 0, 0x77,  198, 18, 0, 77,
        ];
        assert_eq!(r[..42], want);
        assert_eq!(r.len(), 60);
        assert!(r[42..].iter().all(|&b| b == 0));
    }

    #[test]
    fn any_of_the_vips_is_answered_for_and_nothing_else() {
        let other = Ipv4Addr::new(198, 18, 0, 11);
        let both = [other, VIP];
        assert_eq!(
            arp_answer(&request(VIP), MACS, &both).unwrap()[28..32],
            VIP.octets()
        );
        assert_eq!(
            arp_answer(&request(other), MACS, &both).unwrap()[28..32],
            other.octets()
        );
        assert_eq!(
            arp_answer(&request(Ipv4Addr::new(198, 18, 0, 12)), MACS, &both),
            None
        );
        assert_eq!(arp_answer(&request(VIP), MACS, &[]), None);
    }

    #[test]
    fn a_probe_for_the_vip_is_answered_to_the_prober_from_the_vip() {
        let r = arp_answer(&arp_probe(CLIENT, VIP), MACS, &[VIP]).expect("a reply");
        assert_eq!(r[..6], CLIENT);
        assert_eq!(r[20..22], [0, 2]);
        assert_eq!(r[22..28], VMAC);
        assert_eq!(r[28..32], VIP.octets());
        assert_eq!(r[32..38], CLIENT);
        assert_eq!(r[38..42], [0, 0, 0, 0]);
        // What the prober (keel-vip's own probe) makes of it: the VIP is at the virtual MAC.
        assert_eq!(super::super::arp_claimant(&r, VIP), Some(VMAC));
    }

    #[test]
    fn replies_and_other_kinds_of_arp_are_not_answered() {
        let mut reply = request(VIP);
        reply[21] = 2;
        assert_eq!(arp_answer(&reply, MACS, &[VIP]), None);
        let mut not_ipv4 = request(VIP);
        not_ipv4[16..18].copy_from_slice(&[0x86, 0xdd]);
        assert_eq!(arp_answer(&not_ipv4, MACS, &[VIP]), None);
        let mut not_arp = request(VIP);
        not_arp[12..14].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(arp_answer(&not_arp, MACS, &[VIP]), None);
        assert_eq!(arp_answer(&request(VIP)[..41], MACS, &[VIP]), None);
    }

    #[test]
    fn own_frames_loops_and_other_farm_nodes_announcements_are_not_answered() {
        // Sent from this node's MAC, or from the virtual one (a loop: no node sends from it).
        assert_eq!(arp_answer(&gratuitous_arp(OWN, VIP), MACS, &[VIP]), None);
        let mut from_vmac = request(VIP);
        from_vmac[6..12].copy_from_slice(&VMAC);
        assert_eq!(arp_answer(&from_vmac, MACS, &[VIP]), None);
        // Another node's announcement of the virtual MAC (a previous leader).
        let peer = [0x02, 0x4b, 0, 0, 0, 2];
        assert_eq!(
            arp_answer(&gratuitous_arp_as(peer, VMAC, VIP), MACS, &[VIP]),
            None
        );
        // A request claiming this node's MAC as its sender.
        let mut claims_own = request(VIP);
        claims_own[22..28].copy_from_slice(&OWN);
        assert_eq!(arp_answer(&claims_own, MACS, &[VIP]), None);
    }

    #[test]
    fn a_request_from_a_group_or_zero_hardware_address_is_not_answered() {
        for sha in [[0xff; 6], [0x01, 0, 0x5e, 0, 0, 1], [0; 6]] {
            let mut f = request(VIP);
            f[22..28].copy_from_slice(&sha);
            assert_eq!(arp_answer(&f, MACS, &[VIP]), None, "{sha:?}");
        }
    }

    #[test]
    fn a_gratuitous_request_from_another_holder_is_answered_as_a_defence() {
        // RFC 5227 §2.4: telling the other host the address is in use here.
        let peer = [0x02, 0x4b, 0, 0, 0, 2];
        let r = arp_answer(&gratuitous_arp(peer, VIP), MACS, &[VIP]).expect("a reply");
        assert_eq!(r[..6], peer);
        assert_eq!(r[22..28], VMAC);
    }
}
