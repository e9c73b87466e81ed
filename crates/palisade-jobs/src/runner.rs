//! A runner: takes due jobs of one queue, runs up to `concurrency` at once (and, for
//! deliveries, at most `per_host` to one peer), records what became of them in batches, and
//! sleeps until its queue's bell rings, a retry falls due, or it is told to stop. Each kind
//! of work has its own runner, so no kind starves another. A delivery that waits on its
//! peer longer than `SLOW_AFTER` gives its slot back and goes on in the slow lane (a larger
//! bound, still counted against its host), so peers that never answer cannot take every
//! slot from those that do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use palisade_core::jobs::{HostRoom, Job as Row, Queue, relaxed_durability};
use palisade_core::model::now_ms;
use palisade_federation::Federation;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};

use crate::handle::{self, Outcome};
use crate::job::Job;

#[derive(Clone, Debug)]
pub struct RunnerConfig {
    pub queue: Queue,
    /// Jobs in flight at once.
    pub concurrency: usize,
    /// Jobs in flight at once for one host (deliveries).
    pub per_host: Option<usize>,
    /// Jobs that waited `SLOW_AFTER` and gave their slot back, in flight at once (0: none
    /// ever gives its slot back).
    pub slow_lane: usize,
}

/// How long a job may hold one of its runner's slots before it moves to the slow lane (if
/// the runner has one and there is room in it). A delivery to a peer that answers takes a
/// few milliseconds of our time; one that waits longer is waiting on the network.
const SLOW_AFTER: Duration = Duration::from_millis(100);

/// The longest a runner sleeps without looking (jobs another process made claimable, e.g.
/// by finishing an earlier job of the same ordering key).
const IDLE_LOOK: Duration = Duration::from_secs(2);
/// How long a stopping runner waits for the jobs it runs.
const STOP_GRACE: Duration = Duration::from_secs(10);

struct Finished {
    id: i64,
    host: Option<String>,
    outcome: Outcome,
}

/// Runs until `stop` turns true; then lets the jobs in hand finish (for a while).
pub async fn run(
    fed: Federation,
    config: RunnerConfig,
    worker: Arc<str>,
    lease_ms: i64,
    mut stop: watch::Receiver<bool>,
) {
    let queue = config.queue;
    let bell = fed.core.job_bell(queue);
    let slots = Arc::new(Semaphore::new(config.concurrency));
    let lanes = Lanes {
        slow: Arc::new(Semaphore::new(config.slow_lane)),
        freed: Arc::new(Notify::new()),
    };
    let in_flight: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Finished>();
    let mut finished = Vec::new();
    loop {
        while let Ok(f) = done_rx.try_recv() {
            finished.push(f);
        }
        if !finished.is_empty() {
            record(&fed, queue, std::mem::take(&mut finished), &in_flight).await;
        }
        if crate::stopping(&stop) {
            break;
        }
        let room = slots.available_permits();
        let mut claimed = 0;
        if room > 0 {
            let hosts = config.per_host.map(|per_host| HostRoom {
                per_host,
                in_flight: in_flight.lock().map(|m| m.clone()).unwrap_or_default(),
            });
            match fed
                .core
                .claim_jobs(queue, &worker, room, lease_ms, hosts.as_ref())
                .await
            {
                Ok(jobs) => {
                    claimed = jobs.len();
                    for job in jobs {
                        start(&fed, job, queue, &slots, &lanes, &in_flight, &done_tx);
                    }
                }
                Err(e) => tracing::error!(queue = queue.name(), error = %e, "claiming jobs failed"),
            }
        }
        if claimed > 0 && claimed == room {
            continue;
        }
        let wait = idle_wait(&fed, queue).await;
        tokio::select! {
            Some(f) = done_rx.recv() => finished.push(f),
            () = bell.notified() => {}
            () = lanes.freed.notified() => {}
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
    // Stopping: no new jobs; those in hand may finish (the slow lane's too).
    let all = u32::try_from(config.concurrency).unwrap_or(u32::MAX);
    let slow = u32::try_from(config.slow_lane).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(STOP_GRACE, async {
        let _held = slots.acquire_many(all).await;
        let _slow = lanes.slow.acquire_many(slow).await;
    })
    .await;
    while let Ok(f) = done_rx.try_recv() {
        finished.push(f);
    }
    record(&fed, queue, finished, &in_flight).await;
}

/// The slow lane: its own bound, and the news that a slot was given back.
struct Lanes {
    slow: Arc<Semaphore>,
    freed: Arc<Notify>,
}

/// Runs one job in its own task, within the runner's slots.
fn start(
    fed: &Federation,
    job: Row,
    queue: Queue,
    slots: &Arc<Semaphore>,
    lanes: &Lanes,
    in_flight: &Arc<Mutex<HashMap<String, usize>>>,
    done: &mpsc::UnboundedSender<Finished>,
) {
    let Ok(permit) = slots.clone().try_acquire_owned() else {
        // Cannot happen (we claimed no more than the free slots); the lease returns it.
        return;
    };
    if let (Some(h), Ok(mut m)) = (&job.host, in_flight.lock()) {
        *m.entry(h.clone()).or_default() += 1;
    }
    let (fed, done) = (fed.clone(), done.clone());
    let (slow, freed) = (lanes.slow.clone(), lanes.freed.clone());
    tokio::spawn(async move {
        let work = async {
            match Job::decode(queue, &job.payload) {
                // Handlers are idempotent and the completion is written after the effects: a
                // crash that loses the effects loses the completion too, so the job runs again.
                Ok(decoded) => {
                    relaxed_durability(handle::run(&fed, decoded, job.attempts, job.created_at)).await
                }
                Err(error) => Outcome::GiveUp { error },
            }
        };
        let (outcome, permit) = slow_lane(work, permit, &slow, &freed).await;
        // The slot first, then the news: a runner woken by it finds the slot free.
        drop(permit);
        let _ = done.send(Finished {
            id: job.id,
            host: job.host,
            outcome,
        });
    });
}

/// Runs `work` holding `permit`; if it takes longer than `SLOW_AFTER` and the slow lane has
/// room, gives the slot back (and says so) and finishes holding a slow-lane permit instead.
async fn slow_lane(
    work: impl Future<Output = Outcome>,
    permit: OwnedSemaphorePermit,
    slow: &Arc<Semaphore>,
    freed: &Notify,
) -> (Outcome, OwnedSemaphorePermit) {
    tokio::pin!(work);
    tokio::select! {
        outcome = &mut work => return (outcome, permit),
        () = tokio::time::sleep(SLOW_AFTER) => {}
    }
    match slow.clone().try_acquire_owned() {
        Ok(slow_permit) => {
            drop(permit);
            freed.notify_one();
            (work.await, slow_permit)
        }
        Err(_) => (work.await, permit),
    }
}

/// Writes what became of finished jobs: the done ones in one statement.
async fn record(
    fed: &Federation,
    queue: Queue,
    finished: Vec<Finished>,
    in_flight: &Mutex<HashMap<String, usize>>,
) {
    let mut done = Vec::new();
    for f in finished {
        if let (Some(h), Ok(mut m)) = (&f.host, in_flight.lock())
            && let Some(n) = m.get_mut(h)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(h);
            }
        }
        let result = match f.outcome {
            Outcome::Done => {
                done.push(f.id);
                Ok(())
            }
            Outcome::Retry { after_ms, error } => {
                tracing::debug!(job = f.id, %error, "job failed; will retry");
                let retried = fed.core.retry_job(f.id, after_ms, &error).await;
                match (&f.host, queue) {
                    // A peer that failed is not tried again before its backoff, by any job.
                    (Some(host), Queue::Deliver) if retried.is_ok() => fed
                        .core
                        .postpone_host_jobs(queue, host, after_ms)
                        .await
                        .map(|_| ()),
                    _ => retried,
                }
            }
            Outcome::GiveUp { error } => {
                tracing::warn!(job = f.id, %error, "job failed for good");
                fed.core.bury_job(f.id, &error).await
            }
        };
        if let Err(e) = result {
            tracing::error!(job = f.id, error = %e, "could not record a job's outcome");
        }
    }
    if let Err(e) = fed.core.complete_jobs(&done).await {
        // Their leases run out and they run again: handlers are idempotent.
        tracing::error!(jobs = done.len(), error = %e, "could not record finished jobs");
    }
}

/// How long to sleep when nothing is claimable: until the next retry falls due, at most
/// `IDLE_LOOK`.
async fn idle_wait(fed: &Federation, queue: Queue) -> Duration {
    match fed.core.next_job_due(queue).await {
        Ok(Some(at)) => {
            let ms = (at - now_ms()).clamp(10, IDLE_LOOK.as_millis() as i64);
            Duration::from_millis(ms as u64)
        }
        _ => IDLE_LOOK,
    }
}

/// Runs every due job of `queue` now, one after another, in the calling task (tests, and
/// tools that cannot wait for a runner); returns how many ran.
pub async fn run_due_now(fed: &Federation, queue: Queue) -> usize {
    let mut ran = 0;
    for _ in 0..100 {
        let jobs = match fed.core.claim_jobs(queue, "now", 16, 300_000, None).await {
            Ok(j) if !j.is_empty() => j,
            _ => break,
        };
        let mut finished = Vec::new();
        for job in jobs {
            let outcome = match Job::decode(queue, &job.payload) {
                Ok(decoded) => handle::run(fed, decoded, job.attempts, job.created_at).await,
                Err(error) => Outcome::GiveUp { error },
            };
            finished.push(Finished {
                id: job.id,
                host: job.host,
                outcome,
            });
            ran += 1;
        }
        record(fed, queue, finished, &Mutex::default()).await;
    }
    ran
}
