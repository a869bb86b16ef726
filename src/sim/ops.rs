//! Operations on the simulated site (`POST /agents/{agent}/v1/ops`): the same desk as a
//! real agent's (`desk`: tokens, idempotency, If-Match, audit), in front of the
//! simulated state. Unlike a real agent, the simulator sees the whole site, so it judges
//! each operation again with the console's own preflight and refuses anything worse than
//! what the operator acknowledged.

use std::collections::BTreeSet;

use tokio::time::Instant;

use crate::api::{self, OpRequest};
use crate::desk::{Act, Answer, Counter, Judged, reply};
use crate::model::MemberState;
use crate::ops::audit::AuditLog;
use crate::ops::tokens::Tokens;
use crate::ops::{OpKind, Operation, Target, Verdict, preflight, resolve};

use super::catalog::DEFAULT_AGENT;
use super::faults::Action;
use super::state::Sim;

fn allowed(verdict: Verdict, req: &OpRequest) -> bool {
    match verdict {
        Verdict::Safe => true,
        Verdict::Degrades => req.acknowledged.degrade || req.acknowledged.force,
        Verdict::Uncertain | Verdict::Refused => req.acknowledged.force,
    }
}

impl Sim {
    pub fn set_tokens(&mut self, tokens: Tokens) {
        self.desk.tokens = tokens;
    }

    pub fn set_audit(&mut self, log: AuditLog) {
        self.desk.audit = Some(log);
    }

    /// The agents that report `id`, or own the group or resource it names.
    fn owners(&self, id: &str) -> BTreeSet<String> {
        if let Some(t) = self.catalog.targets.get(id) {
            return t.agents.clone();
        }
        let site = &self.site;
        let agent = site
            .bonds
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.agent.clone())
            .or_else(|| {
                site.gateways
                    .iter()
                    .find(|g| g.id == id)
                    .map(|g| g.agent.clone())
            })
            .or_else(|| {
                site.clusters
                    .iter()
                    .find(|c| c.resources.iter().any(|r| r.id == id))
                    .map(|c| c.agent.clone())
            });
        agent
            .map(|a| a.unwrap_or_else(|| DEFAULT_AGENT.to_string()))
            .into_iter()
            .collect()
    }

    /// Handle one operation request for `agent`.
    pub fn operate(
        &mut self,
        agent: &str,
        authorization: Option<&str>,
        if_match: Option<&str>,
        body: &[u8],
        now: Instant,
    ) -> Answer {
        // the desk is lent out while the state behind it is the counter
        let mut desk = std::mem::take(&mut self.desk);
        let by = format!("sim agent {agent}");
        let mut counter = AtSim {
            sim: self,
            agent,
            now,
        };
        let answer = desk.handle(&by, authorization, if_match, body, &mut counter);
        self.desk = desk;
        answer
    }

    /// Change the simulated state as the real driver would.
    fn enact(&mut self, agent: &str, op: &Operation, now: Instant) -> Result<(), EnactError> {
        let target = resolve(&self.site, &op.target)?;
        let t = op.target.clone();
        let action = match (&op.kind, &target) {
            (OpKind::Drain, Target::Element { .. }) => Some(Action::Maintenance { target: t }),
            (OpKind::Undrain, Target::Element { .. }) => Some(Action::Repair { target: t }),
            (OpKind::Failover { .. }, Target::Element { .. }) => Some(Action::Bypass { target: t }),
            (OpKind::Drain, _) => Some(Action::Member {
                target: t,
                state: MemberState::Maintenance,
            }),
            (OpKind::Standby, _) => Some(Action::Member {
                target: t,
                state: MemberState::Standby,
            }),
            (OpKind::Undrain, _) => Some(Action::Member {
                target: t,
                state: MemberState::Ok,
            }),
            // the new master or active slave, reported as the real source would
            (OpKind::Failover { to: Some(to) }, Target::Gateway { .. } | Target::Bond { .. }) => {
                self.active.insert(op.target.clone(), to.clone());
                None
            }
            // where a cluster resource runs is not in the snapshot: only the version moves
            (OpKind::Failover { .. } | OpKind::Move { .. }, _) => None,
        };
        match action {
            Some(a) => self.apply(&a, now).map(|_| ())?,
            None => self.touch(agent),
        }
        Ok(())
    }
}

/// Why the simulated site cannot do what an operation asks.
#[derive(Debug, thiserror::Error)]
enum EnactError {
    #[error(transparent)]
    Target(#[from] crate::ops::TargetError),
    #[error(transparent)]
    Fault(#[from] super::faults::FaultError),
}

/// One simulated agent as the desk's counter.
struct AtSim<'a> {
    sim: &'a mut Sim,
    agent: &'a str,
    now: Instant,
}

impl Counter for AtSim<'_> {
    fn version(&mut self) -> Result<String, Box<Answer>> {
        match self.sim.content(self.agent, self.now) {
            Some((version, _)) => Ok(api::etag(self.agent, version)),
            None => Err(Box::new((
                404,
                reply("not_owned", "", format!("agent {:?} is gone", self.agent)),
            ))),
        }
    }

    fn judge(&mut self, req: &OpRequest) -> Result<Judged, Box<Answer>> {
        let (op, agent) = (&req.operation, self.agent);
        let what = op.describe();
        let owners = self.sim.owners(&op.target);
        if !owners.contains(agent) {
            let detail = if owners.is_empty() {
                format!("{} is not in site {}", op.target, self.sim.site.name)
            } else {
                let list: Vec<&str> = owners.iter().map(String::as_str).collect();
                format!(
                    "{} is owned by agent {}, not {agent}",
                    op.target,
                    list.join(", ")
                )
            };
            return Err(Box::new((409, reply("not_owned", &what, detail))));
        }
        let plan = preflight(&self.sim.site, &self.sim.live, op, None, 0.0)
            .map_err(|e| Box::new((422, reply("not_applicable", &what, e.to_string()))))?;
        let why: Vec<String> = plan
            .refusals
            .iter()
            .chain(&plan.degradations)
            .cloned()
            .collect();
        let judged_here = format!("judged {} here: {}", plan.verdict.word(), why.join("; "));
        let refused = (!allowed(plan.verdict, req)).then(|| judged_here.clone());
        Ok(Judged {
            verdict: Some(plan.verdict),
            refused,
            notes: vec![judged_here],
        })
    }

    fn carry_out(&mut self, op: &Operation) -> (Act, Option<String>) {
        match self.sim.enact(self.agent, op, self.now) {
            Ok(()) => {
                let version = self
                    .sim
                    .version(self.agent)
                    .map(|v| api::etag(self.agent, v));
                (Act::Done(String::new()), version)
            }
            Err(e) => (Act::NotApplicable(e.to_string()), None),
        }
    }
}
