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

/// Why an operation could not be sent at all (nothing reached the agent).
#[derive(Debug, thiserror::Error)]
enum NotSent {
    #[error(transparent)]
    Audit(#[from] super::state_files::StateFileError),
    #[error(transparent)]
    Client(#[from] poll::ClientError),
}

async fn send_one(
    mutation: &crate::ops::Mutation,
    plan: &[String],
    url: &str,
    token: Option<&str>,
) -> Result<crate::dispatch::Sent, NotSent> {
    let mut log = super::state_files::audit_log()?;
    let client = poll::client()?;
    let sent =
        crate::dispatch::send_audited(&mut log, &client, url, token, mutation, plan, OP_TIMEOUT)
            .await
            .map_err(super::state_files::StateFileError::from)?;
    Ok(sent)
}

/// How long an operation may take before its outcome is unknown.
const OP_TIMEOUT: Duration = Duration::from_secs(30);
