//! An (animated) PNG's chunks, walked without decoding: its size, whether it is animated
//! (APNG) and how many frames it has, and a copy with only the chunks that draw it — no
//! text, EXIF, time or colour profile — for PNGs served as they came (animated emoji).

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Chunks that draw the image or its animation; every other ancillary chunk is dropped.
const KEPT: [&[u8; 4]; 12] = [
    b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"acTL", b"fcTL", b"fdAT", b"gAMA", b"cHRM", b"sRGB",
    b"sBIT",
];

/// The chunks: (type, the whole chunk with its length and CRC); `None` if the structure is
/// broken, or nothing follows the signature.
fn chunks(data: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut i = SIGNATURE.len();
    if !data.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::new();
    while i < data.len() {
        let len = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        out.push((data.get(i + 4..i + 8)?, data.get(i..end)?));
        i = end;
    }
    Some(out)
}

fn u32_at(chunk: &[u8], offset: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        chunk.get(offset..offset + 4)?.try_into().ok()?,
    ))
}

/// The size the header declares (width, height).
pub fn size(data: &[u8]) -> Option<(u32, u32)> {
    let list = chunks(data)?;
    let (kind, ihdr) = list.first()?;
    (*kind == b"IHDR").then_some(())?;
    Some((u32_at(ihdr, 8)?, u32_at(ihdr, 12)?))
}

/// The frames of an animated PNG: announced (`acTL`, before the image data) and present
/// (one `fcTL` each) alike; `None` for a still PNG, or one whose count does not match.
pub fn frames(data: &[u8]) -> Option<u32> {
    let mut announced = None;
    let mut present = 0u32;
    for (kind, chunk) in chunks(data)? {
        match kind {
            b"acTL" if present == 0 => announced = Some(u32_at(chunk, 8)?),
            b"IDAT" if announced.is_none() => return None,
            b"fcTL" => present = present.saturating_add(1),
            _ => {}
        }
    }
    announced.filter(|n| *n == present)
}

/// The PNG with the chunks that draw it only; `None` when its structure is broken, it does
/// not end with `IEND`, or it holds a critical chunk this does not know.
pub fn strip_metadata(data: &[u8]) -> Option<Vec<u8>> {
    let list = chunks(data)?;
    if list.last()?.0 != b"IEND" {
        return None;
    }
    let mut out = SIGNATURE.to_vec();
    for (kind, chunk) in list {
        let known = KEPT.iter().any(|k| k.as_slice() == kind);
        let critical = kind.first().is_some_and(u8::is_ascii_uppercase);
        match (known, critical) {
            (true, _) => out.extend_from_slice(chunk),
            (false, true) => return None,
            (false, false) => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    /// `png` with a chunk of `kind` holding `body` inserted after the header (its CRC is not
    /// checked here, nor by the walk).
    fn with_chunk(png: &[u8], kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let ihdr_end = SIGNATURE.len() + 25;
        let mut out = png[..ihdr_end].to_vec();
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&png[ihdr_end..]);
        out
    }

    #[test]
    fn text_and_exif_go_the_animation_stays() {
        let apng = testdata::apng(20, 10, 4);
        assert_eq!(size(&apng), Some((20, 10)));
        assert_eq!(frames(&apng), Some(4));
        assert_eq!(frames(&testdata::png(8, 8, false)), None);
        let dirty = with_chunk(
            &with_chunk(&apng, b"tEXt", b"Comment\0SECRET"),
            b"eXIf",
            b"MM\0*GPS",
        );
        let clean = strip_metadata(&dirty).expect("a well-formed PNG");
        assert!(!testdata::contains(&clean, b"SECRET") && !testdata::contains(&clean, b"GPS"));
        assert_eq!(frames(&clean), Some(4));
        assert_eq!(strip_metadata(&clean).as_ref(), Some(&clean));
        assert!(image::load_from_memory(&clean).is_ok());
    }

    #[test]
    fn broken_or_unknown_pngs_are_refused() {
        let apng = testdata::apng(8, 8, 2);
        assert!(strip_metadata(&apng[..apng.len() - 12]).is_none(), "no IEND");
        assert!(strip_metadata(&apng[..apng.len() / 2]).is_none(), "cut short");
        assert!(strip_metadata(b"GIF89a").is_none());
        assert!(
            strip_metadata(&with_chunk(&apng, b"ZZZZ", b"?")).is_none(),
            "an unknown critical chunk"
        );
        let mut fewer = testdata::apng(8, 8, 4);
        let at = fewer.windows(4).position(|w| w == b"acTL").unwrap() + 4;
        fewer[at..at + 4].copy_from_slice(&3u32.to_be_bytes());
        assert_eq!(frames(&fewer), None, "4 frames where 3 are announced");
        let mut huge = apng.clone();
        huge[SIGNATURE.len()..SIGNATURE.len() + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(strip_metadata(&huge).is_none(), "a length past the end");
    }
}
