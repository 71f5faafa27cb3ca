//! Ethernet addresses as keel writes them (`02:4b:56:00:00:09`), and which of them can be a
//! farm's virtual MAC (pure).

use crate::VipError;

/// `aa:bb:cc:dd:ee:ff`, lowercase: how keel shows a MAC.
pub fn mac_text(mac: [u8; 6]) -> String {
    mac.map(|b| format!("{b:02x}")).join(":")
}

/// A MAC written as six colon-separated pairs of hex digits (either case).
pub fn parse_mac(text: &str) -> Result<[u8; 6], VipError> {
    let bad = || VipError::BadAddress {
        addr: format!("{text:?}"),
        reason: "not a MAC address (six colon-separated pairs of hex digits, 02:4b:56:00:00:09)".into(),
    };
    let mut mac = [0u8; 6];
    let mut pairs = text.split(':');
    for byte in mac.iter_mut() {
        let pair = pairs.next().ok_or_else(bad)?;
        if pair.len() != 2 || !pair.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
    }
    match pairs.next() {
        Some(_) => Err(bad()),
        None => Ok(mac),
    }
}

/// A MAC that answers and announcements may give as a station's address: not a group (the
/// first octet's lowest bit, IEEE 802; the broadcast address among them), which no station
/// holds and neighbours would refuse, and not the zero address.
pub fn check_station_mac(mac: [u8; 6]) -> Result<(), VipError> {
    let why = if mac == [0; 6] {
        "the zero MAC"
    } else if mac[0] & 1 == 1 {
        "a group (multicast or broadcast) MAC: its first octet is odd"
    } else {
        return Ok(());
    };
    Err(VipError::BadAddress {
        addr: mac_text(mac),
        reason: format!("is {why}, which no station can hold"),
    })
}

/// A MAC a farm can give as its virtual MAC on `ifname`, whose own MAC is `own`: a station's
/// ([`check_station_mac`]) and not `own`, or a switch would learn it at this node and stop
/// flooding frames for it to the other nodes (decision 0017).
pub(crate) fn check_virtual_mac(ifname: &str, own: [u8; 6], vmac: [u8; 6]) -> Result<(), VipError> {
    check_station_mac(vmac)?;
    if vmac == own {
        return Err(VipError::BadAddress {
            addr: mac_text(vmac),
            reason: format!("is {ifname}'s own MAC: a virtual MAC must be one that no node sends from"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_read_and_write_as_colon_separated_hex() {
        assert_eq!(
            parse_mac("02:4B:56:00:ab:09").unwrap(),
            [2, 0x4b, 0x56, 0, 0xab, 9]
        );
        assert_eq!(mac_text([2, 0x4b, 0x56, 0, 0xab, 9]), "02:4b:56:00:ab:09");
    }

    #[test]
    fn what_is_no_mac_is_refused_as_a_bad_address() {
        for bad in [
            "",
            "02:4b:56:00:00",
            "02:4b:56:00:00:09:01",
            "02-4b-56-00-00-09",
            "2:4b:56:00:00:09",
            "02:4b:56:00:00:0g",
            "02:4b:56:00:00:+9",
            "02:4b:56:00:00:09:",
        ] {
            let e = parse_mac(bad).unwrap_err();
            assert_eq!(e.code(), "BAD_ADDRESS", "{bad:?}");
            assert!(e.to_string().contains("not a MAC address"), "{e}");
        }
    }

    #[test]
    fn group_and_zero_macs_cannot_be_a_station() {
        assert!(check_station_mac([2, 0x4b, 0x56, 0, 0, 9]).is_ok());
        for (mac, why) in [
            ([0xff; 6], "group"),
            ([0x01, 0, 0x5e, 0, 0, 1], "group"),
            ([0x33, 0x33, 0, 0, 0, 1], "group"),
            ([0; 6], "zero"),
        ] {
            let e = check_station_mac(mac).unwrap_err();
            assert_eq!(e.code(), "BAD_ADDRESS");
            assert!(e.to_string().contains(why), "{e}");
        }
    }

    #[test]
    fn a_virtual_mac_is_a_station_mac_other_than_the_interface_s_own() {
        let own = [0x0a, 0, 0, 0, 0, 1];
        assert!(check_virtual_mac("eth0", own, [2, 0x4b, 0x56, 0, 0, 9]).is_ok());
        let e = check_virtual_mac("eth0", own, own).unwrap_err();
        assert_eq!(e.code(), "BAD_ADDRESS");
        assert!(e.to_string().contains("eth0's own MAC"), "{e}");
        assert!(check_virtual_mac("eth0", own, [0xff; 6])
            .unwrap_err()
            .to_string()
            .contains("group"));
    }
}
