//! Binary encoding of [`Message`]s: a tag byte, then fixed-width little-endian integers and
//! length-prefixed byte strings. Decoding checks every length against what is left, so a hostile
//! or truncated payload is an error, never a panic or a huge allocation.

use crate::op::{Ack, EntryKind, Message, Op, Time};
use crate::relpath::{RelPath, RelPathError};
use crate::xattr;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Truncated,
    UnknownTag(u8),
    BadKind(u8),
    BadPath(RelPathError),
    /// An extended attribute name outside the replicated namespaces, or a value too large.
    BadXattr,
    /// A field beyond its bound (named).
    OutOfBounds(&'static str),
    TrailingBytes(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => f.write_str("message is truncated"),
            DecodeError::UnknownTag(t) => write!(f, "unknown message tag {t}"),
            DecodeError::BadKind(k) => write!(f, "unknown directory entry kind {k}"),
            DecodeError::BadPath(e) => write!(f, "bad path: {e}"),
            DecodeError::BadXattr => f.write_str("bad extended attribute name or value"),
            DecodeError::OutOfBounds(field) => write!(f, "{field} out of bounds"),
            DecodeError::TrailingBytes(n) => write!(f, "{n} bytes after the end of the message"),
        }
    }
}

impl std::error::Error for DecodeError {}

mod tag {
    pub const WRITE: u8 = 1;
    pub const TRUNCATE: u8 = 2;
    pub const CREATE: u8 = 3;
    pub const MKDIR: u8 = 4;
    pub const SYMLINK: u8 = 5;
    pub const LINK: u8 = 6;
    pub const UNLINK: u8 = 7;
    pub const RMDIR: u8 = 8;
    pub const RENAME: u8 = 9;
    pub const CHMOD: u8 = 10;
    pub const CHOWN: u8 = 11;
    pub const SET_TIMES: u8 = 12;
    pub const FSYNC: u8 = 13;
    pub const SYNC_BEGIN: u8 = 14;
    pub const LISTING: u8 = 15;
    pub const STAT_FILE: u8 = 16;
    pub const SYNC_END: u8 = 17;
    pub const BYE: u8 = 18;
    pub const PING: u8 = 19;
    pub const MKNOD: u8 = 20;
    pub const FALLOCATE: u8 = 21;
    pub const SET_XATTR: u8 = 22;
    pub const REMOVE_XATTR: u8 = 23;
    pub const XATTRS: u8 = 24;
    /// Far from the others (numbered when operations were added in parallel).
    pub const SYNC_POINT: u8 = 40;
    pub const VERIFY: u8 = 41;
    pub const VERIFY_END: u8 = 42;
    pub const ACK: u8 = 64;
    pub const LEAVE: u8 = 65;
    pub const ASK_VERIFY: u8 = 66;
}

/// chown's "leave unchanged".
const NO_ID: u32 = u32::MAX;

pub fn encode(m: &Message) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64));
    match m {
        Message::Ack(a) => {
            w.u8(tag::ACK);
            w.u64(a.seq);
            w.u32(a.errno as u32);
            w.u64(a.size);
            w.time(a.mtime);
            w.u64(a.nlink);
            w.u64(a.ino);
            w.u32(a.mode);
            w.u32(a.uid);
            w.u32(a.gid);
            w.u64(a.xattrs);
        }
        Message::Leave => w.u8(tag::LEAVE),
        Message::AskVerify => w.u8(tag::ASK_VERIFY),
        Message::Op(op) => encode_op(&mut w, op),
    }
    w.0
}

fn encode_op(w: &mut Writer, op: &Op) {
    match op {
        Op::Write {
            dir,
            path,
            offset,
            data,
        } => {
            w.head(tag::WRITE, *dir, path);
            w.u64(*offset);
            w.bytes(data);
        }
        Op::Truncate { dir, path, len } => {
            w.head(tag::TRUNCATE, *dir, path);
            w.u64(*len);
        }
        Op::Create {
            dir,
            path,
            mode,
            uid,
            gid,
        } => {
            w.head(tag::CREATE, *dir, path);
            w.u32(*mode);
            w.u32(*uid);
            w.u32(*gid);
        }
        Op::Mkdir {
            dir,
            path,
            mode,
            uid,
            gid,
        } => {
            w.head(tag::MKDIR, *dir, path);
            w.u32(*mode);
            w.u32(*uid);
            w.u32(*gid);
        }
        Op::Symlink {
            dir,
            path,
            target,
            uid,
            gid,
        } => {
            w.head(tag::SYMLINK, *dir, path);
            w.bytes(target);
            w.u32(*uid);
            w.u32(*gid);
        }
        Op::Link { dir, from, to } => {
            w.head(tag::LINK, *dir, from);
            w.bytes(to.as_bytes());
        }
        Op::Unlink { dir, path } => w.head(tag::UNLINK, *dir, path),
        Op::Rmdir { dir, path } => w.head(tag::RMDIR, *dir, path),
        Op::Rename { dir, from, to, flags } => {
            w.head(tag::RENAME, *dir, from);
            w.bytes(to.as_bytes());
            w.u32(*flags);
        }
        Op::Chmod { dir, path, mode } => {
            w.head(tag::CHMOD, *dir, path);
            w.u32(*mode);
        }
        Op::Chown { dir, path, uid, gid } => {
            w.head(tag::CHOWN, *dir, path);
            w.u32(uid.unwrap_or(NO_ID));
            w.u32(gid.unwrap_or(NO_ID));
        }
        Op::SetTimes {
            dir,
            path,
            atime,
            mtime,
        } => {
            w.head(tag::SET_TIMES, *dir, path);
            w.opt_time(*atime);
            w.opt_time(*mtime);
        }
        Op::Fsync { dir, path, datasync } => {
            w.head(tag::FSYNC, *dir, path);
            w.u8(*datasync as u8);
        }
        Op::Mknod {
            dir,
            path,
            mode,
            uid,
            gid,
        } => {
            w.head(tag::MKNOD, *dir, path);
            w.u32(*mode);
            w.u32(*uid);
            w.u32(*gid);
        }
        Op::Fallocate {
            dir,
            path,
            mode,
            offset,
            len,
        } => {
            w.head(tag::FALLOCATE, *dir, path);
            w.u32(*mode);
            w.u64(*offset);
            w.u64(*len);
        }
        Op::SetXattr {
            dir,
            path,
            name,
            value,
        } => {
            w.head(tag::SET_XATTR, *dir, path);
            w.bytes(name);
            w.bytes(value);
        }
        Op::RemoveXattr { dir, path, name } => {
            w.head(tag::REMOVE_XATTR, *dir, path);
            w.bytes(name);
        }
        Op::Xattrs {
            dir,
            path,
            attrs,
            acls,
        } => {
            w.head(tag::XATTRS, *dir, path);
            w.u8(*acls as u8);
            w.u32(attrs.len() as u32);
            for (name, value) in attrs {
                w.bytes(name);
                w.bytes(value);
            }
        }
        Op::SyncBegin { full } => {
            w.u8(tag::SYNC_BEGIN);
            w.u8(*full as u8);
        }
        Op::Listing {
            dir,
            path,
            entries,
            last,
        } => {
            w.head(tag::LISTING, *dir, path);
            w.u8(*last as u8);
            w.u32(entries.len() as u32);
            for (name, kind) in entries {
                w.bytes(name);
                w.u8(kind_code(*kind));
            }
        }
        Op::StatFile { dir, path } => w.head(tag::STAT_FILE, *dir, path),
        Op::SyncEnd { files, bytes } => {
            w.u8(tag::SYNC_END);
            w.u64(*files);
            w.u64(*bytes);
        }
        Op::Bye => w.u8(tag::BYE),
        Op::Ping => w.u8(tag::PING),
        Op::SyncPoint {
            epoch,
            primary_ms,
            record,
        } => {
            w.u8(tag::SYNC_POINT);
            w.u64(*epoch);
            w.u64(*primary_ms);
            w.u8(*record as u8);
        }
        Op::Verify {
            dir,
            path,
            kind,
            size,
            mode,
            uid,
            gid,
            xattrs,
            offset,
            len,
            digest,
        } => {
            w.head(tag::VERIFY, *dir, path);
            w.u8(kind_code(*kind));
            w.u64(*size);
            w.u32(*mode);
            w.u32(*uid);
            w.u32(*gid);
            w.u64(*xattrs);
            w.u64(*offset);
            w.u64(*len);
            w.0.extend_from_slice(digest);
        }
        Op::VerifyEnd { files, complete } => {
            w.u8(tag::VERIFY_END);
            w.u64(*files);
            w.u8(*complete as u8);
        }
    }
}

pub fn decode(buf: &[u8]) -> Result<Message, DecodeError> {
    let mut r = Reader(buf);
    let t = r.u8()?;
    let m = match t {
        tag::ACK => Message::Ack(Ack {
            seq: r.u64()?,
            errno: r.u32()? as i32,
            size: r.u64()?,
            mtime: r.time()?,
            nlink: r.u64()?,
            ino: r.u64()?,
            mode: r.u32()?,
            uid: r.u32()?,
            gid: r.u32()?,
            xattrs: r.u64()?,
        }),
        tag::LEAVE => Message::Leave,
        tag::ASK_VERIFY => Message::AskVerify,
        tag::VERIFY_END => Message::Op(Op::VerifyEnd {
            files: r.u64()?,
            complete: r.u8()? != 0,
        }),
        tag::SYNC_BEGIN => Message::Op(Op::SyncBegin { full: r.u8()? != 0 }),
        tag::SYNC_END => Message::Op(Op::SyncEnd {
            files: r.u64()?,
            bytes: r.u64()?,
        }),
        tag::BYE => Message::Op(Op::Bye),
        tag::PING => Message::Op(Op::Ping),
        tag::SYNC_POINT => Message::Op(Op::SyncPoint {
            epoch: r.u64()?,
            primary_ms: r.u64()?,
            record: r.u8()? != 0,
        }),
        _ => Message::Op(decode_op(t, &mut r)?),
    };
    if !r.0.is_empty() {
        return Err(DecodeError::TrailingBytes(r.0.len()));
    }
    Ok(m)
}

fn decode_op(t: u8, r: &mut Reader) -> Result<Op, DecodeError> {
    let dir = r.u8()?;
    let path = r.path()?;
    Ok(match t {
        tag::WRITE => Op::Write {
            dir,
            path,
            offset: r.u64()?,
            data: r.bytes()?.to_vec(),
        },
        tag::TRUNCATE => Op::Truncate {
            dir,
            path,
            len: r.u64()?,
        },
        tag::CREATE => Op::Create {
            dir,
            path,
            mode: r.u32()?,
            uid: r.u32()?,
            gid: r.u32()?,
        },
        tag::MKDIR => Op::Mkdir {
            dir,
            path,
            mode: r.u32()?,
            uid: r.u32()?,
            gid: r.u32()?,
        },
        tag::SYMLINK => Op::Symlink {
            dir,
            path,
            target: r.bytes()?.to_vec(),
            uid: r.u32()?,
            gid: r.u32()?,
        },
        tag::LINK => Op::Link {
            dir,
            from: path,
            to: r.path()?,
        },
        tag::UNLINK => Op::Unlink { dir, path },
        tag::RMDIR => Op::Rmdir { dir, path },
        tag::RENAME => Op::Rename {
            dir,
            from: path,
            to: r.path()?,
            flags: r.u32()?,
        },
        tag::CHMOD => Op::Chmod {
            dir,
            path,
            mode: r.u32()?,
        },
        tag::CHOWN => {
            let id = |v: u32| (v != NO_ID).then_some(v);
            Op::Chown {
                dir,
                path,
                uid: id(r.u32()?),
                gid: id(r.u32()?),
            }
        }
        tag::SET_TIMES => Op::SetTimes {
            dir,
            path,
            atime: r.opt_time()?,
            mtime: r.opt_time()?,
        },
        tag::FSYNC => Op::Fsync {
            dir,
            path,
            datasync: r.u8()? != 0,
        },
        tag::LISTING => {
            let last = r.u8()? != 0;
            let n = r.u32()? as usize;
            // Each entry takes at least 5 bytes: refuse counts the payload cannot hold.
            if n > r.0.len() / 5 {
                return Err(DecodeError::Truncated);
            }
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                let name = r.bytes()?.to_vec();
                RelPath::root().join(&name).map_err(DecodeError::BadPath)?;
                entries.push((name, kind_of(r.u8()?)?));
            }
            Op::Listing {
                dir,
                path,
                entries,
                last,
            }
        }
        tag::STAT_FILE => Op::StatFile { dir, path },
        tag::VERIFY => {
            let kind = kind_of(r.u8()?)?;
            let (size, mode, uid, gid, xattrs) = (r.u64()?, r.u32()?, r.u32()?, r.u32()?, r.u64()?);
            let (offset, len) = (r.u64()?, r.u64()?);
            // The secondary reads and hashes what is asked before it answers: one part at most.
            if len > crate::verify::CHUNK {
                return Err(DecodeError::OutOfBounds("verify len"));
            }
            if offset.checked_add(len).map_or(true, |end| end > i64::MAX as u64) {
                return Err(DecodeError::OutOfBounds("verify offset"));
            }
            let digest: [u8; 32] = r.take(32)?.try_into().expect("32 bytes");
            Op::Verify {
                dir,
                path,
                kind,
                size,
                mode,
                uid,
                gid,
                xattrs,
                offset,
                len,
                digest,
            }
        }
        tag::MKNOD => Op::Mknod {
            dir,
            path,
            mode: r.u32()?,
            uid: r.u32()?,
            gid: r.u32()?,
        },
        tag::FALLOCATE => Op::Fallocate {
            dir,
            path,
            mode: r.u32()?,
            offset: r.u64()?,
            len: r.u64()?,
        },
        tag::SET_XATTR => Op::SetXattr {
            dir,
            path,
            name: r.xattr_name()?,
            value: r.xattr_value()?,
        },
        tag::REMOVE_XATTR => Op::RemoveXattr {
            dir,
            path,
            name: r.xattr_name()?,
        },
        tag::XATTRS => {
            let acls = r.u8()? != 0;
            let n = r.u32()? as usize;
            // Each attribute takes at least 8 bytes: refuse counts the payload cannot hold.
            if n > r.0.len() / 8 {
                return Err(DecodeError::Truncated);
            }
            let mut attrs = Vec::with_capacity(n);
            for _ in 0..n {
                attrs.push((r.xattr_name()?, r.xattr_value()?));
            }
            Op::Xattrs {
                dir,
                path,
                attrs,
                acls,
            }
        }
        other => return Err(DecodeError::UnknownTag(other)),
    })
}

fn kind_code(k: EntryKind) -> u8 {
    match k {
        EntryKind::File => 0,
        EntryKind::Dir => 1,
        EntryKind::Symlink => 2,
        EntryKind::Other => 3,
    }
}

fn kind_of(c: u8) -> Result<EntryKind, DecodeError> {
    Ok(match c {
        0 => EntryKind::File,
        1 => EntryKind::Dir,
        2 => EntryKind::Symlink,
        3 => EntryKind::Other,
        other => return Err(DecodeError::BadKind(other)),
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn time(&mut self, t: Time) {
        self.u64(t.sec as u64);
        self.u32(t.nsec);
    }
    fn opt_time(&mut self, t: Option<Time>) {
        self.u8(t.is_some() as u8);
        self.time(t.unwrap_or(Time { sec: 0, nsec: 0 }));
    }
    fn head(&mut self, tag: u8, dir: u8, path: &RelPath) {
        self.u8(tag);
        self.u8(dir);
        self.bytes(path.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.0.len() < n {
            return Err(DecodeError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn path(&mut self) -> Result<RelPath, DecodeError> {
        RelPath::parse(self.bytes()?).map_err(DecodeError::BadPath)
    }
    /// A name in a replicated namespace (crate::xattr), ACLs included.
    fn xattr_name(&mut self) -> Result<Vec<u8>, DecodeError> {
        let name = self.bytes()?;
        if !xattr::replicated(name, true) {
            return Err(DecodeError::BadXattr);
        }
        Ok(name.to_vec())
    }
    fn xattr_value(&mut self) -> Result<Vec<u8>, DecodeError> {
        let value = self.bytes()?;
        if value.len() > xattr::VALUE_MAX {
            return Err(DecodeError::BadXattr);
        }
        Ok(value.to_vec())
    }
    fn time(&mut self) -> Result<Time, DecodeError> {
        Ok(Time {
            sec: self.u64()? as i64,
            nsec: self.u32()?,
        })
    }
    fn opt_time(&mut self) -> Result<Option<Time>, DecodeError> {
        let present = self.u8()? != 0;
        let t = self.time()?;
        Ok(present.then_some(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> RelPath {
        RelPath::parse(s.as_bytes()).unwrap()
    }

    fn samples() -> Vec<Message> {
        let t = Some(Time {
            sec: -5,
            nsec: 999_999_999,
        });
        vec![
            Message::Op(Op::Write {
                dir: 1,
                path: p("a/b"),
                offset: 1 << 40,
                data: vec![0, 1, 2, 255],
            }),
            Message::Op(Op::Truncate {
                dir: 0,
                path: p("f"),
                len: 7,
            }),
            Message::Op(Op::Create {
                dir: 0,
                path: p("f"),
                mode: 0o100644,
                uid: 1000,
                gid: 100,
            }),
            Message::Op(Op::Mkdir {
                dir: 0,
                path: p("d"),
                mode: 0o755,
                uid: 0,
                gid: 0,
            }),
            Message::Op(Op::Symlink {
                dir: 0,
                path: p("l"),
                target: b"../x".to_vec(),
                uid: 1,
                gid: 2,
            }),
            Message::Op(Op::Link {
                dir: 0,
                from: p("f"),
                to: p("g"),
            }),
            Message::Op(Op::Unlink { dir: 0, path: p("f") }),
            Message::Op(Op::Rmdir { dir: 0, path: p("d") }),
            Message::Op(Op::Rename {
                dir: 0,
                from: p("a"),
                to: p("b/c"),
                flags: 1,
            }),
            Message::Op(Op::Chmod {
                dir: 0,
                path: p("f"),
                mode: 0o600,
            }),
            Message::Op(Op::Chown {
                dir: 0,
                path: p("f"),
                uid: None,
                gid: Some(5),
            }),
            Message::Op(Op::SetTimes {
                dir: 0,
                path: p("f"),
                atime: None,
                mtime: t,
            }),
            Message::Op(Op::Fsync {
                dir: 0,
                path: p("f"),
                datasync: true,
            }),
            Message::Op(Op::Mknod {
                dir: 0,
                path: p("fifo"),
                mode: 0o10640,
                uid: 3,
                gid: 4,
            }),
            Message::Op(Op::Fallocate {
                dir: 0,
                path: p("f"),
                mode: 3,
                offset: 1 << 33,
                len: 4096,
            }),
            Message::Op(Op::SetXattr {
                dir: 0,
                path: p("f"),
                name: b"user.k".to_vec(),
                value: vec![0, 255],
            }),
            Message::Op(Op::RemoveXattr {
                dir: 0,
                path: p("f"),
                name: b"trusted.k".to_vec(),
            }),
            Message::Op(Op::Xattrs {
                dir: 0,
                path: p("d"),
                attrs: vec![
                    (b"security.x".to_vec(), vec![]),
                    (b"system.posix_acl_access".to_vec(), vec![2, 0, 0, 0]),
                ],
                acls: true,
            }),
            Message::Op(Op::SyncBegin { full: true }),
            Message::Op(Op::Listing {
                dir: 2,
                path: RelPath::root(),
                entries: vec![(b"x".to_vec(), EntryKind::Dir), (b"y".to_vec(), EntryKind::Other)],
                last: true,
            }),
            Message::Op(Op::StatFile { dir: 0, path: p("f") }),
            Message::Op(Op::SyncEnd { files: 3, bytes: 4 }),
            Message::Op(Op::Bye),
            Message::Op(Op::Ping),
            Message::Op(Op::SyncPoint {
                epoch: u64::MAX - 1,
                primary_ms: 1_700_000_000_000,
                record: true,
            }),
            Message::Ack(Ack {
                seq: 9,
                errno: 2,
                size: 10,
                mtime: Time { sec: 1, nsec: 2 },
                nlink: 3,
                ino: 1 << 50,
                mode: 0o104755,
                uid: 1000,
                gid: 100,
                xattrs: u64::MAX - 1,
            }),
            Message::Leave,
            Message::AskVerify,
            Message::Op(Op::Verify {
                dir: 1,
                path: p("d/f"),
                kind: EntryKind::File,
                size: 1 << 40,
                mode: 0o100644,
                uid: 7,
                gid: 8,
                xattrs: 9,
                offset: crate::verify::CHUNK,
                len: crate::verify::CHUNK,
                digest: [0xab; 32],
            }),
            Message::Op(Op::VerifyEnd {
                files: 12,
                complete: true,
            }),
        ]
    }

    #[test]
    fn every_message_round_trips() {
        for m in samples() {
            assert_eq!(decode(&encode(&m)).unwrap(), m);
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        for m in samples() {
            let bytes = encode(&m);
            for n in 0..bytes.len() {
                assert!(decode(&bytes[..n]).is_err(), "{m:?} cut at {n}");
            }
        }
    }

    #[test]
    fn refuses_paths_that_leave_the_directory() {
        let mut bytes = encode(&Message::Op(Op::Unlink {
            dir: 0,
            path: p("xx"),
        }));
        let at = bytes.len() - 2;
        bytes[at..].copy_from_slice(b"..");
        assert_eq!(
            decode(&bytes),
            Err(DecodeError::BadPath(RelPathError::DotComponent))
        );
        let listing = Message::Op(Op::Listing {
            dir: 0,
            path: p("d"),
            entries: vec![(b"ab".to_vec(), EntryKind::File)],
            last: false,
        });
        let mut bytes = encode(&listing);
        let at = bytes.len() - 3;
        bytes[at..at + 2].copy_from_slice(b"..");
        assert!(decode(&bytes).is_err());
    }

    #[test]
    fn refuses_attribute_names_outside_the_namespaces_and_huge_values() {
        let set = |name: &[u8], value: Vec<u8>| {
            encode(&Message::Op(Op::SetXattr {
                dir: 0,
                path: p("f"),
                name: name.to_vec(),
                value,
            }))
        };
        for bad in [
            &b"system.sockprotoname"[..],
            b"user.",
            b"user.a\0b",
            b"",
            b"os2.x",
        ] {
            assert_eq!(decode(&set(bad, vec![])), Err(DecodeError::BadXattr), "{bad:?}");
        }
        assert_eq!(
            decode(&set(b"user.big", vec![0; xattr::VALUE_MAX + 1])),
            Err(DecodeError::BadXattr)
        );
        assert!(decode(&set(b"user.big", vec![0; xattr::VALUE_MAX])).is_ok());
    }

    #[test]
    fn refuses_trailing_bytes_and_unknown_tags() {
        let mut bytes = encode(&Message::Op(Op::SyncBegin { full: false }));
        bytes.push(0);
        assert_eq!(decode(&bytes), Err(DecodeError::TrailingBytes(1)));
        assert_eq!(decode(&[200, 0, 0, 0, 0, 0]), Err(DecodeError::UnknownTag(200)));
    }

    #[test]
    fn refuses_a_verification_part_beyond_its_bound() {
        let verify = |offset: u64, len: u64| {
            encode(&Message::Op(Op::Verify {
                dir: 0,
                path: p("f"),
                kind: EntryKind::File,
                size: 0,
                mode: 0,
                uid: 0,
                gid: 0,
                xattrs: 0,
                offset,
                len,
                digest: [0; 32],
            }))
        };
        assert!(decode(&verify(0, crate::verify::CHUNK)).is_ok());
        assert_eq!(
            decode(&verify(0, crate::verify::CHUNK + 1)),
            Err(DecodeError::OutOfBounds("verify len"))
        );
        assert_eq!(
            decode(&verify(u64::MAX, 1)),
            Err(DecodeError::OutOfBounds("verify offset"))
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
        }
    }
}
