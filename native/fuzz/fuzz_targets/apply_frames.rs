//! Bytes from the network, all the way to the disk: each record of the input is sealed and opened
//! as a frame of the link (keel_repl::frame), decoded as a message (keel_repl::codec) and, when it
//! is an operation, applied by the secondary's applier (keel-rfsd's apply.rs, compiled here as it
//! is in the daemon) beneath a scratch directory. The whole input is also given to the frame
//! checks as an unauthenticated frame body.
//!
//! What must hold for any input: no panic, no hang (a fifo is never opened in a blocking way), a
//! decoded message encodes back to itself, and nothing outside the scratch directory changes,
//! although symbolic links planted in it point outside (checked after every input).
//!
//! Input: records of `len:u16le | payload`. The scratch directory is made anew for each input
//! under $KEEL_FUZZ_DIR (default /dev/shm, a tmpfs: fsyncs cost nothing and nothing reaches a
//! disk). fallocate lengths are cut to 1 MiB so that a run cannot fill memory; nothing else is
//! changed in what is applied.
#![no_main]
#![allow(dead_code)]

// The applier and what it uses, from the daemon's own sources (no copy).
#[path = "../../crates/keel-rfsd/src/apply.rs"]
mod apply;
#[path = "../../crates/keel-rfsd/src/at.rs"]
mod at;
#[path = "../../crates/keel-rfsd/src/copies.rs"]
mod copies;
#[path = "../../crates/keel-rfsd/src/notrep.rs"]
mod notrep;
#[path = "../../crates/keel-rfsd/src/under.rs"]
mod under;
#[path = "../../crates/keel-rfsd/src/verify_check.rs"]
mod verify_check;
#[path = "../../crates/keel-rfsd/src/xattr.rs"]
mod xattr;

use keel_repl::frame::{body_len, Opener, Sealer};
use keel_repl::{codec, Message, Op};
use libfuzzer_sys::fuzz_target;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const KEY: [u8; 32] = [7; 32];
const FALLOCATE_MAX: u64 = 1 << 20;

struct Scratch {
    inside: PathBuf,
    outside: PathBuf,
    canary: String,
}

fn scratch() -> &'static Scratch {
    static S: OnceLock<Scratch> = OnceLock::new();
    S.get_or_init(|| {
        let base = std::env::var_os("KEEL_FUZZ_DIR").map_or_else(|| PathBuf::from("/dev/shm"), PathBuf::from);
        let root = base.join(format!("keel-fuzz-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let outside = root.join("outside");
        fs::create_dir_all(outside.join("dir")).unwrap();
        fs::write(outside.join("file"), b"precious").unwrap();
        let inside = root.join("inside");
        let canary = fingerprint(&outside);
        Scratch {
            inside,
            outside,
            canary,
        }
    })
}

/// Everything about the directory outside that any change to it would alter.
fn fingerprint(outside: &std::path::Path) -> String {
    let mut out = String::new();
    for p in [outside.to_path_buf(), outside.join("dir"), outside.join("file")] {
        let m = fs::symlink_metadata(&p).unwrap();
        out.push_str(&format!(
            "{} {:o} {}:{} {} {} {}.{} {}.{}\n",
            p.display(),
            m.mode(),
            m.uid(),
            m.gid(),
            m.size(),
            m.nlink(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ));
    }
    out.push_str(&format!("{:?}", fs::read(outside.join("file")).unwrap()));
    out
}

/// A fresh replicated directory with links planted towards the outside, as a hostile user or a
/// replicated symlink could leave them.
fn fresh(s: &Scratch) {
    let _ = fs::remove_dir_all(&s.inside);
    fs::create_dir_all(s.inside.join("d")).unwrap();
    fs::write(s.inside.join("d/f"), b"inside").unwrap();
    std::os::unix::fs::symlink("../outside", s.inside.join("out")).unwrap();
    std::os::unix::fs::symlink("../outside/file", s.inside.join("f")).unwrap();
    std::os::unix::fs::symlink(s.outside.join("dir"), s.inside.join("d/abs")).unwrap();
}

fn records(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if data.len() < 2 {
            return None;
        }
        let n = (u16::from_le_bytes([data[0], data[1]]) as usize).min(data.len() - 2);
        let r = &data[2..2 + n];
        data = &data[2 + n..];
        Some(r)
    })
}

fuzz_target!(|data: &[u8]| {
    // The frame checks, on a body nobody sealed.
    if data.len() >= 4 {
        let _ = body_len(data[..4].try_into().unwrap());
    }
    let _ = Opener::new(KEY).open(data);

    let s = scratch();
    fresh(s);
    let dirs = Arc::new(vec![under::Underlying::open(&s.inside).unwrap()]);
    let mut applier = apply::Applier::new(dirs);
    let (mut sealer, mut opener) = (Sealer::new(KEY), Opener::new(KEY));
    applier.joined();
    for payload in records(data) {
        let (seq, frame) = sealer.seal(payload);
        let (got, opened) = opener.open(&frame[4..]).expect("a sealed frame opens");
        assert_eq!((got, opened), (seq, payload));
        let Ok(message) = codec::decode(opened) else {
            continue;
        };
        assert_eq!(codec::decode(&codec::encode(&message)), Ok(message.clone()));
        let Message::Op(mut op) = message else {
            continue;
        };
        if let Op::Fallocate { len, .. } = &mut op {
            *len = (*len).min(FALLOCATE_MAX);
        }
        let r = applier.apply(&op);
        let _ = apply::ack(seq, &r);
    }
    assert_eq!(
        fingerprint(&s.outside),
        s.canary,
        "something outside the directory changed"
    );
});
