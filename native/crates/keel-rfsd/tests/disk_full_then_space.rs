//! The secondary's disk fills up under an appending writer, then has room again before the
//! secondary rejoins. The write it acknowledged but could not apply leaves its copy short; the
//! writer's next writes, held while the link was down, reach it when it rejoins, past the end of
//! that copy. They must not land there (a hole where the lost write was, with the primary's size
//! and times, that the reintegration's comparison would take for a complete copy): the file is
//! copied again, and both nodes end with the same bytes (issue 8, docs/decisions/0014).
mod support;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::process::Command;
use support::*;

const RECORD: usize = 1024;
const RECORDS: usize = 600;

#[test]
fn writes_after_a_failed_one_never_leave_a_hole_that_looks_complete() {
    let t = Scratch::new("disk-full-space");
    let port = free_port();
    let mut p = t.primary_with(port, &["--hold-ms", "5000"]);
    p.wait("mounted");
    // The file system is also mounted beside the copy, where the secondary's own mount over the
    // copy does not cover it, to be grown there.
    let disk = format!("{}-disk", t.s().display());
    let mut s = t.secondary_on(
        port,
        true,
        "mkdir -p \"$1-disk\" && mount -t tmpfs -o size=256k keel-test \"$1-disk\" && mount --bind \"$1-disk\" \"$2\"",
    );
    s.wait("synced");

    let file = t.p().join("records");
    let writer = std::thread::spawn(move || {
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o644)
            .open(&file)
            .unwrap();
        for i in 0..RECORDS {
            f.write_all(&numbered_record(i, RECORD)).unwrap();
            f.sync_data().unwrap();
        }
    });

    s.wait("behind");
    s.wait("link-lost");
    // Still full when the secondary joins back: the reintegration cannot finish and the primary
    // gives the link up. The writer's next writes wait meanwhile.
    s.wait("connected");
    s.wait("link-lost");
    // Room again before the next join (the secondary retries every 200 ms).
    let grown = Command::new("nsenter")
        .args([
            "--target",
            &s.pid().to_string(),
            "--mount",
            "mount",
            "-o",
            "remount,size=4m",
            &disk,
        ])
        .output()
        .unwrap();
    assert!(
        grown.status.success(),
        "{}",
        String::from_utf8_lossy(&grown.stderr)
    );
    writer.join().unwrap();
    s.wait("synced");

    assert_records(
        &t.p().join("records"),
        &s.view(&t.p()).join("records"),
        RECORDS,
        RECORD,
    );
}
