//! Files of other servers: attachments of their notes become records here (fetched ahead
//! of their first view unless the domain's media is rejected), and a fetched file is
//! processed like an upload (checked, resized, metadata dropped) before it is cached.

use std::path::Path;

use palisade_media::format::Format;
use palisade_media::image::Shape;
use palisade_media::temp::random_token;
use palisade_media::{Kind, MediaError};
use palisade_store::Tx;
use palisade_store::media::{self as store, Media, Ready};
use palisade_store::statuses::Status;
use palisade_store::{ids::new_id, now_ms};
use serde_json::json;

use super::jobs::MediaJob;
use super::process::{Handling, keys_of};
use super::{dims, media_error, with_focus};
use crate::{Core, Result};

/// An attachment of a remote note (`Document`, `Image`, `Video`, `Audio`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RemoteAttachment {
    pub url: String,
    /// `image`, `video`, `audio` or `unknown`, from the object's type and `mediaType`.
    pub kind: String,
    pub media_type: Option<String>,
    /// Alt text (`name`).
    pub description: String,
    pub blurhash: Option<String>,
    pub focus: Option<(f64, f64)>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// A custom emoji of another server (an `Emoji` in a `tag`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteEmoji {
    /// Without colons.
    pub shortcode: String,
    pub uri: Option<String>,
    pub image_url: String,
}

/// Mastodon's limit of attachments per status.
pub const MAX_ATTACHMENTS: usize = 4;

impl Core {
    /// Records the attachments of a remote status inside `tx`; files are fetched later
    /// (queued here unless the domain's media is rejected).
    pub(crate) async fn insert_remote_attachments(
        &self,
        tx: &mut Tx,
        status: &Status,
        domain: Option<&str>,
        list: &[RemoteAttachment],
    ) -> Result<()> {
        let allowed = self.remote_media_allowed(domain).await?;
        let now = now_ms();
        for (position, a) in list.iter().take(MAX_ATTACHMENTS).enumerate() {
            let mut meta = json!({});
            if let (Some(w), Some(h)) = (a.width, a.height) {
                meta["original"] = dims(w, h);
            }
            let row = Media {
                id: new_id(),
                account_id: Some(status.account_id),
                status_id: Some(status.id),
                position: Some(position as i64),
                purpose: "attachment".into(),
                kind: a.kind.clone(),
                state: "ready".into(),
                remote_url: Some(a.url.clone()),
                domain: domain.map(str::to_owned),
                content_type: a.media_type.clone(),
                description: a
                    .description
                    .chars()
                    .take(palisade_media::limits::DESCRIPTION_CHARS)
                    .collect(),
                blurhash: a.blurhash.clone().filter(|b| b.len() <= 100),
                meta_json: with_focus(&meta.to_string(), a.focus),
                created_at: now,
                updated_at: now,
                ..Default::default()
            };
            store::insert(&mut *tx, &row).await?;
            if allowed && a.kind != "unknown" {
                self.enqueue_media_job(tx, &MediaJob::Fetch { media_id: row.id })
                    .await?;
            }
        }
        Ok(())
    }

    /// A remote edit changed the attachments: the new list replaces the old one (files of
    /// unchanged URLs are kept), the old records stay for the edit history.
    pub(crate) async fn replace_remote_attachments(
        &self,
        tx: &mut Tx,
        status: &Status,
        domain: Option<&str>,
        list: &[RemoteAttachment],
    ) -> Result<bool> {
        let current = store::of_statuses(&mut *tx, &[status.id]).await?;
        let same = current.len() == list.len().min(MAX_ATTACHMENTS)
            && current.iter().zip(list).all(|(m, a)| {
                m.remote_url.as_deref() == Some(a.url.as_str()) && m.description == a.description
            });
        if same {
            return Ok(false);
        }
        store::set_status_order(tx, status.id, &[]).await?;
        self.insert_remote_attachments(tx, status, domain, list).await?;
        Ok(true)
    }

    /// A remote record the worker may fetch now (`None`: gone, local, or refused).
    pub async fn remote_media_to_fetch(&self, id: i64) -> Result<Option<Media>> {
        match self.proxied_media(id).await {
            Ok(m) => Ok(Some(m)),
            Err(crate::Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Processes a fetched remote file (already checked to be `format`) and caches it.
    pub async fn cache_remote_file(&self, m: &Media, path: &Path, format: Format) -> Result<Media> {
        let shape = match m.purpose.as_str() {
            "avatar" => Shape::Avatar,
            "header" => Shape::Header,
            "emoji" => Shape::Emoji,
            "card" => Shape::Card,
            _ => Shape::Attachment,
        };
        if shape != Shape::Attachment && !(format.is_native_image() || format == Format::Avif) {
            return Err(media_error(MediaError::Unsupported(format!(
                "a {} must be an image, not {}",
                m.purpose,
                format.mime()
            ))));
        }
        let prefix = format!("cache/{}/{}", m.id, random_token(8));
        let outputs = self
            .process_into(path, format, shape, &prefix, Handling::Remote, false)
            .await
            .map_err(media_error)?;
        let mut meta: serde_json::Value = serde_json::from_str(&m.meta_json).unwrap_or_else(|_| json!({}));
        if let (Some(o), Some(into)) = (outputs.meta.as_object(), meta.as_object_mut()) {
            for (k, v) in o {
                into.insert(k.clone(), v.clone());
            }
        }
        let kind = if m.purpose == "attachment" {
            outputs.kind
        } else {
            Kind::Image
        };
        let meta_json = meta.to_string();
        store::set_cached(
            &self.db,
            m.id,
            &Ready {
                kind: kind.as_str(),
                content_type: outputs.content_type,
                file_key: Some(&outputs.file_key),
                preview_key: outputs.preview_key.as_deref(),
                file_size: outputs.size,
                blurhash: outputs.blurhash.as_deref(),
                meta_json: &meta_json,
            },
        )
        .await?;
        // A refetch replaced older files.
        let old: Vec<String> = keys_of(m)
            .into_iter()
            .filter(|k| *k != outputs.file_key && Some(k) != outputs.preview_key.as_ref())
            .collect();
        self.delete_keys(&old).await;
        Ok(store::by_id(&self.db, m.id).await?.unwrap_or_else(|| m.clone()))
    }

    /// Remembers why a remote file could not be fetched (it is tried again on demand).
    pub async fn remote_fetch_failed(&self, id: i64, error: &str) -> Result<()> {
        store::set_fetch_error(&self.db, id, error).await?;
        Ok(())
    }
}
