//! The item-by-item path, for a snapshot that did not decode whole: the top level is read
//! without building a JSON tree (each list is kept as its raw text), then every item is
//! decoded on its own. A bad item costs only itself, and the work stays linear in the
//! body however the agent shaped it (a tree of 100,000 metric names is never built).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::ItemError;
use super::limits::MAX_ITEMS;
use crate::model::text::shown;

/// Longest error message kept from the JSON reader: it can quote the input.
const MAX_MESSAGE: usize = 300;

/// The top level of a snapshot: the small fields read, the lists left as text.
#[derive(Default)]
pub(super) struct Envelope<'a> {
    pub schema_version: Option<Value>,
    pub agent: Option<Value>,
    pub generated_at: Option<Value>,
    pub elements: Option<&'a RawValue>,
    pub members: Option<&'a RawValue>,
    pub tanks: Option<&'a RawValue>,
    pub host: Option<&'a RawValue>,
}

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Envelope<'de>, A::Error> {
                let mut e = Envelope::default();
                // a field given twice keeps the last, as a JSON map would
                while let Some(key) = m.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "schema_version" => e.schema_version = Some(m.next_value()?),
                        "agent" => e.agent = Some(m.next_value()?),
                        "generated_at" => e.generated_at = Some(m.next_value()?),
                        "elements" => e.elements = Some(m.next_value()?),
                        "members" => e.members = Some(m.next_value()?),
                        "tanks" => e.tanks = Some(m.next_value()?),
                        "host" => e.host = Some(m.next_value()?),
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(e)
            }
        }
        d.deserialize_map(Fields)
    }
}

/// An item's id, whatever else it holds.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<Value>,
}

/// A reader's message as it may be shown.
pub(super) fn message(e: &serde_json::Error) -> String {
    shown(&e.to_string(), MAX_MESSAGE)
}

fn present(raw: Option<&RawValue>) -> Option<&RawValue> {
    raw.filter(|r| r.get() != "null")
}

/// Decode the items of one list; each that cannot be read becomes an error of its own.
pub(super) fn items<T: DeserializeOwned>(
    raw: Option<&RawValue>,
    kind: &'static str,
    errors: &mut Vec<ItemError>,
) -> Vec<T> {
    let Some(raw) = present(raw) else {
        return Vec::new();
    };
    let Ok(list) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
        errors.push(ItemError {
            kind,
            index: 0,
            id: None,
            message: format!("{kind}s is not a list"),
        });
        return Vec::new();
    };
    if list.len() > MAX_ITEMS {
        errors.push(ItemError {
            kind,
            index: MAX_ITEMS,
            id: None,
            message: format!(
                "{} {kind}s, more than the {MAX_ITEMS} a snapshot may hold: those past it are not read",
                list.len()
            ),
        });
    }
    let mut out = Vec::with_capacity(list.len().min(MAX_ITEMS));
    for (index, item) in list.iter().take(MAX_ITEMS).enumerate() {
        match serde_json::from_str::<T>(item.get()) {
            Ok(x) => out.push(x),
            Err(e) => {
                // the id as it may be shown: an agent's text reaches terminals
                let id = serde_json::from_str::<IdOnly>(item.get())
                    .ok()
                    .and_then(|i| i.id)
                    .and_then(|v| v.as_str().map(|s| shown(s, 64)));
                errors.push(ItemError {
                    kind,
                    index,
                    id,
                    message: message(&e),
                });
            }
        }
    }
    out
}

/// The host report, if there is one that can be read.
pub(super) fn host<T: DeserializeOwned>(
    raw: Option<&RawValue>,
    errors: &mut Vec<ItemError>,
) -> Option<T> {
    let raw = present(raw)?;
    match serde_json::from_str::<T>(raw.get()) {
        Ok(h) => Some(h),
        Err(e) => {
            errors.push(ItemError {
                kind: "host",
                index: 0,
                id: None,
                message: message(&e),
            });
            None
        }
    }
}
