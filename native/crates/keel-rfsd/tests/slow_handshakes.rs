//! Clients that connect and say nothing, announce a frame far larger than a Hello, or reconnect
//! as soon as they are dropped, from many addresses, cannot keep the secondary out: handshakes
//! run side by side, each must end within the link timeout, each address gets two at a time and
//! all of them together a bounded number, which the peer's address does not count against; and
//! refusals are reported sparingly.
mod support;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpStream};
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

/// A TCP connection to the primary from a chosen loopback address.
fn connect_from(source: Ipv4Addr, port: u16) -> Option<TcpStream> {
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return None;
        }
        let stream = TcpStream::from_raw_fd(fd);
        let sockaddr = |a: SocketAddrV4| libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: a.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*a.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        let local = sockaddr(SocketAddrV4::new(source, 0));
        let remote = sockaddr(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
        if libc::bind(fd, &local as *const _ as *const libc::sockaddr, len) != 0
            || libc::connect(fd, &remote as *const _ as *const libc::sockaddr, len) != 0
        {
            return None;
        }
        Some(stream)
    }
}

#[test]
fn idle_oversized_and_reconnecting_clients_do_not_keep_the_secondary_out() {
    let t = Scratch::new("slow-handshakes");
    std::fs::write(t.p().join("f"), b"data").unwrap();
    let port = free_port();
    let mut p = t.primary(port);
    p.wait("mounted");

    let mut oversized = connect_from(Ipv4Addr::new(127, 0, 0, 2), port).unwrap();
    oversized.write_all(&(1u32 << 20).to_le_bytes()).unwrap();
    // Forty addresses keep every place they can get, and take it again as soon as it is freed.
    let stop = Arc::new(AtomicBool::new(false));
    let flood = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut held: Vec<(std::time::Instant, TcpStream)> = Vec::new();
            let mut rounds = 0;
            while !stop.load(Ordering::Relaxed) {
                // Kept until the primary's deadline has surely dropped them.
                held.retain(|(at, _)| at.elapsed() < Duration::from_secs(6));
                for i in 0..40u8 {
                    if let Some(c) = connect_from(Ipv4Addr::new(127, 0, 1, 10 + i), port) {
                        held.push((std::time::Instant::now(), c));
                    }
                }
                rounds += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            rounds
        })
    };
    std::thread::sleep(Duration::from_millis(300));

    let mut s = t.secondary(port, true);
    s.wait("synced");
    stop.store(true, Ordering::Relaxed);
    assert!(flood.join().unwrap() > 5, "the flood hardly ran");
    assert_eq!(std::fs::read(t.s().join("f")).unwrap(), b"data");
    oversized.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut b = [0u8; 1];
    assert!(
        matches!(oversized.read(&mut b), Ok(0) | Err(_)),
        "the oversized client kept its handshake open"
    );
    let refusals = p.stderr().matches("refused a replication connection").count();
    assert!((1..=3).contains(&refusals), "{}", p.stderr());
}
