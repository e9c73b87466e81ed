//! `GET /system/…`: every file a client is shown. `media/…` are this instance's own files
//! (by key); `proxy/MEDIA_ID/original|small` are other servers' files, served from the
//! cache or fetched by the instance on demand, so that no member's device ever contacts
//! another server for them. Byte ranges are honoured (video players seek with them).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use palisade_core::media::{ServedFile, Variant};
use palisade_federation::media::ProxyError;

use crate::AppState;
use crate::error::ApiError;
use crate::routes::{Routes, get, public};

pub fn routes() -> Routes {
    Routes::new()
        // Each file is checked against the policy by the handler (a suspended domain's
        // files are gone), not by the caller.
        .route("/system/{*path}", get(public(), file))
}

/// `bytes=START-END` or `bytes=START-` (suffix ranges and lists are served whole).
fn range(headers: &HeaderMap) -> Option<std::ops::Range<u64>> {
    let v = headers.get(header::RANGE)?.to_str().ok()?.trim();
    let spec = v.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let start: u64 = a.trim().parse().ok()?;
    let end = match b.trim() {
        "" => u64::MAX,
        e => e.parse::<u64>().ok()?.checked_add(1)?,
    };
    (end > start).then_some(start..end)
}

async fn file(State(st): State<AppState>, Path(path): Path<String>, headers: HeaderMap) -> Response {
    let range = range(&headers);
    let served = if let Some(rest) = path.strip_prefix("proxy/") {
        let mut parts = rest.splitn(2, '/');
        let id = parts.next().and_then(|i| i.parse::<i64>().ok());
        let variant = parts.next().and_then(Variant::parse);
        let (Some(id), Some(variant)) = (id, variant) else {
            return ApiError::not_found().into_response();
        };
        match st.fed.proxied_file(id, variant, range.clone()).await {
            Ok(f) => Ok(f),
            Err(ProxyError::NotFound(_)) => Err(ApiError::not_found()),
            Err(ProxyError::Internal(e)) => Err(ApiError(palisade_core::Error::Internal(e))),
        }
    } else {
        st.core
            .local_file(&path, range.clone())
            .await
            .map_err(ApiError::from)
    };
    match served {
        Ok(f) => respond(f, range.is_some()),
        Err(e) if range.is_some() && matches!(e.0, palisade_core::Error::Internal(_)) => {
            (StatusCode::RANGE_NOT_SATISFIABLE, "").into_response()
        }
        Err(e) => e.into_response(),
    }
}

fn respond(f: ServedFile, ranged: bool) -> Response {
    let ServedFile {
        content_type,
        reading,
    } = f;
    let (start, end, size) = (reading.range.start, reading.range.end, reading.size);
    let partial = ranged && (start > 0 || end < size);
    let mut out = Response::new(Body::from_stream(reading.body));
    *out.status_mut() = if partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let h = out.headers_mut();
    let mut put = |name: header::HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    put(header::CONTENT_TYPE, content_type);
    put(header::CONTENT_LENGTH, (end - start).to_string());
    put(header::ACCEPT_RANGES, "bytes".into());
    put(
        header::CACHE_CONTROL,
        "public, max-age=31536000, immutable".into(),
    );
    put(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    put(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox".into(),
    );
    if partial {
        put(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", end.saturating_sub(1)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges() {
        let h = |v: &str| {
            let mut m = axum::http::HeaderMap::new();
            m.insert("range", v.parse().unwrap());
            super::range(&m)
        };
        assert_eq!(h("bytes=0-99"), Some(0..100));
        assert_eq!(h("bytes=100-"), Some(100..u64::MAX));
        assert_eq!(h("bytes=-100"), None);
        assert_eq!(h("bytes=5-1"), None);
        assert_eq!(h("bytes=0-1,5-6"), None);
        assert_eq!(h("items=0-1"), None);
    }
}
