//! Media files: uploads, remote attachments, avatars and headers, emoji and card images.

use crate::db::{Exec, Row, placeholders, q};
use crate::{Result, now_ms};

pub use crate::media_cache::*;

#[derive(Clone, Debug, Default)]
pub struct Media {
    pub id: i64,
    /// Who uploaded it, or whose remote file it is (`None`: emoji and card images).
    pub account_id: Option<i64>,
    pub status_id: Option<i64>,
    /// Order in its status; `None` when an edit removed it (kept for the history).
    pub position: Option<i64>,
    /// `attachment`, `avatar`, `header`, `emoji`, `card`.
    pub purpose: String,
    /// `image`, `gifv`, `video`, `audio`, `unknown`.
    pub kind: String,
    /// `ready`, `processing`, `failed`.
    pub state: String,
    pub remote_url: Option<String>,
    pub domain: Option<String>,
    pub content_type: Option<String>,
    pub file_key: Option<String>,
    pub preview_key: Option<String>,
    pub upload_key: Option<String>,
    /// The preview was given by the uploader (video and audio thumbnails).
    pub custom_thumbnail: bool,
    pub file_size: i64,
    pub description: String,
    pub blurhash: Option<String>,
    pub meta_json: String,
    pub error: Option<String>,
    pub cached_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Media {
    pub fn is_remote(&self) -> bool {
        self.remote_url.is_some()
    }
}

pub(crate) const COLS: &str = "id, account_id, status_id, position, purpose, kind, state, remote_url, domain, \
    content_type, file_key, preview_key, upload_key, custom_thumbnail, file_size, description, blurhash, \
    meta_json, error, cached_at, created_at, updated_at";

pub(crate) fn from_row(r: &Row) -> Result<Media> {
    Ok(Media {
        id: r.i64("id")?,
        account_id: r.opt_i64("account_id")?,
        status_id: r.opt_i64("status_id")?,
        position: r.opt_i64("position")?,
        purpose: r.string("purpose")?,
        kind: r.string("kind")?,
        state: r.string("state")?,
        remote_url: r.opt_string("remote_url")?,
        domain: r.opt_string("domain")?,
        content_type: r.opt_string("content_type")?,
        file_key: r.opt_string("file_key")?,
        preview_key: r.opt_string("preview_key")?,
        upload_key: r.opt_string("upload_key")?,
        custom_thumbnail: r.bool("custom_thumbnail")?,
        file_size: r.i64("file_size")?,
        description: r.string("description")?,
        blurhash: r.opt_string("blurhash")?,
        meta_json: r.string("meta_json")?,
        error: r.opt_string("error")?,
        cached_at: r.opt_i64("cached_at")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

pub(crate) fn rows(v: Vec<Row>) -> Result<Vec<Media>> {
    v.iter().map(from_row).collect()
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, m: &Media) -> Result<()> {
    q(format!(
        "INSERT INTO media_attachments ({COLS}) VALUES ({})",
        placeholders(1, 22)
    ))
    .bind(m.id)
    .bind(m.account_id)
    .bind(m.status_id)
    .bind(m.position)
    .bind(&m.purpose)
    .bind(&m.kind)
    .bind(&m.state)
    .bind(&m.remote_url)
    .bind(&m.domain)
    .bind(&m.content_type)
    .bind(&m.file_key)
    .bind(&m.preview_key)
    .bind(&m.upload_key)
    .bind(m.custom_thumbnail)
    .bind(m.file_size)
    .bind(&m.description)
    .bind(&m.blurhash)
    .bind(&m.meta_json)
    .bind(&m.error)
    .bind(m.cached_at)
    .bind(m.created_at)
    .bind(m.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Media>> {
    q(format!("SELECT {COLS} FROM media_attachments WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<Media>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE id IN ({})",
            placeholders(1, ids.len())
        ))
        .bind_all(ids.iter().copied())
        .fetch_all(ex)
        .await?,
    )
}

/// The attachments shown on each of `status_ids`, in order (one query for a page).
pub async fn of_statuses<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<Media>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE status_id IN ({}) AND position IS NOT NULL \
             ORDER BY status_id, position",
            placeholders(1, status_ids.len())
        ))
        .bind_all(status_ids.iter().copied())
        .fetch_all(ex)
        .await?,
    )
}

/// Replaces where each file of a status stands: `ordered` in order, the others detached
/// from view (position NULL) but kept for the edit history.
pub async fn set_status_order(tx: &mut crate::Tx, status_id: i64, ordered: &[i64]) -> Result<()> {
    q("UPDATE media_attachments SET position = NULL, updated_at = $2 WHERE status_id = $1")
        .bind(status_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    for (i, id) in ordered.iter().enumerate() {
        q("UPDATE media_attachments SET status_id = $2, position = $3, updated_at = $4 WHERE id = $1")
            .bind(*id)
            .bind(status_id)
            .bind(i as i64)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Of `ids`, the uploads of `account_id` that no status shows and no other scheduled status
/// holds (attachable), or that `status_id` already has, or that `scheduled_id` holds.
pub async fn attachable<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    ids: &[i64],
    status_id: Option<i64>,
    scheduled_id: Option<i64>,
) -> Result<Vec<Media>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE account_id = $1 AND purpose = 'attachment' \
             AND remote_url IS NULL AND (status_id IS NULL OR status_id = $2) \
             AND (scheduled_status_id IS NULL OR scheduled_status_id = $3) AND id IN ({})",
            placeholders(4, ids.len())
        ))
        .bind(account_id)
        .bind(status_id)
        .bind(scheduled_id)
        .bind_all(ids.iter().copied())
        .fetch_all(ex)
        .await?,
    )
}

/// After processing: the stored files and what was learnt about them.
pub struct Ready<'a> {
    pub kind: &'a str,
    pub content_type: &'a str,
    pub file_key: Option<&'a str>,
    pub preview_key: Option<&'a str>,
    pub file_size: i64,
    pub blurhash: Option<&'a str>,
    pub meta_json: &'a str,
}

pub async fn set_ready<'a>(ex: impl Into<Exec<'a>>, id: i64, r: &Ready<'_>) -> Result<()> {
    // A thumbnail the uploader gave meanwhile (PUT while processing) is kept.
    q(
        "UPDATE media_attachments SET state = 'ready', kind = $2, content_type = $3, file_key = $4, \
       preview_key = CASE WHEN custom_thumbnail THEN preview_key ELSE $5 END, file_size = $6, \
       blurhash = CASE WHEN custom_thumbnail THEN blurhash ELSE $7 END, meta_json = $8, upload_key = NULL, \
       error = NULL, updated_at = $9 WHERE id = $1",
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

pub async fn set_failed<'a>(ex: impl Into<Exec<'a>>, id: i64, error: &str) -> Result<()> {
    q("UPDATE media_attachments SET state = 'failed', error = $2, upload_key = NULL, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(error)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

/// Description and `meta` (focus) changes.
pub async fn set_description<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    description: &str,
    meta_json: &str,
) -> Result<()> {
    q("UPDATE media_attachments SET description = $2, meta_json = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(description)
        .bind(meta_json)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

/// A new preview image (an uploaded thumbnail).
pub async fn set_preview<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    preview_key: &str,
    blurhash: Option<&str>,
    meta_json: &str,
    file_size: i64,
) -> Result<()> {
    q(
        "UPDATE media_attachments SET preview_key = $2, blurhash = $3, meta_json = $4, file_size = $5, \
       custom_thumbnail = TRUE, updated_at = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(preview_key)
    .bind(blurhash)
    .bind(meta_json)
    .bind(file_size)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    Ok(q("DELETE FROM media_attachments WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?
        == 1)
}

pub async fn delete_many<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    q(format!(
        "DELETE FROM media_attachments WHERE id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .execute(ex)
    .await
}

/// The files of one account for one purpose (its avatar records, its attachments…).
pub async fn of_account<'a>(ex: impl Into<Exec<'a>>, account_id: i64, purpose: &str) -> Result<Vec<Media>> {
    rows(
        q(format!(
            "SELECT {COLS} FROM media_attachments WHERE account_id = $1 AND purpose = $2 ORDER BY id"
        ))
        .bind(account_id)
        .bind(purpose)
        .fetch_all(ex)
        .await?,
    )
}

/// Records the attachments of an edit-history version.
pub async fn insert_edit_media(tx: &mut crate::Tx, edit_id: i64, media: &[(i64, String)]) -> Result<()> {
    for (i, (media_id, description)) in media.iter().enumerate() {
        q("INSERT INTO status_edit_media (edit_id, media_id, position, description) VALUES ($1, $2, $3, $4)")
            .bind(edit_id)
            .bind(*media_id)
            .bind(i as i64)
            .bind(description)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The attachments of edit-history versions: (edit id, media id, description), in order.
pub async fn edit_media<'a>(ex: impl Into<Exec<'a>>, edit_ids: &[i64]) -> Result<Vec<(i64, i64, String)>> {
    if edit_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT edit_id, media_id, description FROM status_edit_media WHERE edit_id IN ({}) \
         ORDER BY edit_id, position",
        placeholders(1, edit_ids.len())
    ))
    .bind_all(edit_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("edit_id")?, r.i64("media_id")?, r.string("description")?)))
    .collect()
}

/// Statuses among `ids` that show at least one attachment (`only_media` filters).
pub async fn with_media_among<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<i64>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT DISTINCT status_id FROM media_attachments WHERE position IS NOT NULL AND status_id IN ({})",
        placeholders(1, status_ids.len())
    ))
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64_at(0))
    .collect()
}

/// Holds `ids` for the scheduled status `scheduled_id` until it is published or cancelled.
pub async fn hold_for_scheduled(tx: &mut crate::Tx, scheduled_id: i64, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    q(format!(
        "UPDATE media_attachments SET scheduled_status_id = $1, updated_at = $2 WHERE id IN ({})",
        placeholders(3, ids.len())
    ))
    .bind(scheduled_id)
    .bind(now_ms())
    .bind_all(ids.iter().copied())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Releases what a scheduled status held (published: the status has them now; cancelled:
/// they are unattached uploads again, pruned after a day like any other).
pub async fn release_scheduled(tx: &mut crate::Tx, scheduled_id: i64) -> Result<()> {
    q("UPDATE media_attachments SET scheduled_status_id = NULL, updated_at = $2 WHERE scheduled_status_id = $1")
        .bind(scheduled_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The attachments held by scheduled statuses, as (scheduled status, media), in upload order.
pub async fn of_scheduled<'a>(ex: impl Into<Exec<'a>>, scheduled_ids: &[i64]) -> Result<Vec<(i64, Media)>> {
    if scheduled_ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = q(format!(
        "SELECT scheduled_status_id, {COLS} FROM media_attachments WHERE scheduled_status_id IN ({}) \
         ORDER BY id",
        placeholders(1, scheduled_ids.len())
    ))
    .bind_all(scheduled_ids.iter().copied())
    .fetch_all(ex)
    .await?;
    found
        .iter()
        .map(|r| Ok((r.i64("scheduled_status_id")?, from_row(r)?)))
        .collect()
}
