//! What a file is, from its first bytes. The name and the declared content type are never
//! trusted: a `.jpg` holding a PNG is a PNG, a `.png` holding HTML is refused.

use crate::{MediaError, Result};

/// The kinds of Mastodon's MediaAttachment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Image,
    /// A silent looping video (GIFs become these).
    Gifv,
    Video,
    Audio,
    Unknown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Gifv => "gifv",
            Kind::Video => "video",
            Kind::Audio => "audio",
            Kind::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Kind {
        match s {
            "image" => Kind::Image,
            "gifv" => Kind::Gifv,
            "video" => Kind::Video,
            "audio" => Kind::Audio,
            _ => Kind::Unknown,
        }
    }
}

/// A file format we recognise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
    Avif,
    Heic,
    Mp4,
    QuickTime,
    Webm,
    Ogg,
    Mp3,
    Wav,
    Flac,
    Aac,
    /// M4A: MPEG-4 audio.
    M4a,
}

/// Image types we accept without ffmpeg (decoded in-process).
pub const NATIVE_IMAGE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];
/// Types that need ffmpeg: AVIF images (decoded by ffmpeg's dav1d), video, audio.
pub const FFMPEG_IMAGE_TYPES: &[&str] = &["image/avif"];
pub const VIDEO_TYPES: &[&str] = &["video/mp4", "video/quicktime", "video/webm", "video/ogg"];
pub const AUDIO_TYPES: &[&str] = &[
    "audio/mpeg",
    "audio/mp3",
    "audio/wav",
    "audio/wave",
    "audio/x-wav",
    "audio/ogg",
    "audio/vorbis",
    "audio/webm",
    "audio/flac",
    "audio/aac",
    "audio/mp4",
    "audio/m4a",
    "audio/x-m4a",
];

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Avif => "image/avif",
            Format::Heic => "image/heic",
            Format::Mp4 => "video/mp4",
            Format::QuickTime => "video/quicktime",
            Format::Webm => "video/webm",
            Format::Ogg => "audio/ogg",
            Format::Mp3 => "audio/mpeg",
            Format::Wav => "audio/wav",
            Format::Flac => "audio/flac",
            Format::Aac => "audio/aac",
            Format::M4a => "audio/mp4",
        }
    }

    /// What the file is before processing (a container with no video becomes audio after
    /// probing).
    pub fn kind(self) -> Kind {
        match self {
            Format::Jpeg | Format::Png | Format::Webp | Format::Avif | Format::Heic => Kind::Image,
            Format::Gif => Kind::Gifv,
            Format::Mp4 | Format::QuickTime | Format::Webm => Kind::Video,
            Format::Ogg | Format::Mp3 | Format::Wav | Format::Flac | Format::Aac | Format::M4a => Kind::Audio,
        }
    }

    /// Decoded here without ffmpeg.
    pub fn is_native_image(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png | Format::Gif | Format::Webp)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Heic => "heic",
            Format::Mp4 => "mp4",
            Format::QuickTime => "mov",
            Format::Webm => "webm",
            Format::Ogg => "ogg",
            Format::Mp3 => "mp3",
            Format::Wav => "wav",
            Format::Flac => "flac",
            Format::Aac => "aac",
            Format::M4a => "m4a",
        }
    }
}

/// Bytes of a file's head that [`detect`] looks at.
pub const HEAD_BYTES: usize = 512;

/// The compatible brands of an ISO-BMFF `ftyp` box at the start of `head` (after the major
/// brand and the minor version), as far as both the box and `head` go.
fn compatible_brands(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let size = head
        .get(0..4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let end = size.min(head.len());
    head.get(16..end).unwrap_or_default().chunks_exact(4)
}

/// The format of a file from its first bytes; SVG and unknown content are refused with a
/// message that says why.
pub fn detect(head: &[u8]) -> Result<Format> {
    let at = |i: usize, m: &[u8]| head.len() >= i + m.len() && &head[i..i + m.len()] == m;
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if at(0, b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if at(0, b"GIF87a") || at(0, b"GIF89a") {
        return Ok(Format::Gif);
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Ok(Format::Webp);
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Ok(Format::Wav);
    }
    if at(4, b"ftyp") && head.len() >= 12 {
        return Ok(match &head[8..12] {
            b"avif" | b"avis" => Format::Avif,
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" => Format::Heic,
            // Generic HEIF: the compatible brands say whether it holds AV1 (AVIF) or HEVC.
            b"mif1" | b"msf1" if compatible_brands(head).any(|b| b == b"avif" || b == b"avis") => {
                Format::Avif
            }
            b"mif1" | b"msf1" => Format::Heic,
            b"qt  " => Format::QuickTime,
            b"M4A " | b"M4B " => Format::M4a,
            _ => Format::Mp4,
        });
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Ok(Format::Webm);
    }
    if at(0, b"OggS") {
        return Ok(Format::Ogg);
    }
    if at(0, b"fLaC") {
        return Ok(Format::Flac);
    }
    if at(0, b"ID3") {
        return Ok(Format::Mp3);
    }
    if head.len() >= 2 && head[0] == 0xFF {
        // ADTS AAC (layer bits 00) before MPEG audio frames (layer bits non-zero).
        if head[1] & 0xF6 == 0xF0 {
            return Ok(Format::Aac);
        }
        if head[1] & 0xE0 == 0xE0 && head[1] & 0x06 != 0 {
            return Ok(Format::Mp3);
        }
    }
    if looks_like_svg(head) {
        return Err(MediaError::Unsupported(
            "SVG images are not accepted: they can carry scripts".into(),
        ));
    }
    Err(MediaError::Unsupported(
        "The file's content is not an image, video or audio type this server accepts".into(),
    ))
}

/// Frames in a GIF, counting up to `stop_at` (walks the block structure, decodes nothing).
pub fn gif_frames(data: &[u8], stop_at: usize) -> usize {
    let table = |packed: u8| {
        if packed & 0x80 != 0 {
            3 << ((packed & 7) + 1)
        } else {
            0
        }
    };
    let Some(&packed) = data.get(10) else {
        return 0;
    };
    let mut i = 13 + table(packed);
    let skip_sub_blocks = |mut i: usize| {
        while let Some(&len) = data.get(i) {
            i += 1 + len as usize;
            if len == 0 {
                break;
            }
        }
        i
    };
    let mut frames = 0;
    while let Some(&block) = data.get(i) {
        match block {
            0x21 => i = skip_sub_blocks(i + 2),
            0x2C => {
                frames += 1;
                if frames >= stop_at {
                    return frames;
                }
                let Some(&p) = data.get(i + 9) else {
                    return frames;
                };
                i = skip_sub_blocks(i + 10 + table(p) + 1);
            }
            _ => break,
        }
    }
    frames
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with("<svg")
        || ((text.starts_with("<?xml") || text.starts_with("<!doctype svg") || text.starts_with("<!--"))
            && text.contains("<svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide() {
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0rest").unwrap(), Format::Jpeg);
        assert_eq!(detect(b"\x89PNG\r\n\x1a\nrest").unwrap(), Format::Png);
        assert_eq!(detect(b"GIF89a....").unwrap(), Format::Gif);
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), Format::Webp);
        assert_eq!(detect(b"RIFF\0\0\0\0WAVEfmt ").unwrap(), Format::Wav);
        assert_eq!(detect(b"\0\0\0\x20ftypisom\0\0\0\0").unwrap(), Format::Mp4);
        assert_eq!(detect(b"\0\0\0\x20ftypavif\0\0\0\0").unwrap(), Format::Avif);
        // Generic HEIF brands: AVIF when AV1 is among the compatible brands, else HEIC.
        assert_eq!(
            detect(b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf").unwrap(),
            Format::Avif
        );
        assert_eq!(detect(b"\0\0\0\x18ftypmsf1\0\0\0\0avis").unwrap(), Format::Avif);
        assert_eq!(detect(b"\0\0\0\x18ftypmif1\0\0\0\0heic").unwrap(), Format::Heic);
        // A brand past the box's own size does not count.
        assert_eq!(
            detect(b"\0\0\0\x14ftypmif1\0\0\0\0heicavif").unwrap(),
            Format::Heic
        );
        assert_eq!(detect(b"\0\0\0\x20ftypmif1").unwrap(), Format::Heic);
        assert_eq!(detect(b"\0\0\0\x20ftypqt  \0\0\0\0").unwrap(), Format::QuickTime);
        assert_eq!(detect(b"\0\0\0\x20ftypM4A \0\0\0\0").unwrap(), Format::M4a);
        assert_eq!(detect(b"\x1A\x45\xDF\xA3rest").unwrap(), Format::Webm);
        assert_eq!(detect(b"OggS\0").unwrap(), Format::Ogg);
        assert_eq!(detect(b"ID3\x04").unwrap(), Format::Mp3);
        assert_eq!(detect(&[0xFF, 0xFB, 0x90, 0x00]).unwrap(), Format::Mp3);
        assert_eq!(detect(&[0xFF, 0xF1, 0x50, 0x80]).unwrap(), Format::Aac);
        assert_eq!(detect(b"fLaC\0").unwrap(), Format::Flac);
    }

    #[test]
    fn gif_frames_are_counted() {
        assert_eq!(gif_frames(&crate::testdata::gif(8, 8), 5), 1);
        if let Some(gif) = crate::testdata::animated_gif(4) {
            assert_eq!(gif_frames(&gif, 10), 4);
            assert_eq!(gif_frames(&gif, 2), 2);
        }
        assert_eq!(gif_frames(b"GIF89a", 2), 0);
    }

    #[test]
    fn svg_and_html_are_refused() {
        for svg in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"[..],
            b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<svg></svg>",
            b"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"><svg/>",
        ] {
            let e = detect(svg).unwrap_err().to_string();
            assert!(e.contains("SVG"), "{e}");
        }
        let e = detect(b"<html><script>alert(1)</script>")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an image"), "{e}");
        assert!(detect(b"").is_err());
    }
}
