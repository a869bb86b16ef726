//! HTTP answers shared by every server of the v1 agent API (`redcon agent` and `redcon sim`),
//! so both speak exactly the same protocol: the same headers, the same conditional-request
//! rules, the same schema.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

use crate::api;

/// The longest a snapshot request may wait for a change (`?wait=SECONDS` with an
/// `If-None-Match` naming the current version), as Consul's blocking queries do: the answer
/// comes the moment the content changes, or a 304 when the wait ends. Below the server's
/// request limit (`listen::REQUEST_TIMEOUT`); clients ask for less than their staleness
/// limit, so a quiet agent still answers often enough to be seen alive.
pub const MAX_WAIT: Duration = Duration::from_secs(20);
pub use api::WAIT_HEADER;

/// The wait a snapshot request asks for: `wait=SECONDS` (a whole or decimal number) in
/// the query, capped at `MAX_WAIT`. Anything else (no query, no `wait`, a word, a negative
/// or non-finite number) asks for none.
pub fn requested_wait(query: Option<&str>) -> Option<Duration> {
    let value = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("wait="))?;
    let secs: f64 = value.parse().ok()?;
    (secs.is_finite() && secs > 0.0)
        .then(|| Duration::from_secs_f64(secs.min(MAX_WAIT.as_secs_f64())))
}

/// How long to hold this request: its wait, when it already has `version`.
pub fn hold_for(
    agent_id: &str,
    version: u64,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Option<Duration> {
    requested_wait(query).filter(|_| if_none_match_hits(headers, &api::etag(agent_id, version)))
}

/// Snapshots change under the client's feet, so no cache may reuse one without asking.
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// `GET /v1/snapshot`: 304 when the client's `If-None-Match` already names the current
/// content version, otherwise 200 with `body()`. The body is only built when it is sent,
/// which is what makes the 304 path cheap.
pub fn snapshot_response(
    agent_id: &str,
    version: u64,
    headers: &HeaderMap,
    body: impl FnOnce() -> Vec<u8>,
) -> Response {
    let tag = api::etag(agent_id, version);
    // An id that cannot go into a header (quotes, control characters) costs the agent its
    // 304s, not its answers: the body is still served, just without a validator.
    let Ok(tag_value) = HeaderValue::from_str(&tag) else {
        return json_ok(body());
    };
    if if_none_match_hits(headers, &tag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        let h = response.headers_mut();
        h.insert(ETAG, tag_value);
        h.insert(CACHE_CONTROL, NO_CACHE);
        h.insert(WAIT_HEADER, HeaderValue::from(MAX_WAIT.as_secs()));
        return response;
    }
    let mut response = json_ok(body());
    let h = response.headers_mut();
    h.insert(ETAG, tag_value);
    h.insert(WAIT_HEADER, HeaderValue::from(MAX_WAIT.as_secs()));
    response
}

/// `GET /v1/health`.
pub fn health_response(health: &api::Health) -> Response {
    match serde_json::to_vec(health) {
        Ok(body) => json_ok(body),
        Err(e) => internal_error(&e),
    }
}

/// `GET /v1/schema`: the JSON Schema of a snapshot.
pub fn schema_response() -> Response {
    match serde_json::to_vec(&api::snapshot_schema()) {
        Ok(body) => json_ok(body),
        Err(e) => internal_error(&e),
    }
}

fn json_ok(body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, JSON);
    h.insert(CACHE_CONTROL, NO_CACHE);
    response
}

fn internal_error(e: &serde_json::Error) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("cannot encode the answer: {e}\n"),
    )
        .into_response()
}

/// Does any `If-None-Match` header match `current`? Weak comparison (RFC 9110 §13.1.2):
/// our tags are weak, and clients may echo them with or without the `W/`.
fn if_none_match_hits(headers: &HeaderMap, current: &str) -> bool {
    let current = opaque(current);
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            if v.trim() == "*" {
                // "*" matches any current representation, and we always have one.
                return true;
            }
            entity_tags(v).any(|t| opaque(t) == current)
        })
}

/// The tag without its weakness marker: `W/"x"` and `"x"` compare equal weakly.
fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// The entity tags of a comma-separated list, each with its quotes (and `W/` if any).
/// Splitting on commas alone would be wrong: a comma may sit inside a quoted tag. A
/// malformed rest of the list ends the iteration, which can only cost a 304, never
/// serve stale content.
fn entity_tags(list: &str) -> impl Iterator<Item = &str> {
    let mut rest = list;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let start = rest;
        let after_weak = rest.strip_prefix("W/").unwrap_or(rest);
        let quoted = after_weak.strip_prefix('"')?;
        let close = quoted.find('"')?;
        let tag_len = (start.len() - quoted.len()) + close + 1;
        let (tag, tail) = start.split_at(tag_len);
        rest = tail;
        Some(tag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_a_positive_number_of_seconds_capped_and_nothing_else() {
        let w = |q: &str| requested_wait(Some(q));
        assert_eq!(w("wait=7.5"), Some(Duration::from_millis(7500)));
        assert_eq!(w("x=1&wait=2"), Some(Duration::from_secs(2)));
        assert_eq!(w("wait=3600"), Some(MAX_WAIT));
        for bad in [
            "wait=1e999999",
            "wait=",
            "wait=0",
            "wait=-1",
            "wait=NaN",
            "wait=inf",
            "wait=abc",
            "wai=1",
            "",
        ] {
            assert_eq!(w(bad), None, "{bad:?}");
        }
        assert_eq!(requested_wait(None), None);
        // a long query is read in one pass
        let long = format!("{}&wait=1", "a=b&".repeat(100_000));
        assert_eq!(w(&long), Some(Duration::from_secs(1)));
    }

    fn with_inm(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn answer(values: &[&str]) -> (Response, bool) {
        let mut built = false;
        let r = snapshot_response("host-1", 7, &with_inm(values), || {
            built = true;
            b"{}".to_vec()
        });
        (r, built)
    }

    fn body_len(r: Response) -> usize {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(axum::body::to_bytes(r.into_body(), usize::MAX))
            .unwrap()
            .len()
    }

    #[test]
    fn no_condition_gives_200_with_headers() {
        let (r, built) = answer(&[]);
        assert!(built);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[ETAG], "W/\"host-1-7\"");
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(r.headers()[CACHE_CONTROL], "no-cache");
        assert_eq!(body_len(r), 2);
    }

    #[test]
    fn matching_tag_gives_304_without_building_the_body() {
        for inm in ["W/\"host-1-7\"", "\"host-1-7\"", " W/\"host-1-7\" "] {
            let (r, built) = answer(&[inm]);
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{inm}");
            assert!(!built, "{inm}");
            assert_eq!(r.headers()[ETAG], "W/\"host-1-7\"");
            assert!(r.headers().get(CONTENT_TYPE).is_none());
            assert_eq!(body_len(r), 0);
        }
    }

    #[test]
    fn other_versions_and_agents_give_200() {
        for inm in [
            "W/\"host-1-6\"",
            "W/\"host-2-7\"",
            "W/\"host-1-7",
            "host-1-7",
            "",
        ] {
            let (r, built) = answer(&[inm]);
            assert_eq!(r.status(), StatusCode::OK, "{inm:?}");
            assert!(built);
        }
    }

    #[test]
    fn lists_and_repeated_headers_are_searched() {
        let (r, _) = answer(&["W/\"a,b\", \"x\",W/\"host-1-7\""]);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        let (r, _) = answer(&["W/\"a\"", "W/\"host-1-7\""]);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        // A malformed entry stops the scan: safe (a 200), never a wrong 304.
        let (r, _) = answer(&["W/\"a\", junk, W/\"host-1-7\""]);
        assert_eq!(r.status(), StatusCode::OK);
    }

    #[test]
    fn star_matches_anything() {
        let (r, built) = answer(&["*"]);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert!(!built);
    }

    #[test]
    fn an_id_unfit_for_a_header_still_gets_its_body() {
        let r = snapshot_response("bad\"id\n", 1, &with_inm(&["*"]), || b"{}".to_vec());
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers().get(ETAG).is_none());
    }

    #[test]
    fn health_and_schema_are_json() {
        let health = api::Health {
            status: "ok".into(),
            agent: api::AgentInfo {
                id: "a".into(),
                version: "0".into(),
                hostname: None,
            },
            schema_version: api::SCHEMA_VERSION,
            uptime_s: 1.5,
        };
        let r = health_response(&health);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        let r = schema_response();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(body_len(r) > 100);
    }
}
