//! The storage of every computer system: each storage subsystem's drives and volumes,
//! reported per system as members `<system>/Drives/<id>`, `<system>/Volumes/<id>`.

use futures_util::future::join_all;

use super::resource::{self, Subsystem};
use super::walk::{Found, collection, unreadable};
use super::{Fetcher, subsystem_reports};
use crate::agent::collectors::parse::ParseError;
use crate::api;

pub(super) async fn all_systems(f: &Fetcher, link: Option<&str>) -> Found {
    let Some(link) = link else {
        return Found::default();
    };
    let systems = match collection(f, link).await {
        Ok(s) => s,
        Err(e) => return Found::failed(e),
    };
    let mut found = Found::default();
    for (system, (sub, errors)) in systems
        .iter()
        .zip(join_all(systems.iter().map(|s| storage(f, s))).await)
    {
        found.errors.extend(errors);
        let id = resource::member_path(system);
        let id = id.rsplit('/').next().unwrap_or(&id);
        found.members.extend(subsystem_reports(
            id,
            "StorageRedundancy",
            &sub,
            api::unix_now(),
        ));
    }
    found
}

/// The drives and volumes of every storage subsystem of one computer system.
async fn storage(f: &Fetcher, system: &str) -> (Subsystem, Vec<ParseError>) {
    let mut sub = Subsystem::default();
    let mut errors = Vec::new();
    let storages = match f
        .get(system)
        .await
        .and_then(|(u, t)| resource::parse_system(&t, &u))
    {
        Ok(Some(link)) => collection(f, &link).await,
        Ok(None) => Ok(Vec::new()), // no Storage: nothing to say, not an error
        Err(e) => Err(e),
    };
    let storages = storages.unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let links = join_all(storages.iter().map(|s| async move {
        f.get(s)
            .await
            .and_then(|(u, t)| resource::parse_storage(&t, &u))
    }))
    .await;
    let mut members: Vec<(String, &str)> = Vec::new();
    let mut volumes = Vec::new();
    for l in links {
        match l {
            Ok(l) => {
                members.extend(l.drives.into_iter().map(|d| (d, "Drives")));
                volumes.extend(l.volumes);
            }
            Err(e) => errors.push(e),
        }
    }
    for v in join_all(volumes.iter().map(|v| collection(f, v))).await {
        match v {
            Ok(vols) => members.extend(vols.into_iter().map(|v| (v, "Volumes"))),
            Err(e) => errors.push(e),
        }
    }
    let read = join_all(members.iter().map(|(m, kind)| async move {
        f.get(m)
            .await
            .and_then(|(u, t)| resource::parse_component(&t, kind, &u))
    }))
    .await;
    for ((m, _), r) in members.iter().zip(read) {
        match r {
            Ok(c) => sub.components.push(c),
            Err(e) => {
                errors.push(e);
                sub.components.push(unreadable(m));
            }
        }
    }
    (sub, errors)
}
