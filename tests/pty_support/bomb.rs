//! A hostile agent on loopback: every `GET` is answered at once with a snapshot whose
//! elements carry 100,000 metric names each, the shape that used to cost the console
//! quadratic time. It keeps a poller as busy as an agent can.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub struct Bomb {
    pub url: String,
    stop: Arc<AtomicBool>,
    port: u16,
    answered: Arc<AtomicUsize>,
}

/// A snapshot from `agent` with `elements` elements of `names` metric names each.
pub fn body(agent: &str, elements: usize, names: usize) -> Vec<u8> {
    let mut b = format!(
        r#"{{"schema_version": 1, "agent": {{"id": "{agent}", "version": "bomb"}}, "generated_at": 1, "elements": ["#
    );
    for e in 0..elements {
        if e > 0 {
            b.push(',');
        }
        b.push_str(&format!(
            r#"{{"id": "BOMB-{e}", "state": "ok", "observed_at": 1, "metrics": {{"#
        ));
        for i in 0..names {
            b.push_str(&format!("\"metric_{i}\": {i},"));
        }
        b.push_str("\"last\": 0}}");
    }
    b.push_str("]}");
    b.into_bytes()
}

impl Bomb {
    pub fn start(agent: &str, elements: usize) -> Bomb {
        Bomb::serve(body(agent, elements, 100_000))
    }

    /// An agent that answers every request with `body`, whatever it holds.
    pub fn serve(body: Vec<u8>) -> Bomb {
        let body = Arc::new(body);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let answered = Arc::new(AtomicUsize::new(0));
        let count = answered.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::Acquire) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (body, count) = (body.clone(), count.clone());
                std::thread::spawn(move || answer(conn, &body, &count));
            }
        });
        Bomb {
            url: format!("http://127.0.0.1:{port}"),
            stop,
            port,
            answered,
        }
    }

    /// Snapshots sent so far.
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::Acquire)
    }
}

/// Answer every request on the connection until the client closes it.
fn answer(mut conn: TcpStream, body: &[u8], count: &AtomicUsize) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match conn.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.clear();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if conn.write_all(head.as_bytes()).is_err() || conn.write_all(body).is_err() {
            return;
        }
        count.fetch_add(1, Ordering::AcqRel);
    }
}

impl Drop for Bomb {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // wake the accept loop so it sees the flag
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
    }
}
