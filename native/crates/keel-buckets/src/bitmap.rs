//! The SafeKit-style diagnostic rendering of one node's bucket set.
//!
//! Format: 8 groups of 8 lowercase hex digits separated by `:`, e.g.
//! `00000000:00000000:00000000:00000000:ffffffff:ffffffff:ffffffff:ffffffff`.
//!
//! Bit order: group `g` (0 = leftmost) is the 32-bit word covering buckets `32g ..= 32g + 31`;
//! bucket `32g + i` is bit `i` of that word (value `1 << i`, so the least significant bit is
//! the lowest bucket). Each word is printed most significant digit first, as a number would be.
//! Reading a group right to left therefore walks its buckets upwards.

use crate::{BucketError, BUCKET_COUNT};

const WORDS: usize = BUCKET_COUNT / 32;

/// Renders the buckets owned by `node` in an owner table (one entry per bucket).
///
/// A node that owns nothing (including one absent from the table) renders as all zeros.
pub fn bitmap(owners: &[Option<String>], node: &str) -> Result<String, BucketError> {
    if owners.len() != BUCKET_COUNT {
        return Err(BucketError::BadOwnersLength { len: owners.len() });
    }
    if node.is_empty() {
        return Err(BucketError::EmptyId);
    }
    let owned = owners
        .iter()
        .enumerate()
        .filter(|(_, owner)| owner.as_deref() == Some(node))
        .map(|(bucket, _)| bucket);
    Ok(render(owned))
}

/// Renders an arbitrary set of bucket indices; indices must be below [`BUCKET_COUNT`].
pub(crate) fn render(buckets: impl IntoIterator<Item = usize>) -> String {
    let mut words = [0u32; WORDS];
    for bucket in buckets {
        words[bucket / 32] |= 1 << (bucket % 32);
    }
    words
        .iter()
        .map(|w| format!("{w:08x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(owner_of: impl Fn(usize) -> Option<&'static str>) -> Vec<Option<String>> {
        (0..BUCKET_COUNT).map(|b| owner_of(b).map(String::from)).collect()
    }

    #[test]
    fn upper_half_owner_lights_the_last_four_groups() {
        let owners = table(|b| Some(if b < 128 { "a" } else { "b" }));
        assert_eq!(
            bitmap(&owners, "b").unwrap(),
            "00000000:00000000:00000000:00000000:ffffffff:ffffffff:ffffffff:ffffffff"
        );
        assert_eq!(
            bitmap(&owners, "a").unwrap(),
            "ffffffff:ffffffff:ffffffff:ffffffff:00000000:00000000:00000000:00000000"
        );
    }

    #[test]
    fn lowest_bucket_of_a_group_is_its_least_significant_bit() {
        assert_eq!(
            render([0]),
            "00000001:00000000:00000000:00000000:00000000:00000000:00000000:00000000"
        );
        assert_eq!(
            render([31]),
            "80000000:00000000:00000000:00000000:00000000:00000000:00000000:00000000"
        );
        assert_eq!(
            render([32, 36]),
            "00000000:00000011:00000000:00000000:00000000:00000000:00000000:00000000"
        );
        assert_eq!(
            render([255]),
            "00000000:00000000:00000000:00000000:00000000:00000000:00000000:80000000"
        );
    }

    #[test]
    fn unknown_node_renders_all_zeros() {
        let owners = table(|_| Some("a"));
        assert_eq!(bitmap(&owners, "zz").unwrap(), ["00000000"; 8].join(":"));
    }

    #[test]
    fn unowned_buckets_are_zero_bits() {
        let owners = table(|b| (b % 2 == 0).then_some("a"));
        assert_eq!(bitmap(&owners, "a").unwrap(), ["55555555"; 8].join(":"));
    }

    #[test]
    fn wrong_table_length_and_empty_node_are_rejected() {
        assert_eq!(bitmap(&[], "a"), Err(BucketError::BadOwnersLength { len: 0 }));
        assert_eq!(bitmap(&table(|_| None), ""), Err(BucketError::EmptyId));
    }
}
