/// Why a file was refused or could not be handled. Every variant but `Storage` and `Io` is
/// the uploader's (a 4xx); those two are ours.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Not a type we accept (or one we refuse, like SVG).
    #[error("{0}")]
    Unsupported(String),
    /// Over a size limit, in bytes.
    #[error("{0}")]
    TooLarge(String),
    /// Over the pixel budget (decompression bombs end here, before any decoding).
    #[error("{0}")]
    TooManyPixels(String),
    /// The file claims to be of a type but cannot be read as one.
    #[error("{0}")]
    Corrupt(String),
    /// Video and audio need ffmpeg, which is not installed.
    #[error("{0}")]
    NoFfmpeg(String),
    /// ffmpeg failed on the file.
    #[error("{0}")]
    Processing(String),
    #[error("storage: {0}")]
    Storage(String),
    #[error("i/o: {0}")]
    Io(String),
}

impl MediaError {
    /// Whether the uploader's file is at fault (else the server is).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, MediaError::Storage(_) | MediaError::Io(_))
    }
}

impl From<std::io::Error> for MediaError {
    fn from(e: std::io::Error) -> Self {
        MediaError::Io(e.to_string())
    }
}

pub type Result<T, E = MediaError> = std::result::Result<T, E>;
