//! Remote public keys, parsed once and kept in memory with their owners, so that checking a
//! signature from a known actor costs no database read and no key parsing. Bounded: when
//! full, expired entries go first, then the oldest. Also counts the fetches of each key id,
//! so that one is fetched at most three times in half a minute whatever signatures name it:
//! a peer that rotated its keys or mended its certificate is heard again at once, a flood of
//! bad signatures does not make us fetch on every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use palisade_core::model::Account;

use crate::keys::PublicKey;

/// How long a key is trusted without looking again.
pub const KEY_TTL: Duration = Duration::from_secs(3600);
/// How long the owner's account row is reused (it may change: suspensions, profile).
const OWNER_TTL: Duration = Duration::from_secs(60);
/// Keys kept at most.
const CAPACITY: usize = 20_000;
/// The window in which a key id is fetched at most `FETCHES_PER_WINDOW` times (success or
/// failure alike).
const FETCH_WINDOW: Duration = Duration::from_secs(30);
const FETCHES_PER_WINDOW: u8 = 3;

struct Entry {
    key: PublicKey,
    owner: Arc<Account>,
    key_at: Instant,
    owner_at: Instant,
}

/// A key found in the cache, and its owner when the cached row is still fresh.
pub struct Found {
    pub key: PublicKey,
    pub owner_id: i64,
    pub owner: Option<Arc<Account>>,
}

#[derive(Clone, Default)]
pub struct KeyCache {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    /// For each key id: when its window began, and how many fetches it has seen.
    fetched: Arc<Mutex<HashMap<String, (Instant, u8)>>>,
}

impl KeyCache {
    /// Whether `key_id` may be fetched now; if so, the fetch is counted. At most `CAPACITY`
    /// key ids are remembered: when that many were fetched within the window, no other is
    /// fetched until some of them age out.
    pub fn may_fetch(&self, key_id: &str) -> bool {
        let Ok(mut map) = self.fetched.lock() else {
            return false;
        };
        if let Some((since, count)) = map.get_mut(key_id) {
            if since.elapsed() >= FETCH_WINDOW {
                *since = Instant::now();
                *count = 1;
                return true;
            }
            if *count >= FETCHES_PER_WINDOW {
                return false;
            }
            *count += 1;
            return true;
        }
        if map.len() >= CAPACITY {
            map.retain(|_, (since, _)| since.elapsed() < FETCH_WINDOW);
            if map.len() >= CAPACITY {
                return false;
            }
        }
        map.insert(key_id.to_owned(), (Instant::now(), 1));
        true
    }

    pub fn get(&self, key_id: &str) -> Option<Found> {
        let map = self.entries.lock().ok()?;
        let e = map.get(key_id).filter(|e| e.key_at.elapsed() < KEY_TTL)?;
        Some(Found {
            key: e.key.clone(),
            owner_id: e.owner.id,
            owner: (e.owner_at.elapsed() < OWNER_TTL).then(|| e.owner.clone()),
        })
    }

    pub fn insert(&self, key_id: &str, key: PublicKey, owner: Account) {
        let Ok(mut map) = self.entries.lock() else {
            return;
        };
        if map.len() >= CAPACITY && !map.contains_key(key_id) {
            map.retain(|_, e| e.key_at.elapsed() < KEY_TTL);
            if map.len() >= CAPACITY
                && let Some(oldest) = map.iter().min_by_key(|(_, e)| e.key_at).map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        let now = Instant::now();
        map.insert(
            key_id.to_owned(),
            Entry {
                key,
                owner: Arc::new(owner),
                key_at: now,
                owner_at: now,
            },
        );
    }

    /// The owner was read again: keep the fresh row.
    pub fn refresh_owner(&self, key_id: &str, owner: &Account) {
        if let Ok(mut map) = self.entries.lock()
            && let Some(e) = map.get_mut(key_id)
        {
            e.owner = Arc::new(owner.clone());
            e.owner_at = Instant::now();
        }
    }

    /// Forgets every key of an account (its actor was stored again: keys may have changed).
    pub fn forget_owner(&self, account_id: i64) {
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|_, e| e.owner.id != account_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_id_is_fetched_at_most_three_times_in_the_window() {
        let cache = KeyCache::default();
        let a = "https://a.example/actor#main-key";
        for _ in 0..FETCHES_PER_WINDOW {
            assert!(cache.may_fetch(a));
        }
        assert!(!cache.may_fetch(a));
        assert!(cache.may_fetch("https://b.example/actor#main-key"));
        if let Ok(mut m) = cache.fetched.lock() {
            m.insert(a.into(), (Instant::now() - FETCH_WINDOW, FETCHES_PER_WINDOW));
        }
        assert!(cache.may_fetch(a));
        assert!(cache.may_fetch(a));
    }
}
