//! Which nodes may own buckets at all.

/// A node is ineligible when its power times this factor does not exceed the highest power.
///
/// With powers 64 times apart or more the weak node would get at most a handful of buckets,
/// yet its failure would still disturb clients; SafeKit-style "chain HA" gives everything to
/// the strongest node instead.
pub const POWER_RATIO_LIMIT: u64 = 64;

/// Whether a node of `power` may own buckets when `highest` is the highest power among the active nodes.
pub fn is_eligible(power: u32, highest: u32) -> bool {
    power > 0 && u64::from(power) * POWER_RATIO_LIMIT > u64::from(highest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_power_is_never_eligible_even_when_everyone_is_zero() {
        assert!(!is_eligible(0, 0));
        assert!(!is_eligible(0, 10));
    }

    #[test]
    fn the_boundary_is_exclusive_at_exactly_sixty_four_times() {
        assert!(!is_eligible(1, 64));
        assert!(is_eligible(1, 63));
        assert!(is_eligible(2, 127));
        assert!(!is_eligible(2, 128));
    }

    #[test]
    fn extreme_powers_do_not_overflow() {
        assert!(is_eligible(u32::MAX, u32::MAX));
        assert!(!is_eligible(u32::MAX / 64, u32::MAX));
        assert!(is_eligible(u32::MAX / 64 + 1, u32::MAX));
    }
}
