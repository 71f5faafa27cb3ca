//! Which addresses a node may hold, announce or probe for as a virtual IP (pure).

use crate::VipError;
use std::net::IpAddr;

/// An address a node can hold as a virtual IP and announce on a link: not the unspecified
/// address, a multicast group or the IPv4 broadcast address (placed or announced, they would take
/// over traffic that is not the module's); not a loopback address (127.0.0.0/8, ::1), which
/// never leaves the node; not an IPv4 link-local address (169.254.0.0/16), which a host picks
/// for itself on its link and routers do not forward; not an IPv4-mapped IPv6 address
/// (::ffff:0:0/96), which stands for an IPv4 address inside IPv6 sockets and is never on a link.
pub fn check_unicast(addr: IpAddr) -> Result<(), VipError> {
    let why = match addr {
        IpAddr::V4(a) if a.is_unspecified() => "the unspecified address",
        IpAddr::V4(a) if a.is_broadcast() => "the broadcast address",
        IpAddr::V4(a) if a.is_multicast() => "a multicast address (224.0.0.0/4)",
        IpAddr::V4(a) if a.is_loopback() => "a loopback address (127.0.0.0/8)",
        IpAddr::V4(a) if a.is_link_local() => "a link-local address (169.254.0.0/16)",
        IpAddr::V6(a) if a.is_unspecified() => "the unspecified address",
        IpAddr::V6(a) if a.is_multicast() => "a multicast address (ff00::/8)",
        IpAddr::V6(a) if a.is_loopback() => "the loopback address",
        IpAddr::V6(a) if a.to_ipv4_mapped().is_some() => {
            "an IPv4-mapped IPv6 address (::ffff:0:0/96): give the IPv4 address itself"
        }
        _ => return Ok(()),
    };
    Err(VipError::BadAddress {
        addr: addr.to_string(),
        reason: format!("is {why}, which cannot be a virtual IP"),
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
    fn what_cannot_be_a_virtual_ip_is_refused_saying_why() {
        for (a, why) in [
            ("0.0.0.0", "is the unspecified address"),
            ("255.255.255.255", "is the broadcast address"),
            ("224.0.0.1", "is a multicast address"),
            ("239.255.255.255", "is a multicast address"),
            ("127.0.0.1", "is a loopback address (127.0.0.0/8)"),
            ("127.255.0.9", "is a loopback address"),
            ("169.254.0.1", "is a link-local address (169.254.0.0/16)"),
            ("169.254.255.254", "is a link-local address"),
            ("::", "is the unspecified address"),
            ("ff02::1", "is a multicast address"),
            ("::1", "is the loopback address"),
            (
                "::ffff:198.18.0.1",
                "is an IPv4-mapped IPv6 address (::ffff:0:0/96)",
            ),
            ("::ffff:0.0.0.0", "IPv4-mapped"),
        ] {
            let e = check(a.parse().unwrap(), 8).unwrap_err();
            assert_eq!(e.code(), "BAD_ADDRESS");
            assert!(e.to_string().contains(why), "{e}");
            assert!(e.to_string().ends_with("which cannot be a virtual IP"), "{e}");
            assert_eq!(check_unicast(a.parse().unwrap()), Err(e));
        }
        assert_eq!(
            check_unicast("127.0.0.1".parse().unwrap())
                .unwrap_err()
                .to_string(),
            "127.0.0.1: is a loopback address (127.0.0.0/8), which cannot be a virtual IP"
        );
        let e = check("198.18.0.1".parse().unwrap(), 33).unwrap_err();
        assert_eq!(
            e.to_string(),
            "198.18.0.1/33: the prefix length must be at most 32"
        );
        assert!(!ok("2001:2::1", 129));
    }

    #[test]
    fn neighbours_of_the_refused_ranges_pass() {
        for a in [
            "126.255.255.255",
            "128.0.0.1",
            "169.253.255.255",
            "169.255.0.1",
            "223.255.255.254",
            "198.18.0.255",
            "::2",
            "::fffe:c612:1",
            "64:ff9b::c612:1",
            "fe80::1",
            "fd00::1",
        ] {
            assert!(ok(a, 24), "{a}");
        }
    }
}
