//! Virtual IPs (keel-vip): the node's addresses, keel's among them, their announcement and the
//! probe for another holder; for a farm, the leader's responder and announcement giving the
//! virtual MAC, and every node's hold of that MAC in its card's filter. Addresses cross as
//! strings, MACs as `aa:bb:cc:dd:ee:ff`.

use crate::{Code, Result};
use keel_vip::{mac_text, VipError};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Error, JsError, Task};
use napi_derive::napi;
use std::net::IpAddr;
use std::time::Duration;

/// A refused input or a failed call, before it becomes a JS error: its stable code and message.
/// (Plain data, so that it crosses from the libuv pool and is testable without Node.)
#[derive(Debug)]
pub struct Refusal {
    code: &'static str,
    message: String,
}

impl From<VipError> for Refusal {
    fn from(err: VipError) -> Refusal {
        Refusal {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

impl From<Refusal> for Error<Code> {
    fn from(r: Refusal) -> Error<Code> {
        Error::new(Code(r.code), r.message)
    }
}

fn bad_address(addr: impl std::fmt::Display, reason: &str) -> Refusal {
    Refusal::from(VipError::BadAddress {
        addr: addr.to_string(),
        reason: reason.to_string(),
    })
}

fn to_addr(addr: &str) -> std::result::Result<IpAddr, Refusal> {
    addr.parse()
        .map_err(|_| bad_address(format!("{addr:?}"), "not an IPv4 or IPv6 address"))
}

/// The family's own bound is keel-vip's to check; here only that it is a prefix length at all.
fn to_prefix(addr: &str, prefix: f64) -> std::result::Result<u8, Refusal> {
    if prefix.fract() == 0.0 && (0.0..=128.0).contains(&prefix) {
        Ok(prefix as u8)
    } else {
        Err(bad_address(
            format!("{addr}/{prefix}"),
            "the prefix length must be an integer in 0..=128",
        ))
    }
}

fn to_timeout(ms: f64) -> std::result::Result<Duration, Refusal> {
    if ms.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&ms) {
        Ok(Duration::from_secs_f64(ms / 1000.0))
    } else {
        Err(Refusal {
            code: "BAD_TIMEOUT",
            message: format!(
                "the timeout must be a number of milliseconds in 0..={}, got {ms}",
                u32::MAX
            ),
        })
    }
}

/// A keel-vip result as the binding returns it.
fn thrown<T>(r: std::result::Result<T, VipError>) -> Result<T> {
    r.map_err(|e| Refusal::from(e).into())
}

/// An address of the node; `keel` when keel placed it (it carries keel's mark).
#[napi(object)]
pub struct VipAddress {
    pub ifindex: u32,
    pub ifname: String,
    pub addr: String,
    pub prefix: u32,
    pub keel: bool,
}

/// Every address of every interface of the node, both families.
#[napi]
pub fn vip_addresses() -> Result<Vec<VipAddress>> {
    let all = thrown(keel_vip::list_addresses())?;
    Ok(all
        .into_iter()
        .map(|a| VipAddress {
            ifindex: a.ifindex,
            ifname: a.ifname,
            addr: a.addr.to_string(),
            prefix: u32::from(a.prefix),
            keel: a.keel,
        })
        .collect())
}

/// Places `addr/prefix` on `ifname`, marked as keel's (an IPv6 one usable at once).
#[napi]
pub fn vip_add_address(ifname: String, addr: String, prefix: f64) -> Result<()> {
    let prefix = to_prefix(&addr, prefix)?;
    thrown(keel_vip::add_address(&ifname, to_addr(&addr)?, prefix))
}

/// Removes `addr/prefix` from `ifname`; false if it was not there.
#[napi]
pub fn vip_remove_address(ifname: String, addr: String, prefix: f64) -> Result<bool> {
    let prefix = to_prefix(&addr, prefix)?;
    thrown(keel_vip::remove_address(&ifname, to_addr(&addr)?, prefix))
}

/// Tells `ifname`'s link that `addr` is at its MAC (gratuitous ARP, unsolicited advertisement).
#[napi]
pub fn vip_announce(ifname: String, addr: String) -> Result<()> {
    thrown(keel_vip::announce(&ifname, to_addr(&addr)?))
}

/// Tells `ifname`'s link that `addr` is at `mac` (a farm's virtual MAC), sending from
/// `ifname`'s own MAC: a gratuitous ARP or unsolicited advertisement giving `mac`.
#[napi]
pub fn vip_announce_as(ifname: String, addr: String, mac: String) -> Result<()> {
    let addr = to_addr(&addr)?;
    let mac = thrown(keel_vip::parse_mac(&mac))?;
    thrown(keel_vip::announce_as(&ifname, addr, mac))
}

/// A farm leader's answers for its virtual IPs on one interface, running on a thread of its
/// own until `stop()`, or until the object is collected (do not rely on it: call `stop()`).
#[napi]
pub struct VipResponder {
    inner: keel_vip::Responder,
}

#[napi]
impl VipResponder {
    /// Stops answering; when it returns, no more replies leave. A second call does nothing.
    #[napi]
    pub fn stop(&mut self) {
        self.inner.stop();
    }

    /// Replies sent so far (ARP replies and neighbour advertisements).
    #[napi]
    pub fn answered(&self) -> f64 {
        // Exact up to 2^53 replies.
        self.inner.answered() as f64
    }
}

fn to_responder(
    ifname: &str,
    addresses: &[String],
    vmac: &str,
) -> std::result::Result<keel_vip::Responder, Refusal> {
    let addrs = addresses
        .iter()
        .map(|a| to_addr(a))
        .collect::<std::result::Result<Vec<IpAddr>, Refusal>>()?;
    let vmac = keel_vip::parse_mac(vmac)?;
    Ok(keel_vip::Responder::start(ifname, addrs, vmac)?)
}

/// Starts answering, on `ifname`, ARP requests and neighbour solicitations for `addresses`
/// with `vmac`, sending from `ifname`'s own MAC.
#[napi]
pub fn vip_responder_start(ifname: String, addresses: Vec<String>, vmac: String) -> Result<VipResponder> {
    let inner = to_responder(&ifname, &addresses, &vmac)?;
    Ok(VipResponder { inner })
}

/// A farm's virtual MAC kept received by one interface's card, until `release()`, or until the
/// object is collected or the process ends (do not rely on collection: call `release()`).
#[napi]
pub struct VipUnicastHold {
    inner: Option<keel_vip::UnicastMembership>,
    // Kept apart from the membership so that `kind()` still answers after `release()`.
    kind: keel_vip::Held,
}

#[napi]
impl VipUnicastHold {
    /// Gives the MAC back to the card's filter (or its promiscuity). A second call does nothing.
    #[napi]
    pub fn release(&mut self) {
        self.inner = None;
    }

    /// How the MAC is held: in the card's unicast filter, or by making the card promiscuous
    /// (the kernel refused the address).
    #[napi(ts_return_type = "'unicast' | 'promiscuous'")]
    pub fn kind(&self) -> &'static str {
        self.kind.as_str()
    }
}

fn to_unicast_hold(ifname: &str, mac: &str) -> std::result::Result<keel_vip::UnicastMembership, Refusal> {
    let mac = keel_vip::parse_mac(mac)?;
    Ok(keel_vip::UnicastMembership::join(ifname, mac)?)
}

/// Keeps frames to `mac` (a farm's virtual MAC) received by `ifname`'s card while a farm VIP is
/// placed there: its unicast filter would drop them before the farm filter sees them.
#[napi]
pub fn vip_hold_unicast(ifname: String, mac: String) -> Result<VipUnicastHold> {
    let inner = to_unicast_hold(&ifname, &mac)?;
    Ok(VipUnicastHold {
        kind: inner.kind(),
        inner: Some(inner),
    })
}

/// The probe for another holder of an address, on the libuv pool: it waits up to its timeout.
pub struct Conflict {
    ifname: String,
    addr: String,
    timeout_ms: f64,
}

impl Conflict {
    fn probe(&self) -> std::result::Result<Option<[u8; 6]>, Refusal> {
        let addr = to_addr(&self.addr)?;
        let timeout = to_timeout(self.timeout_ms)?;
        Ok(keel_vip::conflict(&self.ifname, addr, timeout)?)
    }
}

impl Task for Conflict {
    // The outcome, refusals included: a task's own error type cannot carry a `code` string.
    type Output = std::result::Result<Option<[u8; 6]>, Refusal>;
    type JsValue = Option<String>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.probe())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(mac) => Ok(mac.map(mac_text)),
            // Rejected with a JS error made here, on the JS thread, where it can carry `code`.
            Err(r) => {
                let e: Error<Code> = r.into();
                Err(Error::from(JsError::from(e).into_unknown(env)))
            }
        }
    }
}

/// The MAC of another node on `ifname`'s link holding `addr`, if one answers within
/// `timeoutMs`; null otherwise. Every refusal rejects the promise, none is thrown.
// The typings cannot see through the task to its value: said here.
#[napi(ts_return_type = "Promise<string | null>")]
pub fn vip_conflict(ifname: String, addr: String, timeout_ms: f64) -> AsyncTask<Conflict> {
    AsyncTask::new(Conflict {
        ifname,
        addr,
        timeout_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_read_as_lowercase_colon_separated_hex() {
        assert_eq!(mac_text([0x02, 0x4b, 0, 0xab, 0xcd, 0xef]), "02:4b:00:ab:cd:ef");
    }

    #[test]
    fn a_responder_with_no_address_or_mac_is_refused_before_touching_the_node() {
        let code = |r: std::result::Result<keel_vip::Responder, Refusal>| r.err().map(|r| r.code);
        let good = ["198.18.0.10".to_string()];
        assert_eq!(code(to_responder("lo", &good, "02:4b:56")), Some("BAD_ADDRESS"));
        assert_eq!(
            code(to_responder("lo", &good, "ff:ff:ff:ff:ff:ff")),
            Some("BAD_ADDRESS")
        );
        let bad = ["198.18.0.10".to_string(), "nope".to_string()];
        assert_eq!(
            code(to_responder("lo", &bad, "02:4b:56:00:00:09")),
            Some("BAD_ADDRESS")
        );
    }

    #[test]
    fn a_hold_of_no_mac_or_a_group_mac_is_refused_before_touching_the_node() {
        let code = |mac: &str| to_unicast_hold("lo", mac).err().map(|r| r.code);
        assert_eq!(code("02:4b:56"), Some("BAD_ADDRESS"));
        assert_eq!(code("01:00:5e:00:00:01"), Some("BAD_ADDRESS"));
        assert_eq!(code("00:00:00:00:00:00"), Some("BAD_ADDRESS"));
    }

    #[test]
    fn inputs_that_are_no_address_prefix_or_timeout_carry_their_code() {
        let code = |r: Refusal| r.code;
        assert_eq!(code(to_addr("198.18.0.1/24").unwrap_err()), "BAD_ADDRESS");
        assert_eq!(
            to_addr("2001:2::1").unwrap(),
            "2001:2::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(code(to_prefix("a", 24.5).unwrap_err()), "BAD_ADDRESS");
        assert_eq!(code(to_prefix("a", -1.0).unwrap_err()), "BAD_ADDRESS");
        assert_eq!(code(to_prefix("a", 129.0).unwrap_err()), "BAD_ADDRESS");
        assert_eq!(to_prefix("a", 128.0).unwrap(), 128);
        assert_eq!(code(to_timeout(f64::NAN).unwrap_err()), "BAD_TIMEOUT");
        assert_eq!(code(to_timeout(-1.0).unwrap_err()), "BAD_TIMEOUT");
        assert_eq!(to_timeout(1500.0).unwrap(), Duration::from_millis(1500));
    }
}
