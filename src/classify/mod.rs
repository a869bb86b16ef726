//! The classification engine (domain.md §2): pure functions from a site and its live state
//! to tiers, findings, single points of failure and redundancy labels.

pub mod report;

pub use report::*;
