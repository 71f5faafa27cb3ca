//! Link-layer frames of a virtual IP (pure): the announcement that moves the address's
//! neighbours to this node's MAC (or to a farm's virtual MAC), the probe that asks whether
//! another node holds it, and a farm leader's answers giving the virtual MAC ([`Answerer`])
//! (ARP for IPv4, RFC 826 and 5227; neighbour discovery for IPv6, RFC 4861 and 4862).

mod answer;
mod arp;
mod ndp;

pub use answer::Answerer;
pub use arp::{arp_claimant, arp_probe, gratuitous_arp, gratuitous_arp_as};
pub(crate) use ndp::solicited_node_mac;
pub use ndp::{na_claimant, ns_probe, unsolicited_na, unsolicited_na_as};

use arp::arp_answer;
use ndp::na_answer;

const ETHERTYPE_ARP: u16 = 0x0806;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERNET_HEADER: usize = 14;
/// The shortest Ethernet frame, without its checksum; shorter payloads are padded (IEEE 802.3).
const MIN_FRAME: usize = 60;

/// An Ethernet header; the payload follows it.
fn ethernet(dst: [u8; 6], src: [u8; 6], ethertype: u16) -> Vec<u8> {
    let mut f = Vec::with_capacity(MIN_FRAME);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f
}

/// The payload of an Ethernet frame of this type, if it is one.
fn payload(frame: &[u8], ethertype: u16) -> Option<&[u8]> {
    (frame.len() >= ETHERNET_HEADER && frame[12..14] == ethertype.to_be_bytes())
        .then(|| &frame[ETHERNET_HEADER..])
}

/// The sender's MAC of an Ethernet frame.
pub fn source_mac(frame: &[u8]) -> Option<[u8; 6]> {
    frame.get(6..12)?.try_into().ok()
}

/// The ethertype of an Ethernet frame.
pub fn ethertype(frame: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(frame.get(12..14)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ethernet_header() {
        let f = ethernet([0xff; 6], [2, 0, 0, 0, 0, 1], ETHERTYPE_ARP);
        assert_eq!(source_mac(&f), Some([2, 0, 0, 0, 0, 1]));
        assert_eq!(ethertype(&f), Some(0x0806));
        assert_eq!(payload(&f, ETHERTYPE_ARP), Some(&[][..]));
        assert_eq!(payload(&f, ETHERTYPE_IPV6), None);
        assert_eq!(ethertype(&f[..13]), None);
        assert_eq!(source_mac(&f[..11]), None);
    }
}
