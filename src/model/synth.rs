//! Generated sites of any size, for benchmarks, property tests and load tests of the
//! console. A campus is a row of halls; each hall is a believable Tier III block: an N+1
//! generator yard, A and B distribution with N+1 UPS modules, PDU-fed panels with
//! dual-corded racks, and a chilled-water plant with N+1 CRAHs.

use super::it::{Cluster, ClusterNode};
use super::site::{Activation, Element, Kind, Load, Rating, Site, Subsystem, Tank};

/// An active element with no extras: the building block of generated sites.
pub fn element(
    id: String,
    kind: Kind,
    capacity: Option<f64>,
    zone: &str,
    inputs: Vec<String>,
) -> Element {
    Element {
        id,
        kind,
        capacity,
        activation: Activation::Active,
        transfer_s: None,
        zone: Some(zone.to_string()),
        isolation_group: None,
        takes_down: vec![],
        rating: None,
        exempt_point_of_use: false,
        inputs,
        preferred: None,
        requires: vec![],
        agent: None,
        source: None,
        description: None,
        mtbf_h: None,
        mttr_h: None,
    }
}

/// Shape of one hall.
#[derive(Debug, Clone, Copy)]
pub struct HallShape {
    /// PDU pairs (each PDU feeds one panel).
    pub pdu_pairs: usize,
    /// Dual-corded racks spread over the panel pairs.
    pub racks: usize,
    pub rack_kw: f64,
    pub crahs: usize,
}

impl Default for HallShape {
    /// About 200 elements and 100 racks: ten of these make the 2,000-element benchmark site.
    fn default() -> Self {
        HallShape {
            pdu_pairs: 40,
            racks: 100,
            rack_kw: 8.0,
            crahs: 20,
        }
    }
}

/// A campus of `halls` identical halls.
pub fn campus(halls: usize, shape: HallShape) -> Site {
    let mut elements = Vec::new();
    let mut loads = Vec::new();
    let mut tanks = Vec::new();
    for h in 1..=halls {
        hall(h, shape, &mut elements, &mut loads);
        tanks.push(Tank {
            id: format!("H{h}-T1"),
            hours_at_n: 24.0,
            zone: None,
            agent: None,
            source: None,
        });
        tanks.push(Tank {
            id: format!("H{h}-T2"),
            hours_at_n: 24.0,
            zone: None,
            agent: None,
            source: None,
        });
    }
    let mut site = Site::new(format!("campus-{halls}"), elements, loads);
    site.description = Some(format!("generated campus of {halls} halls"));
    site.fuel_tanks = tanks;
    site.clusters = vec![Cluster {
        id: "campus-db".into(),
        nodes: (1..=3)
            .map(|i| ClusterNode {
                id: format!("db{i}"),
                votes: 1,
                via: vec![],
            })
            .collect(),
        witness: None,
        quorum: Default::default(),
        nodes_needed: 1,
        failover_s: 30.0,
        resources: vec![],
        shared: vec![],
        agent: None,
        source: None,
    }];
    site
}

/// A campus whose halls' switchgear all draw on one yard of three generators (hall 1's),
/// sized to carry the whole campus with one generator out: a common design that makes power
/// one connected component, the hard case for the engine's scenarios.
pub fn shared_yard(halls: usize, shape: HallShape) -> Site {
    let mut site = campus(halls, shape);
    let yard: Vec<String> = (1..=3).map(|i| format!("H1-G{i}")).collect();
    let total: f64 = site
        .loads
        .iter()
        .filter(|l| l.subsystem == Subsystem::Power)
        .map(|l| l.demand)
        .sum();
    for e in &mut site.elements {
        if yard.contains(&e.id) {
            e.capacity = Some(total / 2.0);
        } else if e.kind == Kind::Switchgear {
            e.inputs.clone_from(&yard);
        }
    }
    site.elements
        .retain(|e| e.kind != Kind::Generator || yard.contains(&e.id));
    site.name = format!("shared-yard-{halls}");
    site
}

fn hall(h: usize, s: HallShape, elements: &mut Vec<Element>, loads: &mut Vec<Load>) {
    let it_kw = s.racks as f64 * s.rack_kw;
    let p = |name: &str| format!("H{h}-{name}");
    let gen_kw = (it_kw / 2.0).ceil().max(1.0);
    let ups_kw = (it_kw / 2.0).ceil().max(1.0);
    let gens: Vec<String> = (1..=3).map(|i| p(&format!("G{i}"))).collect();
    for g in &gens {
        let mut e = element(g.clone(), Kind::Generator, Some(gen_kw), &p("GEN"), vec![]);
        e.activation = Activation::Auto;
        e.rating = Some(Rating::Prime);
        elements.push(e);
    }
    for side in ["A", "B"] {
        let zone = p(&format!("ELEC-{side}"));
        let gswg = p(&format!("GSWG-{side}"));
        elements.push(element(
            gswg.clone(),
            Kind::Switchgear,
            None,
            &zone,
            gens.clone(),
        ));
        let ups: Vec<String> = (1..=3).map(|i| p(&format!("UPS-{side}{i}"))).collect();
        for u in &ups {
            elements.push(element(
                u.clone(),
                Kind::Ups,
                Some(ups_kw),
                &zone,
                vec![gswg.clone()],
            ));
        }
        let uob = p(&format!("UOB-{side}"));
        elements.push(element(uob.clone(), Kind::Switchboard, None, &zone, ups));
        for k in 1..=s.pdu_pairs {
            let pdu = p(&format!("PDU-{side}{k:02}"));
            elements.push(element(
                pdu.clone(),
                Kind::Pdu,
                None,
                &p("HALL"),
                vec![uob.clone()],
            ));
            elements.push(element(
                p(&format!("PNL-{side}{k:02}")),
                Kind::Panel,
                None,
                &p("HALL"),
                vec![pdu],
            ));
        }
    }
    for r in 0..s.racks {
        let k = r % s.pdu_pairs.max(1) + 1;
        loads.push(Load {
            id: p(&format!("RACK-{:03}", r + 1)),
            subsystem: Subsystem::Power,
            demand: s.rack_kw,
            inputs: vec![p(&format!("PNL-A{k:02}")), p(&format!("PNL-B{k:02}"))],
            zone: Some(p("HALL")),
            description: None,
        });
    }
    // chilled water: 3 chillers and pumps on a common header, two loops, CRAHs split across them
    let crah_kw = (it_kw / (s.crahs.max(2) - 1) as f64).ceil().max(1.0);
    let chillers: Vec<String> = (1..=3).map(|i| p(&format!("CH{i}"))).collect();
    for c in &chillers {
        elements.push(element(
            c.clone(),
            Kind::Chiller,
            Some(it_kw / 2.0),
            &p("PLANT"),
            vec![],
        ));
    }
    let pumps: Vec<String> = (1..=3).map(|i| p(&format!("P{i}"))).collect();
    for (pump, ch) in pumps.iter().zip(&chillers) {
        elements.push(element(
            pump.clone(),
            Kind::Pump,
            Some(it_kw / 2.0),
            &p("PLANT"),
            vec![ch.clone()],
        ));
    }
    let loops: Vec<String> = ["A", "B"]
        .iter()
        .map(|side| p(&format!("LOOP-{side}")))
        .collect();
    for (lp, side) in loops.iter().zip(["A", "B"]) {
        elements.push(element(
            lp.clone(),
            Kind::Loop,
            None,
            &p(&format!("CHW-{side}")),
            pumps.clone(),
        ));
    }
    // dual-coil CRAHs: either loop can be valved off without losing a unit
    let crahs: Vec<String> = (1..=s.crahs).map(|i| p(&format!("CRAH-{i:02}"))).collect();
    for id in &crahs {
        elements.push(element(
            id.clone(),
            Kind::Crah,
            Some(crah_kw),
            &p("HALL"),
            loops.clone(),
        ));
    }
    loads.push(Load {
        id: p("HALL-HEAT"),
        subsystem: Subsystem::Cooling,
        demand: it_kw,
        inputs: crahs,
        zone: Some(p("HALL")),
        description: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmark_campus_has_the_advertised_size() {
        let site = campus(10, HallShape::default());
        assert!(
            (1990..=2100).contains(&site.elements.len()),
            "{}",
            site.elements.len()
        );
        let racks = site
            .loads
            .iter()
            .filter(|l| l.subsystem == Subsystem::Power)
            .count();
        assert_eq!(racks, 1000);
        assert!(
            site.loads
                .iter()
                .filter(|l| l.subsystem == Subsystem::Power)
                .all(|l| l.inputs.len() == 2)
        );
    }

    #[test]
    fn generated_site_passes_the_loader() {
        let site = campus(2, HallShape::default());
        let text = ron::ser::to_string(&site).unwrap_or_default();
        assert!(crate::model::parse_site(&text, "generated").is_ok());
    }
}
