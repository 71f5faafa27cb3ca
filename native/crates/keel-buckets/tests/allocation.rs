//! Worked examples of the allocation contract, one behaviour per test.

use keel_buckets::{allocate, bitmap, quotas, BucketError, Node, Owners, BUCKET_COUNT};

fn nodes(spec: &[(&str, u32)]) -> Vec<Node> {
    spec.iter().map(|&(id, power)| Node::new(id, power)).collect()
}

fn count(owners: &Owners, id: &str) -> usize {
    owners.iter().filter(|o| o.as_deref() == Some(id)).count()
}

fn changed(before: &Owners, after: &Owners) -> Vec<usize> {
    (0..BUCKET_COUNT).filter(|&b| before[b] != after[b]).collect()
}

#[test]
fn two_equal_nodes_split_128_128_in_contiguous_halves() {
    let owners = allocate(&nodes(&[("b", 10), ("a", 10)]), None).unwrap();
    assert_eq!(owners.len(), BUCKET_COUNT);
    assert_eq!((count(&owners, "a"), count(&owners, "b")), (128, 128));
    assert_eq!(
        bitmap(&owners, "b").unwrap(),
        "00000000:00000000:00000000:00000000:ffffffff:ffffffff:ffffffff:ffffffff"
    );
}

#[test]
fn three_equal_nodes_split_86_85_85_with_the_extra_bucket_to_the_lowest_id() {
    let owners = allocate(&nodes(&[("n2", 1), ("n3", 1), ("n1", 1)]), None).unwrap();
    assert_eq!(
        [count(&owners, "n1"), count(&owners, "n2"), count(&owners, "n3")],
        [86, 85, 85]
    );
}

#[test]
fn powers_are_honoured_proportionally() {
    let q = quotas(&nodes(&[("big", 300), ("small", 100)])).unwrap();
    assert_eq!((q["big"], q["small"]), (192, 64));
}

#[test]
fn power_zero_gets_no_bucket() {
    let owners = allocate(&nodes(&[("a", 5), ("idle", 0)]), None).unwrap();
    assert_eq!((count(&owners, "a"), count(&owners, "idle")), (256, 0));
}

#[test]
fn no_eligible_node_leaves_every_bucket_unowned() {
    assert!(allocate(&[], None).unwrap().iter().all(Option::is_none));
    assert!(allocate(&nodes(&[("a", 0), ("b", 0)]), None)
        .unwrap()
        .iter()
        .all(Option::is_none));
}

#[test]
fn powers_sixty_four_times_apart_give_the_strongest_node_everything() {
    let chain = allocate(&nodes(&[("primary", 64), ("backup", 1)]), None).unwrap();
    assert_eq!(count(&chain, "primary"), 256);
    // Just under the limit the weak node still takes part (256 * 1/64 rounds to 4 buckets).
    let q = quotas(&nodes(&[("primary", 63), ("backup", 1)])).unwrap();
    assert_eq!((q["primary"], q["backup"]), (252, 4));
}

#[test]
fn a_leaving_node_hands_over_only_its_own_buckets() {
    let before = allocate(&nodes(&[("a", 1), ("b", 1), ("c", 1)]), None).unwrap();
    let after = allocate(&nodes(&[("a", 1), ("b", 1)]), Some(&before)).unwrap();
    let moved = changed(&before, &after);
    assert_eq!(moved.len(), 85);
    assert!(moved.iter().all(|&b| before[b].as_deref() == Some("c")));
    assert_eq!((count(&after, "a"), count(&after, "b")), (128, 128));
}

#[test]
fn a_joining_node_only_takes_buckets() {
    let before = allocate(&nodes(&[("a", 1), ("b", 1)]), None).unwrap();
    let after = allocate(&nodes(&[("a", 1), ("b", 1), ("c", 1)]), Some(&before)).unwrap();
    let moved = changed(&before, &after);
    assert_eq!(moved.len(), 85);
    assert!(moved.iter().all(|&b| after[b].as_deref() == Some("c")));
}

#[test]
fn previous_owners_that_are_no_longer_active_are_simply_released() {
    let previous: Owners = (0..BUCKET_COUNT).map(|_| Some("gone".to_string())).collect();
    let after = allocate(&nodes(&[("a", 1)]), Some(&previous)).unwrap();
    assert_eq!(count(&after, "a"), 256);
}

fn with_weak_crowd(mut spec: Vec<Node>, crowd: usize, power: u32) -> Vec<Node> {
    spec.extend((0..crowd).map(|i| Node::new(format!("c{i:02}"), power)));
    spec
}

/// Buckets that `id` owned before and no longer owns.
fn lost_by(before: &Owners, after: &Owners, id: &str) -> usize {
    (0..BUCKET_COUNT)
        .filter(|&b| before[b].as_deref() == Some(id) && after[b].as_deref() != Some(id))
        .count()
}

// Edge case: the unique strongest node leaves and weak nodes cross the 64x threshold. The set of
// eligible survivors grows, so a survivor's quota may shrink and some of its buckets move although
// it did not leave; it still keeps its lowest-indexed ones.
#[test]
fn leaving_strongest_node_can_make_weak_nodes_eligible_and_shrink_a_survivor() {
    let everyone = with_weak_crowd(nodes(&[("a", 6400), ("b", 3000)]), 70, 100);
    let before = allocate(&everyone, None).unwrap();
    assert_eq!(count(&before, "c00"), 0, "100 * 64 does not exceed 6400");
    let after = allocate(&everyone[1..], Some(&before)).unwrap();
    assert_eq!(count(&after, "c00"), 3);
    assert_eq!((count(&before, "b"), count(&after, "b")), (82, 75));
    assert_eq!(lost_by(&before, &after, "b"), 7);
    let b_kept: Vec<usize> = (0..BUCKET_COUNT)
        .filter(|&i| after[i].as_deref() == Some("b"))
        .collect();
    let b_had: Vec<usize> = (0..BUCKET_COUNT)
        .filter(|&i| before[i].as_deref() == Some("b"))
        .collect();
    assert_eq!(b_kept, b_had[..75]);
}

// With few nodes the same leave only grows the survivors, so they keep everything.
#[test]
fn leaving_strongest_node_with_few_weak_nodes_moves_only_its_buckets() {
    let before = allocate(&nodes(&[("a", 1000), ("b", 20), ("c", 10)]), None).unwrap();
    assert_eq!(count(&before, "c"), 0, "10 * 64 does not exceed 1000");
    let after = allocate(&nodes(&[("b", 20), ("c", 10)]), Some(&before)).unwrap();
    assert_eq!((count(&after, "b"), count(&after, "c")), (171, 85));
    assert!(changed(&before, &after)
        .iter()
        .all(|&b| before[b].as_deref() == Some("a")));
}

// Edge case: a joiner pushes weak nodes under the 64x threshold. Their buckets are released and
// the remaining nodes may grow, so buckets move to nodes other than the joiner.
#[test]
fn a_joiner_that_makes_weak_nodes_ineligible_lets_other_nodes_grow_too() {
    let before_nodes = with_weak_crowd(nodes(&[("a", 1000)]), 70, 16);
    let before = allocate(&before_nodes, None).unwrap();
    let mut after_nodes = before_nodes.clone();
    after_nodes.push(Node::new("z", 1024));
    let after = allocate(&after_nodes, Some(&before)).unwrap();
    assert_eq!(count(&after, "c00"), 0, "16 * 64 does not exceed 1024");
    assert_eq!((count(&before, "a"), count(&after, "a")), (116, 126));
    assert_eq!(lost_by(&before, &after, "a"), 0);
    assert_eq!(count(&after, "z"), 130);
    let to_a = changed(&before, &after)
        .into_iter()
        .filter(|&b| after[b].as_deref() == Some("a"))
        .count();
    assert_eq!(to_a, 10, "a grows by taking released buckets of the weak nodes");
}

// Edge case: a very strong joiner makes everyone else ineligible ("chain HA" again).
#[test]
fn a_joiner_sixty_four_times_stronger_takes_every_bucket() {
    let before = allocate(&nodes(&[("a", 100), ("b", 50)]), None).unwrap();
    let after = allocate(&nodes(&[("a", 100), ("b", 50), ("z", 6400)]), Some(&before)).unwrap();
    assert_eq!(count(&after, "z"), 256);
}

#[test]
fn input_node_order_does_not_matter() {
    let forward = nodes(&[("a", 3), ("b", 7), ("c", 7), ("d", 1)]);
    let mut backward = forward.clone();
    backward.reverse();
    assert_eq!(
        allocate(&forward, None).unwrap(),
        allocate(&backward, None).unwrap()
    );
}

#[test]
fn duplicate_ids_are_rejected_with_the_id() {
    let err = allocate(&nodes(&[("a", 1), ("b", 1), ("a", 2)]), None).unwrap_err();
    assert_eq!(err, BucketError::DuplicateNode { id: "a".into() });
    assert_eq!(err.code(), "DUPLICATE_NODE");
}

#[test]
fn empty_ids_are_rejected() {
    let err = allocate(&nodes(&[("a", 1), ("", 1)]), None).unwrap_err();
    assert_eq!(err, BucketError::EmptyId);
    assert_eq!(err.code(), "EMPTY_ID");
}

#[test]
fn a_previous_allocation_of_the_wrong_length_is_rejected() {
    let short: Owners = vec![None; 255];
    let err = allocate(&nodes(&[("a", 1)]), Some(&short)).unwrap_err();
    assert_eq!(err, BucketError::BadPreviousLength { len: 255 });
    assert_eq!(err.code(), "BAD_PREVIOUS");
}
