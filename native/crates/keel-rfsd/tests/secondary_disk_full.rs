//! The secondary's disk fills up while it acknowledges on receipt (`async="second"`): the write it
//! acknowledged but could not apply makes it say at once that its copy is behind, before the
//! link goes; the primary goes on.
mod support;
use std::fs;
use support::*;

#[test]
fn a_secondary_that_cannot_apply_an_acknowledged_write_says_it_is_behind() {
    let t = Scratch::new("disk-full");
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");
    let mut s = t.secondary_on(port, true, "mount -t tmpfs -o size=256k keel-test \"$2\"");
    s.wait("synced");

    fs::write(t.p().join("big"), vec![1u8; 1 << 20]).unwrap();

    let behind = s.wait("behind");
    assert!(
        behind["reason"]
            .as_str()
            .unwrap()
            .contains("No space left on device"),
        "{behind}"
    );
    // Said before the link went down.
    let seen = s.drain().to_vec();
    let at = |name: &str| seen.iter().position(|e| e["event"] == name);
    assert!(
        at("link-lost").is_none_or(|lost| at("behind").unwrap() < lost),
        "{seen:?}"
    );
    assert_eq!(fs::read(t.p().join("big")).unwrap().len(), 1 << 20);
}
