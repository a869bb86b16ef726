//! Shared by the simulator's loopback tests: start the demo site in-process and talk to
//! its agents and its fault API through real HTTP.

#![allow(dead_code)]

use std::net::SocketAddr;

use redcon::api::{Decoded, Snapshot, decode_snapshot};
use redcon::model::{ElementState, LiveState, Site};
use redcon::sim::{self, Scenario, SimHandle, spawn_local};
use reqwest::StatusCode;
use serde_json::Value;

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy() // a proxy from the environment must not see loopback tests
        // No idle-pool timer: under paused time it would let tokio jump the clock ahead.
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// reqwest is built without its `json` feature, as the poller uses it.
pub async fn json<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> T {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

pub fn demo() -> (Site, LiveState) {
    let site = redcon::demo::site().unwrap();
    let live = redcon::demo::live(&site).unwrap();
    (site, live)
}

pub struct Demo {
    pub base: String,
    pub site: Site,
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

pub async fn start(scenario: Option<Scenario>) -> Demo {
    let (site, live) = demo();
    let (addr, sim, _task): (SocketAddr, _, _) =
        spawn_local(site.clone(), live, scenario).await.unwrap();
    Demo {
        base: format!("http://{addr}"),
        site,
        sim,
        http: client(),
    }
}

impl Demo {
    pub fn url(&self, agent: &str, what: &str) -> String {
        format!("{}{}/v1/{what}", self.base, sim::agent_path(agent))
    }

    pub async fn get(&self, agent: &str, what: &str) -> reqwest::Response {
        self.http.get(self.url(agent, what)).send().await.unwrap()
    }

    pub async fn body(&self, agent: &str) -> Vec<u8> {
        let r = self.get(agent, "snapshot").await;
        assert_eq!(r.status(), StatusCode::OK);
        r.bytes().await.unwrap().to_vec()
    }

    pub async fn snapshot(&self, agent: &str) -> Snapshot {
        let d: Decoded = decode_snapshot(&self.body(agent).await, agent).unwrap();
        assert!(d.errors.is_empty(), "{agent}: {:?}", d.errors);
        d.snapshot
    }

    pub async fn fault(&self, body: Value) -> (StatusCode, Value) {
        let url = format!("{}/v1/sim/faults", self.base);
        let r = self
            .http
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (r.status(), json(r).await)
    }

    pub async fn ok_fault(&self, body: Value) {
        let (status, answer) = self.fault(body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}: {answer}");
    }
}

pub fn state_of(s: &Snapshot, id: &str) -> ElementState {
    s.elements.iter().find(|e| e.id == id).unwrap().state
}
