//! How many buckets each eligible node gets: the Sainte-Laguë (Webster) divisor method.
//!
//! Every node `n` contributes the items `(n, k)` for `k = 0, 1, 2, …` with priority
//! `power(n) / (k + 0.5)`. The [`BUCKET_COUNT`] items of highest priority are selected and a
//! node's quota is the number of its items among them. Equal priorities are ordered by node id
//! ascending. Because that order is a fixed total order on items, removing a node can only move
//! other items up the ranking (survivors' quotas never shrink) and adding one can only move them
//! down (others' quotas never grow): the population monotonicity the placement relies on.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::BUCKET_COUNT;

/// The next not-yet-selected item of one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Item {
    power: u64,
    /// `2k + 1`: comparing `power / (2k + 1)` orders items exactly like `power / (k + 0.5)`.
    odd_divisor: u64,
    /// Position of the node in id-ascending order; a smaller rank wins ties.
    rank: usize,
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // a/b vs c/d with positive divisors <=> a*d vs c*b; u32 power * 511 fits easily in u64.
        (self.power * other.odd_divisor)
            .cmp(&(other.power * self.odd_divisor))
            .then_with(|| other.rank.cmp(&self.rank))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Quotas for nodes given as powers in id-ascending order; every power must be positive.
///
/// Returns one count per input, summing to [`BUCKET_COUNT`] (or all zeros for no input).
pub(crate) fn webster_quotas(powers_in_id_order: &[u32]) -> Vec<usize> {
    let mut quotas = vec![0usize; powers_in_id_order.len()];
    let mut heap: BinaryHeap<Item> = powers_in_id_order
        .iter()
        .enumerate()
        .map(|(rank, &power)| Item {
            power: u64::from(power),
            odd_divisor: 1,
            rank,
        })
        .collect();
    for _ in 0..BUCKET_COUNT {
        let Some(best) = heap.pop() else { break };
        quotas[best.rank] += 1;
        heap.push(Item {
            odd_divisor: best.odd_divisor + 2,
            ..best
        });
    }
    quotas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_powers_split_as_evenly_as_possible_with_extra_buckets_to_lower_ids() {
        assert_eq!(webster_quotas(&[5, 5]), vec![128, 128]);
        assert_eq!(webster_quotas(&[7, 7, 7]), vec![86, 85, 85]);
        assert_eq!(webster_quotas(&[1; 5]), vec![52, 51, 51, 51, 51]);
    }

    #[test]
    fn proportional_powers_get_proportional_quotas() {
        assert_eq!(webster_quotas(&[3, 1]), vec![192, 64]);
        assert_eq!(webster_quotas(&[2, 1, 1]), vec![128, 64, 64]);
    }

    #[test]
    fn more_nodes_than_buckets_leaves_the_highest_ids_without_buckets() {
        let quotas = webster_quotas(&[1; 300]);
        assert!(quotas[..256].iter().all(|&q| q == 1));
        assert!(quotas[256..].iter().all(|&q| q == 0));
    }

    #[test]
    fn a_weak_node_can_rank_below_the_256th_item_and_get_nothing() {
        // 100 is above 6300 / 64, so the node is eligible, but its first item (100 / 0.5 = 200)
        // ranks below 31 items of each of nine 6300-power nodes.
        let mut powers = vec![6300; 9];
        powers.push(100);
        assert_eq!(webster_quotas(&powers)[9], 0);
    }

    #[test]
    fn no_nodes_means_no_quotas() {
        assert!(webster_quotas(&[]).is_empty());
    }
}
