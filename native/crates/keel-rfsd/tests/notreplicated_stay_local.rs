//! `<notreplicated path>` and a plain `regexpath`: those entries stay local on each node, through
//! the first copy, live changes, renames and links across (refused: EXDEV), a directory removed
//! with the secondary's own entries in it, and a reintegration after the secondary was away.
mod support;
use std::fs;
use std::process::Command;
use support::*;

const LOCAL: [&str; 4] = ["--notreplicated", "cache", "--notreplicated-regex", r"\.tmp$"];

fn more(extra: &[&'static str]) -> Vec<&'static str> {
    LOCAL.iter().chain(extra).copied().collect()
}

#[test]
fn entries_not_replicated_stay_local_on_each_node() {
    let t = Scratch::new("notrep-local");
    let (p, s) = (t.p(), t.s());
    fs::create_dir_all(p.join("cache")).unwrap();
    fs::create_dir_all(p.join("d")).unwrap();
    fs::write(p.join("keep.txt"), b"primary").unwrap();
    fs::write(p.join("cache/big"), b"primary's cache").unwrap();
    fs::write(p.join("a.tmp"), b"primary's a.tmp").unwrap();
    fs::write(p.join("d/c.txt"), b"replicated").unwrap();
    fs::write(p.join("d/b.tmp"), b"primary's b.tmp").unwrap();
    // The secondary's own versions.
    fs::create_dir_all(s.join("cache")).unwrap();
    fs::create_dir_all(s.join("d")).unwrap();
    fs::write(s.join("cache/local"), b"secondary's cache").unwrap();
    fs::write(s.join("a.tmp"), b"secondary's a.tmp").unwrap();
    fs::write(s.join("d/b.tmp"), b"secondary's b.tmp").unwrap();

    let port = free_port();
    let mut pd = t.primary_with(port, &LOCAL);
    pd.wait("mounted");
    let mut sd = t.secondary_plus(port, true, &more(&["--async", "none"]));
    assert_eq!(sd.wait("synced")["files"], 2, "keep.txt and d/c.txt only");
    let read = |path: &str| fs::read(s.join(path)).unwrap();
    assert_eq!(read("keep.txt"), b"primary");
    assert_eq!(read("cache/local"), b"secondary's cache");
    assert!(!s.join("cache/big").exists());
    assert_eq!(read("a.tmp"), b"secondary's a.tmp");
    assert_eq!(read("d/b.tmp"), b"secondary's b.tmp");

    // Live: changes to local entries are done on the primary and never sent.
    fs::write(p.join("cache/new"), b"x").unwrap();
    fs::write(p.join("x.tmp"), b"x").unwrap();
    fs::write(p.join("a.tmp"), b"primary rewrote it").unwrap();
    fs::remove_file(p.join("d/b.tmp")).unwrap();
    fs::write(p.join("live.txt"), b"live").unwrap();
    assert_eq!(read("live.txt"), b"live");
    assert!(!s.join("cache/new").exists() && !s.join("x.tmp").exists());
    assert_eq!(read("a.tmp"), b"secondary's a.tmp");
    assert_eq!(read("d/b.tmp"), b"secondary's b.tmp");
    assert_eq!(fs::read(p.join("a.tmp")).unwrap(), b"primary rewrote it");

    // Across sides: rename and hard link refused with EXDEV (nothing changes anywhere)...
    let exdev = |r: std::io::Result<()>| assert_eq!(r.unwrap_err().raw_os_error(), Some(libc::EXDEV));
    exdev(fs::rename(p.join("live.txt"), p.join("live.tmp")));
    exdev(fs::rename(p.join("x.tmp"), p.join("x.txt")));
    exdev(fs::hard_link(p.join("live.txt"), p.join("cache/l")));
    exdev(fs::rename(p.join("d"), p.join("cache/d")));
    // ...so mv copies and unlinks: the replicated name goes on the secondary, the copy stays local.
    assert!(Command::new("mv")
        .arg(p.join("live.txt"))
        .arg(p.join("moved.tmp"))
        .status()
        .unwrap()
        .success());
    assert!(!s.join("live.txt").exists() && !s.join("moved.tmp").exists());
    // A directory whose entries stay on their sides under the new name moves on both nodes (the
    // secondary's own d/b.tmp with it).
    fs::rename(p.join("d"), p.join("e")).unwrap();
    assert_eq!(read("e/c.txt"), b"replicated");
    assert_eq!(read("e/b.tmp"), b"secondary's b.tmp");
    // A directory empty on the primary goes on the secondary with what it held there alone.
    fs::create_dir(p.join("g")).unwrap();
    fs::write(s.join("g/z.tmp"), b"secondary's").unwrap();
    fs::remove_dir(p.join("g")).unwrap();
    assert!(!s.join("g").exists());
    assert!(
        sd.drain().iter().all(|e| e["event"] != "link-lost"),
        "{:?}",
        sd.drain()
    );

    // Away and back: the reintegration copies the replicated change and leaves the local ones.
    assert_eq!(sd.stop(), Some(0));
    fs::write(p.join("keep.txt"), b"changed while away").unwrap();
    fs::write(p.join("cache/while-away"), b"x").unwrap();
    fs::write(p.join("e/b.tmp"), b"primary's again").unwrap();
    pd.wait("link-lost");
    let mut sd = t.secondary_plus(port, false, &LOCAL);
    sd.wait("synced");
    assert_eq!(read("keep.txt"), b"changed while away");
    assert_eq!(read("cache/local"), b"secondary's cache");
    assert!(!s.join("cache/while-away").exists() && !s.join("cache/new").exists());
    assert_eq!(read("a.tmp"), b"secondary's a.tmp");
    assert_eq!(read("e/b.tmp"), b"secondary's b.tmp");
    // Everything replicated is the same on both.
    let replicated = |root: &std::path::Path| {
        tree(root)
            .into_iter()
            .filter(|(k, _)| !k.starts_with("cache/") && !k.ends_with(".tmp"))
            .collect::<Vec<_>>()
    };
    assert_eq!(replicated(&s), replicated(&p));
}
