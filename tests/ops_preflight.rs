//! Preflight on the worked examples of docs/tier-rules.md §4: what a drain, a standby, a failover or a
//! move would do, and whether it is safe, degrades the site, or is refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark that cannot go on should stop loudly"
)]

mod common;

use common::*;
use redcon::model::{ElementState, LiveState, MemberState, Site};
use redcon::ops::{
    Acknowledged, Authority, Mutation, NotCleared, OpKind, Operation, Plan, TargetError, Verdict,
    preflight,
};

fn op(kind: OpKind, target: &str) -> Operation {
    Operation {
        kind,
        target: target.into(),
        reason: "quarterly maintenance".into(),
        operator: "alice".into(),
        idempotency_key: "k1".into(),
    }
}

fn plan(site: &Site, live: &LiveState, kind: OpKind, target: &str) -> Plan {
    preflight(site, live, &op(kind, target), None, 0.0)
        .unwrap_or_else(|e| panic!("preflight {target}: {e}"))
}

fn e01_with(failed: &[&str]) -> (Site, LiveState) {
    let site = load_site("e01");
    let mut live = LiveState::default();
    for id in failed {
        live.elements
            .insert((*id).into(), ElementState::Maintenance);
    }
    (site, live)
}

#[test]
fn draining_one_ups_of_an_n_plus_1_group_degrades() {
    let (site, live) = e01_with(&[]);
    let p = plan(&site, &live, OpKind::Drain, "U1");
    assert_eq!(p.verdict, Verdict::Degrades, "{p:#?}");
    assert!(p.lost_loads.is_empty());
    assert!(p.refusals.is_empty());
    let power = p.subsystems.iter().find(|s| s.subsystem == "power");
    let power = power.unwrap_or_else(|| panic!("no power row: {p:#?}"));
    assert_eq!(power.label_before, "N+1");
    assert_eq!(power.label_after, "N");
    // the two modules left each become a single point of failure
    for u in ["U2", "U3"] {
        assert!(
            p.new_spofs.iter().any(|s| s == u),
            "{u} in {:?}",
            p.new_spofs
        );
    }
    assert!(p.site_level, "a UPS module is a site-level target");
}

#[test]
fn draining_a_ups_at_n_is_refused_and_names_the_load() {
    let (site, live) = e01_with(&["U2"]);
    let p = plan(&site, &live, OpKind::Drain, "U1");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert_eq!(p.lost_loads, ["IT"]);
    assert!(
        p.refusals
            .iter()
            .any(|r| r.contains("IT") && r.contains("lose supply")),
        "{:?}",
        p.refusals
    );
}

#[test]
fn undrain_restores_and_reports_time_in_maintenance() {
    let (site, live) = e01_with(&["U2"]);
    let p = preflight(
        &site,
        &live,
        &op(OpKind::Undrain, "U2"),
        Some(1000.0),
        4600.0,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.verdict, Verdict::Safe, "{p:#?}");
    assert_eq!(p.in_maintenance_for_s, Some(3600.0));
    assert!(p.live_tier_after >= p.live_tier_before);
}

#[test]
fn shutting_down_one_node_of_three_degrades_and_a_second_is_refused_for_quorum() {
    let site = load_site("e09");
    let live = LiveState::default();
    let p = plan(&site, &live, OpKind::Drain, "n3");
    assert_eq!(p.verdict, Verdict::Degrades, "{p:#?}");
    let g = p.groups.iter().find(|g| g.id == "cl1");
    let g = g.unwrap_or_else(|| panic!("cl1 not in {p:#?}"));
    let (before, after) = g.quorum.unwrap_or_else(|| panic!("no votes in {g:#?}"));
    assert_eq!((before.present, before.quorum, before.expected), (3, 2, 3));
    assert_eq!((after.present, after.quorum), (2, 2));
    assert_eq!((g.tolerance_before, g.tolerance_after), (1, 0));

    let live_a = load_live("e09-live-a", &site);
    let p = plan(&site, &live_a, OpKind::Drain, "n2");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert!(
        p.refusals
            .iter()
            .any(|r| r.contains("cl1") && r.contains("quorum lost")),
        "the refusal names the quorum: {:?}",
        p.refusals
    );
}

#[test]
fn standby_keeps_the_vote_and_is_judged_by_capacity() {
    let site = load_site("e09");
    // one standby: still 3 votes, 2 hosts for a workload of 1 -> t stays 1
    let p = plan(&site, &LiveState::default(), OpKind::Standby, "n3");
    assert_eq!(p.verdict, Verdict::Safe, "{p:#?}");
    let g = p.groups.iter().find(|g| g.id == "cl1");
    let g = g.unwrap_or_else(|| panic!("cl1 not in {p:#?}"));
    let (_, after) = g.quorum.unwrap_or_else(|| panic!("no votes"));
    assert_eq!(after.present, 3, "standby keeps its vote");

    // a second standby leaves one host: no redundancy left
    let live_b = load_live("e09-live-b", &site);
    let p = plan(&site, &live_b, OpKind::Standby, "n2");
    assert_eq!(p.verdict, Verdict::Degrades, "{p:#?}");

    // the last host too: the workload has nowhere to run, though quorum holds
    let mut both = live_b.clone();
    both.members.insert("n2".into(), MemberState::Standby);
    let p = plan(&site, &both, OpKind::Standby, "n1");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert!(
        p.refusals
            .iter()
            .any(|r| r.contains("cl1") && r.contains("node")),
        "{:?}",
        p.refusals
    );
}

#[test]
fn failing_a_vrrp_group_over_to_a_live_backup_is_safe() {
    let site = load_site("e10-two-routers");
    let to_r2 = OpKind::Failover {
        to: Some("R2".into()),
    };
    let p = plan(&site, &LiveState::default(), to_r2.clone(), "vrid10");
    assert_eq!(p.verdict, Verdict::Safe, "{p:#?}");
    assert!(p.new_spofs.is_empty() && p.refusals.is_empty());

    let mut r2_down = LiveState::default();
    r2_down.members.insert("R2".into(), MemberState::Failed);
    let p = plan(&site, &r2_down, to_r2, "vrid10");
    assert_eq!(p.verdict, Verdict::Refused, "{p:#?}");
    assert!(
        p.refusals.iter().any(|r| r.contains("R2")),
        "{:?}",
        p.refusals
    );
}

#[test]
fn targets_that_do_not_fit_are_errors_not_guesses() {
    let (site, live) = e01_with(&[]);
    let e = preflight(&site, &live, &op(OpKind::Drain, "NOPE"), None, 0.0);
    assert!(
        matches!(e, Err(TargetError::Unknown(ref id)) if id == "NOPE"),
        "{e:?}"
    );
    let e = preflight(
        &site,
        &live,
        &op(OpKind::Failover { to: None }, "PDU-1"),
        None,
        0.0,
    );
    assert!(matches!(e, Err(TargetError::NotApplicable { .. })), "{e:?}");
    let e = preflight(&site, &live, &op(OpKind::Standby, "U1"), None, 0.0);
    assert!(matches!(e, Err(TargetError::NotApplicable { .. })), "{e:?}");
    let vrrp = load_site("e10-two-routers");
    let e = preflight(
        &vrrp,
        &live,
        &op(
            OpKind::Failover {
                to: Some("R9".into()),
            },
            "vrid10",
        ),
        None,
        0.0,
    );
    assert!(matches!(e, Err(TargetError::NotAMember { .. })), "{e:?}");
}

#[test]
fn a_ups_fails_over_to_its_bypass() {
    let (site, live) = e01_with(&[]);
    let p = plan(&site, &live, OpKind::Failover { to: None }, "U1");
    // bypass passes raw power: the module gives no ride-through, like a drained one
    assert_eq!(p.verdict, Verdict::Degrades, "{p:#?}");
    assert_eq!(p.operation, "failover U1 to bypass");
}

#[test]
fn clearing_needs_acknowledgement_for_degrade_and_force_for_refusal() {
    let auth = Authority::operator("bob");
    let (site, live) = e01_with(&[]);
    let degrade = plan(&site, &live, OpKind::Drain, "U1");
    let o = op(OpKind::Drain, "U1");
    let none = Acknowledged::default();
    assert!(matches!(
        Mutation::clear(&auth, o.clone(), &degrade, none, "v1"),
        Err(NotCleared::Degrades(_))
    ));
    let ok = Mutation::clear(
        &auth,
        o.clone(),
        &degrade,
        Acknowledged {
            degrade: true,
            force: false,
        },
        "v1",
    );
    let ok = ok.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ok.operation().operator,
        "bob",
        "the authority, not the request, names who"
    );
    assert_eq!(ok.state_version(), "v1");

    let (site, live) = e01_with(&["U2"]);
    let refused = plan(&site, &live, OpKind::Drain, "U1");
    let ack = Acknowledged {
        degrade: true,
        force: false,
    };
    match Mutation::clear(&auth, o.clone(), &refused, ack, "v2") {
        Err(NotCleared::Refused(what, why)) => {
            assert_eq!(what, "drain U1");
            assert!(why.contains("IT"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    let forced = Acknowledged {
        degrade: false,
        force: true,
    };
    assert!(Mutation::clear(&auth, o.clone(), &refused, forced, "v2").is_ok());
    let mut no_reason = o;
    no_reason.reason = "  ".into();
    assert_eq!(
        Mutation::clear(&auth, no_reason, &refused, forced, "v2").err(),
        Some(NotCleared::NoReason)
    );
}

/// A refusal that rests on unknown items is not claimed: with U2 unknown (its agent does
/// not answer), draining U1 would drop IT only if U2 is down, so the plan is UNCERTAIN and
/// says so; with U2 known in maintenance the same drain is REFUSED, IT named (domain §7.8:
/// no sentence claims a load loses supply because of unknown items).
#[test]
fn a_refusal_that_rests_on_unknown_items_is_uncertain() {
    let site = load_site("e01");
    let mut live = LiveState::default();
    live.elements.insert("U2".into(), ElementState::Unknown);
    let p = plan(&site, &live, OpKind::Drain, "U1");
    assert_eq!(p.verdict, Verdict::Uncertain, "{p:#?}");
    assert!(p.refusals.is_empty(), "{:?}", p.refusals);
    assert!(p.lost_loads.is_empty(), "{:?}", p.lost_loads);
    assert!(
        p.uncertain
            .iter()
            .any(|u| u == "if the unknown items are down: IT would lose supply"),
        "{:?}",
        p.uncertain
    );
    // it still needs --force: unknown is not safe either
    let ack = Acknowledged {
        degrade: true,
        force: false,
    };
    let cleared = Mutation::clear(
        &Authority::operator("bob"),
        op(OpKind::Drain, "U1"),
        &p,
        ack,
        "v1",
    );
    assert!(
        matches!(cleared, Err(NotCleared::Uncertain(..))),
        "{cleared:?}"
    );

    let (site, live) = e01_with(&["U2"]);
    assert_eq!(
        plan(&site, &live, OpKind::Drain, "U1").verdict,
        Verdict::Refused
    );
}
