//! Per-peer figures counted in memory and written every few seconds in one transaction, so
//! that a busy inbox costs no write per delivery for them. Writes are additions: the
//! figures of every process (web and workers) add up in the database. A crash loses at
//! most the last few seconds of counts, never an activity.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use palisade_store::{now_ms, peers};

use crate::{Core, Result};

/// How often counts are written.
const FLUSH_EVERY: Duration = Duration::from_secs(2);

#[derive(Default)]
pub(crate) struct PeerTally {
    pending: Mutex<Pending>,
    started: std::sync::OnceLock<()>,
}

#[derive(Default)]
struct Pending {
    /// (domain, outcome, hour) → count.
    counts: HashMap<(String, String, i64), i64>,
    /// domain → when it was last seen alive.
    alive: HashMap<String, i64>,
}

impl Core {
    /// Counts an outcome for a peer (`inbound`, `delivered`, `failed:<class>`, `refused`).
    pub fn count_peer(&self, domain: &str, outcome: &str) {
        self.start_tally();
        if let Ok(mut p) = self.tally.pending.lock() {
            *p.counts
                .entry((domain.to_owned(), outcome.to_owned(), peers::this_hour()))
                .or_default() += 1;
        }
    }

    /// Something arrived from `domain` (or it accepted a delivery): it is alive.
    pub fn peer_alive(&self, domain: &str) {
        self.start_tally();
        if let Ok(mut p) = self.tally.pending.lock() {
            p.alive.insert(domain.to_owned(), now_ms());
        }
    }

    /// Writes what was counted since the last time, in one transaction.
    pub async fn flush_peer_tally(&self) -> Result<()> {
        let taken = match self.tally.pending.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return Ok(()),
        };
        if taken.counts.is_empty() && taken.alive.is_empty() {
            return Ok(());
        }
        let written = self.write_tally(&taken).await;
        if written.is_err()
            && let Ok(mut p) = self.tally.pending.lock()
        {
            // Kept for the next try.
            for (key, n) in taken.counts {
                *p.counts.entry(key).or_default() += n;
            }
            for (domain, at) in taken.alive {
                let seen = p.alive.entry(domain).or_default();
                *seen = (*seen).max(at);
            }
        }
        written
    }

    async fn write_tally(&self, taken: &Pending) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for (domain, at) in &taken.alive {
            peers::seen_alive(&mut tx, domain, *at).await?;
        }
        for ((domain, outcome, hour), n) in &taken.counts {
            peers::count(&mut tx, domain, outcome, *hour, *n).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The writer, started with the first count.
    fn start_tally(&self) {
        self.tally.started.get_or_init(|| {
            let core = self.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(FLUSH_EVERY);
                loop {
                    every.tick().await;
                    if let Err(e) = core.flush_peer_tally().await {
                        tracing::warn!(error = %e, "writing peer figures failed; will retry");
                    }
                }
            });
        });
    }
}
