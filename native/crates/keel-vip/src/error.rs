//! Why an operation on a virtual IP failed. Each variant has a stable [`VipError::code`] that the
//! Node.js binding forwards unchanged, so callers branch on it rather than on message text.

use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VipError {
    /// The kernel already holds this address and prefix on this interface (EEXIST).
    Exists {
        ifname: String,
        addr: IpAddr,
        prefix: u8,
    },
    /// No interface has this name (ENODEV, or a name no interface can have).
    NoInterface { ifname: String },
    /// The kernel refused for lack of privilege (EPERM, EACCES): keel runs as root.
    Permission { action: String, reason: String },
    /// Not an address (or prefix) a node can hold as a virtual IP; or not a MAC a farm can give
    /// as its virtual MAC (no MAC, a group or zero MAC, the interface's own).
    BadAddress { addr: String, reason: String },
    /// Anything else the kernel or a socket answered.
    Io { action: String, reason: String },
}

impl VipError {
    /// Stable identifier of the error kind, part of the public contract of the binding.
    pub fn code(&self) -> &'static str {
        match self {
            VipError::Exists { .. } => "EXISTS",
            VipError::NoInterface { .. } => "NO_INTERFACE",
            VipError::Permission { .. } => "PERMISSION",
            VipError::BadAddress { .. } => "BAD_ADDRESS",
            VipError::Io { .. } => "IO",
        }
    }

    /// The error for an errno the caller has no more precise meaning for; `action` says what was
    /// being done ("adding 198.18.0.1/24 on eth0").
    pub(crate) fn from_errno(errno: i32, action: impl Into<String>) -> VipError {
        let reason = std::io::Error::from_raw_os_error(errno).to_string();
        let action = action.into();
        match errno {
            libc::EPERM | libc::EACCES => VipError::Permission { action, reason },
            _ => VipError::Io { action, reason },
        }
    }

    /// As [`VipError::from_errno`], with the errno of the last failed call.
    pub(crate) fn last_os(action: impl Into<String>) -> VipError {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        VipError::from_errno(errno, action)
    }
}

impl fmt::Display for VipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VipError::Exists { ifname, addr, prefix } => write!(f, "{addr}/{prefix} is already on {ifname}"),
            VipError::NoInterface { ifname } => write!(f, "no network interface named {ifname:?}"),
            VipError::Permission { action, reason } => write!(
                f,
                "{action}: {reason} (keel needs CAP_NET_ADMIN and CAP_NET_RAW: run it as root)"
            ),
            VipError::BadAddress { addr, reason } => write!(f, "{addr}: {reason}"),
            VipError::Io { action, reason } => write!(f, "{action}: {reason}"),
        }
    }
}

impl std::error::Error for VipError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<VipError> {
        vec![
            VipError::Exists {
                ifname: "eth0".into(),
                addr: "198.18.0.1".parse().unwrap(),
                prefix: 24,
            },
            VipError::NoInterface {
                ifname: "eth9".into(),
            },
            VipError::Permission {
                action: "a".into(),
                reason: "r".into(),
            },
            VipError::BadAddress {
                addr: "x".into(),
                reason: "r".into(),
            },
            VipError::Io {
                action: "a".into(),
                reason: "r".into(),
            },
        ]
    }

    #[test]
    fn codes_are_distinct_so_callers_can_branch_on_them() {
        let mut codes: Vec<&str> = all().iter().map(VipError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all().len());
    }

    #[test]
    fn messages_say_which_address_and_interface() {
        assert_eq!(all()[0].to_string(), "198.18.0.1/24 is already on eth0");
        assert!(all()[1].to_string().contains("\"eth9\""));
    }

    #[test]
    fn errnos_map_to_permission_or_io_with_their_text() {
        let e = VipError::from_errno(libc::EPERM, "adding 198.18.0.1/24 on eth0");
        assert_eq!(e.code(), "PERMISSION");
        assert!(e.to_string().starts_with("adding 198.18.0.1/24 on eth0: "));
        assert_eq!(VipError::from_errno(libc::EACCES, "x").code(), "PERMISSION");
        let io = VipError::from_errno(libc::ENOBUFS, "listing");
        assert_eq!(io.code(), "IO");
        assert!(io.to_string().contains("No buffer space"), "{io}");
    }
}
