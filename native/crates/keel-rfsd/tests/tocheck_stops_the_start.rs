//! `<tocheck path>`: a daemon (either role) whose replicated directory lacks the path does not
//! start: an error naming the path and the directory, nothing mounted, nothing replicated. Once the
//! path is there (the file system mounted), it starts.
mod support;
use std::fs;
use support::*;

#[test]
fn a_missing_tocheck_path_stops_the_start_with_its_name() {
    let t = Scratch::new("tocheck");
    fs::write(t.p().join("data"), b"x").unwrap();
    let check = ["--tocheck", "mnt/.mounted"];
    let port = free_port();
    let mut p = t.primary_with(port, &check);
    let msg = p.wait("error")["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("tocheck path mnt/.mounted is missing")
            && msg.contains(&format!("replicated directory {}", t.p().display())),
        "{msg}"
    );
    assert_eq!(p.stop(), Some(1));
    assert!(!mounted(&t.p()));

    fs::create_dir_all(t.p().join("mnt")).unwrap();
    fs::write(t.p().join("mnt/.mounted"), b"").unwrap();
    let mut p = t.primary_with(port, &check);
    p.wait("mounted");

    // The secondary's copy lacks it (its file system is not mounted): it does not join.
    let mut s = t.secondary_plus(port, true, &check);
    let msg = s.wait("error")["message"].as_str().unwrap().to_string();
    assert!(msg.contains("tocheck path mnt/.mounted is missing"), "{msg}");
    assert!(!t.s().join("data").exists(), "nothing was copied");
    fs::create_dir_all(t.s().join("mnt")).unwrap();
    fs::write(t.s().join("mnt/.mounted"), b"").unwrap();
    let mut s = t.secondary_plus(port, true, &check);
    s.wait("synced");
    assert_eq!(fs::read(t.s().join("data")).unwrap(), b"x");
}
