//! The queues of durable work, named in one place, and what runners ask of them. Inbound
//! activities come in through the intake, which commits many deliveries together.

use std::sync::Arc;

use palisade_store::jobs as store;
pub use palisade_store::jobs::{HostRoom, Job, NewJob};
use palisade_store::now_ms;
pub use palisade_store::relaxed_durability;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::{Core, Error, Result};

/// Every queue. A job's payload type is decided by its queue (`palisade-jobs` decodes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Queue {
    /// Activities other servers delivered, verified and waiting to be applied.
    Inbound,
    /// Core's events, waiting to become activities and deliveries.
    Outbound,
    /// One signed POST to one inbox each.
    Deliver,
    /// Work that falls due later (`timers::Timer`): scheduled statuses, poll ends,
    /// announcements.
    Timers,
    /// One Web Push message each (`push::PushJob`).
    Push,
    /// Media work: uploads to transcode, remote files to fetch, preview cards, profile
    /// link checks, files to delete (`media::MediaJob`).
    Media,
}

impl Queue {
    pub const ALL: [Queue; 6] = [
        Queue::Inbound,
        Queue::Outbound,
        Queue::Deliver,
        Queue::Timers,
        Queue::Push,
        Queue::Media,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Queue::Inbound => "inbound",
            Queue::Outbound => "outbound",
            Queue::Deliver => "deliver",
            Queue::Timers => "timers",
            Queue::Push => "push",
            Queue::Media => "media",
        }
    }

    pub fn parse(name: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.name() == name)
    }
}

/// An inbound activity to accept: its id (to accept it once) and its job.
pub struct Arrival {
    pub activity_id: Option<String>,
    pub payload: String,
    pub ordering_key: Option<String>,
}

/// One arrival waiting for the intake's next commit.
pub(crate) struct Waiting {
    arrival: Arrival,
    answer: oneshot::Sender<Result<bool>>,
}

/// How many arrivals one intake transaction takes at most.
const INTAKE_BATCH: usize = 256;

impl Core {
    /// Accepts an inbound activity durably: `Ok(false)` when its id was seen before. Many
    /// concurrent deliveries share one transaction (group commit): one write for all of
    /// them instead of one each, and the answer comes only once it is committed.
    pub async fn accept_inbound(&self, arrival: Arrival) -> Result<bool> {
        let intake = self
            .intake
            .get_or_init(|| {
                let (tx, rx) = mpsc::channel(4 * INTAKE_BATCH);
                tokio::spawn(run_intake(self.clone(), rx));
                tx
            })
            .clone();
        let (answer, answered) = oneshot::channel();
        intake
            .send(Waiting { arrival, answer })
            .await
            .map_err(|_| Error::Internal("the inbound intake stopped".into()))?;
        answered
            .await
            .map_err(|_| Error::Internal("the inbound intake stopped".into()))?
    }

    pub async fn enqueue_jobs(&self, jobs: &[NewJob]) -> Result<()> {
        store::enqueue(&self.db, jobs).await?;
        Ok(())
    }

    /// Leases due jobs of `queue` to `worker` (see `store::jobs::claim`).
    pub async fn claim_jobs(
        &self,
        queue: Queue,
        worker: &str,
        limit: usize,
        lease_ms: i64,
        hosts: Option<&HostRoom>,
    ) -> Result<Vec<Job>> {
        Ok(store::claim(&self.db, queue.name(), worker, limit, lease_ms, hosts).await?)
    }

    pub async fn renew_job_leases(&self, worker: &str, lease_ms: i64) -> Result<u64> {
        Ok(store::renew(&self.db, worker, lease_ms).await?)
    }

    pub async fn release_jobs(&self, worker: &str) -> Result<u64> {
        Ok(store::release(&self.db, worker).await?)
    }

    pub async fn complete_jobs(&self, ids: &[i64]) -> Result<()> {
        Ok(store::complete(&self.db, ids).await?)
    }

    pub async fn retry_job(&self, id: i64, after_ms: i64, error: &str) -> Result<()> {
        Ok(store::retry(&self.db, id, now_ms() + after_ms, error).await?)
    }

    /// A job for `host` failed for now and runs again in `after_ms`: `host`'s other waiting
    /// jobs of `queue` wait as long (see `store::jobs::postpone_host`).
    pub async fn postpone_host_jobs(&self, queue: Queue, host: &str, after_ms: i64) -> Result<u64> {
        Ok(store::postpone_host(&self.db, queue.name(), host, now_ms() + after_ms).await?)
    }

    pub async fn bury_job(&self, id: i64, error: &str) -> Result<()> {
        Ok(store::bury(&self.db, id, error).await?)
    }

    /// When `queue`'s next job is due, if it has any.
    pub async fn next_job_due(&self, queue: Queue) -> Result<Option<i64>> {
        Ok(store::next_due(&self.db, queue.name()).await?)
    }

    pub async fn jobs_pending(&self, queue: &str) -> Result<i64> {
        Ok(store::depth(&self.db, queue).await?)
    }

    /// The bell that rings when a job is added to `queue` (by this process, or by another
    /// one on PostgreSQL while [`Core::listen_for_jobs`] runs).
    pub fn job_bell(&self, queue: Queue) -> Arc<Notify> {
        self.db.bells().of(queue.name())
    }

    /// Rings this process's bells for jobs other processes add, until the connection can no
    /// longer be made. Returns at once on SQLite (one process).
    pub async fn listen_for_jobs(&self) -> Result<()> {
        let Some(mut listener) = store::Listener::connect(&self.db).await? else {
            return Ok(());
        };
        loop {
            let queue = listener.next().await?;
            self.db.bells().ring(&queue);
        }
    }

    /// Forgets inbound activity ids older than three days.
    pub async fn forget_old_arrivals(&self) -> Result<u64> {
        Ok(store::forget_seen(&self.db, now_ms() - 3 * 86_400_000).await?)
    }
}

/// The intake: takes whatever arrivals wait (up to a batch), writes them in one
/// transaction, answers each.
async fn run_intake(core: Core, mut rx: mpsc::Receiver<Waiting>) {
    while let Some(batch) = next_batch(&mut rx, INTAKE_BATCH).await {
        match write_arrivals(&core, &batch).await {
            Ok(accepted) => {
                for (w, ok) in batch.into_iter().zip(accepted) {
                    let _ = w.answer.send(Ok(ok));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for w in batch {
                    let _ = w.answer.send(Err(Error::Internal(message.clone())));
                }
            }
        }
    }
}

/// Waits for one item, then takes whatever else is waiting already, up to `max` in all
/// (a group commit's batch); `None` once every sender is gone.
pub(crate) async fn next_batch<T>(rx: &mut mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let mut batch = vec![rx.recv().await?];
    while batch.len() < max {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Which arrivals are new (their id not seen before, nor earlier in the batch), queued in
/// the same transaction that records their ids.
async fn write_arrivals(core: &Core, batch: &[Waiting]) -> Result<Vec<bool>> {
    let ids: Vec<&str> = batch
        .iter()
        .filter_map(|w| w.arrival.activity_id.as_deref())
        .collect();
    let mut tx = core.db.begin().await?;
    let mut fresh: std::collections::HashSet<String> =
        store::first_sight(&mut tx, &ids).await?.into_iter().collect();
    let now = now_ms();
    let mut accepted = Vec::with_capacity(batch.len());
    let mut jobs = Vec::new();
    for w in batch {
        // Activities without an id cannot be de-duplicated: they are processed each time.
        let new = match &w.arrival.activity_id {
            Some(id) => fresh.remove(id),
            None => true,
        };
        if new {
            jobs.push(NewJob {
                queue: Queue::Inbound.name(),
                payload: w.arrival.payload.clone(),
                host: None,
                ordering_key: w.arrival.ordering_key.clone(),
                run_at: now,
            });
        }
        accepted.push(new);
    }
    store::enqueue(&mut tx, &jobs).await?;
    tx.commit().await?;
    Ok(accepted)
}
