//! Farm load-balancing bucket allocation for keel.
//!
//! Client traffic of a farm module is hashed into [`BUCKET_COUNT`] buckets; each bucket is
//! served by exactly one node. This crate decides which node owns which bucket, from the active
//! nodes and their powers (relative capacities) and, optionally, the previous allocation.
//!
//! It is pure: no I/O, no clock, no randomness, no dependencies. Same input, same output,
//! whatever the order of the input nodes.
//!
//! * Eligibility ([`is_eligible`]): power 0 never owns buckets, nor does a node whose power
//!   times [`POWER_RATIO_LIMIT`] does not exceed the highest active power.
//! * Quotas ([`quotas`]): Sainte-Laguë/Webster divisor method over the eligible nodes, ties
//!   broken by node id ascending.
//! * Placement ([`allocate`]): each node keeps its lowest-indexed previous buckets up to its
//!   quota; the rest go, in ascending bucket order, to nodes still under quota in id order.
//!
//! Consequences (checked by the property tests): when a node leaves and the set of eligible
//! survivors is unchanged, only the leaver's buckets change owner; when a node joins and no
//! eligible node becomes ineligible, buckets only move to the joiner. See
//! `docs/decisions/0003-bucket-allocation.md` for the rationale and the edge cases.

mod bitmap;
mod eligibility;
mod error;
mod placement;
mod quota;

use std::collections::BTreeMap;

pub use bitmap::bitmap;
pub use eligibility::{is_eligible, POWER_RATIO_LIMIT};
pub use error::BucketError;

/// Number of buckets of a farm module; fixed by the wire format of the bucket bitmap.
pub const BUCKET_COUNT: usize = 256;

/// An active node of the farm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Node {
    pub id: String,
    /// Relative capacity; 0 means "never give this node a bucket".
    pub power: u32,
}

impl Node {
    pub fn new(id: impl Into<String>, power: u32) -> Self {
        Node { id: id.into(), power }
    }
}

/// The owner of every bucket, indexed by bucket number; `None` only when no node is eligible.
pub type Owners = Vec<Option<String>>;

/// Computes the owner of each of the [`BUCKET_COUNT`] buckets.
///
/// `previous`, when given, must hold one entry per bucket; its owners need not be active (a
/// node that left simply releases its buckets).
pub fn allocate(nodes: &[Node], previous: Option<&[Option<String>]>) -> Result<Owners, BucketError> {
    let sorted = sorted_by_id(nodes)?;
    if let Some(previous) = previous {
        if previous.len() != BUCKET_COUNT {
            return Err(BucketError::BadPreviousLength { len: previous.len() });
        }
    }

    let eligible = eligible_in_id_order(&sorted);
    let powers: Vec<u32> = eligible.iter().map(|n| n.power).collect();
    let quotas = quota::webster_quotas(&powers);

    let mut previous_positions = [None; BUCKET_COUNT];
    if let Some(previous) = previous {
        for (slot, owner) in previous_positions.iter_mut().zip(previous) {
            *slot = owner
                .as_deref()
                .and_then(|id| eligible.binary_search_by(|n| n.id.as_str().cmp(id)).ok());
        }
    }

    let owners = placement::place(&quotas, &previous_positions);
    Ok(owners.iter().map(|o| o.map(|i| eligible[i].id.clone())).collect())
}

/// The bucket count of every node (0 for ineligible ones), keyed by node id.
pub fn quotas(nodes: &[Node]) -> Result<BTreeMap<String, usize>, BucketError> {
    let sorted = sorted_by_id(nodes)?;
    let eligible = eligible_in_id_order(&sorted);
    let powers: Vec<u32> = eligible.iter().map(|n| n.power).collect();
    let mut result: BTreeMap<String, usize> = sorted.iter().map(|n| (n.id.clone(), 0)).collect();
    for (node, quota) in eligible.iter().zip(quota::webster_quotas(&powers)) {
        result.insert(node.id.clone(), quota);
    }
    Ok(result)
}

/// Validates ids and sorts by id, so that results never depend on the caller's node order.
/// Errors are deterministic too: the smallest offending id is reported.
fn sorted_by_id(nodes: &[Node]) -> Result<Vec<&Node>, BucketError> {
    let mut sorted: Vec<&Node> = nodes.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    if sorted.first().is_some_and(|n| n.id.is_empty()) {
        return Err(BucketError::EmptyId);
    }
    if let Some(pair) = sorted.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(BucketError::DuplicateNode {
            id: pair[0].id.clone(),
        });
    }
    Ok(sorted)
}

fn eligible_in_id_order<'a>(sorted: &[&'a Node]) -> Vec<&'a Node> {
    let highest = sorted.iter().map(|n| n.power).max().unwrap_or(0);
    sorted
        .iter()
        .copied()
        .filter(|n| is_eligible(n.power, highest))
        .collect()
}
