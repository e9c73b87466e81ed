//! On SQLite, received statuses are written in groups: the statuses that wait when the
//! writer is free go into one transaction. Every write transaction there holds the one
//! write lock statement by statement, and its begin, its commit and the hand-over of the
//! lock are paid once per group instead of once per status (inbound benchmark: 580 ->
//! 850-900 processed/s). When a group's transaction fails, each of its statuses is written
//! again alone, so one bad status costs the others nothing. On PostgreSQL, where writers
//! run side by side, each status is written in its own transaction by its own task (one
//! writer for all was 25 % slower).

use tokio::sync::{mpsc, oneshot};

use crate::model::Status;
use crate::notifications::NotifyPlan;
use crate::remote::RemoteStatus;
use crate::timelines::Reach;
use crate::{Core, Error, Result};

/// Statuses written in one transaction at most.
const GROUP: usize = 16;

/// A received status with what was read for it (see `Core::receive_status`).
pub(crate) struct ReceivedWrite {
    pub new: RemoteStatus,
    pub emoji_ids: Vec<i64>,
    pub reach: Reach,
    pub mentioned: Option<NotifyPlan>,
}

/// A write waiting for the writer, and where its outcome goes.
pub(crate) struct Waiting {
    write: ReceivedWrite,
    /// Asked for from a job handler whose commits need not wait for the disk.
    relaxed: bool,
    answer: oneshot::Sender<Result<Status>>,
}

impl Core {
    /// Writes a received status with the others that wait, and answers with it.
    pub(crate) async fn write_received(&self, write: ReceivedWrite) -> Result<Status> {
        if self.db.backend() == palisade_store::Backend::Postgres {
            return self.write_alone(&write).await;
        }
        let writer = self
            .received
            .get_or_init(|| {
                let (tx, rx) = mpsc::channel(4 * GROUP);
                tokio::spawn(run_writer(self.clone(), rx));
                tx
            })
            .clone();
        let (answer, answered) = oneshot::channel();
        let waiting = Waiting {
            write,
            relaxed: palisade_store::durability_relaxed(),
            answer,
        };
        let stopped = || Error::Internal("the writer of received statuses stopped".into());
        writer.send(waiting).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }

    async fn write_group(&self, group: &[Waiting]) -> Result<Vec<Status>> {
        let mut tx = self.db.begin().await?;
        let mut written = Vec::with_capacity(group.len());
        for w in group {
            written.push(self.write_received_status(&mut tx, &w.write).await?);
        }
        tx.commit().await?;
        Ok(written)
    }

    async fn write_alone(&self, write: &ReceivedWrite) -> Result<Status> {
        let mut tx = self.db.begin().await?;
        let status = self.write_received_status(&mut tx, write).await?;
        tx.commit().await?;
        Ok(status)
    }
}

/// Commits without waiting for the disk when every status of the group allows it.
async fn durable<F: std::future::Future>(relaxed: bool, work: F) -> F::Output {
    match relaxed {
        true => palisade_store::relaxed_durability(work).await,
        false => work.await,
    }
}

async fn run_writer(core: Core, mut rx: mpsc::Receiver<Waiting>) {
    while let Some(group) = crate::jobs::next_batch(&mut rx, GROUP).await {
        if group.len() > 1 {
            let relaxed = group.iter().all(|w| w.relaxed);
            if let Ok(written) = durable(relaxed, core.write_group(&group)).await {
                for (w, status) in group.into_iter().zip(written) {
                    let _ = w.answer.send(Ok(status));
                }
                continue;
            }
        }
        for w in group {
            let outcome = durable(w.relaxed, core.write_alone(&w.write)).await;
            let _ = w.answer.send(outcome);
        }
    }
}
