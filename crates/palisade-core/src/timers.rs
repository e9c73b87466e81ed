//! Work that falls due later, kept in the durable `timers` queue (a job whose `run_at` is
//! in the future): a scheduled status to publish, a poll that ends, an announcement that
//! starts. A restart loses none of them; each is idempotent, so a second run does nothing.

use palisade_store::jobs::{self, NewJob};
use palisade_store::{Tx, now_ms};
use serde::{Deserialize, Serialize};

use crate::jobs::Queue;
use crate::{Core, Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Timer {
    PublishScheduled { id: i64 },
    PollEnded { poll_id: i64 },
    PublishAnnouncement { id: i64 },
}

impl Core {
    /// Queues `timer` to run at `at` (Unix ms) once `tx` commits.
    pub(crate) async fn set_timer(&self, tx: &mut Tx, timer: Timer, at: i64) -> Result<()> {
        let job = NewJob {
            queue: Queue::Timers.name(),
            payload: serde_json::to_string(&timer).map_err(|e| Error::Internal(e.to_string()))?,
            host: None,
            ordering_key: None,
            run_at: at,
        };
        jobs::enqueue(tx, &[job]).await?;
        Ok(())
    }

    /// Runs a timer that fell due.
    pub async fn run_timer(&self, timer: &Timer) -> Result<()> {
        match timer {
            Timer::PublishScheduled { id } => self.publish_scheduled(*id).await,
            Timer::PollEnded { poll_id } => self.end_poll(*poll_id).await,
            Timer::PublishAnnouncement { id } => self.publish_announcement(*id, now_ms()).await,
        }
    }
}
