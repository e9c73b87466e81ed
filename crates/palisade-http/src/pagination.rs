//! `max_id` / `since_id` / `min_id` / `limit` in, `Link` header out.

use axum::http::{HeaderMap, HeaderValue, Uri};
use palisade_core::PageQuery;
use serde::Deserialize;

use crate::de;

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub max_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub since_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub min_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub limit: Option<String>,
}

impl PageParams {
    /// Ids that do not parse are ignored, as Mastodon ignores them; `limit` is clamped.
    pub fn query(&self, default: i64, max: i64) -> PageQuery {
        let id = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
        let limit = self
            .limit
            .as_deref()
            .and_then(|l| l.trim().parse::<i64>().ok())
            .filter(|l| *l > 0)
            .unwrap_or(default)
            .min(max);
        PageQuery {
            max_id: id(&self.max_id),
            since_id: id(&self.since_id),
            min_id: id(&self.min_id),
            limit,
        }
    }
}

/// Builds Mastodon's `Link` header from the keys at both ends of a page: `next` goes older
/// (`max_id`), `prev` goes newer (`min_id`). Other query parameters are kept.
pub fn link_header(
    public_url: &str,
    uri: &Uri,
    page: &PageQuery,
    next_max_id: Option<i64>,
    prev_min_id: Option<i64>,
    full_page: bool,
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let path = uri.path();
    let kept: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(uri.query().unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| !matches!(k.as_str(), "max_id" | "since_id" | "min_id" | "limit"))
            .collect();
    let link = |key: &str, id: i64| {
        let mut params = kept.clone();
        params.push(("limit".into(), page.limit.to_string()));
        params.push((key.into(), id.to_string()));
        let qs = serde_urlencoded::to_string(&params).unwrap_or_default();
        format!("{public_url}{path}?{qs}")
    };
    let mut parts = Vec::new();
    if let Some(max) = next_max_id.filter(|_| full_page) {
        parts.push(format!("<{}>; rel=\"next\"", link("max_id", max)));
    }
    if let Some(min) = prev_min_id {
        parts.push(format!("<{}>; rel=\"prev\"", link("min_id", min)));
    }
    if !parts.is_empty()
        && let Ok(v) = HeaderValue::from_str(&parts.join(", "))
    {
        headers.insert("link", v);
    }
    headers
}
