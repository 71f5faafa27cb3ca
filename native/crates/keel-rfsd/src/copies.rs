//! What the secondary knows about the completeness of its files (pure; docs/decisions/0014).
//!
//! A reintegration decides by comparison whether a file needs copying: the secondary answers
//! `StatFile` with its size and times. Two things make a short copy answer like a complete one:
//! - the application's changes flow on the link during the walk and reach a file before the walk
//!   does: a write past the end of an old copy leaves a hole where the changes made while the
//!   secondary was away belong, and gives the copy the primary's size — and file times being
//!   coarse (a clock tick), often its modification time too;
//! - a change that failed here (a full disk): the changes after it land past the hole it left.
//!
//! So a file changed during a reintegration before the walk asked about it is *suspect*, and a file
//! a change to which failed is *incomplete* (and takes no more changes): both answer a size no file
//! has, so the walk copies them again, which makes them anew (a new inode) and ends the mark. A file
//! the walk replaces under one name while other names keep it is suspect too: the walk found it
//! differs, and may have let changes reach it through another name meanwhile.
//!
//! Only regular files are tracked (a number a removed file had may come back as a directory). The
//! marks live in memory: a secondary that restarts in the middle of a reintegration copies every
//! file at its next one (crate::secondary).

use std::collections::HashSet;
use std::io;

/// A file here: device and inode number.
pub type FileKey = (u64, u64);

#[derive(Default)]
pub struct Copies {
    syncing: bool,
    /// Files the walk asked about or made during the current reintegration.
    seen: HashSet<FileKey>,
    suspect: HashSet<FileKey>,
    incomplete: HashSet<FileKey>,
}

impl Copies {
    pub fn sync_began(&mut self) {
        self.syncing = true;
        self.seen.clear();
    }

    /// The walk ended with every file asked about or copied: the suspects left are files no
    /// name reaches any more.
    pub fn sync_ended(&mut self) {
        self.syncing = false;
        self.seen.clear();
        self.suspect.clear();
    }

    /// A name of a file is about to be replaced by the walk (`Create`): with `nlink` names before,
    /// the others still reach a copy the walk found different.
    pub fn replacing(&mut self, k: FileKey, nlink: u64) {
        if nlink > 1 {
            self.suspect.insert(k);
        } else {
            self.forget(k);
        }
    }

    /// A file's last name is gone: its number may come back for another file.
    pub fn forget(&mut self, k: FileKey) {
        self.seen.remove(&k);
        self.suspect.remove(&k);
        self.incomplete.remove(&k);
    }

    /// A file was made anew here (`Create`): complete with what comes next.
    pub fn made(&mut self, k: FileKey) {
        self.suspect.remove(&k);
        self.incomplete.remove(&k);
        if self.syncing {
            self.seen.insert(k);
        }
    }

    /// The walk asks about a file: whether it may be compared (else it must be copied).
    pub fn asked(&mut self, k: FileKey) -> bool {
        if self.syncing {
            self.seen.insert(k);
        }
        !self.suspect.contains(&k) && !self.incomplete.contains(&k)
    }

    /// Refuses a change to a file a change to which failed.
    pub fn may_change(&self, k: FileKey) -> io::Result<()> {
        if self.incomplete.contains(&k) {
            return Err(io::Error::other(
                "an earlier change to this file failed here: it waits to be copied again",
            ));
        }
        Ok(())
    }

    /// A change to a file's data or times was applied (or failed).
    pub fn changed<T>(&mut self, k: FileKey, r: io::Result<T>) -> io::Result<T> {
        match &r {
            Err(_) => {
                self.incomplete.insert(k);
            }
            Ok(_) if self.syncing && !self.seen.contains(&k) => {
                self.suspect.insert(k);
            }
            Ok(_) => {}
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileKey = (1, 10);
    const G: FileKey = (1, 11);

    #[test]
    fn a_change_outside_a_reintegration_keeps_a_file_comparable() {
        let mut c = Copies::default();
        c.changed(F, Ok(())).unwrap();
        assert!(c.asked(F));
    }

    #[test]
    fn a_change_before_the_walk_asked_makes_the_file_suspect_until_it_is_made_anew() {
        let mut c = Copies::default();
        c.sync_began();
        c.changed(F, Ok(())).unwrap();
        assert!(!c.asked(F));
        // Still suspect in a later pass, until copied.
        assert!(!c.asked(F));
        c.made(F);
        assert!(c.asked(F));
    }

    #[test]
    fn a_file_replaced_under_one_of_its_names_is_suspect_under_the_others() {
        let mut c = Copies::default();
        c.sync_began();
        assert!(c.asked(F));
        c.changed(F, Ok(())).unwrap();
        c.replacing(F, 2);
        assert!(!c.asked(F));
        // Its last name replaced, it is forgotten: the number may come back.
        c.replacing(F, 1);
        assert!(c.asked(F));
    }

    #[test]
    fn a_change_after_the_walk_asked_or_made_it_is_no_suspicion() {
        let mut c = Copies::default();
        c.sync_began();
        assert!(c.asked(F));
        c.changed(F, Ok(())).unwrap();
        c.made(G);
        c.changed(G, Ok(())).unwrap();
        assert!(c.asked(F));
        assert!(c.asked(G));
    }

    #[test]
    fn a_new_reintegration_forgets_what_the_last_one_asked() {
        let mut c = Copies::default();
        c.sync_began();
        assert!(c.asked(F));
        c.sync_ended();
        c.sync_began();
        c.changed(F, Ok(())).unwrap();
        assert!(!c.asked(F));
    }

    #[test]
    fn a_failed_change_refuses_the_next_ones_until_the_file_is_made_anew() {
        let mut c = Copies::default();
        assert!(c.changed(F, Err::<(), _>(io::Error::other("full"))).is_err());
        assert!(c.may_change(F).is_err());
        assert!(!c.asked(F));
        assert!(c.may_change(G).is_ok());
        c.made(F);
        assert!(c.may_change(F).is_ok());
        assert!(c.asked(F));
    }
}
