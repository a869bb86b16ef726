//! Reading a snapshot off the wire without letting one bad item spoil the rest.

use serde_json::Value;

use super::envelope::{self, Envelope};
use super::{
    AgentInfo, ElementReport, HostReport, MemberReport, SCHEMA_VERSION, Snapshot, TankReport,
};
use crate::model::text::shown;

/// Why a whole snapshot could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("{source_name}: body is not JSON: {detail}")]
    NotJson { source_name: String, detail: String },
    #[error("{source_name}: snapshot is not a JSON object")]
    NotObject { source_name: String },
    #[error(
        "{source_name}: schema version {found} is not supported (this console reads {SCHEMA_VERSION})"
    )]
    WrongSchema { source_name: String, found: String },
    #[error("{source_name}: {field}: {detail}")]
    BadField {
        source_name: String,
        field: &'static str,
        detail: String,
    },
}

/// One item of a snapshot that could not be read; the others still count.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemError {
    /// `element`, `member`, `tank` or `host`.
    pub kind: &'static str,
    pub index: usize,
    /// The item's id, when it had a readable one.
    pub id: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} {id}: {}", self.kind, self.message),
            None => write!(f, "{} #{}: {}", self.kind, self.index, self.message),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub snapshot: Snapshot,
    pub errors: Vec<ItemError>,
}

/// Decode a `/v1/snapshot` body. `source_name` (the agent's name) is in every error.
pub fn decode_snapshot(body: &[u8], source_name: &str) -> Result<Decoded, DecodeError> {
    // Most bodies are well-formed: read them straight into the types, without building a
    // JSON tree first. Only a body that fails that pays for the item-by-item path.
    if let Ok(snapshot) = serde_json::from_slice::<Snapshot>(body)
        && snapshot.schema_version == SCHEMA_VERSION
    {
        return Ok(Decoded {
            snapshot,
            errors: Vec::new(),
        });
    }
    let name = || source_name.to_string();
    let top: Envelope = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            // well-formed JSON, but not an object at the top
            DecodeError::NotObject {
                source_name: name(),
            }
        } else {
            DecodeError::NotJson {
                source_name: name(),
                detail: envelope::message(&e),
            }
        }
    })?;
    match top.schema_version.as_ref().and_then(Value::as_u64) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        _ => {
            let found = top
                .schema_version
                .as_ref()
                .map_or("missing".to_string(), |v| shown(&v.to_string(), 40));
            return Err(DecodeError::WrongSchema {
                source_name: name(),
                found,
            });
        }
    }
    let agent: AgentInfo = top
        .agent
        .map(AgentInfo::deserialize)
        .transpose()
        .map_err(|e| DecodeError::BadField {
            source_name: name(),
            field: "agent",
            detail: shown(&e.to_string(), 300),
        })?
        .ok_or(DecodeError::BadField {
            source_name: name(),
            field: "agent",
            detail: "missing".into(),
        })?;
    let generated_at =
        top.generated_at
            .as_ref()
            .and_then(Value::as_f64)
            .ok_or(DecodeError::BadField {
                source_name: name(),
                field: "generated_at",
                detail: "missing or not a number".into(),
            })?;
    let mut errors = Vec::new();
    let elements: Vec<ElementReport> = envelope::items(top.elements, "element", &mut errors);
    let members: Vec<MemberReport> = envelope::items(top.members, "member", &mut errors);
    let tanks: Vec<TankReport> = envelope::items(top.tanks, "tank", &mut errors);
    let host: Option<HostReport> = envelope::host(top.host, &mut errors);
    Ok(Decoded {
        snapshot: Snapshot {
            schema_version: SCHEMA_VERSION,
            agent,
            generated_at,
            elements,
            members,
            tanks,
            host,
        },
        errors,
    })
}

use serde::Deserialize;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::limits::MAX_ITEMS;
    use crate::model::ElementState;

    const GOOD: &str = r#"{
        "schema_version": 1,
        "agent": {"id": "ups-gw-a", "version": "0.1.0", "future_field": true},
        "generated_at": 1790000000.5,
        "elements": [
            {"id": "UPS-A1", "state": "ok", "observed_at": 1790000000.0, "flags": ["OL", "CHRG"],
             "metrics": {"load_pct": 41.0, "battery_charge_pct": 100.0}},
            {"id": "UPS-A2", "state": "exploded", "observed_at": 1790000000.0},
            {"state": "ok"},
            {"id": "UPS-A3", "state": "on_battery", "observed_at": 1790000000.0, "metrics": {"runtime_min": 12}}
        ],
        "members": [{"id": "sdc", "state": "rebuilding", "observed_at": 1.0, "rebuild": {"progress": 0.42}}],
        "tanks": "not a list"
    }"#;

    #[test]
    fn a_bad_item_costs_only_itself() {
        let d = decode_snapshot(GOOD.as_bytes(), "ups-gw-a").unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<&str> = d.snapshot.elements.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["UPS-A1", "UPS-A3"]);
        assert_eq!(d.snapshot.elements[1].state, ElementState::OnBattery);
        assert_eq!(d.snapshot.members.len(), 1);
        assert_eq!(d.errors.len(), 3, "{:?}", d.errors);
        assert_eq!(d.errors[0].id.as_deref(), Some("UPS-A2"));
        assert!(d.errors[0].message.contains("exploded"), "{}", d.errors[0]);
        assert_eq!(d.errors[1].id, None);
        assert_eq!(d.errors[1].index, 2);
        assert_eq!(d.errors[2].kind, "tank");
    }

    #[test]
    fn broken_bodies_name_the_agent() {
        let cases: [(&[u8], &str); 7] = [
            (b"", "not JSON"),
            (b"<html>502 Bad Gateway</html>", "not JSON"),
            (br#"{"schema_version": 1, "agent": {"id": "x""#, "not JSON"),
            (b"[1, 2]", "not a JSON object"),
            (br#"{"schema_version": 2, "agent": {"id": "x", "version": "9"}, "generated_at": 1}"#, "schema version 2"),
            (br#"{"agent": {"id": "x", "version": "9"}, "generated_at": 1}"#, "schema version missing"),
            (br#"{"schema_version": 1, "agent": {"id": 5}, "generated_at": 1}"#, "agent"),
        ];
        for (body, needle) in cases {
            let e = match decode_snapshot(body, "cooling-gw") {
                Ok(d) => panic!("accepted {:?}: {d:?}", String::from_utf8_lossy(body)),
                Err(e) => e.to_string(),
            };
            assert!(e.starts_with("cooling-gw: "), "{e}");
            assert!(e.contains(needle), "{e} should say {needle}");
        }
    }

    #[test]
    fn snapshot_round_trips_and_has_a_schema() {
        let d = decode_snapshot(GOOD.as_bytes(), "a").unwrap_or_else(|e| panic!("{e}"));
        let text = serde_json::to_vec(&d.snapshot).unwrap_or_default();
        let again = decode_snapshot(&text, "a").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.snapshot, d.snapshot);
        assert!(again.errors.is_empty());
        let schema = super::super::snapshot_schema();
        assert_eq!(schema["title"], "Snapshot");
        assert!(schema["properties"]["elements"].is_object(), "{schema}");
    }

    /// One element carrying 100,000 metric names (1.6 MB): it alone is refused, with its
    /// id, and the rest of the snapshot is read.
    #[test]
    fn a_metrics_bomb_costs_only_its_element() {
        let mut body = String::from(
            r#"{"schema_version": 1, "agent": {"id": "gw", "version": "1"}, "generated_at": 1,
            "elements": [{"id": "UPS-A1", "state": "ok", "observed_at": 1}, {"id": "BOMB", "state": "ok", "observed_at": 1, "metrics": {"#,
        );
        for i in 0..100_000 {
            body.push_str(&format!("\"m{i}\": {i},"));
        }
        body.push_str(r#""last": 0}}]}"#);
        let started = std::time::Instant::now();
        let d = decode_snapshot(body.as_bytes(), "gw").unwrap_or_else(|e| panic!("{e}"));
        assert!(started.elapsed() < std::time::Duration::from_secs(3));
        assert_eq!(d.snapshot.elements.len(), 1);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].id.as_deref(), Some("BOMB"));
        assert!(
            d.errors[0].message.contains("more than 256 metrics"),
            "{}",
            d.errors[0]
        );
    }

    #[test]
    fn unprintable_text_and_too_many_items_are_item_errors() {
        let body = br#"{"schema_version": 1, "agent": {"id": "gw", "version": "1"}, "generated_at": 1,
            "elements": [{"id": "UPS\u001b[2J", "state": "ok", "observed_at": 1},
                         {"id": "UPS-A1", "state": "ok", "observed_at": 1, "flags": ["OL\u0007"]}]}"#;
        let d = decode_snapshot(body, "gw").unwrap_or_else(|e| panic!("{e}"));
        assert!(d.snapshot.elements.is_empty());
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
        assert_eq!(
            d.errors[0].id.as_deref(),
            Some("UPS\\u{1b}[2J"),
            "escaped for display"
        );
        assert!(
            d.errors[1].message.contains("unprintable"),
            "{}",
            d.errors[1]
        );
        let agent = br#"{"schema_version": 1, "agent": {"id": "g\u0007w", "version": "1"}, "generated_at": 1}"#;
        let e = decode_snapshot(agent, "gw").err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.starts_with("gw: agent: ") && e.contains("unprintable")));

        let mut body = String::from(
            r#"{"schema_version": 1, "agent": {"id": "gw", "version": "1"}, "generated_at": 1, "members": ["#,
        );
        for i in 0..=MAX_ITEMS {
            body.push_str(&format!(
                r#"{{"id": "m{i}", "state": "ok", "observed_at": 1}},"#
            ));
        }
        body.pop();
        body.push_str("]}");
        let d = decode_snapshot(body.as_bytes(), "gw").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.snapshot.members.len(), MAX_ITEMS);
        assert_eq!(d.errors.len(), 1);
        assert!(
            d.errors[0].message.contains("more than the 100000"),
            "{}",
            d.errors[0]
        );
    }
}
