//! ARP frames of an IPv4 virtual IP (RFC 826, RFC 5227).

mod answer;

pub(crate) use answer::arp_answer;

use super::{ethernet, payload, ETHERTYPE_ARP, MIN_FRAME};
use std::net::Ipv4Addr;

const BROADCAST: [u8; 6] = [0xff; 6];
/// Hardware type Ethernet, protocol IPv4, their address lengths.
const ETHERNET_IPV4: [u8; 6] = [0, 1, 0x08, 0x00, 6, 4];
const REQUEST: u16 = 1;
const REPLY: u16 = 2;
const ARP_LEN: usize = 28;

/// An Ethernet frame carrying one ARP message of the Ethernet/IPv4 kind, padded to the minimum.
fn arp(
    eth_dst: [u8; 6],
    eth_src: [u8; 6],
    op: u16,
    sha: [u8; 6],
    spa: Ipv4Addr,
    tha: [u8; 6],
    tpa: Ipv4Addr,
) -> Vec<u8> {
    let mut f = ethernet(eth_dst, eth_src, ETHERTYPE_ARP);
    f.extend_from_slice(&ETHERNET_IPV4);
    f.extend_from_slice(&op.to_be_bytes());
    f.extend_from_slice(&sha);
    f.extend_from_slice(&spa.octets());
    f.extend_from_slice(&tha);
    f.extend_from_slice(&tpa.octets());
    f.resize(MIN_FRAME, 0);
    f
}

/// A broadcast request; the target hardware address is what a request asks for: unknown, zero.
fn frame(src_mac: [u8; 6], spa: Ipv4Addr, tpa: Ipv4Addr) -> Vec<u8> {
    arp(BROADCAST, src_mac, REQUEST, src_mac, spa, [0; 6], tpa)
}

/// A broadcast ARP request from `ip` for `ip`: every neighbour that has `ip` in its cache
/// updates it to `src_mac`. A request rather than a reply, as more stacks update on it.
pub fn gratuitous_arp(src_mac: [u8; 6], ip: Ipv4Addr) -> Vec<u8> {
    frame(src_mac, ip, ip)
}

/// As [`gratuitous_arp`], but neighbours update their cache to `sender_mac` while the frame
/// leaves from `src_mac`: a farm's virtual MAC, announced by a node that must never send from
/// it (a switch that learnt it would stop flooding it to every node, decision 0017).
pub fn gratuitous_arp_as(src_mac: [u8; 6], sender_mac: [u8; 6], ip: Ipv4Addr) -> Vec<u8> {
    arp(BROADCAST, src_mac, REQUEST, sender_mac, ip, [0; 6], ip)
}

/// An RFC 5227 probe: a broadcast request for `target` from the unspecified address, so that
/// no neighbour's cache changes; a node holding `target` answers it.
pub fn arp_probe(src_mac: [u8; 6], target: Ipv4Addr) -> Vec<u8> {
    frame(src_mac, Ipv4Addr::UNSPECIFIED, target)
}

/// The sender's MAC of an ARP request or reply sent from `target`: a node using that address.
pub fn arp_claimant(frame: &[u8], target: Ipv4Addr) -> Option<[u8; 6]> {
    let arp = payload(frame, ETHERTYPE_ARP)?.get(..ARP_LEN)?;
    let op = u16::from_be_bytes([arp[6], arp[7]]);
    if arp[..6] != ETHERNET_IPV4 || !(op == REQUEST || op == REPLY) {
        return None;
    }
    (arp[14..18] == target.octets()).then(|| arp[8..14].try_into().unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: [u8; 6] = [0x02, 0x4b, 0x00, 0x00, 0x00, 0x01];
    const PEER: [u8; 6] = [0x02, 0x4b, 0x00, 0x00, 0x00, 0x02];
    const IP: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 10);

    /// Written out field by field from RFC 826, independently of the code above.
    #[rustfmt::skip]
    const GARP: [u8; 42] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  0x02, 0x4b, 0, 0, 0, 1,  0x08, 0x06,
        0x00, 0x01,  0x08, 0x00,  6,  4,  0x00, 0x01,
        0x02, 0x4b, 0, 0, 0, 1,  198, 18, 0, 10,
        0, 0, 0, 0, 0, 0,        198, 18, 0, 10,
    ];

    #[test]
    fn a_gratuitous_arp_is_a_broadcast_request_from_and_for_the_address_padded_to_60() {
        let f = gratuitous_arp(MAC, IP);
        assert_eq!(f.len(), 60);
        assert_eq!(f[..42], GARP);
        assert!(f[42..].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_gratuitous_arp_as_another_mac_changes_only_the_sender_hardware_address() {
        let vmac = [0x02, 0x4b, 0x56, 0, 0, 9];
        let f = gratuitous_arp_as(MAC, vmac, IP);
        let mut want = GARP;
        want[22..28].copy_from_slice(&vmac);
        assert_eq!(f[..42], want);
        assert_eq!(f.len(), 60);
        assert_eq!(gratuitous_arp_as(MAC, MAC, IP), gratuitous_arp(MAC, IP));
    }

    #[test]
    fn a_probe_comes_from_the_unspecified_address() {
        let f = arp_probe(MAC, IP);
        let mut want = GARP;
        want[28..32].copy_from_slice(&[0, 0, 0, 0]);
        assert_eq!(f[..42], want);
        assert_eq!(f.len(), 60);
    }

    /// What a Linux holder of `IP` sends back to a probe: a reply to the prober's MAC.
    fn reply_from(mac: [u8; 6], spa: Ipv4Addr) -> Vec<u8> {
        let mut f = ethernet(MAC, mac, ETHERTYPE_ARP);
        f.extend_from_slice(&ETHERNET_IPV4);
        f.extend_from_slice(&REPLY.to_be_bytes());
        f.extend_from_slice(&mac);
        f.extend_from_slice(&spa.octets());
        f.extend_from_slice(&MAC);
        f.extend_from_slice(&[0, 0, 0, 0]);
        f
    }

    #[test]
    fn the_claimant_is_whoever_sends_arp_from_the_address() {
        assert_eq!(arp_claimant(&reply_from(PEER, IP), IP), Some(PEER));
        // Its own announcement, or a request it makes from the address, tells as much.
        assert_eq!(arp_claimant(&gratuitous_arp(PEER, IP), IP), Some(PEER));
    }

    #[test]
    fn other_frames_claim_nothing() {
        let other = Ipv4Addr::new(198, 18, 0, 11);
        assert_eq!(arp_claimant(&reply_from(PEER, other), IP), None);
        // Another node's probe for the address does not use it.
        assert_eq!(arp_claimant(&arp_probe(PEER, IP), IP), None);
        let mut not_arp = reply_from(PEER, IP);
        not_arp[12..14].copy_from_slice(&[0x86, 0xdd]);
        assert_eq!(arp_claimant(&not_arp, IP), None);
        let mut op3 = reply_from(PEER, IP);
        op3[21] = 3;
        assert_eq!(arp_claimant(&op3, IP), None);
        assert_eq!(arp_claimant(&reply_from(PEER, IP)[..41], IP), None);
    }
}
