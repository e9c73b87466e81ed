#![allow(clippy::unwrap_used)]

use super::*;
use crate::Kind;
use crate::temp::TempFile;
use crate::testdata;

#[tokio::test]
async fn missing_programs_are_reported() {
    let f = Ffmpeg::new("/nonexistent/ffmpeg".into(), "/nonexistent/ffprobe".into());
    assert!(!f.available().await);
    assert!(Ffmpeg::missing("Videos").to_string().contains("ffmpeg"));
}

#[test]
fn programs_are_found_as_executable_files_on_the_path_or_by_path() {
    use std::os::unix::fs::PermissionsExt;
    assert!(installed(Path::new("sh")), "sh is on PATH");
    assert!(!installed(Path::new("no-such-program-here")));
    let file = TempFile::new("sh");
    std::fs::write(file.path(), "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(!installed(file.path()), "not executable");
    std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(installed(file.path()));
}

#[tokio::test]
async fn videos_are_probed_planned_and_converted() {
    let f = Ffmpeg::default();
    if testdata::skip_without_ffmpeg(f.available().await) {
        return;
    }
    let input = TempFile::new("webm");
    std::fs::write(input.path(), testdata::video("webm", true).unwrap()).unwrap();
    let probe = f.probe(input.path()).await.unwrap();
    let v = probe.video.clone().unwrap();
    assert_eq!((v.width, v.height), (64, 48));
    assert!(probe.audio.is_some());
    let (kind, conversion) = plan(Format::Webm, &probe).unwrap();
    assert_eq!(kind, Kind::Video);
    assert_eq!(conversion, Conversion::Video { audio: true });
    let out = TempFile::new("mp4");
    f.convert(input.path(), conversion, false, out.path())
        .await
        .unwrap();
    let converted = f.probe(out.path()).await.unwrap();
    assert_eq!(converted.video.unwrap().codec, "h264");
    assert_eq!(converted.audio.unwrap().codec, "aac");
    let frame = TempFile::new("png");
    f.frame(out.path(), frame.path()).await.unwrap();
    let png = std::fs::read(frame.path()).unwrap();
    assert_eq!(crate::format::detect(&png).unwrap(), Format::Png);
    let m = meta(kind, &probe);
    assert_eq!(m["original"]["width"], 64);
    assert_eq!(m["original"]["frame_rate"], "10/1");

    // An H.264 MP4 with sound is remuxed; a silent one is a gifv.
    let input = TempFile::new("mp4");
    std::fs::write(input.path(), testdata::video("mp4", false).unwrap()).unwrap();
    let probe = f.probe(input.path()).await.unwrap();
    assert_eq!(
        plan(Format::Mp4, &probe).unwrap(),
        (Kind::Gifv, Conversion::Remux)
    );
}

#[test]
fn limits_are_enforced() {
    let probe = |w, h, fps: f64, duration| Probe {
        format_name: "mov,mp4".into(),
        duration: Some(duration),
        video: Some(VideoStream {
            codec: "h264".into(),
            width: w,
            height: h,
            frame_rate: format!("{fps}/1"),
            fps,
            pix_fmt: "yuv420p".into(),
        }),
        ..Default::default()
    };
    assert!(matches!(
        plan(Format::Mp4, &probe(7680, 4320, 30.0, 1.0)),
        Err(MediaError::TooManyPixels(_))
    ));
    assert!(plan(Format::Mp4, &probe(640, 480, 240.0, 1.0)).is_err());
    assert!(plan(Format::Mp4, &probe(640, 480, 120.0, 600.0)).is_err());
    assert_eq!(
        plan(Format::Gif, &probe(640, 480, 10.0, 3.0)).unwrap(),
        (Kind::Gifv, Conversion::Video { audio: false })
    );
    let audio_only = Probe {
        audio: Some(AudioStream::default()),
        ..Default::default()
    };
    assert_eq!(
        plan(Format::Ogg, &audio_only).unwrap(),
        (Kind::Audio, Conversion::Audio)
    );
}
