//! Serving the agent API (`redcon agent`, `redcon sim`) so that it stays on the air under
//! slow, idle and flooding clients:
//!
//! - a client has [`HEADER_TIMEOUT`] to send a request's headers, from the moment it
//!   connects or from its previous answer, so a trickling or idle connection is closed;
//! - a request (its body included) is answered within [`REQUEST_TIMEOUT`] or gets a 408;
//! - at most `max_connections` connections are open at once. The last few of them are a
//!   reserve: a connection that finds the rest taken may only ask for health or an
//!   operation, must do so within [`RESERVE_HEADER_TIMEOUT`], and is the first to be closed
//!   when yet another client arrives. So however many clients hog the ordinary slots,
//!   `/v1/health` and operations still get through.
//!
//! The cap stays below the process's file-descriptor limit; [`raise_fd_limit`] lifts the
//! soft limit to the hard one at start.

mod slots;

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONNECTION, RETRY_AFTER};
use axum::http::{HeaderValue, Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use slots::{Slot, Slots};

/// Headers of a request must arrive within this, counted from the connection's start or
/// from the previous answer on it: it is also how long an idle keep-alive connection lasts.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// The same for a connection on the reserve.
pub const RESERVE_HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// A request, body included, is answered within this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether the server is stopping, for a handler that holds a request open (a snapshot
/// request waiting for a change): it answers at once when the server stops, so a stop
/// never waits out a long poll. In every request's extensions.
#[derive(Debug, Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// Resolves when the server starts stopping (never, for a server that was dropped
    /// without stopping: the wait's own limit ends it then).
    pub async fn stopped(&mut self) {
        if self.0.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
/// Connections open at once by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Descriptors kept free of connections: collectors' files and pipes, the audit log, the
/// listener itself.
const FD_HEADROOM: u64 = 64;

/// What a connection on the reserve may ask for: health and operations.
pub type Reserved = fn(&Method, &str) -> bool;

/// How many connections, how many of them are the reserve, and whether clients are timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub reserve: usize,
    /// The deadlines above; off only for a server this process runs for itself.
    pub timeouts: bool,
}

impl Limits {
    /// `max_connections` in all, one in sixteen of them (4 to 64) held in reserve; no more
    /// than the soft descriptor limit leaves room for.
    pub fn new(max_connections: usize) -> Limits {
        let fds = fd_limit().map_or(usize::MAX, |soft| {
            usize::try_from(soft.saturating_sub(FD_HEADROOM)).unwrap_or(usize::MAX)
        });
        let max = max_connections.min(fds).max(8);
        Limits {
            max_connections: max,
            reserve: (max / 16).clamp(4, 64),
            timeouts: true,
        }
    }

    /// For a loopback server whose only client is this process (the embedded demo's
    /// simulator): capped, but untimed, since its client is trusted and tests drive it
    /// on a paused clock that a pending deadline would move.
    pub fn in_process() -> Limits {
        Limits {
            timeouts: false,
            ..Limits::new(DEFAULT_MAX_CONNECTIONS)
        }
    }
}

/// The soft limit on open descriptors.
pub fn fd_limit() -> Option<u64> {
    nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .ok()
        .map(|(soft, _)| soft)
}

/// Raise the soft descriptor limit to the hard one (systemd and most shells start
/// services at 1,024 with a far higher hard limit); returns the soft limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        return Some(hard);
    }
    Some(soft)
}

/// Serve `router` on `listener` (over TLS with `tls`) until `shutdown` resolves, then let
/// the requests in flight finish and return.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    limits: Limits,
    reserved: Reserved,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Slots::new(limits);
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // out of descriptors and the like: wait instead of spinning
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // no slot at all: closing at once keeps the kernel's queue short for the next
        let Some(slot) = slots.take().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = Connection {
            timeouts: limits.timeouts,
            tls: tls.clone(),
            router: router.clone(),
            reserved,
            stopping: stopping.clone(),
        };
        tokio::spawn(conn.run(stream, slot));
    }
    drop(listener);
    let _ = stop.send(true);
    slots.all_returned().await;
}

struct Connection {
    timeouts: bool,
    tls: Option<TlsAcceptor>,
    router: Router,
    reserved: Reserved,
    stopping: watch::Receiver<bool>,
}

impl Connection {
    async fn run(self, stream: TcpStream, slot: Slot) {
        let deadline = if slot.is_reserve() {
            RESERVE_HEADER_TIMEOUT
        } else {
            HEADER_TIMEOUT
        };
        match self.tls.clone() {
            None => self.http(stream, &slot, deadline).await,
            Some(acceptor) => {
                let shake = tokio::select! {
                    r = tokio::time::timeout(deadline, acceptor.accept(stream)) => r,
                    () = slot.evicted() => return,
                };
                // a failed handshake is the client's business (a port scanner, a
                // plain-HTTP client, a wrong CA); logging each would let a flood fill
                // the journal
                if let Ok(Ok(tls)) = shake {
                    self.http(tls, &slot, deadline).await;
                }
            }
        }
        drop(slot);
    }

    async fn http<I>(self, io: I, slot: &Slot, deadline: Duration)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let reserve = slot.is_reserve();
        let committed = slot.commit_handle();
        let reserved = self.reserved;
        let request_timeout = if self.timeouts {
            REQUEST_TIMEOUT
        } else {
            Duration::MAX
        };
        let router = TowerToHyperService::new(self.router);
        let stop_signal = Stopping(self.stopping.clone());
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            committed.commit();
            req.extensions_mut().insert(stop_signal.clone());
            let allowed = !reserve || reserved(req.method(), req.uri().path());
            let call = allowed.then(|| hyper::service::Service::call(&router, req));
            async move {
                let Some(call) = call else {
                    return Ok::<_, Infallible>(refusal(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "busy: at the connection limit; health and operations still answer\n",
                    ));
                };
                match timed(request_timeout, call).await {
                    Ok(Ok(response)) => Ok(response),
                    Ok(Err(never)) => match never {},
                    Err(_) => Ok(refusal(
                        StatusCode::REQUEST_TIMEOUT,
                        "the request took too long\n",
                    )),
                }
            }
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.timeouts.then_some(deadline))
            .keep_alive(!reserve);
        let conn = http.serve_connection(TokioIo::new(io), service);
        let mut conn = std::pin::pin!(conn);
        let mut stopping = self.stopping;
        tokio::select! {
            _ = conn.as_mut() => return,
            () = slot.evicted() => return,
            _ = stopping.wait_for(|s| *s) => {}
        }
        // shutting down: an idle connection closes now, a busy one after its answer
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
    }
}

/// `f` within `limit`; no timer at all for an unlimited one.
async fn timed<F: Future>(limit: Duration, f: F) -> Result<F::Output, ()> {
    if limit == Duration::MAX {
        return Ok(f.await);
    }
    tokio::time::timeout(limit, f).await.map_err(|_| ())
}

fn refusal(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(CONNECTION, HeaderValue::from_static("close"));
    h.insert(RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// Health and operations of the agent, for its reserve.
pub fn agent_reserved(method: &Method, path: &str) -> bool {
    (method == Method::GET && path == "/v1/health") || (method == Method::POST && path == "/v1/ops")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_keep_a_reserve_and_fit_the_descriptors() {
        let l = Limits::new(512);
        assert_eq!(l.reserve, 32);
        assert!(l.max_connections <= 512);
        assert_eq!(Limits::new(1).max_connections, 8);
        assert_eq!(Limits::new(1).reserve, 4);
        assert_eq!(Limits::new(100_000).reserve, 64);
        let soft = fd_limit().unwrap_or(0);
        assert!(Limits::new(usize::MAX).max_connections as u64 <= soft.max(8 + FD_HEADROOM));
    }

    #[test]
    fn only_health_and_operations_are_reserved() {
        assert!(agent_reserved(&Method::GET, "/v1/health"));
        assert!(agent_reserved(&Method::POST, "/v1/ops"));
        assert!(!agent_reserved(&Method::GET, "/v1/snapshot"));
        assert!(!agent_reserved(&Method::POST, "/v1/health"));
    }

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_one() {
        let after = raise_fd_limit();
        let hard = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
            .ok()
            .map(|(_, h)| h);
        assert_eq!(after, hard);
        assert_eq!(fd_limit(), hard);
    }
}
