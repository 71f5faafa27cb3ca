//! Command line of keel-fence (written by apps/admin, adapters/process-fence.ts).

use std::net::IpAddr;
use std::path::PathBuf;

pub const USAGE: &str =
    "usage: keel-fence --module <name> --parent <pid> [--dir <path>]... [--vip <address>]...";

#[derive(Debug, PartialEq)]
pub struct Args {
    /// For messages only.
    pub module: String,
    /// The process that started the fence (admin): the fence ends if it is already gone.
    pub parent: libc::pid_t,
    /// The module's replicated directories: the application must see the mounts made on them
    /// after the fence began (the replication daemon's), so their mounts must receive events.
    pub dirs: Vec<PathBuf>,
    /// The module's virtual IPs: when the fence ends, right after the application is sent
    /// SIGKILL, the node's addresses equal to one of them and marked as keel's are removed.
    pub vips: Vec<IpAddr>,
}

pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let (mut module, mut parent, mut dirs, mut vips) = (None, None, Vec::new(), Vec::new());
    let mut it = argv.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"));
        match flag.as_str() {
            "--module" => module = Some(value()?),
            "--parent" => {
                let v = value()?;
                parent = Some(match v.parse::<libc::pid_t>() {
                    Ok(p) if p > 0 => p,
                    _ => return Err(format!("--parent must be a process id, not '{v}'")),
                })
            }
            "--dir" => {
                let d = PathBuf::from(value()?);
                if !d.is_absolute() {
                    return Err(format!("--dir must be an absolute path, not '{}'", d.display()));
                }
                dirs.push(d)
            }
            "--vip" => {
                let v = value()?;
                let addr = v
                    .parse::<IpAddr>()
                    .map_err(|_| format!("--vip must be an IPv4 or IPv6 address, not '{v}'"))?;
                keel_vip::check_unicast(addr).map_err(|e| format!("--vip {e}"))?;
                vips.push(addr)
            }
            other => return Err(format!("unknown argument '{other}'; {USAGE}")),
        }
    }
    Ok(Args {
        module: module.ok_or_else(|| format!("--module is required; {USAGE}"))?,
        parent: parent.ok_or_else(|| format!("--parent is required; {USAGE}"))?,
        dirs,
        vips,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_a_fence() {
        let a = parse(argv(
            "--module web --parent 42 --dir /srv/a --vip 198.18.0.1 --dir /srv/b --vip 2001:2::1",
        ))
        .unwrap();
        assert_eq!(
            a,
            Args {
                module: "web".into(),
                parent: 42,
                dirs: vec!["/srv/a".into(), "/srv/b".into()],
                vips: vec!["198.18.0.1".parse().unwrap(), "2001:2::1".parse().unwrap()],
            }
        );
        assert!(parse(argv("--module m --parent 1")).unwrap().vips.is_empty());
    }

    #[test]
    fn says_what_is_wrong() {
        let err = |s: &str| parse(argv(s)).unwrap_err();
        assert!(err("--parent 1").contains("--module is required"));
        assert!(err("--module m").contains("--parent is required"));
        assert!(err("--module m --parent zero").contains("process id"));
        assert!(err("--module m --parent 1 --dir rel").contains("absolute"));
        assert!(err("--module m --parent 1 --bogus").contains("unknown argument '--bogus'"));
        assert!(err("--module m --parent 1 --vip").contains("--vip needs a value"));
        assert!(err("--module m --parent 1 --vip 198.18.0.1/24").contains("not '198.18.0.1/24'"));
        assert!(err("--module m --parent 1 --vip eth0").contains("IPv4 or IPv6"));
        assert!(err("--module m --parent 1 --vip 224.0.0.1").contains("multicast"));
        assert!(err("--module m --parent 1 --vip ::").contains("unspecified"));
        assert!(err("--module m --parent 1 --vip 127.0.0.1").contains("loopback"));
        assert!(err("--module m --parent 1 --vip ::ffff:198.18.0.1").contains("IPv4-mapped"));
    }
}
