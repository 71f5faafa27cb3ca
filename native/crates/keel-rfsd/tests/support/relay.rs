//! A TCP relay between a secondary and its primary that keeps every byte it carries, both ways:
//! what someone on the network between the nodes would see.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct Relay {
    pub port: u16,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    /// Relays connections to 127.0.0.1:`to` for ever (the threads end with the test process).
    pub fn to(to: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keep = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(from) = conn else { continue };
                let Ok(upstream) = TcpStream::connect(("127.0.0.1", to)) else {
                    continue;
                };
                for (a, b) in [
                    (from.try_clone().unwrap(), upstream.try_clone().unwrap()),
                    (upstream, from),
                ] {
                    let keep = keep.clone();
                    std::thread::spawn(move || pipe(a, b, &keep));
                }
            }
        });
        Relay { port, seen }
    }

    /// Every byte carried so far.
    pub fn seen(&self) -> Vec<u8> {
        self.seen.lock().unwrap().clone()
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, keep: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 16384];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                keep.lock().unwrap().extend_from_slice(&buf[..n]);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
