//! Response bodies for the faults that HTTP itself has to carry: a huge body produced
//! chunk by chunk (never held in memory), and a body that fails at once so the server
//! drops the connection and the client sees a transport error instead of an answer.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use http_body::{Body, Frame, SizeHint};

const CHUNK: usize = 64 * 1024;
static SPACES: [u8; CHUNK] = [b' '; CHUNK];

/// Exactly `total` bytes: the start of a real snapshot, then JSON whitespace. A client
/// without a size limit would even decode it, after reading all of it, which is the point:
/// the limit has to be the client's.
pub struct HugeBody {
    head: Option<Bytes>,
    remaining: u64,
}

impl HugeBody {
    pub fn new(mut snapshot: Vec<u8>, total: u64) -> HugeBody {
        snapshot.truncate(usize::try_from(total).unwrap_or(usize::MAX));
        HugeBody {
            remaining: total,
            head: Some(Bytes::from(snapshot)),
        }
    }
}

impl Body for HugeBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let chunk = match self.head.take().filter(|h| !h.is_empty()) {
            Some(head) => head,
            None if self.remaining == 0 => return Poll::Ready(None),
            None => {
                let n = usize::try_from(self.remaining).map_or(CHUNK, |r| r.min(CHUNK));
                Bytes::from_static(SPACES.get(..n).unwrap_or(SPACES.as_slice()))
            }
        };
        self.remaining = self.remaining.saturating_sub(chunk.len() as u64);
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("simulated agent is down")]
pub struct AgentDown;

/// A body whose first read fails: hyper then closes the connection without finishing
/// the response, which is what a crashed or unplugged agent looks like from outside.
pub struct DownBody;

impl Body for DownBody {
    type Data = Bytes;
    type Error = AgentDown;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(Some(Err(AgentDown)))
    }
}
