//! Reintegration: brings a secondary's copy up to date while the application keeps writing.
//!
//! The primary walks its directories and, step by step under the replication lock, sends each
//! directory's exact listing (the secondary removes the rest), its subdirectories and symbolic
//! links, and the files the secondary lacks: every file on a full reintegration, otherwise those
//! whose size, modification time or link count differ (the secondary answers `StatFile`). A file
//! with several names is copied once, under its first name, and its other names are sent as hard
//! links, so links stay links. A file's creation and data are not waited for step by step: up to
//! `<rfs nbrei>` files are in flight, each completed (size, times) once its data was applied
//! (`window`). Live changes flow on the same link between the steps. A live change
//! that cannot apply yet (it reached a file not copied yet) or that moves names around (rename,
//! link) may leave a place the walk already passed out of date, so it asks for one more pass,
//! which copies only what still differs. The secondary is up to date when a pass ends with nothing
//! of the sort. An application that renames all the time could keep that from ever happening: after
//! a few disturbed passes, a pass runs alone (the application's changes wait for its end, and it
//! copies only what still differs); a secondary that still fails to apply what it is sent after
//! more passes is given up (its link dropped, with the reason), rather than retried for ever.
//!
//! What is copied depends on the mode decided when the secondary joins ([`begin`], keel-zones
//! `plan`): with a usable zone record, the names moved while the secondary was away are replayed
//! first and then only the entries the record holds are visited, found by identity, without a
//! walk (`zone_pass`): their dirty zones travel (whole files it lacks), and their attributes; after
//! a crash, files that differ or were modified since the last sync point minus the grace delay
//! are copied whole; `second fullsync` copies everything (docs/decisions/0009, "Zone bitmaps").
//!
//! The tree is the application's: any name may become a symbolic link or another file between two
//! steps. Every step resolves its path again beneath the directory without following links
//! (crate::under), checks the kind on the descriptor, and a file whose name now stands for another
//! inode stops being copied (the next pass looks at it again).

use crate::at::{self, FdRef};
use crate::pace::Pace;
use crate::pipeline::Answer;
use crate::primary::{Posted, Repl, Replicator};
use crate::state;
use crate::under::Underlying;
use crate::xattr;
use keel_repl::op::Ack;
use keel_repl::op::Time;
use keel_repl::{EntryKind, Op, RelPath};
use keel_zones::plan::{self, Facts, FilePlan, Mode, SecondaryState};
use keel_zones::FileId;
use std::collections::HashMap;

mod window;
mod zone_pass;
use std::os::unix::fs::FileExt;
use std::time::Instant;
use window::{Limits, Next, Window};

/// Bytes read and sent per step: big enough for the link, small enough not to hold the
/// application's writes back for long.
const CHUNK: usize = 1 << 20;
/// File data sent and not answered yet, across the files in flight: enough to keep the link and
/// the secondary busy for a round trip and more, little enough for a send blocked on a full
/// socket not to hold the replication lock long (docs/decisions/0009, "Bench").
const WINDOW_BYTES: u64 = 8 << 20;
/// The most encoded entry bytes in one listing part (a frame holds 4 MiB).
const LISTING_PART: usize = 1 << 20;
/// Disturbed passes before one runs alone.
const ALONE_AFTER: u32 = 3;
/// Passes before a secondary that cannot take what it is sent is given up.
const GIVE_UP_AFTER: u32 = 10;

/// The link this reintegration served is gone or was replaced.
struct Aborted;

#[derive(Default)]
struct Stats {
    files: u64,
    bytes: u64,
}

/// A file with several names, as first copied in this pass: its path, and its inode on the
/// secondary (to tell whether another name there is already the same file).
struct Copied {
    path: RelPath,
    secondary_ino: u64,
}

struct Walk<'a> {
    r: &'a Replicator,
    generation: u64,
    mode: Mode,
    stats: Stats,
    linked: HashMap<(u8, u64, u64), Copied>,
    /// `<rfs reiallowedbw>`, and when the reintegration began.
    pace: Option<(Pace, Instant)>,
    /// The mode if the zone record cannot be followed after all.
    fallback: Mode,
    /// A zone pass visits the recorded entries (not a walk).
    visiting: bool,
    /// The secondary's copy is not what the record says it is (a zone pass then falls back).
    astray: bool,
    /// The files whose operations are in flight (`<rfs nbrei>`).
    window: Window<InFlight, Posted>,
}

/// A file whose data or completion is in flight.
struct InFlight {
    d: u8,
    path: RelPath,
    /// Shared with the steps that read its data.
    file: std::sync::Arc<std::fs::File>,
    key: (u64, u64),
    id: FileId,
    /// Its version in the zone record when it was planned.
    version: Option<u64>,
    several: bool,
    /// Copied afresh (created or emptied there).
    fresh: bool,
    /// The secondary's size, when it kept its file.
    theirs_size: Option<u64>,
    /// The size when it was planned.
    size: u64,
}

/// How a reintegration goes, decided when the secondary joins.
pub struct Plan {
    mode: Mode,
    fallback: Mode,
}

/// The first step of a reintegration, under the lock that installed the link (so no live change
/// reaches the secondary before it): asks where the secondary's copy stands, applies SafeKit's
/// 90 s guard (guide §3.4), decides the mode, and with a usable zone record replays the names
/// moved while it was away; a replay that does not apply exactly gives the record up (files are
/// then compared). None: the link is gone, or the guard refused it.
pub fn begin(r: &Replicator, l: &mut Repl<'_>, full: bool) -> Option<Plan> {
    let primary_ms = state::read_number(&r.state_dir, state::SYNCTIMESTAMP).unwrap_or(0);
    let answer = l.copy(Op::SyncPoint {
        epoch: 0,
        primary_ms,
        record: false,
    })?;
    if answer.errno == libc::ESTALE {
        say!("keel-rfsd: {}", plan::GUARD_MESSAGE);
        l.drop_link(plan::GUARD_MESSAGE);
        return None;
    }
    let theirs = if answer.errno == 0 {
        SecondaryState::from_ack(&answer)
    } else {
        SecondaryState::default()
    };
    let mut store = r.zones.lock();
    let mut mode = plan::mode(&store, primary_ms, &theirs, full);
    if mode == Mode::Zones {
        let journal: Vec<Op> = store.journal().cloned().collect();
        for op in journal {
            if applied(&l.copy(op)) {
                store.replayed_first();
            } else {
                say!("keel-rfsd: the names moved while the secondary was away do not replay there: files will be compared");
                store.lose();
                mode = plan::mode(&store, primary_ms, &theirs, full);
                break;
            }
        }
    }
    drop(store);
    say!("keel-rfsd: reintegration: {}", describe(mode));
    l.copy(Op::SyncBegin {
        full: mode == Mode::Full,
    });
    let fallback = if full {
        Mode::Full
    } else {
        plan::without_record(primary_ms, &theirs)
    };
    l.connected().then_some(Plan { mode, fallback })
}

fn describe(m: Mode) -> String {
    match m {
        Mode::Full => "every file copied".into(),
        Mode::Zones => "the dirty zones of changed files".into(),
        Mode::Compare { since_ms } => {
            format!("files that differ or were modified since {since_ms} ms (the last sync point minus the grace delay)")
        }
        Mode::Since { since_ms } => format!("files modified since {since_ms} ms (secondforce)"),
    }
}

pub fn reintegrate(r: &Replicator, generation: u64, plan: Plan) {
    let started = Instant::now();
    let mut w = Walk {
        r,
        generation,
        mode: plan.mode,
        stats: Stats::default(),
        linked: HashMap::new(),
        pace: r.rei_kbps.map(|k| (Pace::new(k), started)),
        fallback: plan.fallback,
        visiting: false,
        astray: false,
        window: Window::new(Limits {
            files: r.nbrei,
            bytes: WINDOW_BYTES,
        }),
    };
    r.events.reintegration(plan.mode == Mode::Full);
    // Progress and counts (crate::stats); reported when it ends, before `synced`.
    let mut progress = crate::stats::Reintegrating::begin(&r.events);
    let mut passes = 0;
    loop {
        passes += 1;
        r.events.stats().rei_pass();
        w.linked.clear();
        let _alone = (passes > ALONE_AFTER).then(|| Alone::new(r));
        let walk = match w.mode {
            // Only the recorded entries, unless the record cannot be followed.
            Mode::Zones => match w.zone_pass(&progress) {
                Ok(zone_pass::Outcome::Visited) => None,
                Ok(zone_pass::Outcome::Walk(mode)) => Some(mode),
                Err(Aborted) => return,
            },
            mode => Some(mode),
        };
        if let Some(mode) = walk {
            w.mode = mode;
            progress.count(r.dirs.clone());
            for d in 0..r.dirs.len() {
                if w.dir(d as u8, &RelPath::root()).is_err() {
                    return;
                }
            }
        }
        // Every file of the pass answered, done or given another pass.
        if w.flush().is_err() {
            return;
        }
        // Dropped after `l` (declared before it): the pass stays alone until its verdict is sent.
        let Ok(mut l) = w.step() else { return };
        if l.st.resweep {
            l.st.resweep = false;
            // The next pass copies what still differs (or is still recorded dirty): no file
            // counts as recent any more.
            if w.mode != Mode::Zones {
                w.mode = Mode::Compare { since_ms: i64::MAX };
            }
            if passes >= GIVE_UP_AFTER {
                l.drop_link(&format!(
                    "the reintegration did not converge in {passes} passes (the secondary keeps failing to apply what it is sent)"
                ));
                return;
            }
            continue;
        }
        // A new sync point: the secondary records it, and the record starts from it, empty.
        let epoch = state::new_epoch();
        if applied(&l.copy(Op::SyncPoint {
            epoch,
            primary_ms: state::now_ms(),
            record: true,
        })) {
            r.zones.lock().synced(epoch);
            state::record_sync(&r.state_dir);
        }
        l.st.syncing = false;
        l.copy(Op::SyncEnd {
            files: w.stats.files,
            bytes: w.stats.bytes,
        });
        if l.connected() {
            drop(l);
            drop(progress);
            r.events
                .synced(w.stats.files, w.stats.bytes, started.elapsed().as_millis());
        }
        return;
    }
}

/// The next data of a file at or after `offset`, and where it ends (the next hole); None past
/// the last data. A file system that cannot tell says all is data.
fn data_at(f: &std::fs::File, offset: u64) -> Option<(u64, u64)> {
    let start = match at::seek(f, offset, libc::SEEK_DATA) {
        Ok(Some(start)) => start,
        Ok(None) => return None,
        Err(_) => return Some((offset, u64::MAX)),
    };
    let end = at::seek(f, start, libc::SEEK_HOLE)
        .ok()
        .flatten()
        .unwrap_or(u64::MAX);
    Some((start, end.max(start + 1)))
}

/// Whether the secondary applied an operation (a failure already asked for another pass).
fn applied(ack: &Option<keel_repl::Ack>) -> bool {
    matches!(ack, Some(a) if a.errno == 0)
}

/// The same, of an operation's answer waited for ([`Replicator::wait`]).
fn answered_applied(answer: Option<Answer>) -> bool {
    matches!(answer, Some(Answer::Ack(a)) if a.errno == 0)
}

/// A pass that runs alone: the application's changes wait until it is dropped (on every return).
struct Alone<'a>(&'a Replicator);

impl<'a> Alone<'a> {
    fn new(r: &'a Replicator) -> Alone<'a> {
        r.pause(true);
        Alone(r)
    }
}

impl Drop for Alone<'_> {
    fn drop(&mut self) {
        self.0.pause(false);
    }
}

fn mtime(st: &libc::stat) -> Time {
    Time {
        sec: st.st_mtime,
        nsec: st.st_mtime_nsec as u32,
    }
}

fn facts(st: &libc::stat) -> Facts {
    Facts {
        size: st.st_size as u64,
        mtime: mtime(st),
        nlink: st.st_nlink,
    }
}

fn times(d: u8, path: &RelPath, st: &libc::stat) -> Op {
    Op::SetTimes {
        dir: d,
        path: path.clone(),
        atime: Some(Time {
            sec: st.st_atime,
            nsec: st.st_atime_nsec as u32,
        }),
        mtime: Some(mtime(st)),
    }
}

impl<'a> Walk<'a> {
    /// Takes the replication lock for one step, if the link is still the one being reintegrated.
    fn step(&self) -> Result<Repl<'a>, Aborted> {
        let l = self.r.lock();
        if l.connected() && l.st.generation == self.generation {
            Ok(l)
        } else {
            Err(Aborted)
        }
    }

    fn under(&self, d: u8) -> &'a Underlying {
        &self.r.dirs[d as usize]
    }

    /// Something changed under the walk: the next pass looks again.
    fn resweep(l: &mut Repl<'_>) {
        l.st.resweep = true;
    }

    fn dir(&mut self, d: u8, path: &RelPath) -> Result<(), Aborted> {
        let entries = {
            let mut l = self.waited_step()?;
            let listed = self
                .under(d)
                .open_at(path, libc::O_RDONLY | libc::O_DIRECTORY, 0)
                .and_then(|fd| at::list(fd.as_fd_ref()));
            let Ok(listed) = listed else {
                Self::resweep(&mut l);
                return Ok(());
            };
            if path.is_root() {
                // The replicated directory's own attributes (its subdirectories' come with them).
                self.attributes(&mut l, d, path, true);
            }
            // What stays local (crate::notrep) is neither listed nor copied: the secondary keeps its
            // own version of it.
            let filter = self.under(d).filter();
            let entries: Vec<(Vec<u8>, EntryKind)> = listed
                .into_iter()
                .filter(|e| {
                    path.join(&e.name)
                        .map_or(true, |c| filter.replicated(&c, e.kind == EntryKind::Dir))
                })
                .map(|e| (e.name, e.kind))
                .collect();
            let mut parts = Vec::new();
            let (mut part, mut size) = (Vec::new(), 0);
            for e in &entries {
                if size + e.0.len() + 5 > LISTING_PART && !part.is_empty() {
                    parts.push(std::mem::take(&mut part));
                    size = 0;
                }
                size += e.0.len() + 5;
                part.push(e.clone());
            }
            parts.push(part);
            let n = parts.len();
            for (i, entries) in parts.into_iter().enumerate() {
                l.copy(Op::Listing {
                    dir: d,
                    path: path.clone(),
                    entries,
                    last: i + 1 == n,
                });
            }
            entries
        };
        for (name, kind) in entries {
            let Ok(child) = path.join(&name) else {
                // Made before keel mounted the directory (keel refuses such names): the secondary
                // cannot hold it.
                say!(
                    "keel-rfsd: not replicated: {path}/{}: the path is longer than 4096 bytes",
                    String::from_utf8_lossy(&name)
                );
                continue;
            };
            match kind {
                EntryKind::Dir => {
                    {
                        let mut l = self.waited_step()?;
                        match self.under(d).stat(&child) {
                            Ok(st) if at::kind(&st) == EntryKind::Dir => {
                                l.copy(Op::Mkdir {
                                    dir: d,
                                    path: child.clone(),
                                    mode: st.st_mode,
                                    uid: st.st_uid,
                                    gid: st.st_gid,
                                });
                                // The secondary's directory may be an old one: its attributes
                                // are made exactly the primary's, none included.
                                self.attributes(&mut l, d, &child, true)
                            }
                            _ => {
                                Self::resweep(&mut l);
                                continue;
                            }
                        };
                    }
                    self.dir(d, &child)?;
                    let mut l = self.waited_step()?;
                    match self.under(d).stat(&child) {
                        Ok(st) if at::kind(&st) == EntryKind::Dir => {
                            l.copy(times(d, &child, &st));
                        }
                        _ => Self::resweep(&mut l),
                    }
                }
                EntryKind::Symlink => {
                    let mut l = self.waited_step()?;
                    let link = self.under(d).open_at(&child, libc::O_PATH, 0).and_then(|fd| {
                        let st = at::stat_fd(fd.as_fd_ref())?;
                        Ok((st, at::readlink_fd(fd.as_fd_ref())?))
                    });
                    match link {
                        Ok((st, target)) if at::kind(&st) == EntryKind::Symlink => {
                            let key = (st.st_dev, st.st_ino);
                            // A link can have hard links too (link(2) does not follow it).
                            if st.st_nlink > 1 && self.link_again(&mut l, d, &child, key) {
                                continue;
                            }
                            l.copy(Op::Symlink {
                                dir: d,
                                path: child.clone(),
                                target,
                                uid: st.st_uid,
                                gid: st.st_gid,
                            });
                            l.copy(times(d, &child, &st));
                            // A new link there: only attributes to add.
                            self.attributes(&mut l, d, &child, false);
                            if st.st_nlink > 1 {
                                self.learn(&mut l, d, key, &child);
                            }
                        }
                        _ => Self::resweep(&mut l),
                    }
                }
                EntryKind::File => self.file(d, &child, None)?,
                EntryKind::Other => {
                    let mut l = self.waited_step()?;
                    self.special(&mut l, d, &child);
                }
            }
        }
        Ok(())
    }

    /// Whether `path` still names the file `key` (device, inode).
    fn names(&self, d: u8, path: &RelPath, key: (u64, u64)) -> bool {
        self.under(d)
            .stat(path)
            .map(|st| (st.st_dev, st.st_ino) == key)
            .unwrap_or(false)
    }

    /// Copies what the secondary lacks of the file at `path` (in a zone pass, `expect`: the
    /// recorded file it must be). Its creation and data are sent without waiting for their
    /// answers, its completion once they are all applied (the window, `settle_while`): up to
    /// `<rfs nbrei>` files are in flight at once.
    fn file(&mut self, d: u8, path: &RelPath, expect: Option<FileId>) -> Result<(), Aborted> {
        self.settle_while(Window::files_full)?;
        // Outside a full copy, the file's question (`StatFile`) waits for its answer under the lock.
        if self.mode != Mode::Full {
            self.flush()?;
        }
        // Sent before the data, answered with it: the creation and the attributes.
        let mut before = Vec::new();
        let (file, key, several, ranges, fresh, id, version, theirs_size, size) = {
            let mut l = self.step()?;
            let opened = self
                .under(d)
                .open_at(path, libc::O_RDONLY | libc::O_NONBLOCK, 0)
                .and_then(|fd| Ok((at::stat_fd(fd.as_fd_ref())?, fd)));
            let (st, fd) = match opened {
                Ok((st, fd)) if at::kind(&st) == EntryKind::File => (st, fd),
                _ => {
                    Self::resweep(&mut l);
                    return Ok(());
                }
            };
            let id = (d, st.st_dev, st.st_ino);
            if expect.is_some_and(|want| want != id) {
                Self::resweep(&mut l);
                return Ok(());
            }
            if !self.visiting {
                self.r.events.stats().rei_examined(st.st_size as u64);
            }
            let key = (st.st_dev, st.st_ino);
            let several = st.st_nlink > 1;
            if several && self.link_again(&mut l, d, path, key) {
                return Ok(());
            }
            let (entry, version) = {
                let z = self.r.zones.lock();
                (z.entry(id).map(|e| e.dirty.clone()), z.version(id))
            };
            let mut theirs_size = None;
            let plan = if self.mode == Mode::Full {
                FilePlan::Whole
            } else {
                let there = l.copy(Op::StatFile {
                    dir: d,
                    path: path.clone(),
                });
                if !l.connected() {
                    return Err(Aborted);
                }
                let there = there.filter(|a| a.errno == 0 && a.mode & libc::S_IFMT == libc::S_IFREG);
                // The record says the secondary has this file, under the same names: if it does
                // not, its copy is not the record's starting point.
                if self.visiting && there.as_ref().map_or(true, |a| a.nlink != st.st_nlink) {
                    self.astray = true;
                    return Ok(());
                }
                theirs_size = there.as_ref().map(|a| a.size);
                let theirs = there.as_ref().map(|a| Facts {
                    size: a.size,
                    mtime: a.mtime,
                    nlink: a.nlink,
                });
                let zone = self.r.zones.lock().zone;
                let plan = plan::plan_file(self.mode, zone, entry.as_ref(), &facts(&st), theirs.as_ref());
                match (&plan, &there) {
                    (FilePlan::Keep, Some(a)) => {
                        // Same data; a chmod or chown made while the secondary was away changes
                        // no modification time: send those alone, and the times if they differ
                        // (a write applied live there took that node's time).
                        self.same_attributes(&mut l, d, path, &st, fd.as_fd_ref(), a);
                        if a.mtime != mtime(&st) {
                            l.copy(times(d, path, &st));
                        }
                        if several {
                            self.remember(d, key, path, a.ino);
                        }
                        self.r.zones.lock().copied(id, version);
                        return Ok(());
                    }
                    // The zones record data only: owner, mode and attributes are made the same
                    // (the times come after the data).
                    (FilePlan::Zones(_), Some(a)) => {
                        self.same_attributes(&mut l, d, path, &st, fd.as_fd_ref(), a)
                    }
                    _ => {}
                }
                plan
            };
            let (ranges, fresh) = match plan {
                FilePlan::Zones(ranges) => (ranges, false),
                // In a zone pass the secondary's file has the primary's names (checked above):
                // emptied in place, so its other names stay links to it.
                _ if self.visiting && several => {
                    if !applied(&l.copy(Op::Truncate {
                        dir: d,
                        path: path.clone(),
                        len: 0,
                    })) {
                        return Ok(());
                    }
                    l.copy(Op::Chown {
                        dir: d,
                        path: path.clone(),
                        uid: Some(st.st_uid),
                        gid: Some(st.st_gid),
                    });
                    l.copy(Op::Chmod {
                        dir: d,
                        path: path.clone(),
                        mode: st.st_mode,
                    });
                    self.attributes(&mut l, d, path, true);
                    (vec![(0, u64::MAX)], true)
                }
                _ => {
                    // Not waited for: a creation the secondary refuses fails the file (its data
                    // may land in the old file there, which the next pass copies again).
                    before.push(l.put(Op::Create {
                        dir: d,
                        path: path.clone(),
                        mode: st.st_mode,
                        uid: st.st_uid,
                        gid: st.st_gid,
                    }));
                    // A new file there: only attributes to add, or ACLs to take back that the
                    // secondary's file system gave it from a default ACL the primary's file no
                    // longer follows.
                    before.extend(self.put_attributes(&mut l, d, path, xattr::acls()));
                    theirs_size = None;
                    (vec![(0, u64::MAX)], true)
                }
            };
            let size = st.st_size as u64;
            (
                at::file(fd),
                key,
                several,
                ranges,
                fresh,
                id,
                version,
                theirs_size,
                size,
            )
        };
        let file = std::sync::Arc::new(file);
        self.window.open(InFlight {
            d,
            path: path.clone(),
            file: file.clone(),
            key,
            id,
            version,
            several,
            fresh,
            theirs_size,
            size,
        });
        for posted in before {
            self.window.post(posted, 0);
        }
        let short = self.data(d, path, (&file, key), ranges, fresh)?;
        self.window.seal(short);
        // Its other names are sent as links to this one: they need it done, and where it is on
        // the secondary.
        if several {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the data of the file being copied (the window's open file), each step read and
    /// sent under the lock and answered later. True: it stopped short (its name now stands for
    /// another file).
    fn data(
        &mut self,
        d: u8,
        path: &RelPath,
        (file, key): (&std::fs::File, (u64, u64)),
        ranges: Vec<(u64, u64)>,
        fresh: bool,
    ) -> Result<bool, Aborted> {
        for (from, to) in ranges {
            let mut offset = from;
            while offset < to {
                self.settle_while(Window::bytes_full)?;
                let mut l = self.step()?;
                // The name may meanwhile belong to another file (unlinked and created again,
                // renamed, replaced by a link): stop copying the old one there, and look again
                // next pass.
                if !self.names(d, path, key) {
                    Self::resweep(&mut l);
                    return Ok(true);
                }
                // Holes of a file copied afresh are not sent: the new file there has them where
                // nothing is written, up to the size the truncate below gives it. A zone is sent
                // whole: a hole punched there while the secondary was away must replace its data.
                let upto = if fresh {
                    match data_at(file, offset) {
                        Some((at, end)) if at < to => {
                            offset = at;
                            end.min(to)
                        }
                        _ => break,
                    }
                } else {
                    to
                };
                let want = (upto - offset).min(CHUNK as u64) as usize;
                let mut data = vec![0u8; want];
                let n = match file.read_at(&mut data, offset) {
                    // The file ends sooner than planned: its completion gives the secondary its size.
                    Ok(0) => break,
                    Ok(n) => n,
                    // Not this file's end: completing it would give the secondary zeros where the
                    // data could not be read. It stays to copy; the next pass tries again.
                    Err(e) => {
                        say!("keel-rfsd: reading {} at {offset} for the secondary failed: {e}; it is copied again at the next pass", path);
                        Self::resweep(&mut l);
                        return Ok(true);
                    }
                };
                data.truncate(n);
                let posted = l.put(Op::Write {
                    dir: d,
                    path: path.clone(),
                    offset,
                    data,
                });
                // Answered without the lock: the application's changes flow meanwhile.
                drop(l);
                self.window.post(posted, n as u64);
                offset += n as u64;
                if let Some((pace, began)) = &mut self.pace {
                    std::thread::sleep(pace.sent(n as u64, began.elapsed()));
                }
            }
        }
        Ok(false)
    }

    /// Waits for answers, oldest first, while `busy` says the window is too full; completes the
    /// files whose data was all applied, and counts those done.
    fn settle_while(&mut self, busy: impl Fn(&Window<InFlight, Posted>) -> bool) -> Result<(), Aborted> {
        while busy(&self.window) {
            match self.window.next() {
                Next::Answer(posted, bytes) => {
                    if answered_applied(self.r.wait(posted)) {
                        self.stats.bytes += bytes;
                        if bytes > 0 {
                            self.r.events.stats().rei_copied(bytes);
                        }
                    } else {
                        // Not applied: refused (which asked for another pass) or the link is gone
                        // (the next step ends the walk). The file is not completed.
                        self.window.failed();
                    }
                }
                Next::Complete(f, true) => self.complete(f)?,
                Next::Done(f, true) => self.done(f)?,
                // Its record stays: the next pass, or the next reintegration, copies it again.
                Next::Complete(_, false) | Next::Done(_, false) => {}
                Next::Idle => break,
            }
        }
        Ok(())
    }

    /// Waits until every file in flight is done or given up.
    fn flush(&mut self) -> Result<(), Aborted> {
        self.settle_while(|w| !w.is_empty())
    }

    /// The lock for a step that waits for its own answer (`copy`): the window is emptied first,
    /// without the lock, since the secondary answers in order and the wait would otherwise hold
    /// the application's changes behind every byte in flight (docs/decisions/0009, "The
    /// reintegration window").
    fn waited_step(&mut self) -> Result<Repl<'a>, Aborted> {
        self.flush()?;
        self.step()
    }

    /// Every data step of `f` was applied: sends its size (unless both ends had it all along,
    /// zones within the file) and its times.
    fn complete(&mut self, f: InFlight) -> Result<(), Aborted> {
        let mut l = self.step()?;
        if !self.names(f.d, &f.path, f.key) {
            Self::resweep(&mut l);
            return Ok(());
        }
        let mut ops = Vec::new();
        if let Ok(st) = at::stat_fd(std::os::fd::AsFd::as_fd(&*f.file)) {
            let now = st.st_size as u64;
            if f.fresh || f.theirs_size != Some(f.size) || now != f.size {
                ops.push(l.put(Op::Truncate {
                    dir: f.d,
                    path: f.path.clone(),
                    len: now,
                }));
            }
            ops.push(l.put(times(f.d, &f.path, &st)));
        }
        drop(l);
        self.window.completing(f, ops);
        Ok(())
    }

    /// `f` is on the secondary, complete: the record forgets it (unless written since it was
    /// planned), and it counts as copied.
    fn done(&mut self, f: InFlight) -> Result<(), Aborted> {
        if f.several {
            let mut l = self.step()?;
            self.learn(&mut l, f.d, f.key, &f.path);
        }
        self.r.zones.lock().copied(f.id, f.version);
        self.stats.files += 1;
        self.r.events.stats().rei_copied_file();
        Ok(())
    }

    /// Makes owner, mode and extended attributes of `path` (whose entry here is `st`, reached by
    /// `fd`) what they are here, sending only what the secondary's answer `a` shows differs.
    fn same_attributes(
        &self,
        l: &mut Repl<'_>,
        d: u8,
        path: &RelPath,
        st: &libc::stat,
        fd: std::os::fd::BorrowedFd<'_>,
        a: &Ack,
    ) {
        let owner = (a.uid, a.gid) != (st.st_uid, st.st_gid);
        if owner {
            l.copy(Op::Chown {
                dir: d,
                path: path.clone(),
                uid: Some(st.st_uid),
                gid: Some(st.st_gid),
            });
        }
        // A chown clears set-id bits; a link has no mode of its own.
        if (a.mode != st.st_mode || owner) && at::kind(st) != EntryKind::Symlink {
            l.copy(Op::Chmod {
                dir: d,
                path: path.clone(),
                mode: st.st_mode,
            });
        }
        // The secondary's digest counts ACLs whatever `acl` says: so does this one.
        let ours = xattr::replicated(fd, true).unwrap_or_default();
        if a.xattrs != keel_repl::xattr::digest(&ours) {
            self.attributes(l, d, path, true);
        }
    }

    /// Sends the replicated extended attributes of `path` (ACLs with `<rfs acl="on">`): always
    /// when `exact` (the secondary's entry may hold others), else only when there are some.
    fn attributes(&self, l: &mut Repl<'_>, d: u8, path: &RelPath, exact: bool) {
        if let Some(posted) = self.put_attributes(l, d, path, exact) {
            self.r.wait(posted);
            l.reap();
        }
    }

    /// The same, not waiting for the answer: what was sent, if anything.
    fn put_attributes(&self, l: &mut Repl<'_>, d: u8, path: &RelPath, exact: bool) -> Option<Posted> {
        let attrs = self
            .under(d)
            .open_at(path, libc::O_PATH, 0)
            .and_then(|fd| xattr::replicated(fd.as_fd_ref(), xattr::acls()));
        match attrs {
            Ok(attrs) if exact || !attrs.is_empty() => Some(l.put(Op::Xattrs {
                dir: d,
                path: path.clone(),
                attrs,
                acls: xattr::acls(),
            })),
            Ok(_) => None,
            Err(_) => {
                Self::resweep(l);
                None
            }
        }
    }

    /// A fifo or a socket: made on the secondary with its mode, owner, times and attributes.
    /// Devices are not copied (docs/decisions/0009-replication.md, "Every file operation").
    fn special(&self, l: &mut Repl<'_>, d: u8, path: &RelPath) {
        let st = match self.under(d).stat(path) {
            Ok(st) => st,
            Err(_) => return Self::resweep(l),
        };
        let kind = st.st_mode & libc::S_IFMT;
        if at::kind(&st) != EntryKind::Other {
            return Self::resweep(l);
        }
        if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
            return;
        }
        let made = l.copy(Op::Mknod {
            dir: d,
            path: path.clone(),
            mode: st.st_mode,
            uid: st.st_uid,
            gid: st.st_gid,
        });
        if applied(&made) {
            l.copy(times(d, path, &st));
            self.attributes(l, d, path, true);
        }
    }

    /// Another name of a file (or link) already copied in this pass: made a hard link of the
    /// first name there, unless it is one already. False when there is no usable first name.
    fn link_again(&self, l: &mut Repl<'_>, d: u8, path: &RelPath, key: (u64, u64)) -> bool {
        let Some(first) = self.linked.get(&(d, key.0, key.1)) else {
            return false;
        };
        if !self.names(d, &first.path, key) {
            return false;
        }
        let there = l.copy(Op::StatFile {
            dir: d,
            path: path.clone(),
        });
        if !matches!(there, Some(a) if a.errno == 0 && a.ino == first.secondary_ino) {
            l.copy(Op::Link {
                dir: d,
                from: first.path.clone(),
                to: path.clone(),
            });
        }
        true
    }

    /// Remembers the secondary's inode of a file with several names, just copied.
    fn learn(&mut self, l: &mut Repl<'_>, d: u8, key: (u64, u64), path: &RelPath) {
        if let Some(a) = l.copy(Op::StatFile {
            dir: d,
            path: path.clone(),
        }) {
            if a.errno == 0 {
                self.remember(d, key, path, a.ino);
            }
        }
    }

    fn remember(&mut self, d: u8, key: (u64, u64), path: &RelPath, secondary_ino: u64) {
        self.linked.insert(
            (d, key.0, key.1),
            Copied {
                path: path.clone(),
                secondary_ino,
            },
        );
    }
}
