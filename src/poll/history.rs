//! Bounded samples per element and metric for the sparklines, fed by every snapshot the
//! poller gets (and, from Prometheus, by the past it kept).
#![allow(
    clippy::indexing_slicing,
    reason = "a metric's position is one just found in or just pushed to the same list"
)]

use std::collections::{HashMap, VecDeque};

use smol_str::SmolStr;

use crate::api::Snapshot;

/// FNV-1a: ids are short and trusted to be ours; SipHash's DoS resistance buys nothing here
/// and cost a tenth of the poller's CPU.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// One sample: seconds since the series began (f32 is ample for a sparkline) and value.
pub type Sample = (f32, f32);

/// Bounded samples per element and metric, for sparklines, with a budget on the number of
/// series so a fleet of agents reporting thousands of metrics cannot eat the machine:
/// `cap` samples a series, at most `max_series` series.
#[derive(Debug, Default)]
pub struct History {
    pub cap: usize,
    pub max_series: usize,
    /// Element id to its slot in `elements`: one hash lookup per element per poll; the
    /// handful of metrics an element carries are then found by a short linear scan.
    index: FastMap<SmolStr, usize>,
    elements: Vec<Vec<(SmolStr, Series)>>,
    count: usize,
}

#[derive(Debug, Default)]
pub struct Series {
    /// Unix seconds of the first sample; samples store offsets from it.
    pub origin: f64,
    pub samples: VecDeque<Sample>,
}

impl History {
    pub fn new(cap: usize, max_series: usize) -> Self {
        History {
            cap,
            max_series,
            ..History::default()
        }
    }

    pub fn get(&self, element: &str, metric: &str) -> Option<&Series> {
        let per = self.elements.get(*self.index.get(element)?)?;
        per.iter().find(|(m, _)| m == metric).map(|(_, s)| s)
    }

    pub fn series_count(&self) -> usize {
        self.count
    }

    /// One sample of `element`'s `metric` at `at` (unix seconds), outside a snapshot: the
    /// past a Prometheus kept. Kept to the same caps as `record`.
    pub fn push(&mut self, element: &str, metric: &str, at: f64, value: f64) {
        let slot = match self.index.get(element) {
            Some(&i) => i,
            None if self.count >= self.max_series => return,
            None => {
                self.elements.push(Vec::new());
                self.index.insert(element.into(), self.elements.len() - 1);
                self.elements.len() - 1
            }
        };
        let Some(per) = self.elements.get_mut(slot) else {
            return;
        };
        let at_ = match per.iter().position(|(m, _)| m == metric) {
            Some(i) => i,
            None if self.count >= self.max_series => return,
            None => {
                self.count += 1;
                let s = Series {
                    origin: at,
                    samples: VecDeque::with_capacity(self.cap.min(64)),
                };
                per.push((metric.into(), s));
                per.len() - 1
            }
        };
        let s = &mut per[at_].1;
        let t = (at - s.origin) as f32;
        if !value.is_finite() || s.samples.back().is_some_and(|&(last, _)| last >= t) {
            return;
        }
        s.samples.push_back((t, value as f32));
        while s.samples.len() > self.cap {
            s.samples.pop_front();
        }
    }

    pub fn record(&mut self, snap: &Snapshot) {
        for e in snap.elements.iter().filter(|e| !e.metrics.is_empty()) {
            let slot = match self.index.get(e.id.as_str()) {
                Some(&i) => i,
                None if self.count >= self.max_series => continue,
                None => {
                    self.elements.push(Vec::new());
                    self.index.insert(e.id.clone(), self.elements.len() - 1);
                    self.elements.len() - 1
                }
            };
            let Some(per) = self.elements.get_mut(slot) else {
                continue;
            };
            for (metric, v) in e.metrics.iter() {
                let at = match per.iter().position(|(m, _)| m == metric) {
                    Some(at) => at,
                    None if self.count >= self.max_series => continue,
                    None => {
                        self.count += 1;
                        let s = Series {
                            origin: e.observed_at,
                            samples: VecDeque::with_capacity(self.cap.min(64)),
                        };
                        per.push((metric.clone(), s));
                        per.len() - 1
                    }
                };
                let s = &mut per[at].1;
                let t = (e.observed_at - s.origin) as f32;
                if s.samples.back().is_some_and(|&(last, _)| last >= t) {
                    continue;
                }
                s.samples.push_back((t, v as f32));
                while s.samples.len() > self.cap {
                    s.samples.pop_front();
                }
            }
        }
    }
}
