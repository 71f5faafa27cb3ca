//! What an operation the secondary did not get means for the record: which bytes of which file
//! changed, a file made anew, or names moved. Resolving a path to the file's identity is the
//! daemon's part (it holds the replication lock, so the path names the file the operation
//! touched).

use keel_repl::{Op, RelPath};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note<'a> {
    /// Bytes `[offset, offset + len)` of the file at `path` changed.
    Range {
        dir: u8,
        path: &'a RelPath,
        offset: u64,
        len: u64,
    },
    /// The file at `path` was cut or extended at `from`: every byte from there may differ.
    From { dir: u8, path: &'a RelPath, from: u64 },
    /// A new file was made at `path`: the secondary has no copy of it.
    New { dir: u8, path: &'a RelPath },
    /// Names changed: replayed on the secondary before the walk (the operation itself).
    Names,
    /// Nothing a reintegration's comparison does not find by itself (modes, owners, times and a
    /// digest of the extended attributes are compared for every file; an fsync changes no
    /// content).
    Nothing,
}

/// What `op`, not received by the secondary, means for the record.
pub fn note(op: &Op) -> Note<'_> {
    match op {
        Op::Write {
            dir,
            path,
            offset,
            data,
        } => Note::Range {
            dir: *dir,
            path,
            offset: *offset,
            len: data.len() as u64,
        },
        Op::Truncate { dir, path, len } => Note::From {
            dir: *dir,
            path,
            from: *len,
        },
        // fallocate's range may now read differently (zeros, a hole); a size it changed is sent
        // after the zones as for any file.
        Op::Fallocate {
            dir,
            path,
            offset,
            len,
            ..
        } => Note::Range {
            dir: *dir,
            path,
            offset: *offset,
            len: *len,
        },
        // A Create also names the file: it is replayed, and the file is copied whole.
        Op::Create { dir, path, .. } => Note::New { dir: *dir, path },
        Op::Mkdir { .. }
        | Op::Mknod { .. }
        | Op::Symlink { .. }
        | Op::Link { .. }
        | Op::Unlink { .. }
        | Op::Rmdir { .. }
        | Op::Rename { .. } => Note::Names,
        Op::Chmod { .. }
        | Op::Chown { .. }
        | Op::SetTimes { .. }
        | Op::SetXattr { .. }
        | Op::RemoveXattr { .. }
        | Op::Xattrs { .. }
        | Op::Fsync { .. }
        | Op::SyncBegin { .. }
        | Op::Listing { .. }
        | Op::StatFile { .. }
        | Op::SyncEnd { .. }
        | Op::Bye
        | Op::Ping
        | Op::SyncPoint { .. } => Note::Nothing,
    }
}

/// Operations the record keeps to replay (they move, make or remove names).
pub fn replayed(op: &Op) -> bool {
    matches!(note(op), Note::Names | Note::New { .. })
}
