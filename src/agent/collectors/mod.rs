//! Collectors read one real source each (one file per source) and add what they saw to
//! the next snapshot. They are synchronous on purpose: sources are files, sockets and
//! commands, and the agent runs them on a blocking thread.

pub mod bonding;
pub mod bridge;
pub mod command;
pub mod facility;
pub mod haproxy;
pub mod host;
pub mod io;
pub mod keepalived;
pub mod mdraid;
pub mod modbus;
pub mod nut;
pub mod nut_proto;
pub mod nut_report;
pub mod pacemaker;
pub mod parse;
pub mod redfish;
pub mod snmp;

use std::collections::BTreeMap;

use crate::api::{ElementReport, HostReport, MemberReport, TankReport};

use super::config::CollectorSpec;

/// What the collectors found in one round; the agent turns it into a `Snapshot`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    pub elements: Vec<ElementReport>,
    pub members: Vec<MemberReport>,
    pub tanks: Vec<TankReport>,
    pub host: Option<HostReport>,
    /// Which collector reported each id (the source's own name): operations on an id go
    /// to the source that reports it.
    pub owners: BTreeMap<String, Owner>,
    /// How each collector fared in this round, in config order.
    pub runs: Vec<CollectorRun>,
}

/// One collector's part of a round: did it report, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CollectorRun {
    pub owner: Owner,
    pub ok: bool,
    pub seconds: f64,
}

/// One configured collector: its place in the agent config's `collectors` list (an
/// agent may list several of one kind, e.g. two upsd servers) and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub slot: usize,
    pub kind: &'static str,
}

#[derive(Debug, thiserror::Error)]
#[error("collector {collector}: {message}")]
pub struct CollectorError {
    pub collector: &'static str,
    pub message: String,
}

pub trait Collector: Send {
    fn name(&self) -> &'static str;
    /// Add this round's observations to `out`. An error costs this collector's
    /// contribution for this round only; the others still report.
    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError>;
}

/// Build the collectors a configuration lists, in order. Fails on the first one that
/// cannot start, naming it.
pub fn build(specs: &[CollectorSpec]) -> Result<Vec<Box<dyn Collector>>, CollectorError> {
    specs
        .iter()
        .map(|spec| -> Result<Box<dyn Collector>, CollectorError> {
            match spec {
                CollectorSpec::Host { root } => {
                    Ok(Box::new(host::HostCollector::new(root.as_deref())?))
                }
                CollectorSpec::Nut {
                    server,
                    ups,
                    timeout_s,
                    ..
                } => Ok(Box::new(nut::NutCollector::new(server, ups, *timeout_s)?)),
                CollectorSpec::Keepalived {
                    fifo, instances, ..
                } => Ok(Box::new(keepalived::KeepalivedCollector::new(
                    fifo, instances,
                )?)),
                CollectorSpec::Haproxy {
                    socket,
                    backends,
                    timeout_s,
                } => Ok(Box::new(haproxy::HaproxyCollector::new(
                    socket, backends, *timeout_s,
                )?)),
                CollectorSpec::Mdraid { root, .. } => {
                    Ok(Box::new(mdraid::MdraidCollector::new(root.as_deref())))
                }
                CollectorSpec::Bonding { root } => {
                    Ok(Box::new(bonding::BondingCollector::new(root.as_deref())))
                }
                CollectorSpec::Bridge {
                    root,
                    bridges,
                    mstpctl,
                } => Ok(Box::new(bridge::BridgeCollector::new(
                    root.as_deref(),
                    bridges,
                    mstpctl.as_deref(),
                ))),
                CollectorSpec::Pacemaker {
                    command,
                    xml_file,
                    cib_file,
                    cluster,
                } => Ok(Box::new(pacemaker::PacemakerCollector::new(
                    command.as_deref(),
                    xml_file.as_deref(),
                    cib_file.as_deref(),
                    cluster.as_deref(),
                )?)),
                CollectorSpec::Snmp {
                    devices,
                    timeout_s,
                    retries,
                    concurrency,
                } => Ok(Box::new(snmp::SnmpCollector::new(
                    devices,
                    *timeout_s,
                    *retries,
                    *concurrency,
                )?)),
                CollectorSpec::Modbus {
                    devices,
                    timeout_s,
                    concurrency,
                } => Ok(Box::new(modbus::ModbusCollector::new(
                    devices,
                    *timeout_s,
                    *concurrency,
                )?)),
                CollectorSpec::Redfish {
                    url,
                    username,
                    password_file,
                    accept_invalid_certs,
                    concurrency,
                    prefix,
                } => Ok(Box::new(
                    redfish::RedfishCollector::new(
                        url,
                        username.as_deref(),
                        password_file.as_deref(),
                        *accept_invalid_certs,
                        *concurrency,
                    )?
                    .with_prefix(prefix.as_deref()),
                )),
            }
        })
        .collect()
}

/// Run every collector once. Errors come back with the partial result so the agent can
/// both serve what worked and say what did not.
pub fn collect_all(collectors: &mut [Box<dyn Collector>]) -> (Collected, Vec<CollectorError>) {
    let mut out = Collected::default();
    let mut errors = Vec::new();
    for (slot, c) in collectors.iter_mut().enumerate() {
        let (e, m, t) = (out.elements.len(), out.members.len(), out.tanks.len());
        let started = std::time::Instant::now();
        let result = c.collect(&mut out);
        let me = Owner {
            slot,
            kind: c.name(),
        };
        out.runs.push(CollectorRun {
            owner: me,
            ok: result.is_ok(),
            seconds: started.elapsed().as_secs_f64(),
        });
        if let Err(e) = result {
            errors.push(e);
        }
        let mut taken = Vec::new();
        let mut claim = |id: &str| match out.owners.get(id) {
            Some(first) if *first != me => {
                taken.push((id.to_string(), *first));
                false
            }
            Some(_) => true,
            None => {
                out.owners.insert(id.to_string(), me);
                true
            }
        };
        // Two sources naming one thing would put it twice in the snapshot with two
        // states; the first listed keeps it and the config error is said by name.
        let mut rest = out.elements.split_off(e);
        rest.retain(|x| claim(&x.id));
        out.elements.append(&mut rest);
        let mut rest = out.members.split_off(m);
        rest.retain(|x| claim(&x.id));
        out.members.append(&mut rest);
        let mut rest = out.tanks.split_off(t);
        rest.retain(|x| claim(&x.id));
        out.tanks.append(&mut rest);
        for (id, first) in taken {
            errors.push(CollectorError {
                collector: me.kind,
                message: format!(
                    "{id} is also reported by collector {} ({}), listed first, which keeps it; rename one at its source",
                    first.slot + 1,
                    first.kind
                ),
            });
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ElementState;

    /// A source that always reads fine.
    struct Steady;

    impl Collector for Steady {
        fn name(&self) -> &'static str {
            "steady"
        }
        fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
            Named("CRAH-1").collect(out)
        }
    }

    /// A source reporting one element under the given id.
    struct Named(&'static str);

    impl Collector for Named {
        fn name(&self) -> &'static str {
            "named"
        }
        fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
            out.elements.push(ElementReport {
                id: self.0.into(),
                state: ElementState::Ok,
                observed_at: 0.0,
                flags: Vec::new(),
                metrics: crate::api::Metrics::new(),
                position: None,
            });
            Ok(())
        }
    }

    #[test]
    fn collectors_of_one_kind_own_their_ids_and_a_clash_is_named() {
        let mut collectors: Vec<Box<dyn Collector>> = vec![
            Box::new(Named("ups1")),
            Box::new(Named("ups2")),
            Box::new(Named("ups1")),
        ];
        let (out, errors) = collect_all(&mut collectors);
        let ids: Vec<_> = out.elements.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["ups1", "ups2"], "a clash is served once");
        assert_eq!(out.owners["ups1"].slot, 0);
        assert_eq!(out.owners["ups2"].slot, 1);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .to_string()
                .contains("ups1 is also reported by collector 1 (named)"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_broken_source_costs_only_itself() {
        let server = nut::tests::fake_upsd(b"ERR\x00\xff garbage \"\n".to_vec());
        let mut collectors: Vec<Box<dyn Collector>> = vec![
            Box::new(nut::NutCollector::new(&server, &["ups1".into()], 1.0).unwrap()),
            Box::new(Steady),
        ];
        let (out, errors) = collect_all(&mut collectors);
        assert_eq!(errors.len(), 1);
        let runs: Vec<_> = out.runs.iter().map(|r| (r.owner.kind, r.ok)).collect();
        assert_eq!(
            runs,
            [("nut", false), ("steady", true)],
            "each collector's part"
        );
        assert!(
            errors[0].to_string().starts_with("collector nut: upsd"),
            "{}",
            errors[0]
        );
        let states: Vec<_> = out
            .elements
            .iter()
            .map(|e| (e.id.as_str(), e.state))
            .collect();
        assert_eq!(
            states,
            [
                ("ups1", ElementState::Unknown),
                ("CRAH-1", ElementState::Ok)
            ]
        );
    }
}
