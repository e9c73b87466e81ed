//! Images: the pixel count is checked from the header before anything is decoded (a
//! decompression bomb costs a few bytes of reading), then the image is decoded within a
//! memory budget, turned upright by its EXIF orientation, and re-encoded from bare pixels,
//! so that no metadata at all (EXIF with GPS, XMP, comments, colour profiles) survives.
//! Sizes follow Mastodon: originals at most 3840×2160 pixels' worth, thumbnails 640×360's
//! worth, avatars 400×400, headers 1500×500.

use std::io::Cursor;

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::limits::{self, AVATAR_SIDE, CARD_SIDE, EMOJI_SIDE, HEADER_HEIGHT, HEADER_WIDTH};
use crate::{Format, MediaError, Result};

/// What the image is for: it decides cropping and sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A status attachment: original and thumbnail.
    Attachment,
    /// Square, 400×400 at most.
    Avatar,
    /// 3:1, 1500×500 at most.
    Header,
    /// A custom emoji: PNG, 256×256 at most; the thumbnail is its static version.
    Emoji,
    /// A preview card image, 400×400 at most.
    Card,
    /// A preview of a video or audio file (only the thumbnail is used).
    Thumbnail,
}

/// One encoded image.
#[derive(Clone, Debug)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// JPEG or PNG.
    pub format: Format,
    pub width: u32,
    pub height: u32,
}

/// The result of processing: the stored original, its thumbnail and blurhash.
#[derive(Clone, Debug)]
pub struct Processed {
    pub original: Encoded,
    pub small: Encoded,
    pub blurhash: Option<String>,
    /// The average colour (Mastodon's `meta.colors` of video and audio derive from it).
    pub average: [u8; 3],
}

fn image_format(format: Format) -> Result<ImageFormat> {
    Ok(match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        other => {
            return Err(MediaError::Unsupported(format!(
                "{} images are not decoded here",
                other.mime()
            )));
        }
    })
}

fn corrupt(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(l) => MediaError::TooManyPixels(format!("Image too large: {l}")),
        other => MediaError::Corrupt(format!("The image could not be read: {other}")),
    }
}

fn check_matrix(width: u32, height: u32) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt("The image has no pixels".into()));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits::IMAGE_MATRIX {
        return Err(MediaError::TooManyPixels(format!(
            "Image too large: {width}x{height} pixels is more than the {} allowed",
            limits::IMAGE_MATRIX
        )));
    }
    Ok(())
}

fn reader(data: &[u8], format: Format) -> Result<ImageReader<Cursor<&[u8]>>> {
    let mut reader = ImageReader::with_format(Cursor::new(data), image_format(format)?);
    let mut budget = Limits::default();
    budget.max_alloc = Some(limits::DECODE_ALLOC);
    reader.limits(budget);
    Ok(reader)
}

/// Width and height from the header alone (nothing is decoded).
pub fn dimensions(data: &[u8], format: Format) -> Result<(u32, u32)> {
    let decoder = reader(data, format)?.into_decoder().map_err(corrupt)?;
    Ok(decoder.dimensions())
}

/// Decodes within the budgets: the pixel count is checked before any pixel is decoded.
pub fn decode(data: &[u8], format: Format) -> Result<DynamicImage> {
    let mut decoder = reader(data, format)?.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    check_matrix(w, h)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Processes an image file for `shape`.
pub fn process(data: &[u8], format: Format, shape: Shape) -> Result<Processed> {
    let img = decode(data, format)?;
    let (w, h) = (img.width(), img.height());
    let alpha = has_transparency(&img);
    let pixel = if alpha {
        fr::PixelType::U8x4
    } else {
        fr::PixelType::U8x3
    };
    let raw = if alpha {
        img.into_rgba8().into_raw()
    } else {
        img.into_rgb8().into_raw()
    };
    let src = fr::images::Image::from_vec_u8(w, h, raw, pixel)
        .map_err(|e| MediaError::Corrupt(format!("The image could not be read: {e}")))?;
    let crop = crop_for(shape, w, h);
    let (ow, oh) = original_size(shape, crop.2, crop.3);
    let (sw, sh) = small_size(shape, ow, oh);
    let original = resized(&src, crop, ow, oh)?;
    let small = resized(&src, crop, sw, sh)?;
    let blurhash = blurhash_of(&small, alpha);
    let average = average_of(&small);
    let (original_format, small_format) = output_formats(shape, format, alpha);
    Ok(Processed {
        original: encode(&original, original_format)?,
        small: encode(&small, small_format)?,
        blurhash,
        average,
    })
}

/// Whether any pixel is not fully opaque.
fn has_transparency(img: &DynamicImage) -> bool {
    if !img.color().has_alpha() {
        return false;
    }
    img.to_rgba8().pixels().any(|p| p.0[3] < 255)
}

/// The part of the image kept: (left, top, width, height).
fn crop_for(shape: Shape, w: u32, h: u32) -> (u32, u32, u32, u32) {
    match shape {
        Shape::Avatar => {
            let side = w.min(h);
            ((w - side) / 2, (h - side) / 2, side, side)
        }
        Shape::Header => {
            let (cw, ch) = if u64::from(w) > u64::from(h) * 3 {
                (h.saturating_mul(3).max(1), h)
            } else {
                (w, (w / 3).max(1))
            };
            ((w - cw) / 2, (h - ch) / 2, cw, ch)
        }
        _ => (0, 0, w, h),
    }
}

fn original_size(shape: Shape, w: u32, h: u32) -> (u32, u32) {
    match shape {
        Shape::Attachment | Shape::Thumbnail => fit_pixels(w, h, limits::ORIGINAL_PIXELS),
        Shape::Avatar => fit_box(w, h, AVATAR_SIDE, AVATAR_SIDE),
        Shape::Header => fit_box(w, h, HEADER_WIDTH, HEADER_HEIGHT),
        Shape::Emoji => fit_box(w, h, EMOJI_SIDE, EMOJI_SIDE),
        Shape::Card => fit_box(w, h, CARD_SIDE, CARD_SIDE),
    }
}

fn small_size(shape: Shape, w: u32, h: u32) -> (u32, u32) {
    match shape {
        Shape::Attachment | Shape::Thumbnail => fit_pixels(w, h, limits::SMALL_PIXELS),
        Shape::Avatar | Shape::Header | Shape::Card => fit_box(w, h, 120, 120),
        Shape::Emoji => (w, h),
    }
}

/// Scaled down (never up) so that width × height ≤ `max`, keeping the aspect ratio.
pub fn fit_pixels(w: u32, h: u32, max: u64) -> (u32, u32) {
    let pixels = u64::from(w) * u64::from(h);
    if pixels <= max {
        return (w, h);
    }
    let scale = (max as f64 / pixels as f64).sqrt();
    (
        ((f64::from(w) * scale).floor() as u32).max(1),
        ((f64::from(h) * scale).floor() as u32).max(1),
    )
}

/// Scaled down (never up) to fit a `bw`×`bh` box, keeping the aspect ratio.
pub fn fit_box(w: u32, h: u32, bw: u32, bh: u32) -> (u32, u32) {
    if w <= bw && h <= bh {
        return (w, h);
    }
    let scale = (f64::from(bw) / f64::from(w)).min(f64::from(bh) / f64::from(h));
    (
        ((f64::from(w) * scale).round() as u32).clamp(1, bw),
        ((f64::from(h) * scale).round() as u32).clamp(1, bh),
    )
}

fn resized(
    src: &fr::images::Image<'_>,
    crop: (u32, u32, u32, u32),
    w: u32,
    h: u32,
) -> Result<fr::images::Image<'static>> {
    let mut dst = fr::images::Image::new(w, h, src.pixel_type());
    let options = fr::ResizeOptions::new()
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3))
        .crop(
            f64::from(crop.0),
            f64::from(crop.1),
            f64::from(crop.2),
            f64::from(crop.3),
        );
    fr::Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| MediaError::Processing(format!("resizing failed: {e}")))?;
    Ok(dst)
}

/// PNG where transparency or crisp edges matter (emoji, GIFs, PNG sources), JPEG for the
/// rest; thumbnails are JPEG unless transparent.
fn output_formats(shape: Shape, source: Format, alpha: bool) -> (Format, Format) {
    if shape == Shape::Emoji || alpha {
        return (Format::Png, Format::Png);
    }
    let original = match (shape, source) {
        (Shape::Attachment, Format::Png | Format::Gif) => Format::Png,
        _ => Format::Jpeg,
    };
    (original, Format::Jpeg)
}

fn encode(img: &fr::images::Image<'_>, format: Format) -> Result<Encoded> {
    let (w, h) = (img.width(), img.height());
    let color = match img.pixel_type() {
        fr::PixelType::U8x4 => image::ExtendedColorType::Rgba8,
        _ => image::ExtendedColorType::Rgb8,
    };
    let mut bytes = Vec::new();
    let fail = |e: image::ImageError| MediaError::Processing(format!("encoding failed: {e}"));
    match format {
        Format::Png => {
            use image::ImageEncoder;
            image::codecs::png::PngEncoder::new(&mut bytes)
                .write_image(img.buffer(), w, h, color)
                .map_err(fail)?;
        }
        _ => {
            let rgb;
            let (buffer, color) = if color == image::ExtendedColorType::Rgba8 {
                // JPEG has no alpha: only opaque images get here, so dropping it is exact.
                rgb = img
                    .buffer()
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect::<Vec<u8>>();
                (rgb.as_slice(), image::ExtendedColorType::Rgb8)
            } else {
                (img.buffer(), color)
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
                .encode(buffer, w, h, color)
                .map_err(fail)?;
        }
    }
    Ok(Encoded {
        bytes,
        format: if format == Format::Png {
            Format::Png
        } else {
            Format::Jpeg
        },
        width: w,
        height: h,
    })
}

fn average_of(img: &fr::images::Image<'_>) -> [u8; 3] {
    let step = match img.pixel_type() {
        fr::PixelType::U8x4 => 4,
        _ => 3,
    };
    let (mut sum, mut n) = ([0u64; 3], 0u64);
    for p in img.buffer().chunks_exact(step) {
        for (s, v) in sum.iter_mut().zip(p) {
            *s += u64::from(*v);
        }
        n += 1;
    }
    let n = n.max(1);
    [(sum[0] / n) as u8, (sum[1] / n) as u8, (sum[2] / n) as u8]
}

/// Mastodon's `meta.colors` from an average colour: the background, and a foreground and
/// accent that read on it.
pub fn colors(average: [u8; 3]) -> serde_json::Value {
    let [r, g, b] = average;
    let luminance = 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
    let fore = if luminance > 128.0 { "#0c0c0c" } else { "#f4f4f4" };
    serde_json::json!({"background": format!("#{r:02x}{g:02x}{b:02x}"), "foreground": fore, "accent": fore})
}

/// A blurhash (4×4 components, as Mastodon) of a small version of the image.
fn blurhash_of(small: &fr::images::Image<'_>, alpha: bool) -> Option<String> {
    let (w, h) = fit_box(small.width(), small.height(), 32, 32);
    let tiny = resized(small, (0, 0, small.width(), small.height()), w, h).ok()?;
    let rgba: Vec<u8> = if alpha {
        tiny.buffer().to_vec()
    } else {
        tiny.buffer()
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect()
    };
    blurhash::encode(4, 4, w, h, &rgba).ok()
}

#[cfg(test)]
mod tests;
