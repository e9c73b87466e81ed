//! A WebP's chunks, walked without decoding: its canvas, its animation frames, and a copy
//! with only the chunks that draw it — no EXIF, XMP or colour profile, their flags cleared —
//! for WebPs served as they came (animated emoji).

/// Chunks that draw the image or its animation; every other chunk is dropped.
const KEPT: [&[u8; 4]; 6] = [b"VP8X", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"];

/// The VP8X flags of the chunks that go: ICC profile, EXIF, XMP.
const METADATA_FLAGS: u8 = 0x20 | 0x08 | 0x04;

/// The chunks after the RIFF header: (FourCC, the whole chunk with its padding); `None` if
/// the structure is broken or the RIFF size disagrees with the file.
fn chunks(data: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    if data.get(..4)? != b"RIFF" || data.get(8..12)? != b"WEBP" {
        return None;
    }
    let riff = u32::from_le_bytes(data.get(4..8)?.try_into().ok()?) as usize;
    if riff.checked_add(8)? != data.len() {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 12;
    while i < data.len() {
        let len = u32::from_le_bytes(data.get(i + 4..i + 8)?.try_into().ok()?) as usize;
        let end = i.checked_add(8)?.checked_add(len)?.checked_add(len & 1)?;
        out.push((data.get(i..i + 4)?, data.get(i..end)?));
        i = end;
    }
    Some(out)
}

/// The `VP8X` chunk: flags and canvas, present in every animated WebP.
fn extended(list: &[(&[u8], &[u8])]) -> Option<(u8, u32, u32)> {
    let (kind, chunk) = list.first()?;
    if *kind != b"VP8X" {
        return None;
    }
    let b = chunk.get(8..18)?;
    let u24 = |at: usize| u32::from(b[at]) | u32::from(b[at + 1]) << 8 | u32::from(b[at + 2]) << 16;
    Some((b[0], u24(4) + 1, u24(7) + 1))
}

/// The canvas (width, height) of an extended WebP.
pub fn size(data: &[u8]) -> Option<(u32, u32)> {
    extended(&chunks(data)?).map(|(_, w, h)| (w, h))
}

/// The frames of an animated WebP (its `ANMF` chunks, with the animation flag set); `None`
/// for a still one.
pub fn frames(data: &[u8]) -> Option<u32> {
    let list = chunks(data)?;
    let (flags, _, _) = extended(&list)?;
    if flags & 0x02 == 0 {
        return None;
    }
    let n = list.iter().filter(|(kind, _)| *kind == b"ANMF").count();
    u32::try_from(n).ok().filter(|n| *n > 0)
}

/// The WebP with the chunks that draw it only, its flags and RIFF size made to match; `None`
/// when its structure is broken.
pub fn strip_metadata(data: &[u8]) -> Option<Vec<u8>> {
    let list = chunks(data)?;
    let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
    for (kind, chunk) in list {
        if !KEPT.iter().any(|k| k.as_slice() == kind) {
            continue;
        }
        let at = out.len();
        out.extend_from_slice(chunk);
        if kind == b"VP8X" {
            *out.get_mut(at + 8)? &= !METADATA_FLAGS;
        }
    }
    let riff = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    /// `webp` with a chunk of `kind` holding `body` added at its end.
    fn with_chunk(webp: &[u8], kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = webp.to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
        let riff = (out.len() - 8) as u32;
        out[4..8].copy_from_slice(&riff.to_le_bytes());
        out
    }

    #[test]
    fn exif_and_xmp_go_the_animation_stays() {
        let webp = testdata::webp_animation(24, 16, 3);
        assert_eq!(size(&webp), Some((24, 16)));
        assert_eq!(frames(&webp), Some(3));
        let mut dirty = with_chunk(
            &with_chunk(&webp, b"EXIF", b"MM\0*GPS-SECRET"),
            b"XMP ",
            b"<x>SECRET</x>",
        );
        dirty[20] |= METADATA_FLAGS;
        let clean = strip_metadata(&dirty).expect("a well-formed WebP");
        assert!(!testdata::contains(&clean, b"SECRET"));
        assert_eq!(clean[20] & METADATA_FLAGS, 0, "the flags say what is left");
        assert_eq!(clean, strip_metadata(&webp).unwrap());
        assert_eq!(frames(&clean), Some(3));
        assert!(image::load_from_memory(&clean).is_ok(), "it still decodes");
    }

    #[test]
    fn broken_or_still_webps_are_refused() {
        let webp = testdata::webp_animation(8, 8, 2);
        assert!(strip_metadata(&webp[..webp.len() - 3]).is_none(), "cut short");
        assert!(
            strip_metadata(b"RIFF\x04\0\0\0WEBP").is_some(),
            "empty but well formed"
        );
        assert!(strip_metadata(b"GIF89a").is_none());
        let mut lying = webp.clone();
        lying[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(strip_metadata(&lying).is_none(), "a RIFF size past the end");
        let mut still = webp.clone();
        still[20] &= !0x02;
        assert_eq!(frames(&still), None, "no animation flag");
    }
}
