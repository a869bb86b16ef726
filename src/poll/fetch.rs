//! One poll of one agent: GET /v1/snapshot with If-None-Match, a deadline for the whole
//! exchange and a ceiling on the body, read chunk by chunk so a 50 MB answer costs at most
//! the ceiling.

use std::time::Duration;

use reqwest::header::{ETAG, IF_NONE_MATCH};

use crate::api::{DecodeError, Decoded, decode_snapshot};

#[derive(Debug)]
pub enum Fetched {
    /// 304: what we had is still true.
    NotModified,
    New {
        decoded: Box<Decoded>,
        etag: Option<String>,
        bytes: usize,
    },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("{agent}: no answer within {after:?}")]
    Timeout { agent: String, after: Duration },
    #[error("{agent}: {detail}")]
    Transport { agent: String, detail: String },
    #[error("{agent}: HTTP {code}")]
    Status { agent: String, code: u16 },
    #[error("{agent}: body larger than {limit} bytes, not read")]
    TooLarge { agent: String, limit: usize },
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl FetchError {
    /// The error in a few words, without the agent's name: "Connection refused (os error
    /// 111)", "no answer within 3 s". `to_string()` keeps the whole chain.
    pub fn short(&self) -> String {
        match self {
            FetchError::Timeout { after, .. } => {
                format!(
                    "no answer within {} s",
                    crate::classify::fmt_num(after.as_secs_f64())
                )
            }
            FetchError::Transport { detail, .. } => detail
                .rsplit(": ")
                .find(|p| !p.trim().is_empty())
                .unwrap_or(detail)
                .to_string(),
            FetchError::Status { code, .. } => format!("HTTP {code}"),
            FetchError::TooLarge { limit, .. } => format!("body over {limit} bytes, not read"),
            FetchError::Decode(d) => {
                let full = d.to_string();
                full.split_once(": ")
                    .map_or(full.clone(), |(_, rest)| rest.to_string())
            }
        }
    }
}

/// A client for polling and operations: rustls with the ring provider, keep-alive, no proxy
/// lookups, and no redirects followed: an agent that answers with a redirect would send a
/// bearer token and an operation to a third party, whose answer would be taken for the
/// agent's. A 3xx is an error naming the agent.
pub fn client() -> Result<reqwest::Client, ClientError> {
    builder().build().map_err(ClientError)
}

/// The HTTP client could not be built (no TLS provider, no usable trust store).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(#[source] reqwest::Error);

/// A client for these agent URLs: when none is `https://`, the system's CA certificates
/// are never loaded (a couple of milliseconds of a one-shot check, and a host without them
/// must still reach plain-HTTP agents); an `https://` URL given later is then refused by
/// the empty trust store, never sent in clear.
pub fn client_for<'a>(
    urls: impl IntoIterator<Item = &'a str>,
) -> Result<reqwest::Client, ClientError> {
    let tls = urls
        .into_iter()
        .any(|u| u.trim_start().to_ascii_lowercase().starts_with("https://"));
    let b = builder();
    let b = if tls { b } else { b.tls_certs_only(Vec::new()) };
    b.build().map_err(ClientError)
}

fn builder() -> reqwest::ClientBuilder {
    // Installing twice is refused, which is fine: one provider for the process is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        // below the agent's idle limit (`listen::HEADER_TIMEOUT`), so a connection is never
        // reused at the moment the agent closes it
        .pool_idle_timeout(Duration::from_secs(10))
}

pub fn snapshot_url(base: &str) -> String {
    format!("{}/v1/snapshot", base.trim_end_matches('/'))
}

fn transport(agent: &str, e: &reqwest::Error) -> FetchError {
    // reqwest's Display stops at the outermost layer; the cause says what really happened
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    FetchError::Transport {
        agent: agent.to_string(),
        detail,
    }
}

/// What one request brought: the result, and the longest wait the agent says it grants
/// (`agent::http::WAIT_HEADER`), None for an agent that does not wait.
pub struct Exchange {
    pub result: Result<Fetched, FetchError>,
    pub grants: Option<Duration>,
}

async fn exchange(
    client: &reqwest::Client,
    agent: &str,
    url: &str,
    etag: Option<&str>,
    max_body: usize,
    grants: &mut Option<Duration>,
) -> Result<Fetched, FetchError> {
    let mut req = client.get(url);
    if let Some(tag) = etag {
        req = req.header(IF_NONE_MATCH, tag);
    }
    let mut resp = req.send().await.map_err(|e| transport(agent, &e))?;
    *grants = resp
        .headers()
        .get(crate::api::WAIT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(|s| Duration::from_secs(s.min(3600)));
    let code = resp.status().as_u16();
    if code == 304 {
        return Ok(Fetched::NotModified);
    }
    if code != 200 {
        return Err(FetchError::Status {
            agent: agent.to_string(),
            code,
        });
    }
    let too_large = || FetchError::TooLarge {
        agent: agent.to_string(),
        limit: max_body,
    };
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(too_large());
    }
    let new_tag = resp
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    // sized once from the declared length (already checked against the ceiling), so a
    // 20 KB body is not grown through five reallocations
    let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport(agent, &e))? {
        if body.len() + chunk.len() > max_body {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let decoded = decode_snapshot(&body, agent)?;
    Ok(Fetched::New {
        decoded: Box::new(decoded),
        etag: new_tag,
        bytes: body.len(),
    })
}

/// Poll one agent. `base` is the agent's base URL.
pub async fn fetch(
    client: &reqwest::Client,
    agent: &str,
    base: &str,
    etag: Option<&str>,
    timeout: Duration,
    max_body: usize,
) -> Result<Fetched, FetchError> {
    fetch_waiting(client, agent, base, etag, None, timeout, max_body)
        .await
        .result
}

/// Poll one agent, asking it to hold the request up to `wait` for a change when `etag` is
/// current (a blocking query: the answer comes when something changes, or a 304 when the
/// wait ends). `timeout` counts on top of the wait.
pub async fn fetch_waiting(
    client: &reqwest::Client,
    agent: &str,
    base: &str,
    etag: Option<&str>,
    wait: Option<Duration>,
    timeout: Duration,
    max_body: usize,
) -> Exchange {
    let mut url = snapshot_url(base);
    let mut limit = timeout;
    if let (Some(w), Some(_)) = (wait, etag) {
        url.push_str(&format!("?wait={:.3}", w.as_secs_f64()));
        limit = limit.saturating_add(w);
    }
    let mut grants = None;
    let result = match tokio::time::timeout(
        limit,
        exchange(client, agent, &url, etag, max_body, &mut grants),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(FetchError::Timeout {
            agent: agent.to_string(),
            after: limit,
        }),
    };
    Exchange { result, grants }
}
