//! The classification engine (docs/tier-rules.md §2): pure functions from a site and its live state
//! to tiers, findings, single points of failure and redundancy labels.

mod engine;
mod explain;
mod flow;
mod graph;
pub mod itgroups;
mod labels;
mod net;
mod now;
pub mod reliability;
pub mod report;
mod scenario;
mod share;
mod storage;
mod supply;
mod tiers;

pub use engine::{Memo, classify, classify_shared, classify_with};
pub use explain::fmt_num;
pub use report::*;
pub use share::carried;
