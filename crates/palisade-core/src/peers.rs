//! Per-peer health and ties, for admins (CLI and admin API).

use palisade_store::peers::{self, Peer, Ties};
use palisade_store::{jobs, now_ms};

use crate::{Core, Error, Result};

/// Everything an admin sees about one peer.
#[derive(Clone, Debug)]
pub struct PeerReport {
    pub domain: String,
    pub peer: Option<Peer>,
    pub ties: Ties,
    /// (outcome, count) over the last day and the last seven days.
    pub last_day: Vec<(String, i64)>,
    pub last_week: Vec<(String, i64)>,
    pub queued_deliveries: i64,
}

/// The queue deliveries wait in (named here so that core can report its depth).
pub const DELIVER_QUEUE: &str = "deliver";

impl Core {
    pub async fn peer_report(&self, domain: &str) -> Result<PeerReport> {
        let domain = domain.trim().to_lowercase();
        let today = now_ms() / 86_400_000;
        let peer = peers::get(&self.db, &domain).await?;
        let ties = peers::ties(&self.db, &domain).await?;
        if peer.is_none() && ties.accounts == 0 {
            return Err(Error::NotFound(format!("{domain} is not a known peer")));
        }
        let queued = jobs::depth_by_host(&self.db, DELIVER_QUEUE)
            .await?
            .into_iter()
            .find(|(h, _)| *h == domain)
            .map_or(0, |(_, n)| n);
        Ok(PeerReport {
            last_day: peers::stats_since(&self.db, &domain, today).await?,
            last_week: peers::stats_since(&self.db, &domain, today - 6).await?,
            domain,
            peer,
            ties,
            queued_deliveries: queued,
        })
    }

    pub async fn peer_reports(&self) -> Result<Vec<PeerReport>> {
        let mut out = Vec::new();
        for domain in peers::known(&self.db).await? {
            out.push(self.peer_report(&domain).await?);
        }
        Ok(out)
    }

    /// Makes queued deliveries to a peer due now; returns how many.
    pub async fn retry_peer_now(&self, domain: &str) -> Result<u64> {
        Ok(jobs::hurry_host(&self.db, DELIVER_QUEUE, &domain.to_lowercase()).await?)
    }

    pub async fn clear_peer_failures(&self, domain: &str) -> Result<()> {
        Ok(peers::clear_failures(&self.db, &domain.to_lowercase()).await?)
    }

    pub async fn pause_peer(&self, domain: &str, paused: bool) -> Result<()> {
        Ok(peers::set_paused(&self.db, &domain.to_lowercase(), paused).await?)
    }
}
