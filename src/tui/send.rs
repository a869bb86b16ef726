//! The console's operations on the wire: one cleared operation sent to its agent, audited
//! before and after, and the outcome handed back to the event log.

use std::time::Duration;

use tokio::sync::mpsc;

use super::drive::{Input, Runtime};
use crate::poll;

/// Send one cleared operation, audited, and report what came back to the event log.
pub async fn operate<A: Runtime>(
    tx: mpsc::Sender<Input<A>>,
    mutation: Box<crate::ops::Mutation>,
    plan: Vec<String>,
    url: String,
    token: Option<String>,
) {
    let what = mutation.operation().describe();
    let text = match send_one(&mutation, &plan, &url, token.as_deref()).await {
        Ok(sent) => format!("{what}: {} ({})", sent.outcome.word(), sent.detail),
        Err(e) => format!("{what}: not sent: {e}"),
    };
    if let Some(a) = A::operated(text) {
        let _ = tx.send(Input::Action(a)).await;
    }
}

async fn send_one(
    mutation: &crate::ops::Mutation,
    plan: &[String],
    url: &str,
    token: Option<&str>,
) -> Result<crate::dispatch::Sent, String> {
    let path = crate::ops::audit::default_path()
        .ok_or("no audit log path (set XDG_STATE_HOME or HOME)")?;
    let mut log = crate::ops::audit::AuditLog::open(&path).map_err(|e| e.to_string())?;
    let client = poll::client()?;
    crate::dispatch::send_audited(&mut log, &client, url, token, mutation, plan, OP_TIMEOUT)
        .await
        .map_err(|e| e.to_string())
}

/// How long an operation may take before its outcome is unknown.
const OP_TIMEOUT: Duration = Duration::from_secs(30);
