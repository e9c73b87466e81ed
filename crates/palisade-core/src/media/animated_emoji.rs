//! Animated custom emoji: a GIF, animated PNG or animated WebP emoji is kept animated, as it
//! came but for its comments and metadata, when it is small enough to be served as is (Mastodon keeps
//! emoji files as they are, within 256 KB); its first frame, through the image pipeline, is
//! the still image clients show when animation is off (`static_url`). Anything else — a
//! single frame, too large, too many frames, a broken structure — goes through the pipeline
//! as a still image, as every emoji did before.

use palisade_media::format::{self, Format};
use palisade_media::image::Shape;
use palisade_media::{Kind, MediaError, limits};
use palisade_media::{apng, gif, webp};
use serde_json::json;

use super::dims;
use super::process::{Outputs, process_image, put_image};
use crate::Core;

/// Frames an animated emoji may have (a file of 256 KB can hold thousands of tiny ones,
/// each for the viewer's browser to decode).
const MAX_FRAMES: usize = 500;

/// The animation an emoji's file keeps, without its metadata: a GIF, an animated PNG or an
/// animated WebP of at most 256 KB, within the emoji box, with 2 to 500 frames and a sound structure.
pub(super) fn animation(data: &[u8], format: Format) -> Option<Vec<u8>> {
    let (frames, size) = match format {
        Format::Gif => (format::gif_frames(data, MAX_FRAMES + 1), gif::size(data)),
        Format::Png => (apng::frames(data)? as usize, apng::size(data)),
        Format::Webp => (webp::frames(data)? as usize, webp::size(data)),
        _ => return None,
    };
    let fits = size.is_some_and(|(w, h)| w > 0 && h > 0 && w.max(h) <= limits::EMOJI_SIDE);
    if data.len() as u64 > limits::EMOJI_BYTES || !(2..=MAX_FRAMES).contains(&frames) || !fits {
        return None;
    }
    match format {
        Format::Gif => gif::strip_metadata(data),
        Format::Png => apng::strip_metadata(data),
        _ => webp::strip_metadata(data),
    }
}

impl Core {
    /// Stores an animated emoji (`animation`) as `original.gif`, `.png` or `.webp`, and its
    /// first frame, decoded within the pipeline's limits, as `static.png`.
    pub(super) async fn store_animated_emoji(
        &self,
        data: Vec<u8>,
        format: Format,
        prefix: &str,
    ) -> Result<Outputs, MediaError> {
        let processed = process_image(data.clone(), format, Shape::Emoji).await?;
        let (o, s) = (&processed.original, &processed.small);
        let storage = self.storage();
        let file_key = format!("{prefix}/original.{}", format.extension());
        let preview_key = format!("{prefix}/static.{}", s.format.extension());
        let size = data.len() as i64;
        storage.put(&file_key, data, format.mime()).await?;
        let still = match put_image(storage, &preview_key, s).await {
            Ok(n) => n,
            Err(e) => {
                let _ = storage.delete(&file_key).await;
                return Err(e);
            }
        };
        Ok(Outputs {
            kind: Kind::Image,
            content_type: format.mime(),
            file_key,
            preview_key: Some(preview_key),
            size: size + still,
            blurhash: processed.blurhash.clone(),
            meta: json!({"original": dims(o.width, o.height), "small": dims(s.width, s.height)}),
        })
    }
}
