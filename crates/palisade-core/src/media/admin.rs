//! Keeping the media store in hand: usage per domain, pruning the remote cache (files come
//! back on demand), sweeping uploads no status uses, dropping a domain's cached files when
//! its media is rejected, deleting the files of purged records.

use palisade_store::account_media;
use palisade_store::accounts::{self, Account};
use palisade_store::media::{self as store, Media, Usage};
use palisade_store::now_ms;

use super::jobs::MediaJob;
use super::process::keys_of;
use crate::{Core, Result};

/// What a prune removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PruneReport {
    pub files: u64,
    pub bytes: i64,
}

/// The remote files of one account, for `palisade admin media refetch`.
pub struct Refetch {
    pub account: Account,
    pub media: Vec<Media>,
}

const DAY_MS: i64 = 86_400_000;
/// Records handled per batch.
const BATCH: i64 = 500;

impl Core {
    pub async fn media_usage(&self) -> Result<Vec<Usage>> {
        Ok(store::usage(&self.db).await?)
    }

    /// Cached remote files older than `older_than_ms`, oldest first (a batch).
    pub async fn prunable_media(&self, older_than_ms: i64) -> Result<Vec<Media>> {
        Ok(store::cached_before(&self.db, now_ms() - older_than_ms.max(0), BATCH).await?)
    }

    /// How many cached remote files are older than `older_than_ms`.
    pub async fn count_prunable_media(&self, older_than_ms: i64) -> Result<i64> {
        Ok(store::count_cached_before(&self.db, now_ms() - older_than_ms.max(0)).await?)
    }

    /// Removes one cached remote file (the record stays: it is fetched again when needed).
    pub async fn prune_cached(&self, m: &Media) -> Result<PruneReport> {
        store::set_uncached(&self.db, &[m.id]).await?;
        let keys = keys_of(m);
        let failed = self.delete_keys(&keys).await;
        Ok(PruneReport {
            files: (keys.len() - failed) as u64,
            bytes: m.file_size,
        })
    }

    /// Prunes every cached remote file older than `older_than_ms`.
    pub async fn prune_media(&self, older_than_ms: i64) -> Result<PruneReport> {
        let mut total = PruneReport::default();
        loop {
            let batch = self.prunable_media(older_than_ms).await?;
            if batch.is_empty() {
                return Ok(total);
            }
            for m in &batch {
                let r = self.prune_cached(m).await?;
                total.files += r.files;
                total.bytes += r.bytes;
            }
        }
    }

    /// Uploads that no status shows a day after they were made (abandoned, or their status
    /// was deleted), and remote attachments of deleted statuses: records and files go.
    pub async fn sweep_unattached_media(&self) -> Result<u64> {
        let old = store::unattached_before(&self.db, now_ms() - DAY_MS, BATCH).await?;
        if old.is_empty() {
            return Ok(0);
        }
        let mut tx = self.db.begin().await?;
        self.drop_media_records(&mut tx, &old).await?;
        tx.commit().await?;
        Ok(old.len() as u64)
    }

    /// Drops every cached file of `domain` (subdomains included): its media is rejected
    /// now. Avatars and headers there show the default image (until the actor is fetched
    /// again after the block is lifted).
    pub async fn clear_domain_media(&self, domain: &str) -> Result<u64> {
        let cached = store::cached_of_domain(&self.db, domain).await?;
        let ids: Vec<i64> = cached.iter().map(|m| m.id).collect();
        store::set_uncached(&self.db, &ids).await?;
        account_media::clear_profile_images_of_domain(&self.db, domain).await?;
        let keys: Vec<String> = cached.iter().flat_map(keys_of).collect();
        self.delete_keys(&keys).await;
        Ok(cached.len() as u64)
    }

    /// Before a domain's accounts are purged: queues the deletion of every file they own
    /// (the records go with the accounts).
    pub(crate) async fn forget_domain_media(&self, domain: &str) -> Result<()> {
        let keys = store::keys_of_domain_accounts(&self.db, domain).await?;
        if !keys.is_empty() {
            self.queue_media_job(&MediaJob::DeleteFiles { keys }).await?;
        }
        Ok(())
    }

    /// Deletes files whose records are gone now; those that fail are queued for a worker.
    pub(crate) async fn delete_files_now_or_later(&self, keys: &[String]) -> Result<()> {
        let mut left = Vec::new();
        for k in keys {
            if self.storage().delete(k).await.is_err() {
                left.push(k.clone());
            }
        }
        if !left.is_empty() {
            self.queue_media_job(&MediaJob::DeleteFiles { keys: left })
                .await?;
        }
        Ok(())
    }

    /// Deletes files whose records are gone (a job).
    pub async fn delete_media_files(&self, keys: &[String]) -> Result<()> {
        if self.delete_keys(keys).await > 0 {
            return Err(crate::Error::Internal(
                "some media files could not be deleted".into(),
            ));
        }
        Ok(())
    }

    /// The remote files of `acct` (`user@domain`).
    pub async fn media_to_refetch(&self, acct: &str) -> Result<Refetch> {
        let acct = acct.trim().trim_start_matches('@');
        let (user, domain) = acct
            .split_once('@')
            .ok_or_else(|| crate::Error::invalid(format!("{acct} is not user@domain")))?;
        let account = accounts::by_username(&self.db, user, Some(domain))
            .await?
            .ok_or_else(crate::Error::not_found)?;
        let media = store::remote_of_account(&self.db, account.id).await?;
        Ok(Refetch { account, media })
    }

    /// The worker's periodic media work: sweep unattached uploads, prune the cache when a
    /// retention is set, queue the profile link checks that are due.
    pub async fn media_housekeeping(&self) -> Result<()> {
        let swept = self.sweep_unattached_media().await?;
        if swept > 0 {
            tracing::info!(files = swept, "removed media no status uses");
        }
        let days = self.settings.media.cache_retention_days;
        if days > 0 {
            let r = self.prune_media(days as i64 * DAY_MS).await?;
            if r.files > 0 {
                tracing::info!(files = r.files, bytes = r.bytes, "pruned the remote media cache");
            }
        }
        self.queue_due_link_checks().await?;
        Ok(())
    }

    /// Files and bytes stored, `[local, remote]` (Prometheus gauges).
    pub async fn media_totals(&self) -> Result<[(i64, i64); 2]> {
        Ok(store::totals(&self.db).await?)
    }
}
