//! Serving files: this instance's own by key, remote ones by record (checked against the
//! policy at every request, so that a domain whose media is rejected shows nothing).

use std::ops::Range;

use palisade_media::storage::Reading;
use palisade_store::media::{self as store, Media};
use palisade_store::{Tx, accounts};

use super::media_error;
use crate::policy::Boundary;
use crate::{Core, Error, Result};

/// Which file of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Original,
    /// The thumbnail (a static PNG for emoji).
    Small,
}

impl Variant {
    pub fn parse(s: &str) -> Option<Variant> {
        match s.split('.').next() {
            Some("original") => Some(Variant::Original),
            Some("small" | "static") => Some(Variant::Small),
            _ => None,
        }
    }
}

/// A file on its way to a client.
pub struct ServedFile {
    pub content_type: String,
    pub reading: Reading,
}

/// The content type of one of our stored files, from its extension.
pub fn content_type_of_key(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or("") {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" => "audio/ogg",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "aac" => "audio/aac",
        _ => "application/octet-stream",
    }
}

impl Core {
    /// One of this instance's files by its key (`media/…` only: pending uploads and the
    /// remote cache are not served by key).
    pub async fn local_file(&self, key: &str, range: Option<Range<u64>>) -> Result<ServedFile> {
        if !key.starts_with("media/") || key.contains("..") {
            return Err(Error::not_found());
        }
        let reading = self
            .storage()
            .read(key, range)
            .await
            .map_err(media_error)?
            .ok_or_else(Error::not_found)?;
        Ok(ServedFile {
            content_type: content_type_of_key(key).into(),
            reading,
        })
    }

    /// Whether files from `domain` may be fetched and shown here (the policy decides).
    pub async fn remote_media_allowed(&self, domain: Option<&str>) -> Result<bool> {
        Ok(self.policies().await?.media_allowed(domain))
    }

    /// Whether pages of `domain` may be fetched (preview cards, profile links).
    pub async fn may_fetch(&self, domain: Option<&str>) -> Result<bool> {
        Ok(!self.policies().await?.refused(Boundary::Fetch, domain))
    }

    /// A remote file's record, if it may be shown now: not rejected by policy, its owner not
    /// suspended.
    pub async fn proxied_media(&self, id: i64) -> Result<Media> {
        let m = store::by_id(&self.db, id)
            .await?
            .filter(Media::is_remote)
            .ok_or_else(Error::not_found)?;
        if !self.remote_media_allowed(m.domain.as_deref()).await? {
            return Err(Error::not_found());
        }
        if let Some(owner) = m.account_id {
            let suspended = accounts::by_id(&self.db, owner)
                .await?
                .is_none_or(|a| a.suspended_at.is_some());
            if suspended {
                return Err(Error::not_found());
            }
        }
        Ok(m)
    }

    /// The cached file of a remote record, if it is still in the store.
    pub async fn cached_file(
        &self,
        m: &Media,
        variant: Variant,
        range: Option<Range<u64>>,
    ) -> Result<Option<ServedFile>> {
        let key = match variant {
            Variant::Original => m.file_key.as_deref(),
            Variant::Small => m.preview_key.as_deref(),
        };
        let Some(key) = key.filter(|_| m.cached_at.is_some()) else {
            return Ok(None);
        };
        let Some(reading) = self.storage().read(key, range).await.map_err(media_error)? else {
            return Ok(None);
        };
        Ok(Some(ServedFile {
            content_type: match variant {
                Variant::Original => m
                    .content_type
                    .clone()
                    .unwrap_or_else(|| content_type_of_key(key).into()),
                Variant::Small => content_type_of_key(key).into(),
            },
            reading,
        }))
    }

    /// A record by id (for the worker and admin tools).
    pub async fn media_record(&self, id: i64) -> Result<Option<Media>> {
        Ok(store::by_id(&self.db, id).await?)
    }

    /// Deletes records (not their files) inside `tx`, and queues the deletion of their files.
    pub(crate) async fn drop_media_records(&self, tx: &mut Tx, records: &[Media]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = records.iter().map(|m| m.id).collect();
        store::delete_many(&mut *tx, &ids).await?;
        let keys: Vec<String> = records.iter().flat_map(super::process::keys_of).collect();
        if !keys.is_empty() {
            self.enqueue_media_job(tx, &super::MediaJob::DeleteFiles { keys })
                .await?;
        }
        Ok(())
    }
}
