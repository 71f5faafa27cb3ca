//! One entry as a verification pass (`rfsverify`) sees it, read the same way on both nodes: the
//! primary reads its own to ask (crate::verify), the secondary its own to answer (crate::apply).
//! Read-only, beneath the replicated directory, following no link (crate::under); a file is read
//! one part at a time, at most `keel_repl::verify::CHUNK` bytes, whatever the primary asks.

use crate::at::{self, FdRef};
use crate::under::Underlying;
use crate::xattr;
use keel_repl::op::Ack;
use keel_repl::verify::{self, differs, Entry};
use keel_repl::{EntryKind, RelPath};
use std::io;
use std::os::unix::fs::FileExt;

/// The entry at `path`, with the digest of its part `offset .. offset + len` when a regular file
/// (of its target, its entries, or nothing for other kinds), if it is of kind `want` (else the
/// digest is left empty: the kind alone differs).
pub fn entry_of(
    under: &Underlying,
    path: &RelPath,
    want: EntryKind,
    offset: u64,
    len: u64,
) -> io::Result<Entry> {
    let fd = under.open_at(path, libc::O_PATH, 0)?;
    let st = at::stat_fd(fd.as_fd_ref())?;
    let kind = at::kind(&st);
    // The secondary's digest counts ACLs whatever `acl` says (as its StatFile answer does).
    let attrs = xattr::replicated(fd.as_fd_ref(), true)?;
    let digest = if kind != want {
        [0; 32]
    } else {
        match kind {
            EntryKind::File => {
                // O_NOATIME: a verification changes nothing, access times included (the daemon is root).
                let f = at::file(at::reopen(
                    fd.as_fd_ref(),
                    libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOATIME,
                )?);
                let len = len.min(verify::CHUNK);
                let mut buf = vec![0u8; len as usize];
                let mut got = 0;
                while got < buf.len() {
                    match f.read_at(&mut buf[got..], offset + got as u64) {
                        Ok(0) => break,
                        Ok(n) => got += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                verify::digest(&buf[..got])
            }
            EntryKind::Dir => {
                let dir = under.open_at(path, libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
                let filter = under.filter();
                // What stays local (crate::notrep) is each node's own: not compared.
                let entries: Vec<(Vec<u8>, EntryKind)> = at::list(dir.as_fd_ref())?
                    .into_iter()
                    .filter(|e| {
                        path.join(&e.name)
                            .map_or(true, |c| filter.replicated(&c, e.kind == EntryKind::Dir))
                    })
                    .map(|e| (e.name, e.kind))
                    .collect();
                verify::entries_digest(&entries)
            }
            EntryKind::Symlink => verify::digest(&at::readlink_fd(fd.as_fd_ref())?),
            EntryKind::Other => [0; 32],
        }
    };
    Ok(Entry {
        kind,
        size: st.st_size as u64,
        mode: st.st_mode,
        uid: st.st_uid,
        gid: st.st_gid,
        xattrs: keel_repl::xattr::digest(&attrs),
        digest,
    })
}

/// The secondary's answer to a `Verify`: what differs in the ack's `nlink` (0: nothing), with
/// the errno when its entry could not be read. Never an error: a verification changes nothing,
/// so nothing about it can leave this copy behind.
pub fn answer(under: Option<&Underlying>, path: &RelPath, asked: &Entry, offset: u64, len: u64) -> Ack {
    let mut a = Ack::ok(0);
    let Some(under) = under else {
        a.errno = libc::EINVAL;
        a.nlink = differs::UNREADABLE;
        return a;
    };
    match entry_of(under, path, asked.kind, offset, len) {
        Ok(ours) => a.nlink = verify::compare(asked, &ours, offset),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR | libc::ELOOP)) => {
            a.nlink = differs::MISSING
        }
        Err(e) => {
            a.errno = e.raw_os_error().unwrap_or(libc::EIO);
            a.nlink = differs::UNREADABLE;
        }
    }
    a
}
