//! What can be done to a simulated site: one [`Action`] enum shared by the fault API
//! (`POST /v1/sim/faults`, JSON tagged by `action`) and the scenario timeline (RON, where
//! the variant name is the tag: `fail(target: "G-1")`). One enum means a scenario can do
//! exactly what a trainer can do by hand, and both are checked by the same code.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::MemberState;

/// One change to the simulated site or to the way an agent answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Element or tank `target` fails.
    Fail { target: String },
    /// Element or tank `target` is back to `ok`.
    Repair { target: String },
    /// Element or tank `target` is taken out for maintenance.
    Maintenance { target: String },
    /// Element `target` goes on bypass (a UPS on static bypass).
    Bypass { target: String },
    /// UPS `target` carries its load from the battery; `runtime_min` is the runtime left
    /// now (default: what the live state says, else 15 minutes).
    OnBattery {
        target: String,
        #[serde(default)]
        runtime_min: Option<f64>,
    },
    /// The agent can no longer read element or tank `target`.
    Unknown { target: String },
    /// IT-group member or component `target` (a drive, a bond port, a node...) changes state.
    Member { target: String, state: MemberState },
    /// Agent `agent` answers every request `delay_ms` late.
    Slow { agent: String, delay_ms: u64 },
    /// Agent `agent` answers its snapshot with bytes that are not JSON.
    Garbage { agent: String },
    /// Agent `agent` answers with the first half of a valid snapshot.
    Truncated { agent: String },
    /// Agent `agent` answers HTTP 500.
    Error { agent: String },
    /// Agent `agent` answers with schema version 99.
    WrongSchema { agent: String },
    /// Agent `agent` answers its snapshot with a body of exactly `bytes` bytes.
    Huge { agent: String, bytes: u64 },
    /// Agent `agent` drops every connection without an answer.
    Down { agent: String },
    /// Agent `agent` answers normally again.
    Clear { agent: String },
}

/// Why a `POST /v1/sim/faults` body is not a fault, in words for its 400 answer.
#[derive(Debug, thiserror::Error)]
pub enum FaultRequestError {
    #[error("body is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    #[error("body must be a JSON object like {{\"action\": \"fail\", \"target\": \"G-1\"}}")]
    NotAnObject,
    #[error("\"action\" must be a string, got {0}")]
    ActionNotAString(String),
    #[error("missing \"action\"")]
    NoAction,
    #[error("{0}")]
    Action(#[source] serde_json::Error),
}

impl Action {
    /// The action's name, as written in JSON (`"action"`) and in RON (the variant).
    pub fn name(&self) -> &'static str {
        match self {
            Action::Fail { .. } => "fail",
            Action::Repair { .. } => "repair",
            Action::Maintenance { .. } => "maintenance",
            Action::Bypass { .. } => "bypass",
            Action::OnBattery { .. } => "on_battery",
            Action::Unknown { .. } => "unknown",
            Action::Member { .. } => "member",
            Action::Slow { .. } => "slow",
            Action::Garbage { .. } => "garbage",
            Action::Truncated { .. } => "truncated",
            Action::Error { .. } => "error",
            Action::WrongSchema { .. } => "wrong_schema",
            Action::Huge { .. } => "huge",
            Action::Down { .. } => "down",
            Action::Clear { .. } => "clear",
        }
    }

    /// Read a fault request body: `{"action": "fail", "target": "G-1"}`.
    ///
    /// The JSON form is tagged by an `action` field while RON names the variant, so the
    /// tag is moved into serde's external form (`{"fail": {"target": "G-1"}}`) and the
    /// same derive reads both. The error says what is wrong, for a 400.
    pub fn from_json(body: &[u8]) -> Result<Action, FaultRequestError> {
        let value: Value = serde_json::from_slice(body).map_err(FaultRequestError::NotJson)?;
        let Value::Object(mut fields) = value else {
            return Err(FaultRequestError::NotAnObject);
        };
        let tag = match fields.remove("action") {
            Some(Value::String(tag)) => tag,
            Some(other) => return Err(FaultRequestError::ActionNotAString(other.to_string())),
            None => return Err(FaultRequestError::NoAction),
        };
        let external = Value::Object([(tag, Value::Object(fields))].into_iter().collect());
        Action::deserialize(external).map_err(FaultRequestError::Action)
    }

    /// Serialize in the JSON form `from_json` reads, for answers and listings.
    pub fn to_json(&self) -> Value {
        let mut fields = match serde_json::to_value(self) {
            Ok(Value::Object(outer)) => outer
                .into_iter()
                .next()
                .and_then(|(_, inner)| match inner {
                    Value::Object(m) => Some(m),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => serde_json::Map::new(),
        };
        fields.insert("action".into(), Value::String(self.name().into()));
        Value::Object(fields)
    }
}

/// How an agent misbehaves, until `clear`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum AgentFault {
    Slow { delay_ms: u64 },
    Garbage,
    Truncated,
    Error,
    WrongSchema,
    Huge { bytes: u64 },
    Down,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultError {
    /// The target or agent is not in the site: HTTP 404.
    #[error("{what} {target:?} is not in site {site}")]
    UnknownTarget {
        what: &'static str,
        target: String,
        site: String,
    },
    /// The target exists but the action makes no sense for it: HTTP 400.
    #[error("{0}")]
    Invalid(String),
}

impl FaultError {
    /// The target or agent the error is about, if any.
    pub fn target(&self) -> Option<&str> {
        match self {
            FaultError::UnknownTarget { target, .. } => Some(target),
            FaultError::Invalid(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_tagged_by_action() {
        let a = Action::from_json(br#"{"action":"member","target":"db3","state":"standby"}"#);
        assert_eq!(
            a.ok(),
            Some(Action::Member {
                target: "db3".into(),
                state: MemberState::Standby
            })
        );
        let a = Action::from_json(br#"{"action":"on_battery","target":"UPS-A2"}"#);
        assert_eq!(
            a.ok(),
            Some(Action::OnBattery {
                target: "UPS-A2".into(),
                runtime_min: None
            })
        );
        let a = Action::from_json(br#"{"action":"huge","agent":"x","bytes":50000000}"#);
        assert_eq!(
            a.as_ref().ok().map(Action::to_json),
            Some(serde_json::json!({"action": "huge", "agent": "x", "bytes": 50000000}))
        );
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        let cases: [(&[u8], &str); 7] = [
            (b"fail G-1", "not JSON"),
            (b"[1]", "JSON object"),
            (br#"{"target":"G-1"}"#, "missing \"action\""),
            (br#"{"action":3}"#, "must be a string"),
            (br#"{"action":"explode","target":"G-1"}"#, "explode"),
            (br#"{"action":"fail"}"#, "target"),
            (br#"{"action":"fail","target":"G-1","when":"now"}"#, "when"),
        ];
        for (body, needle) in cases {
            match Action::from_json(body) {
                Ok(a) => panic!("accepted {a:?}"),
                Err(e) => assert!(e.to_string().contains(needle), "{e} should say {needle}"),
            }
        }
    }
}
