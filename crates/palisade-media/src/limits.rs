//! Mastodon's limits (4.3), which clients read from `/api/v2/instance` and respect.

/// Largest image upload.
pub const IMAGE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest video or audio upload (99 MiB).
pub const VIDEO_BYTES: u64 = 99 * 1024 * 1024;
/// Largest avatar or header upload.
pub const PROFILE_IMAGE_BYTES: u64 = 8 * 1024 * 1024;
/// Largest custom emoji image.
pub const EMOJI_BYTES: u64 = 256 * 1024;
/// Pixels an image may have before we decode it (7680×4320): beyond it, 422.
pub const IMAGE_MATRIX: u64 = 33_177_600;
/// Pixels of a stored image (3840×2160); larger ones are scaled down.
pub const ORIGINAL_PIXELS: u64 = 8_294_400;
/// Pixels of a thumbnail (640×360).
pub const SMALL_PIXELS: u64 = 230_400;
/// Pixels of a video frame (3840×2160).
pub const VIDEO_MATRIX: u64 = 8_294_400;
pub const VIDEO_FRAME_RATE: f64 = 120.0;
/// Frames of a video (about five minutes at 120 fps).
pub const VIDEO_FRAMES: f64 = 36_000.0;
/// Characters of an image description.
pub const DESCRIPTION_CHARS: usize = 1500;
/// Avatars are square, at most this wide; headers 3:1, at most 1500×500.
pub const AVATAR_SIDE: u32 = 400;
pub const HEADER_WIDTH: u32 = 1500;
pub const HEADER_HEIGHT: u32 = 500;
/// Custom emoji and preview card images are scaled to fit these boxes.
pub const EMOJI_SIDE: u32 = 256;
pub const CARD_SIDE: u32 = 400;
/// Memory a decoder may allocate (a 7680×4320 RGBA image is 133 MB).
pub const DECODE_ALLOC: u64 = 512 * 1024 * 1024;

/// Human size for messages: `16 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}
