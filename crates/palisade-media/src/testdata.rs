//! Files for tests, made on the spot: plain images, a JPEG carrying EXIF (orientation and a
//! GPS position), a PNG whose header announces more pixels than it holds (a decompression
//! bomb), a GIF. Used by this crate's tests and by the API tests.

use std::io::Cursor;

use image::{ImageEncoder, RgbaImage};

/// A string hidden in the GPS part of [`jpeg_with_exif`]: it must never be served.
pub const GPS_SECRET: &str = "PALISADE-GPS-48.8584N-2.2945E";

fn gradient(w: u32, h: u32, alpha: bool) -> RgbaImage {
    RgbaImage::from_fn(w, h, |x, y| {
        let a = if alpha && x < w / 2 { 128 } else { 255 };
        image::Rgba([
            (x * 255 / w.max(1)) as u8,
            (y * 255 / h.max(1)) as u8,
            ((x + y) % 256) as u8,
            a,
        ])
    })
}

/// A PNG of `w`×`h` (half transparent with `alpha`).
pub fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
    let img = gradient(w, h, alpha);
    let mut out = Vec::new();
    let (buf, color) = if alpha {
        (img.into_raw(), image::ExtendedColorType::Rgba8)
    } else {
        (
            image::DynamicImage::ImageRgba8(img).into_rgb8().into_raw(),
            image::ExtendedColorType::Rgb8,
        )
    };
    let _ = image::codecs::png::PngEncoder::new(&mut out).write_image(&buf, w, h, color);
    out
}

/// A JPEG of `w`×`h`.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::DynamicImage::ImageRgba8(gradient(w, h, false)).into_rgb8();
    let mut out = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode(
        img.as_raw(),
        w,
        h,
        image::ExtendedColorType::Rgb8,
    );
    out
}

/// A single-frame GIF.
pub fn gif(w: u32, h: u32) -> Vec<u8> {
    let img = gradient(w, h, false);
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(Cursor::new(&mut out));
        let _ = enc.encode(img.as_raw(), w, h, image::ExtendedColorType::Rgba8);
    }
    out
}

/// Frame `i` of an animation: a gradient shifted a little more each frame.
fn frame(w: u32, h: u32, i: u32) -> RgbaImage {
    RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([
            ((x + i * 16) % 256) as u8,
            (y % 256) as u8,
            (i * 40 % 256) as u8,
            255,
        ])
    })
}

/// A GIF of `frames` frames (each a shifted gradient), made without ffmpeg.
pub fn gif_animation(w: u32, h: u32, frames: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(Cursor::new(&mut out));
        let _ = enc.set_repeat(image::codecs::gif::Repeat::Infinite);
        let frames = (0..frames).map(|i| image::Frame::new(frame(w, h, i)));
        let _ = enc.encode_frames(frames);
    }
    out
}

/// An animated PNG (APNG) of `frames` frames.
pub fn apng(w: u32, h: u32, frames: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_animated(frames, 0).expect("frames > 0");
        let mut writer = enc.write_header().expect("a PNG header");
        for i in 0..frames {
            writer.write_image_data(frame(w, h, i).as_raw()).expect("a frame");
        }
        writer.finish().expect("the end of the PNG");
    }
    out
}

/// An animated WebP of `frames` lossless frames (written chunk by chunk: the WebP encoder
/// makes still images only).
pub fn webp_animation(w: u32, h: u32, frames: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
        out.extend_from_slice(kind);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
    }
    let u24 = |v: u32| [v as u8, (v >> 8) as u8, (v >> 16) as u8];
    let mut body = Vec::new();
    let mut vp8x = vec![0x02 | 0x10, 0, 0, 0];
    vp8x.extend_from_slice(&u24(w - 1));
    vp8x.extend_from_slice(&u24(h - 1));
    chunk(&mut body, b"VP8X", &vp8x);
    chunk(&mut body, b"ANIM", &[255, 255, 255, 255, 0, 0]);
    for i in 0..frames {
        let mut still = Vec::new();
        let _ = image::codecs::webp::WebPEncoder::new_lossless(Cursor::new(&mut still)).write_image(
            frame(w, h, i).as_raw(),
            w,
            h,
            image::ExtendedColorType::Rgba8,
        );
        let mut anmf = [u24(0), u24(0), u24(w - 1), u24(h - 1), u24(100)].concat();
        anmf.push(0);
        anmf.extend_from_slice(&still[12..]);
        chunk(&mut body, b"ANMF", &anmf);
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    out
}

/// A JPEG with an EXIF block: `orientation` (1–8) and a GPS position holding [`GPS_SECRET`].
pub fn jpeg_with_exif(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let plain = jpeg(w, h);
    let tiff = exif_tiff(orientation);
    let mut app1 = vec![0xFF, 0xE1];
    let len = (2 + 6 + tiff.len()) as u16;
    app1.extend_from_slice(&len.to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A little-endian TIFF structure: IFD0 (orientation, GPS pointer), a GPS IFD (latitude
/// reference and a map datum string).
fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    // IFD0 at 8: two entries (2 + 24 + 4 = 30 bytes), so the GPS IFD starts at 38.
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, 38);
    t.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 38: two entries (30 bytes), data at 68.
    let secret = format!("{GPS_SECRET}\0");
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0012, 2, secret.len() as u32, 68);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(secret.as_bytes());
    t
}

/// A PNG that announces `w`×`h` pixels but carries a few bytes of data: decoding it would
/// allocate gigabytes.
pub fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // A zlib stream of a few zero bytes.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A one-second 64×48 video made by ffmpeg (`mp4`: H.264/AAC, `webm`: VP8/Vorbis), with or
/// without sound; `None` when ffmpeg is not installed.
pub fn video(container: &str, sound: bool) -> Option<Vec<u8>> {
    let out = crate::temp::TempFile::new(container);
    let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"]
        .map(String::from)
        .to_vec();
    args.push("testsrc=size=64x48:rate=10".into());
    if sound {
        args.extend(["-f", "lavfi", "-i", "sine=frequency=440"].map(String::from));
    }
    args.extend(["-t", "1"].map(String::from));
    match container {
        "webm" => args.extend(["-c:v", "libvpx", "-c:a", "libvorbis"].map(String::from)),
        _ => args.extend(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"].map(String::from)),
    }
    args.push(out.path().display().to_string());
    let ok = std::process::Command::new("ffmpeg")
        .args(&args)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    std::fs::read(out.path()).ok()
}

/// One second of sound (Ogg Vorbis) made by ffmpeg; `None` without ffmpeg.
pub fn audio() -> Option<Vec<u8>> {
    ffmpeg_made(
        "ogg",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            "1",
            "-c:a",
            "libvorbis",
        ],
    )
}

/// A 64×48 AVIF still image made by ffmpeg; `None` without ffmpeg.
pub fn avif() -> Option<Vec<u8>> {
    ffmpeg_made(
        "avif",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48",
            "-frames:v",
            "1",
            "-c:v",
            "libaom-av1",
            "-still-picture",
            "1",
        ],
    )
}

fn ffmpeg_made(ext: &str, args: &[&str]) -> Option<Vec<u8>> {
    let out = crate::temp::TempFile::new(ext);
    let ok = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .arg(out.path())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    std::fs::read(out.path()).ok()
}

/// An animated GIF of `frames` frames made by ffmpeg; `None` without ffmpeg.
pub fn animated_gif(frames: u32) -> Option<Vec<u8>> {
    let out = crate::temp::TempFile::new("gif");
    let ok = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc=size=32x24:rate=10")
        .args(["-frames:v", &frames.to_string()])
        .arg(out.path())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    std::fs::read(out.path()).ok()
}

/// Whether a test without ffmpeg must fail rather than skip (`PALISADE_REQUIRE_FFMPEG=1`:
/// CI installs ffmpeg, so a missing one there is an error, not a reason to skip).
pub fn skip_without_ffmpeg(available: bool) -> bool {
    if available {
        return false;
    }
    assert!(
        std::env::var("PALISADE_REQUIRE_FFMPEG").as_deref() != Ok("1"),
        "PALISADE_REQUIRE_FFMPEG=1 but ffmpeg/ffprobe are not installed"
    );
    eprintln!("ffmpeg is not installed here: video and audio not tested (CI installs it)");
    true
}
