//! Media work that waits for a worker, in the durable queue `media`: processing uploads,
//! fetching remote files ahead of their first view, preview cards, profile link checks,
//! dropping a domain's cached files, deleting files of removed records.
//!
//! The job room (`palisade-jobs`) runs them with a runner of their own; what running one
//! means is `palisade_federation::media::jobs`, because some of this work talks to other
//! servers.

use palisade_store::{Tx, jobs, now_ms};
use serde::{Deserialize, Serialize};

use crate::{Core, Error, Result};

pub const MEDIA_QUEUE: &str = crate::jobs::Queue::Media.name();

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MediaJob {
    /// Transcode an uploaded video, audio file or animated GIF.
    Process { media_id: i64 },
    /// Fetch a remote file into the cache before anyone asks for it.
    Fetch { media_id: i64 },
    /// Fetch the page behind a status' first link.
    Card { status_id: i64, url: String },
    /// Check an account's profile links for rel="me".
    VerifyLinks { account_id: i64 },
    /// Drop every cached file of a domain (its media is rejected now).
    ClearDomain { domain: String },
    /// Delete stored files whose records are gone.
    DeleteFiles { keys: Vec<String> },
}

impl MediaJob {
    /// The host a job talks to, for fairness between peers (none for local work).
    fn host(&self) -> Option<String> {
        match self {
            MediaJob::Card { url, .. } => url::host_of(url),
            _ => None,
        }
    }
}

mod url {
    pub fn host_of(u: &str) -> Option<String> {
        let rest = u.split_once("://")?.1;
        let host = rest.split(['/', '?', '#']).next()?;
        Some(host.rsplit('@').next().unwrap_or(host).to_lowercase())
    }
}

impl Core {
    /// Queues `job` inside `tx`: it runs exactly when the change that caused it is durable.
    pub async fn enqueue_media_job(&self, tx: &mut Tx, job: &MediaJob) -> Result<()> {
        jobs::enqueue(&mut *tx, &[new_job(job)?]).await?;
        Ok(())
    }

    /// Queues `job` on its own.
    pub async fn queue_media_job(&self, job: &MediaJob) -> Result<()> {
        jobs::enqueue(&self.db, &[new_job(job)?]).await?;
        Ok(())
    }
}

fn new_job(job: &MediaJob) -> Result<jobs::NewJob> {
    Ok(jobs::NewJob {
        queue: MEDIA_QUEUE,
        payload: serde_json::to_string(job).map_err(|e| Error::Internal(e.to_string()))?,
        host: job.host(),
        ordering_key: None,
        run_at: now_ms(),
    })
}

/// How a media job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// Worth another try later (a peer or the store was briefly away).
    Retry(String),
    /// Will never succeed; kept aside.
    GiveUp(String),
}
