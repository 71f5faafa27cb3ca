//! Start-up problems are reported as an `error` event and a non-zero exit, and mount nothing.
mod support;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use support::*;

#[test]
fn a_readable_key_or_a_missing_directory_stops_the_start() {
    let t = Scratch::new("bad-start");
    fs::set_permissions(t.key(), fs::Permissions::from_mode(0o644)).unwrap();
    let mut p = t.primary(free_port());
    assert!(p.wait("error")["message"]
        .as_str()
        .unwrap()
        .contains("let other users read the key"));
    assert_eq!(p.stop(), Some(1));

    fs::set_permissions(t.key(), fs::Permissions::from_mode(0o600)).unwrap();
    fs::remove_dir(t.p()).unwrap();
    let mut p = t.primary(free_port());
    let msg = p.wait("error")["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("replicated directory") && msg.contains("/p"),
        "{msg}"
    );
    assert!(!mounted(&t.p()));
}
