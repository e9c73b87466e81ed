//! The remote media cache and the media store as a whole: what is cached and since when,
//! pruning, a domain's files, orphaned uploads, usage and totals.

use super::media::{COLS, Media, Ready, rows};
use crate::db::{Exec, placeholders, q};
use crate::{Result, now_ms};

/// Files and bytes stored, per origin domain (`None`: this instance's own uploads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    pub domain: Option<String>,
    pub files: i64,
    pub bytes: i64,
    /// Remote records known but not cached now.
    pub not_cached: i64,
}

/// A remote file fetched into the store (`cached_at` now).
pub async fn set_cached<'a>(ex: impl Into<Exec<'a>>, id: i64, r: &Ready<'_>) -> Result<()> {
    q(
        "UPDATE media_attachments SET kind = $2, content_type = $3, file_key = $4, preview_key = $5, \
       file_size = $6, blurhash = COALESCE(blurhash, $7), meta_json = $8, cached_at = $9, error = NULL, \
       updated_at = $9 WHERE id = $1",
    )
    .bind(id)
    .bind(r.kind)
    .bind(r.content_type)
    .bind(r.file_key)
    .bind(r.preview_key)
    .bind(r.file_size)
    .bind(r.blurhash)
    .bind(r.meta_json)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// A remote file whose fetch failed (refused, too large, wrong type): kept, not cached.
pub async fn set_fetch_error<'a>(ex: impl Into<Exec<'a>>, id: i64, error: &str) -> Result<()> {
    q("UPDATE media_attachments SET error = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(error)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

/// Forgets that remote files are cached (their files were deleted).
pub async fn set_uncached<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    q(format!(
        "UPDATE media_attachments SET cached_at = NULL, file_key = NULL, preview_key = NULL, file_size = 0 \
         WHERE remote_url IS NOT NULL AND id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .execute(ex)
    .await?;
    Ok(())
}

/// Every remote file of an account (avatar, header, attachments), for a refetch.
pub async fn remote_of_account<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Vec<Media>> {
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE account_id = $1 AND remote_url IS NOT NULL ORDER BY id"
        ))
        .bind(account_id)
        .fetch_all(ex)
        .await?,
    )
}

/// Remote files cached before `before` (the oldest first): what pruning removes.
pub async fn cached_before<'a>(ex: impl Into<Exec<'a>>, before: i64, limit: i64) -> Result<Vec<Media>> {
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE cached_at IS NOT NULL AND cached_at < $1 \
             ORDER BY cached_at LIMIT $2"
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(ex)
        .await?,
    )
}

pub async fn count_cached_before<'a>(ex: impl Into<Exec<'a>>, before: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM media_attachments WHERE cached_at IS NOT NULL AND cached_at < $1")
        .bind(before)
        .fetch_i64(ex)
        .await
}

/// Uploads no status shows, older than `before` (abandoned uploads, media of deleted posts).
pub async fn unattached_before<'a>(ex: impl Into<Exec<'a>>, before: i64, limit: i64) -> Result<Vec<Media>> {
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE status_id IS NULL AND purpose = 'attachment' \
             AND scheduled_status_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2"
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(ex)
        .await?,
    )
}

/// The remote files of a domain (subdomains included) that are cached here.
pub async fn cached_of_domain<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Vec<Media>> {
    use crate::domains::{literal_args as domain_args, literal_covers_sql as domain_clause};
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE cached_at IS NOT NULL AND {}",
            domain_clause("domain", 1)
        ))
        .bind_all(domain_args(domain))
        .fetch_all(ex)
        .await?,
    )
}

/// The stored keys of every file owned by the domain's accounts (what a purge deletes).
pub async fn keys_of_domain_accounts<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Vec<String>> {
    use crate::domains::{literal_args as domain_args, literal_covers_sql as domain_clause};
    let found = q(format!(
        "SELECT m.file_key, m.preview_key, m.upload_key FROM media_attachments m \
         JOIN accounts a ON a.id = m.account_id WHERE a.domain IS NOT NULL AND {}",
        domain_clause("a.domain", 1)
    ))
    .bind_all(domain_args(domain))
    .fetch_all(ex)
    .await?;
    let mut keys = Vec::new();
    for r in &found {
        for col in ["file_key", "preview_key", "upload_key"] {
            if let Some(k) = r.opt_string(col)? {
                keys.push(k);
            }
        }
    }
    Ok(keys)
}

pub async fn usage<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<Usage>> {
    q("SELECT domain, \
         CAST(SUM(CASE WHEN file_key IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS files, \
         CAST(COALESCE(SUM(file_size), 0) AS BIGINT) AS bytes, \
         CAST(SUM(CASE WHEN file_key IS NULL AND remote_url IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS not_cached \
       FROM media_attachments GROUP BY domain ORDER BY bytes DESC, domain")
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        Ok(Usage {
            domain: r.opt_string("domain")?,
            files: r.i64("files")?,
            bytes: r.i64("bytes")?,
            not_cached: r.i64("not_cached")?,
        })
    })
    .collect()
}

/// Total bytes and files stored, local and remote (Prometheus).
pub async fn totals<'a>(ex: impl Into<Exec<'a>>) -> Result<[(i64, i64); 2]> {
    let mut out = [(0, 0); 2];
    for r in q(
        "SELECT CAST(CASE WHEN remote_url IS NULL THEN 0 ELSE 1 END AS BIGINT) AS remote, \
                  CAST(SUM(CASE WHEN file_key IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS files, \
                  CAST(COALESCE(SUM(file_size), 0) AS BIGINT) AS bytes \
                FROM media_attachments GROUP BY CASE WHEN remote_url IS NULL THEN 0 ELSE 1 END",
    )
    .fetch_all(ex)
    .await?
    {
        let i = r.i64("remote")? as usize;
        if let Some(slot) = out.get_mut(i) {
            *slot = (r.i64("files")?, r.i64("bytes")?);
        }
    }
    Ok(out)
}
