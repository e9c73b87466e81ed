//! Temporary files (uploads being received, ffmpeg's input and output), removed when dropped.

use std::path::{Path, PathBuf};

/// A file path that is deleted (if it exists) when this value goes away.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// A fresh name in the system's temporary folder, ending in `.{ext}`.
    pub fn new(ext: &str) -> TempFile {
        let dir = std::env::temp_dir().join("palisade-media");
        let _ = std::fs::create_dir_all(&dir);
        TempFile {
            path: dir.join(format!("{}.{ext}", random_token(12))),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `n` random lowercase hex characters (file names, cache-busting parts of keys).
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n.div_ceil(2)];
    if getrandom::fill(&mut bytes).is_err() {
        // Never expected; a time-based name still avoids collisions in practice.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        return format!("{t:0n$x}").chars().rev().take(n).collect();
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .take(n)
        .collect()
}
