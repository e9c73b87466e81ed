//! Per-peer health and ties, for admins (CLI and admin API).

use std::collections::HashMap;

use palisade_store::peers::{self, Peer, Ties};
use palisade_store::{jobs, peer_summaries};

use crate::{Core, Error, Result};

/// Everything an admin sees about one peer.
#[derive(Clone, Debug)]
pub struct PeerReport {
    pub domain: String,
    pub peer: Option<Peer>,
    pub ties: Ties,
    /// (outcome, count) over the last 24 hours and the last seven days (hour buckets, the
    /// current one included).
    pub last_day: Vec<(String, i64)>,
    pub last_week: Vec<(String, i64)>,
    pub queued_deliveries: i64,
}

impl PeerReport {
    /// `ok`, `failing`, `unavailable`, `paused` or `never_contacted`.
    pub fn state(&self) -> &'static str {
        match &self.peer {
            Some(p) if p.delivery_paused => "paused",
            Some(p) if p.unavailable_since.is_some() => "unavailable",
            Some(p) if p.last_failure_at > p.last_success_at => "failing",
            Some(_) => "ok",
            None => "never_contacted",
        }
    }
}

/// The sum of the outcomes starting with `prefix` (`delivered`, `failed`, `inbound`).
pub fn outcomes(stats: &[(String, i64)], prefix: &str) -> i64 {
    stats
        .iter()
        .filter(|(o, _)| o.starts_with(prefix))
        .map(|(_, n)| n)
        .sum()
}

/// The queue deliveries wait in.
const DELIVER_QUEUE: &str = crate::jobs::Queue::Deliver.name();

impl Core {
    pub async fn peer_report(&self, domain: &str) -> Result<PeerReport> {
        // This process's latest figures first (other processes' are at most seconds behind).
        self.flush_peer_tally().await?;
        let queued = jobs::depth_by_host(&self.db, DELIVER_QUEUE).await?;
        let domain = domain.trim().to_lowercase();
        let hour = peers::this_hour();
        let peer = peers::get(&self.db, &domain).await?;
        let ties = peers::ties(&self.db, &domain).await?;
        if peer.is_none() && ties.accounts == 0 {
            return Err(Error::NotFound(format!("{domain} is not a known peer")));
        }
        let queued = queued.iter().find(|(h, _)| *h == domain).map_or(0, |(_, n)| *n);
        Ok(PeerReport {
            last_day: peers::stats_since(&self.db, &domain, hour - 23).await?,
            last_week: peers::stats_since(&self.db, &domain, hour - 7 * 24 + 1).await?,
            domain,
            peer,
            ties,
            queued_deliveries: queued,
        })
    }

    /// Every known peer's report, in a fixed number of queries.
    pub async fn peer_reports(&self) -> Result<Vec<PeerReport>> {
        self.flush_peer_tally().await?;
        let hour = peers::this_hour();
        let mut queued: HashMap<String, i64> = jobs::depth_by_host(&self.db, DELIVER_QUEUE)
            .await?
            .into_iter()
            .collect();
        let mut known: HashMap<String, Peer> = peers::list(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.domain.clone(), p))
            .collect();
        let mut ties = peer_summaries::all_ties(&self.db).await?;
        let mut day = peer_summaries::stats_since_all(&self.db, hour - 23).await?;
        let mut week = peer_summaries::stats_since_all(&self.db, hour - 7 * 24 + 1).await?;
        Ok(peers::known(&self.db)
            .await?
            .into_iter()
            .map(|domain| PeerReport {
                peer: known.remove(&domain),
                ties: ties.remove(&domain).unwrap_or_default(),
                last_day: day.remove(&domain).unwrap_or_default(),
                last_week: week.remove(&domain).unwrap_or_default(),
                queued_deliveries: queued.remove(&domain).unwrap_or(0),
                domain,
            })
            .collect())
    }

    /// Forgets hourly peer figures older than eight days (totals stay).
    pub async fn prune_peer_stats(&self) -> Result<u64> {
        Ok(peers::prune_stats(&self.db, peers::this_hour() - 8 * 24).await?)
    }

    /// Makes queued deliveries to a peer due now; returns how many.
    pub async fn retry_peer_now(&self, domain: &str) -> Result<u64> {
        Ok(jobs::hurry_host(&self.db, DELIVER_QUEUE, &domain.to_lowercase()).await?)
    }

    pub async fn clear_peer_failures(&self, domain: &str) -> Result<()> {
        Ok(peers::clear_failures(&self.db, &domain.to_lowercase()).await?)
    }

    pub async fn pause_peer(&self, domain: &str, paused: bool) -> Result<()> {
        peers::set_paused(&self.db, &domain.to_lowercase(), paused).await?;
        // Pausing is a delivery decision: the policy set carries it.
        self.invalidate_policies();
        Ok(())
    }

    /// A delivery to `domain` failed: the reason is kept at once (admins look for it), the
    /// count joins the tally.
    pub async fn record_delivery_failure(&self, domain: &str, class: &str, message: &str) -> Result<()> {
        peers::record_failure(&self.db, domain, class, message).await?;
        self.count_peer(domain, &format!("failed:{class}"));
        Ok(())
    }

    /// Peers whose software was never asked, or not for `recheck_ms`; at most `max`.
    pub async fn peers_due_for_software(&self, recheck_ms: i64, max: i64) -> Result<Vec<String>> {
        Ok(peers::software_due(&self.db, palisade_store::now_ms() - recheck_ms, max).await?)
    }

    /// What NodeInfo said a peer runs (`None`: it did not say).
    pub async fn record_peer_software(&self, domain: &str, software: Option<(&str, &str)>) -> Result<()> {
        Ok(peers::set_software(&self.db, domain, software).await?)
    }
}

/// What `/metrics` shows, read in a constant number of queries however many peers there are.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    pub peers: Vec<Peer>,
    /// (domain, outcome, count since first seen).
    pub totals: Vec<(String, String, i64)>,
    /// (domain, deliveries waiting).
    pub queued: Vec<(String, i64)>,
    /// (queue, jobs).
    pub queues: Vec<(String, i64)>,
    /// (domain, severity) of every instance block.
    pub policies: Vec<(String, String)>,
}

impl Core {
    pub async fn metrics(&self) -> Result<Metrics> {
        self.flush_peer_tally().await?;
        Ok(Metrics {
            peers: peers::list(&self.db).await?,
            totals: peers::totals(&self.db).await?,
            queued: jobs::depth_by_host(&self.db, DELIVER_QUEUE).await?,
            queues: jobs::depth_by_queue(&self.db).await?,
            policies: self
                .policies()
                .await?
                .blocks()
                .iter()
                .map(|b| (b.domain.clone(), b.severity.as_str().to_owned()))
                .collect(),
        })
    }
}
