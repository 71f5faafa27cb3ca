//! keel-vip: a module's virtual IP on a Linux node. keel places the address on an interface
//! marked as its own ([`netlink`]), tells the link the address has moved here ([`announce`])
//! and, before placing it, asks whether another node still holds it ([`conflict`]).
//!
//! Everything acts in the calling thread's network namespace and needs root (CAP_NET_ADMIN for
//! addresses, CAP_NET_RAW for frames). Errors are [`VipError`]s with stable codes.

mod address;
mod error;
pub mod frames;
mod interface;
pub mod netlink;
pub mod packet;

pub use address::check_unicast;
pub use error::VipError;
pub use netlink::{
    add_address, list_addresses, remove_address, remove_address_by_index, Address, KEEL_ADDR_PROTO,
};

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
