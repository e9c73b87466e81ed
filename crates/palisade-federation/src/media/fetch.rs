//! Fetching a remote file into the cache, and serving remote files to clients. The instance
//! fetches with its own fetcher (SSRF guard, size and time limits, our user agent and
//! nothing else: no member's address, cookie or header goes along), checks that the answer
//! is a media type and that its bytes are what it claims, and hands it to core, which
//! processes it like an upload.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use palisade_core::Error;
use palisade_core::media::{Media, ServedFile, TempFile, Variant};
use palisade_media::format::{self, Format};
use palisade_media::{Kind, limits};
use reqwest::Url;

use crate::context::{FedError, FedResult, Federation};
use crate::fetch::{FailureClass, FetchError};

/// Why a remote file cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// Unknown, refused by policy, or not obtainable from its origin.
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Internal(String),
}

/// One fetch per file at a time, in this process: concurrent viewers wait for it.
static IN_FLIGHT: LazyLock<Mutex<HashMap<i64, Weak<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

fn lock_for(id: i64) -> Arc<tokio::sync::Mutex<()>> {
    let mut map = match IN_FLIGHT.lock() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.retain(|_, w| w.strong_count() > 0);
    if let Some(existing) = map.get(&id).and_then(Weak::upgrade) {
        return existing;
    }
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    map.insert(id, Arc::downgrade(&lock));
    lock
}

/// The largest remote file taken for a record.
fn limit_for(m: &Media) -> u64 {
    match (m.purpose.as_str(), m.kind.as_str()) {
        ("emoji", _) => limits::EMOJI_BYTES * 4,
        ("attachment", "video" | "audio" | "gifv" | "unknown") => limits::VIDEO_BYTES,
        _ => limits::IMAGE_BYTES,
    }
}

fn accept_for(m: &Media) -> &'static str {
    match m.purpose.as_str() {
        "attachment" => "image/*, video/*, audio/*",
        _ => "image/*",
    }
}

/// Whether a declared content type may hold `format` (a server that says `image/png` for
/// a video, or `text/html` for anything, is refused).
fn type_agrees(declared: &str, format: Format) -> bool {
    let declared = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if declared.is_empty() || declared == "application/octet-stream" || declared == "binary/octet-stream" {
        return true;
    }
    let family = declared.split('/').next().unwrap_or("");
    let is_video_container = matches!(
        format,
        Format::Mp4 | Format::Webm | Format::QuickTime | Format::Ogg
    );
    match format.kind() {
        Kind::Image => family == "image" && declared != "image/svg+xml",
        Kind::Gifv => family == "image" || family == "video",
        Kind::Video => family == "video" || (family == "audio" && is_video_container),
        Kind::Audio => family == "audio" || (family == "video" && is_video_container),
        Kind::Unknown => false,
    }
}

impl Federation {
    /// Fetches a remote record's file into the cache (or finds it there); returns the
    /// record as it is now.
    pub async fn cache_remote_media(&self, m: &Media) -> FedResult<Media> {
        let lock = lock_for(m.id);
        let _guard = lock.lock().await;
        let current = self
            .core
            .media_record(m.id)
            .await?
            .ok_or_else(|| FedError::Invalid("the media record is gone".into()))?;
        if current.cached_at.is_some()
            && let Some(key) = &current.file_key
            && self.core.storage().size(key).await.ok().flatten().is_some()
        {
            return Ok(current);
        }
        let result = self.fetch_into_cache(&current).await;
        if let Err(e) = &result {
            let _ = self.core.remote_fetch_failed(current.id, &e.to_string()).await;
        }
        result
    }

    async fn fetch_into_cache(&self, m: &Media) -> FedResult<Media> {
        let url_text = m
            .remote_url
            .clone()
            .ok_or_else(|| FedError::Invalid("not a remote file".into()))?;
        if !self.core.remote_media_allowed(m.domain.as_deref()).await? {
            return Err(FedError::Refused(format!(
                "media from {} is rejected here",
                m.domain.clone().unwrap_or_default()
            )));
        }
        let url = Url::parse(&url_text).map_err(|e| FedError::Invalid(format!("{url_text}: {e}")))?;
        // The file's own host, and every host a redirect names, must be acceptable too
        // (they may differ from the author's): asked before each is contacted.
        let policies = self.core.policies().await?;
        let hop = |u: &Url| {
            let host = crate::vocab::host_of(u.as_str());
            match policies.media_allowed(host.as_deref()) {
                true => Ok(()),
                false => Err(FetchError::new(
                    FailureClass::Refused,
                    format!("{u}: media from {} is rejected here", host.unwrap_or_default()),
                )),
            }
        };
        let file = TempFile::new("download");
        let got = self
            .fetcher
            .download(&url, accept_for(m), limit_for(m), file.path(), &hop)
            .await?;
        if got.status != reqwest::StatusCode::OK {
            return Err(FedError::Fetch(crate::fetch::FetchError {
                class: FailureClass::Http(got.status.as_u16()),
                message: format!("{url_text} answered {}", got.status),
            }));
        }
        let head = read_head(file.path()).await?;
        let fmt = format::detect(&head).map_err(|e| FedError::Invalid(format!("{url_text}: {e}")))?;
        if !type_agrees(&got.content_type, fmt) {
            return Err(FedError::Invalid(format!(
                "{url_text} says it is {} but holds {}",
                got.content_type,
                fmt.mime()
            )));
        }
        tracing::debug!(url = %url_text, bytes = got.size, "fetched a remote file");
        Ok(self.core.cache_remote_file(m, file.path(), fmt).await?)
    }

    /// Drops a remote record's cached files and fetches them again (admin refetch).
    pub async fn refetch_remote_media(&self, m: &Media) -> FedResult<Media> {
        if !self.core.remote_media_allowed(m.domain.as_deref()).await? {
            return Err(FedError::Refused(format!(
                "media from {} is rejected here",
                m.domain.clone().unwrap_or_default()
            )));
        }
        self.core.prune_cached(m).await?;
        let fresh = self
            .core
            .media_record(m.id)
            .await?
            .ok_or_else(|| FedError::Invalid("the media record is gone".into()))?;
        self.cache_remote_media(&fresh).await
    }

    /// A remote file for a client: from the cache, or fetched now (after a prune, or before
    /// the worker got to it). Every request to the origin comes from this instance.
    pub async fn proxied_file(
        &self,
        id: i64,
        variant: Variant,
        range: Option<Range<u64>>,
    ) -> Result<ServedFile, ProxyError> {
        let internal = |e: Error| ProxyError::Internal(e.to_string());
        let m = match self.core.proxied_media(id).await {
            Ok(m) => m,
            Err(Error::NotFound(e)) => return Err(ProxyError::NotFound(e)),
            Err(e) => return Err(internal(e)),
        };
        if let Some(f) = self
            .core
            .cached_file(&m, variant, range.clone())
            .await
            .map_err(internal)?
        {
            return Ok(f);
        }
        let m = match self.cache_remote_media(&m).await {
            Ok(m) => m,
            Err(FedError::Core(Error::Internal(e))) => return Err(ProxyError::Internal(e)),
            Err(e) => {
                tracing::debug!(media = id, error = %e, "a remote file could not be fetched");
                return Err(ProxyError::NotFound(e.to_string()));
            }
        };
        self.core
            .cached_file(&m, variant, range)
            .await
            .map_err(internal)?
            .ok_or_else(|| ProxyError::NotFound("no such variant".into()))
    }
}

async fn read_head(path: &std::path::Path) -> FedResult<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut f = tokio::fs::File::open(path)
        .await
        .map_err(|e| FedError::Invalid(e.to_string()))?;
    let mut head = vec![0u8; format::HEAD_BYTES];
    let mut n = 0;
    while n < head.len() {
        let read = f
            .read(&mut head[n..])
            .await
            .map_err(|e| FedError::Invalid(e.to_string()))?;
        if read == 0 {
            break;
        }
        n += read;
    }
    head.truncate(n);
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_must_agree_with_the_bytes() {
        assert!(type_agrees("image/jpeg", Format::Jpeg));
        assert!(type_agrees("image/png; charset=binary", Format::Jpeg));
        assert!(type_agrees("application/octet-stream", Format::Mp4));
        assert!(type_agrees("", Format::Png));
        assert!(type_agrees("video/mp4", Format::Mp4));
        assert!(type_agrees("image/gif", Format::Gif));
        assert!(!type_agrees("text/html", Format::Jpeg));
        assert!(!type_agrees("image/svg+xml", Format::Png));
        assert!(!type_agrees("image/png", Format::Mp4));
        assert!(!type_agrees("video/mp4", Format::Png));
    }
}
