//! Input errors. Each variant has a stable machine-readable [`BucketError::code`] that the
//! Node.js binding forwards unchanged, so callers can branch on it without parsing messages.

use std::fmt;

/// Why an allocation (or a bitmap rendering) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketError {
    /// A node id was the empty string; ids name owners, so an empty one is unaddressable.
    EmptyId,
    /// The same node id appeared more than once in the active node list.
    DuplicateNode { id: String },
    /// The previous allocation did not hold exactly [`crate::BUCKET_COUNT`] entries.
    BadPreviousLength { len: usize },
    /// An owner table given to [`crate::bitmap`] did not hold exactly [`crate::BUCKET_COUNT`] entries.
    BadOwnersLength { len: usize },
}

impl BucketError {
    /// Stable identifier of the error kind, part of the public contract of the binding.
    pub fn code(&self) -> &'static str {
        match self {
            BucketError::EmptyId => "EMPTY_ID",
            BucketError::DuplicateNode { .. } => "DUPLICATE_NODE",
            BucketError::BadPreviousLength { .. } => "BAD_PREVIOUS",
            BucketError::BadOwnersLength { .. } => "BAD_OWNERS",
        }
    }
}

impl fmt::Display for BucketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BucketError::EmptyId => write!(f, "node id must not be empty"),
            BucketError::DuplicateNode { id } => write!(f, "node id {id:?} appears more than once"),
            BucketError::BadPreviousLength { len } => write!(
                f,
                "previous allocation must have {} entries, got {len}",
                crate::BUCKET_COUNT
            ),
            BucketError::BadOwnersLength { len } => write!(
                f,
                "owner table must have {} entries, got {len}",
                crate::BUCKET_COUNT
            ),
        }
    }
}

impl std::error::Error for BucketError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_so_callers_can_branch_on_them() {
        let all = [
            BucketError::EmptyId,
            BucketError::DuplicateNode { id: "a".into() },
            BucketError::BadPreviousLength { len: 3 },
            BucketError::BadOwnersLength { len: 3 },
        ];
        let mut codes: Vec<&str> = all.iter().map(BucketError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn messages_name_the_offending_value() {
        assert!(BucketError::DuplicateNode { id: "web-1".into() }
            .to_string()
            .contains("\"web-1\""));
        assert!(BucketError::BadPreviousLength { len: 255 }
            .to_string()
            .contains("255"));
        assert!(BucketError::BadOwnersLength { len: 7 }
            .to_string()
            .contains("got 7"));
    }
}
