//! A GIF's block structure, walked without decoding: the size its header declares, and a
//! copy without the blocks that carry text or metadata (comments, plain text, application
//! data other than the loop count), for GIFs served as they came (animated emoji), since
//! every file this server serves goes out without metadata.

/// The logical screen size the header declares (width, height).
pub fn size(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(b"GIF8") {
        return None;
    }
    let w = u16::from_le_bytes([*data.get(6)?, *data.get(7)?]);
    let h = u16::from_le_bytes([*data.get(8)?, *data.get(9)?]);
    Some((w.into(), h.into()))
}

/// The bytes of the colour table a packed field announces.
fn table(packed: u8) -> usize {
    if packed & 0x80 != 0 {
        3 << ((packed & 7) + 1)
    } else {
        0
    }
}

/// Where the data sub-blocks starting at `i` end (after their zero terminator).
fn sub_blocks_end(data: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let len = *data.get(i)? as usize;
        i += 1 + len;
        if len == 0 {
            return Some(i);
        }
    }
}

/// The GIF with its frames, their timing and its loop count only; `None` when its structure
/// is broken or it has no trailer.
pub fn strip_metadata(data: &[u8]) -> Option<Vec<u8>> {
    size(data)?;
    let start = 13 + table(*data.get(10)?);
    let mut out = data.get(..start)?.to_vec();
    let mut i = start;
    loop {
        match *data.get(i)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x21 => {
                let label = *data.get(i + 1)?;
                let end = sub_blocks_end(data, i + 2)?;
                let keep = match label {
                    0xF9 => true,
                    0xFF => data
                        .get(i + 3..i + 14)
                        .is_some_and(|id| id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"),
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(data.get(i..end)?);
                }
                i = end;
            }
            0x2C => {
                let packed = *data.get(i + 9)?;
                let end = sub_blocks_end(data, i + 10 + table(packed) + 1)?;
                out.extend_from_slice(data.get(i..end)?);
                i = end;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::gif_frames;
    use crate::testdata;

    /// `gif` with a block inserted before its trailer.
    fn with_block(gif: &[u8], block: &[u8]) -> Vec<u8> {
        let mut out = gif[..gif.len() - 1].to_vec();
        out.extend_from_slice(block);
        out.push(0x3B);
        out
    }

    #[test]
    fn comments_and_foreign_application_data_go_frames_and_loop_stay() {
        let gif = testdata::gif_animation(16, 12, 3);
        assert_eq!(size(&gif), Some((16, 12)));
        let mut comment = vec![0x21, 0xFE, 6];
        comment.extend_from_slice(b"SECRET");
        comment.push(0);
        let mut xmp = vec![0x21, 0xFF, 11];
        xmp.extend_from_slice(b"XMP DataXMP");
        xmp.extend_from_slice(&[4, b'<', b'x', b'm', b'p', 0]);
        let dirty = with_block(&with_block(&gif, &comment), &xmp);
        let clean = strip_metadata(&dirty).expect("a well-formed GIF");
        assert!(!testdata::contains(&clean, b"SECRET") && !testdata::contains(&clean, b"XMP"));
        assert!(testdata::contains(&clean, b"NETSCAPE2.0"), "the loop count stays");
        assert_eq!(clean, strip_metadata(&gif).unwrap());
        assert_eq!(gif_frames(&clean, 10), 3);
        assert!(image::load_from_memory(&clean).is_ok());
    }

    #[test]
    fn broken_or_unterminated_gifs_are_refused() {
        let gif = testdata::gif_animation(8, 8, 2);
        assert!(strip_metadata(&gif[..gif.len() - 1]).is_none(), "no trailer");
        assert!(strip_metadata(&gif[..gif.len() / 2]).is_none(), "cut short");
        assert!(strip_metadata(b"GIF89a").is_none());
        assert!(strip_metadata(b"\x89PNG\r\n\x1a\n").is_none());
        let mut odd = gif.clone();
        let last = odd.len() - 1;
        odd.insert(last, 0x99);
        assert!(strip_metadata(&odd).is_none(), "an unknown block");
    }
}
