//! Property tests of the allocation invariants over random node sets and join/leave sequences.
//!
//! Expected quotas come from `reference_quotas`, a deliberately naive Sainte-Laguë (rank every
//! item, take the top 256) that shares no code with the crate's heap-based implementation.

use std::collections::{BTreeMap, BTreeSet};

use keel_buckets::{allocate, Node, Owners, BUCKET_COUNT};
use proptest::prelude::*;

// ---- oracles -------------------------------------------------------------------------------

fn eligible_ids(nodes: &[Node]) -> BTreeSet<String> {
    let highest = nodes.iter().map(|n| u64::from(n.power)).max().unwrap_or(0);
    nodes
        .iter()
        .filter(|n| n.power > 0 && u64::from(n.power) * 64 > highest)
        .map(|n| n.id.clone())
        .collect()
}

fn reference_quotas(nodes: &[Node]) -> BTreeMap<String, usize> {
    let eligible = eligible_ids(nodes);
    let mut items: Vec<(&Node, u64)> = nodes
        .iter()
        .filter(|n| eligible.contains(&n.id))
        .flat_map(|n| (0..BUCKET_COUNT as u64).map(move |k| (n, k)))
        .collect();
    // power/(k+1/2) descending, exact via cross-multiplication; then id ascending.
    items.sort_by(|(a, ka), (b, kb)| {
        (u128::from(b.power) * u128::from(2 * ka + 1))
            .cmp(&(u128::from(a.power) * u128::from(2 * kb + 1)))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut quotas: BTreeMap<String, usize> = nodes.iter().map(|n| (n.id.clone(), 0)).collect();
    for (node, _) in items.into_iter().take(BUCKET_COUNT) {
        *quotas.get_mut(&node.id).unwrap() += 1;
    }
    quotas
}

fn counts(owners: &Owners) -> BTreeMap<String, usize> {
    let mut c = BTreeMap::new();
    for id in owners.iter().flatten() {
        *c.entry(id.clone()).or_insert(0) += 1;
    }
    c
}

fn check_invariants(nodes: &[Node], owners: &Owners) -> Result<(), TestCaseError> {
    prop_assert_eq!(owners.len(), BUCKET_COUNT);
    let eligible = eligible_ids(nodes);
    if eligible.is_empty() {
        prop_assert!(owners.iter().all(Option::is_none));
        return Ok(());
    }
    for owner in owners {
        let owner = owner
            .as_ref()
            .ok_or_else(|| TestCaseError::fail("unowned bucket"))?;
        prop_assert!(
            eligible.contains(owner),
            "{} owns a bucket but is not eligible",
            owner
        );
    }
    let expected: BTreeMap<String, usize> = reference_quotas(nodes)
        .into_iter()
        .filter(|(_, q)| *q > 0)
        .collect();
    prop_assert_eq!(counts(owners), expected);
    Ok(())
}

// ---- strategies ----------------------------------------------------------------------------

/// Powers that cluster at 0, at small values, near 1000 and at multiples of 64 (paired with
/// the small ones they sit exactly on the 64x boundary), so eligibility often matters.
fn wide_power() -> impl Strategy<Value = u32> {
    prop_oneof![
        0..=1000u32,
        0..=20u32,
        950..=1000u32,
        Just(0u32),
        (1..=15u32).prop_map(|p| p * 64)
    ]
}

/// Powers never 64x apart and never 0: eligibility cannot change, whatever joins or leaves.
fn narrow_power() -> impl Strategy<Value = u32> {
    16..=1000u32
}

fn node_set(power: impl Strategy<Value = u32>, max: usize) -> impl Strategy<Value = Vec<Node>> {
    prop::collection::btree_map("[a-f][0-9]{0,2}", power, 0..max)
        .prop_map(|m| m.into_iter().map(|(id, p)| Node::new(id, p)).collect::<Vec<_>>())
        .prop_shuffle()
}

#[derive(Debug, Clone)]
enum Step {
    Join(u32),
    Leave(prop::sample::Index),
}

fn steps(power: impl Strategy<Value = u32>) -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            power.prop_map(Step::Join),
            any::<prop::sample::Index>().prop_map(Step::Leave)
        ],
        1..24,
    )
}

/// Replays `steps` from `initial`, checking invariants and movement after every step.
/// `eligibility_fixed` asserts that no step may change which survivors are eligible.
fn replay(initial: Vec<Node>, steps: Vec<Step>, eligibility_fixed: bool) -> Result<(), TestCaseError> {
    let mut nodes = initial;
    let mut owners = allocate(&nodes, None).unwrap();
    check_invariants(&nodes, &owners)?;
    for (i, step) in steps.into_iter().enumerate() {
        let before_eligible = eligible_ids(&nodes);
        let (next, changed_node) = match step {
            Step::Join(power) => {
                let mut next = nodes.clone();
                next.push(Node::new(format!("join{i}"), power));
                (next, format!("join{i}"))
            }
            Step::Leave(_) if nodes.is_empty() => continue,
            Step::Leave(index) => {
                let mut next = nodes.clone();
                let gone = next.remove(index.index(next.len()));
                (next, gone.id)
            }
        };
        let next_owners = allocate(&next, Some(&owners)).unwrap();
        check_invariants(&next, &next_owners)?;

        let after_eligible = eligible_ids(&next);
        let joined = next.len() > nodes.len();
        let unchanged_survivors = if joined {
            before_eligible.iter().all(|id| after_eligible.contains(id))
        } else {
            let mut survivors = before_eligible.clone();
            survivors.remove(&changed_node);
            survivors == after_eligible
        };
        if eligibility_fixed {
            prop_assert!(unchanged_survivors, "narrow powers must never change eligibility");
        }
        if unchanged_survivors {
            for b in 0..BUCKET_COUNT {
                if owners[b] == next_owners[b] {
                    continue;
                }
                if joined {
                    prop_assert_eq!(
                        next_owners[b].as_deref(),
                        Some(changed_node.as_str()),
                        "bucket {} moved, not to the joiner",
                        b
                    );
                } else {
                    prop_assert_eq!(
                        owners[b].as_deref(),
                        Some(changed_node.as_str()),
                        "bucket {} moved, not from the leaver",
                        b
                    );
                }
            }
        }
        nodes = next;
        owners = next_owners;
    }
    Ok(())
}

// ---- properties ----------------------------------------------------------------------------

proptest! {
    #[test]
    fn every_bucket_has_one_eligible_owner_and_counts_match_quotas(nodes in node_set(wide_power(), 12)) {
        check_invariants(&nodes, &allocate(&nodes, None).unwrap())?;
    }

    #[test]
    fn invariants_hold_from_any_previous_table_even_a_foreign_one(
        nodes in node_set(wide_power(), 10),
        previous in prop::collection::vec(prop::option::of("[a-f][0-9]{0,2}|zz"), BUCKET_COUNT),
    ) {
        check_invariants(&nodes, &allocate(&nodes, Some(&previous)).unwrap())?;
    }

    #[test]
    fn each_node_keeps_its_lowest_previous_buckets_up_to_its_quota(
        nodes in node_set(wide_power(), 10),
        previous in prop::collection::vec(prop::option::of("[a-f][0-9]{0,2}"), BUCKET_COUNT),
    ) {
        let owners = allocate(&nodes, Some(&previous)).unwrap();
        let quotas = reference_quotas(&nodes);
        for node in &nodes {
            let had: Vec<usize> = (0..BUCKET_COUNT).filter(|&b| previous[b].as_deref() == Some(node.id.as_str())).collect();
            let kept: Vec<usize> = had.iter().copied().filter(|&b| owners[b].as_deref() == Some(node.id.as_str())).collect();
            let expected = had.len().min(quotas[&node.id]);
            prop_assert_eq!(&kept[..], &had[..expected]);
        }
    }

    #[test]
    fn equal_powers_give_counts_within_one(n in 1usize..=40, power in 1u32..=1000) {
        let nodes: Vec<Node> = (0..n).map(|i| Node::new(format!("n{i:02}"), power)).collect();
        let c = counts(&allocate(&nodes, None).unwrap());
        prop_assert_eq!(c.len(), n);
        let (lo, hi) = (c.values().min().unwrap(), c.values().max().unwrap());
        prop_assert!(hi - lo <= 1);
    }

    #[test]
    fn output_does_not_depend_on_input_order(
        nodes in node_set(wide_power(), 10),
        seed in any::<prop::sample::Index>(),
        previous in prop::collection::vec(prop::option::of("[a-f][0-9]{0,2}"), BUCKET_COUNT),
    ) {
        let mut rotated = nodes.clone();
        if !rotated.is_empty() {
            let k = seed.index(rotated.len());
            rotated.rotate_left(k);
        }
        rotated.reverse();
        prop_assert_eq!(allocate(&nodes, None).unwrap(), allocate(&rotated, None).unwrap());
        prop_assert_eq!(allocate(&nodes, Some(&previous)).unwrap(), allocate(&rotated, Some(&previous)).unwrap());
    }

    #[test]
    fn joins_and_leaves_move_only_the_changed_nodes_buckets(
        initial in node_set(narrow_power(), 8),
        steps in steps(narrow_power()),
    ) {
        replay(initial, steps, true)?;
    }

    #[test]
    fn joins_and_leaves_with_big_spreads_are_stable_whenever_eligibility_is_unchanged(
        initial in node_set(wide_power(), 8),
        steps in steps(wide_power()),
    ) {
        replay(initial, steps, false)?;
    }
}
