//! `rfsverify` (guide §5.7.5 "Verification", docs/decisions/0009): a pass that compares the
//! secondary's copy with the primary's, driven by the primary, changing nothing.
//!
//! The secondary's administrator asks (`verify` on its daemon's control pipe, crate::control);
//! its daemon sends `AskVerify` on the link. The primary, once no reintegration runs, walks its
//! directories and asks about every entry with a `Verify` (a file in parts of at most
//! `keel_repl::verify::CHUNK` bytes with a SHA-256 of each part, a directory with a digest of its
//! entries, a link with its target's), then says `VerifyEnd`. Each question is read without the
//! replication lock and sent under it, its answer awaited without it: live changes flow between
//! the questions, in order, so a file changed during the pass may be reported (as the guide warns).
//! The secondary answers what differs (crate::verify_check) and reports each entry that differs as
//! an event `verify-diff`, the end as `verified`.

use crate::at::{self, FdRef};
use crate::events::Events;
use crate::pipeline::Answer;
use crate::primary::Replicator;
use crate::under::Underlying;
use keel_repl::op::Ack;
use keel_repl::verify::{self, describe};
use keel_repl::{EntryKind, Op, RelPath};

/// The link verified is gone or was replaced.
struct Aborted;

/// The primary's pass, for the link of `generation`.
pub fn run(r: &Replicator, generation: u64) {
    say!("keel-rfsd: the secondary asked for a verification: every entry is compared, nothing copied");
    let mut files = 0u64;
    let mut complete = true;
    let mut walked = Ok(());
    for (d, under) in r.dirs.iter().enumerate() {
        walked = walk(r, generation, d as u8, under, &mut files, &mut complete);
        if walked.is_err() {
            break;
        }
    }
    let mut l = r.lock();
    l.st.verifying = false;
    if walked.is_ok() && l.connected() && l.st.generation == generation {
        let posted = l.ask(Op::VerifyEnd { files, complete });
        drop(l);
        let _ = r.wait(posted);
        say!("keel-rfsd: verification done: {files} entries compared");
    } else {
        say!("keel-rfsd: verification interrupted: the link to the secondary was lost");
    }
}

fn walk(
    r: &Replicator,
    generation: u64,
    d: u8,
    under: &Underlying,
    files: &mut u64,
    complete: &mut bool,
) -> Result<(), Aborted> {
    let mut stack = vec![RelPath::root()];
    while let Some(path) = stack.pop() {
        if ask(r, generation, d, under, &path, EntryKind::Dir, 0, 0)?.is_some() {
            *files += 1;
        }
        let listed = under
            .open_at(&path, libc::O_RDONLY | libc::O_DIRECTORY, 0)
            .and_then(|fd| at::list(fd.as_fd_ref()));
        let Ok(entries) = listed else {
            // Removed meanwhile (its question said so), or unreadable here.
            *complete = false;
            continue;
        };
        for e in entries {
            let Ok(child) = path.join(&e.name) else { continue };
            if !under.filter().replicated(&child, e.kind == EntryKind::Dir) {
                continue;
            }
            match e.kind {
                EntryKind::Dir => stack.push(child),
                EntryKind::File => {
                    let Some(size) = ask(r, generation, d, under, &child, EntryKind::File, 0, verify::CHUNK)?
                    else {
                        continue;
                    };
                    *files += 1;
                    let mut offset = verify::CHUNK;
                    while offset < size {
                        if ask(
                            r,
                            generation,
                            d,
                            under,
                            &child,
                            EntryKind::File,
                            offset,
                            verify::CHUNK,
                        )?
                        .is_none()
                        {
                            break;
                        }
                        offset += verify::CHUNK;
                    }
                }
                kind => {
                    if ask(r, generation, d, under, &child, kind, 0, 0)?.is_some() {
                        *files += 1;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Asks the secondary about one part of the entry at `path`; its size when asked, None when the
/// entry is gone or changed kind here meanwhile (nothing to compare).
#[allow(clippy::too_many_arguments)]
fn ask(
    r: &Replicator,
    generation: u64,
    d: u8,
    under: &Underlying,
    path: &RelPath,
    kind: EntryKind,
    offset: u64,
    len: u64,
) -> Result<Option<u64>, Aborted> {
    let Ok(e) = crate::verify_check::entry_of(under, path, kind, offset, len) else {
        return Ok(None);
    };
    if e.kind != kind {
        return Ok(None);
    }
    let size = e.size;
    let op = Op::Verify {
        dir: d,
        path: path.clone(),
        kind,
        size: e.size,
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        xattrs: e.xattrs,
        offset,
        len,
        digest: e.digest,
    };
    let mut l = r.lock();
    if !l.connected() || l.st.generation != generation {
        return Err(Aborted);
    }
    let posted = l.ask(op);
    drop(l);
    match r.wait(posted) {
        Some(Answer::Ack(_)) => Ok(Some(size)),
        _ => Err(Aborted),
    }
}

/// The secondary's side: a pass asked for, its answers counted and reported.
#[derive(Default)]
pub struct Tally {
    /// Asked for on the current link and not ended.
    asked: bool,
    differ: u64,
    /// The last entry reported (a file's later parts are not reported again).
    reported: Option<(u8, RelPath)>,
}

impl Tally {
    /// A pass is asked for: false when one already is.
    pub fn begin(&mut self) -> bool {
        if self.asked {
            return false;
        }
        *self = Tally {
            asked: true,
            ..Tally::default()
        };
        true
    }

    /// The answer this secondary gave to a `Verify` or a `VerifyEnd`.
    pub fn answered(&mut self, op: &Op, a: &Ack, events: &Events) {
        match op {
            Op::Verify { dir, path, kind, .. } if a.nlink != 0 => {
                let key = (*dir, path.clone());
                if self.reported.as_ref() == Some(&key) {
                    return;
                }
                self.differ += 1;
                events.verify_diff(
                    *dir,
                    &path.to_string(),
                    kind_name(*kind),
                    &describe(a.nlink),
                    a.errno,
                );
                self.reported = Some(key);
            }
            Op::VerifyEnd { files, complete } => {
                self.asked = false;
                events.verified(*files, self.differ, *complete, None);
            }
            _ => {}
        }
    }

    /// The request could not be sent: none is under way.
    pub fn cancel(&mut self) {
        self.asked = false;
    }

    /// The link ended: a pass under way will not end.
    pub fn interrupted(&mut self, events: &Events, why: &str) {
        if std::mem::take(&mut self.asked) {
            events.verified(0, self.differ, false, Some(why));
        }
    }
}

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::File => "file",
        EntryKind::Dir => "directory",
        EntryKind::Symlink => "symlink",
        EntryKind::Other => "special",
    }
}
