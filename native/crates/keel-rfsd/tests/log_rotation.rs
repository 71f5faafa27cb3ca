//! Log rotation by a careless tool: a process keeps `app.log` open in append mode; the file is
//! unlinked and created again empty; the process writes one more line into the old file. Both
//! nodes keep the new, empty `app.log`: no hole, no stray line.
mod support;
use std::fs::{self, OpenOptions};
use std::io::Write;
use support::*;

#[test]
fn a_line_written_to_a_rotated_away_log_is_on_neither_node() {
    let pair = UserPair::start("log-rotation");
    let pm = pair.t.p();
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

    assert_eq!(fs::read(pair.t.p().join("app.log")).unwrap(), b"");
    pair.assert_safe();
}
