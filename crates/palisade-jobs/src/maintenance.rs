//! Periodic housekeeping, off the job queues: lapsed domain blocks lifted (restoring what
//! they severed), suspended domains purged after their grace period, old figures and
//! arrival ids forgotten, peers asked what software they run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use palisade_federation::Federation;
use tokio::sync::watch;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);
const SOFTWARE_EVERY: Duration = Duration::from_secs(10);

pub async fn run(fed: Federation, mut stop: watch::Receiver<bool>) {
    let mut housekeeping = tokio::time::interval(HOUSEKEEPING_EVERY);
    let mut software = tokio::time::interval(SOFTWARE_EVERY);
    let asking = Arc::new(AtomicBool::new(false));
    loop {
        tokio::select! {
            _ = housekeeping.tick() => housekeep(&fed).await,
            // Slow peers must not hold up the rest: one round at a time, in its own task.
            _ = software.tick() => if !asking.swap(true, Ordering::AcqRel) {
                let (fed, asking) = (fed.clone(), asking.clone());
                tokio::spawn(async move {
                    if let Err(e) = fed.refresh_peer_software(10).await {
                        tracing::warn!(error = %e, "asking peers for their software failed");
                    }
                    asking.store(false, Ordering::Release);
                });
            },
            _ = stop.changed() => if crate::stopping(&stop) { break },
        }
    }
}

async fn housekeep(fed: &Federation) {
    let core = &fed.core;
    match core.lift_lapsed_blocks().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(blocks = n, "lifted domain blocks whose time ran out"),
        Err(e) => tracing::error!(error = %e, "lifting lapsed domain blocks failed"),
    }
    if let Err(e) = core.prune_peer_stats().await {
        tracing::error!(error = %e, "pruning peer figures failed");
    }
    if let Err(e) = core.forget_old_arrivals().await {
        tracing::error!(error = %e, "forgetting old activity ids failed");
    }
    if let Err(e) = core.forget_old_codes().await {
        tracing::error!(error = %e, "forgetting old authorization codes failed");
    }
    match core.purge_expired_suspensions().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(accounts = n, "purged suspended domains past their grace period"),
        Err(e) => tracing::error!(error = %e, "purging suspended domains failed"),
    }
    // Unattached uploads swept, the remote cache pruned (with a retention set), profile
    // link checks that are due queued.
    if let Err(e) = core.media_housekeeping().await {
        tracing::error!(error = %e, "media housekeeping failed");
    }
}
