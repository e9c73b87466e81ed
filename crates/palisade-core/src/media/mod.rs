//! Media: uploads and their processing, attachments of statuses, avatars and headers, the
//! cache of remote files (always served by this instance, never by the member's device), and
//! the housekeeping of all of it. The work on bytes is `palisade-media`'s; this module
//! decides, records and keeps the store and the database in step.

mod admin;
mod animated_emoji;
mod attach;
mod compose;
mod jobs;
mod process;
mod profile;
mod remote;
mod serve;
mod uploads;

use std::sync::Arc;

use palisade_media::Storage;
use palisade_media::video::Ffmpeg;
use serde_json::{Value, json};

pub use admin::{PruneReport, Refetch};
pub(crate) use attach::MediaOwner;
pub use compose::PostError;
pub use jobs::{JobOutcome, MEDIA_QUEUE, MediaJob};
pub use palisade_media::temp::TempFile;
pub use palisade_media::{Kind, MediaError};
pub use palisade_store::media::{Media, Usage};
pub use process::supported_mime_types;
pub(crate) use process::{Handling, keys_of};
pub use profile::ProfileImages;
pub use remote::{RemoteAttachment, RemoteEmoji};
pub use serve::{ServedFile, Variant, content_type_of_key};
pub use uploads::{MediaChanges, NewMedia, UploadFile};

use crate::{Core, Error};

/// What media work needs besides the database: where files go, and ffmpeg.
#[derive(Clone, Debug)]
pub struct MediaServices {
    pub storage: Storage,
    pub ffmpeg: Ffmpeg,
}

impl MediaServices {
    pub fn new(settings: &crate::settings::MediaSettings) -> MediaServices {
        let storage = Storage::new(&settings.storage_config()).unwrap_or_else(|e| {
            tracing::error!(error = %e, "media storage is not available");
            Storage::unavailable(e.to_string())
        });
        MediaServices {
            storage,
            ffmpeg: Ffmpeg::new(settings.ffmpeg.clone(), settings.ffprobe.clone()),
        }
    }
}

impl Core {
    pub fn storage(&self) -> &Storage {
        &self.media.storage
    }

    pub fn ffmpeg(&self) -> &Ffmpeg {
        &self.media.ffmpeg
    }

    /// Uses `storage` for media files (the binary sets it up and checks it first).
    pub fn with_storage(mut self, storage: Storage) -> Core {
        self.media = Arc::new(MediaServices {
            storage,
            ffmpeg: self.media.ffmpeg.clone(),
        });
        self
    }
}

/// A media error as the client sees it: theirs as 422 (413 for size), ours as 500.
pub(crate) fn media_error(e: MediaError) -> Error {
    match e {
        MediaError::TooLarge(m) => Error::Unprocessable(m, Vec::new()),
        MediaError::Storage(m) | MediaError::Io(m) => Error::Internal(m),
        other => Error::invalid(other.to_string()),
    }
}

/// `meta` with `focus` set (`x,y` each between -1 and 1).
pub(crate) fn with_focus(meta_json: &str, focus: Option<(f64, f64)>) -> String {
    let mut meta: Value = serde_json::from_str(meta_json).unwrap_or_else(|_| json!({}));
    if !meta.is_object() {
        meta = json!({});
    }
    if let Some((x, y)) = focus {
        meta["focus"] = json!({"x": x, "y": y});
    }
    meta.to_string()
}

/// Parses Mastodon's `focus` parameter, `"x,y"` with both in [-1, 1].
pub fn parse_focus(s: &str) -> crate::Result<(f64, f64)> {
    let bad = || Error::invalid("Validation failed: Focus must be two numbers between -1.0 and 1.0, as x,y");
    let (x, y) = s.split_once(',').ok_or_else(bad)?;
    let x: f64 = x.trim().parse().map_err(|_| bad())?;
    let y: f64 = y.trim().parse().map_err(|_| bad())?;
    if !(-1.0..=1.0).contains(&x) || !(-1.0..=1.0).contains(&y) || x.is_nan() || y.is_nan() {
        return Err(bad());
    }
    Ok((x, y))
}

/// Mastodon's size block of `meta`: `{width, height, size, aspect}`.
pub(crate) fn dims(width: u32, height: u32) -> Value {
    json!({
        "width": width,
        "height": height,
        "size": format!("{width}x{height}"),
        "aspect": if height > 0 { f64::from(width) / f64::from(height) } else { 0.0 },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn focus_is_checked() {
        assert_eq!(super::parse_focus("-0.5,0.3").unwrap(), (-0.5, 0.3));
        assert_eq!(super::parse_focus(" 1 , -1 ").unwrap(), (1.0, -1.0));
        for bad in ["", "1", "2,0", "0,-1.5", "a,b", "NaN,0"] {
            assert!(super::parse_focus(bad).is_err(), "{bad}");
        }
        let meta = super::with_focus("{\"original\":{}}", Some((0.2, -0.1)));
        assert!(meta.contains("\"focus\":{\"x\":0.2,\"y\":-0.1}"), "{meta}");
    }
}
