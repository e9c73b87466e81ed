#![allow(clippy::unwrap_used)]

use super::*;
use crate::testdata;

#[test]
fn exif_gps_is_gone_and_orientation_applied() {
    // 40×20 pixels, EXIF orientation 6 (rotate 90° clockwise), GPS position in the EXIF.
    let jpeg = testdata::jpeg_with_exif(40, 20, 6);
    assert!(testdata::contains(&jpeg, testdata::GPS_SECRET.as_bytes()));
    let out = process(&jpeg, Format::Jpeg, Shape::Attachment).unwrap();
    assert_eq!((out.original.width, out.original.height), (20, 40));
    assert_eq!(out.original.format, Format::Jpeg);
    for file in [&out.original.bytes, &out.small.bytes] {
        assert!(!testdata::contains(file, testdata::GPS_SECRET.as_bytes()));
        assert!(!testdata::contains(file, b"Exif"));
    }
    assert!(out.blurhash.as_deref().is_some_and(|b| b.len() > 6));
}

#[test]
fn pixel_bombs_are_refused_before_decoding() {
    // A PNG header announcing 20000×20000 pixels, with almost no data behind it.
    let bomb = testdata::png_header_only(20_000, 20_000);
    let e = process(&bomb, Format::Png, Shape::Attachment).unwrap_err();
    assert!(matches!(e, MediaError::TooManyPixels(_)), "{e:?}");
    assert_eq!(dimensions(&bomb, Format::Png).unwrap(), (20_000, 20_000));
}

#[test]
fn truncated_images_fail_cleanly() {
    let png = testdata::png(64, 64, false);
    let e = process(&png[..png.len() / 2], Format::Png, Shape::Attachment).unwrap_err();
    assert!(matches!(e, MediaError::Corrupt(_)), "{e:?}");
    let e = process(&png[..20], Format::Png, Shape::Attachment).unwrap_err();
    assert!(matches!(e, MediaError::Corrupt(_)), "{e:?}");
}

#[test]
fn sizes_follow_mastodon() {
    let big = testdata::png(4000, 3000, false);
    let out = process(&big, Format::Png, Shape::Attachment).unwrap();
    let px = |e: &Encoded| u64::from(e.width) * u64::from(e.height);
    assert!(px(&out.original) <= limits::ORIGINAL_PIXELS);
    assert!(px(&out.small) <= limits::SMALL_PIXELS);
    assert_eq!(out.original.format, Format::Png);
    assert_eq!(out.small.format, Format::Jpeg);

    let avatar = process(&testdata::png(900, 300, false), Format::Png, Shape::Avatar).unwrap();
    assert_eq!((avatar.original.width, avatar.original.height), (300, 300));
    let avatar = process(&testdata::png(1000, 800, false), Format::Png, Shape::Avatar).unwrap();
    assert_eq!((avatar.original.width, avatar.original.height), (400, 400));
    let header = process(&testdata::png(3000, 3000, false), Format::Png, Shape::Header).unwrap();
    assert_eq!((header.original.width, header.original.height), (1500, 500));
    let emoji = process(&testdata::png(64, 64, true), Format::Png, Shape::Emoji).unwrap();
    assert_eq!(emoji.original.format, Format::Png);
    assert_eq!((emoji.original.width, emoji.original.height), (64, 64));
}

#[test]
fn transparency_keeps_png() {
    let out = process(&testdata::png(50, 50, true), Format::Png, Shape::Attachment).unwrap();
    assert_eq!(out.original.format, Format::Png);
    assert_eq!(out.small.format, Format::Png);
    let gif = testdata::gif(30, 20);
    let out = process(&gif, Format::Gif, Shape::Attachment).unwrap();
    assert_eq!((out.original.width, out.original.height), (30, 20));
}

#[test]
fn fitting_never_upscales() {
    assert_eq!(fit_pixels(100, 100, 1000), (31, 31));
    assert_eq!(fit_pixels(10, 10, 1000), (10, 10));
    assert_eq!(fit_box(3000, 1000, 1500, 500), (1500, 500));
    assert_eq!(fit_box(100, 50, 400, 400), (100, 50));
}
