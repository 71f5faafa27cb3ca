//! copy_file_range through the primary's mount copies on the primary and gives the secondary the
//! same bytes, within a file and between files, past the end of the destination included.
mod support;
use std::fs::{self, OpenOptions};
use std::os::fd::AsRawFd;
use support::*;

fn copy(from: &fs::File, from_at: i64, to: &fs::File, to_at: i64, len: usize) -> usize {
    let (mut a, mut b) = (from_at, to_at);
    let mut done = 0;
    while done < len {
        let n =
            unsafe { libc::copy_file_range(from.as_raw_fd(), &mut a, to.as_raw_fd(), &mut b, len - done, 0) };
        assert!(n >= 0, "{}", std::io::Error::last_os_error());
        if n == 0 {
            break;
        }
        done += n as usize;
    }
    done
}

#[test]
fn copied_ranges_are_replicated_byte_for_byte() {
    let t = Scratch::new("copy-range-live");
    let (mut p, mut s) = t.synced_pair();
    let (pm, sm) = (t.p(), t.s());

    let data: Vec<u8> = (0..(3 << 20) + 12345u32).map(|i| (i % 251) as u8).collect();
    fs::write(pm.join("src"), &data).unwrap();
    fs::write(pm.join("dst"), b"existing head").unwrap();
    let src = fs::File::open(pm.join("src")).unwrap();
    // The destination opened for writing only: what it holds now is still what is sent.
    let dst = OpenOptions::new().write(true).open(pm.join("dst")).unwrap();
    assert_eq!(copy(&src, 100, &dst, 5, data.len() - 100), data.len() - 100);
    let same = OpenOptions::new()
        .read(true)
        .write(true)
        .open(pm.join("src"))
        .unwrap();
    assert_eq!(copy(&src, 0, &same, (4 << 20) + 7, 5000), 5000);
    drop((src, dst, same));

    assert_eq!(p.stop(), Some(0));
    s.wait("primary-stopped");
    let mut want = b"exist".to_vec();
    want.extend_from_slice(&data[100..]);
    assert_eq!(fs::read(sm.join("dst")).unwrap(), want);
    assert_eq!(
        fs::read(sm.join("src")).unwrap(),
        fs::read(pm.join("src")).unwrap()
    );
    assert_same_trees(&pm, &sm);
}
