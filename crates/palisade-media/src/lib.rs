//! Media files for Palisade: what a file really is (magic bytes, never the name), images
//! decoded within a pixel budget checked before decoding, oriented, stripped of every piece
//! of metadata, resized to Mastodon's limits with a thumbnail and a blurhash; video and audio
//! through Debian's `ffmpeg`/`ffprobe`; and where files live (a local folder or S3).
//! No SQL and no HTTP here: core decides, this crate does the work.

pub mod apng;
mod error;
pub mod format;
pub mod gif;
pub mod image;
pub mod limits;
pub mod storage;
pub mod temp;
pub mod testdata;
pub mod video;
pub mod webp;

pub use error::{MediaError, Result};
pub use format::{Format, Kind};
pub use storage::{Storage, StorageConfig};
