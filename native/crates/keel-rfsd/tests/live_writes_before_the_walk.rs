//! A secondary rejoins while the application appends to a file it holds an old copy of. The
//! application's writes reach that copy live, past its end, before the walk gets to the file: the
//! copy then has the primary's size and, file times being coarse, often its modification time
//! too — with a hole where the writes made while the secondary was away should be. The walk must
//! copy the file anyway, not take it for complete (issue 8, docs/decisions/0014).
mod support;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::*;

const RECORD: usize = 512;

#[test]
fn a_file_written_live_before_the_walk_reaches_it_is_still_copied() {
    let t = Scratch::new("live-before-walk");
    // Many files the walk visits first ("a/…" before "z"), so that live writes come before it.
    fs::create_dir(t.p().join("a")).unwrap();
    for i in 0..3000 {
        fs::write(t.p().join(format!("a/{i:05}")), [b'x'; 64]).unwrap();
    }
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");

    let file = t.p().join("z");
    let mut w = Appender {
        f: OpenOptions::new().create(true).append(true).open(&file).unwrap(),
        written: 0,
    };
    for _ in 0..100 {
        w.append();
    }
    assert_eq!(s.stop(), Some(0));
    // Away: the primary goes on alone (the tests' daemons hold nothing after a break).
    w.append();
    p.wait("link-lost");
    for _ in 0..200 {
        w.append();
    }

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                w.append();
            }
            w.written
        })
    };
    let mut s = t.secondary(port, false);
    s.wait("synced");
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();

    assert_records(&t.p().join("z"), &s.view(&t.p()).join("z"), written, RECORD);
}

/// Appends numbered records, each made durable.
struct Appender {
    f: fs::File,
    written: usize,
}

impl Appender {
    fn append(&mut self) {
        self.f.write_all(&numbered_record(self.written, RECORD)).unwrap();
        self.f.sync_data().unwrap();
        self.written += 1;
    }
}
