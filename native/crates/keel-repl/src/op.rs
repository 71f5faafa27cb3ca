//! What travels on a replication link.
//!
//! The primary sends [`Op`]s, each answered by one [`Message::Ack`] from the secondary. Live
//! operations mirror what an application did through the primary's mount; the `Sync*`, `Listing`
//! and `StatFile` operations drive a reintegration. Every path is relative to one replicated
//! directory, named by its index (`dir`) in the module's `<rfs>` list, the same on both nodes.

use crate::relpath::RelPath;

/// A time as the file system keeps it: seconds and nanoseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub sec: i64,
    pub nsec: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// Fifos, sockets and devices: listed so the secondary keeps them, never copied.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Write bytes at an offset of an existing regular file.
    Write {
        dir: u8,
        path: RelPath,
        offset: u64,
        data: Vec<u8>,
    },
    Truncate {
        dir: u8,
        path: RelPath,
        len: u64,
    },
    /// Create (or empty) a regular file with this mode and owner.
    Create {
        dir: u8,
        path: RelPath,
        mode: u32,
        uid: u32,
        gid: u32,
    },
    /// Make a directory (nothing if it is one already) and set mode and owner.
    Mkdir {
        dir: u8,
        path: RelPath,
        mode: u32,
        uid: u32,
        gid: u32,
    },
    /// Make (or replace) a symbolic link.
    Symlink {
        dir: u8,
        path: RelPath,
        target: Vec<u8>,
        uid: u32,
        gid: u32,
    },
    Link {
        dir: u8,
        from: RelPath,
        to: RelPath,
    },
    Unlink {
        dir: u8,
        path: RelPath,
    },
    Rmdir {
        dir: u8,
        path: RelPath,
    },
    Rename {
        dir: u8,
        from: RelPath,
        to: RelPath,
        flags: u32,
    },
    Chmod {
        dir: u8,
        path: RelPath,
        mode: u32,
    },
    /// `None` leaves that id unchanged (chown's -1).
    Chown {
        dir: u8,
        path: RelPath,
        uid: Option<u32>,
        gid: Option<u32>,
    },
    /// Times resolved on the primary (never "now", which would differ on the secondary).
    SetTimes {
        dir: u8,
        path: RelPath,
        atime: Option<Time>,
        mtime: Option<Time>,
    },
    Fsync {
        dir: u8,
        path: RelPath,
        datasync: bool,
    },
    /// Make a fifo or a socket with this mode and owner: the only special files keel makes
    /// (docs/decisions/0009-replication.md, "Every file operation").
    Mknod {
        dir: u8,
        path: RelPath,
        mode: u32,
        uid: u32,
        gid: u32,
    },
    /// fallocate(2) of a regular file, with one of the [`FALLOCATE_MODES`].
    Fallocate {
        dir: u8,
        path: RelPath,
        mode: u32,
        offset: u64,
        len: u64,
    },
    /// Set one extended attribute of the entry itself (never of what a symbolic link points to).
    /// The application's XATTR_CREATE or XATTR_REPLACE was checked on the primary: the secondary
    /// gets the outcome, the value set.
    SetXattr {
        dir: u8,
        path: RelPath,
        name: Vec<u8>,
        value: Vec<u8>,
    },
    RemoveXattr {
        dir: u8,
        path: RelPath,
        name: Vec<u8>,
    },
    /// The complete extended attributes of an entry (a reintegration): the secondary sets these
    /// and removes any other it holds, ACLs (`system.posix_acl_*`) included only when `acls`.
    Xattrs {
        dir: u8,
        path: RelPath,
        attrs: Vec<(Vec<u8>, Vec<u8>)>,
        acls: bool,
    },
    /// A reintegration starts; `full` = every file is copied whatever the secondary holds.
    SyncBegin {
        full: bool,
    },
    /// The exact entries of a directory, in one or more parts (a large directory would not fit
    /// one frame): once the `last` part arrived, the secondary removes any other entry, and any
    /// entry whose kind differs.
    Listing {
        dir: u8,
        path: RelPath,
        entries: Vec<(Vec<u8>, EntryKind)>,
        last: bool,
    },
    /// Asks what is at a path: kind and mode, owner, size, modification time, link count and
    /// inode (answered in the ack).
    StatFile {
        dir: u8,
        path: RelPath,
    },
    /// The reintegration is complete: the secondary's data is now up to date.
    SyncEnd {
        files: u64,
        bytes: u64,
    },
    /// The primary stops cleanly: it accepts no change any more, and the secondary has every
    /// change it acknowledged. (A link that just breaks says nothing of the sort.)
    Bye,
    /// Nothing to replicate for a while: proves the link is alive to both sides.
    Ping,
    /// The sync point (docs/decisions/0009, "Zone bitmaps"). `record: false` asks the secondary
    /// where its copy stands, given the primary's own last synchronisation time (`primary_ms`,
    /// milliseconds since the epoch, 0 if none); the ack answers with [`SyncAnswer`]'s fields.
    /// `record: true` tells the secondary its copy is complete as of the sync point `epoch`: it
    /// records the epoch and its own time as its `synctimestamp`.
    SyncPoint {
        epoch: u64,
        primary_ms: u64,
        record: bool,
    },
    /// A question of a verification pass (`rfsverify`, docs/decisions/0009): the primary's entry
    /// at `path` as it is now; the secondary compares its own and answers which differ in the
    /// ack's `nlink` ([`crate::verify::differs`] bits), changing nothing. `digest` is SHA-256 of: for a
    /// regular file, its bytes in `offset .. offset + len` (a file is asked about in parts of at
    /// most [`crate::verify::CHUNK`] bytes, the first with `offset` 0 carrying the attributes' check);
    /// for a directory, its replicated entries ([`crate::verify::entries_digest`]); for a symbolic link,
    /// its target; nothing (zeros) for other entries.
    Verify {
        dir: u8,
        path: RelPath,
        kind: EntryKind,
        size: u64,
        mode: u32,
        uid: u32,
        gid: u32,
        xattrs: u64,
        offset: u64,
        len: u64,
        digest: [u8; 32],
    },
    /// The verification pass asked for is over: `files` entries were asked about; `complete`
    /// false when the primary could not walk all of its tree.
    VerifyEnd {
        files: u64,
        complete: bool,
    },
}

/// A secondary's answer to a `SyncPoint` question, carried in the ack: `size` = the epoch of its
/// last complete copy (0: none), `ino` = its synctimestamp in ms (0: none), `nlink` = the flags
/// below, `mtime.sec` = the date (seconds) of a `secondforce -d` start.
pub mod sync_answer {
    /// Its daemon stopped cleanly since the sync point: it holds every change it acknowledged.
    pub const CLEAN: u64 = 1;
    /// Started by `secondforce -d <date>`: copy the files modified after `mtime.sec`.
    pub const SINCE: u64 = 2;
}

/// The secondary's answer to one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// Sequence number of the operation's frame.
    pub seq: u64,
    /// 0, or the errno the operation failed with on the secondary.
    pub errno: i32,
    /// For `StatFile`: size, modification time, link count, inode number, mode and owner of the
    /// secondary's copy (the inode tells a reintegration whether two names are already one file
    /// there; mode and owner whether a chmod or chown made while it was away is missing).
    pub size: u64,
    pub mtime: Time,
    pub nlink: u64,
    pub ino: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// For `StatFile`: [`crate::xattr::digest`] of the copy's extended attributes (0: none).
    pub xattrs: u64,
}

impl Ack {
    /// The answer to an operation that succeeded and reports nothing.
    pub fn ok(seq: u64) -> Ack {
        Ack::failed(seq, 0)
    }

    pub fn failed(seq: u64, errno: i32) -> Ack {
        Ack {
            seq,
            errno,
            size: 0,
            mtime: Time { sec: 0, nsec: 0 },
            nlink: 0,
            ino: 0,
            mode: 0,
            uid: 0,
            gid: 0,
            xattrs: 0,
        }
    }
}

/// The fallocate(2) modes replicated: plain allocation, allocation past the end that keeps the
/// size, punching a hole, zeroing a range (with or without keeping the size). Collapse and
/// insert (which move data) and unshare are refused.
pub const FALLOCATE_MODES: [u32; 5] = [
    0,
    FALLOC_FL_KEEP_SIZE,
    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
    FALLOC_FL_ZERO_RANGE,
    FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
];
pub const FALLOC_FL_KEEP_SIZE: u32 = 0x01;
pub const FALLOC_FL_PUNCH_HOLE: u32 = 0x02;
pub const FALLOC_FL_ZERO_RANGE: u32 = 0x10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Op(Op),
    Ack(Ack),
    /// The secondary stops on its administrator's command (sent in place of an ack): its node
    /// has recorded that its copy is behind from now on, so the primary goes on alone at once
    /// instead of holding its changes (docs/decisions/0012).
    Leave,
    /// The secondary's administrator asks for a verification pass (`rfsverify`): sent by the
    /// secondary at any time, outside the order of acknowledgments, answered by `Verify`
    /// questions and a `VerifyEnd` (docs/decisions/0009).
    AskVerify,
}

impl Op {
    /// Operations that change the namespace (any that may remove or replace a name), after which
    /// cached open files may name other files.
    pub fn changes_names(&self) -> bool {
        matches!(
            self,
            Op::Unlink { .. }
                | Op::Rmdir { .. }
                | Op::Rename { .. }
                | Op::Listing { .. }
                | Op::Create { .. }
                | Op::Link { .. }
                | Op::Symlink { .. }
                | Op::Mkdir { .. }
                | Op::Mknod { .. }
        )
    }
}
