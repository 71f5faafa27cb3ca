//! The lines of `/proc/<pid>/mountinfo` (proc(5)): which mount holds a path, what it is, and how
//! mount events propagate to it. Pure: the caller reads the file.

use std::path::Path;

/// One line of mountinfo, as much of it as keel looks at.
#[derive(Debug, PartialEq)]
pub struct Mount {
    /// Where it is mounted, unescaped (mountinfo writes space, tab, newline and `\` as `\ooo`).
    pub point: Vec<u8>,
    /// `ext4`, `fuse.keel`, `proc` …
    pub fstype: String,
    /// Optional fields: `shared:N` (its events reach its peers), `master:N` (it receives the
    /// events of peer group N), `propagate_from:N`, `unbindable`.
    pub optional: Vec<String>,
}

impl Mount {
    /// Mount and unmount events made on it reach its copies in other namespaces (it belongs to a
    /// peer group). A slave alone receives its master's events but passes none on to copies.
    pub fn is_shared(&self) -> bool {
        self.optional.iter().any(|f| f.starts_with("shared:"))
    }
}

/// Every well-formed line, in the file's order (a mount listed later is stacked above an
/// earlier one at the same point).
pub fn parse(mountinfo: &str) -> Vec<Mount> {
    mountinfo.lines().filter_map(line).collect()
}

fn line(l: &str) -> Option<Mount> {
    let (left, right) = l.split_once(" - ")?;
    let fields: Vec<&str> = left.split(' ').collect();
    let point = unescape(fields.get(4)?);
    let optional = fields
        .get(6..)
        .unwrap_or(&[])
        .iter()
        .map(|s| s.to_string())
        .collect();
    let fstype = right.split(' ').next()?.to_string();
    Some(Mount {
        point,
        fstype,
        optional,
    })
}

/// The mount that holds `path` (absolute, no `..`): the topmost one whose point is the longest
/// leading part of it, component by component.
pub fn holding<'a>(mounts: &'a [Mount], path: &Path) -> Option<&'a Mount> {
    let path = path.as_os_str().as_encoded_bytes();
    mounts
        .iter()
        .enumerate()
        .filter(|(_, m)| leads(&m.point, path))
        .max_by_key(|(i, m)| (m.point.len(), *i))
        .map(|(_, m)| m)
}

fn leads(point: &[u8], path: &[u8]) -> bool {
    point == b"/" || path == point || (path.starts_with(point) && path.get(point.len()) == Some(&b'/'))
}

/// mountinfo writes space, tab, newline and backslash as \ooo.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = |c: &u8| (b'0'..=b'7').contains(c);
        let value = || {
            b[i + 1..i + 4]
                .iter()
                .fold(0u32, |v, c| v * 8 + u32::from(c - b'0'))
        };
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(octal) && value() <= 255 {
            out.push(value() as u8);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
        36 22 98:0 / /srv/data rw,noatime master:7 - fuse.keel keel-rfs rw\n\
        37 22 98:0 / /srv/data2 rw - fuse.keel keel-rfs rw\n\
        38 22 98:0 / /srv/with\\040space rw - fuse keel rw\n\
        39 36 98:0 / /srv/data rw - ext4 /dev/sdb1 rw\n\
        40 22 0:5 / /proc rw,nosuid shared:12 propagate_from:3 - proc proc rw\n";

    #[test]
    fn reads_points_types_and_propagation() {
        let m = parse(INFO);
        assert_eq!(m.len(), 6);
        assert_eq!(m[1].point, b"/srv/data");
        assert_eq!(m[1].fstype, "fuse.keel");
        assert_eq!(m[1].optional, ["master:7"]);
        assert_eq!(m[3].point, b"/srv/with space");
        assert_eq!(m[5].optional, ["shared:12", "propagate_from:3"]);
        assert!(m[0].is_shared() && !m[1].is_shared() && !m[2].is_shared() && m[5].is_shared());
    }

    #[test]
    fn the_holding_mount_is_the_longest_point_then_the_topmost() {
        let m = parse(INFO);
        let at = |p: &str| holding(&m, Path::new(p)).map(|m| (m.point.clone(), m.fstype.clone()));
        assert_eq!(at("/srv/data/x"), Some((b"/srv/data".to_vec(), "ext4".into())));
        assert_eq!(
            at("/srv/data2"),
            Some((b"/srv/data2".to_vec(), "fuse.keel".into()))
        );
        // /srv/data is no leading component of /srv/datax.
        assert_eq!(at("/srv/datax"), Some((b"/".to_vec(), "ext4".into())));
        assert_eq!(at("/"), Some((b"/".to_vec(), "ext4".into())));
    }

    #[test]
    fn an_escape_past_a_byte_is_kept_as_written() {
        let m = parse("1 0 8:1 / /a\\777b rw - ext4 x rw\n");
        assert_eq!(m[0].point, b"/a\\777b");
    }

    #[test]
    fn skips_lines_it_cannot_read() {
        assert_eq!(parse("garbage\n\n1 2 3\n").len(), 0);
    }
}
