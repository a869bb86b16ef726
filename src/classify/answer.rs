//! A remembered scenario answer, the key it is remembered by, and the stretches of nodes
//! (`span`) that let the rebase pass over answers a change cannot reach.
#![allow(
    clippy::indexing_slicing,
    reason = "component indices come from the SubNet the answers were worked out on"
)]

use std::collections::HashMap;

use super::{Outcome, SubNet};

/// Scenario answers by removed set (sorted).
pub(super) type Memo = HashMap<Vec<usize>, Answer, foldhash::fast::FixedState>;

/// Findings' outcomes by removed set (sorted), each with the components it touched.
pub(super) type Outcomes = HashMap<Vec<usize>, (Outcome, Vec<usize>), foldhash::fast::FixedState>;

/// A remembered scenario answer and what it was decided from: for a served one, the
/// (component, node) pairs whose arcs the decision read; for a failed one, the nodes beyond
/// the cut that stopped it (sorted); `None` when it was decided by a run from zero. A change
/// of state elsewhere leaves it valid (see `rebase`).
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub ok: bool,
    pub reads: Option<Vec<(usize, usize)>>,
    /// For a served answer, its proof: the (component, forward arc) pairs whose flow the
    /// scenario's trials moved off the baseline, and the arcs of the elements it touched
    /// (which it closes). While none of them changes flow or loses capacity, the new
    /// baseline plus the same moves still serves (see `rebase`). Each is `moved_key(c, arc)`.
    pub moved: Vec<u64>,
    /// Which of 128 stretches of the nodes the reads fall in (`span_bit`): an answer none
    /// of whose stretches holds a changed node is kept without going through its reads.
    /// Worked out at the first change that looks (`span`), not by the full run.
    span: Option<u128>,
}

impl Answer {
    pub fn new(ok: bool, reads: Option<Vec<(usize, usize)>>, moved: Vec<u64>) -> Self {
        Answer {
            ok,
            reads,
            moved,
            span: None,
        }
    }

    pub fn span(&mut self, net: &SubNet) -> u128 {
        let reads = &self.reads;
        *self.span.get_or_insert_with(|| {
            let Some(r) = reads else {
                return u128::MAX;
            };
            let mut span = 0u128;
            let mut last = (usize::MAX, 0);
            for &(c, v) in r {
                if c != last.0 {
                    last = (c, span_shift(net, c));
                }
                span |= span_bit_at(last.1, c, v);
            }
            span
        })
    }
}

/// A removed set as the memo keys it: sorted, each element once.
pub(super) fn set_key(removed: &[usize]) -> Vec<usize> {
    let mut key = removed.to_vec();
    key.sort_unstable();
    key.dedup();
    key
}

/// An arc of component `c` as `Answer::moved` holds it.
pub(super) fn moved_key(c: usize, arc: usize) -> u64 {
    ((c as u64) << 32) | arc as u64
}

/// The bit of node `v` of component `c` in an answer's `span`: a component's nodes are cut
/// into 128 stretches of consecutive numbers, so the nodes of one hall share a few bits and
/// a change in another hall does not reach them.
pub(super) fn span_bit(net: &SubNet, c: usize, v: usize) -> u128 {
    span_bit_at(span_shift(net, c), c, v)
}

/// `span_bit` with the component's shift (`span_shift`) worked out once.
pub(super) fn span_bit_at(shift: u32, c: usize, v: usize) -> u128 {
    1u128 << (((v >> shift) + c.wrapping_mul(37)) % 128)
}

/// How far to shift a node number of component `c` to get its stretch (a power of two, so
/// the fold over thousands of reads costs a shift each, not a division).
pub(super) fn span_shift(net: &SubNet, c: usize) -> u32 {
    let nodes = net.comps[c].group_node(net.comps[c].groups.len());
    (nodes.div_ceil(128).max(1))
        .next_power_of_two()
        .trailing_zeros()
}
