//! The on-demand responses: a least-recently-used set under a byte budget.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Key;
use super::entry::Entry;

/// The on-demand responses: least recently used first out, under a budget.
#[derive(Debug, Default)]
pub(super) struct Lru {
    pub(super) budget: usize,
    pub(super) used: usize,
    tick: u64,
    pub(super) entries: HashMap<Key, (Arc<Entry>, u64)>,
    order: BTreeMap<u64, Key>,
    pub(super) evicted: u64,
}

impl Lru {
    pub(super) fn new(budget: usize) -> Self {
        Lru {
            budget,
            ..Lru::default()
        }
    }

    pub(super) fn get(&mut self, key: &Key, now: DateTime<Utc>) -> Option<Arc<Entry>> {
        let (entry, tick) = self.entries.get_mut(key)?;
        if !entry.fresh_at(now) {
            self.remove(key);
            return None;
        }
        self.order.remove(tick);
        self.tick += 1;
        *tick = self.tick;
        self.order.insert(self.tick, key.clone());
        Some(entry.clone())
    }

    fn remove(&mut self, key: &Key) {
        if let Some((entry, tick)) = self.entries.remove(key) {
            self.order.remove(&tick);
            self.used -= entry.size() + key.as_str().len();
        }
    }

    /// Keeps `entry` unless it alone is over the budget, dropping the least
    /// recently used entries until it fits.
    pub(super) fn insert(&mut self, key: Key, entry: Arc<Entry>) {
        let size = entry.size() + key.as_str().len();
        self.remove(&key);
        if size > self.budget {
            return;
        }
        while self.used + size > self.budget {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.used -= old.size() + oldest.as_str().len();
                self.evicted += 1;
            }
        }
        self.tick += 1;
        self.order.insert(self.tick, key.clone());
        self.entries.insert(key, (entry, self.tick));
        self.used += size;
    }
}

#[cfg(test)]
mod tests {
    use super::super::Rendered;
    use super::super::entry::{ENTRY_OVERHEAD, entry};
    use super::*;

    #[test]
    fn the_lru_stays_under_budget_and_drops_the_oldest() {
        let mut lru = Lru::new(4 * (ENTRY_OVERHEAD + 1200));
        let now = Utc::now();
        for i in 0..50 {
            let key = Key::new("/x", &format!("q={i}"));
            lru.insert(key, Arc::new(entry(&format!("{i:04}").repeat(300))));
            assert!(lru.used <= lru.budget, "{} > {}", lru.used, lru.budget);
            let sum: usize = lru
                .entries
                .iter()
                .map(|(k, (e, _))| e.size() + k.as_str().len())
                .sum();
            assert_eq!(sum, lru.used, "the tally is the sum of what is held");
        }
        assert!(lru.entries.len() >= 2, "{} entries", lru.entries.len());
        assert!(lru.get(&Key::new("/x", "q=49"), now).is_some());
        assert!(lru.get(&Key::new("/x", "q=0"), now).is_none());
        // A use makes an entry the newest: it outlives one inserted before it.
        let kept = Key::new("/x", "q=48");
        assert!(lru.get(&kept, now).is_some());
        for i in 100..103 {
            lru.insert(
                Key::new("/x", &format!("q={i}")),
                Arc::new(entry(&"y".repeat(3000 + i))),
            );
        }
        assert!(lru.entries.len() < 5);
        let huge = Arc::new(entry(&"z".repeat(1_000_000)));
        lru.insert(Key::new("/x", "huge"), huge);
        assert!(
            lru.get(&Key::new("/x", "huge"), now).is_none(),
            "over budget alone"
        );
        assert!(lru.used <= lru.budget);
    }

    #[test]
    fn an_entry_past_its_validity_is_rendered_again() {
        let mut lru = Lru::new(1 << 20);
        let now = Utc::now();
        let mut rendered = Rendered::new("text/plain", "soon stale");
        rendered.valid_until = Some(now + chrono::Duration::seconds(10));
        let e = Entry::encode(rendered, now, &[]).expect("encodes");
        let key = Key::new("/x", "");
        lru.insert(key.clone(), Arc::new(e));
        assert!(lru.get(&key, now).is_some());
        assert!(lru.get(&key, now + chrono::Duration::seconds(11)).is_none());
        assert_eq!(lru.used, 0);
    }
}
