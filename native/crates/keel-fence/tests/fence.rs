//! keel-fence run for real: a parent (standing in for admin) starts it in a mount namespace of
//! its own, scripts enter it with nsenter, and the application they leave behind (a daemon, its
//! session detached) dies with the fence however the fence ends.
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

const FENCE: &str = env!("CARGO_BIN_EXE_keel-fence");

/// `sh` as the fence's parent, in a new mount namespace with the given propagation of `/`; the
/// fence's stdin and stdout pass through it. Both are in the network namespace of the thread
/// that starts them.
struct Fenced {
    parent: Child,
    stdin: Option<ChildStdin>,
    ready: Result<i32, String>,
}

impl Fenced {
    fn start(propagation: &str, flags: &str) -> Fenced {
        let script = format!("exec 3>&2; {FENCE} --module test --parent $$ {flags}; echo \"exit $?\" >&3");
        let mut parent = Command::new("unshare")
            .args(["--mount", "--propagation", propagation, "sh", "-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("unshare");
        let stdin = parent.stdin.take();
        let mut line = String::new();
        BufReader::new(parent.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready = match line.strip_prefix("ready ") {
            Some(pid) => Ok(pid.trim().parse().unwrap()),
            None => {
                let mut err = String::new();
                std::io::Read::read_to_string(parent.stderr.as_mut().unwrap(), &mut err).unwrap();
                Err(err)
            }
        };
        Fenced { parent, stdin, ready }
    }

    fn pid(&self) -> i32 {
        *self.ready.as_ref().expect("fence ready")
    }

    /// Runs `script` inside the fence; returns its output.
    fn inside(&self, script: &str) -> String {
        let out = Command::new("nsenter")
            .args([
                "--target",
                &self.pid().to_string(),
                "--pid",
                "--mount",
                "--",
                "sh",
                "-c",
                script,
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("nsenter");
        assert!(out.status.success(), "{script}: {:?}", out.status);
        String::from_utf8(out.stdout).unwrap()
    }

    /// A daemon in its own session, its output away from ours; its pid as seen from outside.
    fn daemon(&self) -> i32 {
        let inner = self.inside("setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!");
        // Numbered on from the node's last pid, not from 1.
        assert!(inner.trim().parse::<i32>().unwrap() > 100, "pid inside: {inner}");
        // Seen from outside once setsid has become `sleep`.
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            match outside_pid(self.pid()) {
                Some(pid) => return pid,
                None if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
                None => panic!("the daemon, seen from outside, never appeared"),
            }
        }
    }

    fn exit_line(mut self) -> String {
        drop(self.stdin.take());
        let mut err = String::new();
        std::io::Read::read_to_string(self.parent.stderr.as_mut().unwrap(), &mut err).unwrap();
        err
    }
}

impl Drop for Fenced {
    fn drop(&mut self) {
        let _ = self.parent.kill();
        let _ = self.parent.wait();
    }
}

/// The process whose parent is the fence's first process (the daemon), by /proc.
fn outside_pid(first: i32) -> Option<i32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let ppid: i32 = stat.rsplit(") ").next()?.split(' ').nth(1)?.parse().ok()?;
        (ppid == first && stat.contains("(sleep)")).then_some(pid)
    })
}

/// Alive, and not a zombie waiting for its parent.
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => !matches!(
            s.rsplit(") ").next().and_then(|r| r.chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) => false,
    }
}

fn gone_soon(pid: i32) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    !alive(pid)
}

#[test]
fn the_application_sees_its_own_pids_and_ends_with_the_fence() {
    let f = Fenced::start("shared", "");
    let ps = f.inside("ls /proc | grep -c '^[0-9]'");
    // The fence's first process, the shell and ls: nothing of the node's.
    assert!(
        ps.trim().parse::<u32>().unwrap() <= 4,
        "{ps} processes visible inside"
    );
    assert_eq!(f.inside("cat /proc/1/comm"), "keel-fence\n");
    let daemon = f.daemon();
    assert!(alive(daemon));
    let said = f.exit_line();
    assert!(said.contains("exit 0"), "{said}");
    assert!(!alive(daemon), "the daemon outlived the fence");
}

#[test]
fn a_parent_killed_with_sigkill_takes_the_application_with_it() {
    let mut f = Fenced::start("shared", "");
    let daemon = f.daemon();
    f.parent.kill().unwrap();
    assert!(gone_soon(daemon), "the daemon outlived its fence's parent");
}

#[test]
fn the_first_process_killed_from_outside_ends_the_fence_with_2() {
    let f = Fenced::start("shared", "");
    let daemon = f.daemon();
    unsafe { libc::kill(f.pid(), libc::SIGKILL) };
    assert!(gone_soon(daemon));
    let said = f.exit_line();
    assert!(
        said.contains("first process died") && said.contains("exit 2"),
        "{said}"
    );
}

#[test]
fn a_replicated_directory_on_a_private_mount_is_refused() {
    let f = Fenced::start("private", "--dir /tmp/replicated");
    let why = f.ready.as_ref().unwrap_err();
    assert!(
        why.contains("/tmp/replicated is on the mount /, which is not shared"),
        "{why}"
    );
    let shared = Fenced::start("shared", "--dir /tmp/replicated");
    assert!(shared.ready.is_ok(), "{:?}", shared.ready);
}

#[test]
fn a_mount_made_outside_after_the_start_reaches_the_application() {
    let dir = std::env::temp_dir().join(format!("keel-fence-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The parent mounts a tmpfs after the fence began (as the replication daemon does) and
    // writes a file in it: the application reads it.
    let d = dir.display();
    let script = format!(
        "exec 3>&2; {{ sleep 0.3; mount -t tmpfs t {d} && echo hello > {d}/f; }} & {FENCE} --module test --parent $$ --dir {d}; echo \"exit $?\" >&3"
    );
    let mut parent = Command::new("unshare")
        .args(["--mount", "--propagation", "shared", "sh", "-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let pid = line.trim().strip_prefix("ready ").expect("ready").to_string();
    std::thread::sleep(Duration::from_millis(600));
    let out = Command::new("nsenter")
        .args([
            "--target",
            &pid,
            "--pid",
            "--mount",
            "--",
            "cat",
            &format!("{d}/f"),
        ])
        .output()
        .unwrap();
    parent.stdin.take().unwrap().write_all(b"").unwrap();
    let _ = parent.kill();
    let _ = parent.wait();
    let _ = std::fs::remove_dir(&dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
}

/// Runs `test` on a thread of its own in a new network namespace: the fence started from it
/// is there too, and removes addresses there, never the node's.
fn in_netns(test: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        assert_eq!(
            unsafe { libc::unshare(libc::CLONE_NEWNET) },
            0,
            "unshare(CLONE_NEWNET)"
        );
        test()
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn ip(args: &str) {
    let out = Command::new("ip").args(args.split_whitespace()).output().unwrap();
    assert!(
        out.status.success(),
        "ip {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Where each address of the thread's namespace is, and whether it is keel's.
fn addresses() -> Vec<(String, String, bool)> {
    let mut all: Vec<_> = keel_vip::list_addresses()
        .unwrap()
        .into_iter()
        .map(|a| (a.ifname, a.addr.to_string(), a.keel))
        .collect();
    all.sort();
    all
}

/// A fence with two virtual IPs over a namespace holding them, as keel placed them and not, and
/// keel's address that is not one of them. Returns it, and its daemon.
fn fence_with_vips() -> (Fenced, i32) {
    ip("link add fence-a type veth peer name fence-b");
    let vip = |a: &str, prefix| keel_vip::add_address("lo", a.parse().unwrap(), prefix).unwrap();
    vip("198.18.77.1", 32);
    vip("2001:2::77:1", 128);
    vip("198.18.77.3", 32);
    ip("addr add 198.18.77.2/32 dev lo");
    // The same address, not placed by keel: root must not take it.
    ip("addr add 198.18.77.1/32 dev fence-a");
    let f = Fenced::start("shared", "--vip 198.18.77.1 --vip 2001:2::77:1");
    let daemon = f.daemon();
    (f, daemon)
}

/// What must stay of fence_with_vips's addresses once the fence has ended.
fn left() -> Vec<(String, String, bool)> {
    let at = |i: &str, a: &str, k| (i.to_string(), a.to_string(), k);
    vec![
        at("fence-a", "198.18.77.1", false),
        at("lo", "198.18.77.2", false),
        at("lo", "198.18.77.3", true),
    ]
}

/// Whether keel's virtual IPs of fence_with_vips are still there, any of them.
fn vips_here() -> bool {
    addresses() != left()
}

/// Waits (bounded) until keel's virtual IPs have left; the application is killed with them.
fn vip_gone_and_application(daemon: i32) {
    let until = Instant::now() + Duration::from_secs(10);
    while vips_here() {
        assert!(Instant::now() < until, "the virtual IP stayed: {:?}", addresses());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(gone_soon(daemon), "the application outlived its fence");
}

#[test]
fn closing_stdin_takes_the_application_and_keels_virtual_ips() {
    in_netns(|| {
        let (f, daemon) = fence_with_vips();
        let said = f.exit_line();
        assert!(said.contains("exit 0"), "{said}");
        vip_gone_and_application(daemon);
        assert_eq!(addresses(), left());
    })
}

#[test]
fn a_parent_killed_with_sigkill_takes_the_application_and_keels_virtual_ips() {
    in_netns(|| {
        let (mut f, daemon) = fence_with_vips();
        f.parent.kill().unwrap();
        vip_gone_and_application(daemon);
        // The parent's stderr is the fence's too: read to its end, the fence's exit.
        let mut said = String::new();
        std::io::Read::read_to_string(f.parent.stderr.as_mut().unwrap(), &mut said).unwrap();
        assert!(said.contains("ended by SIGTERM"), "{said}");
        assert_eq!(addresses(), left());
    })
}

#[test]
fn a_parent_killed_while_nobody_reads_its_stderr_takes_the_application_and_keels_virtual_ips() {
    // As admin dies: the read end of the fence's stderr goes with it, and the fence's own words
    // about its end meet a pipe nobody reads (EPIPE). They must not stop it before its work.
    in_netns(|| {
        let (mut f, daemon) = fence_with_vips();
        drop(f.parent.stderr.take());
        f.parent.kill().unwrap();
        vip_gone_and_application(daemon);
        assert_eq!(addresses(), left());
    })
}

/// A process of the namespace that cannot finish dying while this is held, as one stuck in the
/// kernel on a dead disk: traced from this thread (PTRACE_SEIZE), once killed it stays a zombie
/// until this thread reaps it, and the kernel's end of the PID namespace (the exit of its first
/// process, which the fence waits for) waits for every process of it to be reaped.
struct Held(i32);

impl Held {
    fn seize(pid: i32) -> Held {
        let r = unsafe { libc::ptrace(libc::PTRACE_SEIZE, pid, 0, 0) };
        assert_eq!(r, 0, "PTRACE_SEIZE: {}", std::io::Error::last_os_error());
        Held(pid)
    }

    /// Lets it end: reaped as its tracer, it goes to the namespace's first process to be reaped.
    fn release(&mut self) {
        if self.0 > 0 {
            let mut status = 0;
            unsafe {
                libc::kill(self.0, libc::SIGKILL);
                libc::waitpid(self.0, &mut status, libc::__WALL);
            }
            self.0 = 0;
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.release()
    }
}

/// Dead, but not reaped: still holding its PID namespace.
fn zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit(") ").next().is_some_and(|r| r.starts_with('Z')))
}

/// The parent of a process (the fence, for the namespace's first process).
fn parent_of(pid: i32) -> i32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    stat.rsplit(") ")
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

/// The fence ends (by `end`) while a process of its namespace cannot finish dying: keel's virtual
/// IPs leave all the same, while the fence still waits for the namespace to be over; the fence
/// ends once the process can. Its stderr, to its end.
fn ended_while_a_process_is_held(end: impl FnOnce(&mut Fenced)) -> String {
    let (mut f, daemon) = fence_with_vips();
    let first = f.pid();
    let fence = parent_of(first);
    let mut held = Held::seize(daemon);
    end(&mut f);
    let until = Instant::now() + Duration::from_secs(5);
    while vips_here() {
        assert!(
            Instant::now() < until,
            "the virtual IP waits for the namespace to be over: {:?}",
            addresses()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(addresses(), left());
    // The application was killed, and the namespace is not over: the fence is still waiting.
    assert!(gone_soon(daemon), "the application was not killed");
    assert!(zombie(daemon), "the held process was reaped");
    assert!(alive(fence), "the fence ended before the namespace did");
    assert!(
        std::fs::metadata(format!("/proc/{first}")).is_ok(),
        "the namespace's first process was reaped before the namespace was over"
    );
    // The stuck process ends at last: so do the namespace and the fence.
    held.release();
    assert!(gone_soon(fence), "the fence outlived its namespace");
    let mut said = String::new();
    std::io::Read::read_to_string(f.parent.stderr.as_mut().unwrap(), &mut said).unwrap();
    said
}

#[test]
fn closing_stdin_takes_keels_virtual_ips_at_once_not_after_the_namespace() {
    in_netns(|| {
        let said = ended_while_a_process_is_held(|f| drop(f.stdin.take()));
        assert!(said.contains("exit 0"), "{said}");
    })
}

#[test]
fn a_parent_killed_takes_keels_virtual_ips_at_once_not_after_the_namespace() {
    in_netns(|| {
        let said = ended_while_a_process_is_held(|f| f.parent.kill().unwrap());
        assert!(said.contains("ended by SIGTERM"), "{said}");
    })
}

#[test]
fn a_first_process_killed_takes_keels_virtual_ips_at_once_not_after_the_namespace() {
    in_netns(|| {
        let said = ended_while_a_process_is_held(|f| unsafe {
            libc::kill(f.pid(), libc::SIGKILL);
        });
        assert!(
            said.contains("first process died") && said.contains("exit 2"),
            "{said}"
        );
    })
}
