//! Log rotation by a careless tool: a process keeps `app.log` open in append mode; the file is
//! unlinked and created again empty; the process writes one more line into the old file. Both
//! nodes keep the new, empty `app.log`: no hole, no stray line.
mod support;
use std::fs::{self, OpenOptions};
use std::io::Write;
use support::*;

#[test]
fn a_line_written_to_a_rotated_away_log_is_on_neither_node() {
    let t = Scratch::new("log-rotation");
    let canary = Canary::new(&t.root);
    let before = canary.fingerprint();
    open_to_users(&t.p());
    open_to_users(&t.s());
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary(port, true);
    s.wait("synced");

    let pm = t.p();
    as_user(move || {
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(pm.join("app.log"))
            .unwrap();
        writeln!(log, "first line").unwrap();
        fs::remove_file(pm.join("app.log")).unwrap();
        fs::write(pm.join("app.log"), b"").unwrap();
        writeln!(log, "after the rotation").unwrap();
        log.sync_all().unwrap();
    });

    assert_eq!(fs::read(t.p().join("app.log")).unwrap(), b"");
    assert_same_trees(&t.p(), &t.s());
    assert_eq!(canary.fingerprint(), before);
}
