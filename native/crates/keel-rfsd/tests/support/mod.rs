//! Runs real keel-rfsd daemons on loopback with real FUSE mounts (needs root and /dev/fuse).
//! Everything a test starts is stopped, unmounted and removed when the test ends, even when it
//! fails: the daemons and the scratch directory clean up in Drop.
#![allow(dead_code)]

pub mod certs;
pub mod refused;
pub mod relay;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);
/// The link's timeout, the same on both sides: what apps/rfs gives the lab's and the sample's
/// modules (their heartbeat timeout of 1 s, raised to the 5 s floor; apps/rfs/src/core/plan.ts).
pub const TIMEOUT_MS: &str = "5000";

/// How a secondary's namespace shows the scratch "s" at the primary's path.
const BIND: &str = "mount --bind \"$1\" \"$2\"";

pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("keel-rfsd-{name}-{}", std::process::id()));
        unmount_under(&root);
        let _ = fs::remove_dir_all(&root);
        for d in ["p", "s", "p-state", "s-state"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        let key = root.join("key");
        fs::write(&key, "6b".repeat(32)).unwrap();
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
        Scratch { root }
    }
    pub fn p(&self) -> PathBuf {
        self.root.join("p")
    }
    pub fn s(&self) -> PathBuf {
        self.root.join("s")
    }
    pub fn key(&self) -> PathBuf {
        self.root.join("key")
    }
    pub fn primary(&self, port: u16) -> Daemon {
        self.primary_with(port, &[])
    }

    /// A primary mounted and a secondary that has synchronised with it (a full copy).
    pub fn synced_pair(&self) -> (Daemon, Daemon) {
        let port = free_port();
        let mut p = self.primary(port);
        p.wait("mounted");
        let mut s = self.secondary(port, true);
        s.wait("synced");
        (p, s)
    }

    /// A primary under the lease arbiter: its write deadlines come on its stdin ([`Daemon::tell`]).
    pub fn primary_under_lease(&self, port: u16) -> Daemon {
        self.primary_args(port, &["--write-deadline-stdin"], true)
    }

    /// A primary with a control pipe ([`Daemon::tell`]: `diff`), not under the arbiter.
    pub fn primary_controlled(&self, port: u16, more: &[&str]) -> Daemon {
        self.primary_args(port, more, true)
    }

    /// A primary with more arguments (e.g. `--hold-ms`).
    pub fn primary_with(&self, port: u16, more: &[&str]) -> Daemon {
        self.primary_args(port, more, false)
    }

    fn primary_args(&self, port: u16, more: &[&str], control: bool) -> Daemon {
        let args = self.primary_argv(port, more);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Daemon::spawn_with(env!("CARGO_BIN_EXE_keel-rfsd"), &args, control)
    }

    /// A primary whose parent is a shell ([`Daemon::pid`]) the test can kill, as the rfs service
    /// dies: the daemon itself is the shell's child, its events still reach the test.
    pub fn primary_under_shell(&self, port: u16, more: &[&str]) -> Daemon {
        let mut args = vec![
            "-c".to_string(),
            "\"$0\" \"$@\" & wait".into(),
            env!("CARGO_BIN_EXE_keel-rfsd").into(),
        ];
        args.extend(self.primary_argv(port, more));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Daemon::spawn("sh", &args)
    }

    fn primary_argv(&self, port: u16, more: &[&str]) -> Vec<String> {
        let (dir, key, state) = (self.p(), self.key(), self.root.join("p-state"));
        let mut args: Vec<String> = [
            "--role",
            "primary",
            "--module",
            "mirror",
            "--node",
            "node1",
            "--peer",
            "node2",
            "--dir",
            s(&dir),
            "--listen",
            &format!("127.0.0.1:{port}"),
            // The secondary connects from 127.0.0.1; other clients of the tests from elsewhere.
            "--peer-addr",
            "127.0.0.1",
            "--key-file",
            s(&key),
            "--state-dir",
            s(&state),
            "--timeout-ms",
            TIMEOUT_MS,
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        args.extend(more.iter().map(|a| a.to_string()));
        args
    }

    /// A secondary as on its own node: in a mount namespace of its own, where its directory (the
    /// scratch "s") is at the primary's path, since the link binds the directory set. Outside that
    /// namespace, "s" is its bare copy; [`Daemon::view`] shows its mount.
    pub fn secondary(&self, port: u16, full: bool) -> Daemon {
        self.secondary_on(port, full, BIND)
    }

    /// A secondary with more arguments (e.g. `--notreplicated` after its `--dir`).
    pub fn secondary_plus(&self, port: u16, full: bool, more: &[&str]) -> Daemon {
        self.secondary_args(port, full, BIND, "mirror", more)
    }

    /// A secondary that believes it replicates `module`.
    pub fn secondary_of(&self, port: u16, module: &str) -> Daemon {
        self.secondary_with(port, false, BIND, module)
    }

    /// A secondary whose directory is what `prepare` mounts at the primary's path ("$2"; "$1" is
    /// the scratch "s"), e.g. a small tmpfs to fill its disk.
    pub fn secondary_on(&self, port: u16, full: bool, prepare: &str) -> Daemon {
        self.secondary_with(port, full, prepare, "mirror")
    }

    fn secondary_with(&self, port: u16, full: bool, prepare: &str, module: &str) -> Daemon {
        self.secondary_args(port, full, prepare, module, &[])
    }

    /// A secondary with a control pipe ([`Daemon::tell`]: `verify`).
    pub fn secondary_controlled(&self, port: u16, full: bool) -> Daemon {
        self.secondary_spawn(port, full, BIND, "mirror", &[], true)
    }

    fn secondary_args(&self, port: u16, full: bool, prepare: &str, module: &str, more: &[&str]) -> Daemon {
        self.secondary_spawn(port, full, prepare, module, more, false)
    }

    fn secondary_spawn(
        &self,
        port: u16,
        full: bool,
        prepare: &str,
        module: &str,
        more: &[&str],
        control: bool,
    ) -> Daemon {
        let daemon = env!("CARGO_BIN_EXE_keel-rfsd");
        let (dir, mounted_at) = (s(&self.s()).to_string(), s(&self.p()).to_string());
        // The primary's mount is copied into the new namespace: take it away first, without a look
        // at it (a primary holding its changes would not answer one).
        let script = format!(
            "while grep -q \" $2 \" /proc/self/mountinfo; do umount -l -c \"$2\" || exit 1; done; \
             {prepare} && shift 2 && exec \"$@\""
        );
        let mut args = vec![
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            &script,
            "sh",
            &dir,
            &mounted_at,
            daemon,
            "--role",
            "secondary",
            "--module",
            module,
            "--node",
            "node2",
            "--peer",
            "node1",
            "--dir",
            &mounted_at,
            "--connect",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        args.push(format!("127.0.0.1:{port}"));
        for a in ["--key-file", s(&self.key()), "--state-dir"] {
            args.push(a.into());
        }
        args.push(s(&self.root.join("s-state")).into());
        args.extend(["--timeout-ms".into(), TIMEOUT_MS.into()]);
        if full {
            args.push("--full".into());
        }
        args.extend(more.iter().map(|a| a.to_string()));
        Daemon::spawn_with(
            "unshare",
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            control,
        )
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

impl Drop for Scratch {
    fn drop(&mut self) {
        unmount_under(&self.root);
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Detaches any mount left under `root` (a daemon killed by a failing test).
pub fn unmount_under(root: &Path) {
    let Ok(info) = fs::read_to_string("/proc/self/mountinfo") else {
        return;
    };
    for line in info.lines() {
        let Some(point) = line.split(' ').nth(4) else {
            continue;
        };
        if Path::new(point).starts_with(root) {
            let c = std::ffi::CString::new(point).unwrap();
            unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
        }
    }
}

pub fn mounted(dir: &Path) -> bool {
    let info = fs::read_to_string("/proc/self/mountinfo").unwrap();
    info.lines().any(|l| l.split(' ').nth(4) == dir.to_str())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Daemon {
    child: Child,
    /// The daemon's control pipe, for a primary under the lease arbiter.
    control: Option<std::process::ChildStdin>,
    events: Receiver<Value>,
    seen: Vec<Value>,
    stderr: Arc<Mutex<String>>,
}

impl Daemon {
    pub fn start(args: &[&str]) -> Daemon {
        Daemon::spawn(env!("CARGO_BIN_EXE_keel-rfsd"), args)
    }

    pub fn spawn(program: &str, args: &[&str]) -> Daemon {
        Daemon::spawn_with(program, args, false)
    }

    /// `control`: the daemon's stdin is a pipe the test writes to ([`Daemon::tell`]).
    pub fn spawn_with(program: &str, args: &[&str], control: bool) -> Daemon {
        let mut child = Command::new(program)
            .args(args)
            // Every daemon reads its stdin (its control pipe): none here ends at once.
            .stdin(if control { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("keel-rfsd starts");
        let (tx, events) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let v: Value =
                    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (mut err, sink) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Daemon {
            control: child.stdin.take(),
            child,
            events,
            seen: Vec::new(),
            stderr,
        }
    }

    /// The next event of this kind (earlier ones of other kinds are kept in `seen`).
    pub fn wait(&mut self, event: &str) -> Value {
        self.wait_for(event, WAIT).unwrap_or_else(|| {
            panic!(
                "no '{event}' event; saw {:?}; stderr: {}",
                self.seen,
                self.stderr()
            )
        })
    }

    /// The next event of this kind within `time`, or None.
    pub fn wait_for(&mut self, event: &str, time: Duration) -> Option<Value> {
        let deadline = Instant::now() + time;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self.events.recv_timeout(left).ok()?;
            self.seen.push(v.clone());
            if v["event"] == event {
                return Some(v);
            }
        }
    }

    /// Events received so far without waiting.
    pub fn drain(&mut self) -> &[Value] {
        while let Ok(v) = self.events.try_recv() {
            self.seen.push(v);
        }
        &self.seen
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Writes one line on the daemon's control pipe.
    pub fn tell(&mut self, line: &str) {
        use std::io::Write;
        let pipe = self
            .control
            .as_mut()
            .expect("a daemon started with a control pipe");
        writeln!(pipe, "{line}").expect("the control pipe takes the line");
    }

    /// `path` as this daemon's mount namespace shows it.
    pub fn view(&self, path: &Path) -> PathBuf {
        PathBuf::from(format!("/proc/{}/root", self.pid())).join(path.strip_prefix("/").unwrap())
    }

    /// Whether `dir` is a mount point in this daemon's namespace.
    pub fn has_mount(&self, dir: &Path) -> bool {
        let info = fs::read_to_string(format!("/proc/{}/mountinfo", self.pid())).unwrap_or_default();
        info.lines().any(|l| l.split(' ').nth(4) == dir.to_str())
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn signal(&self, sig: i32) {
        unsafe { libc::kill(self.pid(), sig) };
    }

    pub fn kill9(&mut self) {
        unsafe { libc::kill(self.pid(), libc::SIGKILL) };
        let _ = self.child.wait();
    }

    /// SIGTERM, as apps/rfs stops it; returns the exit code.
    pub fn stop(&mut self) -> Option<i32> {
        unsafe { libc::kill(self.pid(), libc::SIGTERM) };
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill9();
        None
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}

/// What must be equal on both sides: kind, mode, content or link target. Modification times are
/// not: a live write stamps each copy with its own node's clock.
type Entry = (char, u32, Vec<u8>, i64);

/// Everything under a directory: path -> (kind, mode, content or link target, 0).
pub fn tree(root: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out, false);
    out
}

/// The same with files' modification times (equal after a reintegration, which copies them).
pub fn tree_with_mtimes(root: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out, true);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>, mtimes: bool) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let m = fs::symlink_metadata(&p).unwrap();
        let rel = p.strip_prefix(root).unwrap().display().to_string();
        let mode = m.mode() & 0o7777;
        if m.is_dir() {
            out.insert(rel, ('d', mode, vec![], 0));
            walk(root, &p, out, mtimes);
        } else if m.file_type().is_symlink() {
            out.insert(
                rel,
                (
                    'l',
                    0,
                    fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes(),
                    0,
                ),
            );
        } else {
            let mtime = if mtimes {
                m.mtime() * 1_000_000_000 + m.mtime_nsec()
            } else {
                0
            };
            out.insert(rel, ('f', mode, fs::read(&p).unwrap(), mtime));
        }
    }
}

/// Everything that must be equal on both nodes, per path: kind, mode, owner, size, link count,
/// content or link target, and which other paths are the same file (hard links).
#[derive(Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: char,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub nlink: u64,
    pub data: Vec<u8>,
    /// The first path (in order) of the same inode: the hard-link group.
    pub group: String,
}

pub fn full_tree(root: &Path) -> BTreeMap<String, Node> {
    let mut paths = Vec::new();
    collect(root, root, &mut paths);
    paths.sort();
    let mut first: BTreeMap<(u64, u64), String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for rel in paths {
        let p = root.join(&rel);
        let m = fs::symlink_metadata(&p).unwrap();
        let kind = if m.is_dir() {
            'd'
        } else if m.file_type().is_symlink() {
            'l'
        } else if m.is_file() {
            'f'
        } else {
            'o'
        };
        let data = match kind {
            'f' => fs::read(&p).unwrap(),
            'l' => fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes(),
            _ => Vec::new(),
        };
        let group = if kind == 'd' {
            rel.clone()
        } else {
            first
                .entry((m.dev(), m.ino()))
                .or_insert_with(|| rel.clone())
                .clone()
        };
        let nlink = if kind == 'd' { 0 } else { m.nlink() };
        out.insert(
            rel,
            Node {
                kind,
                mode: if kind == 'l' { 0 } else { m.mode() & 0o7777 },
                uid: m.uid(),
                gid: m.gid(),
                nlink,
                data,
                group,
            },
        );
    }
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.strip_prefix(root).unwrap().display().to_string());
        if fs::symlink_metadata(&p).unwrap().is_dir() {
            collect(root, &p, out);
        }
    }
}

/// Asserts both copies are the same tree, naming the first difference.
pub fn assert_same_trees(primary: &Path, secondary: &Path) {
    let (p, s) = (full_tree(primary), full_tree(secondary));
    let pk: Vec<_> = p.keys().collect();
    let sk: Vec<_> = s.keys().collect();
    assert_eq!(pk, sk, "the two trees hold different paths");
    for (path, node) in &p {
        assert_eq!(Some(node), s.get(path), "{path} differs");
    }
}

/// Files outside the replicated directories that nothing may touch: created owned by root,
/// mode 600, and fingerprinted.
pub struct Canary {
    pub dir: PathBuf,
}

impl Canary {
    pub fn new(root: &Path) -> Canary {
        let dir = root.join("canary");
        fs::create_dir_all(dir.join("sub")).unwrap();
        for (name, text) in [("secret", "root's secret"), ("sub/config", "keep me")] {
            fs::write(dir.join(name), text).unwrap();
            fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o600)).unwrap();
        }
        Canary { dir }
    }

    /// Every path, kind, mode, owner, size, modification time and content under the canary.
    pub fn fingerprint(&self) -> String {
        let mut paths = Vec::new();
        collect(&self.dir, &self.dir, &mut paths);
        paths.sort();
        let mut out = format!("{:o}\n", fs::metadata(&self.dir).unwrap().mode());
        for rel in paths {
            let p = self.dir.join(&rel);
            let m = fs::symlink_metadata(&p).unwrap();
            let data = if m.is_file() {
                fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            out.push_str(&format!(
                "{rel} {:o} {}:{} {} {}.{} {:?}\n",
                m.mode(),
                m.uid(),
                m.gid(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                data
            ));
        }
        out
    }
}

/// The unprivileged user the hostile scenarios run as.
pub const USER: u32 = 65534;

/// Runs `f` in a thread that has dropped root for `USER`: Linux credentials are per thread at
/// the system-call level, and the FUSE mount checks each caller's own.
pub fn as_user<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        unsafe {
            assert_eq!(
                libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()),
                0
            );
            assert_eq!(libc::syscall(libc::SYS_setresgid, USER, USER, USER), 0);
            assert_eq!(libc::syscall(libc::SYS_setresuid, USER, USER, USER), 0);
        }
        f()
    })
    .join()
    .expect("the user's thread")
}

/// Lets `USER` write in a replicated directory (sticky, as /tmp is).
pub fn open_to_users(dir: &Path) {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o1777)).unwrap();
}

/// A synchronised pair whose replicated directory `USER` may write in, with a canary outside it.
/// (Fields drop in order: the daemons stop before the scratch directory goes.)
pub struct UserPair {
    pub p: Daemon,
    pub s: Daemon,
    pub canary: Canary,
    before: String,
    pub t: Scratch,
}

impl UserPair {
    pub fn start(name: &str) -> UserPair {
        let t = Scratch::new(name);
        let canary = Canary::new(&t.root);
        let before = canary.fingerprint();
        open_to_users(&t.p());
        open_to_users(&t.s());
        let port = free_port();
        let mut p = t.primary(port);
        p.wait("mounted");
        let mut s = t.secondary(port, true);
        s.wait("synced");
        UserPair {
            p,
            s,
            canary,
            before,
            t,
        }
    }

    /// Both trees equal, and nothing outside them changed.
    pub fn assert_safe(&self) {
        assert_same_trees(&self.t.p(), &self.t.s());
        assert_eq!(
            self.canary.fingerprint(),
            self.before,
            "the canary outside changed"
        );
    }
}

/// Record `i` of an appending writer: its number, then filler, `size` bytes with the newline.
pub fn numbered_record(i: usize, size: usize) -> Vec<u8> {
    let mut r = format!("{i:08} ").into_bytes();
    r.resize(size - 1, b'a' + (i % 26) as u8);
    r.push(b'\n');
    r
}

/// The records `0..count` both as the primary has them and as the secondary's copy has them.
pub fn assert_records(primary: &Path, copy: &Path, count: usize, size: usize) {
    let expected: Vec<u8> = (0..count).flat_map(|i| numbered_record(i, size)).collect();
    assert_eq!(fs::read(primary).unwrap(), expected);
    let copy = fs::read(copy).unwrap();
    let first_bad = copy
        .chunks(size)
        .zip(expected.chunks(size))
        .position(|(a, b)| a != b);
    assert!(
        copy.len() == expected.len() && first_bad.is_none(),
        "the secondary's copy differs ({} bytes of {}, first differing record {first_bad:?})",
        copy.len(),
        expected.len()
    );
}

/// The extended attributes of an entry itself (a symbolic link's own: l*xattr), by name.
pub fn xattrs(p: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let size = unsafe { libc::llistxattr(c.as_ptr(), std::ptr::null_mut(), 0) };
    assert!(size >= 0, "llistxattr {}", p.display());
    let mut names = vec![0u8; size as usize];
    let got = unsafe { libc::llistxattr(c.as_ptr(), names.as_mut_ptr() as *mut libc::c_char, names.len()) };
    assert!(got >= 0, "llistxattr {}", p.display());
    names.truncate(got as usize);
    let mut out = BTreeMap::new();
    for name in names.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        out.insert(name.to_vec(), get_xattr(p, name).unwrap());
    }
    out
}

/// lgetxattr.
pub fn get_xattr(p: &Path, name: &[u8]) -> std::io::Result<Vec<u8>> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let n = std::ffi::CString::new(name).unwrap();
    let mut buf = vec![0u8; 65536];
    let got = unsafe {
        libc::lgetxattr(
            c.as_ptr(),
            n.as_ptr(),
            buf.as_mut_ptr() as *mut libc::c_void,
            buf.len(),
        )
    };
    if got < 0 {
        return Err(std::io::Error::last_os_error());
    }
    buf.truncate(got as usize);
    Ok(buf)
}

/// lsetxattr (flags: 0, XATTR_CREATE or XATTR_REPLACE).
pub fn set_xattr(p: &Path, name: &[u8], value: &[u8], flags: i32) -> std::io::Result<()> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let n = std::ffi::CString::new(name).unwrap();
    let rc = unsafe {
        libc::lsetxattr(
            c.as_ptr(),
            n.as_ptr(),
            value.as_ptr() as *const libc::c_void,
            value.len(),
            flags,
        )
    };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// lremovexattr.
pub fn remove_xattr(p: &Path, name: &[u8]) -> std::io::Result<()> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let n = std::ffi::CString::new(name).unwrap();
    if unsafe { libc::lremovexattr(c.as_ptr(), n.as_ptr()) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Every entry's extended attributes under a directory (the directory's own included, as "").
pub fn xattr_tree(root: &Path) -> BTreeMap<String, BTreeMap<Vec<u8>, Vec<u8>>> {
    let mut paths = vec![String::new()];
    collect(root, root, &mut paths);
    paths
        .into_iter()
        .map(|rel| {
            let x = xattrs(&root.join(&rel));
            (rel, x)
        })
        .collect()
}

/// Asserts both copies hold the same extended attributes on every entry.
pub fn assert_same_xattrs(primary: &Path, secondary: &Path) {
    let (p, s) = (xattr_tree(primary), xattr_tree(secondary));
    for (path, attrs) in &p {
        assert_eq!(
            Some(attrs),
            s.get(path),
            "the extended attributes of '{path}' differ"
        );
    }
    assert_eq!(p.len(), s.len(), "the two trees hold different paths");
}
