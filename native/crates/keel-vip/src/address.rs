//! Which addresses a node may hold, announce or probe for as a virtual IP (pure).

use crate::VipError;
use std::net::IpAddr;

/// A unicast address: the unspecified address, a multicast group or the IPv4 broadcast address
/// would, once placed or announced, take over traffic that is not the module's.
pub fn check_unicast(addr: IpAddr) -> Result<(), VipError> {
    let why = match addr {
        IpAddr::V4(a) if a.is_unspecified() => "the unspecified address",
        IpAddr::V4(a) if a.is_broadcast() => "the broadcast address",
        IpAddr::V4(a) if a.is_multicast() => "a multicast address",
        IpAddr::V6(a) if a.is_unspecified() => "the unspecified address",
        IpAddr::V6(a) if a.is_multicast() => "a multicast address",
        _ => return Ok(()),
    };
    Err(VipError::BadAddress {
        addr: addr.to_string(),
        reason: format!("is {why}, not a unicast address a node can hold"),
    })
}

/// A unicast address and a prefix length its family allows.
pub fn check(addr: IpAddr, prefix: u8) -> Result<(), VipError> {
    check_unicast(addr)?;
    let most = if addr.is_ipv4() { 32 } else { 128 };
    if prefix > most {
        return Err(VipError::BadAddress {
            addr: format!("{addr}/{prefix}"),
            reason: format!("the prefix length must be at most {most}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str, prefix: u8) -> bool {
        check(s.parse().unwrap(), prefix).is_ok()
    }

    #[test]
    fn unicast_addresses_with_a_prefix_of_their_family_pass() {
        assert!(ok("198.18.0.1", 24));
        assert!(ok("198.18.0.1", 32));
        assert!(ok("2001:2::1", 64));
        assert!(ok("2001:2::1", 128));
    }

    #[test]
    fn what_no_node_can_hold_is_refused_saying_why() {
        for (a, why) in [
            ("0.0.0.0", "unspecified"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("::", "unspecified"),
            ("ff02::1", "multicast"),
        ] {
            let e = check(a.parse().unwrap(), 8).unwrap_err();
            assert_eq!(e.code(), "BAD_ADDRESS");
            assert!(e.to_string().contains(why), "{e}");
        }
        let e = check("198.18.0.1".parse().unwrap(), 33).unwrap_err();
        assert_eq!(
            e.to_string(),
            "198.18.0.1/33: the prefix length must be at most 32"
        );
        assert!(!ok("2001:2::1", 129));
    }
}
