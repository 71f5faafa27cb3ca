//! The module's virtual IPs leave the node when its fence ends, right after its application was
//! sent SIGKILL: once every keel process of a primary is gone, the peer takes the address over,
//! and this node must not answer for it any more. Only addresses carrying keel's mark are
//! removed: the fence runs as root, and must not take an address that an operator or another
//! program placed.

use keel_vip::Address;
use std::net::IpAddr;

/// The node's addresses to remove: equal to one of `vips`, and keel's.
fn marked<'a>(node: &'a [Address], vips: &'a [IpAddr]) -> impl Iterator<Item = &'a Address> + 'a {
    node.iter().filter(|a| a.keel && vips.contains(&a.addr))
}

/// Removes them, each from the interface of the index listed (an interface renamed meanwhile is
/// still the one meant, and another that took its name is not touched); what could not be done,
/// one line each.
pub fn remove(vips: &[IpAddr]) -> Vec<String> {
    if vips.is_empty() {
        return Vec::new();
    }
    let node = match keel_vip::list_addresses() {
        Ok(node) => node,
        Err(e) => return vec![format!("its virtual IPs stay on the node: {e}")],
    };
    marked(&node, vips)
        .filter_map(
            |a| match keel_vip::remove_address_by_index(a.ifindex, a.addr, a.prefix) {
                // Gone already (removed meanwhile by someone else, or with its interface) is as good.
                Ok(_) => None,
                Err(e) => Some(format!(
                    "its virtual IP {}/{} stays on {}: {e}",
                    a.addr, a.prefix, a.ifname
                )),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ifname: &str, addr: &str, keel: bool) -> Address {
        Address {
            ifindex: 1,
            ifname: ifname.into(),
            addr: addr.parse().unwrap(),
            prefix: 24,
            keel,
        }
    }

    #[test]
    fn only_keels_addresses_equal_to_a_vip_are_taken() {
        let node = [
            at("eth0", "198.18.0.1", true),
            at("eth1", "198.18.0.1", false),
            at("eth0", "198.18.0.2", true),
            at("eth0", "2001:2::1", true),
            at("eth2", "198.18.0.1", true),
        ];
        let vips = ["198.18.0.1".parse().unwrap(), "2001:2::1".parse().unwrap()];
        let taken: Vec<(&str, String)> = marked(&node, &vips)
            .map(|a| (a.ifname.as_str(), a.addr.to_string()))
            .collect();
        assert_eq!(
            taken,
            [
                ("eth0", "198.18.0.1".to_string()),
                ("eth0", "2001:2::1".to_string()),
                ("eth2", "198.18.0.1".to_string())
            ]
        );
    }
}
