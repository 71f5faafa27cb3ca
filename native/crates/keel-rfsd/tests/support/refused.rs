//! A pair of daemons that must not link (the TLS refusal tests): started, given the time to say
//! why, and checked to have exchanged nothing.
use super::{free_port, Scratch, WAIT};
use std::fs;

/// What a pair that must not link said: both daemons' standard error, once both said "TLS
/// handshake failed" (or the wait ran out).
pub struct Refused {
    pub primary: String,
    pub secondary: String,
}

/// A primary and a secondary started with these TLS options (none: plaintext) on a tree holding a
/// file, which must never link: neither says `connected` and the secondary gets nothing. The
/// caller then checks what each said (`Refused`).
pub fn refused_pair(name: &str, p_tls: &[String], s_tls: &[String]) -> Refused {
    let t = Scratch::new(name);
    fs::write(t.p().join("secret"), b"primary data").unwrap();
    let port = free_port();
    fn args(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }
    let mut p = t.primary_with(port, &args(p_tls));
    p.wait("mounted");
    let mut s = t.secondary_plus(port, true, &args(s_tls));
    s.wait("mounted");
    let deadline = std::time::Instant::now() + WAIT;
    while !(p.stderr().contains("TLS handshake failed") && s.stderr().contains("TLS handshake failed"))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(p.drain().iter().all(|e| e["event"] != "connected"));
    assert!(s.drain().iter().all(|e| e["event"] != "connected"));
    assert!(!t.s().join("secret").exists());
    Refused {
        primary: p.stderr(),
        secondary: s.stderr(),
    }
}
