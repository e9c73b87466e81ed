//! The GIF, APNG and WebP walkers on animations another encoder made (ffmpeg), not only on
//! those this crate's test data writes: each is seen as animated, with its frames and size,
//! and its copy without metadata still decodes.

use std::process::Command;

use palisade_media::{apng, format, gif, testdata, webp};

/// Three frames of ffmpeg's test picture, 24×16, in the format `args` ask for; `None`
/// without ffmpeg or that encoder.
fn made_by_ffmpeg(ext: &str, args: &[&str]) -> Option<Vec<u8>> {
    let out = std::env::temp_dir().join(format!("palisade-animation-{}.{ext}", std::process::id()));
    let ok = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"])
        .args(["-i", "testsrc=size=24x16:rate=5", "-frames:v", "3"])
        .args(args)
        .arg(&out)
        .status()
        .is_ok_and(|s| s.success());
    let data = ok.then(|| std::fs::read(&out).ok()).flatten();
    let _ = std::fs::remove_file(&out);
    data
}

#[test]
fn animations_from_another_encoder_are_recognised_and_stripped() {
    let available = Command::new("ffmpeg").arg("-version").output().is_ok();
    if testdata::skip_without_ffmpeg(available) {
        return;
    }
    let gif_file = made_by_ffmpeg("gif", &[]).expect("ffmpeg writes GIF");
    assert_eq!(format::gif_frames(&gif_file, 10), 3);
    assert_eq!(gif::size(&gif_file), Some((24, 16)));
    let clean = gif::strip_metadata(&gif_file).expect("a sound GIF");
    assert!(image::load_from_memory(&clean).is_ok());

    let png_file = made_by_ffmpeg("png", &["-plays", "0", "-f", "apng"]).expect("ffmpeg writes APNG");
    assert_eq!(apng::frames(&png_file), Some(3));
    assert_eq!(apng::size(&png_file), Some((24, 16)));
    let clean = apng::strip_metadata(&png_file).expect("a sound PNG");
    assert!(image::load_from_memory(&clean).is_ok());

    // Debian's ffmpeg has libwebp's animation encoder; without it, WebP is not checked here.
    if let Some(webp_file) = made_by_ffmpeg("webp", &["-c:v", "libwebp_anim", "-loop", "0"]) {
        assert_eq!(webp::frames(&webp_file), Some(3));
        assert_eq!(webp::size(&webp_file), Some((24, 16)));
        let clean = webp::strip_metadata(&webp_file).expect("a sound WebP");
        assert!(image::load_from_memory(&clean).is_ok());
    }
}
