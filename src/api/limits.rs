//! What one snapshot may hold. Every list and string an agent sends has a documented cap
//! (docs/agent-api.md), checked while the body is read: an agent past a cap costs the
//! console a data problem naming the agent and the item, never time out of proportion.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};
use smol_str::SmolStr;

use crate::model::text;

/// Elements, members or tanks in one snapshot, each list on its own.
pub const MAX_ITEMS: usize = 100_000;
/// Metrics of one element or member.
pub const MAX_METRICS: usize = 256;
/// Flags of one element or member.
pub const MAX_FLAGS: usize = 64;
/// Disks or temperatures of the host report.
pub const MAX_HOST_LIST: usize = 1_024;
/// An id, metric name, flag, agent id, version, hostname, mount or label: bytes.
pub const MAX_TEXT_BYTES: usize = text::MAX_ID_BYTES;

/// A short printable text: ids, names and words an operator will see.
pub(super) fn checked<E: Error>(s: &str, what: &str) -> Result<(), E> {
    match text::problem(s, MAX_TEXT_BYTES) {
        None => Ok(()),
        Some(why) => Err(E::custom(format!("{what} {:?} {why}", text::shown(s, 40)))),
    }
}

pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<SmolStr, D::Error> {
    let s = SmolStr::deserialize(d)?;
    checked(&s, "id")?;
    Ok(s)
}

pub(super) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    checked(&s, "text")?;
    Ok(s)
}

pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    if let Some(s) = &s {
        checked(s, "text")?;
    }
    Ok(s)
}

pub(super) fn flags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SmolStr>, D::Error> {
    let flags: Vec<SmolStr> = bounded(d, MAX_FLAGS, "flags")?;
    for f in &flags {
        checked(f, "flag")?;
    }
    Ok(flags)
}

pub(super) fn items<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    bounded(d, MAX_ITEMS, "items")
}

pub(super) fn host_list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    bounded(d, MAX_HOST_LIST, "entries")
}

/// A list of at most `max` entries: reading stops at the first one past it.
fn bounded<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
    max: usize,
    what: &'static str,
) -> Result<Vec<T>, D::Error> {
    struct Bounded<T> {
        max: usize,
        what: &'static str,
        item: PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of at most {} {}", self.max, self.what)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max));
            while let Some(x) = seq.next_element()? {
                if out.len() == self.max {
                    return Err(A::Error::custom(format!(
                        "more than {} {}",
                        self.max, self.what
                    )));
                }
                out.push(x);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded {
        max,
        what,
        item: PhantomData,
    })
}
