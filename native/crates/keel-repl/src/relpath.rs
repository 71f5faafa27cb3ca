//! Paths inside a replicated directory, as they travel between nodes.
//!
//! A path received from the network names a file *under* the replicated directory and nothing
//! else: no absolute path, no `..`, no `.`, no empty component, no NUL. The empty path is the
//! directory itself. Names are bytes, as Linux file names are.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelPath(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelPathError {
    Absolute,
    EmptyComponent,
    DotComponent,
    Nul,
    TooLong,
}

impl fmt::Display for RelPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RelPathError::Absolute => "path must be relative to the replicated directory",
            RelPathError::EmptyComponent => "path has an empty component",
            RelPathError::DotComponent => "path has a '.' or '..' component",
            RelPathError::Nul => "path contains a NUL byte",
            RelPathError::TooLong => "path is longer than 4096 bytes",
        })
    }
}

impl std::error::Error for RelPathError {}

/// Linux's PATH_MAX: a longer path could not be opened on the other side anyway.
const MAX_LEN: usize = 4096;

impl RelPath {
    /// The replicated directory itself.
    pub fn root() -> RelPath {
        RelPath(Vec::new())
    }

    pub fn parse(bytes: &[u8]) -> Result<RelPath, RelPathError> {
        if bytes.is_empty() {
            return Ok(RelPath::root());
        }
        if bytes.len() > MAX_LEN {
            return Err(RelPathError::TooLong);
        }
        if bytes[0] == b'/' {
            return Err(RelPathError::Absolute);
        }
        if bytes.contains(&0) {
            return Err(RelPathError::Nul);
        }
        for c in bytes.split(|b| *b == b'/') {
            if c.is_empty() {
                return Err(RelPathError::EmptyComponent);
            }
            if c == b"." || c == b".." {
                return Err(RelPathError::DotComponent);
            }
        }
        Ok(RelPath(bytes.to_vec()))
    }

    /// This path followed by one directory entry name (itself checked like a component).
    pub fn join(&self, name: &[u8]) -> Result<RelPath, RelPathError> {
        if name.contains(&b'/') {
            return Err(RelPathError::EmptyComponent);
        }
        if self.0.is_empty() {
            return RelPath::parse(name);
        }
        let mut v = Vec::with_capacity(self.0.len() + 1 + name.len());
        v.extend_from_slice(&self.0);
        v.push(b'/');
        v.extend_from_slice(name);
        RelPath::parse(&v)
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether `self` is `other` or lies under it.
    pub fn starts_with(&self, other: &RelPath) -> bool {
        other.0.is_empty()
            || (self.0.starts_with(&other.0)
                && (self.0.len() == other.0.len() || self.0[other.0.len()] == b'/'))
    }

    /// `self` with the leading `from` replaced by `to` (for renames of directories).
    pub fn rebase(&self, from: &RelPath, to: &RelPath) -> Option<RelPath> {
        if !self.starts_with(from) {
            return None;
        }
        let rest = &self.0[from.0.len()..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        if rest.is_empty() {
            return Some(to.clone());
        }
        to.join_path(rest)
    }

    fn join_path(&self, rest: &[u8]) -> Option<RelPath> {
        if self.0.is_empty() {
            return RelPath::parse(rest).ok();
        }
        let mut v = self.0.clone();
        v.push(b'/');
        v.extend_from_slice(rest);
        RelPath::parse(&v).ok()
    }
}

impl fmt::Debug for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_relative_paths() {
        assert_eq!(RelPath::parse(b"a/b c/d.txt").unwrap().as_bytes(), b"a/b c/d.txt");
        assert!(RelPath::parse(b"").unwrap().is_root());
        assert!(RelPath::parse(b"..hidden/...").is_ok());
    }

    #[test]
    fn refuses_anything_that_could_leave_the_directory() {
        assert_eq!(RelPath::parse(b"/etc/passwd"), Err(RelPathError::Absolute));
        assert_eq!(RelPath::parse(b"a/../../etc"), Err(RelPathError::DotComponent));
        assert_eq!(RelPath::parse(b"./a"), Err(RelPathError::DotComponent));
        assert_eq!(RelPath::parse(b"a//b"), Err(RelPathError::EmptyComponent));
        assert_eq!(RelPath::parse(b"a/"), Err(RelPathError::EmptyComponent));
        assert_eq!(RelPath::parse(b"a\0b"), Err(RelPathError::Nul));
        assert_eq!(RelPath::parse(&[b'a'; 5000]), Err(RelPathError::TooLong));
        assert!(RelPath::root().join(b"a/b").is_err());
        assert!(RelPath::root().join(b"..").is_err());
    }

    #[test]
    fn rebases_paths_under_a_renamed_directory() {
        let p = RelPath::parse(b"old/sub/f").unwrap();
        let from = RelPath::parse(b"old").unwrap();
        let to = RelPath::parse(b"new/place").unwrap();
        assert_eq!(p.rebase(&from, &to).unwrap().as_bytes(), b"new/place/sub/f");
        assert_eq!(from.rebase(&from, &to).unwrap(), to);
        assert!(RelPath::parse(b"older/f").unwrap().rebase(&from, &to).is_none());
    }
}
