//! Turning failed checks into findings an operator can act on: which elements, what
//! happens to which loads, in kW, in one sentence.
#![allow(
    clippy::indexing_slicing,
    reason = "load indices come from the Ctx built from the same site; each slice follows a length check on the same list"
)]

use super::flow::unscaled;
use super::graph::Ctx;
use super::report::{Finding, Rule, Tier};
use super::scenario::Outcome;
use super::storage::Storage;
use super::tiers::Assessor;

/// One failed check of one tier level.
pub(crate) struct Check {
    pub level: u8,
    pub rule: Rule,
    /// The scenario's removed set; empty for arithmetic and listed checks.
    pub removed: Vec<usize>,
    /// Which evaluator produced the failure (planned or unplanned).
    pub planned: bool,
    pub scenario: bool,
    pub zone: Option<String>,
    pub storage: Option<Storage>,
}

impl Check {
    pub fn scenario(level: u8, rule: Rule, removed: Vec<usize>, planned: bool) -> Check {
        Check {
            level,
            rule,
            removed,
            planned,
            scenario: true,
            zone: None,
            storage: None,
        }
    }
    pub fn zone(level: u8, zone: &str, members: Vec<usize>) -> Check {
        Check {
            zone: Some(zone.to_string()),
            ..Check::scenario(level, Rule::Compartment, members, false)
        }
    }
    pub fn storage(level: u8, rule: Rule, s: Storage) -> Check {
        Check {
            storage: Some(s),
            scenario: false,
            ..Check::scenario(level, rule, vec![], true)
        }
    }
    pub fn listed(level: u8, rule: Rule, elements: Vec<usize>) -> Check {
        Check {
            scenario: false,
            ..Check::scenario(level, rule, elements, true)
        }
    }
}

/// A figure as an operator writes it: "300", "8.5".
pub fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// "A, B, C and 5 more"
pub(crate) fn name_list(names: &[&str]) -> String {
    const SHOWN: usize = 4;
    if names.len() <= SHOWN + 1 {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

/// What a failed scenario does. `key` (loads lost, shortfall) is what findings merge on;
/// `detail` adds what was cut off and where the min cut lies, for a finding about one element.
struct Effect {
    key: String,
    detail: String,
    loads: Vec<String>,
}

fn effect(ctx: &Ctx, unit: &str, o: &Outcome) -> Effect {
    let mut key = Vec::new();
    let mut detail = Vec::new();
    if !o.stranded.is_empty() {
        let names: Vec<&str> = o.stranded.iter().map(|&e| ctx.id(e)).collect();
        detail.push(format!("cuts off {}", name_list(&names)));
    }
    let mut loads: Vec<String> = o
        .dead_loads
        .iter()
        .map(|&l| ctx.site.loads[l].id.clone())
        .collect();
    loads.sort();
    let dead_kw: f64 = o.dead_loads.iter().map(|&l| ctx.site.loads[l].demand).sum();
    if !loads.is_empty() {
        let names: Vec<&str> = loads.iter().map(String::as_str).collect();
        // a scenario's consequence, not a fact about now: "would"
        let text = format!(
            "{} ({} {unit}) would lose supply",
            name_list(&names),
            fmt_num(dead_kw)
        );
        key.push(text.clone());
        detail.push(text);
    }
    let short = unscaled(o.demand - o.served);
    if o.needs_cut(ctx) {
        let mut cut: Vec<&str> = o.cut.iter().map(|&e| ctx.id(e)).collect();
        cut.sort_unstable();
        let text = format!(
            "shortfall {} {unit} ({}/{} {unit})",
            fmt_num(short),
            fmt_num(unscaled(o.served)),
            fmt_num(unscaled(o.demand))
        );
        detail.push(if cut.is_empty() {
            text.clone()
        } else {
            format!("{text} at {}", name_list(&cut))
        });
        key.push(text);
    }
    if key.is_empty() {
        key.push("drops below the demand".to_string());
        detail.push("drops below the demand".to_string());
    }
    Effect {
        key: key.join("; "),
        detail: detail.join("; "),
        loads,
    }
}

fn storage_text(s: Option<Storage>, maintainable: bool) -> String {
    match s {
        Some(Storage::Known {
            total_h,
            without_largest_h,
        }) => fmt_num(if maintainable {
            without_largest_h
        } else {
            total_h
        }),
        _ => "unknown".to_string(),
    }
}

/// The sentence for one failed check, with `effect` worded as given.
fn sentence(a: &Assessor, c: &Check, ids: &[String], effect: &str) -> String {
    let ctx = a.ctx();
    let what = a.sub().name();
    let required = fmt_num(ctx.site.required_hours);
    let not = format!("Not {}", Tier(c.level));
    let head = ids.first().map_or("", String::as_str);
    match c.rule {
        Rule::Service => format!("{not}: {what} does not reach every critical load: {effect}"),
        Rule::Fuel => format!(
            "{not}: on-site fuel is {} h at N, below the {required} h required",
            storage_text(c.storage, false)
        ),
        Rule::CmFuel => format!(
            "{not}: with the largest fuel tank out of service {} h at N remain, below the {required} h required",
            storage_text(c.storage, true)
        ),
        Rule::MakeupWater if c.level >= 3 => format!(
            "{not}: makeup water with the largest tank out of service is {} h at N, below the {required} h required",
            storage_text(c.storage, true)
        ),
        Rule::MakeupWater => format!(
            "{not}: makeup water storage is {} h at N, below the {required} h required",
            storage_text(c.storage, false)
        ),
        Rule::CapacityNPlus1 => {
            format!("{not}: with capacity component {head} out of service, {effect}")
        }
        Rule::ConcurrentMaintenance => {
            format!(
                "{not}: {} cannot be removed for maintenance: {effect}",
                ids.join(" + ")
            )
        }
        Rule::GeneratorRating => format!(
            "{not}: {} standby-rated (runtime-limited); Tiers III and IV need prime or continuous ratings",
            ids.join(", ")
        ),
        Rule::FaultTolerance if ids.is_empty() => {
            format!("{not}: without operator action {what} does not serve every load now: {effect}")
        }
        Rule::FaultTolerance if ids.len() > 1 => format!(
            "{not}: an unplanned failure of {head} (taking down {}): {effect}",
            ids[1..].join(", ")
        ),
        Rule::FaultTolerance => format!("{not}: an unplanned failure of {head}: {effect}"),
        Rule::Compartment => format!(
            "{not}: one event in compartment {} ({}): {effect}",
            c.zone.as_deref().unwrap_or_default(),
            ids.join(", ")
        ),
        Rule::ContinuousCooling => {
            format!("{not}: cooling is not continuous through a power transfer")
        }
        Rule::ProviderPrerequisite => format!("{not}: provider prerequisite missing"),
    }
}

/// Findings for the checks of the next tier, merging elements that fail the same rule with
/// the same effect ("GSWG-1 …; same for UOB-1, PDU-1").
pub(crate) fn findings_for(a: &mut Assessor, checks: Vec<Check>) -> Vec<Finding> {
    let ctx = a.ctx();
    let sub = a.sub();
    let mut out: Vec<Finding> = Vec::new();
    let mut plain: Vec<String> = Vec::new();
    // the sentence of a finding that others joined is written once, at the end: rewriting
    // it at every join cost the square of the joined elements
    let mut merged: Vec<bool> = Vec::new();
    for c in checks {
        let ids: Vec<String> = c.removed.iter().map(|&e| ctx.id(e).to_string()).collect();
        let e = if c.scenario {
            let o = if c.planned {
                a.planned.finding_outcome(&c.removed)
            } else {
                a.unplanned.finding_outcome(&c.removed)
            };
            effect(ctx, sub.unit(), &o)
        } else {
            Effect {
                key: String::new(),
                detail: String::new(),
                loads: Vec::new(),
            }
        };
        let elements = match c.rule {
            Rule::FaultTolerance => ids.iter().take(1).cloned().collect(),
            Rule::Compartment => vec![format!("zone:{}", c.zone.as_deref().unwrap_or_default())],
            _ => ids.clone(),
        };
        let mergeable = matches!(
            c.rule,
            Rule::CapacityNPlus1 | Rule::ConcurrentMaintenance | Rule::FaultTolerance
        ) && !elements.is_empty();
        let same = out
            .iter()
            .position(|f| f.rule == c.rule && f.effect == e.key && !f.elements.is_empty());
        if mergeable && let Some(i) = same {
            out[i].elements.extend(elements);
            merged[i] = true;
            continue;
        }
        merged.push(false);
        plain.push(sentence(a, &c, &ids, &e.key));
        out.push(Finding {
            blocks_tier: Tier(c.level),
            subsystem: sub,
            rule: c.rule,
            elements,
            loads: e.loads,
            message: sentence(a, &c, &ids, &e.detail),
            effect: e.key,
        });
    }
    for ((f, p), m) in out.iter_mut().zip(&plain).zip(merged) {
        if m {
            f.message = format!("{p}; same for {}", f.elements[1..].join(", "));
        }
    }
    out
}
