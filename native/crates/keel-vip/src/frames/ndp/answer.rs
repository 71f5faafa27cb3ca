//! The neighbour advertisement a farm's leader sends for a virtual IP (RFC 4861 §7.2.4): it
//! gives the virtual MAC as the VIP's link-layer address while the frame leaves from the node's
//! own MAC (decision 0017).

use super::{
    advertisement, checksum, multicast_mac, solicited_node, ALL_NODES, ETHERTYPE_IPV6, HOP_LIMIT, ICMPV6,
    IPV6_HEADER, MESSAGE, OVERRIDE, SOLICITATION,
};
use crate::frames::answer::{unicast, Macs};
use crate::frames::{payload, source_mac};
use std::net::Ipv6Addr;

/// The advertisement answers a solicitation (RFC 4861 §4.4).
const SOLICITED: u8 = 0x40;
const SOURCE_LINK_LAYER: u8 = 1;

/// A valid neighbour solicitation, as far as an answer needs it.
struct Solicitation {
    src: Ipv6Addr,
    target: Ipv6Addr,
    /// Its source link-layer address option.
    slla: Option<[u8; 6]>,
}

/// The advertisement answering `frame` when it is a valid neighbour solicitation for one of
/// `vips`; None for any other frame.
///
/// Solicited and Override set (clients replace whatever they cached with the virtual MAC),
/// Router clear; from the VIP, to the solicitation's source, at the link-layer address it gave
/// (else the frame's sender). A duplicate address detection solicitation (from ::) is answered
/// to all nodes with Solicited clear, as RFC 4861 §7.2.4 says, so the prober sees the VIP taken.
///
/// Not answered: frames from this node's own MAC or the virtual MAC (its own, or a loop), and
/// solicitations whose source link-layer address is one of them.
pub(crate) fn na_answer(frame: &[u8], macs: Macs, vips: &[Ipv6Addr]) -> Option<Vec<u8>> {
    let from = source_mac(frame)?;
    let ns = solicitation(frame)?;
    if !vips.contains(&ns.target) || macs.ours(from) || ns.slla.is_some_and(|m| macs.ours(m)) {
        return None;
    }
    let (dst, flags, dst_mac) = if ns.src.is_unspecified() {
        (ALL_NODES, OVERRIDE, multicast_mac(ALL_NODES))
    } else {
        let to = ns.slla.unwrap_or(from);
        if !unicast(to) {
            return None;
        }
        (ns.src, SOLICITED | OVERRIDE, to)
    };
    let m = advertisement(flags, ns.target, macs.vmac);
    Some(super::frame(macs.own, dst_mac, ns.target, dst, m))
}

/// The solicitation `frame` carries if it passes RFC 4861 §7.1.1's checks: hop limit 255 (it
/// comes from the link), a valid ICMPv6 checksum, code 0, at least 24 bytes, no option of
/// length 0, and, from the unspecified address, sent to the target's solicited-node group
/// without a source link-layer address option. A source that is a group is no node.
fn solicitation(frame: &[u8]) -> Option<Solicitation> {
    let ip = payload(frame, ETHERTYPE_IPV6)?;
    let header = ip.get(..IPV6_HEADER)?;
    if header[0] >> 4 != 6 || header[6] != ICMPV6 || header[7] != HOP_LIMIT {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([header[4], header[5]]));
    let m = ip.get(IPV6_HEADER..IPV6_HEADER + len)?;
    let src = Ipv6Addr::from(<[u8; 16]>::try_from(&header[8..24]).ok()?);
    let dst = Ipv6Addr::from(<[u8; 16]>::try_from(&header[24..40]).ok()?);
    // Over a message carrying its checksum, the complement of the sum is zero (RFC 1071).
    if m.len() < MESSAGE || m[0] != SOLICITATION || m[1] != 0 || checksum(src, dst, m) != 0 {
        return None;
    }
    let target = Ipv6Addr::from(<[u8; 16]>::try_from(&m[8..24]).ok()?);
    let mut slla = None;
    // Options: type, length in units of 8 bytes (0 is invalid: the whole message is dropped).
    let mut options = &m[MESSAGE..];
    while !options.is_empty() {
        let size = usize::from(*options.get(1)?) * 8;
        if size == 0 || size > options.len() {
            return None;
        }
        let (option, rest) = options.split_at(size);
        if option[0] == SOURCE_LINK_LAYER {
            slla = option[2..8].try_into().ok();
        }
        options = rest;
    }
    if src.is_multicast() || (src.is_unspecified() && (dst != solicited_node(target) || slla.is_some())) {
        return None;
    }
    Some(Solicitation { src, target, slla })
}

#[cfg(test)]
mod tests {
    use super::super::tests::verifies;
    use super::super::{frame, message, ns_probe, unsolicited_na};
    use super::*;

    const OWN: [u8; 6] = [0x02, 0x4b, 0, 0, 0, 1];
    const VMAC: [u8; 6] = [0x02, 0x4b, 0x56, 0, 0, 9];
    const CLIENT: [u8; 6] = [0x02, 0x4b, 0, 0, 0, 0x77];
    const MACS: Macs = Macs { own: OWN, vmac: VMAC };
    const VIP: Ipv6Addr = Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0xab, 0xcdef);
    const CLIENT_IP: Ipv6Addr = Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0x77);

    /// A client's solicitation for `target` to its solicited-node group, with its source
    /// link-layer address option when `slla` is given.
    fn ns(target: Ipv6Addr, slla: Option<[u8; 6]>) -> Vec<u8> {
        let mut m = message(SOLICITATION, 0, target);
        if let Some(mac) = slla {
            m.extend_from_slice(&[SOURCE_LINK_LAYER, 1]);
            m.extend_from_slice(&mac);
        }
        let group = solicited_node(target);
        frame(CLIENT, multicast_mac(group), CLIENT_IP, group, m)
    }

    #[test]
    fn a_solicitation_for_the_vip_gets_a_solicited_overriding_advertisement_of_the_virtual_mac() {
        let r = na_answer(&ns(VIP, Some(CLIENT)), MACS, &[VIP]).expect("an advertisement");
        assert_eq!(r.len(), 14 + 40 + 32);
        assert_eq!(r[..6], CLIENT);
        assert_eq!(r[6..12], OWN);
        assert_eq!(r[12..14], [0x86, 0xdd]);
        assert_eq!(r[14..22], [0x60, 0, 0, 0, 0, 32, 58, 255]);
        assert_eq!(r[22..38], VIP.octets());
        assert_eq!(r[38..54], CLIENT_IP.octets());
        assert_eq!(r[54..56], [136, 0]);
        // Solicited (0x40) and Override (0x20), not Router (0x80).
        assert_eq!(r[58..62], [0x60, 0, 0, 0]);
        assert_eq!(r[62..78], VIP.octets());
        assert_eq!(r[78..80], [2, 1]);
        assert_eq!(r[80..86], VMAC);
        assert!(verifies(&r));
    }

    #[test]
    fn the_answer_goes_to_the_source_link_layer_address_else_to_the_frames_sender() {
        let elsewhere = [0x02, 0x4b, 0, 0, 0, 0x78];
        assert_eq!(
            na_answer(&ns(VIP, Some(elsewhere)), MACS, &[VIP]).unwrap()[..6],
            elsewhere
        );
        assert_eq!(na_answer(&ns(VIP, None), MACS, &[VIP]).unwrap()[..6], CLIENT);
    }

    #[test]
    fn a_unicast_solicitation_checking_reachability_is_answered_too() {
        let m = message(SOLICITATION, 0, VIP);
        let f = frame(CLIENT, VMAC, CLIENT_IP, VIP, m);
        let r = na_answer(&f, MACS, &[VIP]).expect("an advertisement");
        assert_eq!(r[..6], CLIENT);
        assert_eq!(r[80..86], VMAC);
    }

    #[test]
    fn a_duplicate_address_detection_probe_is_answered_to_all_nodes_unsolicited() {
        let r = na_answer(&ns_probe(CLIENT, VIP), MACS, &[VIP]).expect("an advertisement");
        assert_eq!(r[..6], [0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(r[6..12], OWN);
        assert_eq!(r[22..38], VIP.octets());
        assert_eq!(r[38..54], ALL_NODES.octets());
        assert_eq!(r[58..62], [0x20, 0, 0, 0]);
        assert_eq!(r[80..86], VMAC);
        assert!(verifies(&r));
        // What the prober (keel-vip's own probe) makes of it: the VIP is at the virtual MAC.
        assert_eq!(super::super::na_claimant(&r, VIP), Some(VMAC));
    }

    #[test]
    fn a_duplicate_address_detection_probe_out_of_the_rules_is_not_answered() {
        // From :: with a source link-layer option, or not to the solicited-node group.
        let mut m = message(SOLICITATION, 0, VIP);
        m.extend_from_slice(&[SOURCE_LINK_LAYER, 1]);
        m.extend_from_slice(&CLIENT);
        let group = solicited_node(VIP);
        let with_option = frame(CLIENT, multicast_mac(group), Ipv6Addr::UNSPECIFIED, group, m);
        assert_eq!(na_answer(&with_option, MACS, &[VIP]), None);
        let m = message(SOLICITATION, 0, VIP);
        let to_all = frame(
            CLIENT,
            multicast_mac(ALL_NODES),
            Ipv6Addr::UNSPECIFIED,
            ALL_NODES,
            m,
        );
        assert_eq!(na_answer(&to_all, MACS, &[VIP]), None);
    }

    #[test]
    fn only_solicitations_for_the_vips_are_answered() {
        let other: Ipv6Addr = "2001:2::99".parse().unwrap();
        assert_eq!(na_answer(&ns(other, Some(CLIENT)), MACS, &[VIP]), None);
        assert!(na_answer(&ns(other, Some(CLIENT)), MACS, &[VIP, other]).is_some());
        // An advertisement is no question.
        assert_eq!(na_answer(&unsolicited_na(CLIENT, VIP), MACS, &[VIP]), None);
    }

    #[test]
    fn invalid_solicitations_are_dropped() {
        let good = ns(VIP, Some(CLIENT));
        assert!(na_answer(&good, MACS, &[VIP]).is_some());
        let mut bad_sum = good.clone();
        bad_sum[57] ^= 1;
        assert_eq!(na_answer(&bad_sum, MACS, &[VIP]), None);
        let mut forwarded = good.clone();
        forwarded[21] = 254;
        assert_eq!(na_answer(&forwarded, MACS, &[VIP]), None);
        let mut code1 = good.clone();
        code1[55] = 1;
        assert_eq!(na_answer(&code1, MACS, &[VIP]), None);
        assert_eq!(na_answer(&good[..good.len() - 1], MACS, &[VIP]), None);
        // A zero-length option (checksum redone, so only the option is wrong).
        let mut m = message(SOLICITATION, 0, VIP);
        m.extend_from_slice(&[SOURCE_LINK_LAYER, 0, 0, 0, 0, 0, 0, 0]);
        let group = solicited_node(VIP);
        let zero_option = frame(CLIENT, multicast_mac(group), CLIENT_IP, group, m);
        assert_eq!(na_answer(&zero_option, MACS, &[VIP]), None);
        // From a group.
        let m = message(SOLICITATION, 0, VIP);
        let from_group = frame(CLIENT, multicast_mac(group), ALL_NODES, group, m);
        assert_eq!(na_answer(&from_group, MACS, &[VIP]), None);
    }

    #[test]
    fn own_frames_loops_and_solicitations_naming_our_macs_are_not_answered() {
        let mut from_own = ns(VIP, None);
        from_own[6..12].copy_from_slice(&OWN);
        assert_eq!(na_answer(&from_own, MACS, &[VIP]), None);
        let mut from_vmac = ns(VIP, None);
        from_vmac[6..12].copy_from_slice(&VMAC);
        assert_eq!(na_answer(&from_vmac, MACS, &[VIP]), None);
        assert_eq!(na_answer(&ns(VIP, Some(VMAC)), MACS, &[VIP]), None);
        assert_eq!(na_answer(&ns(VIP, Some(OWN)), MACS, &[VIP]), None);
    }

    #[test]
    fn a_solicitation_from_a_group_link_layer_address_is_not_answered() {
        assert_eq!(
            na_answer(&ns(VIP, Some([0x33, 0x33, 0, 0, 0, 1])), MACS, &[VIP]),
            None
        );
    }
}
