//! Network interfaces by name and index, in the calling thread's network namespace.

use crate::VipError;
use std::ffi::{CStr, CString};

/// An interface name as the kernel holds it: at most 15 bytes and a NUL.
pub fn c_name(ifname: &str) -> Result<[libc::c_char; libc::IFNAMSIZ], VipError> {
    let none = || VipError::NoInterface {
        ifname: ifname.to_string(),
    };
    if ifname.is_empty() || ifname.len() >= libc::IFNAMSIZ || ifname.contains('\0') {
        return Err(none());
    }
    let mut name = [0 as libc::c_char; libc::IFNAMSIZ];
    for (to, from) in name.iter_mut().zip(ifname.bytes()) {
        *to = from as libc::c_char;
    }
    Ok(name)
}

pub fn index(ifname: &str) -> Result<u32, VipError> {
    c_name(ifname)?;
    let c = CString::new(ifname).expect("checked for NUL above");
    match unsafe { libc::if_nametoindex(c.as_ptr()) } {
        0 => match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::ENODEV) | Some(libc::ENXIO) => Err(VipError::NoInterface {
                ifname: ifname.to_string(),
            }),
            Some(errno) => Err(VipError::from_errno(errno, format!("finding interface {ifname}"))),
            None => Err(VipError::NoInterface {
                ifname: ifname.to_string(),
            }),
        },
        i => Ok(i),
    }
}

/// The name of an interface; None if it is gone.
pub fn name(index: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IFNAMSIZ];
    let r = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    (!r.is_null()).then(|| {
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_no_interface_can_have_are_refused_without_asking_the_kernel() {
        for bad in ["", "a-name-of-16-chr", "nul\0in"] {
            assert_eq!(c_name(bad).unwrap_err().code(), "NO_INTERFACE", "{bad:?}");
        }
        assert_eq!(
            c_name("eth0").unwrap()[..5],
            [b'e' as _, b't' as _, b'h' as _, b'0' as _, 0]
        );
    }

    #[test]
    fn loopback_is_found_both_ways() {
        let i = index("lo").unwrap();
        assert_eq!(name(i).as_deref(), Some("lo"));
        assert_eq!(index("keel-none0").unwrap_err().code(), "NO_INTERFACE");
    }
}
