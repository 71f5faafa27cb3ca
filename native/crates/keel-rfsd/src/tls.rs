//! TLS 1.3 on the replication link, when the module's encryption is on (docs/decisions/0009,
//! "TLS on the link"; SafeKit guide §10.7). Userspace (rustls with ring): the kernel may have no
//! kTLS. Both sides show their node certificate of keel's PKI and check the other's against the
//! cluster CA; the keel handshake and its HMAC frames then run inside TLS, unchanged.
//!
//! One connection is shared by the sending threads and the one reading thread (crate::pipeline):
//! the connection lock is only ever held to encrypt or decrypt, never across a socket read or
//! write, so a writer blocked by a full socket never stops the reader (and the reader never waits
//! for a writer). Writes keep their order because the link's send mutex is held from the
//! encryption to the end of the write (crate::link).

use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    ClientConfig, ClientConnection, Connection, DigitallySignedStruct, DistinguishedName, RootCertStore,
    ServerConfig, ServerConnection, SignatureScheme,
};
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, TcpStream};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

/// What SafeKit's secondary logs when the module's encryption does not match (guide §7.14); every
/// failure to set TLS up on the link begins with it.
pub const HANDSHAKE_FAILED: &str = "TLS handshake failed";

/// `--tls-ca`, `--tls-cert`, `--tls-key`: the cluster CA and this node's certificate and key (PEM).
#[derive(Debug, Clone, PartialEq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Why the TLS files cannot be used: the option, its file and what is wrong.
#[derive(Debug, PartialEq)]
pub struct TlsFileError {
    pub option: &'static str,
    pub path: PathBuf,
    pub why: String,
}

impl fmt::Display for TlsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.option, self.path.display(), self.why)
    }
}

/// This daemon's side of the link's TLS, made once at the start from the files.
pub enum Identity {
    /// A secondary: it connects, and checks that the primary's certificate covers the address it
    /// connects to.
    Client(Arc<ClientConfig>),
    /// A primary: it accepts, and checks that the secondary's certificate covers `--peer-addr`.
    Server(Arc<ServerConfig>),
}

static IDENTITY: OnceLock<Identity> = OnceLock::new();

/// Turns TLS on for every link of this process (set once, at the start, before any link).
pub fn install(id: Identity) {
    let _ = IDENTITY.set(id);
}

pub fn installed() -> Option<&'static Identity> {
    IDENTITY.get()
}

/// ring rather than aws-lc-rs (no C toolchain beyond cc, no cmake). Deprecated in rustls 0.23.48
/// for lacking post-quantum key exchange: X25519 and P-256 are what this link needs now.
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The private key file: owned like the cluster key (libs/config tls-files.ts): no symlink, owned
/// by root or this user, not readable by other users. Judged on the descriptor it is read from, so
/// a file swapped in after a check is not the one read.
fn read_key_file(path: &Path) -> Result<Vec<u8>, String> {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => "is a symbolic link; give the key file itself".to_string(),
            _ => format!("cannot read it ({e})"),
        })?;
    let meta = f.metadata().map_err(|e| format!("cannot read it ({e})"))?;
    if !meta.file_type().is_file() {
        return Err("is not a regular file".into());
    }
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != 0 && meta.uid() != me {
        return Err(format!(
            "is owned by uid {}, neither root nor this user",
            meta.uid()
        ));
    }
    check_key_mode(meta.permissions().mode())?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it ({e})"))?;
    Ok(bytes)
}

fn check_key_mode(mode: u32) -> Result<(), String> {
    if mode & 0o077 != 0 {
        return Err(format!(
            "permissions {:04o} let other users read the private key; run chmod 600",
            mode & 0o777
        ));
    }
    Ok(())
}

fn certificates(
    option: &'static str,
    path: &Path,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsFileError> {
    let bad = |why: String| TlsFileError {
        option,
        path: path.to_path_buf(),
        why,
    };
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("not PEM certificates ({e})")))?;
    if certs.is_empty() {
        return Err(bad("holds no certificate (PEM \"BEGIN CERTIFICATE\")".into()));
    }
    Ok(certs)
}

/// Reads and checks the three files, and makes the side of `role` (`peer`: the secondary's
/// address its certificate must cover, for a primary; None for a secondary).
pub fn load(files: &TlsFiles, peer: Option<IpAddr>) -> Result<Identity, TlsFileError> {
    let read = |option: &'static str, path: &Path| {
        std::fs::read(path).map_err(|e| TlsFileError {
            option,
            path: path.to_path_buf(),
            why: format!("cannot read it ({e})"),
        })
    };
    let ca = certificates("--tls-ca", &files.ca, &read("--tls-ca", &files.ca)?)?;
    let chain = certificates("--tls-cert", &files.cert, &read("--tls-cert", &files.cert)?)?;
    let key_error = |why: String| TlsFileError {
        option: "--tls-key",
        path: files.key.clone(),
        why,
    };
    let key_pem = read_key_file(&files.key).map_err(key_error)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| key_error(format!("not a PEM private key ({e})")))?;
    let mut roots = RootCertStore::empty();
    for c in ca {
        roots.add(c).map_err(|e| TlsFileError {
            option: "--tls-ca",
            path: files.ca.clone(),
            why: format!("not a usable CA certificate ({e})"),
        })?;
    }
    let cert_error = |e: rustls::Error| TlsFileError {
        option: "--tls-cert",
        path: files.cert.clone(),
        why: format!("does not go with --tls-key {} ({e})", files.key.display()),
    };
    let tls13 = &[&rustls::version::TLS13];
    match peer {
        None => {
            let mut c = ClientConfig::builder_with_provider(provider())
                .with_protocol_versions(tls13)
                .expect("ring supports TLS 1.3")
                .with_root_certificates(roots)
                .with_client_auth_cert(chain, key)
                .map_err(cert_error)?;
            // Nothing is resumed: each link proves both certificates afresh.
            c.resumption = rustls::client::Resumption::disabled();
            Ok(Identity::Client(Arc::new(c)))
        }
        Some(ip) => {
            let webpki =
                rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                    .build()
                    .map_err(|e| TlsFileError {
                        option: "--tls-ca",
                        path: files.ca.clone(),
                        why: format!("cannot check certificates with it ({e})"),
                    })?;
            let verifier = Arc::new(PeerAt { webpki, ip });
            let mut s = ServerConfig::builder_with_provider(provider())
                .with_protocol_versions(tls13)
                .expect("ring supports TLS 1.3")
                .with_client_cert_verifier(verifier)
                .with_single_cert(chain, key)
                .map_err(cert_error)?;
            s.send_tls13_tickets = 0;
            s.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
            Ok(Identity::Server(Arc::new(s)))
        }
    }
}

/// The primary's check of a secondary: the chain to the cluster CA (webpki), and a certificate
/// that covers the secondary's address, as the secondary checks the primary's.
#[derive(Debug)]
struct PeerAt {
    webpki: Arc<dyn ClientCertVerifier>,
    ip: IpAddr,
}

/// Whether `cert` names `ip` among its subject alternative names.
pub fn covers(cert: &CertificateDer<'_>, ip: IpAddr) -> Result<(), rustls::Error> {
    let ee = webpki::EndEntityCert::try_from(cert)
        .map_err(|_| rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding))?;
    ee.verify_is_valid_for_subject_name(&ServerName::IpAddress(ip.into()))
        .map_err(|_| rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
}

impl ClientCertVerifier for PeerAt {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.webpki.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verified = self.webpki.verify_client_cert(end_entity, intermediates, now)?;
        covers(end_entity, self.ip)?;
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// An error of the link's TLS after its handshake (a record that does not decrypt, an alert).
#[derive(Debug)]
pub struct TlsFailure(pub rustls::Error);

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS: {}", self.0)
    }
}

impl std::error::Error for TlsFailure {}

fn failed(why: impl fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{HANDSHAKE_FAILED}: {why}"))
}

/// Whether the 4 bytes a plaintext peer reads first are a TLS record's header (handshake or
/// alert, TLS 1.x): the other side has encryption on and this one off. Asked of handshake frames
/// only: as a length, such a prefix is tens of kilobytes, far beyond a Hello's.
pub fn looks_like_tls(prefix: [u8; 4]) -> bool {
    matches!(prefix[0], 0x15 | 0x16) && prefix[1] == 0x03 && prefix[2] <= 0x04
}

/// The TLS handshake of a link, over `stream` (its write timeout set), by `deadline`. Err: a
/// message that begins with [`HANDSHAKE_FAILED`] and says what was wrong.
fn handshake(conn: &mut Connection, stream: &mut TcpStream, deadline: Instant) -> io::Result<()> {
    while conn.is_handshaking() {
        while conn.wants_write() {
            conn.write_tls(stream).map_err(failed)?;
        }
        if !conn.is_handshaking() {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{HANDSHAKE_FAILED}: the peer took too long"),
            ));
        }
        stream.set_read_timeout(Some(left))?;
        match conn.read_tls(stream) {
            Ok(0) => {
                return Err(failed(
                    "the peer closed the connection (is the module's encryption off on its node?)",
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(e)),
        }
        if let Err(e) = conn.process_new_packets() {
            // The alert tells the peer why, so both logs say it.
            let _ = conn.write_tls(stream);
            return Err(failed(e));
        }
    }
    while conn.wants_write() {
        conn.write_tls(stream).map_err(failed)?;
    }
    // Frames are up to keel_repl::MAX_FRAME: one is encrypted whole, then written.
    conn.set_buffer_limit(None);
    Ok(())
}

/// A secondary's TLS with the primary at the other end of `stream`.
pub fn connect(config: &Arc<ClientConfig>, stream: &mut TcpStream, deadline: Instant) -> io::Result<Tls> {
    let ip = stream.peer_addr()?.ip();
    let conn = ClientConnection::new(config.clone(), ServerName::IpAddress(ip.into())).map_err(failed)?;
    let mut conn = Connection::Client(conn);
    handshake(&mut conn, stream, deadline)?;
    Tls::new(conn, stream)
}

/// A primary's TLS with the secondary at the other end of `stream`.
pub fn accept(config: &Arc<ServerConfig>, stream: &mut TcpStream, deadline: Instant) -> io::Result<Tls> {
    let conn = ServerConnection::new(config.clone()).map_err(failed)?;
    let mut conn = Connection::Server(conn);
    handshake(&mut conn, stream, deadline)?;
    Tls::new(conn, stream)
}

/// A link's TLS once its handshake is done: split into a sending and a receiving side.
pub struct Tls {
    pub tx: TlsTx,
    pub rx: TlsRx,
}

impl Tls {
    fn new(conn: Connection, stream: &TcpStream) -> io::Result<Tls> {
        let conn = Arc::new(Mutex::new(conn));
        Ok(Tls {
            tx: TlsTx {
                stream: stream.try_clone()?,
                conn: conn.clone(),
                out: Vec::new(),
            },
            rx: TlsRx {
                stream: stream.try_clone()?,
                conn,
                raw: vec![0; RAW_READ].into_boxed_slice(),
                start: 0,
                end: 0,
            },
        })
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|p| p.into_inner())
}

/// The sending side. Its caller serialises the writes (the link's writer mutex).
pub struct TlsTx {
    stream: TcpStream,
    conn: Arc<Mutex<Connection>>,
    out: Vec<u8>,
}

impl TlsTx {
    /// Encrypts `data` (with whatever the connection owes the peer first, e.g. its answer to a
    /// KeyUpdate the reader took), then writes it without the connection lock.
    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.out.clear();
        {
            let mut c = lock(&self.conn);
            c.writer().write_all(data)?;
            while c.wants_write() {
                c.write_tls(&mut self.out)?;
            }
        }
        self.stream.write_all(&self.out)
    }
}

/// Ciphertext read from the socket at once: a TLS record and a bit.
const RAW_READ: usize = 18 * 1024;

/// The receiving side (one reader).
pub struct TlsRx {
    stream: TcpStream,
    conn: Arc<Mutex<Connection>>,
    /// Ciphertext read and not yet given to the connection (`start..end`).
    raw: Box<[u8]>,
    start: usize,
    end: usize,
}

impl TlsRx {
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Plaintext the connection already holds, after giving it what was read; None: none yet.
    fn decrypted(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        let mut c = lock(&self.conn);
        loop {
            match c.reader().read(buf) {
                Ok(n) => return Ok(Some(n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            if self.start == self.end {
                return Ok(None);
            }
            let used = c.read_tls(&mut &self.raw[self.start..self.end])?;
            self.start += used;
            c.process_new_packets()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, TlsFailure(e)))?;
            if used == 0 {
                return Err(io::Error::other(
                    "TLS: the connection took none of the bytes read",
                ));
            }
        }
    }
}

impl Read for TlsRx {
    /// Plaintext, or one wait on the socket (the caller's read timeout) and then what it brought.
    /// Err(Interrupted): bytes came but no whole record yet: the caller checks its deadline and
    /// reads again, so a record trickled in byte by byte cannot outlast it.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(n) = self.decrypted(buf)? {
            return Ok(n);
        }
        let n = self.stream.read(&mut self.raw)?;
        if n == 0 {
            return Ok(0);
        }
        (self.start, self.end) = (0, n);
        match self.decrypted(buf)? {
            Some(n) => Ok(n),
            None => Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "a TLS record is not whole yet",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    use crate::test_certs as certs;

    fn files(args: &[String]) -> TlsFiles {
        TlsFiles {
            ca: args[1].clone().into(),
            cert: args[3].clone().into(),
            key: args[5].clone().into(),
        }
    }

    /// A client and a server TLS over loopback, both handshakes done.
    fn sut(dir: &Path) -> (Tls, Tls) {
        let _ = std::fs::remove_dir_all(dir);
        let ca = certs::Ca::new(&dir.join("ca"), "cluster");
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let Identity::Server(server) = load(
            &files(&ca.node(&dir.join("p"), "node1", "127.0.0.1")),
            Some(local),
        )
        .unwrap() else {
            panic!("a primary's identity")
        };
        let Identity::Client(client) =
            load(&files(&ca.node(&dir.join("s"), "node2", "127.0.0.1")), None).unwrap()
        else {
            panic!("a secondary's identity")
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let accepted = std::thread::spawn(move || {
            let (mut st, _) = listener.accept().unwrap();
            st.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            accept(&server, &mut st, deadline).unwrap()
        });
        let mut st = TcpStream::connect(addr).unwrap();
        let c = connect(&client, &mut st, deadline).unwrap();
        st.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        (c, accepted.join().unwrap())
    }

    /// Reads exactly `n` bytes (a wedge ends in the socket's read timeout, not a hang).
    fn read_n(rx: &mut TlsRx, n: usize) -> Vec<u8> {
        let mut got = vec![0u8; n];
        let mut at = 0;
        while at < n {
            match rx.read(&mut got[at..]) {
                Ok(0) => panic!("end of the stream after {at} bytes"),
                Ok(k) => at += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => panic!("after {at} bytes: {e}"),
            }
        }
        got
    }

    fn pattern(seed: u8, n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn bad_files_are_refused_naming_the_option() {
        let dir = std::env::temp_dir().join(format!("keel-rfsd-tls-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ca = certs::Ca::new(&dir.join("ca"), "cluster");
        let good = files(&ca.node(&dir.join("n"), "node1", "127.0.0.1"));
        let other = files(&ca.node(&dir.join("o"), "node2", "127.0.0.1"));
        let err = |f: &TlsFiles| match load(f, None) {
            Ok(_) => panic!("{f:?} loaded"),
            Err(e) => e.to_string(),
        };
        assert!(load(&good, None).is_ok());
        let link = dir.join("key-link");
        std::os::unix::fs::symlink(&good.key, &link).unwrap();
        let e = err(&TlsFiles {
            key: link,
            ..good.clone()
        });
        assert!(
            e.starts_with("--tls-key ") && e.ends_with("is a symbolic link; give the key file itself"),
            "{e}"
        );
        std::fs::set_permissions(&good.key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(err(&good).contains("permissions 0644 let other users read the private key"));
        std::fs::set_permissions(&good.key, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = err(&TlsFiles {
            ca: dir.join("none.crt"),
            ..good.clone()
        });
        assert!(
            e.starts_with(&format!(
                "--tls-ca {}: cannot read it",
                dir.join("none.crt").display()
            )),
            "{e}"
        );
        let e = err(&TlsFiles {
            key: other.key,
            ..good.clone()
        });
        assert!(
            e.starts_with("--tls-cert ") && e.contains("does not go with --tls-key"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_key_update_from_the_peer_does_not_wedge_the_link() {
        let dir = std::env::temp_dir().join(format!("keel-rfsd-tls-keyupdate-{}", std::process::id()));
        let (mut c, mut s) = sut(&dir);
        const N: usize = 300_000;
        // Each side reads on a thread of its own while the other writes, as the link does.
        let server_reads = std::thread::spawn(move || {
            let first = read_n(&mut s.rx, N);
            // The primary asks for new keys (the secondary's reader takes the request; its answer
            // goes out with its next write).
            lock(&s.tx.conn).refresh_traffic_keys().unwrap();
            s.tx.write_all(&pattern(2, N)).unwrap();
            let second = read_n(&mut s.rx, N);
            (first, second)
        });
        c.tx.write_all(&pattern(1, N)).unwrap();
        assert_eq!(read_n(&mut c.rx, N), pattern(2, N));
        c.tx.write_all(&pattern(3, N)).unwrap();
        let (first, second) = server_reads.join().unwrap();
        assert_eq!(first, pattern(1, N));
        assert_eq!(second, pattern(3, N));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_key_others_can_read_is_refused() {
        assert!(check_key_mode(0o100600).is_ok());
        assert!(check_key_mode(0o100400).is_ok());
        assert!(check_key_mode(0o100640).unwrap_err().contains("0640"));
        assert!(check_key_mode(0o100604).unwrap_err().contains("chmod 600"));
    }

    #[test]
    fn tls_records_are_told_from_keel_frames() {
        assert!(looks_like_tls([0x16, 0x03, 0x01, 0x00]));
        assert!(looks_like_tls([0x15, 0x03, 0x03, 0x00]));
        for n in 0..=keel_repl::HELLO_BODY_LEN as u32 {
            assert!(!looks_like_tls(n.to_le_bytes()), "{n}");
        }
    }

    #[test]
    fn pem_without_certificates_names_the_option() {
        let e = certificates("--tls-ca", Path::new("/x/ca.crt"), b"nothing here").unwrap_err();
        assert_eq!(e.option, "--tls-ca");
        assert!(
            e.to_string()
                .starts_with("--tls-ca /x/ca.crt: holds no certificate"),
            "{e}"
        );
    }
}
