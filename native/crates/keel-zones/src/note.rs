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
    /// Names changed: replayed on the secondary before anything else (the operation itself).
    /// What they leave different besides names (the times of the directories they changed, the
    /// attributes of the entry they made) is in [`touched`].
    Names,
    /// The attributes of the entry at `path` (any kind) changed: mode, owner, times or extended
    /// attributes. A zone reintegration visits only recorded entries, so these are recorded too.
    Attrs { dir: u8, path: &'a RelPath },
    /// Nothing the secondary lacks (an fsync changes no content; the rest is the link's own).
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
        Op::Chmod { dir, path, .. }
        | Op::Chown { dir, path, .. }
        | Op::SetTimes { dir, path, .. }
        | Op::SetXattr { dir, path, .. }
        | Op::RemoveXattr { dir, path, .. }
        | Op::Xattrs { dir, path, .. } => Note::Attrs { dir: *dir, path },
        Op::Fsync { .. }
        | Op::SyncBegin { .. }
        | Op::Listing { .. }
        | Op::StatFile { .. }
        | Op::SyncEnd { .. }
        | Op::Bye
        | Op::Ping
        | Op::SyncPoint { .. }
        | Op::Verify { .. }
        | Op::VerifyEnd { .. } => Note::Nothing,
    }
}

/// Operations the record keeps to replay (they move, make or remove names).
pub fn replayed(op: &Op) -> bool {
    matches!(note(op), Note::Names | Note::New { .. })
}

/// The directory holding `path` (the root for a name at the top).
pub fn parent(path: &RelPath) -> RelPath {
    let b = path.as_bytes();
    match b.iter().rposition(|c| *c == b'/') {
        Some(i) => RelPath::parse(&b[..i]).unwrap_or_else(|_| RelPath::root()),
        None => RelPath::root(),
    }
}

/// The entries whose attributes a replayed name change leaves different on the secondary: the
/// directories whose entries it changed (their times: the replay stamps the secondary's clock),
/// and the entry it made (its times, and attributes a default ACL gave it). Recorded as
/// [`Note::Attrs`] of each, so that a zone reintegration, which visits only recorded entries,
/// makes them exact. The renamed or linked entry itself keeps its attributes.
pub fn touched(op: &Op) -> Vec<(u8, RelPath)> {
    let mut out = Vec::new();
    match op {
        Op::Create { dir, path, .. }
        | Op::Mkdir { dir, path, .. }
        | Op::Mknod { dir, path, .. }
        | Op::Symlink { dir, path, .. } => {
            out.push((*dir, parent(path)));
            out.push((*dir, path.clone()));
        }
        Op::Link { dir, to, .. } => out.push((*dir, parent(to))),
        Op::Unlink { dir, path } | Op::Rmdir { dir, path } => out.push((*dir, parent(path))),
        Op::Rename { dir, from, to, .. } => {
            out.push((*dir, parent(from)));
            if parent(to) != parent(from) {
                out.push((*dir, parent(to)));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_repl::op::Time;

    fn p(s: &str) -> RelPath {
        RelPath::parse(s.as_bytes()).unwrap()
    }

    /// Every operation of the link, with what the record must hold of it: a zone reintegration
    /// visits only what the record holds, so nothing an application can do may be `Nothing`
    /// unless the secondary lacks nothing after it.
    fn every_op() -> Vec<(Op, &'static str)> {
        let (d, f) = (0u8, p("a/f"));
        let t = Some(Time { sec: 1, nsec: 2 });
        vec![
            (
                Op::Write {
                    dir: d,
                    path: f.clone(),
                    offset: 4096,
                    data: vec![1; 10],
                },
                "range",
            ),
            (
                Op::Truncate {
                    dir: d,
                    path: f.clone(),
                    len: 5,
                },
                "from",
            ),
            (
                Op::Fallocate {
                    dir: d,
                    path: f.clone(),
                    mode: 0,
                    offset: 0,
                    len: 8,
                },
                "range",
            ),
            (
                Op::Create {
                    dir: d,
                    path: f.clone(),
                    mode: 0o100644,
                    uid: 0,
                    gid: 0,
                },
                "new",
            ),
            (
                Op::Mkdir {
                    dir: d,
                    path: p("a/d"),
                    mode: 0o40755,
                    uid: 0,
                    gid: 0,
                },
                "names",
            ),
            (
                Op::Mknod {
                    dir: d,
                    path: p("a/q"),
                    mode: 0o10644,
                    uid: 0,
                    gid: 0,
                },
                "names",
            ),
            (
                Op::Symlink {
                    dir: d,
                    path: p("a/l"),
                    target: b"x".to_vec(),
                    uid: 0,
                    gid: 0,
                },
                "names",
            ),
            (
                Op::Link {
                    dir: d,
                    from: f.clone(),
                    to: p("b/g"),
                },
                "names",
            ),
            (
                Op::Unlink {
                    dir: d,
                    path: f.clone(),
                },
                "names",
            ),
            (
                Op::Rmdir {
                    dir: d,
                    path: p("a/d"),
                },
                "names",
            ),
            (
                Op::Rename {
                    dir: d,
                    from: f.clone(),
                    to: p("b/h"),
                    flags: 0,
                },
                "names",
            ),
            (
                Op::Chmod {
                    dir: d,
                    path: f.clone(),
                    mode: 0o100600,
                },
                "attrs",
            ),
            (
                Op::Chown {
                    dir: d,
                    path: f.clone(),
                    uid: Some(1),
                    gid: None,
                },
                "attrs",
            ),
            (
                Op::SetTimes {
                    dir: d,
                    path: f.clone(),
                    atime: t,
                    mtime: t,
                },
                "attrs",
            ),
            (
                Op::SetXattr {
                    dir: d,
                    path: f.clone(),
                    name: b"user.a".to_vec(),
                    value: vec![1],
                },
                "attrs",
            ),
            (
                Op::RemoveXattr {
                    dir: d,
                    path: f.clone(),
                    name: b"user.a".to_vec(),
                },
                "attrs",
            ),
            (
                Op::Xattrs {
                    dir: d,
                    path: f.clone(),
                    attrs: vec![],
                    acls: false,
                },
                "attrs",
            ),
            (
                Op::Fsync {
                    dir: d,
                    path: f.clone(),
                    datasync: false,
                },
                "nothing",
            ),
        ]
    }

    #[test]
    fn every_change_an_application_makes_is_recorded() {
        for (op, want) in every_op() {
            let got = match note(&op) {
                Note::Range { .. } => "range",
                Note::From { .. } => "from",
                Note::New { .. } => "new",
                Note::Names => "names",
                Note::Attrs { .. } => "attrs",
                Note::Nothing => "nothing",
            };
            assert_eq!(got, want, "{op:?}");
            assert_eq!(replayed(&op), matches!(want, "names" | "new"), "{op:?}");
        }
    }

    #[test]
    fn name_changes_touch_their_directories_and_what_they_make() {
        for (op, kind) in every_op() {
            let t = touched(&op);
            match kind {
                "names" | "new" => assert!(!t.is_empty(), "{op:?}"),
                _ => assert!(t.is_empty(), "{op:?}"),
            }
        }
        let mk = Op::Mkdir {
            dir: 1,
            path: p("a/d"),
            mode: 0o40755,
            uid: 0,
            gid: 0,
        };
        assert_eq!(touched(&mk), vec![(1, p("a")), (1, p("a/d"))]);
        let top = Op::Unlink { dir: 0, path: p("f") };
        assert_eq!(touched(&top), vec![(0, RelPath::root())]);
        let mv = Op::Rename {
            dir: 0,
            from: p("a/x"),
            to: p("b/c/y"),
            flags: 0,
        };
        assert_eq!(touched(&mv), vec![(0, p("a")), (0, p("b/c"))]);
        let here = Op::Rename {
            dir: 0,
            from: p("a/x"),
            to: p("a/y"),
            flags: 0,
        };
        assert_eq!(touched(&here), vec![(0, p("a"))]);
    }
}
