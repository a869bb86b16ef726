//! Operator actions: drains, failovers and moves, and the preflight that says what one would
//! do to the site before anything is sent. Plain data and pure functions, like `classify`:
//! the console, the CLI and the agent all judge an operation the same way.

pub mod acks;
pub mod audit;
mod consequence;
mod preflight;
pub mod replies;
mod show;
mod target;
pub mod tokens;

use serde::{Deserialize, Serialize};

use crate::model::Id;

pub use consequence::{DataFacts, ResourceMove, UnitLoad};
pub use preflight::{GroupChange, Plan, SubsystemChange, Verdict, preflight, preflight_on};
pub use show::plan_text;
pub use target::{Target, TargetError, apply, carrier, owner, resolve};

/// What an operator can ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum OpKind {
    /// Take a unit out of service for maintenance: a UPS module, a cooling unit, a bond
    /// member, a RAID member, or a cluster node shut down (which loses its quorum vote).
    Drain,
    /// A cluster node into Pacemaker standby: it keeps its vote and hosts nothing.
    Standby,
    /// Back into service.
    Undrain,
    /// Hand the work to a partner: a VRRP group or an active-backup bond to the member `to`;
    /// a UPS to its bypass (`to` absent or `"bypass"`).
    Failover {
        #[serde(default)]
        to: Option<Id>,
    },
    /// A cluster resource to the node `to`.
    Move { to: Id },
}

impl OpKind {
    /// One operation of every kind (a failover and a move with no partner named: the
    /// target's own business). Kept whole by `number`, whose match stops compiling when a
    /// kind is added, and by the test that finds every number here once; the tests that
    /// must try every kind iterate this.
    pub fn all() -> [OpKind; 5] {
        [
            OpKind::Drain,
            OpKind::Standby,
            OpKind::Undrain,
            OpKind::Failover { to: None },
            OpKind::Move { to: Id::new() },
        ]
    }

    /// The kind's place in `all()`.
    pub fn number(&self) -> usize {
        match self {
            OpKind::Drain => 0,
            OpKind::Standby => 1,
            OpKind::Undrain => 2,
            OpKind::Failover { .. } => 3,
            OpKind::Move { .. } => 4,
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            OpKind::Drain => "drain",
            OpKind::Standby => "standby",
            OpKind::Undrain => "undrain",
            OpKind::Failover { .. } => "failover",
            OpKind::Move { .. } => "move",
        }
    }
}

/// One operation as asked: what, on which target, by whom and why. Anyone may build one and
/// ask for its preflight; only an [`Authority`] turns it into a [`Mutation`] that can be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    #[serde(flatten)]
    pub kind: OpKind,
    pub target: Id,
    pub reason: String,
    pub operator: String,
    /// Retries with the same key are carried out once.
    pub idempotency_key: String,
}

impl Operation {
    /// `drain UPS-A1`, `failover vrid10 to R2`.
    pub fn describe(&self) -> String {
        match &self.kind {
            OpKind::Failover { to: Some(to) } => format!("failover {} to {to}", self.target),
            OpKind::Failover { to: None } => format!("failover {} to bypass", self.target),
            OpKind::Move { to } => format!("move {} to {to}", self.target),
            k => format!("{} {}", k.verb(), self.target),
        }
    }
}

/// What the operator has acknowledged beyond a safe plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Acknowledged {
    /// `--accept-degrade` or the console's second confirmation of a degrading plan.
    pub degrade: bool,
    /// `--force`: carry out a refused plan (with a reason, which every operation has).
    pub force: bool,
}

/// The right to change a site. The read-only faces (the wallboard, a console started
/// read-only) never hold one, so they cannot build a [`Mutation`]; the agent checks its own
/// tokens again on arrival.
#[derive(Debug)]
pub struct Authority {
    operator: String,
}

impl Authority {
    /// For a face started in operator mode, acting as `operator`.
    pub fn operator(operator: impl Into<String>) -> Authority {
        Authority {
            operator: operator.into(),
        }
    }

    pub fn name(&self) -> &str {
        &self.operator
    }
}

/// An operation cleared to be sent: its preflight allowed it (or was acknowledged), and it
/// carries the state version the plan was computed on, so the agent can refuse it if the
/// site has changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
/// Its fields are private: the only way to make one is `Mutation::clear`, which needs an
/// `Authority` and a plan that allows it.
pub struct Mutation {
    operation: Operation,
    verdict: Verdict,
    acknowledged: Acknowledged,
    /// The version (ETag) of the state the plan was computed on.
    state_version: String,
}

/// Why an operation was not cleared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotCleared {
    #[error("{0}: this degrades the site; confirm with --accept-degrade")]
    Degrades(String),
    #[error("{0}: refused by preflight ({1}); only --force with a reason overrides")]
    Refused(String, String),
    #[error("{0}: the data it stands on is not fresh ({1}); only --force with a reason overrides")]
    Uncertain(String, String),
    #[error("an operation needs a reason")]
    NoReason,
}

impl Mutation {
    pub fn operation(&self) -> &Operation {
        &self.operation
    }
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }
    pub fn acknowledged(&self) -> Acknowledged {
        self.acknowledged
    }
    /// The version (ETag) of the state the plan was computed on.
    pub fn state_version(&self) -> &str {
        &self.state_version
    }

    /// Clear `op` for sending, given its plan and what the operator acknowledged.
    pub fn clear(
        authority: &Authority,
        mut op: Operation,
        plan: &Plan,
        acknowledged: Acknowledged,
        state_version: impl Into<String>,
    ) -> Result<Mutation, NotCleared> {
        if op.reason.trim().is_empty() {
            return Err(NotCleared::NoReason);
        }
        match &plan.verdict {
            Verdict::Safe => {}
            Verdict::Degrades if acknowledged.degrade || acknowledged.force => {}
            Verdict::Degrades => return Err(NotCleared::Degrades(op.describe())),
            Verdict::Uncertain | Verdict::Refused if acknowledged.force => {}
            Verdict::Uncertain => {
                return Err(NotCleared::Uncertain(
                    op.describe(),
                    plan.uncertain.join("; "),
                ));
            }
            Verdict::Refused => {
                return Err(NotCleared::Refused(op.describe(), plan.refusals.join("; ")));
            }
        }
        op.operator = authority.operator.clone();
        Ok(Mutation {
            operation: op,
            verdict: plan.verdict,
            acknowledged,
            state_version: state_version.into(),
        })
    }
}

#[cfg(test)]
mod kinds_tests {
    use super::OpKind;

    #[test]
    fn every_kind_is_in_all_once_in_its_place() {
        let numbers: Vec<usize> = OpKind::all().iter().map(OpKind::number).collect();
        assert_eq!(numbers, (0..OpKind::all().len()).collect::<Vec<_>>());
    }
}
