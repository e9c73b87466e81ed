//! The job room: typed jobs (`job`), what running one means (`handle`), the runners that take
//! them from the durable queues (`runner`: one per kind of work, each with its own bounded
//! concurrency), periodic housekeeping (`maintenance`), and [`start`], which runs them all
//! with short leases renewed while jobs run, wake-ups across processes on PostgreSQL, and a
//! graceful stop that finishes or gives back what it holds.

mod handle;
mod job;
mod maintenance;
mod runner;

use std::sync::Arc;
use std::time::Duration;

use palisade_core::jobs::Queue;
use palisade_core::model::new_id;
use palisade_federation::Federation;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use handle::Outcome;
pub use job::Job;
pub use runner::RunnerConfig;
pub use runner::run_due_now;

/// How many jobs of each kind run at once in one process.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inbound activities applied at once (per-object order is kept whatever this is).
    pub inbound: usize,
    /// Events planned at once.
    pub planning: usize,
    /// Deliveries in flight at once, in all.
    pub deliveries: usize,
    /// Deliveries in flight at once to one host (slow ones included).
    pub per_host: usize,
    /// Deliveries that waited on their peer for a while (`runner::SLOW_AFTER`) and gave
    /// their slot back to the others, in flight at once.
    pub slow_deliveries: usize,
    /// Timers (scheduled statuses, poll ends, announcements) run at once.
    pub timers: usize,
    /// Web Push messages in flight at once.
    pub pushes: usize,
    /// Media jobs at once (ffmpeg is heavy: a few per process).
    pub media: usize,
    /// How long a claimed job stays this process's without a renewal; a crashed process's
    /// jobs come back after this.
    pub lease: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inbound: 8,
            planning: 4,
            deliveries: 64,
            per_host: 4,
            slow_deliveries: 256,
            timers: 4,
            pushes: 16,
            media: 2,
            lease: Duration::from_secs(15),
        }
    }
}

/// Running runners; [`Runners::stop`] stops them gracefully.
pub struct Runners {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    fed: Federation,
    worker: Arc<str>,
}

/// Starts every runner, the lease renewal, the cross-process wake-ups and housekeeping.
pub fn start(fed: Federation, config: Config) -> Runners {
    let worker: Arc<str> = format!("{}-{}", std::process::id(), new_id()).into();
    let (stop, stop_rx) = watch::channel(false);
    let lease_ms = config.lease.as_millis() as i64;
    let specs: [RunnerConfig; 6] = [
        RunnerConfig {
            queue: Queue::Inbound,
            concurrency: config.inbound.max(1),
            per_host: None,
            slow_lane: 0,
        },
        RunnerConfig {
            queue: Queue::Outbound,
            concurrency: config.planning.max(1),
            per_host: None,
            slow_lane: 0,
        },
        RunnerConfig {
            queue: Queue::Deliver,
            concurrency: config.deliveries.max(1),
            per_host: Some(config.per_host.max(1)),
            slow_lane: config.slow_deliveries,
        },
        RunnerConfig {
            queue: Queue::Timers,
            concurrency: config.timers.max(1),
            per_host: None,
            slow_lane: 0,
        },
        RunnerConfig {
            queue: Queue::Push,
            concurrency: config.pushes.max(1),
            per_host: None,
            slow_lane: 0,
        },
        RunnerConfig {
            queue: Queue::Media,
            concurrency: config.media.max(1),
            // Card and link fetches name their host: one peer cannot take every slot.
            per_host: Some(1),
            slow_lane: 0,
        },
    ];
    let mut tasks: Vec<JoinHandle<()>> = specs
        .into_iter()
        .map(|spec| {
            tokio::spawn(runner::run(
                fed.clone(),
                spec,
                worker.clone(),
                lease_ms,
                stop_rx.clone(),
            ))
        })
        .collect();
    tasks.push(tokio::spawn(maintenance::run(fed.clone(), stop_rx.clone())));
    tasks.push(tokio::spawn(renew_leases(
        fed.clone(),
        worker.clone(),
        config.lease,
        stop_rx.clone(),
    )));
    tasks.push(tokio::spawn(listen(fed.clone(), stop_rx)));
    tracing::info!(%worker, "job runners started");
    Runners {
        stop,
        tasks,
        fed,
        worker,
    }
}

impl Runners {
    /// Stops taking jobs, lets those in hand finish (a few seconds at most), gives back any
    /// still held, and writes the last per-peer figures.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        match self.fed.core.release_jobs(&self.worker).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "gave back unfinished jobs"),
            Err(e) => tracing::warn!(error = %e, "could not give back unfinished jobs"),
        }
        if let Err(e) = self.fed.core.flush_peer_tally().await {
            tracing::warn!(error = %e, "could not write the last peer figures");
        }
        tracing::info!(worker = %self.worker, "job runners stopped");
    }
}

/// Keeps this process's leases alive while its jobs run (a third of the lease apart).
async fn renew_leases(fed: Federation, worker: Arc<str>, lease: Duration, mut stop: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(lease / 3);
    let lease_ms = lease.as_millis() as i64;
    loop {
        tokio::select! {
            _ = every.tick() => if let Err(e) = fed.core.renew_job_leases(&worker, lease_ms).await {
                tracing::warn!(error = %e, "renewing job leases failed");
            },
            _ = stop.changed() => if stopping(&stop) { break },
        }
    }
}

/// Told to stop (or nobody is left to tell: the owner is gone).
pub(crate) fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// On PostgreSQL: wakes this process's runners when another process queues a job.
async fn listen(fed: Federation, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            result = fed.core.listen_for_jobs() => match result {
                // SQLite: nothing to listen to.
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "listening for jobs failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            },
            _ = stop.changed() => if stopping(&stop) { return },
        }
    }
}
