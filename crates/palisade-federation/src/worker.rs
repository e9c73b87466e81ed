//! The workers: they take due jobs from the durable queue (inbound activities, events to
//! plan, deliveries to send) and run them. Deliveries run concurrently, but never more than
//! a few at once per peer, so one slow peer cannot stall the others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use palisade_core::events::Event;
use palisade_core::store::jobs::{self, Job};
use palisade_core::store::now_ms;
use tokio::sync::{Semaphore, watch};

use crate::context::Federation;
use crate::inbox::{INBOUND_QUEUE, InboundJob};
use crate::outbound::{DELIVER_QUEUE, DeliveryJob, OUTBOUND_QUEUE, Outcome};

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Deliveries in flight at once, in all.
    pub deliveries: usize,
    /// Deliveries in flight at once to one host.
    pub per_host: usize,
    /// How long a claimed job stays ours before another worker may take it.
    pub lease: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            deliveries: 16,
            per_host: 2,
            lease: Duration::from_secs(300),
        }
    }
}

/// Runs until `stop` turns true; finishes the jobs in hand first.
pub async fn run(fed: Federation, config: WorkerConfig, mut stop: watch::Receiver<bool>) {
    let worker = format!("{}-{}", std::process::id(), palisade_core::store::ids::new_id());
    let slots = Arc::new(Semaphore::new(config.deliveries));
    let in_flight: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let lease = config.lease.as_millis() as i64;
    tracing::info!(%worker, "federation worker started");
    let mut last_purge: Option<std::time::Instant> = None;
    let mut last_software: Option<std::time::Instant> = None;
    let software_busy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    while !*stop.borrow() {
        // Every 10 s, unless the last round still runs (slow peers): ask a few peers what
        // software they run (each about once a day), off the delivery path.
        if last_software.is_none_or(|t| t.elapsed() > Duration::from_secs(10))
            && !software_busy.swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            last_software = Some(std::time::Instant::now());
            let (fed, busy) = (fed.clone(), software_busy.clone());
            tokio::spawn(async move {
                if let Err(e) = fed.refresh_peer_software(10).await {
                    tracing::warn!(error = %e, "asking peers for their software failed");
                }
                busy.store(false, std::sync::atomic::Ordering::Release);
            });
        }
        // Every minute: lapsed blocks are lifted (restoring what they severed), suspended
        // domains past their grace period purged, old hourly peer figures pruned.
        if last_purge.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
            last_purge = Some(std::time::Instant::now());
            match fed.core.lift_lapsed_blocks().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(blocks = n, "lifted domain blocks whose time ran out"),
                Err(e) => tracing::error!(error = %e, "lifting lapsed domain blocks failed"),
            }
            if let Err(e) = fed.core.prune_peer_stats().await {
                tracing::error!(error = %e, "pruning peer figures failed");
            }
            match fed.core.purge_expired_suspensions().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(accounts = n, "purged suspended domains past their grace period"),
                Err(e) => tracing::error!(error = %e, "purging suspended domains failed"),
            }
        }
        let mut worked = false;
        worked |= run_queue(&fed, INBOUND_QUEUE, &worker, lease, 32).await;
        worked |= run_queue(&fed, OUTBOUND_QUEUE, &worker, lease, 32).await;
        // Deliveries: as many as free slots, skipping hosts already at their limit.
        let free = slots.available_permits();
        if free > 0 {
            let busy: Vec<String> = in_flight
                .lock()
                .map(|m| {
                    m.iter()
                        .filter(|(_, n)| **n >= config.per_host)
                        .map(|(h, _)| h.clone())
                        .collect()
                })
                .unwrap_or_default();
            match jobs::claim(&fed.core.db, DELIVER_QUEUE, &worker, free as i64, lease, &busy).await {
                Ok(claimed) => {
                    worked |= !claimed.is_empty();
                    for job in claimed {
                        let Ok(permit) = slots.clone().acquire_owned().await else {
                            break;
                        };
                        let host = job.host.clone().unwrap_or_default();
                        if let Ok(mut m) = in_flight.lock() {
                            *m.entry(host.clone()).or_default() += 1;
                        }
                        let (fed, in_flight) = (fed.clone(), in_flight.clone());
                        tokio::spawn(async move {
                            run_delivery(&fed, &job).await;
                            if let Ok(mut m) = in_flight.lock()
                                && let Some(n) = m.get_mut(&host)
                            {
                                *n = n.saturating_sub(1);
                            }
                            drop(permit);
                        });
                    }
                }
                Err(e) => tracing::error!(error = %e, "claiming deliveries failed"),
            }
        }
        if !worked {
            tokio::select! {
                _ = fed.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = stop.changed() => {}
            }
        }
    }
    // Let deliveries in flight finish (their leases would otherwise hold them back).
    let _ = slots.acquire_many(config.deliveries as u32).await;
    tracing::info!(%worker, "federation worker stopped");
}

/// Claims and runs a batch of one queue; whether anything was there.
async fn run_queue(fed: &Federation, queue: &str, worker: &str, lease: i64, limit: i64) -> bool {
    let claimed = match jobs::claim(&fed.core.db, queue, worker, limit, lease, &[]).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(queue, error = %e, "claiming jobs failed");
            return false;
        }
    };
    let any = !claimed.is_empty();
    for job in claimed {
        let result = match queue {
            INBOUND_QUEUE => match serde_json::from_str::<InboundJob>(&job.payload) {
                Ok(j) => fed.process_inbound(&j).await.map(|_| ()),
                Err(e) => Err(crate::FedError::Invalid(e.to_string())),
            },
            _ => match serde_json::from_str::<Event>(&job.payload) {
                Ok(event) => fed.plan_event(&event).await.map(|_| ()),
                Err(e) => Err(crate::FedError::Invalid(e.to_string())),
            },
        };
        finish(fed, &job, result.map_err(|e| e.to_string()), queue).await;
    }
    any
}

/// Inbound and planning jobs: done, or retried a few times (a peer may be briefly down
/// while we fetch what an activity refers to), then set aside.
async fn finish(fed: &Federation, job: &Job, result: Result<(), String>, queue: &str) {
    let db = &fed.core.db;
    let outcome = match result {
        Ok(()) => jobs::complete(db, job.id).await,
        Err(e) if job.attempts < 5 => {
            tracing::warn!(queue, job = job.id, error = %e, "job failed; will retry");
            jobs::retry(
                db,
                job.id,
                now_ms() + crate::outbound::backoff_ms(job.attempts),
                &e,
            )
            .await
        }
        Err(e) => {
            tracing::error!(queue, job = job.id, error = %e, "job failed for good");
            jobs::bury(db, job.id, &e).await
        }
    };
    if let Err(e) = outcome {
        tracing::error!(job = job.id, error = %e, "could not record the job's outcome");
    }
}

async fn run_delivery(fed: &Federation, job: &Job) {
    let db = &fed.core.db;
    let delivery: DeliveryJob = match serde_json::from_str(&job.payload) {
        Ok(d) => d,
        Err(e) => {
            let _ = jobs::bury(db, job.id, &format!("bad payload: {e}")).await;
            return;
        }
    };
    let outcome = fed
        .deliver(&delivery, job.attempts, now_ms() - job.created_at)
        .await;
    let result = match outcome {
        Outcome::Delivered => jobs::complete(db, job.id).await,
        Outcome::Retry { after_ms, error } => jobs::retry(db, job.id, now_ms() + after_ms, &error).await,
        Outcome::GiveUp { error } => jobs::bury(db, job.id, &error).await,
    };
    if let Err(e) = result {
        tracing::error!(job = job.id, error = %e, "could not record a delivery's outcome");
    }
}
