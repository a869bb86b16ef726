//! A Prometheus that answers wrong: an HTML page, an error status, a query error, a body
//! past the ceiling, a vector of nonsense, or nothing at all. `redcon status` with it as
//! the live source must end within its timeout with UNKNOWN and a reason naming the
//! server, and never report anything healthy, never panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod peers;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use peers::TempDir;
use serde_json::Value;

/// A loopback server answering every request with `answer` (`None`: reads the request
/// and never answers), until the test ends.
fn server(answer: Option<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
                let _ = conn.read(&mut buf);
                match answer {
                    Some(a) => {
                        let _ = conn.write_all(a.as_bytes());
                    }
                    None => std::thread::sleep(Duration::from_secs(30)),
                }
            });
        }
    });
    addr
}

fn http(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

fn status_with(dir: &TempDir, name: &str, addr: &str) -> (Value, Duration) {
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    let cfg = dir.write(
        &format!("{name}.ron"),
        &format!(
            "(sites: [(name: \"dc1\", site: {site:?}, prometheus: (url: \"http://{addr}\", timeout_s: 2.0))])"
        ),
    );
    let t0 = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["status", "--format", "json", "--timeout", "5", "--config"])
        .arg(&cfg)
        .env_remove("RUST_LOG")
        .env("XDG_STATE_HOME", dir.path("state"))
        .output()
        .unwrap();
    let took = t0.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {text}{stderr}"));
    assert_eq!(out.status.code(), Some(3), "{name}: {v:#}");
    (v, took)
}

#[test]
fn a_prometheus_that_answers_wrong_leaves_the_site_unknown_and_is_named() {
    let dir = TempDir::new("prometheus-hostile");
    let huge = format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"vector\",\"result\":[{}]}}}}",
        vec!["{\"metric\":{},\"value\":[1,\"1\"]}"; 700_000].join(",")
    );
    let nonsense = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"redcon_agent_info","agent":"ups-gw-a","instance":"x"},"value":[1,"1"]},
        {"metric":{"__name__":"redcon_element_state","element":"UPS-A1","state":"ok","instance":"x"},"value":[1,"NaN"]},
        {"metric":{"__name__":"redcon_element_state","element":"UPS-A1","state":"failed","instance":"x"},"value":[1,"+Inf"]}]}}"#;
    let cases: Vec<(&str, Option<String>, &str)> = vec![
        (
            "html",
            Some(http("200 OK", "text/html", "<html>sign in</html>")),
            "not a query API answer",
        ),
        (
            "500",
            Some(http("500 Internal Server Error", "text/plain", "boom")),
            "HTTP 500",
        ),
        (
            "refused",
            Some(http(
                "400 Bad Request",
                "application/json",
                r#"{"status":"error","errorType":"bad_data","error":"parse error at char 1"}"#,
            )),
            "bad_data: parse error",
        ),
        (
            "huge",
            Some(http("200 OK", "application/json", &huge)),
            "larger than",
        ),
        (
            "redirect",
            Some(http(
                "302 Found\r\nLocation: http://example.invalid/",
                "text/plain",
                "",
            )),
            "HTTP 302",
        ),
        (
            "nonsense",
            Some(http("200 OK", "application/json", nonsense)),
            "",
        ),
        ("silent", None, "no answer within 2 s"),
    ];
    for (name, answer, why) in cases {
        let addr = server(answer);
        let (v, took) = status_with(&dir, name, &addr);
        assert!(took < Duration::from_secs(8), "{name}: took {took:?}");
        assert_eq!(v["state"], "UNKNOWN", "{name}: {v:#}");
        assert_eq!(v["source"], "prometheus");
        assert_eq!(v["live_tier"], Value::Null, "{name}");
        let agents = v["agents"].as_array().unwrap();
        assert!(!agents.is_empty(), "{name}");
        for a in agents {
            assert_ne!(a["freshness"], "fresh", "{name}: {a:#}");
            let error = a["error"].as_str().unwrap_or_default();
            if !why.is_empty() {
                assert!(
                    error.contains(&format!("prometheus http://{addr}")) && error.contains(why),
                    "{name}: {a:#}"
                );
            }
        }
        assert!(
            v["unknown_items"].as_array().unwrap().len() > 10,
            "{name}: {v:#}"
        );
    }
}

#[test]
fn an_exporter_with_only_a_prometheus_to_read_says_it_polls_agents_itself() {
    let dir = TempDir::new("prometheus-exporter");
    let site = format!("{}/assets/demo/site.ron", env!("CARGO_MANIFEST_DIR"));
    let cfg = dir.write(
        "c.ron",
        &format!(
            "(sites: [(name: \"dc1\", site: {site:?}, prometheus: (url: \"http://127.0.0.1:9\"))])"
        ),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(["exporter", "--listen", "127.0.0.1:0", "--config"])
        .arg(&cfg)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("site dc1 is read from Prometheus and lists no agent URLs"),
        "{said}"
    );
}
