//! Video and audio through Debian's `ffprobe` and `ffmpeg`, as Mastodon does: probe the
//! streams, refuse what is over the limits, then remux (H.264 MP4 that browsers play, metadata
//! dropped) or transcode (to H.264/AAC MP4, or MP3 for audio). GIF animations become silent
//! MP4 loops (`gifv`). AVIF images are decoded here too, to PNG.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;
use tokio::sync::OnceCell;

use crate::{Format, MediaError, Result};

/// The two programs, found on `PATH` by default.
#[derive(Clone, Debug)]
pub struct Ffmpeg {
    pub ffmpeg: PathBuf,
    pub ffprobe: PathBuf,
    /// Longest a conversion may run.
    pub timeout: Duration,
    available: Arc<OnceCell<bool>>,
}

impl Default for Ffmpeg {
    fn default() -> Self {
        Ffmpeg::new("ffmpeg".into(), "ffprobe".into())
    }
}

/// What ffprobe found.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    pub format_name: String,
    pub duration: Option<f64>,
    pub bitrate: Option<i64>,
    pub video: Option<VideoStream>,
    pub audio: Option<AudioStream>,
}

#[derive(Clone, Debug, Default)]
pub struct VideoStream {
    pub codec: String,
    pub width: u32,
    pub height: u32,
    /// As ffprobe writes it, e.g. `30/1` (Mastodon shows this).
    pub frame_rate: String,
    pub fps: f64,
    pub pix_fmt: String,
}

#[derive(Clone, Debug, Default)]
pub struct AudioStream {
    pub codec: String,
    pub sample_rate: Option<i64>,
    pub channels: Option<i64>,
    pub channel_layout: Option<String>,
}

/// How a file is turned into what we serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// Already H.264 in MP4: copied stream by stream, metadata dropped.
    Remux,
    /// To H.264 (+ AAC when there is sound) in MP4.
    Video { audio: bool },
    /// To MP3.
    Audio,
}

impl Conversion {
    pub fn output(self) -> Format {
        match self {
            Conversion::Audio => Format::Mp3,
            _ => Format::Mp4,
        }
    }
}

/// Whether `program` is an executable file: the path itself when it names a directory,
/// else the first match on `PATH`.
fn installed(program: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let executable =
        |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    if program.components().count() > 1 {
        return executable(program);
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| executable(&dir.join(program))))
}

impl Ffmpeg {
    pub fn new(ffmpeg: PathBuf, ffprobe: PathBuf) -> Ffmpeg {
        Ffmpeg {
            ffmpeg,
            ffprobe,
            timeout: Duration::from_secs(600),
            available: Arc::default(),
        }
    }

    /// Whether both programs are installed (asked once per process): found as executable
    /// files, directly or on `PATH`. Looked up, not run: running them (a few hundred
    /// milliseconds of dynamic linking) held up the first `/api/v1/instance`, which lists
    /// the upload types. A program that is there but does not run fails its job instead.
    pub async fn available(&self) -> bool {
        *self
            .available
            .get_or_init(|| async {
                let ok = installed(&self.ffmpeg) && installed(&self.ffprobe);
                if !ok {
                    tracing::warn!(
                        ffmpeg = %self.ffmpeg.display(),
                        "ffmpeg/ffprobe not found: video, audio and animated GIF uploads are refused"
                    );
                }
                ok
            })
            .await
    }

    /// The 422 given when ffmpeg is missing.
    pub fn missing(what: &str) -> MediaError {
        MediaError::NoFfmpeg(format!(
            "{what} need ffmpeg, which is not installed on this server"
        ))
    }

    async fn run(&self, program: &Path, args: &[&std::ffi::OsStr], timeout: Duration) -> Result<Vec<u8>> {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .map_err(|e| MediaError::Processing(format!("cannot run {}: {e}", program.display())))?;
        let out = tokio::time::timeout(timeout, child.wait_with_output())
            .await
            .map_err(|_| MediaError::Processing(format!("{} took too long", program.display())))?
            .map_err(|e| MediaError::Processing(e.to_string()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
            return Err(MediaError::Processing(format!(
                "The file could not be processed: {}",
                last.trim()
            )));
        }
        Ok(out.stdout)
    }

    /// The streams of a file.
    pub async fn probe(&self, input: &Path) -> Result<Probe> {
        let args: Vec<&std::ffi::OsStr> = vec![
            "-v".as_ref(),
            "error".as_ref(),
            "-print_format".as_ref(),
            "json".as_ref(),
            "-show_format".as_ref(),
            "-show_streams".as_ref(),
            input.as_os_str(),
        ];
        let out = self
            .run(&self.ffprobe, &args, Duration::from_secs(60))
            .await
            .map_err(|e| MediaError::Corrupt(e.to_string()))?;
        let json: Value =
            serde_json::from_slice(&out).map_err(|e| MediaError::Corrupt(format!("ffprobe: {e}")))?;
        Ok(parse_probe(&json))
    }

    /// Converts `input` as `conversion` says into `output`.
    pub async fn convert(
        &self,
        input: &Path,
        conversion: Conversion,
        gif: bool,
        output: &Path,
    ) -> Result<()> {
        let mut args: Vec<String> = vec![
            "-nostdin".into(),
            "-hide_banner".into(),
            "-loglevel".into(),
            "error".into(),
            "-y".into(),
            "-i".into(),
            input.display().to_string(),
            "-map_metadata".into(),
            "-1".into(),
            "-map_chapters".into(),
            "-1".into(),
            "-threads".into(),
            "2".into(),
        ];
        let even = "scale=trunc(iw/2)*2:trunc(ih/2)*2";
        match conversion {
            Conversion::Remux => args.extend(
                [
                    "-map",
                    "0:v:0",
                    "-map",
                    "0:a:0?",
                    "-c",
                    "copy",
                    "-movflags",
                    "+faststart",
                    "-f",
                    "mp4",
                ]
                .map(String::from),
            ),
            Conversion::Video { audio } => {
                args.extend(
                    [
                        "-map",
                        "0:v:0",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "veryfast",
                        "-crf",
                        "23",
                        "-pix_fmt",
                        "yuv420p",
                        "-vf",
                        even,
                        "-movflags",
                        "+faststart",
                    ]
                    .map(String::from),
                );
                if audio && !gif {
                    args.extend(["-map", "0:a:0", "-c:a", "aac", "-b:a", "160k"].map(String::from));
                } else {
                    args.push("-an".into());
                }
                args.extend(["-f", "mp4"].map(String::from));
            }
            Conversion::Audio => args.extend(
                [
                    "-vn",
                    "-map",
                    "0:a:0",
                    "-c:a",
                    "libmp3lame",
                    "-q:a",
                    "2",
                    "-f",
                    "mp3",
                ]
                .map(String::from),
            ),
        }
        args.push(output.display().to_string());
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        self.run(&self.ffmpeg, &args, self.timeout).await?;
        Ok(())
    }

    /// The first frame as PNG (previews of videos; AVIF images).
    pub async fn frame(&self, input: &Path, output: &Path) -> Result<()> {
        let args: Vec<&std::ffi::OsStr> = vec![
            "-nostdin".as_ref(),
            "-hide_banner".as_ref(),
            "-loglevel".as_ref(),
            "error".as_ref(),
            "-y".as_ref(),
            "-i".as_ref(),
            input.as_os_str(),
            "-map_metadata".as_ref(),
            "-1".as_ref(),
            "-frames:v".as_ref(),
            "1".as_ref(),
            "-f".as_ref(),
            "image2".as_ref(),
            "-c:v".as_ref(),
            "png".as_ref(),
            output.as_os_str(),
        ];
        self.run(&self.ffmpeg, &args, Duration::from_secs(120)).await?;
        Ok(())
    }
}

fn parse_probe(json: &Value) -> Probe {
    let num = |v: Option<&Value>| -> Option<f64> {
        v.and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
    };
    let format = json.get("format");
    let mut probe = Probe {
        format_name: format
            .and_then(|f| f.get("format_name"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        duration: num(format.and_then(|f| f.get("duration"))),
        bitrate: num(format.and_then(|f| f.get("bit_rate"))).map(|b| b as i64),
        ..Default::default()
    };
    for s in json
        .get("streams")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let cover_art = s
            .get("disposition")
            .and_then(|d| d.get("attached_pic"))
            .and_then(Value::as_i64)
            == Some(1);
        match s.get("codec_type").and_then(Value::as_str) {
            Some("video") if probe.video.is_none() && !cover_art => {
                let rate = text("r_frame_rate");
                let avg = text("avg_frame_rate");
                let fps = fraction(&avg)
                    .filter(|f| *f > 0.0)
                    .or_else(|| fraction(&rate))
                    .unwrap_or(0.0);
                probe.video = Some(VideoStream {
                    codec: text("codec_name"),
                    width: s.get("width").and_then(Value::as_u64).unwrap_or(0) as u32,
                    height: s.get("height").and_then(Value::as_u64).unwrap_or(0) as u32,
                    frame_rate: rate,
                    fps,
                    pix_fmt: text("pix_fmt"),
                });
            }
            Some("audio") if probe.audio.is_none() => {
                probe.audio = Some(AudioStream {
                    codec: text("codec_name"),
                    sample_rate: num(s.get("sample_rate")).map(|r| r as i64),
                    channels: s.get("channels").and_then(Value::as_i64),
                    channel_layout: s.get("channel_layout").and_then(Value::as_str).map(str::to_owned),
                });
            }
            _ => {}
        }
    }
    probe
}

fn fraction(s: &str) -> Option<f64> {
    match s.split_once('/') {
        Some((n, d)) => {
            let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
            (d != 0.0).then_some(n / d)
        }
        None => s.parse().ok(),
    }
}

mod plan;
pub use plan::{meta, plan};

#[cfg(test)]
mod tests;
