//! Which buckets each node gets, given its quota: keep as much of the previous layout as the
//! quotas allow, then fill the gaps deterministically.

use crate::BUCKET_COUNT;

/// Places buckets for nodes identified by their position in id-ascending order.
///
/// * `quotas[i]` is node `i`'s bucket count; the quotas must sum to [`BUCKET_COUNT`] or be empty.
/// * `previous[b]` is the position of bucket `b`'s previous owner when that owner is one of the
///   nodes, `None` otherwise (unowned, or owned by a node that left or became ineligible).
///
/// Step 1 (stability): walking buckets in ascending index order, a node keeps each of its
/// previous buckets while it is under quota, so it keeps its lowest-indexed ones.
/// Step 2 (fill): the remaining buckets, in ascending index order, go to the nodes still under
/// quota in id-ascending order, each node taking buckets until its quota is met. Without a
/// previous layout this yields contiguous ranges in id order, the canonical layout.
pub(crate) fn place(
    quotas: &[usize],
    previous: &[Option<usize>; BUCKET_COUNT],
) -> [Option<usize>; BUCKET_COUNT] {
    let mut owners = [None; BUCKET_COUNT];
    let mut held = vec![0usize; quotas.len()];

    for (owner, prev) in owners.iter_mut().zip(previous) {
        if let Some(node) = *prev {
            if held[node] < quotas[node] {
                *owner = Some(node);
                held[node] += 1;
            }
        }
    }

    let mut node = 0;
    for owner in owners.iter_mut().filter(|o| o.is_none()) {
        while node < quotas.len() && held[node] >= quotas[node] {
            node += 1;
        }
        if node == quotas.len() {
            break;
        }
        *owner = Some(node);
        held[node] += 1;
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(owners: &[Option<usize>; BUCKET_COUNT], nodes: usize) -> Vec<usize> {
        let mut c = vec![0; nodes];
        for o in owners.iter().flatten() {
            c[*o] += 1;
        }
        c
    }

    #[test]
    fn without_history_nodes_get_contiguous_ranges_in_id_order() {
        let owners = place(&[100, 156], &[None; BUCKET_COUNT]);
        assert!(owners[..100].iter().all(|&o| o == Some(0)));
        assert!(owners[100..].iter().all(|&o| o == Some(1)));
    }

    #[test]
    fn a_shrinking_node_keeps_its_lowest_indexed_buckets() {
        let mut previous = [None; BUCKET_COUNT];
        for (b, p) in previous.iter_mut().enumerate() {
            *p = Some(b % 2);
        }
        let owners = place(&[192, 64], &previous);
        assert_eq!(counts(&owners, 2), vec![192, 64]);
        // Node 1 held the odd buckets; at quota 64 it keeps the 64 lowest odd ones: 1, 3, …, 127.
        let node1: Vec<usize> = (0..BUCKET_COUNT).filter(|&b| owners[b] == Some(1)).collect();
        assert_eq!(node1, (0..64).map(|i| 2 * i + 1).collect::<Vec<_>>());
    }

    #[test]
    fn released_buckets_go_to_nodes_under_quota_in_id_order() {
        let mut previous = [Some(2); BUCKET_COUNT];
        previous[..10].fill(None);
        // Node 2 keeps its 246 lowest buckets (10..=255); 0..10 are free: node 0 gets 4, node 1 gets 6.
        let owners = place(&[4, 6, 246], &previous);
        assert_eq!(&owners[..4], &[Some(0); 4]);
        assert_eq!(&owners[4..10], &[Some(1); 6]);
        assert!(owners[10..].iter().all(|&o| o == Some(2)));
    }

    #[test]
    fn no_nodes_leave_every_bucket_unowned() {
        assert_eq!(place(&[], &[None; BUCKET_COUNT]), [None; BUCKET_COUNT]);
    }
}
