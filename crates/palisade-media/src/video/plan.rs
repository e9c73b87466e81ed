//! What a probed file becomes (or why it is refused), and Mastodon's `meta` for it.

use serde_json::Value;

use super::{Conversion, Probe};
use crate::limits;
use crate::{Format, Kind, MediaError, Result};

/// What a probed file becomes, or why it is refused: a GIF or a silent video is a `gifv`,
/// a video with sound a `video`, a container with sound only `audio`.
pub fn plan(format: Format, probe: &Probe) -> Result<(Kind, Conversion)> {
    let gif = format == Format::Gif;
    match (&probe.video, &probe.audio) {
        (Some(v), audio) => {
            let pixels = u64::from(v.width) * u64::from(v.height);
            if v.width == 0 || v.height == 0 {
                return Err(MediaError::Corrupt("The video has no picture".into()));
            }
            if pixels > limits::VIDEO_MATRIX {
                return Err(MediaError::TooManyPixels(format!(
                    "Video too large: {}x{} pixels is more than the {} allowed",
                    v.width,
                    v.height,
                    limits::VIDEO_MATRIX
                )));
            }
            if v.fps > limits::VIDEO_FRAME_RATE {
                return Err(MediaError::Unsupported(format!(
                    "Video frame rate {:.0} is over the {} allowed",
                    v.fps,
                    limits::VIDEO_FRAME_RATE
                )));
            }
            if probe.duration.unwrap_or(0.0) * v.fps > limits::VIDEO_FRAMES {
                return Err(MediaError::TooLarge(
                    "Video too long: at most 36000 frames are allowed".into(),
                ));
            }
            let has_audio = audio.is_some() && !gif;
            let kind = if has_audio { Kind::Video } else { Kind::Gifv };
            let mp4_h264 = probe.format_name.contains("mp4")
                && v.codec == "h264"
                && v.pix_fmt == "yuv420p"
                && audio
                    .as_ref()
                    .is_none_or(|a| a.codec == "aac" || a.codec == "mp3");
            let conversion = if mp4_h264 && !gif {
                Conversion::Remux
            } else {
                Conversion::Video { audio: has_audio }
            };
            Ok((kind, conversion))
        }
        (None, Some(_)) => Ok((Kind::Audio, Conversion::Audio)),
        (None, None) => Err(MediaError::Corrupt(
            "The file has neither picture nor sound".into(),
        )),
    }
}

/// Mastodon's `meta` for a processed video or audio file (4.x: `original` with the stream's
/// size, frame rate, duration and bitrate; `small` and `colors` come from the preview).
pub fn meta(kind: Kind, probe: &Probe) -> Value {
    let mut original = serde_json::Map::new();
    if let Some(v) = probe.video.as_ref().filter(|_| kind != Kind::Audio) {
        original.insert("width".into(), v.width.into());
        original.insert("height".into(), v.height.into());
        original.insert("frame_rate".into(), v.frame_rate.clone().into());
    }
    if let Some(d) = probe.duration {
        original.insert("duration".into(), ((d * 1000.0).round() / 1000.0).into());
    }
    if let Some(b) = probe.bitrate {
        original.insert("bitrate".into(), b.into());
    }
    serde_json::json!({ "original": original })
}
