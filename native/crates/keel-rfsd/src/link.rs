//! One authenticated replication connection (see keel_repl::frame for the protocol), in TLS when
//! the module's encryption is on (crate::tls): the same frames, inside it.

use crate::tls::{self, Identity, TlsRx, TlsTx, HANDSHAKE_FAILED};
use keel_repl::frame::{body_len, NONCE_LEN};
use keel_repl::{codec, Binding, Handshake, LinkKeys, Message, Opener, Sealer, HELLO_BODY_LEN, MAX_FRAME};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Link {
    /// The socket itself, for its address and to shut it down.
    socket: Arc<TcpStream>,
    rx: Rx,
    /// The sending half, shared with a [`Leaver`]: frames of both keep one sequence.
    writer: Arc<Mutex<Writer>>,
    opener: Opener,
    /// A whole frame must arrive within this time, however slowly its bytes trickle in.
    timeout: Duration,
    /// The length on the wire of the last frame received (crate::net).
    last_in: u64,
}

/// Where frames are read from: the socket, or the link's TLS.
enum Rx {
    Plain(TcpStream),
    Tls(TlsRx),
}

impl Rx {
    fn socket(&self) -> &TcpStream {
        match self {
            Rx::Plain(s) => s,
            Rx::Tls(t) => t.stream(),
        }
    }

    /// How long one read may wait on the socket.
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.socket().set_read_timeout(t)
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Rx::Plain(s) => s.read(buf),
            Rx::Tls(t) => t.read(buf),
        }
    }
}

/// Where frames are written to. The writer's mutex is the link's send mutex: under TLS, it is
/// held from a frame's encryption to the end of its write, so records go out in their order.
enum Tx {
    Plain(TcpStream),
    Tls(TlsTx),
}

impl Tx {
    fn write_all(&mut self, frame: &[u8]) -> io::Result<()> {
        match self {
            Tx::Plain(s) => s.write_all(frame),
            Tx::Tls(t) => t.write_all(frame),
        }
    }
}

struct Writer {
    tx: Tx,
    sealer: Sealer,
}

impl Writer {
    fn send(&mut self, m: &Message) -> io::Result<u64> {
        let (seq, frame) = self.sealer.seal(&codec::encode(m));
        self.tx.write_all(&frame)?;
        Ok(seq)
    }
}

/// Lets another thread tell the primary that this secondary leaves (see [`Message::Leave`]).
#[derive(Clone)]
pub struct Leaver {
    writer: Arc<Mutex<Writer>>,
    socket: Arc<TcpStream>,
}

impl Leaver {
    /// Asks the primary for a verification pass (`rfsverify`, crate::verify).
    pub fn ask_verify(&self) -> io::Result<()> {
        self.writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(&Message::AskVerify)
            .map(|_| ())
    }

    /// Says `Leave` and closes the sending side: nothing this copy acknowledges counts any more.
    pub fn leave(&self) {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let _ = w.send(&Message::Leave);
        let _ = self.socket.shutdown(std::net::Shutdown::Write);
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// Reads exactly `buf` before `deadline`, however slowly the peer sends it: each read may only
/// wait for what is left of the time.
fn read_by(stream: &mut Rx, buf: &mut [u8], deadline: Instant) -> io::Result<()> {
    let mut got = 0;
    while got < buf.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the peer took too long to send a frame",
            ));
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buf[got..]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads a frame body of at most `max` bytes before `deadline` (bounded before any allocation).
fn read_frame(stream: &mut Rx, max: usize, deadline: Instant) -> io::Result<Vec<u8>> {
    let mut prefix = [0u8; 4];
    read_by(stream, &mut prefix, deadline)?;
    if max <= HELLO_BODY_LEN && matches!(stream, Rx::Plain(_)) && tls::looks_like_tls(prefix) {
        // SafeKit's words for a module encrypted on one node only (guide §7.14).
        return Err(invalid(format!(
            "{HANDSHAKE_FAILED}: the peer speaks TLS and this node does not (the module's encryption is on at one node only)"
        )));
    }
    let n = body_len(prefix).map_err(invalid)?;
    if n > max {
        return Err(invalid(format!(
            "frame of {n} bytes where at most {max} may come"
        )));
    }
    let mut body = vec![0u8; n];
    read_by(stream, &mut body, deadline)?;
    Ok(body)
}

/// The Welcome and Ready frames are as small as the Hello.
const HANDSHAKE_MAX: usize = HELLO_BODY_LEN;

pub fn random_nonce() -> io::Result<[u8; NONCE_LEN]> {
    let mut n = [0u8; NONCE_LEN];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut n)?;
    Ok(n)
}

impl Link {
    fn new(socket: TcpStream, rx: Rx, tx: Tx, sealer: Sealer, opener: Opener, timeout: Duration) -> Link {
        Link {
            socket: Arc::new(socket),
            rx,
            writer: Arc::new(Mutex::new(Writer { tx, sealer })),
            opener,
            timeout,
            last_in: 0,
        }
    }

    pub fn leaver(&self) -> Leaver {
        Leaver {
            writer: self.writer.clone(),
            socket: self.socket.clone(),
        }
    }

    /// The link's two directions over `stream`: in TLS when this process has it on (its
    /// handshake done by `deadline`), as they are otherwise.
    fn wrap(stream: &mut TcpStream, deadline: Instant) -> io::Result<(Rx, Tx)> {
        Ok(match tls::installed() {
            None => (Rx::Plain(stream.try_clone()?), Tx::Plain(stream.try_clone()?)),
            Some(Identity::Client(c)) => {
                let t = tls::connect(c, stream, deadline)?;
                (Rx::Tls(t.rx), Tx::Tls(t.tx))
            }
            Some(Identity::Server(c)) => {
                let t = tls::accept(c, stream, deadline)?;
                (Rx::Tls(t.rx), Tx::Tls(t.tx))
            }
        })
    }

    /// The secondary's side of the handshake.
    pub fn connect(
        mut stream: TcpStream,
        key: &[u8],
        binding: &Binding,
        full: bool,
        timeout: Duration,
    ) -> io::Result<Link> {
        let deadline = Instant::now() + timeout;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(timeout))?;
        let (mut rx, mut tx) = Link::wrap(&mut stream, deadline)?;
        let nonce_s = random_nonce()?;
        tx.write_all(&Handshake::hello(key, binding, &nonce_s, full))?;
        let welcome = read_frame(&mut rx, HANDSHAKE_MAX, deadline).map_err(|e| refused_tls(&rx, e))?;
        let keys = Handshake::read_welcome(key, binding, &nonce_s, &welcome).map_err(invalid)?;
        let mut sealer = Sealer::new(keys.secondary_to_primary);
        tx.write_all(&sealer.seal(Handshake::READY).1)?;
        let mut opener = Opener::new(keys.primary_to_secondary);
        // Sequence 0 of this direction was the Welcome.
        opener.skip_one();
        // The primary sends something (a ping at least) well within this time: a silence as long
        // means the link or the primary is gone, even when no FIN or RST ever arrives.
        stream.set_read_timeout(Some(timeout))?;
        Ok(Link::new(stream, rx, tx, sealer, opener, timeout))
    }

    /// The primary's side; returns the link and whether the secondary asked for a full sync.
    /// The whole handshake must end within `timeout`, and nothing larger than a Hello is read
    /// from a peer before it proved the cluster key.
    pub fn accept(
        mut stream: TcpStream,
        key: &[u8],
        binding: &Binding,
        timeout: Duration,
    ) -> io::Result<(Link, bool)> {
        let deadline = Instant::now() + timeout;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(timeout))?;
        let (mut rx, mut tx) = Link::wrap(&mut stream, deadline)?;
        let hello = read_frame(&mut rx, HELLO_BODY_LEN, deadline)?;
        let (nonce_s, full) = Handshake::read_hello(key, binding, &hello).map_err(invalid)?;
        let nonce_p = random_nonce()?;
        let keys = LinkKeys::derive(key, binding, &nonce_s, &nonce_p);
        tx.write_all(&Handshake::welcome(&keys, binding, &nonce_p))?;
        let mut opener = Opener::new(keys.secondary_to_primary);
        let body = read_frame(&mut rx, HANDSHAKE_MAX, deadline)?;
        let (_, ready) = opener.open(&body).map_err(invalid)?;
        if ready != Handshake::READY {
            return Err(invalid("handshake: expected Ready"));
        }
        let mut sealer = Sealer::new(keys.primary_to_secondary);
        sealer.skip_one();
        stream.set_read_timeout(Some(timeout))?;
        Ok((Link::new(stream, rx, tx, sealer, opener, timeout), full))
    }

    pub fn send(&mut self, m: &Message) -> io::Result<u64> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).send(m)
    }

    pub fn recv(&mut self) -> io::Result<(u64, Message)> {
        let deadline = Instant::now() + self.timeout;
        let body = read_frame(&mut self.rx, MAX_FRAME, deadline)?;
        self.last_in = body.len() as u64 + 4;
        let (seq, payload) = self.opener.open(&body).map_err(invalid)?;
        Ok((seq, codec::decode(payload).map_err(invalid)?))
    }

    /// The primary's halves of a link whose operations are pipelined (crate::pipeline): the
    /// sender, and the receiver one reader thread owns.
    pub fn split(self) -> io::Result<(Sender, Receiver)> {
        let sender = Sender {
            socket: self.socket,
            writer: self.writer,
        };
        let receiver = Receiver {
            stream: self.rx,
            opener: self.opener,
            timeout: self.timeout,
        };
        Ok((sender, receiver))
    }

    /// The length on the wire of the last frame [`Link::recv`] gave.
    pub fn last_in(&self) -> u64 {
        self.last_in
    }

    pub fn peer(&self) -> String {
        self.socket
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| "?".into())
    }

    pub fn shutdown(&self) {
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }
}

/// The secondary's reading of the primary's Welcome under TLS: the primary checks this node's
/// certificate after this node's handshake ended, so its refusal (an alert) comes here.
fn refused_tls(rx: &Rx, e: io::Error) -> io::Error {
    if !matches!(rx, Rx::Tls(_)) {
        return e;
    }
    let tls = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<tls::TlsFailure>())
        .map(|f| f.0.to_string());
    match tls {
        Some(why) => invalid(format!(
            "{HANDSHAKE_FAILED}: {why} (the primary refused this node's certificate)"
        )),
        None => e,
    }
}

/// The sending half of a pipelined link: frames go out in the order [`Sender::send`] is called.
pub struct Sender {
    socket: Arc<TcpStream>,
    writer: Arc<Mutex<Writer>>,
}

impl Sender {
    /// Seals `m` (its sequence number and length on the wire are given to `sealed` before a byte
    /// of it is written, so the answer cannot arrive before its sender knows which frame it
    /// answers) and writes it.
    pub fn send(&self, m: &Message, sealed: impl FnOnce(u64, u64)) -> io::Result<u64> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let (seq, frame) = w.sealer.seal(&codec::encode(m));
        sealed(seq, frame.len() as u64);
        w.tx.write_all(&frame)?;
        Ok(seq)
    }

    pub fn shutdown(&self) {
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }
}

/// The receiving half of a pipelined link.
pub struct Receiver {
    stream: Rx,
    opener: Opener,
    timeout: Duration,
}

impl Receiver {
    /// The next message. `awaited` tells since when an answer is owed (None: nothing is): the
    /// link fails when one is owed for longer than the link timeout, and waits for ever when none
    /// is (the primary's keepalive makes sure one soon is). Once a frame began, all of it must
    /// come within the timeout.
    pub fn recv(&mut self, awaited: impl Fn() -> Option<Instant>) -> io::Result<(u64, Message)> {
        let mut first = [0u8; 1];
        loop {
            let wait = match awaited() {
                Some(since) => (since + self.timeout).saturating_duration_since(Instant::now()),
                None => self.timeout,
            };
            if wait.is_zero() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "the secondary did not acknowledge within {} ms",
                        self.timeout.as_millis()
                    ),
                ));
            }
            self.stream.set_read_timeout(Some(wait))?;
            match self.stream.read(&mut first) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(_) => break,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        let deadline = Instant::now() + self.timeout;
        let mut prefix = [first[0], 0, 0, 0];
        read_by(&mut self.stream, &mut prefix[1..], deadline)?;
        let n = body_len(prefix).map_err(invalid)?;
        let mut body = vec![0u8; n];
        read_by(&mut self.stream, &mut body, deadline)?;
        let (seq, payload) = self.opener.open(&body).map_err(invalid)?;
        Ok((seq, codec::decode(payload).map_err(invalid)?))
    }
}
