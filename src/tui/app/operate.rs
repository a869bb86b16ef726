//! Operations from the console: pick a unit, press the verb's key, read the plan, give a
//! reason, confirm in two steps with the focus on Cancel, type the unit's id for a
//! site-level unit, and watch the outcome land in the event log. Pure state handling: the
//! preflight is a pure function, and the sending is an `Effect` the runtime carries out.
#![allow(
    clippy::indexing_slicing,
    reason = "start is at most records.len(): a length less a saturating subtraction"
)]

use crate::model::{Id, MemberState};
use crate::ops::audit::OpenMaintenance;
use crate::ops::{
    Acknowledged, Mutation, OpKind, Operation, Plan, Target, Verdict, carrier, plan_text,
    preflight, resolve,
};

use super::{Action, App, Effect};
use crate::tui::action::Verb;
use crate::tui::items::{Item, ItemKind};
use crate::tui::observe::Observation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Typing the reason.
    Reason,
    /// Reading the plan; `second` once a degrading plan was confirmed once.
    Confirm { second: bool },
    /// Sent; waiting for the agent.
    Sending,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub op: Operation,
    pub plan: Plan,
    /// The plan as the operator reads it.
    pub lines: Vec<String>,
    pub step: Step,
    /// The target's id as typed (site-level units only).
    pub typed: String,
    /// The focus is on Confirm; Cancel by default, and again after every step.
    pub confirm: bool,
    /// The agent that owns the target and its base URL.
    pub agent: String,
    pub url: Option<String>,
    /// The snapshot version the plan was computed on.
    pub version: Option<String>,
}

/// A message for the footer and no effect.
fn say(app: &mut App, text: impl Into<String>) -> Effect {
    app.message = Some(text.into());
    app.dirty = true;
    Effect::Redraw
}

/// The member a failover hands over to, or the node a resource moves to: the first other
/// one that is up. Which one is active now is not in the model, so the first listed is
/// taken as the one to move away from.
fn partner(members: &[Id], live: &crate::model::LiveState, skip: Option<&str>) -> Option<Id> {
    let first = skip.or(members.first().map(String::as_str));
    members
        .iter()
        .filter(|m| Some(m.as_str()) != first)
        .find(|m| live.member_state(m) == MemberState::Ok)
        .cloned()
}

fn kind_for(
    verb: Verb,
    target: &Target,
    obs: &crate::tui::observe::Observation,
    to: Option<Id>,
) -> Result<OpKind, String> {
    let live = &obs.live;
    Ok(match (verb, target) {
        (Verb::Drain, _) => OpKind::Drain,
        (Verb::Undrain, _) => OpKind::Undrain,
        (Verb::Standby, Target::ClusterNode { .. }) => OpKind::Standby,
        (Verb::Standby, _) => return Err("standby applies to a cluster node".into()),
        (Verb::Failover, Target::Gateway { members } | Target::Bond { members, .. }) => {
            // away from the member its agent says is active, when it says
            let active = members.iter().find(|m| {
                obs.roles
                    .get(*m)
                    .is_some_and(|r| r.iter().any(|w| w == "MASTER" || w == "active"))
            });
            let to = match to {
                Some(t) if active == Some(&t) => return Err(format!("{t} is already active")),
                Some(t) => t,
                None => partner(members, live, active.map(String::as_str))
                    .ok_or("no other member is up to take over")?,
            };
            OpKind::Failover { to: Some(to) }
        }
        (Verb::Failover, _) => OpKind::Failover { to: None },
        (Verb::Move, Target::Resource { nodes, .. }) => OpKind::Move {
            to: partner(nodes, live, None).ok_or("no other node is up to move to")?,
        },
        (Verb::Move, _) => return Err("move applies to a cluster resource".into()),
    })
}

/// The key for `verb` was pressed.
pub fn start(app: &mut App, verb: Verb) -> Effect {
    let Some(authority) = &app.authority else {
        return say(app, "read-only console: operations are not available here");
    };
    let operator = authority.name().to_string();
    let Some(obs) = &app.obs else {
        return say(app, "no data yet: nothing to judge an operation against");
    };
    let Some(id) = app.detail.clone().or_else(|| app.selected_target()) else {
        return say(
            app,
            "select a unit (Components or Topology) or open its detail first",
        );
    };
    let mut id = id;
    let mut target = match resolve(&obs.site, &id) {
        Ok(t) => t,
        // a group itself: the verbs act on its members, and the operator is told which
        Err(_) if obs.verdict.group(&id).is_some() => {
            let g = obs.verdict.group(&id).map(|g| g.kind);
            let members = g
                .map(|k| crate::verdict::member_ids(&obs.site, &id, k).join(", "))
                .unwrap_or_default();
            return say(
                app,
                format!("{}: select one of its members ({members})", verb.word()),
            );
        }
        Err(e) => return say(app, e.to_string()),
    };
    // a failover is asked of a member (make it the master, the active slave): it is the
    // group's failover to that member
    let mut to = None;
    if verb == Verb::Failover
        && let Target::Router { group } | Target::BondMember { bond: group } = &target
    {
        to = Some(id.clone());
        id = group.clone();
        target = match resolve(&obs.site, &id) {
            Ok(t) => t,
            Err(e) => return say(app, e.to_string()),
        };
    }
    let kind = match kind_for(verb, &target, obs, to) {
        Ok(k) => k,
        Err(e) => return say(app, format!("{id}: {e}")),
    };
    let op = Operation {
        kind,
        target: id.clone(),
        reason: String::new(),
        operator,
        idempotency_key: format!("{id}-{}-{}", app.generation, unix(app.now)),
    };
    let since = app
        .maintenance
        .iter()
        .find(|m| m.target == id)
        .map(|m| m.since);
    let plan = match preflight(&obs.site, &obs.live, &op, since, unix(app.now)) {
        Ok(p) => p,
        Err(e) => return say(app, e.to_string()),
    };
    let Some(agent) = carrier(
        &obs.site,
        &id,
        obs.endpoints.iter().map(|e| e.name.as_str()),
    ) else {
        return say(
            app,
            format!("{id}: the site file names no agent for it, and more than one is configured"),
        );
    };
    let endpoint = obs.endpoints.iter().find(|e| e.name == agent);
    app.operation = Some(Dialog {
        lines: plan_text(&plan),
        op,
        plan,
        step: Step::Reason,
        typed: String::new(),
        confirm: false,
        url: endpoint.map(|e| e.url.clone()),
        version: endpoint.and_then(|e| e.etag.clone()),
        agent,
    });
    app.dirty = true;
    Effect::Redraw
}

fn unix(t: std::time::SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Keys while the dialog is open, and the outcome coming back.
pub fn update(app: &mut App, action: Action) -> Effect {
    if let Action::OpResult(text) = action {
        app.log.push(app.now, text.clone());
        if let Some(d) = app.operation.take_if(|d| d.step == Step::Sending)
            && text.starts_with(&format!("{}: done", d.op.describe()))
        {
            // what is in maintenance now, and since when, for the next plan and finding
            app.maintenance.retain(|m| m.target != d.op.target);
            if d.op.kind != OpKind::Undrain {
                app.maintenance.push(OpenMaintenance {
                    target: d.op.target.clone(),
                    what: d.op.describe(),
                    operator: d.op.operator.clone(),
                    since: unix(app.now),
                    reason: d.op.reason.clone(),
                });
            }
        }
        return say(app, text);
    }
    let Some(d) = &mut app.operation else {
        return Effect::None;
    };
    app.dirty = true;
    match (action, d.step) {
        (Action::OpCancel, Step::Sending) => app.operation = None,
        (_, Step::Sending) => {}
        (Action::OpCancel, _) => {
            let what = d.op.describe();
            app.operation = None;
            app.log.push(app.now, format!("{what}: cancelled"));
        }
        (Action::OpInput(c), Step::Reason) if !c.is_control() => d.op.reason.push(c),
        (Action::OpInput(c), Step::Confirm { .. }) if !c.is_control() && d.plan.site_level => {
            d.typed.push(c);
        }
        (Action::OpBackspace, Step::Reason) => {
            d.op.reason.pop();
        }
        (Action::OpBackspace, Step::Confirm { .. }) => {
            d.typed.pop();
        }
        (Action::OpFocus, Step::Confirm { .. }) => d.confirm = !d.confirm,
        (Action::OpEnter, Step::Reason) if d.op.reason.trim().is_empty() => {
            app.message = Some("a reason is required: it goes to the audit log".into());
        }
        (Action::OpEnter, Step::Reason) => {
            d.step = Step::Confirm { second: false };
            d.confirm = false;
        }
        (Action::OpEnter, Step::Confirm { .. }) if !d.confirm => {
            let what = d.op.describe();
            app.operation = None;
            app.log.push(app.now, format!("{what}: cancelled"));
        }
        (Action::OpEnter, Step::Confirm { second }) => return confirm(app, second),
        _ => {}
    }
    Effect::Redraw
}

fn confirm(app: &mut App, second: bool) -> Effect {
    let (Some(d), Some(authority)) = (&mut app.operation, &app.authority) else {
        return Effect::Redraw;
    };
    let verdict = d.plan.verdict;
    if matches!(verdict, Verdict::Refused | Verdict::Uncertain) {
        // audited like the command line's refusals, and the dialog closes: there is
        // nothing this plan can be confirmed into
        let why = if verdict == Verdict::Refused {
            "preflight refused this; only `redcon` on the command line with --force overrides"
        } else {
            "no fresh data to plan on; wait for it, or --force on the command line"
        };
        let record = crate::ops::audit::Record {
            at: unix(app.now),
            by: "console".into(),
            operation: d.op.clone(),
            verdict: Some(verdict),
            acknowledged: Acknowledged::default(),
            plan: crate::dispatch::plan_lines(&d.plan),
            outcome: crate::ops::audit::Outcome::NotCleared,
            detail: format!("not sent from the console: {why}"),
            duration_s: None,
            replayed: false,
        };
        let what = d.op.describe();
        app.operation = None;
        app.log
            .push(app.now, format!("{what}: {} (audited)", verdict.word()));
        app.message = Some(why.to_string());
        app.dirty = true;
        return Effect::Audit(Box::new(record));
    }
    if d.plan.site_level && d.typed != d.op.target {
        let want = d.op.target.clone();
        return say(
            app,
            format!("type {want} to confirm a site-level operation"),
        );
    }
    if verdict == Verdict::Degrades && !second {
        d.step = Step::Confirm { second: true };
        d.confirm = false;
        return say(app, "this degrades the site: confirm once more");
    }
    let (Some(url), Some(version)) = (d.url.clone(), d.version.clone()) else {
        let agent = d.agent.clone();
        return say(
            app,
            format!("agent {agent} has not given a state version: nothing to send to"),
        );
    };
    let ack = Acknowledged {
        degrade: verdict == Verdict::Degrades,
        force: false,
    };
    let mutation = match Mutation::clear(authority, d.op.clone(), &d.plan, ack, version) {
        Ok(m) => m,
        Err(e) => return say(app, e.to_string()),
    };
    d.step = Step::Sending;
    let text = format!(
        "{} sent by {} ({}): {}",
        mutation.operation().describe(),
        mutation.operation().operator,
        verdict.word(),
        mutation.operation().reason
    );
    let plan = crate::dispatch::plan_lines(&d.plan);
    app.log.push(app.now, text);
    app.dirty = true;
    Effect::Operate {
        mutation: Box::new(mutation),
        plan,
        url,
    }
}

/// How many of the audit log's latest records the event log starts with.
const AUDIT_SHOWN: usize = 50;

/// Maintenance left in place longer than this is a finding.
pub const MAINTENANCE_AGE_S: f64 = 24.0 * 3600.0;

impl App {
    /// The settled audit log: its latest operations go to the event log, and the
    /// maintenance it shows left in place is remembered for the findings.
    pub fn with_audit(mut self, records: &[crate::ops::audit::Record]) -> App {
        let start = records.len().saturating_sub(AUDIT_SHOWN);
        for r in &records[start..] {
            let at = std::time::UNIX_EPOCH
                + std::time::Duration::try_from_secs_f64(r.at.max(0.0)).unwrap_or_default();
            let text = format!(
                "audit: {} by {}: {}{}",
                r.operation.describe(),
                r.operation.operator,
                r.outcome.word(),
                if r.by == "console" {
                    String::new()
                } else {
                    format!(" ({})", r.by)
                }
            );
            self.log.push(at, text);
        }
        self.maintenance = crate::ops::audit::open_maintenance(records);
        self
    }
}

/// Maintenance started through redcon, left in place past `MAINTENANCE_AGE_S` and still
/// showing in the live state, as Findings rows.
pub fn lingering_items(app: &App, obs: &Observation) -> Vec<Item> {
    crate::ops::audit::lingering_targets(
        &app.maintenance,
        &obs.site,
        &obs.live,
        unix(app.now),
        MAINTENANCE_AGE_S,
    )
    .into_iter()
    .map(|(target, text)| Item {
        kind: ItemKind::Finding,
        scope: "site".into(),
        text,
        elements: vec![target],
    })
    .collect()
}
