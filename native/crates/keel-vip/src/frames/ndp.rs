//! Neighbour discovery frames of an IPv6 virtual IP (RFC 4861; the probe is RFC 4862's
//! duplicate address detection).

mod answer;

pub(crate) use answer::na_answer;

use super::{ethernet, payload, ETHERTYPE_IPV6};
use std::net::Ipv6Addr;

const IPV6_HEADER: usize = 40;
const ICMPV6: u8 = 58;
/// Neighbour discovery messages must arrive with the hop limit they were sent with, 255: proof
/// that they come from the link (RFC 4861 §7.1).
const HOP_LIMIT: u8 = 255;
const SOLICITATION: u8 = 135;
const ADVERTISEMENT: u8 = 136;
/// The advertisement replaces the cached link-layer address (RFC 4861 §4.4).
const OVERRIDE: u8 = 0x20;
const TARGET_LINK_LAYER: u8 = 2;
/// Type, code, checksum, flags or reserved, target.
const MESSAGE: usize = 24;
const ALL_NODES: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);

/// The Ethernet group an IPv6 multicast address is sent to: 33:33 and its last 32 bits
/// (RFC 2464 §7).
fn multicast_mac(group: Ipv6Addr) -> [u8; 6] {
    let o = group.octets();
    [0x33, 0x33, o[12], o[13], o[14], o[15]]
}

/// The solicited-node group of an address: ff02::1:ff and its last 24 bits (RFC 4291 §2.7.1).
fn solicited_node(addr: Ipv6Addr) -> Ipv6Addr {
    let o = addr.octets();
    let mut g = [0u8; 16];
    g[..2].copy_from_slice(&[0xff, 0x02]);
    g[11..13].copy_from_slice(&[0x01, 0xff]);
    g[13..].copy_from_slice(&o[13..]);
    Ipv6Addr::from(g)
}

/// The Ethernet group of `addr`'s solicited-node group, where solicitations for it arrive.
pub(crate) fn solicited_node_mac(addr: Ipv6Addr) -> [u8; 6] {
    multicast_mac(solicited_node(addr))
}

/// The Internet checksum of an ICMPv6 message (its checksum field zero) over the IPv6
/// pseudo-header (RFC 8200 §8.1).
fn checksum(src: Ipv6Addr, dst: Ipv6Addr, message: &[u8]) -> u16 {
    let mut pseudo = Vec::with_capacity(40);
    pseudo.extend_from_slice(&src.octets());
    pseudo.extend_from_slice(&dst.octets());
    pseudo.extend_from_slice(&(message.len() as u32).to_be_bytes());
    pseudo.extend_from_slice(&[0, 0, 0, ICMPV6]);
    let words = pseudo.chunks(2).chain(message.chunks(2));
    let mut sum: u32 = words
        .map(|w| u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An Ethernet frame carrying an ICMPv6 `message` whose checksum this fills in.
fn frame(src_mac: [u8; 6], dst_mac: [u8; 6], src: Ipv6Addr, dst: Ipv6Addr, mut message: Vec<u8>) -> Vec<u8> {
    let sum = checksum(src, dst, &message);
    message[2..4].copy_from_slice(&sum.to_be_bytes());
    let mut f = ethernet(dst_mac, src_mac, ETHERTYPE_IPV6);
    // Version 6, no traffic class, no flow label.
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&(message.len() as u16).to_be_bytes());
    f.extend_from_slice(&[ICMPV6, HOP_LIMIT]);
    f.extend_from_slice(&src.octets());
    f.extend_from_slice(&dst.octets());
    f.extend_from_slice(&message);
    f
}

/// An ICMPv6 message of this type with `target`, its checksum still zero.
fn message(kind: u8, flags: u8, target: Ipv6Addr) -> Vec<u8> {
    let mut m = vec![kind, 0, 0, 0, flags, 0, 0, 0];
    m.extend_from_slice(&target.octets());
    m
}

/// An unsolicited neighbour advertisement of `ip` at `src_mac` to all nodes, overriding their
/// caches (RFC 4861 §7.2.6); neither solicited nor from a router.
pub fn unsolicited_na(src_mac: [u8; 6], ip: Ipv6Addr) -> Vec<u8> {
    unsolicited_na_as(src_mac, src_mac, ip)
}

/// As [`unsolicited_na`], but advertising `ip` at `link_mac` (the target link-layer address
/// option) while the frame leaves from `src_mac`: a farm's virtual MAC, announced by a node
/// that must never send from it (decision 0017).
pub fn unsolicited_na_as(src_mac: [u8; 6], link_mac: [u8; 6], ip: Ipv6Addr) -> Vec<u8> {
    frame(
        src_mac,
        multicast_mac(ALL_NODES),
        ip,
        ALL_NODES,
        advertisement(OVERRIDE, ip, link_mac),
    )
}

/// An advertisement of `target` at `link_mac` (its target link-layer address option), checksum
/// still zero.
fn advertisement(flags: u8, target: Ipv6Addr, link_mac: [u8; 6]) -> Vec<u8> {
    let mut m = message(ADVERTISEMENT, flags, target);
    m.extend_from_slice(&[TARGET_LINK_LAYER, 1]);
    m.extend_from_slice(&link_mac);
    m
}

/// A duplicate address detection probe for `target`: a neighbour solicitation from the
/// unspecified address (so no source link-layer option, RFC 4861 §4.3) to `target`'s
/// solicited-node group. A node holding `target` answers with an advertisement to all nodes.
pub fn ns_probe(src_mac: [u8; 6], target: Ipv6Addr) -> Vec<u8> {
    let group = solicited_node(target);
    let m = message(SOLICITATION, 0, target);
    frame(src_mac, multicast_mac(group), Ipv6Addr::UNSPECIFIED, group, m)
}

/// The MAC a neighbour advertisement for `target` gives: its target link-layer address option,
/// else the frame's sender.
pub fn na_claimant(frame: &[u8], target: Ipv6Addr) -> Option<[u8; 6]> {
    let ip = payload(frame, ETHERTYPE_IPV6)?;
    let header = ip.get(..IPV6_HEADER)?;
    if header[0] >> 4 != 6 || header[6] != ICMPV6 || header[7] != HOP_LIMIT {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([header[4], header[5]]));
    let m = ip.get(IPV6_HEADER..IPV6_HEADER + len)?;
    if m.len() < MESSAGE || m[0] != ADVERTISEMENT || m[1] != 0 || m[8..24] != target.octets() {
        return None;
    }
    // Options: type, length in units of 8 bytes (never 0), value.
    let mut options = &m[MESSAGE..];
    while options.len() >= 8 && options[1] != 0 {
        let (option, rest) = options.split_at((usize::from(options[1]) * 8).min(options.len()));
        if option[0] == TARGET_LINK_LAYER {
            return option[2..8].try_into().ok();
        }
        options = rest;
    }
    super::source_mac(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: [u8; 6] = [0x02, 0x4b, 0x00, 0x00, 0x00, 0x01];
    const PEER: [u8; 6] = [0x02, 0x4b, 0x00, 0x00, 0x00, 0x02];
    const IP: Ipv6Addr = Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0xab, 0xcdef);

    /// A second, independent Internet checksum: over a message that carries its checksum, the
    /// one's complement sum of the pseudo-header and the message is all ones (RFC 1071).
    pub(super) fn verifies(frame: &[u8]) -> bool {
        let ip = &frame[14..];
        let len = u16::from_be_bytes([ip[4], ip[5]]) as usize;
        let mut data = ip[8..40].to_vec();
        data.extend_from_slice(&(len as u32).to_be_bytes());
        data.extend_from_slice(&[0, 0, 0, ip[6]]);
        data.extend_from_slice(&ip[40..40 + len]);
        if data.len() % 2 == 1 {
            data.push(0);
        }
        let mut sum: u64 = 0;
        for pair in data.chunks(2) {
            sum += u64::from(pair[0]) << 8 | u64::from(pair[1]);
        }
        while sum >> 16 != 0 {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        sum == 0xffff
    }

    #[test]
    fn an_unsolicited_advertisement_overrides_caches_of_all_nodes() {
        let f = unsolicited_na(MAC, IP);
        assert_eq!(f.len(), 14 + 40 + 32);
        assert_eq!(f[..6], [0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(f[6..12], MAC);
        assert_eq!(f[12..14], [0x86, 0xdd]);
        assert_eq!(f[14..22], [0x60, 0, 0, 0, 0, 32, 58, 255]);
        assert_eq!(f[22..38], IP.octets());
        assert_eq!(f[38..54], ALL_NODES.octets());
        // Type 136, code 0; then Override alone, not Solicited (0x40) nor Router (0x80).
        assert_eq!(f[54..56], [136, 0]);
        assert_eq!(f[58..62], [0x20, 0, 0, 0]);
        assert_eq!(f[62..78], IP.octets());
        assert_eq!(f[78..80], [2, 1]);
        assert_eq!(f[80..86], MAC);
        assert!(verifies(&f));
    }

    #[test]
    fn an_unsolicited_advertisement_as_another_mac_changes_only_the_option() {
        let vmac = [0x02, 0x4b, 0x56, 0, 0, 9];
        let f = unsolicited_na_as(MAC, vmac, IP);
        let mut want = unsolicited_na(MAC, IP);
        want[80..86].copy_from_slice(&vmac);
        assert_eq!(f[..56], want[..56]);
        assert_eq!(f[58..], want[58..]);
        assert_eq!(f[6..12], MAC);
        assert!(verifies(&f));
    }

    #[test]
    fn a_probe_solicits_the_target_from_the_unspecified_address() {
        let f = ns_probe(MAC, IP);
        assert_eq!(f.len(), 14 + 40 + 24);
        assert_eq!(f[..6], [0x33, 0x33, 0xff, 0xab, 0xcd, 0xef]);
        assert_eq!(f[14..22], [0x60, 0, 0, 0, 0, 24, 58, 255]);
        assert_eq!(f[22..38], [0; 16]);
        let group: Ipv6Addr = "ff02::1:ffab:cdef".parse().unwrap();
        assert_eq!(f[38..54], group.octets());
        assert_eq!(solicited_node_mac(IP), f[..6]);
        assert_eq!(f[54..56], [135, 0]);
        assert_eq!(f[58..62], [0; 4]);
        assert_eq!(f[62..78], IP.octets());
        assert!(verifies(&f));
    }

    #[test]
    fn checksums_match_values_computed_by_hand() {
        // Computed outside this code (Python, RFC 1071 sum over the pseudo-header and message).
        assert_eq!(unsolicited_na(MAC, IP)[56..58], [0x77, 0x18]);
        assert_eq!(ns_probe(MAC, IP)[56..58], [0xbd, 0x6f]);
    }

    #[test]
    fn a_corrupted_frame_fails_the_independent_check() {
        let mut f = unsolicited_na(MAC, IP);
        f[70] ^= 1;
        assert!(!verifies(&f));
    }

    #[test]
    fn the_claimant_is_the_advertised_link_layer_address() {
        assert_eq!(na_claimant(&unsolicited_na(PEER, IP), IP), Some(PEER));
        // Without the option, the frame's sender.
        let mut bare = unsolicited_na(PEER, IP);
        bare.truncate(78);
        bare[19] = 24;
        assert_eq!(na_claimant(&bare, IP), Some(PEER));
        // The option names another MAC than the frame (a proxy answering): the option wins.
        let mut proxied = unsolicited_na(PEER, IP);
        proxied[6..12].copy_from_slice(&MAC);
        assert_eq!(na_claimant(&proxied, IP), Some(PEER));
    }

    #[test]
    fn other_frames_claim_nothing() {
        let other: Ipv6Addr = "2001:2::99".parse().unwrap();
        assert_eq!(na_claimant(&unsolicited_na(PEER, other), IP), None);
        assert_eq!(na_claimant(&ns_probe(PEER, IP), IP), None);
        let mut forwarded = unsolicited_na(PEER, IP);
        forwarded[21] = 254;
        assert_eq!(na_claimant(&forwarded, IP), None);
        let short = unsolicited_na(PEER, IP);
        assert_eq!(na_claimant(&short[..70], IP), None);
        // A zero-length option ends the walk without looping.
        let mut bad = unsolicited_na(PEER, IP);
        bad[79] = 0;
        assert_eq!(na_claimant(&bad, IP), Some(PEER));
    }
}
