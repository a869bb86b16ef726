//! `POST /v1/ops` (and `/agents/{agent}/v1/ops` on the simulator): an operation the console
//! cleared, sent to the agent that owns its target. Headers: `Authorization: Bearer TOKEN`
//! (an `operate` token) and `If-Match: ETAG` (the snapshot version the plan was computed
//! on). Documented in docs/operations.md.

use serde::{Deserialize, Serialize};

use crate::ops::{Acknowledged, Operation, Verdict};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpRequest {
    pub operation: Operation,
    /// The console's verdict, recorded, never trusted: the simulator judges the whole site
    /// again; a real agent checks what its own sources show (docs/operations.md, "What the
    /// agent judges again").
    pub verdict: Verdict,
    #[serde(default)]
    pub acknowledged: Acknowledged,
}

/// The answer to an operation, success or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpReply {
    /// `done`, `stale_state`, `unauthorised`, `read_only`, `refused`, `not_owned`,
    /// `not_applicable`, `bad_request`, `unavailable`, `driver_failed` (the source refused;
    /// nothing changed), `unknown` (no answer from the source in time).
    pub outcome: String,
    pub operation: String,
    /// Who the token says carried it out.
    #[serde(default)]
    pub by: Option<String>,
    /// The agent's snapshot version after the operation.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub detail: String,
    /// True when this is the stored answer to an earlier request with the same key.
    #[serde(default)]
    pub replayed: bool,
}
