//! Remote public keys, parsed once and kept in memory with their owners, so that checking a
//! signature from a known actor costs no database read and no key parsing. Bounded: when
//! full, expired entries go first, then the oldest. Also remembers when each key id was
//! last fetched, so that one is fetched at most once every two seconds whatever signatures name it (a peer that rotated its keys is heard again at once).

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
/// How long after fetching a key id it is not fetched again (success or failure).
const FETCH_AGAIN_AFTER: Duration = Duration::from_secs(2);

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
    /// When each key id was last fetched.
    fetched: Arc<Mutex<HashMap<String, Instant>>>,
}

impl KeyCache {
    /// Whether `key_id` may be fetched now; if so, the fetch is recorded. At most
    /// `CAPACITY` key ids are remembered: when that many were fetched within the minute,
    /// no other is fetched until some of them age out.
    pub fn may_fetch(&self, key_id: &str) -> bool {
        let Ok(mut map) = self.fetched.lock() else {
            return false;
        };
        if map.get(key_id).is_some_and(|at| at.elapsed() < FETCH_AGAIN_AFTER) {
            return false;
        }
        if map.len() >= CAPACITY {
            map.retain(|_, at| at.elapsed() < FETCH_AGAIN_AFTER);
            if map.len() >= CAPACITY {
                return false;
            }
        }
        map.insert(key_id.to_owned(), Instant::now());
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
    fn a_key_id_is_fetched_at_most_once_a_minute() {
        let cache = KeyCache::default();
        assert!(cache.may_fetch("https://a.example/actor#main-key"));
        assert!(!cache.may_fetch("https://a.example/actor#main-key"));
        assert!(cache.may_fetch("https://b.example/actor#main-key"));
        if let Ok(mut m) = cache.fetched.lock() {
            m.insert(
                "https://a.example/actor#main-key".into(),
                Instant::now() - FETCH_AGAIN_AFTER,
            );
        }
        assert!(cache.may_fetch("https://a.example/actor#main-key"));
    }
}
