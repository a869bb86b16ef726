use super::*;
use crate::ops::{Acknowledged, OpKind, Verdict};

const OPERATE: &str = "desk-operate-0123456789";
const READ: &str = "desk-read-0123456789abcd";
const NOW: &str = "W/\"gw-3\"";

fn desk(dir: &std::path::Path) -> Desk {
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        format!("operate {OPERATE} alice\nread {READ} wall\n"),
    )
    .unwrap();
    super::desk(Some(&tokens), Some(&dir.join("audit.jsonl"))).unwrap()
}

fn body(key: &str) -> Vec<u8> {
    serde_json::to_vec(&OpRequest {
        operation: Operation {
            kind: OpKind::Drain,
            target: "be_app/web2".into(),
            reason: "patch".into(),
            operator: "x".into(),
            idempotency_key: key.into(),
        },
        verdict: Verdict::Safe,
        acknowledged: Acknowledged::default(),
    })
    .unwrap()
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

#[test]
fn driver_answers_become_replies_and_only_final_ones_are_replayed() {
    let dir = std::env::temp_dir().join(format!("redcon-desk-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut d = desk(&dir);
    let calls = std::cell::Cell::new(0);
    let answer_with = |act: Act| {
        let calls = &calls;
        move |_: &Operation| {
            calls.set(calls.get() + 1);
            let done = matches!(act, Act::Done(_));
            (act.clone(), done.then(|| "W/\"gw-4\"".to_string()))
        }
    };
    let op = bearer(OPERATE);
    let call = |d: &mut Desk, token: &str, key: &str, act: Act| {
        let mut f = answer_with(act);
        d.handle("gw", NOW, Some(token), Some(NOW), &body(key), &mut f)
    };

    let (code, r) = call(&mut d, &bearer(READ), "k1", Act::Done("x".into()));
    assert_eq!(
        (code, r.outcome.as_str(), calls.get()),
        (403, "read_only", 0)
    );

    let (code, r) = call(&mut d, &op, "k2", Act::Done("set server".into()));
    assert_eq!((code, r.outcome.as_str()), (200, "done"));
    assert_eq!(r.version.as_deref(), Some("W/\"gw-4\""));
    assert_eq!(r.by.as_deref(), Some("alice"));
    let (code, r) = call(&mut d, &op, "k2", Act::Done("again".into()));
    assert_eq!(
        (code, r.replayed, r.detail.as_str()),
        (200, true, "set server")
    );
    assert_eq!(calls.get(), 1, "a retry does not act twice");

    let (code, r) = call(&mut d, &op, "k3", Act::Failed("ERR ACCESS-DENIED".into()));
    assert_eq!((code, r.outcome.as_str()), (502, "driver_failed"));
    assert!(r.version.is_none());
    let (code, r) = call(&mut d, &op, "k3", Act::Failed("ERR ACCESS-DENIED".into()));
    assert_eq!(
        (code, r.replayed),
        (502, false),
        "a refusal changed nothing"
    );
    assert_eq!(calls.get(), 3);

    let (code, r) = call(&mut d, &op, "k4", Act::Unknown("no answer".into()));
    assert_eq!((code, r.outcome.as_str()), (504, "unknown"));
    let (_, r) = call(&mut d, &op, "k4", Act::Done("x".into()));
    assert!(r.replayed, "it may have acted: never again under this key");
    assert_eq!(calls.get(), 4);

    let (raw, errors) = crate::ops::audit::read(&dir.join("audit.jsonl")).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let pending = raw.iter().filter(|r| r.outcome == Outcome::Pending).count();
    assert_eq!(pending, 4, "an intent before each driver call");
    let records = crate::ops::audit::settle(&raw);
    assert!(records.iter().skip(1).all(|r| r.duration_s.is_some()));
    let outcomes: Vec<Outcome> = records.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Unauthorised,
            Outcome::Done,
            Outcome::Rejected,
            Outcome::Rejected,
            Outcome::Unknown
        ]
    );
    assert_eq!(records[2].detail, "ERR ACCESS-DENIED");
    let _ = std::fs::remove_dir_all(&dir);
}
