//! keepalived: a router's MASTER role handed away and taken back through a
//! `vrrp_track_file` (collectors/keepalived.rs, `set_track_file`).

use std::collections::BTreeMap;

use super::{Act, Driver};
use crate::agent::collectors::keepalived::set_track_file;
use crate::agent::config::TrackFile;
use crate::ops::OpKind;

pub struct KeepalivedDriver {
    /// Instance -> its track file.
    pub failover: BTreeMap<String, TrackFile>,
}

impl Driver for KeepalivedDriver {
    fn collector(&self) -> &'static str {
        "keepalived"
    }

    fn group(&self, site_id: &str) -> Option<String> {
        self.failover
            .iter()
            .find(|(_, t)| t.group.as_deref() == Some(site_id))
            .map(|(instance, _)| instance.clone())
    }

    fn act(&self, instance: &str, kind: &OpKind, to: Option<&str>) -> Act {
        let Some(t) = self.failover.get(instance) else {
            return Act::NotApplicable(format!(
                "{instance}: no track file is configured for this VRRP instance (`failover` of the keepalived collector)"
            ));
        };
        // Failing over to this router takes the role back; to any other hands it away
        // (with two routers, to that one).
        let (value, what) = match kind {
            OpKind::Drain => (t.give_up, "hands MASTER away"),
            OpKind::Undrain => (0, "takes MASTER back"),
            OpKind::Failover { to: Some(_) } if to == Some(instance) => (0, "takes MASTER back"),
            OpKind::Failover { to: Some(_) } => (t.give_up, "hands MASTER away"),
            k => {
                return Act::NotApplicable(format!(
                    "{instance}: keepalived can hand a router's MASTER role away or take it back, not {} it",
                    k.verb()
                ));
            }
        };
        match set_track_file(&t.file, value) {
            Ok(()) => Act::Done(format!(
                "{instance}: wrote {value} to track file {} ({what}; keepalived acts within an advert interval)",
                t.file.display()
            )),
            Err(e) => Act::Failed(e.to_string()),
        }
    }
}
