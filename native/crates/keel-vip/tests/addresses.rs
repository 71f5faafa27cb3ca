//! keel's addresses through rtnetlink on a real kernel, in a private network namespace.
mod support;

use keel_vip::{add_address, list_addresses, remove_address, remove_address_by_index, Address};
use std::net::IpAddr;
use support::{in_netns, ip, veth};

fn a(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn listed(addr: &str) -> Option<Address> {
    list_addresses().unwrap().into_iter().find(|x| x.addr == a(addr))
}

#[test]
fn an_address_keel_adds_is_listed_as_keels_and_removed() {
    in_netns(|| {
        ip("link set lo up");
        add_address("lo", a("198.18.10.1"), 24).unwrap();
        add_address("lo", a("2001:2::10"), 64).unwrap();
        let v4 = listed("198.18.10.1").expect("listed");
        assert_eq!(
            v4,
            Address {
                ifindex: v4.ifindex,
                ifname: "lo".into(),
                addr: a("198.18.10.1"),
                prefix: 24,
                keel: true
            }
        );
        let v6 = listed("2001:2::10").expect("listed");
        assert!(v6.keel && v6.prefix == 64 && v6.ifname == "lo");
        // Usable at once: not tentative (no duplicate address detection).
        assert!(!ip("-6 addr show dev lo").contains("tentative"));
        assert!(ip("addr show dev lo").contains("198.18.10.1/24"));

        assert!(remove_address("lo", a("198.18.10.1"), 24).unwrap());
        assert!(remove_address("lo", a("2001:2::10"), 64).unwrap());
        assert_eq!(listed("198.18.10.1"), None);
        assert_eq!(listed("2001:2::10"), None);
        // Not there any more.
        assert!(!remove_address("lo", a("198.18.10.1"), 24).unwrap());
        assert!(!remove_address("lo", a("2001:2::10"), 64).unwrap());
    })
}

#[test]
fn an_address_placed_by_someone_else_is_listed_without_keels_mark() {
    in_netns(|| {
        ip("addr add 198.18.11.1/32 dev lo");
        ip("addr add 2001:2::11/128 dev lo nodad");
        add_address("lo", a("198.18.11.2"), 32).unwrap();
        assert!(!listed("198.18.11.1").unwrap().keel);
        assert!(!listed("2001:2::11").unwrap().keel);
        assert!(listed("198.18.11.2").unwrap().keel);
    })
}

#[test]
fn adding_an_address_twice_is_exists() {
    in_netns(|| {
        add_address("lo", a("198.18.12.1"), 24).unwrap();
        let e = add_address("lo", a("198.18.12.1"), 24).unwrap_err();
        assert_eq!(e.code(), "EXISTS");
        assert_eq!(e.to_string(), "198.18.12.1/24 is already on lo");
        ip("link set lo up");
        add_address("lo", a("2001:2::12"), 64).unwrap();
        assert_eq!(
            add_address("lo", a("2001:2::12"), 64).unwrap_err().code(),
            "EXISTS"
        );
        // An address someone else placed counts as well.
        ip("addr add 198.18.12.2/32 dev lo");
        assert_eq!(
            add_address("lo", a("198.18.12.2"), 32).unwrap_err().code(),
            "EXISTS"
        );
    })
}

#[test]
fn an_unknown_interface_is_no_interface() {
    in_netns(|| {
        let e = add_address("keel-none0", a("198.18.13.1"), 24).unwrap_err();
        assert_eq!(e.code(), "NO_INTERFACE");
        assert!(e.to_string().contains("\"keel-none0\""), "{e}");
        let e = remove_address("keel-none0", a("198.18.13.1"), 24).unwrap_err();
        assert_eq!(e.code(), "NO_INTERFACE");
    })
}

#[test]
fn the_prefix_must_match_for_a_removal() {
    in_netns(|| {
        add_address("lo", a("198.18.14.1"), 24).unwrap();
        assert!(!remove_address("lo", a("198.18.14.1"), 25).unwrap());
        assert!(listed("198.18.14.1").is_some());
        assert!(remove_address("lo", a("198.18.14.1"), 24).unwrap());
    })
}

#[test]
fn what_no_node_can_hold_is_bad_address_before_the_kernel_is_asked() {
    in_netns(|| {
        assert_eq!(
            add_address("lo", a("224.0.0.9"), 32).unwrap_err().code(),
            "BAD_ADDRESS"
        );
        assert_eq!(
            add_address("lo", a("198.18.15.1"), 33).unwrap_err().code(),
            "BAD_ADDRESS"
        );
    })
}

#[test]
fn a_removal_by_index_hits_the_interface_listed_even_renamed_since() {
    in_netns(|| {
        veth("vip-x", "vip-p");
        // A rename needs the link down, which would take its IPv6 addresses with it otherwise.
        std::fs::write("/proc/sys/net/ipv6/conf/vip-x/keep_addr_on_down", "1").unwrap();
        add_address("vip-x", a("198.18.16.1"), 24).unwrap();
        add_address("vip-x", a("2001:2::16"), 64).unwrap();
        let v4 = listed("198.18.16.1").expect("listed");
        let v6 = listed("2001:2::16").expect("listed");
        // Between the listing and the removal, the interface is renamed and another takes its
        // name, holding the same address, placed by keel too.
        ip("link set vip-x down");
        ip("link set vip-x name vip-y");
        veth("vip-x", "vip-q");
        add_address("vip-x", a("198.18.16.1"), 24).unwrap();
        assert!(remove_address_by_index(v4.ifindex, v4.addr, v4.prefix).unwrap());
        assert!(remove_address_by_index(v6.ifindex, v6.addr, v6.prefix).unwrap());
        let left: Vec<(String, String)> = list_addresses()
            .unwrap()
            .into_iter()
            .filter(|x| x.addr == a("198.18.16.1") || x.addr == a("2001:2::16"))
            .map(|x| (x.ifname, x.addr.to_string()))
            .collect();
        assert_eq!(left, [("vip-x".to_string(), "198.18.16.1".to_string())]);
        // Not there any more; an index no interface has: not there either.
        assert!(!remove_address_by_index(v4.ifindex, v4.addr, v4.prefix).unwrap());
        assert!(!remove_address_by_index(v6.ifindex, v6.addr, v6.prefix).unwrap());
        ip("link del vip-y");
        assert!(!remove_address_by_index(v4.ifindex, v4.addr, v4.prefix).unwrap());
        assert!(!remove_address_by_index(v6.ifindex, v6.addr, v6.prefix).unwrap());
        assert_eq!(
            remove_address_by_index(v4.ifindex, a("127.0.0.1"), 8)
                .unwrap_err()
                .code(),
            "BAD_ADDRESS"
        );
    })
}

#[test]
fn what_cannot_be_a_virtual_ip_is_refused_before_the_kernel_is_asked() {
    in_netns(|| {
        for bad in ["127.0.0.2", "169.254.1.1", "::1", "::ffff:198.18.17.1"] {
            let e = add_address("lo", a(bad), 32).unwrap_err();
            assert_eq!(e.code(), "BAD_ADDRESS", "{bad}");
            assert!(e.to_string().contains("cannot be a virtual IP"), "{e}");
        }
        assert!(list_addresses().unwrap().iter().all(|x| !x.keel));
    })
}
