//! A private network namespace for each test: a thread of its own enters a new one, so the
//! node's interfaces are never touched, and the namespace (with its links and addresses) is
//! gone when the thread ends. Addresses come from the benchmarking ranges 198.18.0.0/15 and
//! 2001:2::/48 (RFC 5180).
#![allow(dead_code)] // each test binary uses its part

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `test` on a new thread inside a new network namespace; its panic is the test's.
pub fn in_netns<T: Send + 'static>(test: impl FnOnce() -> T + Send + 'static) -> T {
    let t = std::thread::spawn(move || {
        // The namespace belongs to this thread alone; processes it spawns inherit it.
        assert_eq!(
            unsafe { libc::unshare(libc::CLONE_NEWNET) },
            0,
            "unshare(CLONE_NEWNET): {}",
            std::io::Error::last_os_error()
        );
        test()
    });
    t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

type Job = Box<dyn FnOnce() + Send>;

/// Another node: a second network namespace, held by a thread of its own that runs what it is
/// given inside. The far end of a link moves there, so that its answers come from a kernel that
/// knows nothing of this namespace's addresses (in one namespace, every address is local to
/// every interface). The namespace ends when this is dropped.
pub struct Neighbour {
    tid: libc::pid_t,
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Neighbour {
    pub fn new() -> Neighbour {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWNET) }, 0);
            tid_tx.send(unsafe { libc::gettid() }).unwrap();
            for job in queue {
                job();
            }
        });
        let tid = tid_rx.recv().expect("the neighbour's namespace");
        Neighbour {
            tid,
            jobs: Some(jobs),
            thread: Some(thread),
        }
    }

    /// Runs `f` inside the neighbour's namespace; its result (its panic fails the test).
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        let job: Job = Box::new(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(r);
        });
        self.jobs.as_ref().unwrap().send(job).unwrap();
        rx.recv()
            .unwrap()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// Moves `ifname` from the caller's namespace into the neighbour's, and brings it up, ready
    /// to carry frames.
    pub fn take(&self, ifname: &str) {
        ip(&format!("link set dev {ifname} netns {}", self.tid));
        let name = ifname.to_string();
        self.run(move || {
            ip(&format!("link set {name} up"));
            ready(&name);
        });
    }
}

impl Drop for Neighbour {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs `ip` with these arguments in the calling thread's namespace; its stdout.
pub fn ip(args: &str) -> String {
    let out = Command::new("ip")
        .args(args.split_whitespace())
        .output()
        .expect("ip");
    assert!(
        out.status.success(),
        "ip {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Waits, with bounded retries, until `ifname` carries frames: its carrier on and its queue
/// attached. Until the kernel's link watch has done so (asynchronously, after the link or its
/// peer came up or moved), the queue is `noop`, which drops every frame sent.
pub fn ready(ifname: &str) {
    for _ in 0..2000 {
        let out = ip(&format!("link show dev {ifname}"));
        if out.contains("LOWER_UP") && !out.contains("qdisc noop") {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{ifname} never became ready to carry frames");
}

/// A veth pair `a`–`b`, both up.
pub fn veth(a: &str, b: &str) {
    ip(&format!("link add {a} type veth peer name {b}"));
    ip(&format!("link set {a} up"));
    ip(&format!("link set {b} up"));
}

/// The interface's MAC as `ip` tells it.
pub fn mac_of(ifname: &str) -> [u8; 6] {
    let out = ip(&format!("-br link show dev {ifname}"));
    let text = out.split_whitespace().nth(2).expect("a MAC");
    let mut mac = [0u8; 6];
    for (to, hex) in mac.iter_mut().zip(text.split(':')) {
        *to = u8::from_str_radix(hex, 16).unwrap();
    }
    mac
}

/// An AF_PACKET socket receiving every frame that reaches `ifname`.
pub struct Capture(OwnedFd);

impl Capture {
    pub fn on(ifname: &str) -> Capture {
        let all = (libc::ETH_P_ALL as u16).to_be();
        let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
        assert!(fd >= 0, "packet socket: {}", std::io::Error::last_os_error());
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let name = std::ffi::CString::new(ifname).unwrap();
        let mut at: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        at.sll_family = libc::AF_PACKET as u16;
        at.sll_protocol = all;
        at.sll_ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) } as i32;
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&at as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as u32,
            )
        };
        assert_eq!(r, 0, "bind: {}", std::io::Error::last_os_error());
        Capture(fd)
    }

    /// The first frame received for which `wanted` holds, within a generous bound.
    pub fn first(&self, wanted: impl Fn(&[u8]) -> bool) -> Option<Vec<u8>> {
        self.within(Duration::from_secs(10), wanted)
    }

    /// The first frame received for which `wanted` holds, within `wait`.
    pub fn within(&self, wait: Duration, wanted: impl Fn(&[u8]) -> bool) -> Option<Vec<u8>> {
        let until = Instant::now() + wait;
        let mut buf = vec![0u8; 9000];
        while Instant::now() < until {
            let mut p = libc::pollfd {
                fd: self.0.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            if unsafe { libc::poll(&mut p, 1, 100) } <= 0 {
                continue;
            }
            let n = unsafe { libc::recv(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n > 0 && wanted(&buf[..n as usize]) {
                return Some(buf[..n as usize].to_vec());
            }
        }
        None
    }
}
