//! keel-fence: the PID namespace one module's application runs in, so that the application
//! cannot outlive keel's control of its node (docs/decisions/0013-application-fence.md).
//!
//! The kernel kills every process of a PID namespace when the namespace's first process dies.
//! That process is this fence's child, and each link of the chain ends with the one above it:
//!   admin dies -> the fence gets SIGTERM (its parent-death signal) and SIGKILLs the first process
//!   -> the kernel kills every process in the namespace, however it was started.
//! Were the fence itself killed, even by SIGKILL, the first process would get SIGKILL all the
//! same (its own parent-death signal).
//! admin runs the module's scripts inside with `nsenter --target <pid> --pid --mount`; the
//! namespace has its own /proc, so `kill`, `pkill` and pid files inside agree on numbers.
//!
//! The module's virtual IPs (`--vip`) go with the application. However the fence ends (stdin
//! closed, SIGTERM, its first process lost, an error), it does the same, in this order: SIGKILL
//! to the namespace's first process (the kernel kills the rest with it); at once, the node's
//! addresses equal to one of the VIPs that carry keel's mark (keel-vip), never an address keel
//! did not place; then the wait until every process inside is gone. The addresses do not wait
//! for the namespace to be over: a process stuck in the kernel (a dead disk) can hold it without
//! bound, while the peer takes the address over, and a fence that ended that late would remove
//! the address of the module's next run. Only a SIGKILL of the fence itself leaves them behind.
//!
//! Protocol with admin: one line `ready <pid>` on stdout (the first process, as admin numbers
//! it); closing stdin ends the fence and every process inside, then it exits 0. It exits 1 on an
//! error (said on stderr), 2 when the namespace's first process died unasked (killed from
//! outside: the application is gone with it). SIGTERM (admin's death, or anyone's) ends it as
//! closing stdin does, then it dies of that SIGTERM.

mod args;
mod propagation;
mod vips;

use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

const LAST_PID: &str = "/proc/sys/kernel/ns_last_pid";

/// A line on stderr that can never stop the fence: once admin is dead nobody reads the pipe, and
/// `eprintln!` would panic on the EPIPE before the application is killed and the VIPs withdrawn.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn main() {
    let a = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => fail(&e),
    };
    let mut first = None;
    let ended = run(&a, &mut first);
    if let Err(e) = &ended {
        say!("keel-fence: module {}: {e}", a.module);
    }
    // Whatever ended the fence: the application is killed first. No process can refuse SIGKILL,
    // and the kernel kills every other process of the namespace once its first one is gone.
    // Never reaped yet, so its pid names it still.
    if let Some(first) = first {
        unsafe { libc::kill(first, libc::SIGKILL) };
    }
    // Then the addresses, at once: not once every process inside is gone, which one stuck in the
    // kernel can put off for ever while the peer takes the address over.
    for why in vips::remove(&a.vips) {
        say!("keel-fence: module {}: {why}", a.module);
    }
    // Then the wait, as long as the namespace lasts: the kernel reports its first process's end
    // once every process in it is gone.
    if let Some(first) = first {
        reap(first);
    }
    match ended {
        Ok(End::Asked) => std::process::exit(0),
        Ok(End::Lost) => std::process::exit(2),
        Ok(End::Terminated) => die_of_sigterm(),
        Err(_) => std::process::exit(1),
    }
}

/// How the fence ended (its namespace not over yet: main ends it).
enum End {
    /// admin closed stdin.
    Asked,
    /// The namespace's first process died unasked.
    Lost,
    /// SIGTERM: admin died (the parent-death signal), or someone ended the fence so.
    Terminated,
}

fn fail(message: &str) -> ! {
    say!("keel-fence: {message}");
    std::process::exit(1);
}

fn check(r: libc::c_int, what: &str) -> Result<libc::c_int, String> {
    if r < 0 {
        Err(format!("{what}: {}", std::io::Error::last_os_error()))
    } else {
        Ok(r)
    }
}

/// The fence until its end; `first` is set to the namespace's first process once there is one
/// (not reaped: main kills it, then waits for it).
fn run(a: &args::Args, first: &mut Option<libc::pid_t>) -> Result<End, String> {
    // Read from a signalfd, so blocked first: a SIGTERM from now on waits for the fence to act.
    let mask = signals_blocked()?;
    // SIGTERM when admin dies (not SIGKILL: the fence has the application to kill and its
    // addresses to remove); admin may have died before this line: then stop here.
    check(
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) },
        "prctl",
    )?;
    if unsafe { libc::getppid() } != a.parent {
        return Err(format!("its parent {} is gone", a.parent));
    }
    // The node's side, before the copy: its mounts on the way to each directory must be shared.
    let info = std::fs::read_to_string("/proc/self/mountinfo").map_err(|e| format!("mountinfo: {e}"))?;
    let mounts = keel_mountinfo::parse(&info);
    for dir in &a.dirs {
        if let Some(why) = propagation::unfollowed(&mounts, &resolved(dir)?) {
            return Err(why);
        }
    }
    // Nothing of admin's working directory stays busy in the namespace.
    check(unsafe { libc::chdir(c"/".as_ptr()) }, "chdir /")?;
    check(
        unsafe { libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS) },
        "unshare(CLONE_NEWPID | CLONE_NEWNS)",
    )?;
    // The node's mounts reach the namespace; the namespace's own (its /proc) stay in it.
    let root = c"/";
    check(
        unsafe {
            libc::mount(
                std::ptr::null(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_SLAVE,
                std::ptr::null(),
            )
        },
        "making / a slave mount",
    )?;
    let (ready_r, ready_w) = pipe()?;
    let (alive_r, alive_w) = pipe()?;
    // Where the node's pid numbers are (the sysctl answers for the pid namespace of its reader).
    let last_pid = std::fs::read_to_string(LAST_PID).map_err(|e| format!("{LAST_PID}: {e}"))?;
    let child = check(unsafe { libc::fork() }, "fork")?;
    if child == 0 {
        drop((ready_r, alive_w));
        first_process(ready_w, alive_r, last_pid.trim());
    }
    *first = Some(child);
    drop((ready_w, alive_r));
    serve(child, ready_r, &alive_w, &mask)
}

/// Says `ready` once the first process is, then watches until the fence ends.
fn serve(child: libc::pid_t, ready: OwnedFd, alive: &OwnedFd, mask: &libc::sigset_t) -> Result<End, String> {
    // The first process says "ok" once /proc is its namespace's, or why not.
    let mut said = String::new();
    std::io::Read::read_to_string(&mut std::fs::File::from(ready), &mut said).ok();
    if said != "ok" {
        return Err(format!("the namespace's first process: {said}"));
    }
    let mut out = std::io::stdout();
    writeln!(out, "ready {child}")
        .and_then(|_| out.flush())
        .map_err(|e| format!("stdout: {e}"))?;
    watch(child, alive, mask)
}

/// Waits for admin to close stdin, for SIGTERM, or for the namespace's first process to die.
/// That death is seen when the first process's end of `alive` closes, early in its exit: its
/// SIGCHLD comes only once every other process of the namespace is gone, which may be never.
/// The first process is not reaped here.
fn watch(child: libc::pid_t, alive: &OwnedFd, mask: &libc::sigset_t) -> Result<End, String> {
    let sfd = check(unsafe { libc::signalfd(-1, mask, libc::SFD_CLOEXEC) }, "signalfd")?;
    let sfd = unsafe { OwnedFd::from_raw_fd(sfd) };
    loop {
        let mut fds = [
            libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: sfd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            // The write end of a pipe whose readers are all gone polls POLLERR.
            libc::pollfd {
                fd: alive.as_raw_fd(),
                events: 0,
                revents: 0,
            },
        ];
        if unsafe { libc::poll(fds.as_mut_ptr(), 3, -1) } < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(format!("poll: {}", std::io::Error::last_os_error()));
        }
        if fds[2].revents != 0 {
            return Ok(lost());
        }
        if fds[1].revents != 0 {
            let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
            let size = std::mem::size_of::<libc::signalfd_siginfo>();
            let n = unsafe {
                libc::read(
                    sfd.as_raw_fd(),
                    (&mut info as *mut libc::signalfd_siginfo).cast(),
                    size,
                )
            };
            if n == size as isize && info.ssi_signo == libc::SIGTERM as u32 {
                say!("keel-fence: ended by SIGTERM (its parent died, or someone ended it): every process in it is killed");
                return Ok(End::Terminated);
            }
            if exited(child) {
                return Ok(lost());
            }
        }
        if fds[0].revents != 0 {
            let mut buf = [0u8; 64];
            let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return Ok(End::Asked);
            }
        }
    }
}

/// The path the replication daemon mounts on: the parent's links and `..` resolved, as keel-rfsd
/// mounts::absolute does (the directory itself may be a dead mount: it is not looked at). Parts
/// that do not exist yet are kept as written below the deepest ancestor that does.
fn resolved(dir: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err(format!("{} names no directory", dir.display()));
    };
    let mut rest = vec![name];
    let mut base = parent;
    loop {
        match std::fs::canonicalize(base) {
            Ok(real) => return Ok(rest.iter().rev().fold(real, |p, part| p.join(part))),
            Err(e) => match (base.parent(), base.file_name()) {
                (Some(up), Some(part)) => {
                    rest.push(part);
                    base = up;
                }
                _ => return Err(format!("{}: {e}", base.display())),
            },
        }
    }
}

fn lost() -> End {
    say!("keel-fence: the namespace's first process died: every process in it is killed");
    End::Lost
}

/// Whether the child has exited, leaving it to be reaped.
fn exited(child: libc::pid_t) -> bool {
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
    let r = unsafe { libc::waitid(libc::P_PID, child as libc::id_t, &mut info, flags) };
    // WNOHANG with nothing to report leaves si_pid 0.
    r == 0 && unsafe { info.si_pid() } == child
}

/// Waits for the child's end and reaps it.
fn reap(child: libc::pid_t) {
    let mut status = 0;
    while unsafe { libc::waitpid(child, &mut status, 0) } < 0
        && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
    {}
}

/// The namespace's first process: dies with the fence, mounts the namespace's /proc, then reaps
/// whatever the application leaves to it. Never returns.
fn first_process(ready: OwnedFd, alive: OwnedFd, last_pid: &str) -> ! {
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } < 0 {
        unsafe { libc::_exit(1) };
    }
    // The fence's SIGTERM is the fence's: here it would only wait, pending, for ever.
    let mut term: libc::sigset_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::sigemptyset(&mut term);
        libc::sigaddset(&mut term, libc::SIGTERM);
        libc::sigprocmask(libc::SIG_UNBLOCK, &term, std::ptr::null_mut());
    }
    // The fence may have died before the line above: its end of `alive` is then closed. This end
    // stays open as long as this process lives: its close, early in this process's exit, tells
    // the fence that the namespace is ending.
    let mut p = libc::pollfd {
        fd: alive.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    if unsafe { libc::poll(&mut p, 1, 0) } != 0 {
        unsafe { libc::_exit(1) };
    }
    let mut ready = std::fs::File::from(ready);
    let (proc_, fstype) = (c"/proc", c"proc");
    let flags = libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;
    let mounted = unsafe {
        libc::mount(
            fstype.as_ptr(),
            proc_.as_ptr(),
            fstype.as_ptr(),
            flags,
            std::ptr::null(),
        )
    };
    if mounted < 0 {
        let _ = write!(ready, "mounting /proc: {}", std::io::Error::last_os_error());
        unsafe { libc::_exit(1) };
    }
    // Pids inside go on from the node's, rather than from 1 in every new fence: a pid file left by
    // an application of an earlier fence must not name a script of this one (the module's
    // prestart and stop scripts kill what their pid files name).
    if let Err(e) = std::fs::write(LAST_PID, last_pid) {
        let _ = write!(ready, "continuing the node's pid numbers in {LAST_PID}: {e}");
        unsafe { libc::_exit(1) };
    }
    // Nothing of admin's stays open in here: its pipes see their end when the fence is done.
    detach_stdio();
    let _ = ready.write_all(b"ok");
    drop(ready);
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
    }
    loop {
        unsafe { libc::sigwaitinfo(&set, std::ptr::null_mut()) };
        let mut status = 0;
        while unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) } > 0 {}
    }
}

fn detach_stdio() {
    let null = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
    if null >= 0 {
        for fd in 0..3 as RawFd {
            unsafe { libc::dup2(null, fd) };
        }
        if null > 2 {
            unsafe { libc::close(null) };
        }
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    let mut fds = [0; 2];
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, "pipe")?;
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// SIGCHLD and SIGTERM blocked: the fence reads them from a signalfd, the first process reads
/// SIGCHLD with sigwaitinfo.
fn signals_blocked() -> Result<libc::sigset_t, String> {
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        libc::sigaddset(&mut set, libc::SIGTERM);
    }
    check(
        unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) },
        "sigprocmask",
    )?;
    Ok(set)
}

/// Dies of SIGTERM, as the fence would have without handling it, now that its work is done.
fn die_of_sigterm() -> ! {
    let mut term: libc::sigset_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
        libc::sigemptyset(&mut term);
        libc::sigaddset(&mut term, libc::SIGTERM);
        // Pending while blocked; delivered, with its default action, once unblocked.
        libc::raise(libc::SIGTERM);
        libc::sigprocmask(libc::SIG_UNBLOCK, &term, std::ptr::null_mut());
    }
    std::process::exit(128 + libc::SIGTERM)
}
