use super::*;
use crate::ops::audit::{read, settle};
use crate::ops::{Acknowledged, OpKind, Verdict};

const OPERATE: &str = "desk-operate-0123456789";
const READ: &str = "desk-read-0123456789abcd";
const NOW: &str = "W/\"gw-3\"";

fn desk(dir: &std::path::Path) -> Desk {
    let _ = std::fs::create_dir_all(dir);
    let tokens = Tokens::parse(
        &format!("operate {OPERATE} alice\nread {READ} wall\n"),
        "tokens",
    )
    .unwrap();
    let audit = AuditLog::open(&dir.join("audit.jsonl")).unwrap();
    Desk::new(tokens, Some(audit))
}

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("redcon-desk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn request(kind: OpKind, key: &str, verdict: Verdict) -> OpRequest {
    OpRequest {
        operation: Operation {
            kind,
            target: "be_app/web2".into(),
            reason: "patch".into(),
            operator: "x".into(),
            idempotency_key: key.into(),
        },
        verdict,
        acknowledged: Acknowledged::default(),
    }
}

fn body(key: &str) -> Vec<u8> {
    serde_json::to_vec(&request(OpKind::Drain, key, Verdict::Safe)).unwrap()
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

/// A counter that answers `act` and counts the calls; `refuse` is its own judgement.
struct Fake {
    act: Act,
    refuse: Option<String>,
    calls: usize,
}

impl Fake {
    fn new(act: Act) -> Fake {
        Fake {
            act,
            refuse: None,
            calls: 0,
        }
    }
}

impl Counter for Fake {
    fn version(&mut self) -> Result<String, Box<Answer>> {
        Ok(NOW.into())
    }
    fn judge(&mut self, _req: &OpRequest) -> Result<Judged, Box<Answer>> {
        Ok(Judged {
            refused: self.refuse.clone(),
            ..Judged::default()
        })
    }
    fn carry_out(&mut self, _op: &Operation) -> (Act, Option<String>) {
        self.calls += 1;
        let done = matches!(self.act, Act::Done(_));
        (self.act.clone(), done.then(|| "W/\"gw-4\"".to_string()))
    }
}

fn call(d: &mut Desk, token: &str, body: &[u8], f: &mut Fake) -> Answer {
    d.handle("agent gw", Some(token), Some(NOW), body, f)
}

#[test]
fn driver_answers_become_replies_and_only_final_ones_are_replayed() {
    let dir = temp("replies");
    let mut d = desk(&dir);
    let op = bearer(OPERATE);

    let mut f = Fake::new(Act::Done("x".into()));
    let (code, r) = call(&mut d, &bearer(READ), &body("k1"), &mut f);
    assert_eq!((code, r.outcome.as_str(), f.calls), (403, "read_only", 0));

    let mut f = Fake::new(Act::Done("set server".into()));
    let (code, r) = call(&mut d, &op, &body("k2"), &mut f);
    assert_eq!((code, r.outcome.as_str()), (200, "done"));
    assert_eq!(r.version.as_deref(), Some("W/\"gw-4\""));
    assert_eq!(r.by.as_deref(), Some("alice"));
    let (code, r) = call(&mut d, &op, &body("k2"), &mut f);
    assert_eq!(
        (code, r.replayed, r.detail.as_str()),
        (200, true, "set server")
    );
    assert_eq!(f.calls, 1, "a retry does not act twice");

    let mut f = Fake::new(Act::Failed("ERR ACCESS-DENIED".into()));
    let (code, r) = call(&mut d, &op, &body("k3"), &mut f);
    assert_eq!((code, r.outcome.as_str()), (502, "driver_failed"));
    assert!(r.version.is_none());
    let (code, r) = call(&mut d, &op, &body("k3"), &mut f);
    assert_eq!(
        (code, r.replayed),
        (502, false),
        "a refusal changed nothing"
    );
    assert_eq!(f.calls, 2);

    let mut f = Fake::new(Act::Unknown("no answer".into()));
    let (code, r) = call(&mut d, &op, &body("k4"), &mut f);
    assert_eq!((code, r.outcome.as_str()), (504, "unknown"));
    f.act = Act::Done("x".into());
    let (_, r) = call(&mut d, &op, &body("k4"), &mut f);
    assert!(r.replayed, "it may have acted: never again under this key");
    assert_eq!(f.calls, 1);

    let (raw, errors) = read(&dir.join("audit.jsonl")).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let pending = raw.iter().filter(|r| r.outcome == Outcome::Pending).count();
    assert_eq!(pending, 4, "an intent before each act");
    let replays: Vec<&Record> = raw.iter().filter(|r| r.replayed).collect();
    assert_eq!(replays.len(), 2, "each replay is audited: {raw:?}");
    assert!(replays.iter().all(|r| r.operation.operator == "alice"));
    let records = settle(&raw);
    let outcomes: Vec<(Outcome, bool)> = records.iter().map(|r| (r.outcome, r.replayed)).collect();
    assert_eq!(
        outcomes,
        [
            (Outcome::Unauthorised, false),
            (Outcome::Done, false),
            (Outcome::Done, true),
            (Outcome::Rejected, false),
            (Outcome::Rejected, false),
            (Outcome::Unknown, false),
            (Outcome::Unknown, true),
        ]
    );
    assert_eq!(records[3].detail, "ERR ACCESS-DENIED");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_used_key_is_bound_to_its_operation() {
    let dir = temp("bound");
    let mut d = desk(&dir);
    let op = bearer(OPERATE);
    let mut f = Fake::new(Act::Done("drained".into()));
    let drain = serde_json::to_vec(&request(OpKind::Drain, "k", Verdict::Safe)).unwrap();
    let undrain = serde_json::to_vec(&request(OpKind::Undrain, "k", Verdict::Safe)).unwrap();
    let claimed_worse =
        serde_json::to_vec(&request(OpKind::Drain, "k", Verdict::Degrades)).unwrap();
    assert_eq!(call(&mut d, &op, &drain, &mut f).0, 200);
    for other in [&undrain, &claimed_worse] {
        let (code, r) = call(&mut d, &op, other, &mut f);
        assert_eq!(
            (code, r.outcome.as_str(), r.replayed),
            (409, "refused", false)
        );
        assert!(r.detail.contains("used for another operation"), "{r:?}");
    }
    assert_eq!(f.calls, 1, "nothing carried out under a reused key");
    let (code, r) = call(&mut d, &op, &drain, &mut f);
    assert_eq!(
        (code, r.replayed),
        (200, true),
        "the same operation is a retry"
    );
    let (raw, _) = read(&dir.join("audit.jsonl")).unwrap();
    let refused = raw
        .iter()
        .filter(|r| r.outcome == Outcome::Rejected)
        .count();
    assert_eq!(refused, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_counters_own_judgement_refuses_whatever_the_request_claims() {
    let dir = temp("judged");
    let mut d = desk(&dir);
    let mut f = Fake::new(Act::Done("removed".into()));
    f.refuse = Some("md0 is already degraded".into());
    let (code, r) = call(&mut d, &bearer(OPERATE), &body("k"), &mut f);
    assert_eq!((code, r.outcome.as_str(), f.calls), (409, "refused", 0));
    assert!(r.detail.contains("md0 is already degraded"), "{r:?}");
    let (raw, _) = read(&dir.join("audit.jsonl")).unwrap();
    assert_eq!(raw.len(), 1, "refused before any intent: {raw:?}");
    assert_eq!(raw[0].outcome, Outcome::Rejected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unauthenticated_requests_leave_a_short_rate_limited_line_and_no_body() {
    let dir = temp("quiet");
    let mut d = desk(&dir);
    let mut f = Fake::new(Act::Done("x".into()));
    let mut req = request(OpKind::Drain, "k", Verdict::Safe);
    req.operation.operator = "alice".into();
    req.operation.reason = "R".repeat(100_000);
    req.operation.target = format!("UPS-A1\n{}", "T".repeat(10_000));
    let hostile = serde_json::to_vec(&req).unwrap();
    for i in 0..30 {
        let token = if i % 2 == 0 {
            "Bearer wrong-token-0123456789"
        } else {
            ""
        };
        let (code, r) = d.handle("agent gw", Some(token), Some(NOW), &hostile, &mut f);
        assert_eq!((code, r.outcome.as_str()), (401, "unauthorised"));
    }
    assert_eq!(f.calls, 0);
    let path = dir.join("audit.jsonl");
    let size = std::fs::metadata(&path).unwrap().len();
    let (raw, _) = read(&path).unwrap();
    assert_eq!(
        raw.len(),
        QUIET_RECORDS as usize,
        "rate-limited: {size} bytes"
    );
    assert!(size < 10 * 1024, "{size} bytes for {} records", raw.len());
    for r in &raw {
        assert_eq!(r.operation.operator, UNAUTHENTICATED);
        assert_eq!(r.outcome, Outcome::Unauthorised);
        assert!(r.operation.reason.is_empty());
        assert_eq!(r.verdict, None, "a claimed verdict is not vouched for");
        assert!(
            r.operation.target.len() < 300,
            "{}",
            r.operation.target.len()
        );
    }
    // once the window is over, the next record counts what went unrecorded
    d.quiet.window = Instant::now().checked_sub(QUIET_WINDOW * 2);
    d.handle("agent gw", None, Some(NOW), &hostile, &mut f);
    let (raw, _) = read(&path).unwrap();
    let last = raw.last().unwrap();
    assert!(last.detail.contains("and 20 more"), "{}", last.detail);
    let _ = std::fs::remove_dir_all(&dir);
}
