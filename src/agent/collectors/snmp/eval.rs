//! A device's answers (OID -> value) judged by its profile: one element, members for
//! table rows, and the readings that could not be believed. Pure.

use std::collections::BTreeMap;

use smol_str::SmolStr;

use super::super::facility::{self, Judged, Meaning, Reading, Verdict};
use super::profile::{Profile, Table, oid_text, parse_oid};
use crate::api::{ElementReport, MemberReport};

/// What one device answered, by OID. OIDs it has no object for are simply absent.
pub type Answers = BTreeMap<Vec<u64>, Reading>;

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub element: ElementReport,
    pub members: Vec<MemberReport>,
    pub problems: Vec<String>,
}

/// A table's rows: index (the OID's tail after the column) -> column -> reading.
type Rows = BTreeMap<Vec<u64>, BTreeMap<String, Reading>>;

fn rows(table: &Table, answers: &Answers) -> Rows {
    let mut rows: Rows = BTreeMap::new();
    for (col, v) in &table.columns {
        let Some(prefix) = v.oid.as_deref().and_then(|o| parse_oid(o).ok()) else {
            continue;
        };
        for (oid, reading) in answers.range(prefix.clone()..) {
            let Some(index) = oid.strip_prefix(prefix.as_slice()) else {
                break;
            };
            if !index.is_empty() {
                rows.entry(index.to_vec())
                    .or_default()
                    .insert(col.clone(), reading.clone());
            }
        }
    }
    rows
}

/// The meaning of a table's columns, or of a profile's values.
fn meanings<'a>(
    values: impl Iterator<Item = (&'a String, &'a super::profile::Value)>,
) -> BTreeMap<String, Meaning> {
    values.map(|(n, v)| (n.clone(), v.meaning())).collect()
}

/// Judge one device. `element` is its id in reports, `source` names it in problems
/// (`CRAH-1 (127.0.0.1:1161)`).
pub fn evaluate(
    element: &str,
    source: &str,
    profile: &Profile,
    answers: &Answers,
    observed_at: f64,
) -> Evaluated {
    let oid_of = |name: &str| {
        profile
            .values
            .get(name)
            .and_then(|v| v.oid.clone())
            .unwrap_or_else(|| "keyed table".to_string())
    };
    let mut readings: BTreeMap<String, Reading> = BTreeMap::new();
    for (name, v) in &profile.values {
        if let Some(r) = v
            .oid
            .as_deref()
            .and_then(|o| parse_oid(o).ok())
            .and_then(|o| answers.get(&o))
        {
            readings.insert(name.clone(), r.clone());
        }
    }
    let mut members = Vec::new();
    let mut extra = Judged::default();
    let mut worst: Option<Verdict> = None;
    for table in &profile.tables {
        let rows = rows(table, answers);
        let cols = meanings(table.columns.iter());
        let col_oid = |c: &str| {
            table
                .columns
                .get(c)
                .and_then(|v| v.oid.clone())
                .unwrap_or_default()
        };
        if let Some(k) = &table.keyed {
            for row in rows.values() {
                keyed_reading(k, row, &mut readings);
            }
            continue;
        }
        let quiet: BTreeMap<String, Meaning> = cols
            .iter()
            .map(|(n, m)| {
                let mut m = m.clone();
                m.metric = None;
                m.flags.clear();
                (n.clone(), m)
            })
            .collect();
        for (index, row) in &rows {
            let index = oid_text(index);
            let id = format!("{element}/{}.{index}", table.name);
            let what = |c: &str| format!("{}.{index}", col_oid(c));
            if table.members {
                let mut j = facility::judge(&id, row, &cols, &table.rules, &[], &what);
                let state = j.member_state();
                if let Some(Reading::Text(t)) = table.label.as_ref().and_then(|l| row.get(l)) {
                    let t: String = t.chars().filter(|c| !c.is_control()).take(80).collect();
                    if !t.trim().is_empty() {
                        j.flags.push(SmolStr::new(format!("desc:{}", t.trim())));
                    }
                }
                extra.problems.append(&mut j.problems);
                members.push(MemberReport {
                    id: id.clone().into(),
                    state,
                    observed_at,
                    rebuild: None,
                    flags: j.flags,
                    metrics: j.metrics,
                });
            }
            if !table.element_rules.is_empty() {
                let j = facility::judge(&id, row, &quiet, &table.element_rules, &[], &what);
                if let Some(v) = j.verdict.filter(|v| *v != Verdict::Ok) {
                    worst = Some(worst.map_or(v, |w| w.max(v)));
                }
                for f in j.flags {
                    if !extra.flags.contains(&f) {
                        extra.flags.push(f);
                    }
                }
            }
            for (col, metric) in &table.max {
                let scale = table.columns.get(col).map_or(1.0, |c| c.scale);
                if let Some(v) = row.get(col).and_then(Reading::number).map(|v| v * scale) {
                    let m = extra.metrics.get(metric).map_or(v, |h| h.max(v));
                    extra.metrics.insert(metric, m);
                }
            }
        }
    }
    let mut j = facility::judge(
        source,
        &readings,
        &meanings(profile.values.iter()),
        &profile.rules,
        &profile.require,
        &|n| oid_of(n),
    );
    if let (Some(v), Some(w)) = (j.verdict, worst) {
        j.verdict = Some(v.max(w));
    }
    if j.verdict.is_some() {
        j.flags.append(&mut extra.flags);
    }
    for (k, v) in extra.metrics.iter() {
        j.metrics.insert(k, v);
    }
    j.problems.append(&mut extra.problems);
    let position = profile
        .position
        .as_ref()
        .and_then(|p| facility::position(element, p, &readings));
    let state = j.element_state();
    Evaluated {
        element: ElementReport {
            id: element.into(),
            state,
            observed_at,
            flags: j.flags,
            metrics: j.metrics,
            position: position.filter(|_| state != crate::model::ElementState::Unknown),
        },
        members,
        problems: j.problems,
    }
}

/// One self-describing row (APC `coolingUnit`): description -> a device reading, its
/// value divided by the row's scale and in °C.
fn keyed_reading(
    k: &super::profile::Keyed,
    row: &BTreeMap<String, Reading>,
    readings: &mut BTreeMap<String, Reading>,
) {
    let Some(Reading::Text(key)) = row.get(&k.key) else {
        return;
    };
    let Some(name) = k.keys.get(key.trim()) else {
        return;
    };
    let Some(raw) = row.get(&k.value) else {
        return;
    };
    let Some(mut v) = raw.number() else {
        // Left as text: the device judgement names it as not a number.
        readings.insert(name.clone(), raw.clone());
        return;
    };
    if let Some(d) = k.divisor.as_ref().and_then(|d| row.get(d)?.number()) {
        if d == 0.0 {
            return;
        }
        v /= d;
    }
    let unit = k.units.as_ref().and_then(|u| match row.get(u) {
        Some(Reading::Text(t)) => Some(t.trim().to_string()),
        _ => None,
    });
    if unit.as_deref() == Some("F") {
        v = (v - 32.0) * 5.0 / 9.0;
    }
    readings.insert(name.clone(), Reading::Number(v));
}
