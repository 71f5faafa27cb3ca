//! The dirty zones of one file: zone numbers (byte offset / zone size), as sorted, disjoint,
//! non-adjacent half-open ranges, and optionally every zone from one on (a truncate: whatever the
//! file later grows into there must travel, since the secondary may hold old bytes there).

/// The most ranges one file keeps. Beyond, the closest ranges merge (their gaps count as marked):
/// a file written all over at scattered places costs at most this much memory (16 bytes a range)
/// and is copied a little more than it changed, never less.
pub const MAX_RANGES: usize = 1 << 16;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneSet {
    ranges: Vec<(u64, u64)>,
    tail: Option<u64>,
}

/// Zones `[first, last)` that bytes `[offset, offset + len)` touch (none for `len` 0).
pub fn zones_of(offset: u64, len: u64, zone: u64) -> (u64, u64) {
    if len == 0 {
        return (0, 0);
    }
    let end = offset.saturating_add(len);
    (offset / zone, (end - 1) / zone + 1)
}

impl ZoneSet {
    /// Rebuilt from stored parts; None unless they are in the form `mark` keeps them.
    pub fn from_parts(ranges: Vec<(u64, u64)>, tail: Option<u64>) -> Option<ZoneSet> {
        let mut prev_end = None;
        for &(a, b) in &ranges {
            if a >= b || prev_end.is_some_and(|p| a <= p) || tail.is_some_and(|t| b >= t) {
                return None;
            }
            prev_end = Some(b);
        }
        Some(ZoneSet { ranges, tail })
    }

    pub fn ranges(&self) -> &[(u64, u64)] {
        &self.ranges
    }

    pub fn tail(&self) -> Option<u64> {
        self.tail
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.tail.is_none()
    }

    /// Marks zones `[first, last)`.
    pub fn mark(&mut self, first: u64, last: u64) {
        if first >= last {
            return;
        }
        if let Some(t) = self.tail {
            if first >= t {
                return;
            }
        }
        let last = match self.tail {
            Some(t) => last.min(t),
            None => last,
        };
        // Ranges that overlap or touch [first, last) merge with it.
        let start = self.ranges.partition_point(|&(_, b)| b < first);
        let end = self.ranges.partition_point(|&(a, _)| a <= last);
        let (mut a, mut b) = (first, last);
        if start < end {
            a = a.min(self.ranges[start].0);
            b = b.max(self.ranges[end - 1].1);
        }
        self.ranges.splice(start..end, [(a, b)]);
        self.absorb_tail();
        if self.ranges.len() > MAX_RANGES {
            self.coarsen(MAX_RANGES / 2);
        }
    }

    /// Merges neighbouring ranges whose gap is at most `gap`, doubling it from one zone, until at
    /// most `keep` ranges are left. Only ever adds zones.
    fn coarsen(&mut self, keep: usize) {
        let mut gap = 1u64;
        while self.ranges.len() > keep {
            let mut merged: Vec<(u64, u64)> = Vec::with_capacity(self.ranges.len());
            for &(a, b) in &self.ranges {
                match merged.last_mut() {
                    Some(last) if a - last.1 <= gap => last.1 = b,
                    _ => merged.push((a, b)),
                }
            }
            self.ranges = merged;
            gap = gap.saturating_mul(2);
        }
    }

    /// Marks every zone from `first` on.
    pub fn mark_from(&mut self, first: u64) {
        self.tail = Some(self.tail.map_or(first, |t| t.min(first)));
        self.absorb_tail();
    }

    fn absorb_tail(&mut self) {
        let Some(t) = self.tail else { return };
        // A range that reaches the tail becomes part of it.
        while let Some(&(a, b)) = self.ranges.last() {
            if b >= t {
                self.ranges.pop();
                self.tail = Some(a.min(t));
            } else {
                break;
            }
        }
    }

    /// Whether zone `z` is marked.
    pub fn contains(&self, z: u64) -> bool {
        self.tail.is_some_and(|t| z >= t) || self.ranges.iter().any(|&(a, b)| a <= z && z < b)
    }

    /// The byte ranges `[from, to)` of the marked zones within a file of `size` bytes.
    pub fn byte_ranges(&self, size: u64, zone: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let tail = self.tail.map(|t| (t, u64::MAX));
        for (a, b) in self.ranges.iter().copied().chain(tail) {
            let from = a.saturating_mul(zone);
            if from >= size {
                break;
            }
            out.push((from, b.saturating_mul(zone).min(size)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn zones_of_a_write() {
        assert_eq!(zones_of(0, 1, 4096), (0, 1));
        assert_eq!(zones_of(4095, 2, 4096), (0, 2));
        assert_eq!(zones_of(4096, 4096, 4096), (1, 2));
        assert_eq!(zones_of(10, 0, 4096), (0, 0));
        assert_eq!(zones_of(u64::MAX - 1, 10, 4096).1, u64::MAX / 4096 + 1);
    }

    #[test]
    fn neighbours_merge_and_the_tail_absorbs() {
        let mut z = ZoneSet::default();
        z.mark(1, 2);
        z.mark(3, 4);
        z.mark(2, 3);
        assert_eq!(z.ranges(), &[(1, 4)]);
        z.mark(10, 12);
        z.mark_from(11);
        assert_eq!((z.ranges(), z.tail()), (&[(1, 4)][..], Some(10)));
        z.mark(20, 30);
        assert_eq!(z.ranges(), &[(1, 4)]);
        assert_eq!(z.byte_ranges(45, 4), vec![(4, 16), (40, 45)]);
        assert_eq!(z.byte_ranges(10, 4), vec![(4, 10)]);
    }

    #[test]
    fn a_file_written_all_over_keeps_a_bounded_number_of_ranges_covering_every_write() {
        let mut z = ZoneSet::default();
        let writes: Vec<u64> = (0..(MAX_RANGES as u64 + 10)).map(|i| i * 3).collect();
        for &w in &writes {
            z.mark(w, w + 1);
        }
        assert!(z.ranges().len() <= MAX_RANGES);
        assert!(writes.iter().all(|&w| z.contains(w)));
        assert!(ZoneSet::from_parts(z.ranges().to_vec(), z.tail()).is_some());
    }

    #[test]
    fn coarsening_only_adds_zones() {
        let mut z = ZoneSet::default();
        for w in [0, 2, 10, 11, 40, 100] {
            z.mark(w, w + 1);
        }
        let before: Vec<u64> = (0..200).filter(|&n| z.contains(n)).collect();
        z.coarsen(2);
        assert!(z.ranges().len() <= 2);
        assert!(before.iter().all(|&n| z.contains(n)));
    }

    #[derive(Debug, Clone)]
    enum Mark {
        Range(u64, u64),
        From(u64),
    }

    fn marks() -> impl Strategy<Value = Vec<Mark>> {
        prop::collection::vec(
            prop_oneof![
                (0u64..200, 0u64..20).prop_map(|(a, n)| Mark::Range(a, a + n)),
                (0u64..220).prop_map(Mark::From),
            ],
            0..40,
        )
    }

    proptest! {
        /// Against a naive set of zone numbers: the same zones are marked, in the canonical form,
        /// and the byte ranges cover exactly the marked zones' bytes below the size.
        #[test]
        fn marking_matches_a_naive_set(ms in marks(), size in 0u64..1000) {
            const LIMIT: u64 = 300;
            let mut z = ZoneSet::default();
            let mut naive = BTreeSet::new();
            for m in &ms {
                match *m {
                    Mark::Range(a, b) => { z.mark(a, b); naive.extend(a..b); }
                    Mark::From(a) => { z.mark_from(a); naive.extend(a..LIMIT); }
                }
            }
            for n in 0..LIMIT {
                prop_assert_eq!(z.contains(n), naive.contains(&n), "zone {}", n);
            }
            prop_assert!(ZoneSet::from_parts(z.ranges().to_vec(), z.tail()).is_some());
            let zone = 4;
            let mut bytes = BTreeSet::new();
            for (a, b) in z.byte_ranges(size, zone) {
                prop_assert!(a < b && b <= size);
                bytes.extend(a..b);
            }
            let want: BTreeSet<u64> = (0..size).filter(|b| naive.contains(&(b / zone))).collect();
            prop_assert_eq!(bytes, want);
        }

        /// Marking is order-independent: the same marks in reverse give the same set.
        #[test]
        fn merging_does_not_depend_on_order(ms in marks()) {
            let apply = |ms: &mut dyn Iterator<Item = &Mark>| {
                let mut z = ZoneSet::default();
                for m in ms {
                    match *m { Mark::Range(a, b) => z.mark(a, b), Mark::From(a) => z.mark_from(a) }
                }
                z
            };
            prop_assert_eq!(apply(&mut ms.iter()), apply(&mut ms.iter().rev()));
        }
    }
}
