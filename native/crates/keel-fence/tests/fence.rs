//! keel-fence run for real: a parent (standing in for admin) starts it in a mount namespace of
//! its own, scripts enter it with nsenter, and the application they leave behind (a daemon, its
//! session detached) dies with the fence however the fence ends.
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

const FENCE: &str = env!("CARGO_BIN_EXE_keel-fence");

/// `sh` as the fence's parent, in a new mount namespace with the given propagation of `/`; the
/// fence's stdin and stdout pass through it.
struct Fenced {
    parent: Child,
    stdin: Option<ChildStdin>,
    ready: Result<i32, String>,
}

impl Fenced {
    fn start(propagation: &str, dirs: &str) -> Fenced {
        let script = format!("exec 3>&2; {FENCE} --module test --parent $$ {dirs}; echo \"exit $?\" >&3");
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
