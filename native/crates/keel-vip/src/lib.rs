//! keel-vip: a module's virtual IP on a Linux node. keel places the address on an interface
//! marked as its own ([`netlink`]), tells the link the address has moved here ([`announce`])
//! and, before placing it, asks whether another node still holds it ([`conflict`]). For a farm,
//! whose nodes all hold the address behind a virtual MAC (decision 0017), the leader answers
//! for it with that MAC ([`Responder`]) and announces it ([`announce_as`]); every node keeps
//! frames to that MAC received by its card ([`UnicastMembership`]).
//!
//! Everything acts in the calling thread's network namespace and needs root (CAP_NET_ADMIN for
//! addresses, CAP_NET_RAW for frames). Errors are [`VipError`]s with stable codes.

mod address;
mod error;
pub mod frames;
mod interface;
mod mac;
pub mod netlink;
pub mod packet;
mod responder;
mod unicast;

pub use address::check_unicast;
pub use error::VipError;
pub use mac::{check_station_mac, mac_text, parse_mac};
pub use netlink::{
    add_address, list_addresses, remove_address, remove_address_by_index, Address, KEEL_ADDR_PROTO,
};
pub use responder::{Responder, ResponderCounts};
pub use unicast::{Held, UnicastMembership};

use std::net::IpAddr;
use std::time::Duration;

/// One frame telling the link that `addr` is now at `ifname`'s MAC: a gratuitous ARP for IPv4,
/// an unsolicited neighbour advertisement for IPv6. Neighbours that cached another MAC for
/// `addr` (the previous primary's) update it at once instead of when their entry expires.
pub fn announce(ifname: &str, addr: IpAddr) -> Result<(), VipError> {
    address::check_unicast(addr)?;
    let mac = packet::interface_mac(ifname)?;
    let frame = match addr {
        IpAddr::V4(ip) => frames::gratuitous_arp(mac, ip),
        IpAddr::V6(ip) => frames::unsolicited_na(mac, ip),
    };
    packet::send_frame(ifname, &frame)
}

/// As [`announce`], but telling the link that `addr` is at `sender_mac` (a farm's virtual
/// MAC) while the frame leaves from `ifname`'s own MAC, so that switches never learn
/// `sender_mac` at this node: a gratuitous ARP whose sender hardware address is `sender_mac`,
/// or an unsolicited advertisement whose target link-layer address option is. Refused: a group
/// or zero `sender_mac` (BAD_ADDRESS).
pub fn announce_as(ifname: &str, addr: IpAddr, sender_mac: [u8; 6]) -> Result<(), VipError> {
    address::check_unicast(addr)?;
    mac::check_station_mac(sender_mac)?;
    let mac = packet::interface_mac(ifname)?;
    let frame = match addr {
        IpAddr::V4(ip) => frames::gratuitous_arp_as(mac, sender_mac, ip),
        IpAddr::V6(ip) => frames::unsolicited_na_as(mac, sender_mac, ip),
    };
    packet::send_frame(ifname, &frame)
}

/// The MAC of another node on `ifname`'s link that holds `addr`, if one answers within
/// `timeout`: an RFC 5227 ARP probe for IPv4, a duplicate address detection solicitation for
/// IPv6. Neither changes any neighbour's cache. The first answer ends the wait.
pub fn conflict(ifname: &str, addr: IpAddr, timeout: Duration) -> Result<Option<[u8; 6]>, VipError> {
    address::check_unicast(addr)?;
    let mac = packet::interface_mac(ifname)?;
    match addr {
        IpAddr::V4(ip) => packet::probe(
            ifname,
            &frames::arp_probe(mac, ip),
            |f| frames::arp_claimant(f, ip),
            timeout,
        ),
        IpAddr::V6(ip) => packet::probe(
            ifname,
            &frames::ns_probe(mac, ip),
            |f| frames::na_claimant(f, ip),
            timeout,
        ),
    }
}
