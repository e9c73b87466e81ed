//! Wake-ups for job runners: a job enqueued in a transaction rings its queue's bell when the
//! transaction commits (never before: a runner woken early would find nothing). Across
//! processes on PostgreSQL the same ring goes out as `NOTIFY palisade_jobs, 'queue'`, sent
//! inside the transaction so that it is delivered exactly when the job becomes visible.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// The channel PostgreSQL carries job wake-ups on.
pub const CHANNEL: &str = "palisade_jobs";

/// One bell per queue name, shared by a pool and its transactions.
#[derive(Default)]
pub struct Bells {
    bells: Mutex<HashMap<String, Arc<Notify>>>,
}

impl Bells {
    /// The bell of `queue`: a runner waits on it while its queue is empty.
    pub fn of(&self, queue: &str) -> Arc<Notify> {
        match self.bells.lock() {
            Ok(mut map) => map.entry(queue.to_owned()).or_default().clone(),
            // A poisoned map still wakes nobody wrongly: hand out a fresh bell.
            Err(_) => Arc::default(),
        }
    }

    /// Rings `queue`'s bell. `notify_one` keeps the ring when nobody waits yet, so a runner
    /// that is busy claiming when a job arrives looks again instead of sleeping.
    pub fn ring(&self, queue: &str) {
        self.of(queue).notify_one();
    }
}
