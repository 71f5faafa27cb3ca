//! Authenticated framing of a replication link.
//!
//! On the wire a frame is `len:u32le | seq:u64le | payload | mac:32`, where `len` counts what
//! follows it and `mac = HMAC-SHA256(key, seq | payload)`. Each direction of a link has its own
//! key and a sequence that starts at 0 and must grow by exactly one per frame (TCP keeps order),
//! so a frame cannot be forged without the cluster key, nor replayed, reordered or moved to the
//! other direction.
//!
//! Keys are fresh per link. The secondary opens with `Hello(nonce_s, binding)`, authenticated with
//! a key derived from the cluster key; the primary answers `Welcome(nonce_p, binding)` under the
//! link's primary-to-secondary key, derived from the cluster key, the binding and both nonces; the
//! secondary confirms with `Ready` under the secondary-to-primary key. The [`Binding`] names what
//! the link is for (module, both nodes in their roles, the replicated directories): a secondary of
//! one module that reaches another module's primary, or a node that reaches the wrong peer, is
//! refused by name before anything is replicated. A replayed `Hello` therefore leads nowhere:
//! whoever sent it cannot produce `Ready`, and the primary keeps its current secondary until a new
//! one has proved itself.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

pub const MAC_LEN: usize = 32;
/// Largest frame body accepted: a 1 MiB write with its headers, with room to spare.
pub const MAX_FRAME: usize = 4 << 20;
const MAGIC: &[u8; 4] = b"KRFS";
/// 3: extended attributes, fifos and fallocate on the link (and the attributes' digest in acks).
/// 4: the verification pass (`rfsverify`: `AskVerify`, `Verify`, `VerifyEnd`).
pub const VERSION: u8 = 4;
pub const NONCE_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    TooShort,
    TooLarge(usize),
    BadMac,
    /// A valid frame out of sequence: replayed, reordered or lost.
    BadSequence {
        expected: u64,
        got: u64,
    },
    BadHandshake(&'static str),
    /// The peer speaks another version of this protocol (another keel release).
    BadVersion {
        got: u8,
        want: u8,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooShort => f.write_str("frame shorter than its header and MAC"),
            FrameError::TooLarge(n) => write!(f, "frame of {n} bytes exceeds the {MAX_FRAME}-byte limit"),
            FrameError::BadMac => {
                f.write_str("frame authentication failed (wrong cluster key or altered frame)")
            }
            FrameError::BadSequence { expected, got } => {
                write!(
                    f,
                    "frame sequence {got} where {expected} was expected (replayed or reordered)"
                )
            }
            FrameError::BadHandshake(why) => write!(f, "bad handshake: {why}"),
            FrameError::BadVersion { got, want } => write!(
                f,
                "the peer speaks replication protocol version {got}, this node version {want}: both nodes must run the same keel release"
            ),
        }
    }
}

impl std::error::Error for FrameError {}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; MAC_LEN] {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

fn verify(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(p);
    }
    m.verify_slice(tag).is_ok()
}

/// The two keys of one link.
#[derive(Clone)]
pub struct LinkKeys {
    pub primary_to_secondary: [u8; 32],
    pub secondary_to_primary: [u8; 32],
}

/// What one link replicates: a digest of the module name, the primary's and the secondary's node
/// names and the replicated directories in order. Both ends compute it from their own
/// configuration; the handshake carries it and both keys depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding(pub [u8; 32]);

impl Binding {
    pub fn new(module: &str, primary: &str, secondary: &str, dirs: &[&[u8]]) -> Binding {
        use sha2::Digest;
        let mut h = Sha256::new();
        // Length-prefixed so that no two different tuples hash the same bytes.
        for part in [module.as_bytes(), primary.as_bytes(), secondary.as_bytes()]
            .into_iter()
            .chain(dirs.iter().copied())
        {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        Binding(h.finalize().into())
    }
}

/// Exact length of a `Hello` frame body: what an unauthenticated peer may make the primary read.
pub const HELLO_BODY_LEN: usize = 8 + 5 + NONCE_LEN + 1 + 32 + MAC_LEN;

impl LinkKeys {
    pub fn derive(
        cluster_key: &[u8],
        binding: &Binding,
        nonce_s: &[u8; NONCE_LEN],
        nonce_p: &[u8; NONCE_LEN],
    ) -> LinkKeys {
        let link = mac(cluster_key, &[b"keel-rfs link v2", &binding.0, nonce_s, nonce_p]);
        LinkKeys {
            primary_to_secondary: mac(&link, &[b"p2s"]),
            secondary_to_primary: mac(&link, &[b"s2p"]),
        }
    }
}

fn hello_key(cluster_key: &[u8]) -> [u8; 32] {
    mac(cluster_key, &[b"keel-rfs hello v2"])
}

/// Seals outgoing frames of one direction.
pub struct Sealer {
    key: [u8; 32],
    next: u64,
}

impl Sealer {
    pub fn new(key: [u8; 32]) -> Sealer {
        Sealer { key, next: 0 }
    }

    /// Counts a frame sealed elsewhere with this key (the handshake's).
    pub fn skip_one(&mut self) {
        self.next += 1;
    }

    /// The whole frame, length prefix included, and its sequence number.
    pub fn seal(&mut self, payload: &[u8]) -> (u64, Vec<u8>) {
        let seq = self.next;
        self.next += 1;
        let seq_bytes = seq.to_le_bytes();
        let tag = mac(&self.key, &[&seq_bytes, payload]);
        let len = 8 + payload.len() + MAC_LEN;
        let mut out = Vec::with_capacity(4 + len);
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out.extend_from_slice(&seq_bytes);
        out.extend_from_slice(payload);
        out.extend_from_slice(&tag);
        (seq, out)
    }
}

/// Checks incoming frames of one direction.
pub struct Opener {
    key: [u8; 32],
    next: u64,
}

impl Opener {
    pub fn new(key: [u8; 32]) -> Opener {
        Opener { key, next: 0 }
    }

    /// Counts a frame opened elsewhere with this key (the handshake's).
    pub fn skip_one(&mut self) {
        self.next += 1;
    }

    /// Checks a frame body (what follows the length prefix); returns its sequence and payload.
    pub fn open<'a>(&mut self, body: &'a [u8]) -> Result<(u64, &'a [u8]), FrameError> {
        let (seq, payload) = check(&self.key, body)?;
        if seq != self.next {
            return Err(FrameError::BadSequence {
                expected: self.next,
                got: seq,
            });
        }
        self.next += 1;
        Ok((seq, payload))
    }
}

fn check<'a>(key: &[u8], body: &'a [u8]) -> Result<(u64, &'a [u8]), FrameError> {
    if body.len() > MAX_FRAME {
        return Err(FrameError::TooLarge(body.len()));
    }
    if body.len() < 8 + MAC_LEN {
        return Err(FrameError::TooShort);
    }
    let (head, tag) = body.split_at(body.len() - MAC_LEN);
    let (seq_bytes, payload) = head.split_at(8);
    if !verify(key, &[seq_bytes, payload], tag) {
        return Err(FrameError::BadMac);
    }
    Ok((
        u64::from_le_bytes(seq_bytes.try_into().expect("8 bytes")),
        payload,
    ))
}

/// Reads the length prefix of a frame; refuses lengths over [`MAX_FRAME`] before anything is
/// allocated for them.
pub fn body_len(prefix: [u8; 4]) -> Result<usize, FrameError> {
    let n = u32::from_le_bytes(prefix) as usize;
    if n > MAX_FRAME {
        return Err(FrameError::TooLarge(n));
    }
    if n < 8 + MAC_LEN {
        return Err(FrameError::TooShort);
    }
    Ok(n)
}

/// The three handshake frames. `full` in `Hello` asks for a full reintegration.
pub struct Handshake;

impl Handshake {
    pub fn hello(cluster_key: &[u8], binding: &Binding, nonce_s: &[u8; NONCE_LEN], full: bool) -> Vec<u8> {
        let mut p = Vec::with_capacity(5 + NONCE_LEN + 1 + 32);
        p.extend_from_slice(MAGIC);
        p.push(VERSION);
        p.extend_from_slice(nonce_s);
        p.push(full as u8);
        p.extend_from_slice(&binding.0);
        Sealer::new(hello_key(cluster_key)).seal(&p).1
    }

    /// The secondary's nonce and whether it asks for a full reintegration; refuses a secondary
    /// bound to anything but `expected`.
    pub fn read_hello(
        cluster_key: &[u8],
        expected: &Binding,
        body: &[u8],
    ) -> Result<([u8; NONCE_LEN], bool), FrameError> {
        let (seq, p) = check(&hello_key(cluster_key), body)?;
        if seq != 0 {
            return Err(FrameError::BadSequence {
                expected: 0,
                got: seq,
            });
        }
        let p = versioned(p, NONCE_LEN + 1 + 32)?;
        if p[NONCE_LEN + 1..] != expected.0 {
            return Err(FrameError::BadHandshake(WRONG_BINDING));
        }
        Ok((p[..NONCE_LEN].try_into().expect("nonce"), p[NONCE_LEN] != 0))
    }

    /// Sent by the primary; seals with the link's primary-to-secondary key at sequence 0.
    pub fn welcome(keys: &LinkKeys, binding: &Binding, nonce_p: &[u8; NONCE_LEN]) -> Vec<u8> {
        let mut p = Vec::with_capacity(5 + NONCE_LEN + 32);
        p.extend_from_slice(MAGIC);
        p.push(VERSION);
        p.extend_from_slice(nonce_p);
        p.extend_from_slice(&binding.0);
        Sealer::new(keys.primary_to_secondary).seal(&p).1
    }

    /// The link's keys, once the primary proved it holds the cluster key and serves `expected`.
    pub fn read_welcome(
        cluster_key: &[u8],
        expected: &Binding,
        nonce_s: &[u8; NONCE_LEN],
        body: &[u8],
    ) -> Result<LinkKeys, FrameError> {
        // The nonce is needed to derive the key that authenticates the frame carrying it.
        if body.len() < 8 + MAC_LEN {
            return Err(FrameError::TooShort);
        }
        let p = versioned(&body[8..body.len() - MAC_LEN], NONCE_LEN + 32)?;
        if p[NONCE_LEN..] != expected.0 {
            return Err(FrameError::BadHandshake(WRONG_BINDING));
        }
        let nonce_p: [u8; NONCE_LEN] = p[..NONCE_LEN].try_into().expect("nonce");
        let keys = LinkKeys::derive(cluster_key, expected, nonce_s, &nonce_p);
        Opener::new(keys.primary_to_secondary).open(body)?;
        Ok(keys)
    }

    pub const READY: &'static [u8] = b"ready";
}

const WRONG_BINDING: &str = "the peer replicates another module, node pair or set of directories";

fn versioned(p: &[u8], rest: usize) -> Result<&[u8], FrameError> {
    if p.len() != 5 + rest || &p[..4] != MAGIC {
        return Err(FrameError::BadHandshake("not a keel replication handshake"));
    }
    if p[4] != VERSION {
        return Err(FrameError::BadVersion {
            got: p[4],
            want: VERSION,
        });
    }
    Ok(&p[5..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn body(frame: &[u8]) -> &[u8] {
        let n = body_len(frame[..4].try_into().unwrap()).unwrap();
        assert_eq!(n, frame.len() - 4);
        &frame[4..]
    }

    #[test]
    fn a_peer_of_another_protocol_version_is_refused_by_name() {
        let binding = Binding::new("mirror", "node1", "node2", &[b"/srv/data"]);
        let nonce = [1u8; NONCE_LEN];
        let mut p = Vec::new();
        p.extend_from_slice(MAGIC);
        p.push(VERSION - 1);
        p.extend_from_slice(&nonce);
        p.push(0);
        p.extend_from_slice(&binding.0);
        let old = Sealer::new(hello_key(KEY)).seal(&p).1;
        let err = Handshake::read_hello(KEY, &binding, body(&old)).unwrap_err();
        assert_eq!(
            err,
            FrameError::BadVersion {
                got: VERSION - 1,
                want: VERSION
            }
        );
        assert!(err.to_string().contains("same keel release"));
    }

    #[test]
    fn frames_open_in_order_and_only_once() {
        let mut s = Sealer::new([7; 32]);
        let mut o = Opener::new([7; 32]);
        let (_, f0) = s.seal(b"zero");
        let (_, f1) = s.seal(b"one");
        assert_eq!(o.open(body(&f0)).unwrap(), (0, &b"zero"[..]));
        assert_eq!(
            o.open(body(&f0)),
            Err(FrameError::BadSequence { expected: 1, got: 0 })
        );
        assert_eq!(o.open(body(&f1)).unwrap(), (1, &b"one"[..]));
    }

    #[test]
    fn a_wrong_key_or_a_flipped_bit_is_refused() {
        let (_, f) = Sealer::new([7; 32]).seal(b"payload");
        assert_eq!(Opener::new([8; 32]).open(body(&f)), Err(FrameError::BadMac));
        for i in 4..f.len() {
            let mut g = f.clone();
            g[i] ^= 1;
            assert_eq!(
                Opener::new([7; 32]).open(&g[4..]),
                Err(FrameError::BadMac),
                "bit in byte {i}"
            );
        }
    }

    #[test]
    fn lengths_are_bounded_before_reading() {
        assert_eq!(
            body_len(((MAX_FRAME + 1) as u32).to_le_bytes()),
            Err(FrameError::TooLarge(MAX_FRAME + 1))
        );
        assert_eq!(body_len(3u32.to_le_bytes()), Err(FrameError::TooShort));
    }

    fn bound(module: &str) -> Binding {
        Binding::new(module, "node1", "node2", &[b"/srv/data"])
    }

    #[test]
    fn handshake_derives_the_same_keys_on_both_sides() {
        let b = bound("mirror");
        let ns = [1; NONCE_LEN];
        let np = [2; NONCE_LEN];
        let hello = Handshake::hello(KEY, &b, &ns, true);
        assert_eq!(hello.len() - 4, HELLO_BODY_LEN);
        let (got_ns, full) = Handshake::read_hello(KEY, &b, body(&hello)).unwrap();
        assert_eq!((got_ns, full), (ns, true));
        let keys = LinkKeys::derive(KEY, &b, &got_ns, &np);
        let welcome = Handshake::welcome(&keys, &b, &np);
        let s_keys = Handshake::read_welcome(KEY, &b, &ns, body(&welcome)).unwrap();
        assert_eq!(s_keys.primary_to_secondary, keys.primary_to_secondary);
        assert_eq!(s_keys.secondary_to_primary, keys.secondary_to_primary);
        assert_ne!(keys.primary_to_secondary, keys.secondary_to_primary);
    }

    #[test]
    fn handshake_with_another_cluster_key_fails() {
        let b = bound("mirror");
        let ns = [1; NONCE_LEN];
        let hello = Handshake::hello(b"another key", &b, &ns, false);
        assert_eq!(
            Handshake::read_hello(KEY, &b, body(&hello)),
            Err(FrameError::BadMac)
        );
        let keys = LinkKeys::derive(b"another key", &b, &ns, &[2; NONCE_LEN]);
        let welcome = Handshake::welcome(&keys, &b, &[2; NONCE_LEN]);
        assert_eq!(
            Handshake::read_welcome(KEY, &b, &ns, body(&welcome)).err(),
            Some(FrameError::BadMac)
        );
    }

    #[test]
    fn a_peer_bound_to_another_module_nodes_or_directories_is_refused_by_name() {
        let ns = [1; NONCE_LEN];
        let ours = bound("mirror");
        for other in [
            bound("other"),
            Binding::new("mirror", "node2", "node1", &[b"/srv/data"]),
            Binding::new("mirror", "node1", "node2", &[b"/srv/data", b"/srv/more"]),
            // Not the same as one directory named "/srv/data/srv/more" (length-prefixed parts).
            Binding::new("mirror", "node1", "node2", &[b"/srv/data/srv/more"]),
        ] {
            assert_ne!(other, ours);
            let hello = Handshake::hello(KEY, &other, &ns, false);
            assert_eq!(
                Handshake::read_hello(KEY, &ours, body(&hello)),
                Err(FrameError::BadHandshake(WRONG_BINDING))
            );
            let np = [2; NONCE_LEN];
            let welcome = Handshake::welcome(&LinkKeys::derive(KEY, &other, &ns, &np), &other, &np);
            assert_eq!(
                Handshake::read_welcome(KEY, &ours, &ns, body(&welcome)).err(),
                Some(FrameError::BadHandshake(WRONG_BINDING))
            );
        }
    }

    #[test]
    fn a_welcome_replayed_to_a_new_hello_fails() {
        let b = bound("mirror");
        let np = [2; NONCE_LEN];
        let old = Handshake::welcome(&LinkKeys::derive(KEY, &b, &[1; NONCE_LEN], &np), &b, &np);
        assert_eq!(
            Handshake::read_welcome(KEY, &b, &[9; NONCE_LEN], body(&old)).err(),
            Some(FrameError::BadMac)
        );
    }
}
