//! The record on disk: one file, written whole at a clean stop and trusted only if the stop was
//! clean (the daemon's part: docs/decisions/0009, "Zone bitmaps"). Its own check on top: a magic
//! and version, every length bounded by what is left, the zone sets in their canonical form, the
//! journal made of operations the record keeps, and a SHA-256 of everything before it at the end.
//! So a file cut anywhere, or changed by a byte, is refused, never half believed.

use crate::note::replayed;
use crate::store::{Dirty, Entry, Store, MAX_FILES, MAX_JOURNAL_OPS};
use crate::zoneset::ZoneSet;
use keel_repl::{codec, Message, RelPath};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;

/// Version 2 adds each entry's path hint; a version 1 record (written by an older daemon) is
/// refused like any other unknown one, and files are then compared.
const MAGIC: &[u8; 8] = b"KEELZON2";
/// A hint longer than a path can be is refused.
const MAX_HINT: usize = 4096;
const DIGEST: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Shorter than a header and a digest, or a length runs past the end.
    Truncated,
    NotAStore,
    /// The digest does not match: cut or altered.
    Corrupt,
    /// Well formed and checked, yet not what a store holds.
    Invalid(&'static str),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Truncated => f.write_str("the zone record is truncated"),
            LoadError::NotAStore => f.write_str("not a zone record (wrong magic or version)"),
            LoadError::Corrupt => f.write_str("the zone record's checksum does not match"),
            LoadError::Invalid(why) => write!(f, "the zone record is invalid: {why}"),
        }
    }
}

impl std::error::Error for LoadError {}

pub fn encode(s: &Store) -> Vec<u8> {
    let mut w = Vec::with_capacity(64 + s.files.len() * 40);
    w.extend_from_slice(MAGIC);
    for v in [s.zone, s.epoch, s.counter] {
        w.extend_from_slice(&v.to_le_bytes());
    }
    w.push(s.lost as u8);
    w.extend_from_slice(&(s.files.len() as u64).to_le_bytes());
    for (&(dir, dev, ino), e) in &s.files {
        w.push(dir);
        for v in [dev, ino, e.version] {
            w.extend_from_slice(&v.to_le_bytes());
        }
        match &e.path {
            None => w.push(0),
            Some(p) => {
                w.push(1);
                w.extend_from_slice(&(p.as_bytes().len() as u64).to_le_bytes());
                w.extend_from_slice(p.as_bytes());
            }
        }
        match &e.dirty {
            Dirty::Whole => w.push(0),
            Dirty::Zones(z) => {
                w.push(1);
                w.extend_from_slice(&(z.ranges().len() as u64).to_le_bytes());
                for &(a, b) in z.ranges() {
                    w.extend_from_slice(&a.to_le_bytes());
                    w.extend_from_slice(&b.to_le_bytes());
                }
                match z.tail() {
                    None => w.push(0),
                    Some(t) => {
                        w.push(1);
                        w.extend_from_slice(&t.to_le_bytes());
                    }
                }
            }
        }
    }
    w.extend_from_slice(&(s.journal.len() as u64).to_le_bytes());
    for op in &s.journal {
        let m = codec::encode(&Message::Op(op.clone()));
        w.extend_from_slice(&(m.len() as u64).to_le_bytes());
        w.extend_from_slice(&m);
    }
    let digest = Sha256::digest(&w);
    w.extend_from_slice(&digest);
    w
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        if self.0.len() < n {
            return Err(LoadError::Truncated);
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?[0])
    }
    fn u64(&mut self) -> Result<u64, LoadError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    /// A count of items of at least `min` bytes each: bounded by what is left.
    fn count(&mut self, min: usize, most: usize) -> Result<usize, LoadError> {
        let n = self.u64()?;
        if n > (self.0.len() / min) as u64 {
            return Err(LoadError::Truncated);
        }
        if n > most as u64 {
            return Err(LoadError::Invalid("more entries than a record keeps"));
        }
        Ok(n as usize)
    }
}

pub fn decode(bytes: &[u8]) -> Result<Store, LoadError> {
    if bytes.len() < MAGIC.len() + DIGEST {
        return Err(LoadError::Truncated);
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(LoadError::NotAStore);
    }
    let (body, digest) = bytes.split_at(bytes.len() - DIGEST);
    if Sha256::digest(body).as_slice() != digest {
        return Err(LoadError::Corrupt);
    }
    let mut r = Reader(&body[MAGIC.len()..]);
    let zone = r.u64()?;
    if zone == 0 {
        return Err(LoadError::Invalid("zone size 0"));
    }
    let epoch = r.u64()?;
    let counter = r.u64()?;
    let lost = match r.u8()? {
        0 => false,
        1 => true,
        _ => return Err(LoadError::Invalid("bad flag")),
    };
    let n = r.count(27, MAX_FILES)?;
    let mut files = BTreeMap::new();
    for _ in 0..n {
        let dir = r.u8()?;
        let (dev, ino, version) = (r.u64()?, r.u64()?, r.u64()?);
        if version > counter {
            return Err(LoadError::Invalid("an entry newer than the record"));
        }
        let path = match r.u8()? {
            0 => None,
            1 => {
                let len = r.count(1, MAX_HINT)?;
                let bytes = r.take(len)?;
                Some(
                    RelPath::parse(bytes)
                        .map_err(|_| LoadError::Invalid("a path hint that is not a path"))?,
                )
            }
            _ => return Err(LoadError::Invalid("bad flag")),
        };
        let dirty = match r.u8()? {
            0 => Dirty::Whole,
            1 => {
                let k = r.count(16, usize::MAX)?;
                let mut ranges = Vec::with_capacity(k);
                for _ in 0..k {
                    ranges.push((r.u64()?, r.u64()?));
                }
                let tail = match r.u8()? {
                    0 => None,
                    1 => Some(r.u64()?),
                    _ => return Err(LoadError::Invalid("bad flag")),
                };
                Dirty::Zones(
                    ZoneSet::from_parts(ranges, tail).ok_or(LoadError::Invalid("zones out of order"))?,
                )
            }
            _ => return Err(LoadError::Invalid("bad entry kind")),
        };
        if files
            .insert((dir, dev, ino), Entry { dirty, version, path })
            .is_some()
        {
            return Err(LoadError::Invalid("a file twice"));
        }
    }
    let n = r.count(9, MAX_JOURNAL_OPS)?;
    let mut journal = VecDeque::with_capacity(n);
    for _ in 0..n {
        let len = r.count(1, usize::MAX)?;
        let m = r.take(len)?;
        match codec::decode(m) {
            Ok(Message::Op(op)) if replayed(&op) => journal.push_back(op),
            _ => return Err(LoadError::Invalid("a journal entry that is not a name change")),
        }
    }
    if !r.0.is_empty() {
        return Err(LoadError::Invalid("bytes after the journal"));
    }
    Ok(Store {
        zone,
        epoch,
        counter,
        files,
        journal,
        lost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_repl::Op;
    use proptest::prelude::*;

    fn sample() -> Store {
        let mut s = Store::new(4096);
        s.synced(0xfeed);
        s.changed((0, 5, 1), 4096, 4096);
        s.changed((0, 5, 1), 1 << 30, 1);
        s.hint((0, 5, 1), &RelPath::parse(b"a/b/file").unwrap());
        s.attrs((0, 5, 9));
        s.changed_from((1, 5, 2), 10_000);
        s.whole((0, 5, 3));
        s.named(Op::Rename {
            dir: 0,
            from: RelPath::parse(b"a/b").unwrap(),
            to: RelPath::parse(b"c").unwrap(),
            flags: 0,
        });
        s.named(Op::Create {
            dir: 1,
            path: RelPath::parse(b"n").unwrap(),
            mode: 0o100644,
            uid: 1,
            gid: 2,
        });
        s
    }

    #[test]
    fn a_record_round_trips() {
        let s = sample();
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        let empty = Store::new(8 << 20);
        assert_eq!(decode(&encode(&empty)).unwrap(), empty);
    }

    /// A write cut at any offset (a crash in the middle of it) is refused, whatever the cut.
    #[test]
    fn a_record_cut_anywhere_is_refused() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut} of {}", bytes.len());
        }
    }

    #[test]
    fn the_journal_keeps_only_name_changes() {
        let mut s = sample();
        s.journal.push_back(Op::Write {
            dir: 0,
            path: RelPath::parse(b"x").unwrap(),
            offset: 0,
            data: vec![1],
        });
        assert_eq!(
            decode(&encode(&s)),
            Err(LoadError::Invalid("a journal entry that is not a name change"))
        );
    }

    proptest! {
        /// Any byte changed anywhere is refused (the digest), and any input at all is answered,
        /// never a panic.
        #[test]
        fn a_changed_byte_is_refused(at in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let mut bytes = encode(&sample());
            let i = at.index(bytes.len());
            bytes[i] ^= flip;
            prop_assert!(decode(&bytes).is_err());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
            let mut v = MAGIC.to_vec();
            v.extend_from_slice(&bytes);
            let d = Sha256::digest(&v);
            v.extend_from_slice(&d);
            let _ = decode(&v);
        }
    }
}
