//! `POST /api/v1|v2/media`, `GET|PUT|DELETE /api/v1/media/:id`: uploads as Mastodon takes
//! them. Images are processed at once; video, audio and animated GIFs (ffmpeg's work) are
//! stored as received and processed by a worker, the client polling until they are ready.
//! Whatever fails leaves nothing behind: no row, no file.

use palisade_media::format::Format;
use palisade_media::image::Shape;
use palisade_media::temp::{TempFile, random_token};
use palisade_media::{Kind, limits};
use palisade_store::media::{self as store, Media, Ready};
use palisade_store::{Tx, ids::new_id, now_ms};

use super::jobs::MediaJob;
use super::process::{Handling, detect_file, keys_of, size_limit};
use super::{media_error, parse_focus, with_focus};
use crate::auth::Viewer;
use crate::{Core, Error, Result};

/// A file received from a client, already on disk (and deleted with this value).
pub struct UploadFile {
    pub file: TempFile,
    pub size: u64,
    pub file_name: Option<String>,
}

/// `POST /api/v2/media`.
pub struct NewMedia {
    pub file: Option<UploadFile>,
    pub thumbnail: Option<UploadFile>,
    pub description: Option<String>,
    pub focus: Option<String>,
}

/// `PUT /api/v1/media/:id`, and `media_attributes[]` of a status edit.
#[derive(Default)]
pub struct MediaChanges {
    pub description: Option<String>,
    pub focus: Option<String>,
    /// A new preview image.
    pub thumbnail: Option<Vec<u8>>,
}

fn check_description(d: &str) -> Result<()> {
    if d.chars().count() > limits::DESCRIPTION_CHARS {
        return Err(Error::field(
            "description",
            "ERR_TOO_LONG",
            &format!(
                "is too long (maximum is {} characters)",
                limits::DESCRIPTION_CHARS
            ),
        ));
    }
    Ok(())
}

impl Core {
    /// Stores an upload. With `wait` (v1, or `synchronous`), video and audio are processed
    /// before answering; otherwise they come back `processing` (the API answers 202).
    pub async fn upload_media(&self, viewer: &Viewer, new: NewMedia, wait: bool) -> Result<Media> {
        let owner = viewer.account()?;
        let Some(upload) = new.file else {
            return Err(Error::field("file", "ERR_BLANK", "can't be blank"));
        };
        let description = new.description.unwrap_or_default();
        check_description(&description)?;
        let focus = match new.focus.as_deref().map(str::trim) {
            Some(f) if !f.is_empty() => Some(parse_focus(f)?),
            _ => None,
        };
        if upload.size == 0 {
            return Err(Error::field("file", "ERR_BLANK", "can't be blank"));
        }
        let format = detect_file(upload.file.path()).await.map_err(media_error)?;
        let limit = size_limit(format);
        if upload.size > limit {
            return Err(Error::invalid(format!(
                "Validation failed: File size must be less than {}",
                limits::megabytes(limit)
            )));
        }
        let id = new_id();
        let prefix = format!("media/{id}/{}", random_token(8));
        let thumbnail = match new.thumbnail {
            Some(t) => {
                let data = tokio::fs::read(t.file.path())
                    .await
                    .map_err(|e| Error::Internal(e.to_string()))?;
                Some(self.store_thumbnail(data, &prefix).await.map_err(media_error)?)
            }
            None => None,
        };
        let thumb_keys: Vec<String> = thumbnail.iter().map(|t| t.key.clone()).collect();
        let focus_meta = focus;
        let now = now_ms();
        let mut row = Media {
            id,
            account_id: Some(owner.id),
            purpose: "attachment".into(),
            kind: format.kind().as_str().into(),
            state: "processing".into(),
            content_type: Some(format.mime().into()),
            description,
            meta_json: match &thumbnail {
                Some(t) => serde_json::json!({"small": t.small, "colors": t.colors}).to_string(),
                None => "{}".into(),
            },
            custom_thumbnail: thumbnail.is_some(),
            preview_key: thumbnail.as_ref().map(|t| t.key.clone()),
            file_size: thumbnail.as_ref().map_or(0, |t| t.size),
            blurhash: thumbnail.as_ref().and_then(|t| t.blurhash.clone()),
            created_at: now,
            updated_at: now,
            ..Default::default()
        };
        row.meta_json = with_focus(&row.meta_json, focus_meta);
        // Video, audio and animated GIFs go to a worker; images (AVIF too) are done now.
        let heavy = matches!(format.kind(), Kind::Video | Kind::Audio)
            || self.animated_gif(upload.file.path(), format).await;
        if heavy && !wait {
            return self.queue_upload(row, &upload, format, thumb_keys).await;
        }
        let outputs = match self
            .process_into(
                upload.file.path(),
                format,
                Shape::Attachment,
                &prefix,
                Handling::Upload,
                row.custom_thumbnail,
            )
            .await
        {
            Ok(o) => o,
            Err(e) => {
                self.delete_keys(&thumb_keys).await;
                return Err(media_error(e));
            }
        };
        let mut meta: serde_json::Value =
            serde_json::from_str(&row.meta_json).unwrap_or_else(|_| serde_json::json!({}));
        merge_meta(&mut meta, &outputs.meta);
        row.state = "ready".into();
        row.kind = outputs.kind.as_str().into();
        row.content_type = Some(outputs.content_type.into());
        row.file_key = Some(outputs.file_key.clone());
        if !row.custom_thumbnail {
            row.preview_key = outputs.preview_key.clone();
            row.blurhash = outputs.blurhash.clone();
        }
        row.file_size += outputs.size;
        row.meta_json = meta.to_string();
        if let Err(e) = store::insert(&self.db, &row).await {
            let mut keys = thumb_keys;
            keys.push(outputs.file_key);
            keys.extend(outputs.preview_key);
            self.delete_keys(&keys).await;
            return Err(e.into());
        }
        Ok(row)
    }

    async fn animated_gif(&self, path: &std::path::Path, format: Format) -> bool {
        format == Format::Gif
            && tokio::fs::read(path)
                .await
                .is_ok_and(|d| palisade_media::format::gif_frames(&d, 2) > 1)
            && self.ffmpeg().available().await
    }

    /// Video and audio: checked now (ffmpeg present, streams within the limits), stored as
    /// received, processed by a worker.
    async fn queue_upload(
        &self,
        mut row: Media,
        upload: &UploadFile,
        format: Format,
        mut stored: Vec<String>,
    ) -> Result<Media> {
        let result = self
            .queue_upload_inner(&mut row, upload, format, &mut stored)
            .await;
        if result.is_err() {
            self.delete_keys(&stored).await;
        }
        result.map(|()| row)
    }

    async fn queue_upload_inner(
        &self,
        row: &mut Media,
        upload: &UploadFile,
        format: Format,
        stored: &mut Vec<String>,
    ) -> Result<()> {
        if !self.ffmpeg().available().await {
            let what = if format.kind() == Kind::Audio {
                "Audio files"
            } else {
                "Videos and animated GIFs"
            };
            return Err(media_error(palisade_media::video::Ffmpeg::missing(what)));
        }
        let probe = self
            .ffmpeg()
            .probe(upload.file.path())
            .await
            .map_err(media_error)?;
        let (kind, _) = palisade_media::video::plan(format, &probe).map_err(media_error)?;
        row.kind = kind.as_str().into();
        let mut meta: serde_json::Value = serde_json::from_str(&row.meta_json).unwrap_or_default();
        merge_meta(&mut meta, &palisade_media::video::meta(kind, &probe));
        row.meta_json = meta.to_string();
        let key = format!("uploads/{}/{}.{}", row.id, random_token(8), format.extension());
        self.storage()
            .put_file(&key, upload.file.path(), format.mime())
            .await
            .map_err(media_error)?;
        stored.push(key.clone());
        row.upload_key = Some(key);
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, row).await?;
        self.enqueue_media_job(&mut tx, &MediaJob::Process { media_id: row.id })
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A worker's turn on a queued upload. Errors of the file are recorded (the client sees
    /// them); errors of ours are returned so that the job is retried.
    pub async fn process_pending_media(&self, id: i64) -> Result<()> {
        let Some(row) = store::by_id(&self.db, id).await? else {
            return Ok(());
        };
        let Some(upload_key) = row.upload_key.clone().filter(|_| row.state == "processing") else {
            return Ok(());
        };
        let ext = upload_key.rsplit('.').next().unwrap_or("bin").to_owned();
        let input = TempFile::new(&ext);
        if !self
            .storage()
            .get_to_file(&upload_key, input.path())
            .await
            .map_err(media_error)?
        {
            let mut tx = self.db.begin().await?;
            store::set_failed(&mut tx, id, "The uploaded file was lost").await?;
            self.federate_when_done(&mut tx, id).await?;
            tx.commit().await?;
            return Ok(());
        }
        let format = detect_file(input.path()).await.map_err(media_error)?;
        let prefix = match &row.preview_key {
            Some(k) => k.rsplit_once('/').map_or(k.clone(), |(p, _)| p.to_owned()),
            None => format!("media/{id}/{}", random_token(8)),
        };
        let outputs = match self
            .process_into(
                input.path(),
                format,
                Shape::Attachment,
                &prefix,
                Handling::Upload,
                row.custom_thumbnail,
            )
            .await
        {
            Ok(o) => o,
            Err(e) if e.is_client_error() => {
                let mut tx = self.db.begin().await?;
                store::set_failed(&mut tx, id, &e.to_string()).await?;
                self.federate_when_done(&mut tx, id).await?;
                tx.commit().await?;
                self.delete_keys(&[upload_key]).await;
                return Ok(());
            }
            Err(e) => return Err(media_error(e)),
        };
        let mut meta: serde_json::Value = serde_json::from_str(&row.meta_json).unwrap_or_default();
        merge_meta(&mut meta, &outputs.meta);
        let (preview_key, blurhash) = if row.custom_thumbnail {
            (row.preview_key.clone(), row.blurhash.clone())
        } else {
            (outputs.preview_key.clone(), outputs.blurhash.clone())
        };
        let meta_json = meta.to_string();
        let mut tx = self.db.begin().await?;
        store::set_ready(
            &mut tx,
            id,
            &Ready {
                kind: outputs.kind.as_str(),
                content_type: outputs.content_type,
                file_key: Some(&outputs.file_key),
                preview_key: preview_key.as_deref(),
                file_size: row.file_size + outputs.size,
                blurhash: blurhash.as_deref(),
                meta_json: &meta_json,
            },
        )
        .await?;
        self.federate_when_done(&mut tx, id).await?;
        tx.commit().await?;
        let mut unused = vec![upload_key];
        // A thumbnail given while this ran wins over the frame made here.
        if let Some(made) = outputs.preview_key
            && store::by_id(&self.db, id)
                .await?
                .is_some_and(|now| now.preview_key.as_deref() != Some(made.as_str()))
        {
            unused.push(made);
        }
        self.delete_keys(&unused).await;
        Ok(())
    }

    /// After a file's processing ended (its row updated in `tx`): a status posted with it
    /// while it was processing (the web's compose form) federates once none of its files
    /// is processing any more. The status row is locked first, so that of two files
    /// finishing together the later one sees the other done.
    async fn federate_when_done(&self, tx: &mut Tx, id: i64) -> Result<()> {
        let Some(status_id) = store::by_id(&mut *tx, id).await?.and_then(|m| m.status_id) else {
            return Ok(());
        };
        palisade_store::statuses::add_counts(&mut *tx, status_id, 0, 0, 0).await?;
        let waiting = store::of_statuses(&mut *tx, &[status_id])
            .await?
            .iter()
            .any(|m| m.state == "processing");
        if waiting {
            return Ok(());
        }
        self.emit(tx, vec![crate::events::Event::StatusCreated { status_id }])
            .await
    }

    /// One's own upload.
    pub async fn own_media(&self, viewer: &Viewer, id: i64) -> Result<Media> {
        let me = viewer.account()?;
        store::by_id(&self.db, id)
            .await?
            .filter(|m| m.account_id == Some(me.id) && m.purpose == "attachment" && !m.is_remote())
            .ok_or_else(Error::not_found)
    }

    /// Changes the description, focus or thumbnail of an upload not yet posted.
    pub async fn update_media(&self, viewer: &Viewer, id: i64, changes: MediaChanges) -> Result<Media> {
        let m = self.own_media(viewer, id).await?;
        if m.status_id.is_some() {
            return Err(Error::not_found());
        }
        self.apply_media_changes(&m, changes).await?;
        self.own_media(viewer, id).await
    }

    /// Applies description, focus and thumbnail changes to one of the viewer's files.
    pub(crate) async fn apply_media_changes(&self, m: &Media, changes: MediaChanges) -> Result<()> {
        if let Some(d) = &changes.description {
            check_description(d)?;
        }
        let focus = match changes.focus.as_deref().map(str::trim) {
            Some(f) if !f.is_empty() => Some(parse_focus(f)?),
            _ => None,
        };
        let mut meta_json = with_focus(&m.meta_json, focus);
        if let Some(data) = changes.thumbnail {
            let prefix = format!("media/{}/{}", m.id, random_token(8));
            let thumb = self.store_thumbnail(data, &prefix).await.map_err(media_error)?;
            let mut meta: serde_json::Value = serde_json::from_str(&meta_json).unwrap_or_default();
            meta["small"] = thumb.small.clone();
            if m.kind != "image" {
                meta["colors"] = thumb.colors.clone();
            }
            meta_json = meta.to_string();
            let old_preview = m.preview_key.clone();
            let old_size = match &old_preview {
                Some(k) => self.storage().size(k).await.ok().flatten().unwrap_or(0) as i64,
                None => 0,
            };
            store::set_preview(
                &self.db,
                m.id,
                &thumb.key,
                thumb.blurhash.as_deref(),
                &meta_json,
                (m.file_size - old_size).max(0) + thumb.size,
            )
            .await?;
            if let Some(old) = old_preview {
                self.delete_keys(&[old]).await;
            }
        }
        let description = changes.description.unwrap_or_else(|| m.description.clone());
        store::set_description(&self.db, m.id, &description, &meta_json).await?;
        Ok(())
    }

    /// Deletes an upload that no status uses.
    pub async fn delete_media(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let m = self.own_media(viewer, id).await?;
        if m.status_id.is_some() {
            return Err(Error::invalid("Media attachment is currently used by a status"));
        }
        store::delete(&self.db, m.id).await?;
        self.delete_keys(&keys_of(&m)).await;
        Ok(())
    }
}

/// Adds the keys of `from` to `into` (keeping `focus` and what `into` already has).
fn merge_meta(into: &mut serde_json::Value, from: &serde_json::Value) {
    if !into.is_object() {
        *into = serde_json::json!({});
    }
    if let (Some(a), Some(b)) = (into.as_object_mut(), from.as_object()) {
        for (k, v) in b {
            if k == "small" && a.contains_key("small") {
                continue;
            }
            a.insert(k.clone(), v.clone());
        }
    }
}
