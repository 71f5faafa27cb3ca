//! Which entries of a replicated directory are replicated: `<notreplicated path=…>` and
//! `<notreplicated regexpath="ERE" | "!ERE">` (SafeKit guide §5.7.4; keel's choices where the guide
//! says nothing are in docs/decisions/0009-replication.md, "Entries that stay local").
//!
//! An entry is replicated when it and every directory above it are:
//! - an entry whose relative path is a `path`, or lies beneath one, is not;
//! - an entry whose relative path a plain regex matches (or lies beneath such a directory) is not;
//! - with `!` regexes, an entry other than a directory is replicated only if one of them matches
//!   its relative path; directories are not subject to them (the way to a match must exist on the
//!   secondary). Plain and `!` regexes together: both rules apply.
//!
//! The expressions are POSIX EREs compiled by the C library (`regcomp(REG_EXTENDED)`, as SafeKit
//! does), searched (unanchored) in the relative path without a leading `/` (`conf/a.tmp`), byte for
//! byte, case-sensitive. Constructs whose meaning differs between engines are refused (see
//! [`portable`]); apps/rfs and confcheck refuse the same.

use keel_repl::{EntryKind, Op, RelPath};
use std::ffi::CString;

/// A compiled POSIX extended regular expression.
struct Ere {
    re: Box<libc::regex_t>,
}

// regexec(3) is thread-safe on a compiled expression (POSIX; glibc locks inside).
unsafe impl Send for Ere {}
unsafe impl Sync for Ere {}

impl Ere {
    fn new(src: &str) -> Result<Ere, String> {
        portable(src)?;
        let c = CString::new(src).map_err(|_| "it holds a NUL byte".to_string())?;
        let mut re: Box<libc::regex_t> = Box::new(unsafe { std::mem::zeroed() });
        let rc = unsafe { libc::regcomp(&mut *re, c.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) };
        if rc != 0 {
            let mut buf = [0u8; 256];
            let n = unsafe { libc::regerror(rc, &*re, buf.as_mut_ptr().cast(), buf.len()) };
            let msg = String::from_utf8_lossy(&buf[..n.saturating_sub(1).min(buf.len())]).into_owned();
            // regcomp frees what it allocated when it fails.
            return Err(msg);
        }
        Ok(Ere { re })
    }

    fn search(&self, path: &[u8]) -> bool {
        let Ok(c) = CString::new(path) else { return false };
        unsafe { libc::regexec(&*self.re, c.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for Ere {
    fn drop(&mut self) {
        unsafe { libc::regfree(&mut *self.re) };
    }
}

/// Refuses what POSIX ERE leaves undefined and engines read differently (GNU regcomp, the
/// JavaScript translation confcheck judges with): a backslash before a letter or digit (`\d`,
/// `\w`, back-references), `(?`, and a `{` that does not open an interval `{m}`, `{m,}`, `{m,n}`
/// (at most 255, POSIX's RE_DUP_MAX). Bracket expressions are skipped: everything is literal there.
pub fn portable(src: &str) -> Result<(), String> {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => match b.get(i + 1) {
                None => return Err("it ends with a backslash".into()),
                Some(c) if c.is_ascii_alphanumeric() => {
                    return Err(format!(
                        "\\{} is not portable POSIX ERE (engines read it differently); write a bracket expression such as [[:digit:]]",
                        *c as char
                    ))
                }
                Some(_) => i += 2,
            },
            b'[' => i = bracket_end(b, i).ok_or("a bracket expression is not closed")?,
            b'(' if b.get(i + 1) == Some(&b'?') => return Err("(? is not POSIX ERE".into()),
            b'{' => {
                let close = b[i..].iter().position(|c| *c == b'}').map(|p| i + p);
                let ok = close.is_some_and(|e| interval(&b[i + 1..e]));
                if !ok || i == 0 {
                    return Err(format!(
                        "'{{' at {} does not open an interval {{m}}, {{m,}} or {{m,n}} (m, n at most 255) after an atom; write [{{] for the character",
                        i + 1
                    ));
                }
                i = close.unwrap_or(b.len()) + 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

fn interval(s: &[u8]) -> bool {
    let num = |t: &[u8]| {
        !t.is_empty()
            && t.len() <= 3
            && t.iter().all(u8::is_ascii_digit)
            && std::str::from_utf8(t)
                .ok()
                .and_then(|x| x.parse::<u32>().ok())
                .is_some_and(|n| n <= 255)
    };
    match s.iter().position(|c| *c == b',') {
        None => num(s),
        Some(p) => {
            let (m, n) = (&s[..p], &s[p + 1..]);
            num(m) && (n.is_empty() || (num(n) && parse(n) >= parse(m)))
        }
    }
}

fn parse(t: &[u8]) -> u32 {
    std::str::from_utf8(t)
        .ok()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0)
}

/// The index just past the bracket expression opening at `start`.
fn bracket_end(b: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    if b.get(j) == Some(&b'^') {
        j += 1;
    }
    if b.get(j) == Some(&b']') {
        j += 1;
    }
    while j < b.len() {
        match b[j] {
            b']' => return Some(j + 1),
            b'[' if matches!(b.get(j + 1), Some(b':' | b'=' | b'.')) => {
                let kind = b[j + 1];
                let close = (j + 2..b.len().saturating_sub(1)).find(|&k| b[k] == kind && b[k + 1] == b']')?;
                j = close + 2;
            }
            _ => j += 1,
        }
    }
    None
}

/// A `<notreplicated path>` as the daemon keeps it: relative, `.` and empty components dropped;
/// refused when absolute, with `..`, empty, or naming the directory itself.
pub fn normalize(raw: &str) -> Result<RelPath, String> {
    if raw.starts_with('/') {
        return Err(format!(
            "'{raw}' is absolute; it must be relative to the replicated directory"
        ));
    }
    let parts: Vec<&str> = raw.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    if parts.contains(&"..") {
        return Err(format!(
            "'{raw}' has a '..' component: it would leave the replicated directory"
        ));
    }
    if parts.is_empty() {
        return Err(format!("'{raw}' names the replicated directory itself"));
    }
    RelPath::parse(parts.join("/").as_bytes()).map_err(|e| format!("'{raw}': {e:?}"))
}

#[derive(Default)]
pub struct Filter {
    paths: Vec<RelPath>,
    except: Vec<Ere>,
    only: Vec<Ere>,
}

impl Filter {
    pub fn add_path(&mut self, raw: &str) -> Result<(), String> {
        self.paths.push(normalize(raw)?);
        Ok(())
    }

    /// `ERE` (these are not replicated) or `!ERE` (only these are).
    pub fn add_regex(&mut self, raw: &str) -> Result<(), String> {
        let (only, src) = match raw.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        if src.is_empty() {
            return Err(format!("'{raw}' is empty"));
        }
        let ere = Ere::new(src)
            .map_err(|e| format!("'{raw}' is not a valid POSIX extended regular expression: {e}"))?;
        if only {
            self.only.push(ere);
        } else {
            self.except.push(ere);
        }
        Ok(())
    }

    /// Everything is replicated.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.except.is_empty() && self.only.is_empty()
    }

    /// Whether the answer depends on an entry being a directory (`!` regexes).
    pub fn kind_matters(&self) -> bool {
        !self.only.is_empty()
    }

    /// Whether the entry at `path` is replicated; `dir`: it is a directory.
    pub fn replicated(&self, path: &RelPath, dir: bool) -> bool {
        if self.is_empty() || path.is_root() {
            return true;
        }
        let b = path.as_bytes();
        // The path itself and each directory above it.
        let ends = b
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == b'/')
            .map(|(i, _)| i)
            .chain(std::iter::once(b.len()));
        for end in ends {
            let prefix = &b[..end];
            if self.paths.iter().any(|p| p.as_bytes() == prefix)
                || self.except.iter().any(|e| e.search(prefix))
            {
                return false;
            }
        }
        dir || self.only.is_empty() || self.only.iter().any(|e| e.search(b))
    }

    /// Whether an operation of the primary concerns a replicated entry. `is_dir` tells whether a
    /// path is a directory now (asked only with `!` regexes, for operations that do not say).
    pub fn sends(&self, op: &Op, is_dir: impl Fn(&RelPath) -> bool) -> bool {
        if self.is_empty() {
            return true;
        }
        let (path, dir) = match op {
            Op::Write { path, .. }
            | Op::Truncate { path, .. }
            | Op::Create { path, .. }
            | Op::Fallocate { path, .. }
            | Op::Symlink { path, .. }
            | Op::Unlink { path, .. }
            | Op::Mknod { path, .. } => (path, Some(false)),
            // Both names are on the same side (passfs refuses a link or rename across: EXDEV).
            Op::Link { to, .. } => (to, Some(false)),
            Op::Rename { to, .. } => (to, None),
            Op::Mkdir { path, .. } | Op::Rmdir { path, .. } => (path, Some(true)),
            Op::Chmod { path, .. }
            | Op::Chown { path, .. }
            | Op::SetTimes { path, .. }
            | Op::Fsync { path, .. }
            | Op::SetXattr { path, .. }
            | Op::RemoveXattr { path, .. }
            | Op::Xattrs { path, .. } => (path, None),
            _ => return true,
        };
        let dir = match dir {
            Some(d) => d,
            None if self.kind_matters() && !path.is_root() => is_dir(path),
            None => false,
        };
        self.replicated(path, dir)
    }

    /// Whether renaming (or linking) an entry from `from` to `to` keeps it, and everything beneath
    /// it, on the same side. `beneath` lists what lies beneath `from` (relative to it, with kinds);
    /// it is called only when a directory is moved and the filter could tell its entries apart.
    pub fn same_side(
        &self,
        from: &RelPath,
        to: &RelPath,
        dir: bool,
        beneath: impl FnOnce() -> std::io::Result<Vec<(Vec<u8>, EntryKind)>>,
    ) -> std::io::Result<bool> {
        if self.is_empty() {
            return Ok(true);
        }
        if self.replicated(from, dir) != self.replicated(to, dir) {
            return Ok(false);
        }
        let under = |p: &RelPath| {
            let mut s = p.as_bytes().to_vec();
            s.push(b'/');
            self.paths.iter().any(|x| x.as_bytes().starts_with(&s))
        };
        if !dir || (self.except.is_empty() && self.only.is_empty() && !under(from) && !under(to)) {
            return Ok(true);
        }
        for (rel, kind) in beneath()? {
            let (Ok(a), Ok(b)) = (join(from, &rel), join(to, &rel)) else {
                return Ok(false);
            };
            let d = kind == EntryKind::Dir;
            if self.replicated(&a, d) != self.replicated(&b, d) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// More entries than this beneath a directory moved by a rename: the rename is refused (EXDEV, so
/// `mv` copies) rather than the replication lock held for the whole walk.
const MOVE_WALK_MAX: usize = 100_000;

/// What lies beneath the directory `path` of `u` (relative to it, with kinds), following no link;
/// an error when it holds more than [`MOVE_WALK_MAX`] entries.
pub fn beneath(u: &crate::under::Underlying, path: &RelPath) -> std::io::Result<Vec<(Vec<u8>, EntryKind)>> {
    use crate::at::{self, FdRef};
    let mut out = Vec::new();
    let mut todo = vec![Vec::new()];
    while let Some(rel) = todo.pop() {
        let dir = if rel.is_empty() {
            path.clone()
        } else {
            join(path, &rel).map_err(|_| exdev())?
        };
        let fd = u.open_at(&dir, libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        for e in at::list(fd.as_fd_ref())? {
            let mut name = rel.clone();
            if !name.is_empty() {
                name.push(b'/');
            }
            name.extend_from_slice(&e.name);
            if e.kind == EntryKind::Dir {
                todo.push(name.clone());
            }
            out.push((name, e.kind));
            if out.len() > MOVE_WALK_MAX {
                return Err(exdev());
            }
        }
    }
    Ok(out)
}

pub fn exdev() -> std::io::Error {
    std::io::Error::from_raw_os_error(libc::EXDEV)
}

fn join(base: &RelPath, rel: &[u8]) -> Result<RelPath, keel_repl::RelPathError> {
    let mut s = base.as_bytes().to_vec();
    s.push(b'/');
    s.extend_from_slice(rel);
    RelPath::parse(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> RelPath {
        RelPath::parse(s.as_bytes()).unwrap()
    }

    fn filter(paths: &[&str], regexes: &[&str]) -> Filter {
        let mut f = Filter::default();
        for x in paths {
            f.add_path(x).unwrap();
        }
        for x in regexes {
            f.add_regex(x).unwrap();
        }
        f
    }

    #[test]
    fn a_path_excludes_itself_and_what_lies_beneath_not_its_namesakes() {
        let f = filter(&["cache", "./logs//today/"], &[]);
        assert!(!f.replicated(&p("cache"), true));
        assert!(!f.replicated(&p("cache/a/b"), false));
        assert!(!f.replicated(&p("logs/today/x"), false));
        assert!(f.replicated(&p("logs/yesterday"), false));
        assert!(f.replicated(&p("cache2"), false));
        assert!(f.replicated(&p("a/cache"), false));
        assert!(f.replicated(&RelPath::root(), true));
    }

    #[test]
    fn paths_that_escape_or_name_the_directory_are_refused() {
        for bad in ["/etc", "a/../../b", "..", ".", "./", ""] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
        assert_eq!(normalize("a/./b/").unwrap(), p("a/b"));
    }

    #[test]
    fn a_plain_regex_is_searched_unanchored_in_the_relative_path() {
        // The guide's example (§5.7.4): conf/config.tmp.swap is still replicated.
        let f = filter(&[], &[r".*\.tmp$"]);
        assert!(!f.replicated(&p("a.tmp"), false));
        assert!(!f.replicated(&p("conf/b.tmp"), false));
        assert!(f.replicated(&p("conf/config.tmp.swap"), false));
        // A directory it matches takes what lies beneath with it.
        assert!(!f.replicated(&p("d.tmp/keep.txt"), false));
        // Unanchored: a match anywhere counts; ^ anchors at the start of the relative path.
        let g = filter(&[], &["cache", "^top"]);
        assert!(!g.replicated(&p("x/mycache/y"), false));
        assert!(!g.replicated(&p("top/y"), false));
        assert!(g.replicated(&p("x/top"), false));
        // Case-sensitive.
        assert!(f.replicated(&p("A.TMP"), false));
    }

    #[test]
    fn bang_regexes_replicate_only_their_matches_and_every_directory() {
        let f = filter(&[], &[r"!.*\.mdf$", r"!.*\.ldf$"]);
        assert!(f.replicated(&p("db/x.mdf"), false));
        assert!(f.replicated(&p("db/x.ldf"), false));
        assert!(!f.replicated(&p("db/x.log"), false));
        assert!(f.replicated(&p("db"), true));
        assert!(f.replicated(&p("db/sub"), true));
        assert!(f.kind_matters());
    }

    #[test]
    fn plain_and_bang_regexes_and_paths_together_all_apply() {
        let f = filter(&["old"], &[r"!\.db$", "^tmp/"]);
        assert!(f.replicated(&p("a/x.db"), false));
        assert!(!f.replicated(&p("tmp/x.db"), false));
        assert!(!f.replicated(&p("old/x.db"), false));
        assert!(!f.replicated(&p("a/x.txt"), false));
    }

    #[test]
    fn expressions_engines_read_differently_are_refused() {
        for bad in [
            r"\d+", r"a\1", "(?:a)", "a{", "a{,3}", "{1}", "a{2,1}", "a{300}", "[a-", r"x\",
        ] {
            assert!(Filter::default().add_regex(bad).is_err(), "{bad}");
        }
        for good in [
            "a{2}",
            "a{2,}",
            "a{1,3}",
            r"[{]x",
            r"[[:digit:]]+\.log$",
            r"\.",
            "[]a]",
            "(a|b)*",
        ] {
            assert!(Filter::default().add_regex(good).is_ok(), "{good}");
        }
        // What only the C library refuses is refused with its message.
        let e = Filter::default().add_regex("a**(").unwrap_err();
        assert!(e.contains("not a valid POSIX extended regular expression"), "{e}");
        assert!(Filter::default().add_regex("!").is_err());
    }

    #[test]
    fn operations_are_judged_by_the_entry_they_touch() {
        let f = filter(&[], &[r"!\.db$"]);
        let w = |path: &str| Op::Write {
            dir: 0,
            path: p(path),
            offset: 0,
            data: vec![],
        };
        assert!(f.sends(&w("a.db"), |_| false));
        assert!(!f.sends(&w("a.txt"), |_| false));
        let chmod = Op::Chmod {
            dir: 0,
            path: p("d"),
            mode: 0o755,
        };
        assert!(f.sends(&chmod, |_| true));
        assert!(!f.sends(&chmod, |_| false));
        assert!(f.sends(
            &Op::Mkdir {
                dir: 0,
                path: p("d"),
                mode: 0,
                uid: 0,
                gid: 0
            },
            |_| false
        ));
    }

    #[test]
    fn a_move_across_sides_is_told_apart_even_deep_beneath_a_directory() {
        let f = filter(&[], &[r"^logs/.*\.txt$"]);
        // Files: by their names.
        assert!(!f
            .same_side(&p("a.txt"), &p("logs/a.txt"), false, || unreachable!())
            .unwrap());
        assert!(f
            .same_side(&p("a.txt"), &p("b.txt"), false, || unreachable!())
            .unwrap());
        // A directory: both names are replicated, but an entry beneath is not under one of them.
        let beneath = || {
            Ok(vec![
                (b"sub".to_vec(), EntryKind::Dir),
                (b"sub/n.txt".to_vec(), EntryKind::File),
            ])
        };
        assert!(!f.same_side(&p("logs"), &p("old"), true, beneath).unwrap());
        let plain = || Ok(vec![(b"n.bin".to_vec(), EntryKind::File)]);
        assert!(f.same_side(&p("logs"), &p("old"), true, plain).unwrap());
        // Paths only, none beneath either name: no walk.
        let g = filter(&["cache"], &[]);
        assert!(g.same_side(&p("a"), &p("b"), true, || unreachable!()).unwrap());
        assert!(!g
            .same_side(&p("a"), &p("cache"), true, || unreachable!())
            .unwrap());
        let h = filter(&["a/cache"], &[]);
        let with_cache = || Ok(vec![(b"cache".to_vec(), EntryKind::Dir)]);
        assert!(!h.same_side(&p("a"), &p("b"), true, with_cache).unwrap());
    }
}
