//! ARP frames of an IPv4 virtual IP (RFC 826, RFC 5227).

use super::{ethernet, payload, ETHERTYPE_ARP, MIN_FRAME};
use std::net::Ipv4Addr;

const BROADCAST: [u8; 6] = [0xff; 6];
/// Hardware type Ethernet, protocol IPv4, their address lengths.
const ETHERNET_IPV4: [u8; 6] = [0, 1, 0x08, 0x00, 6, 4];
const REQUEST: u16 = 1;
const REPLY: u16 = 2;
const ARP_LEN: usize = 28;

fn frame(src_mac: [u8; 6], spa: Ipv4Addr, tpa: Ipv4Addr) -> Vec<u8> {
    let mut f = ethernet(BROADCAST, src_mac, ETHERTYPE_ARP);
    f.extend_from_slice(&ETHERNET_IPV4);
    f.extend_from_slice(&REQUEST.to_be_bytes());
    f.extend_from_slice(&src_mac);
    f.extend_from_slice(&spa.octets());
    // The target hardware address is what a request asks for: unknown, zero.
    f.extend_from_slice(&[0; 6]);
    f.extend_from_slice(&tpa.octets());
    f.resize(MIN_FRAME, 0);
    f
}

/// A broadcast ARP request from `ip` for `ip`: every neighbour that has `ip` in its cache
/// updates it to `src_mac`. A request rather than a reply, as more stacks update on it.
pub fn gratuitous_arp(src_mac: [u8; 6], ip: Ipv4Addr) -> Vec<u8> {
    frame(src_mac, ip, ip)
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
