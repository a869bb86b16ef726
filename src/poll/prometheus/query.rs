//! The two queries of the Prometheus HTTP API redcon makes, over HTTP: a deadline is the
//! caller's, the body has a ceiling, and what comes back is read by `answer`.

use super::PromError;
use super::answer::{self, AnswerError, Range, Sample};

/// Percent-encoding for a query-string value.
pub(super) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn transport(server: &str, e: &reqwest::Error) -> PromError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    PromError::Transport {
        server: server.to_string(),
        detail,
    }
}

/// GET `path?params` from the server, its body at most `max_body` bytes.
async fn get(
    client: &reqwest::Client,
    server: &str,
    path: &str,
    params: &[(&str, String)],
    query: &str,
    max_body: usize,
) -> Result<Vec<u8>, PromError> {
    let qs: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let url = format!("{}{path}?{}", server.trim_end_matches('/'), qs.join("&"));
    let mut resp = client
        .get(&url)
        .send()
        .await
        .map_err(|e| transport(server, &e))?;
    let code = resp.status().as_u16();
    let too_large = || PromError::TooLarge {
        server: server.to_string(),
        query: query.to_string(),
        limit: max_body,
    };
    if resp.content_length().is_some_and(|n| n > max_body as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport(server, &e))? {
        if body.len() + chunk.len() > max_body {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    // the API answers errors in JSON with 400 and 422: read what it says
    if !matches!(code, 200 | 400 | 422 | 503) {
        return Err(PromError::Status {
            server: server.to_string(),
            code,
            query: query.to_string(),
        });
    }
    Ok(body)
}

fn answer_error(server: &str, query: &str, source: AnswerError) -> PromError {
    PromError::Answer {
        server: server.to_string(),
        query: query.to_string(),
        source,
    }
}

/// One instant query at `at` (unix seconds).
pub async fn instant(
    client: &reqwest::Client,
    server: &str,
    query: &str,
    at: f64,
    max_body: usize,
) -> Result<Vec<Sample>, PromError> {
    let params = [("query", query.to_string()), ("time", format!("{at:.3}"))];
    let body = get(client, server, "/api/v1/query", &params, query, max_body).await?;
    answer::vector(&body).map_err(|e| answer_error(server, query, e))
}

/// One range query from `start` to `end` every `step` seconds.
pub async fn range(
    client: &reqwest::Client,
    server: &str,
    query: &str,
    (start, end, step): (f64, f64, f64),
    max_body: usize,
) -> Result<Vec<Range>, PromError> {
    let params = [
        ("query", query.to_string()),
        ("start", format!("{start:.3}")),
        ("end", format!("{end:.3}")),
        ("step", format!("{step:.3}")),
    ];
    let body = get(
        client,
        server,
        "/api/v1/query_range",
        &params,
        query,
        max_body,
    )
    .await?;
    answer::matrix(&body).map_err(|e| answer_error(server, query, e))
}
