//! Command line of keel-rfsd (written by apps/rfs; see docs/decisions/0009-replication.md).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "usage: keel-rfsd --role primary|secondary --module <name> --node <name> \
--peer <name> --dir <path>... (--listen <addr:port> [--peer-addr <ip>] | --connect <addr:port>) \
--key-file <path> --state-dir <path> [--full] [--async second|none] [--timeout-ms <n>] \
[--hold-ms <n>] [--rei-kbps <n>] [--nbrei <n>] [--zone-bytes <n>] [--since <unix seconds>] [--write-deadline-stdin] [--acl] \
[--tls-ca <pem> --tls-cert <pem> --tls-key <pem>]; \
after a --dir, for that directory: [--notreplicated <relative path>]... [--notreplicated-regex <ERE|!ERE>]... \
[--tocheck <relative path>]...";

/// `<rfs nbrei>` (SafeKit guide §5.7.3): files a reintegration copies at once, by default as
/// SafeKit's threads.
pub const DEFAULT_NBREI: usize = 6;
pub const MAX_NBREI: usize = 64;

#[derive(Debug, PartialEq)]
pub enum Role {
    /// `peer_ip`: where the secondary connects from, when known (its handshakes get a place);
    /// `rei_kbps`: the most its reintegrations send, in KB/s (`<rfs reiallowedbw>`); `nbrei`: the
    /// files a reintegration copies at once (`<rfs nbrei>`).
    Primary {
        listen: SocketAddr,
        peer_ip: Option<std::net::IpAddr>,
        rei_kbps: Option<u64>,
        nbrei: usize,
    },
    Secondary {
        connect: SocketAddr,
        full: bool,
    },
}

#[derive(Debug)]
pub struct Args {
    pub role: Role,
    /// What the link is bound to (keel_repl::Binding): the module, this node and its peer.
    pub module: String,
    pub node: String,
    pub peer: String,
    pub dirs: Vec<PathBuf>,
    /// Per directory, in the order of `dirs`: what stays local and what must exist (crate::notrep).
    pub local: Vec<Local>,
    pub key_file: PathBuf,
    pub state_dir: PathBuf,
    /// `<rfs async="second">`: the secondary acknowledges on receipt.
    pub ack_on_receipt: bool,
    /// Liveness of the link: how long the primary waits for an ack, and the secondary for any
    /// frame (the primary pings an idle link three times as often), before giving the other up.
    pub timeout: Duration,
    /// A primary's changes wait this long after a link that was up broke, unless a secondary
    /// joins again or said it leaves (0: they do not wait).
    pub hold: Duration,
    /// A primary under the lease arbiter: changes only before the deadline read on stdin
    /// (crate::deadline).
    pub deadline_on_stdin: bool,
    /// `<rfs ruzone_blocksize>`: the size of one zone of the primary's record (keel-zones).
    pub zone_bytes: u64,
    /// `secondforce -d <date>` (a secondary): the files modified since this date are copied.
    pub since_s: Option<i64>,
    /// `<rfs acl="on">`: POSIX ACLs are replicated and enforced on the mount (crate::xattr).
    pub acl: bool,
    /// The module's encryption (`keel module genkey`): the link runs in TLS with these files
    /// (crate::tls). A primary then has `--peer-addr`, which the secondary's certificate covers.
    pub tls: Option<crate::tls::TlsFiles>,
}

/// `<notreplicated>` and `<tocheck>` of one replicated directory, checked (crate::notrep).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Local {
    pub paths: Vec<String>,
    pub regexes: Vec<String>,
    pub tocheck: Vec<keel_repl::RelPath>,
}

impl Local {
    pub fn filter(&self) -> crate::notrep::Filter {
        let mut f = crate::notrep::Filter::default();
        for p in &self.paths {
            f.add_path(p).expect("checked by args::parse");
        }
        for r in &self.regexes {
            f.add_regex(r).expect("checked by args::parse");
        }
        f
    }
}

pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut role = None;
    let (mut listen, mut connect, mut key_file, mut state_dir) = (None, None, None, None);
    let (mut module, mut node, mut peer, mut peer_ip) = (None, None, None, None);
    let mut dirs = Vec::new();
    let mut local: Vec<Local> = Vec::new();
    let mut full = false;
    let mut ack_on_receipt = true;
    let mut timeout = Duration::from_secs(10);
    let mut hold = Duration::ZERO;
    let mut rei_kbps = None;
    let mut nbrei = None;
    let mut deadline_on_stdin = false;
    let mut zone_bytes = keel_zones::DEFAULT_ZONE_BYTES;
    let mut since_s = None;
    let mut acl = false;
    let (mut tls_ca, mut tls_cert, mut tls_key) = (None, None, None);
    let mut it = argv.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match flag.as_str() {
            "--role" => role = Some(value()?),
            "--module" => module = Some(name(&flag, value()?)?),
            "--node" => node = Some(name(&flag, value()?)?),
            "--peer" => peer = Some(name(&flag, value()?)?),
            "--dir" => {
                dirs.push(PathBuf::from(value()?));
                local.push(Local::default());
            }
            "--notreplicated" | "--notreplicated-regex" | "--tocheck" => {
                let v = value()?;
                let Some(l) = local.last_mut() else {
                    return Err(format!(
                        "{flag} belongs to the --dir before it, and there is none"
                    ));
                };
                let mut probe = crate::notrep::Filter::default();
                let bad = |e: String| {
                    format!(
                        "{flag} of {}: {e}",
                        dirs.last().map(|d| d.display().to_string()).unwrap_or_default()
                    )
                };
                match flag.as_str() {
                    "--notreplicated" => {
                        probe.add_path(&v).map_err(bad)?;
                        l.paths.push(v);
                    }
                    "--notreplicated-regex" => {
                        probe.add_regex(&v).map_err(bad)?;
                        l.regexes.push(v);
                    }
                    _ => l.tocheck.push(crate::notrep::normalize(&v).map_err(bad)?),
                }
            }
            "--listen" => listen = Some(addr(&flag, &value()?)?),
            "--peer-addr" => {
                let v = value()?;
                peer_ip = Some(
                    v.parse()
                        .map_err(|_| format!("--peer-addr must be an IP address, not '{v}'"))?,
                )
            }
            "--connect" => connect = Some(addr(&flag, &value()?)?),
            "--key-file" => key_file = Some(PathBuf::from(value()?)),
            "--state-dir" => state_dir = Some(PathBuf::from(value()?)),
            "--full" => full = true,
            "--write-deadline-stdin" => deadline_on_stdin = true,
            "--acl" => acl = true,
            "--tls-ca" => tls_ca = Some(PathBuf::from(value()?)),
            "--tls-cert" => tls_cert = Some(PathBuf::from(value()?)),
            "--tls-key" => tls_key = Some(PathBuf::from(value()?)),
            "--async" => {
                ack_on_receipt = match value()?.as_str() {
                    "second" => true,
                    "none" => false,
                    other => return Err(format!("--async must be second or none, not '{other}'")),
                }
            }
            "--timeout-ms" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--timeout-ms must be a number of milliseconds, not '{v}'"))?;
                if ms == 0 {
                    return Err("--timeout-ms must be at least 1".into());
                }
                timeout = Duration::from_millis(ms);
            }
            "--hold-ms" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--hold-ms must be a number of milliseconds, not '{v}'"))?;
                hold = Duration::from_millis(ms);
            }
            "--rei-kbps" => {
                let v = value()?;
                match v.parse::<u64>() {
                    Ok(n) if n > 0 => rei_kbps = Some(n),
                    _ => {
                        return Err(format!(
                            "--rei-kbps must be a number of KB/s of at least 1, not '{v}'"
                        ))
                    }
                }
            }
            "--nbrei" => {
                let v = value()?;
                match v.parse::<usize>() {
                    Ok(n) if (1..=MAX_NBREI).contains(&n) => nbrei = Some(n),
                    _ => {
                        return Err(format!(
                            "--nbrei must be a number of files from 1 to {MAX_NBREI}, not '{v}'"
                        ))
                    }
                }
            }
            "--zone-bytes" => {
                let v = value()?;
                match v.parse::<u64>() {
                    Ok(n) if (4096..=1 << 30).contains(&n) && n % 4096 == 0 => zone_bytes = n,
                    _ => {
                        return Err(format!(
                            "--zone-bytes must be a multiple of 4096 from 4096 to 1073741824, not '{v}'"
                        ))
                    }
                }
            }
            "--since" => {
                let v = value()?;
                since_s =
                    Some(v.parse::<i64>().map_err(|_| {
                        format!("--since must be a date in seconds since the epoch, not '{v}'")
                    })?);
            }
            other => return Err(format!("unknown argument '{other}'; {USAGE}")),
        }
    }
    let role = match (role.as_deref(), listen, connect) {
        (Some("primary"), _, _) if since_s.is_some() => {
            return Err("--since is for a secondary (secondforce -d)".into())
        }
        (Some("primary"), Some(listen), None) if !full => Role::Primary {
            listen,
            peer_ip,
            rei_kbps,
            nbrei: nbrei.unwrap_or(DEFAULT_NBREI),
        },
        (Some("primary"), _, _) if full => {
            return Err("--full is for a secondary (it asks its primary)".into())
        }
        (Some("primary"), _, _) => return Err("a primary needs --listen and no --connect".into()),
        (Some("secondary"), None, Some(connect))
            if peer_ip.is_none() && rei_kbps.is_none() && nbrei.is_none() && !deadline_on_stdin =>
        {
            Role::Secondary { connect, full }
        }
        (Some("secondary"), None, Some(_)) => {
            return Err(
                "--peer-addr, --rei-kbps, --nbrei and --write-deadline-stdin are for a primary".into(),
            )
        }
        (Some("secondary"), _, _) => return Err("a secondary needs --connect and no --listen".into()),
        (Some(other), _, _) => return Err(format!("--role must be primary or secondary, not '{other}'")),
        (None, _, _) => return Err(format!("--role is required; {USAGE}")),
    };
    let tls = match (tls_ca, tls_cert, tls_key) {
        (None, None, None) => None,
        (Some(ca), Some(cert), Some(key)) => Some(crate::tls::TlsFiles { ca, cert, key }),
        (ca, cert, key) => {
            let missing: Vec<&str> = [
                ("--tls-ca", ca.is_none()),
                ("--tls-cert", cert.is_none()),
                ("--tls-key", key.is_none()),
            ]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(f, _)| *f)
            .collect();
            return Err(format!(
                "{} missing: TLS on the link needs --tls-ca, --tls-cert and --tls-key (all three or none)",
                missing.join(" and ")
            ));
        }
    };
    if tls.is_some() && matches!(role, Role::Primary { peer_ip: None, .. }) {
        return Err(
            "a primary with --tls-ca needs --peer-addr: the secondary's certificate must cover it".into(),
        );
    }
    if dirs.is_empty() {
        return Err(format!("at least one --dir is required; {USAGE}"));
    }
    if dirs.len() > 255 {
        return Err("at most 255 replicated directories".into());
    }
    let required = |v: Option<String>, flag: &str| v.ok_or_else(|| format!("{flag} is required; {USAGE}"));
    Ok(Args {
        role,
        module: required(module, "--module")?,
        node: required(node, "--node")?,
        peer: required(peer, "--peer")?,
        dirs,
        local,
        key_file: key_file.ok_or_else(|| format!("--key-file is required; {USAGE}"))?,
        state_dir: state_dir.ok_or_else(|| format!("--state-dir is required; {USAGE}"))?,
        ack_on_receipt,
        timeout,
        hold,
        deadline_on_stdin,
        zone_bytes,
        since_s,
        acl,
        tls,
    })
}

fn name(flag: &str, v: String) -> Result<String, String> {
    if v.is_empty() || v.len() > 255 || v.chars().any(|c| c.is_control()) {
        return Err(format!("{flag} must be a name of 1 to 255 printable characters"));
    }
    Ok(v)
}

fn addr(flag: &str, v: &str) -> Result<SocketAddr, String> {
    v.parse()
        .map_err(|_| format!("{flag} must be an address:port such as 198.18.1.1:5600, not '{v}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_a_secondary() {
        let a = parse(argv("--role secondary --module m --node n2 --peer n1 --dir /a --dir /b --connect 127.0.0.1:5600 --key-file k --state-dir s --full --async none")).unwrap();
        assert_eq!(
            (a.module.as_str(), a.node.as_str(), a.peer.as_str()),
            ("m", "n2", "n1")
        );
        assert_eq!(
            a.role,
            Role::Secondary {
                connect: "127.0.0.1:5600".parse().unwrap(),
                full: true
            }
        );
        assert_eq!(a.dirs.len(), 2);
        assert!(!a.ack_on_receipt);
        assert!(!a.acl);
    }

    #[test]
    fn reads_acl_replication_on_either_role() {
        for role in ["primary --listen 1.2.3.4:5", "secondary --connect 1.2.3.4:5"] {
            let a = parse(argv(&format!(
                "--role {role} --module m --node a --peer b --dir /a --key-file k --state-dir s --acl"
            )))
            .unwrap();
            assert!(a.acl, "{role}");
        }
    }

    #[test]
    fn reads_a_primary_with_a_reintegration_limit() {
        let a = parse(argv("--role primary --module m --node n1 --peer n2 --dir /a --listen 0.0.0.0:5600 --peer-addr 198.18.0.2 --key-file k --state-dir s --rei-kbps 2048")).unwrap();
        assert_eq!(
            a.role,
            Role::Primary {
                listen: "0.0.0.0:5600".parse().unwrap(),
                peer_ip: Some("198.18.0.2".parse().unwrap()),
                rei_kbps: Some(2048),
                nbrei: DEFAULT_NBREI,
            }
        );
        assert!(!a.deadline_on_stdin);
    }

    #[test]
    fn reads_the_files_a_primary_reintegrates_at_once() {
        let a = parse(argv("--role primary --module m --node n1 --peer n2 --dir /a --listen 0.0.0.0:5600 --key-file k --state-dir s --nbrei 64")).unwrap();
        assert!(matches!(a.role, Role::Primary { nbrei: 64, .. }), "{:?}", a.role);
    }

    #[test]
    fn reads_a_primary_under_the_lease_arbiter() {
        let a = parse(argv("--role primary --module m --node n1 --peer n2 --dir /a --listen 0.0.0.0:5600 --key-file k --state-dir s --write-deadline-stdin")).unwrap();
        assert!(a.deadline_on_stdin);
        assert_eq!(a.zone_bytes, keel_zones::DEFAULT_ZONE_BYTES);
    }

    #[test]
    fn reads_a_zone_size_and_a_date() {
        let a = parse(argv("--role primary --module m --node n1 --peer n2 --dir /a --listen 0.0.0.0:5600 --key-file k --state-dir s --zone-bytes 65536")).unwrap();
        assert_eq!(a.zone_bytes, 65536);
        let a = parse(argv("--role secondary --module m --node n2 --peer n1 --dir /a --connect 1.2.3.4:5 --key-file k --state-dir s --since 1700000000")).unwrap();
        assert_eq!(a.since_s, Some(1_700_000_000));
    }

    #[test]
    fn reads_what_stays_local_per_directory() {
        let a = parse(argv("--role secondary --module m --node a --peer b --connect 1.2.3.4:5 --key-file k --state-dir s --dir /a --notreplicated cache --tocheck ./mounted/ --dir /b --notreplicated-regex !\\.db$")).unwrap();
        assert_eq!(a.local[0].paths, vec!["cache".to_string()]);
        assert_eq!(
            a.local[0].tocheck,
            vec![keel_repl::RelPath::parse(b"mounted").unwrap()]
        );
        assert_eq!(a.local[1].regexes, vec!["!\\.db$".to_string()]);
        assert!(a.local[1].filter().kind_matters());
        let base =
            "--role secondary --module m --node a --peer b --connect 1.2.3.4:5 --key-file k --state-dir s";
        let err = |s: &str| parse(argv(&format!("{base} {s}"))).unwrap_err();
        assert!(err("--notreplicated x --dir /a").contains("the --dir before it"));
        assert!(err("--dir /a --notreplicated ../x").contains("--notreplicated of /a: '../x' has a '..'"));
        assert!(err("--dir /a --tocheck /etc/passwd").contains("absolute"));
        assert!(err("--dir /a --notreplicated-regex \\d").contains("not portable"));
    }

    #[test]
    fn reads_the_link_tls_files() {
        let a = parse(argv("--role secondary --module m --node a --peer b --dir /a --connect 1.2.3.4:5 --key-file k --state-dir s --tls-ca /e/ca.crt --tls-cert /e/server.crt --tls-key /e/server.key")).unwrap();
        assert_eq!(
            a.tls,
            Some(crate::tls::TlsFiles {
                ca: "/e/ca.crt".into(),
                cert: "/e/server.crt".into(),
                key: "/e/server.key".into()
            })
        );
        let a = parse(argv("--role secondary --module m --node a --peer b --dir /a --connect 1.2.3.4:5 --key-file k --state-dir s")).unwrap();
        assert_eq!(a.tls, None);
    }

    #[test]
    fn tls_needs_all_three_files_and_a_primary_its_peer_address() {
        let base = "--module m --node a --peer b --dir /a --key-file k --state-dir s";
        let err = |s: &str| parse(argv(&format!("{s} {base}"))).unwrap_err();
        let secondary = "--role secondary --connect 1.2.3.4:5";
        assert!(err(&format!("{secondary} --tls-ca c --tls-cert x")).starts_with("--tls-key missing"));
        assert!(err(&format!("{secondary} --tls-key k")).starts_with("--tls-ca and --tls-cert missing"));
        let e = err("--role primary --listen 1.2.3.4:5 --tls-ca c --tls-cert x --tls-key k");
        assert!(e.contains("needs --peer-addr"), "{e}");
        assert!(parse(argv(&format!(
            "--role primary --listen 1.2.3.4:5 --peer-addr 1.2.3.6 --tls-ca c --tls-cert x --tls-key k {base}"
        )))
        .is_ok());
    }

    #[test]
    fn says_what_is_wrong() {
        let base = "--module m --node a --peer b --dir /a --key-file k --state-dir s";
        let err = |s: &str| parse(argv(&format!("{s} {base}"))).unwrap_err();
        assert!(err("--role primary").contains("needs --listen"));
        assert!(err("--role primary --listen 1.2.3.4:5 --full").contains("--full is for a secondary"));
        assert!(err("--role boss").contains("primary or secondary"));
        assert!(err("--role secondary --connect nowhere").contains("address:port"));
        assert!(err("--role secondary --connect 1.2.3.4:5 --async maybe").contains("second or none"));
        assert!(err("--role secondary --connect 1.2.3.4:5 --bogus").contains("unknown argument '--bogus'"));
        assert!(err("--role secondary --connect 1.2.3.4:5 --rei-kbps 100").contains("for a primary"));
        assert!(err("--role primary --listen 1.2.3.4:5 --rei-kbps 0").contains("at least 1"));
        assert!(err("--role secondary --connect 1.2.3.4:5 --nbrei 6").contains("for a primary"));
        for bad in ["0", "65", "-1", "six"] {
            assert!(
                err(&format!("--role primary --listen 1.2.3.4:5 --nbrei {bad}")).contains(&format!(
                    "--nbrei must be a number of files from 1 to 64, not '{bad}'"
                )),
                "{bad}"
            );
        }
        assert!(err("--role secondary --connect 1.2.3.4:5 --write-deadline-stdin").contains("for a primary"));
        assert!(err("--role primary --listen 1.2.3.4:5 --rei-kbps fast").contains("'fast'"));
        assert!(err("--role primary --listen 1.2.3.4:5 --zone-bytes 1000").contains("multiple of 4096"));
        assert!(err("--role primary --listen 1.2.3.4:5 --since 5").contains("for a secondary"));
        assert!(err("--role secondary --connect 1.2.3.4:5 --since May").contains("'May'"));
        assert!(parse(argv(
            "--role secondary --module m --node a --peer b --connect 1.2.3.4:5 --key-file k --state-dir s"
        ))
        .unwrap_err()
        .contains("--dir"));
        assert!(parse(argv(
            "--role secondary --dir /a --connect 1.2.3.4:5 --key-file k --state-dir s"
        ))
        .unwrap_err()
        .contains("--module is required"));
    }
}
