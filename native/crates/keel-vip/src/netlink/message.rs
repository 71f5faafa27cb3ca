//! rtnetlink address messages (pure): the requests keel makes and the kernel's answers
//! (rtnetlink(7); the layouts are the kernel's `nlmsghdr`, `ifaddrmsg` and `rtattr`, fields in
//! host byte order, addresses in network order).

use std::net::IpAddr;

/// keel's mark on the addresses it places, in their IFA_PROTO attribute: root can remove the
/// addresses keel placed without touching one an operator or another program did.
pub const KEEL_ADDR_PROTO: u8 = 0x4b;

const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_DUMP_INTR: u16 = 0x10;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
/// NLM_F_ROOT | NLM_F_MATCH.
const NLM_F_DUMP: u16 = 0x300;

const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_FLAGS: u16 = 8;
/// Who placed the address (kernel >= 5.18; older kernels ignore it, leaving no mark).
const IFA_PROTO: u16 = 11;
/// Usable at once: no duplicate address detection, which would hold an IPv6 address tentative
/// (unusable) for a second or more after a failover.
const IFA_F_NODAD: u8 = 0x02;
const RT_SCOPE_UNIVERSE: u8 = 0;
/// The attribute type without its nested and byte-order bits.
const NLA_TYPE_MASK: u16 = 0x3fff;

const HEADER: usize = 16;
const IFADDRMSG: usize = 8;

fn align(len: usize) -> usize {
    (len + 3) & !3
}

fn family(addr: IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => libc::AF_INET as u8,
        IpAddr::V6(_) => libc::AF_INET6 as u8,
    }
}

fn octets(addr: IpAddr) -> Vec<u8> {
    match addr {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// A message being written: its header's length is filled in by `finish`.
struct Builder(Vec<u8>);

impl Builder {
    fn new(kind: u16, flags: u16, seq: u32) -> Builder {
        let mut b = Vec::with_capacity(64);
        b.extend_from_slice(&0u32.to_ne_bytes());
        b.extend_from_slice(&kind.to_ne_bytes());
        b.extend_from_slice(&flags.to_ne_bytes());
        b.extend_from_slice(&seq.to_ne_bytes());
        // The sender's port: 0 lets the kernel fill in the socket's own.
        b.extend_from_slice(&0u32.to_ne_bytes());
        Builder(b)
    }

    fn ifaddrmsg(mut self, family: u8, prefix: u8, flags: u8, ifindex: u32) -> Builder {
        self.0
            .extend_from_slice(&[family, prefix, flags, RT_SCOPE_UNIVERSE]);
        self.0.extend_from_slice(&ifindex.to_ne_bytes());
        self
    }

    fn attribute(mut self, kind: u16, data: &[u8]) -> Builder {
        self.0.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        self.0.extend_from_slice(&kind.to_ne_bytes());
        self.0.extend_from_slice(data);
        self.0.resize(align(self.0.len()), 0);
        self
    }

    fn finish(mut self) -> Vec<u8> {
        let len = self.0.len() as u32;
        self.0[..4].copy_from_slice(&len.to_ne_bytes());
        self.0
    }
}

/// Places `addr/prefix` on the interface, marked as keel's; refused (EEXIST) if it is there.
pub fn add_request(seq: u32, ifindex: u32, addr: IpAddr, prefix: u8) -> Vec<u8> {
    let flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    let ifa_flags = if addr.is_ipv6() { IFA_F_NODAD } else { 0 };
    let b = Builder::new(RTM_NEWADDR, flags, seq)
        .ifaddrmsg(family(addr), prefix, ifa_flags, ifindex)
        .attribute(IFA_LOCAL, &octets(addr))
        .attribute(IFA_ADDRESS, &octets(addr))
        .attribute(IFA_PROTO, &[KEEL_ADDR_PROTO]);
    // The one-byte ifa_flags field is the old way; IFA_FLAGS the one newer kernels read first.
    let b = if addr.is_ipv6() {
        b.attribute(IFA_FLAGS, &u32::from(IFA_F_NODAD).to_ne_bytes())
    } else {
        b
    };
    b.finish()
}

/// Removes `addr/prefix` from the interface (EADDRNOTAVAIL if it is not there). IFA_ADDRESS
/// makes the kernel match the prefix too, not the address alone.
pub fn remove_request(seq: u32, ifindex: u32, addr: IpAddr, prefix: u8) -> Vec<u8> {
    Builder::new(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq)
        .ifaddrmsg(family(addr), prefix, 0, ifindex)
        .attribute(IFA_LOCAL, &octets(addr))
        .attribute(IFA_ADDRESS, &octets(addr))
        .finish()
}

/// Every address of every interface, both families.
pub fn dump_request(seq: u32) -> Vec<u8> {
    Builder::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq)
        .ifaddrmsg(libc::AF_UNSPEC as u8, 0, 0, 0)
        .finish()
}

/// One address of a dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub ifindex: u32,
    pub addr: IpAddr,
    pub prefix: u8,
    /// Who placed it (IFA_PROTO), when the kernel knows.
    pub proto: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Address(Listed),
    /// The end of a dump: 0, or the errno that cut it short.
    Done(i32),
    /// The answer to a request: 0 when done, else the errno.
    Status(i32),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub seq: u32,
    /// The addresses changed while the kernel dumped them: the dump must be redone.
    pub interrupted: bool,
    pub reply: Reply,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
}

/// The messages of one datagram from the kernel.
pub fn parse(mut buf: &[u8]) -> Result<Vec<Message>, String> {
    let mut out = Vec::new();
    while buf.len() >= HEADER {
        let len = u32_at(buf, 0) as usize;
        if len < HEADER || len > buf.len() {
            return Err(format!(
                "a message of {len} bytes in {} left: the answer is cut",
                buf.len()
            ));
        }
        let (kind, flags, seq) = (u16_at(buf, 4), u16_at(buf, 6), u32_at(buf, 8));
        let body = &buf[HEADER..len];
        let errno = || body.get(..4).map_or(0, |e| -(u32_at(e, 0) as i32));
        let reply = match kind {
            NLMSG_ERROR => Reply::Status(errno()),
            NLMSG_DONE => Reply::Done(errno()),
            RTM_NEWADDR => address(body)?.map_or(Reply::Other, Reply::Address),
            _ => Reply::Other,
        };
        out.push(Message {
            seq,
            interrupted: flags & NLM_F_DUMP_INTR != 0,
            reply,
        });
        buf = &buf[align(len).min(buf.len())..];
    }
    Ok(out)
}

/// An RTM_NEWADDR body; None for a family other than IPv4 and IPv6.
fn address(body: &[u8]) -> Result<Option<Listed>, String> {
    let Some(head) = body.get(..IFADDRMSG) else {
        return Err(format!("an address message of {} bytes", body.len()));
    };
    let size = match i32::from(head[0]) {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => return Ok(None),
    };
    let (mut local, mut address, mut proto) = (None, None, None);
    let mut attrs = &body[IFADDRMSG..];
    while attrs.len() >= 4 {
        let len = usize::from(u16_at(attrs, 0));
        if len < 4 || len > attrs.len() {
            return Err(format!("an attribute of {len} bytes in {} left", attrs.len()));
        }
        let data = &attrs[4..len];
        match u16_at(attrs, 2) & NLA_TYPE_MASK {
            IFA_LOCAL => local = Some(data),
            IFA_ADDRESS => address = Some(data),
            IFA_PROTO => proto = data.first().copied(),
            _ => {}
        }
        attrs = &attrs[align(len).min(attrs.len())..];
    }
    // IFA_LOCAL is the node's own address; IFA_ADDRESS is the peer's on a point-to-point link,
    // and the only one IPv6 gives otherwise.
    let Some(raw) = local.or(address) else {
        return Ok(None);
    };
    let addr = match (size, raw.len()) {
        (4, 4) => IpAddr::from(<[u8; 4]>::try_from(raw).unwrap()),
        (16, 16) => IpAddr::from(<[u8; 16]>::try_from(raw).unwrap()),
        _ => return Err(format!("an address of {} bytes", raw.len())),
    };
    Ok(Some(Listed {
        ifindex: u32_at(head, 4),
        addr,
        prefix: head[1],
        proto,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ne16(v: u16) -> [u8; 2] {
        v.to_ne_bytes()
    }
    fn ne32(v: u32) -> [u8; 4] {
        v.to_ne_bytes()
    }

    /// Concatenates byte pieces (a message written out by hand, field by field).
    fn bytes(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    #[test]
    fn an_ipv4_address_is_added_exclusively_with_keels_mark() {
        let m = add_request(7, 3, "198.18.0.1".parse().unwrap(), 24);
        let want = bytes(&[
            &ne32(48),
            &ne16(20),
            // REQUEST | ACK | EXCL | CREATE
            &ne16(0x605),
            &ne32(7),
            &ne32(0),
            // AF_INET, /24, no flags, scope universe, ifindex 3
            &[2, 24, 0, 0],
            &ne32(3),
            &ne16(8),
            &ne16(2),
            &[198, 18, 0, 1],
            &ne16(8),
            &ne16(1),
            &[198, 18, 0, 1],
            &ne16(5),
            &ne16(11),
            &[0x4b, 0, 0, 0],
        ]);
        assert_eq!(m, want);
    }

    #[test]
    fn an_ipv6_address_is_added_without_duplicate_detection() {
        let m = add_request(1, 2, "2001:2::1".parse().unwrap(), 64);
        assert_eq!(m.len(), 16 + 8 + 20 + 20 + 8 + 8);
        assert_eq!(m[..4], ne32(80));
        // AF_INET6, /64, IFA_F_NODAD, scope universe.
        assert_eq!(m[16..20], [10, 64, 2, 0]);
        let mut ip = [0u8; 16];
        ip[..4].copy_from_slice(&[0x20, 0x01, 0, 2]);
        ip[15] = 1;
        assert_eq!(m[24..28], [ne16(20), ne16(2)].concat()[..]);
        assert_eq!(m[28..44], ip);
        assert_eq!(m[48..64], ip);
        assert_eq!(
            m[64..72],
            [&ne16(5)[..], &ne16(11), &[0x4b, 0, 0, 0]].concat()[..]
        );
        assert_eq!(m[72..80], [&ne16(8)[..], &ne16(8), &ne32(2)].concat()[..]);
    }

    #[test]
    fn a_removal_names_address_and_prefix() {
        let m = remove_request(9, 4, "198.18.0.1".parse().unwrap(), 32);
        let want = bytes(&[
            &ne32(40),
            &ne16(21),
            &ne16(0x5),
            &ne32(9),
            &ne32(0),
            &[2, 32, 0, 0],
            &ne32(4),
            &ne16(8),
            &ne16(2),
            &[198, 18, 0, 1],
            &ne16(8),
            &ne16(1),
            &[198, 18, 0, 1],
        ]);
        assert_eq!(m, want);
    }

    #[test]
    fn a_dump_asks_for_both_families() {
        let m = dump_request(5);
        let want = bytes(&[
            &ne32(24),
            &ne16(22),
            &ne16(0x301),
            &ne32(5),
            &ne32(0),
            &[0, 0, 0, 0],
            &ne32(0),
        ]);
        assert_eq!(m, want);
    }

    /// An RTM_NEWADDR as the kernel writes it, with attributes keel does not read in between.
    fn kernel_address(flags: u16, family: u8, prefix: u8, ifindex: u32, attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = vec![family, prefix, 0x80, 0];
        body.extend_from_slice(&ne32(ifindex));
        for (kind, data) in attrs {
            body.extend_from_slice(&ne16(4 + data.len() as u16));
            body.extend_from_slice(&ne16(*kind));
            body.extend_from_slice(data);
            body.resize(align(body.len()), 0);
        }
        bytes(&[
            &ne32(16 + body.len() as u32),
            &ne16(20),
            &ne16(flags),
            &ne32(3),
            &ne32(1234),
            &body,
        ])
    }

    fn status(kind: u16, seq: u32, errno: i32) -> Vec<u8> {
        bytes(&[
            &ne32(20),
            &ne16(kind),
            &ne16(0),
            &ne32(seq),
            &ne32(0),
            &(-errno).to_ne_bytes(),
        ])
    }

    #[test]
    fn reads_a_dump_with_marks_and_its_end() {
        let v6: [u8; 16] = "2001:2::5".parse::<std::net::Ipv6Addr>().unwrap().octets();
        let cacheinfo = [0u8; 16];
        let mut buf = kernel_address(
            2,
            2,
            24,
            7,
            &[
                (1, &[198, 18, 0, 9]),
                (2, &[198, 18, 0, 1]),
                (3, b"veth0\0"),
                (6, &cacheinfo),
                (11, &[0x4b]),
            ],
        );
        buf.extend(kernel_address(2 | 0x10, 10, 64, 8, &[(1, &v6), (8, &ne32(0x80))]));
        buf.extend(status(3, 3, 0));
        let got = parse(&buf).unwrap();
        assert_eq!(
            got[0],
            Message {
                seq: 3,
                interrupted: false,
                reply: Reply::Address(Listed {
                    ifindex: 7,
                    addr: "198.18.0.1".parse().unwrap(),
                    prefix: 24,
                    proto: Some(0x4b)
                })
            }
        );
        assert!(got[1].interrupted);
        assert_eq!(
            got[1].reply,
            Reply::Address(Listed {
                ifindex: 8,
                addr: IpAddr::from(v6),
                prefix: 64,
                proto: None
            })
        );
        assert_eq!(got[2].reply, Reply::Done(0));
    }

    #[test]
    fn reads_acks_and_errors() {
        assert_eq!(parse(&status(2, 4, 0)).unwrap()[0].reply, Reply::Status(0));
        let eexist = parse(&status(2, 4, libc::EEXIST)).unwrap();
        assert_eq!(eexist[0].seq, 4);
        assert_eq!(eexist[0].reply, Reply::Status(libc::EEXIST));
    }

    #[test]
    fn other_families_and_types_are_passed_over() {
        let link = kernel_address(0, 17, 0, 1, &[(1, &[1, 2, 3, 4, 5, 6])]);
        assert_eq!(parse(&link).unwrap()[0].reply, Reply::Other);
        let mut other = status(3, 1, 0);
        other[4..6].copy_from_slice(&ne16(16));
        assert_eq!(parse(&other).unwrap()[0].reply, Reply::Other);
    }

    #[test]
    fn a_cut_answer_is_an_error_not_a_panic() {
        let m = kernel_address(0, 2, 24, 7, &[(2, &[198, 18, 0, 1])]);
        assert!(parse(&m[..m.len() - 2]).is_err());
        let mut bad_attr = m.clone();
        bad_attr[24..26].copy_from_slice(&ne16(200));
        assert!(parse(&bad_attr).is_err());
        let mut short_addr = kernel_address(0, 2, 24, 7, &[(2, &[198, 18, 0])]);
        assert!(parse(&short_addr).is_err());
        short_addr[0] = 3;
        assert!(parse(&short_addr).is_err());
    }
}
