//! Turning a file into what is stored and served, for uploads and for remote files alike:
//! images through the in-process pipeline, AVIF through ffmpeg to PNG first, animated GIFs,
//! video and audio through ffmpeg, animated GIF, PNG and WebP emoji kept as they are
//! (`animated_emoji.rs`). Results go to the store under one key prefix; nothing is
//! written to the database here.

use std::path::Path;

use palisade_media::format::{self, Format};
use palisade_media::image::{self, Shape};
use palisade_media::temp::TempFile;
use palisade_media::video::{self, Conversion};
use palisade_media::{Kind, MediaError, Storage, limits};
use serde_json::{Value, json};

use super::dims;
use crate::Core;

/// What was stored.
#[derive(Clone, Debug)]
pub(crate) struct Outputs {
    pub kind: Kind,
    pub content_type: &'static str,
    pub file_key: String,
    pub preview_key: Option<String>,
    pub size: i64,
    pub blurhash: Option<String>,
    pub meta: Value,
}

/// A stored preview image: its key, bytes, blurhash, `meta.small` and `meta.colors`.
#[derive(Clone, Debug)]
pub(crate) struct Thumbnail {
    pub key: String,
    pub size: i64,
    pub blurhash: Option<String>,
    pub small: Value,
    pub colors: Value,
}

/// How to treat video and audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handling {
    /// An upload: remuxed or transcoded, metadata dropped; limits enforced.
    Upload,
    /// A remote file: kept as its server sent it (already checked); a preview is made when
    /// ffmpeg is there.
    Remote,
}

/// The MIME types accepted for upload here (with ffmpeg: AVIF, video and audio too).
pub async fn supported_mime_types(core: &Core) -> Vec<&'static str> {
    let mut types: Vec<&'static str> = format::NATIVE_IMAGE_TYPES.to_vec();
    if core.ffmpeg().available().await {
        types.extend(format::FFMPEG_IMAGE_TYPES);
        types.extend(format::VIDEO_TYPES);
        types.extend(format::AUDIO_TYPES);
    }
    types
}

/// The largest file accepted for a format.
pub(crate) fn size_limit(format: Format) -> u64 {
    match format.kind() {
        Kind::Image => limits::IMAGE_BYTES,
        _ => limits::VIDEO_BYTES,
    }
}

/// Reads the head of a file and names its format (content, never the name).
pub(crate) async fn detect_file(path: &Path) -> Result<Format, MediaError> {
    use tokio::io::AsyncReadExt;
    let mut f = tokio::fs::File::open(path).await?;
    let mut head = vec![0u8; format::HEAD_BYTES];
    let mut n = 0;
    while n < head.len() {
        let read = f.read(&mut head[n..]).await?;
        if read == 0 {
            break;
        }
        n += read;
    }
    format::detect(&head[..n])
}

fn content_type(format: Format) -> &'static str {
    format.mime()
}

pub(super) async fn put_image(storage: &Storage, key: &str, img: &image::Encoded) -> Result<i64, MediaError> {
    storage
        .put(key, img.bytes.clone(), content_type(img.format))
        .await?;
    Ok(img.bytes.len() as i64)
}

/// Runs the image pipeline off the async threads.
pub(super) async fn process_image(
    data: Vec<u8>,
    format: Format,
    shape: Shape,
) -> Result<image::Processed, MediaError> {
    tokio::task::spawn_blocking(move || image::process(&data, format, shape))
        .await
        .map_err(|e| MediaError::Processing(format!("image processing stopped: {e}")))?
}

impl Core {
    /// Processes the file at `path` (of `format`) and stores the results under `prefix`.
    /// `preview` is an already stored preview (an uploaded thumbnail) to keep.
    pub(crate) async fn process_into(
        &self,
        path: &Path,
        format: Format,
        shape: Shape,
        prefix: &str,
        handling: Handling,
        keep_preview: bool,
    ) -> Result<Outputs, MediaError> {
        if shape == Shape::Emoji && matches!(format, Format::Gif | Format::Png | Format::Webp) {
            let data = tokio::fs::read(path).await?;
            if let Some(animation) = super::animated_emoji::animation(&data, format) {
                return self.store_animated_emoji(animation, format, prefix).await;
            }
        }
        let ffmpeg = self.ffmpeg();
        let animated_gif = format == Format::Gif
            && shape == Shape::Attachment
            && format::gif_frames(&tokio::fs::read(path).await?, 2) > 1
            && ffmpeg.available().await;
        if format.is_native_image() && !animated_gif {
            let data = tokio::fs::read(path).await?;
            return self.store_image(data, format, shape, prefix).await;
        }
        if shape != Shape::Attachment && !(format == Format::Avif) {
            return Err(MediaError::Unsupported(format!(
                "{} is not an image this server accepts here",
                format.mime()
            )));
        }
        if format == Format::Heic {
            return Err(MediaError::Unsupported(
                "HEIC images are not supported by this server: send JPEG, PNG, WebP or GIF".into(),
            ));
        }
        if !ffmpeg.available().await {
            let what = match format.kind() {
                Kind::Image => "AVIF images",
                Kind::Audio => "Audio files",
                _ => "Videos and animated GIFs",
            };
            return Err(palisade_media::video::Ffmpeg::missing(what));
        }
        if format == Format::Avif {
            let probe = ffmpeg.probe(path).await?;
            if let Some(v) = &probe.video
                && u64::from(v.width) * u64::from(v.height) > limits::IMAGE_MATRIX
            {
                return Err(MediaError::TooManyPixels(format!(
                    "Image too large: {}x{} pixels",
                    v.width, v.height
                )));
            }
            let png = TempFile::new("png");
            ffmpeg.frame(path, png.path()).await?;
            let data = tokio::fs::read(png.path()).await?;
            return self.store_image(data, Format::Png, shape, prefix).await;
        }
        self.store_av(path, format, prefix, handling, keep_preview).await
    }

    async fn store_image(
        &self,
        data: Vec<u8>,
        format: Format,
        shape: Shape,
        prefix: &str,
    ) -> Result<Outputs, MediaError> {
        let processed = process_image(data, format, shape).await?;
        let storage = self.storage();
        let (o, s) = (&processed.original, &processed.small);
        let file_key = format!("{prefix}/original.{}", o.format.extension());
        let mut size = put_image(storage, &file_key, o).await?;
        let small_name = if shape == Shape::Emoji { "static" } else { "small" };
        let preview_key = format!("{prefix}/{small_name}.{}", s.format.extension());
        match put_image(storage, &preview_key, s).await {
            Ok(n) => size += n,
            Err(e) => {
                let _ = storage.delete(&file_key).await;
                return Err(e);
            }
        }
        Ok(Outputs {
            kind: Kind::Image,
            content_type: content_type(o.format),
            file_key,
            preview_key: Some(preview_key),
            size,
            blurhash: processed.blurhash.clone(),
            meta: json!({"original": dims(o.width, o.height), "small": dims(s.width, s.height)}),
        })
    }

    /// Video, audio and animated GIFs.
    async fn store_av(
        &self,
        path: &Path,
        format: Format,
        prefix: &str,
        handling: Handling,
        keep_preview: bool,
    ) -> Result<Outputs, MediaError> {
        let ffmpeg = self.ffmpeg();
        let storage = self.storage();
        let probe = ffmpeg.probe(path).await?;
        let (kind, conversion) = match handling {
            Handling::Upload => video::plan(format, &probe)?,
            Handling::Remote => match (&probe.video, &probe.audio) {
                (Some(_), _) if format == Format::Gif => (Kind::Gifv, Conversion::Video { audio: false }),
                (Some(_), Some(_)) => (Kind::Video, Conversion::Remux),
                (Some(_), None) => (Kind::Gifv, Conversion::Remux),
                (None, Some(_)) => (Kind::Audio, Conversion::Audio),
                (None, None) => {
                    return Err(MediaError::Corrupt(
                        "The file has neither picture nor sound".into(),
                    ));
                }
            },
        };
        // A remote file is stored as sent (a GIF must still become a video to play).
        let (stored_path, stored_format, _converted) =
            if handling == Handling::Remote && format != Format::Gif {
                (path.to_path_buf(), format, None)
            } else {
                let out = TempFile::new(conversion.output().extension());
                ffmpeg
                    .convert(path, conversion, format == Format::Gif, out.path())
                    .await?;
                (out.path().to_path_buf(), conversion.output(), Some(out))
            };
        let file_key = format!("{prefix}/original.{}", stored_format.extension());
        let ct = if kind == Kind::Audio && stored_format == Format::Mp4 {
            "audio/mp4"
        } else {
            content_type(stored_format)
        };
        storage.put_file(&file_key, &stored_path, ct).await?;
        let mut size = tokio::fs::metadata(&stored_path).await?.len() as i64;
        let mut meta = video::meta(kind, &probe);
        let mut preview_key = None;
        let mut blurhash = None;
        if kind != Kind::Audio && !keep_preview {
            let frame = TempFile::new("png");
            let made = match ffmpeg.frame(&stored_path, frame.path()).await {
                Ok(()) => tokio::fs::read(frame.path()).await.ok(),
                Err(e) => {
                    tracing::warn!(error = %e, "no preview frame");
                    None
                }
            };
            if let Some(png) = made {
                match process_image(png, Format::Png, Shape::Thumbnail).await {
                    Ok(p) => {
                        let key = format!("{prefix}/small.{}", p.small.format.extension());
                        match put_image(storage, &key, &p.small).await {
                            Ok(n) => size += n,
                            Err(e) => {
                                // Nothing half-stored: the original goes too.
                                let _ = storage.delete(&file_key).await;
                                return Err(e);
                            }
                        }
                        meta["small"] = dims(p.small.width, p.small.height);
                        meta["colors"] = image::colors(p.average);
                        blurhash = p.blurhash;
                        preview_key = Some(key);
                    }
                    Err(e) => tracing::warn!(error = %e, "preview frame could not be processed"),
                }
            }
        }
        Ok(Outputs {
            kind,
            content_type: ct,
            file_key,
            preview_key,
            size,
            blurhash,
            meta,
        })
    }

    /// A thumbnail given by the uploader (or found for a remote file), stored under `prefix`.
    pub(crate) async fn store_thumbnail(&self, data: Vec<u8>, prefix: &str) -> Result<Thumbnail, MediaError> {
        let format = format::detect(&data)?;
        if !format.is_native_image() {
            return Err(MediaError::Unsupported(
                "A thumbnail must be a JPEG, PNG, WebP or GIF image".into(),
            ));
        }
        if data.len() as u64 > limits::IMAGE_BYTES {
            return Err(MediaError::TooLarge(format!(
                "Thumbnail size must be less than {}",
                limits::megabytes(limits::IMAGE_BYTES)
            )));
        }
        let p = process_image(data, format, Shape::Thumbnail).await?;
        let key = format!("{prefix}/thumbnail.{}", p.small.format.extension());
        let size = put_image(self.storage(), &key, &p.small).await?;
        Ok(Thumbnail {
            key,
            size,
            blurhash: p.blurhash,
            small: dims(p.small.width, p.small.height),
            colors: image::colors(p.average),
        })
    }

    /// Deletes stored files, logging (not failing) on errors: used after the database no
    /// longer points at them.
    pub(crate) async fn delete_keys(&self, keys: &[String]) -> usize {
        let mut failed = 0;
        for k in keys {
            if let Err(e) = self.storage().delete(k).await {
                tracing::warn!(key = %k, error = %e, "could not delete a media file");
                failed += 1;
            }
        }
        failed
    }
}

/// The stored keys of a record.
pub(crate) fn keys_of(m: &palisade_store::media::Media) -> Vec<String> {
    [&m.file_key, &m.preview_key, &m.upload_key]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}
