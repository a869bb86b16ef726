//! The answers an agent keeps for idempotency keys, so a retry gets the first answer and
//! acts no second time. Bounded: an agent up for months forgets the oldest keys first, long
//! after any console would retry them.

use std::collections::{HashMap, VecDeque};

/// Keys kept at most.
pub const KEPT: usize = 4096;

#[derive(Debug, Clone)]
pub struct Replies<T> {
    answers: HashMap<String, T>,
    order: VecDeque<String>,
    cap: usize,
}

impl<T> Default for Replies<T> {
    fn default() -> Self {
        Replies::with_capacity(KEPT)
    }
}

impl<T> Replies<T> {
    pub fn with_capacity(cap: usize) -> Self {
        Replies {
            answers: HashMap::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
        }
    }

    pub fn get(&self, key: &str) -> Option<&T> {
        self.answers.get(key)
    }

    pub fn insert(&mut self, key: String, answer: T) {
        if self.answers.insert(key.clone(), answer).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > self.cap {
            if let Some(old) = self.order.pop_front() {
                self.answers.remove(&old);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_keys_go_first_and_a_repeat_keeps_its_place() {
        let mut r = Replies::with_capacity(2);
        r.insert("a".into(), 1);
        r.insert("b".into(), 2);
        r.insert("a".into(), 3);
        assert_eq!((r.get("a"), r.get("b"), r.len()), (Some(&3), Some(&2), 2));
        r.insert("c".into(), 4);
        assert_eq!(
            (r.get("a"), r.get("b"), r.get("c")),
            (None, Some(&2), Some(&4))
        );
    }
}
