//! Node.js binding for keel's native crates. It only converts values and maps errors: every
//! rule lives in the pure crates, and the hand-written TypeScript facade (`libs/native`) is the
//! only intended caller.
//!
//! Errors are thrown as plain JS `Error`s whose `code` property is a stable string:
//! the [`keel_buckets::BucketError::code`] of a refused input, or `BAD_POWER` for a power
//! that is not an integer in `0..=4294967295`; for virtual IPs ([`vip`]), the
//! [`keel_vip::VipError::code`], or `BAD_TIMEOUT` for a timeout that is not a number of
//! milliseconds.

pub mod vip;

use keel_buckets::{BucketError, Node};
use napi::Error;
use napi_derive::napi;

/// Stable error code carried to JS as the thrown error's `code` property.
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

type Result<T> = napi::Result<T, Code>;

fn bucket_error(err: BucketError) -> Error<Code> {
    Error::new(Code(err.code()), err.to_string())
}

/// Number of buckets of a farm module.
#[napi]
pub const BUCKET_COUNT: u32 = keel_buckets::BUCKET_COUNT as u32;

/// An active farm node and its relative power (an integer, 0 = never owns buckets).
#[napi(object)]
pub struct BucketNode {
    pub id: String,
    pub power: f64,
}

fn to_power(node: &BucketNode) -> Result<u32> {
    let p = node.power;
    if p.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&p) {
        Ok(p as u32)
    } else {
        Err(Error::new(
            Code("BAD_POWER"),
            format!(
                "power of node {:?} must be an integer in 0..={}, got {p}",
                node.id,
                u32::MAX
            ),
        ))
    }
}

/// Owner of each of the 256 buckets (null only when no node is eligible), keeping as much of
/// `previous` as the new quotas allow.
#[napi]
pub fn allocate_buckets(
    nodes: Vec<BucketNode>,
    previous: Option<Vec<Option<String>>>,
) -> Result<Vec<Option<String>>> {
    let nodes = nodes
        .iter()
        .map(|n| Ok(Node::new(n.id.clone(), to_power(n)?)))
        .collect::<Result<Vec<Node>>>()?;
    keel_buckets::allocate(&nodes, previous.as_deref()).map_err(bucket_error)
}

/// SafeKit-style bitmap of the buckets `node` owns in `owners` (8 colon-separated hex words).
#[napi]
pub fn bucket_bitmap(owners: Vec<Option<String>>, node: String) -> Result<String> {
    keel_buckets::bitmap(&owners, &node).map_err(bucket_error)
}
