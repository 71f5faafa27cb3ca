//! Which received frames a farm's leader answers for its virtual IPs, and with what (pure): ARP
//! requests and neighbour solicitations for the VIPs, answered with the virtual MAC as the
//! VIPs' link-layer address, from the node's own MAC (decision 0017).

use super::{arp_answer, ethertype, na_answer, ETHERTYPE_ARP, ETHERTYPE_IPV6};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The two MACs of an answer: the node's own, that frames leave from (so that switches learn
/// only it), and the virtual one that answers give as the VIPs' address (which no node sends
/// from, so that switches flood frames to it to every node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Macs {
    pub own: [u8; 6],
    pub vmac: [u8; 6],
}

impl Macs {
    /// A frame from either is this node's own coming back, or a loop: never a question.
    pub fn ours(&self, mac: [u8; 6]) -> bool {
        mac == self.own || mac == self.vmac
    }
}

/// An address a reply can be sent to: one station, not a group (the first octet's lowest bit,
/// IEEE 802) and not the zero address.
pub(crate) fn unicast(mac: [u8; 6]) -> bool {
    mac[0] & 1 == 0 && mac != [0; 6]
}

/// The answers of one node for a set of virtual IPs, both families.
#[derive(Debug, Clone)]
pub struct Answerer {
    macs: Macs,
    v4: Vec<Ipv4Addr>,
    v6: Vec<Ipv6Addr>,
}

impl Answerer {
    /// Answers for `addrs` giving `vmac`, from `own_mac`. The addresses are taken as given:
    /// checking that they can be virtual IPs is the caller's ([`crate::check_unicast`]).
    pub fn new(own_mac: [u8; 6], vmac: [u8; 6], addrs: &[IpAddr]) -> Answerer {
        let v4 = addrs
            .iter()
            .filter_map(|a| match a {
                IpAddr::V4(a) => Some(*a),
                IpAddr::V6(_) => None,
            })
            .collect();
        let v6 = addrs
            .iter()
            .filter_map(|a| match a {
                IpAddr::V6(a) => Some(*a),
                IpAddr::V4(_) => None,
            })
            .collect();
        Answerer {
            macs: Macs { own: own_mac, vmac },
            v4,
            v6,
        }
    }

    /// The IPv6 virtual IPs answered for (their solicited-node groups are the ones to listen to).
    pub fn ipv6(&self) -> &[Ipv6Addr] {
        &self.v6
    }

    /// The frame answering `frame`, a complete Ethernet frame as received, if it is an ARP
    /// request or a neighbour solicitation for one of the VIPs from another station; None for
    /// anything else (see [`super::arp`] and [`super::ndp`]'s rules).
    pub fn reply(&self, frame: &[u8]) -> Option<Vec<u8>> {
        match ethertype(frame)? {
            ETHERTYPE_ARP => arp_answer(frame, self.macs, &self.v4),
            ETHERTYPE_IPV6 => na_answer(frame, self.macs, &self.v6),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames::{arp_probe, ns_probe, unsolicited_na};

    const OWN: [u8; 6] = [0x02, 0x4b, 0, 0, 0, 1];
    const VMAC: [u8; 6] = [0x02, 0x4b, 0x56, 0, 0, 9];
    const CLIENT: [u8; 6] = [0x02, 0x4b, 0, 0, 0, 0x77];

    fn answerer() -> Answerer {
        let addrs = ["198.18.0.10".parse().unwrap(), "2001:2::10".parse().unwrap()];
        Answerer::new(OWN, VMAC, &addrs)
    }

    #[test]
    fn both_families_are_answered_each_by_its_protocol() {
        let a = answerer();
        let arp = a
            .reply(&arp_probe(CLIENT, "198.18.0.10".parse().unwrap()))
            .unwrap();
        assert_eq!(
            (arp[12..14].to_vec(), arp[22..28].to_vec()),
            (vec![0x08, 0x06], VMAC.to_vec())
        );
        let na = a.reply(&ns_probe(CLIENT, "2001:2::10".parse().unwrap())).unwrap();
        assert_eq!(
            (na[12..14].to_vec(), na[80..86].to_vec()),
            (vec![0x86, 0xdd], VMAC.to_vec())
        );
        assert_eq!(a.ipv6(), ["2001:2::10".parse::<Ipv6Addr>().unwrap()]);
    }

    #[test]
    fn an_address_of_one_family_is_not_answered_for_in_the_other() {
        let a = Answerer::new(OWN, VMAC, &["198.18.0.10".parse().unwrap()]);
        assert_eq!(
            a.reply(&ns_probe(CLIENT, "::ffff:198.18.0.10".parse().unwrap())),
            None
        );
    }

    #[test]
    fn other_frames_get_nothing() {
        let a = answerer();
        assert_eq!(
            a.reply(&unsolicited_na(CLIENT, "2001:2::10".parse().unwrap())),
            None
        );
        let mut ipv4 = arp_probe(CLIENT, "198.18.0.10".parse().unwrap());
        ipv4[12..14].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(a.reply(&ipv4), None);
        assert_eq!(a.reply(&[0; 13]), None);
        assert_eq!(a.reply(&[]), None);
    }

    #[test]
    fn a_group_or_zero_mac_is_no_unicast_station() {
        assert!(unicast(CLIENT));
        assert!(!unicast([0xff; 6]));
        assert!(!unicast([0x33, 0x33, 0, 0, 0, 1]));
        assert!(!unicast([0x01, 0, 0x5e, 0, 0, 1]));
        assert!(!unicast([0; 6]));
    }
}
