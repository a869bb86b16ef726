//! `redcon drain|standby|undrain|failover|move`: poll the site once, preflight, print the
//! plan, clear and confirm, then send it audited to the agent that owns the target.
//! Exit codes are in docs/operations.md; `redcon audit` is in audit_cli.rs.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, eyre};
use redcon::config::PollPolicy;
use redcon::dispatch::{plan_lines, record, record_of, send_audited};
use redcon::model::{LiveState, Site};
use redcon::ops::audit::{self, AuditLog, Outcome};
use redcon::ops::tokens::Tokens;
use redcon::ops::{
    Acknowledged, Authority, DataFacts, Mutation, NotCleared, OpKind, Operation, Verdict, carrier,
    plan_text, preflight, preflight_on,
};
use redcon::poll::{self, AgentSpec, AgentStatus};
use redcon::status::source::{Source, configured_site};

pub const DONE: u8 = 0;
pub const NOT_ACKNOWLEDGED: u8 = 1;
pub const REFUSED: u8 = 2;
pub const REJECTED: u8 = 3;
pub const STALE: u8 = 4;
pub const UNAUTHORISED: u8 = 5;
pub const UNKNOWN: u8 = 6;
/// With `--dry-run`: the plan stands on unknown or stale data and cannot say.
pub const UNCERTAIN: u8 = 7;

pub struct Request {
    pub kind: OpKind,
    pub target: String,
    pub reason: String,
    pub dry_run: bool,
    pub ack: Acknowledged,
    pub yes: bool,
    pub token_file: Option<PathBuf>,
    pub audit: Option<PathBuf>,
    pub operator: Option<String>,
}

pub fn default_audit_path() -> Option<PathBuf> {
    audit::default_path()
}

/// Where the operation goes: the agents to poll and, for the embedded demo, the simulator
/// that stands in for them (with a token made up for this run).
struct Reach {
    site: Site,
    specs: Vec<AgentSpec>,
    policy: PollPolicy,
    demo_token: Option<String>,
    _sim: Option<tokio::task::JoinHandle<Result<(), redcon::sim::SimError>>>,
}

async fn open_site(source: &Source, timeout: Duration) -> Result<Reach> {
    match source {
        Source::Config { path, site } => {
            // every problem of the config, one a line, each naming its file
            let (site, specs, policy) = configured_site(path, site.as_deref())
                .map_err(|e| eyre!("{}", e.lines().join("\n")))?;
            Ok(Reach {
                site,
                specs,
                policy,
                demo_token: None,
                _sim: None,
            })
        }
        Source::Demo { live: None } => {
            let site = redcon::demo::site()?;
            let live = redcon::demo::live(&site)?;
            let (addr, sim, task) = redcon::sim::spawn_local(site.clone(), live, None)
                .await
                .wrap_err("embedded demo simulator")?;
            let token = redcon::ops::tokens::random_secret()?;
            sim.lock()
                .set_tokens(Tokens::single_operator(&token, "demo operator"));
            let specs = redcon::sim::agent_urls(&site, &format!("http://{addr}"))
                .into_iter()
                .map(|(name, url)| AgentSpec {
                    name,
                    url,
                    interval: timeout,
                    timeout,
                })
                .collect();
            Ok(Reach {
                site,
                specs,
                policy: PollPolicy::default(),
                demo_token: Some(token),
                _sim: Some(task),
            })
        }
        Source::File { .. } | Source::Demo { live: Some(_) } => Err(eyre!(
            "operations need live agents: use --config (or the embedded demo without --live); with --site/--live only --dry-run is possible"
        )),
    }
}

/// The `--token-file` given cannot be used.
#[derive(Debug, thiserror::Error)]
enum TokenFileProblem {
    #[error("token file {file}: {source}")]
    Unreadable {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("token file {file}: first line is empty")]
    Empty { file: String },
}

fn read_token(req: &Request) -> Result<Option<String>, TokenFileProblem> {
    if let Some(path) = &req.token_file {
        let file = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| TokenFileProblem::Unreadable {
                file: file.clone(),
                source,
            })?;
        let token = text.lines().next().unwrap_or("").trim().to_string();
        if token.is_empty() {
            return Err(TokenFileProblem::Empty { file });
        }
        return Ok(Some(token));
    }
    Ok(std::env::var("REDCON_TOKEN").ok().filter(|t| !t.is_empty()))
}

/// Ask on the terminal: site-level targets need their id typed, others `yes`.
fn confirm(target: &str, site_level: bool) -> bool {
    let want = if site_level { target } else { "yes" };
    eprint!("type {want:?} to carry this out (anything else cancels): ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    line.trim() == want
}

fn exit_for(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Done => DONE,
        Outcome::NotCleared => NOT_ACKNOWLEDGED,
        Outcome::Rejected => REJECTED,
        Outcome::Stale => STALE,
        Outcome::Unauthorised => UNAUTHORISED,
        Outcome::Pending | Outcome::Unknown => UNKNOWN,
    }
}

fn verdict_exit(v: Verdict) -> u8 {
    match v {
        Verdict::Safe => DONE,
        Verdict::Degrades => NOT_ACKNOWLEDGED,
        Verdict::Uncertain => UNCERTAIN,
        Verdict::Refused => REFUSED,
    }
}

/// The live state a plan stands on (unknown items marked unknown), which readings are
/// stale, and what could not be used.
fn live_and_problems(
    site: &Site,
    statuses: &[AgentStatus],
    policy: &PollPolicy,
) -> (LiveState, DataFacts, Vec<String>) {
    let m = poll::merge(
        site,
        statuses,
        policy,
        tokio::time::Instant::now(),
        redcon::api::unix_now(),
    );
    let data = DataFacts {
        stale: m.stale.into_iter().map(|s| (s.id, s.age_s)).collect(),
    };
    (m.live, data, m.problems)
}

pub fn run(source: &Source, timeout: Duration, req: Request) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("redcon: cannot start the async runtime: {e}");
            return ExitCode::from(REJECTED);
        }
    };
    ExitCode::from(rt.block_on(operate(source, timeout, req)))
}

async fn operate(source: &Source, timeout: Duration, req: Request) -> u8 {
    let fail = |msg: String| {
        eprintln!("redcon: {msg}");
        REJECTED
    };
    let now = redcon::api::unix_now();
    let audit_path = req.audit.clone().or_else(default_audit_path);
    let history = match &audit_path {
        Some(p) => audit::read(p)
            .map(|(r, _)| audit::settle(&r))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let since = audit::open_maintenance(&history)
        .into_iter()
        .find(|m| m.target == req.target)
        .map(|m| m.since);
    let operator = req
        .operator
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    let key = match redcon::ops::tokens::random_secret() {
        Ok(k) => k,
        Err(e) => return fail(crate::report::chain(&e.into())),
    };
    let op = Operation {
        kind: req.kind.clone(),
        target: req.target.clone(),
        reason: req.reason.clone(),
        operator: operator.clone(),
        idempotency_key: format!("{}-{key}", req.target),
    };
    // a dry run on files needs no agent
    if let (true, Source::File { site, live }) = (req.dry_run, source) {
        let site = match redcon::model::load_site_file(site) {
            Ok(s) => s,
            Err(e) => return fail(e.to_string()),
        };
        let live = match live {
            Some(l) => match redcon::model::load_live_file(l, &site) {
                Ok(l) => l,
                Err(e) => return fail(e.to_string()),
            },
            None => LiveState::default(),
        };
        return match preflight(&site, &live, &op, since, now) {
            Ok(plan) => {
                outln!("{}", plan_text(&plan).join("\n"));
                verdict_exit(plan.verdict)
            }
            Err(e) => fail(e.to_string()),
        };
    }
    let target = match open_site(source, timeout).await {
        Ok(t) => t,
        Err(e) => return fail(crate::report::chain(&e)),
    };
    let client = match poll::client() {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    let statuses = poll::poll_once(&client, &target.specs, &target.policy, timeout).await;
    let (live, data, problems) = live_and_problems(&target.site, &statuses, &target.policy);
    for p in &problems {
        eprintln!("redcon: {p}");
    }
    let plan = match preflight_on(&target.site, &live, &data, &op, since, now) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    outln!("{}", plan_text(&plan).join("\n"));
    if req.dry_run {
        return verdict_exit(plan.verdict);
    }
    let Some(agent) = carrier(
        &target.site,
        &op.target,
        statuses.iter().map(|s| s.name.as_str()),
    ) else {
        return fail(format!(
            "{}: the site file names no agent for it, and more than one is configured",
            op.target
        ));
    };
    let Some(status) = statuses.iter().find(|s| s.name == agent) else {
        return fail(format!(
            "{}: owned by agent {agent}, which is not configured",
            op.target
        ));
    };
    let Some(version) = status.etag.clone() else {
        return fail(format!(
            "agent {agent} gave no state version ({}): cannot guard the operation against a changed state",
            status.last_error.as_deref().unwrap_or("no answer")
        ));
    };
    let Some(path) = audit_path else {
        return fail("no audit log path (set --audit, XDG_STATE_HOME or HOME)".into());
    };
    let mut log = match AuditLog::open(&path) {
        Ok(l) => l,
        Err(e) => return fail(e.to_string()),
    };
    let authority = Authority::operator(operator);
    let mutation = match Mutation::clear(&authority, op.clone(), &plan, req.ack, version) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("redcon: {e}");
            let code = match e {
                NotCleared::Refused(..) => REFUSED,
                NotCleared::Uncertain(..) => UNCERTAIN,
                NotCleared::Degrades(_) | NotCleared::NoReason => NOT_ACKNOWLEDGED,
            };
            if let Err(e) = log.append(&record_of(
                &op,
                Some(plan.verdict),
                req.ack,
                &plan_lines(&plan),
                Outcome::NotCleared,
                &e.to_string(),
            )) {
                eprintln!("redcon: {e}");
            }
            return code;
        }
    };
    if !req.yes {
        if !std::io::stdin().is_terminal() {
            eprintln!("redcon: not confirmed: no terminal to ask on (use --yes in scripts)");
            return NOT_ACKNOWLEDGED;
        }
        if !confirm(&mutation.operation().target, plan.site_level) {
            eprintln!("redcon: cancelled");
            return NOT_ACKNOWLEDGED;
        }
    }
    let token = match (&target.demo_token, read_token(&req)) {
        (Some(t), _) => Some(t.clone()),
        (None, Ok(t)) => t,
        (None, Err(e)) => return fail(e.to_string()),
    };
    let sent = match send_audited(
        &mut log,
        &client,
        &status.url,
        token.as_deref(),
        &mutation,
        &plan_lines(&plan),
        timeout,
    )
    .await
    {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    outln!("{}: {}", sent.outcome.word(), sent.detail);
    if sent.outcome == Outcome::Done {
        // "done" is the agent's word; the site's own state is the proof
        match verify(&target, &client, &live, &op, timeout).await {
            Some(at) => outln!("done, seen at {}", redcon::tui::timefmt::stamp(at)),
            None => {
                let why = format!("sent, not yet seen after {} s", VERIFY_FOR.as_secs());
                eprintln!("redcon: warning: {why}; look again before acting on it");
                if let Err(e) = log.append(&record(&mutation, &[], Outcome::Done, &why)) {
                    eprintln!("redcon: {e}");
                }
            }
        }
    }
    if target.demo_token.is_some() && sent.outcome == Outcome::Done {
        outln!("(the embedded demo site forgets this when the command ends)");
    }
    exit_for(sent.outcome)
}

/// How long a `done` is watched for in the agents' own state.
const VERIFY_FOR: Duration = Duration::from_secs(10);

/// Poll until the state the operation should produce shows (the ids whose state it
/// changes, as preflight computed it), for at most `VERIFY_FOR`; when it was seen.
async fn verify(
    target: &Reach,
    client: &reqwest::Client,
    before: &LiveState,
    op: &redcon::ops::Operation,
    timeout: Duration,
) -> Option<std::time::SystemTime> {
    let (expected, _) = redcon::ops::apply(&target.site, before, op).ok()?;
    let changed: Vec<&String> = expected
        .elements
        .keys()
        .chain(before.elements.keys())
        .filter(|id| expected.element_state(id) != before.element_state(id))
        .collect();
    let changed_members: Vec<&String> = expected
        .members
        .keys()
        .chain(before.members.keys())
        .filter(|id| expected.member_state(id) != before.member_state(id))
        .collect();
    let deadline = tokio::time::Instant::now() + VERIFY_FOR;
    while tokio::time::Instant::now() < deadline {
        let statuses = poll::poll_once(client, &target.specs, &target.policy, timeout).await;
        let (live, _, _) = live_and_problems(&target.site, &statuses, &target.policy);
        let seen = changed
            .iter()
            .all(|id| live.element_state(id) == expected.element_state(id))
            && changed_members
                .iter()
                .all(|id| live.member_state(id) == expected.member_state(id));
        if seen {
            return Some(std::time::SystemTime::now());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    None
}
