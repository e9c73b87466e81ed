//! Custom emoji: this instance's own (added by admins, listed by `/api/v1/custom_emojis`,
//! used as `:shortcode:` in statuses, names and fields) and other servers' (from the `tag`
//! of their notes and actors, their images served through this instance).

use std::sync::LazyLock;

use palisade_media::image::Shape;
use palisade_media::temp::{TempFile, random_token};
use palisade_media::{MediaError, limits};
use palisade_store::emojis::{self as store, NewEmoji};
use palisade_store::media::{self as media_store, Media};
use palisade_store::{ids::new_id, now_ms};
use regex::Regex;
use serde::{Deserialize, Serialize};

pub use palisade_store::emojis::Emoji;

use crate::media::{MediaJob, RemoteEmoji};
use crate::{Core, Error, Result};

static SHORTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r":([A-Za-z0-9_]{2,}):").expect("valid shortcode regex"));
static VALID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_]{2,}$").expect("valid shortcode regex"));

/// An emoji as stored with an account (`emojis_json`) and shown in entities.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct EmojiRef {
    #[serde(default)]
    pub id: i64,
    pub shortcode: String,
    pub image_path: String,
    pub static_path: String,
    pub visible_in_picker: bool,
    #[serde(default)]
    pub category: Option<String>,
}

impl EmojiRef {
    pub fn of(e: &Emoji) -> Option<EmojiRef> {
        Some(EmojiRef {
            id: e.id,
            shortcode: e.shortcode.clone(),
            image_path: e.image_path.clone()?,
            static_path: e.static_path.clone().or_else(|| e.image_path.clone())?,
            visible_in_picker: e.visible_in_picker,
            category: e.category.clone(),
        })
    }
}

/// The `:shortcodes:` used in `texts`, each once.
pub fn shortcodes(texts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in texts {
        for c in SHORTCODE.captures_iter(t) {
            let s = c[1].to_owned();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out.truncate(100);
    out
}

/// The emoji refs of an account, as entities read them.
pub fn account_emojis(emojis_json: &str) -> Vec<EmojiRef> {
    serde_json::from_str(emojis_json).unwrap_or_default()
}

impl Core {
    /// This instance's emoji (`/api/v1/custom_emojis`).
    pub async fn custom_emojis(&self) -> Result<Vec<Emoji>> {
        Ok(store::local(&self.db).await?)
    }

    /// One of this instance's enabled emoji (its ActivityPub document).
    pub async fn local_emoji(&self, id: i64) -> Result<Option<Emoji>> {
        Ok(store::by_id(&self.db, id)
            .await?
            .filter(|e| e.domain.is_none() && !e.disabled))
    }

    /// Local emoji used in `texts`.
    pub(crate) async fn local_emojis_in(&self, texts: &[&str]) -> Result<Vec<Emoji>> {
        Ok(store::by_shortcodes(&self.db, None, &shortcodes(texts)).await?)
    }

    /// Refs of `emoji` for an account's `emojis_json`.
    pub(crate) fn emojis_json(emoji: &[Emoji]) -> String {
        let refs: Vec<EmojiRef> = emoji.iter().filter_map(EmojiRef::of).collect();
        serde_json::to_string(&refs).unwrap_or_else(|_| "[]".into())
    }

    /// Adds a local emoji from an image file (admin).
    pub async fn add_emoji(&self, shortcode: &str, data: Vec<u8>, category: Option<&str>) -> Result<Emoji> {
        let shortcode = shortcode.trim().trim_matches(':');
        if !VALID.is_match(shortcode) {
            return Err(Error::invalid(format!(
                "{shortcode:?} is not a valid shortcode: letters, digits and _ only, at least 2"
            )));
        }
        if store::by_shortcode(&self.db, shortcode, None).await?.is_some() {
            return Err(Error::invalid(format!(":{shortcode}: exists already")));
        }
        if data.len() as u64 > limits::EMOJI_BYTES {
            return Err(Error::invalid(format!(
                "Image file size must be less than {} KB",
                limits::EMOJI_BYTES / 1024
            )));
        }
        let format = palisade_media::format::detect(&data).map_err(crate::media::media_error)?;
        if !format.is_native_image() {
            return Err(crate::media::media_error(MediaError::Unsupported(
                "An emoji must be a PNG, GIF, WebP or JPEG image".into(),
            )));
        }
        let file = TempFile::new(format.extension());
        tokio::fs::write(file.path(), &data)
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let media_id = new_id();
        let prefix = format!("media/{media_id}/{}", random_token(8));
        let out = self
            .process_into(
                file.path(),
                format,
                Shape::Emoji,
                &prefix,
                crate::media::Handling::Upload,
                false,
            )
            .await
            .map_err(crate::media::media_error)?;
        let now = now_ms();
        let media = Media {
            id: media_id,
            purpose: "emoji".into(),
            kind: "image".into(),
            state: "ready".into(),
            content_type: Some(out.content_type.into()),
            file_key: Some(out.file_key.clone()),
            preview_key: out.preview_key.clone(),
            file_size: out.size,
            meta_json: out.meta.to_string(),
            created_at: now,
            updated_at: now,
            ..Default::default()
        };
        let mut tx = self.db.begin().await?;
        let inserted = async {
            media_store::insert(&mut tx, &media).await?;
            store::insert(
                &mut tx,
                &NewEmoji {
                    shortcode,
                    domain: None,
                    media_id: Some(media_id),
                    uri: None,
                    image_remote_url: None,
                    category: category.filter(|c| !c.trim().is_empty()),
                    image_path: Some(&out.file_key),
                    static_path: out.preview_key.as_deref(),
                },
            )
            .await
        }
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(e) => {
                drop(tx);
                let keys: Vec<String> = [Some(out.file_key), out.preview_key]
                    .into_iter()
                    .flatten()
                    .collect();
                self.delete_keys(&keys).await;
                return Err(e.into());
            }
        };
        tx.commit().await?;
        store::by_id(&self.db, id).await?.ok_or_else(Error::not_found)
    }

    /// Removes a local emoji and its image (admin).
    pub async fn remove_emoji(&self, shortcode: &str) -> Result<()> {
        let shortcode = shortcode.trim().trim_matches(':');
        let e = store::by_shortcode(&self.db, shortcode, None)
            .await?
            .ok_or_else(Error::not_found)?;
        let mut tx = self.db.begin().await?;
        store::delete(&mut tx, e.id).await?;
        let records: Vec<Media> = match e.media_id {
            Some(mid) => media_store::by_ids(&mut tx, &[mid]).await?,
            None => Vec::new(),
        };
        let ids: Vec<i64> = records.iter().map(|m| m.id).collect();
        media_store::delete_many(&mut tx, &ids).await?;
        tx.commit().await?;
        // At once (an admin sees the effect); what cannot be deleted now is queued.
        let keys: Vec<String> = records.iter().flat_map(crate::media::keys_of).collect();
        self.delete_files_now_or_later(&keys).await
    }

    /// Records the emoji of another server (new ones, or ones whose image changed); their
    /// images are fetched ahead unless that domain's media is rejected.
    pub(crate) async fn remote_emojis(&self, domain: &str, list: &[RemoteEmoji]) -> Result<Vec<Emoji>> {
        let allowed = self.remote_media_allowed(Some(domain)).await?;
        let mut out = Vec::new();
        for r in list.iter().take(50) {
            if !VALID.is_match(&r.shortcode) || r.image_url.is_empty() {
                continue;
            }
            let existing = store::by_shortcode(&self.db, &r.shortcode, Some(domain)).await?;
            if let Some(e) = &existing
                && e.image_remote_url.as_deref() == Some(r.image_url.as_str())
            {
                out.push(e.clone());
                continue;
            }
            let now = now_ms();
            let media = Media {
                id: new_id(),
                purpose: "emoji".into(),
                kind: "image".into(),
                state: "ready".into(),
                remote_url: Some(r.image_url.clone()),
                domain: Some(domain.to_owned()),
                meta_json: "{}".into(),
                created_at: now,
                updated_at: now,
                ..Default::default()
            };
            let image_path = format!("proxy/{}/original", media.id);
            let static_path = format!("proxy/{}/small", media.id);
            let mut tx = self.db.begin().await?;
            media_store::insert(&mut tx, &media).await?;
            let id = match &existing {
                Some(e) => {
                    if let Some(old) = e.media_id {
                        let records = media_store::by_ids(&mut tx, &[old]).await?;
                        self.drop_media_records(&mut tx, &records).await?;
                    }
                    store::set_image(
                        &mut tx,
                        e.id,
                        media.id,
                        Some(&r.image_url),
                        &image_path,
                        &static_path,
                    )
                    .await?;
                    e.id
                }
                None => {
                    let inserted = store::insert(
                        &mut tx,
                        &NewEmoji {
                            shortcode: &r.shortcode,
                            domain: Some(domain),
                            media_id: Some(media.id),
                            uri: r.uri.as_deref(),
                            image_remote_url: Some(&r.image_url),
                            category: None,
                            image_path: Some(&image_path),
                            static_path: Some(&static_path),
                        },
                    )
                    .await;
                    match inserted {
                        Ok(id) => id,
                        // Another worker recorded the same emoji a moment ago: use theirs.
                        Err(palisade_store::StoreError::Conflict(_)) => {
                            drop(tx);
                            out.extend(store::by_shortcode(&self.db, &r.shortcode, Some(domain)).await?);
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            };
            if allowed {
                self.enqueue_media_job(&mut tx, &MediaJob::Fetch { media_id: media.id })
                    .await?;
            }
            tx.commit().await?;
            if let Some(e) = store::by_id(&self.db, id).await? {
                out.push(e);
            }
        }
        Ok(out)
    }
}
