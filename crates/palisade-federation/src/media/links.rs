//! Profile link verification: this instance fetches each linked page itself (guarded,
//! 1 MiB at most) and accepts only a `rel="me"` link back to the profile.

use palisade_core::links::links_back;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::context::{FedResult, Federation};

/// Links checked per account at most.
const MAX_LINKS: usize = 8;

impl Federation {
    /// The verification job of one account.
    pub async fn verify_links(&self, account_id: i64) -> FedResult<()> {
        let Some(check) = self.core.links_to_check(account_id).await? else {
            return Ok(());
        };
        let mut verified = Vec::new();
        for link in check.links.iter().take(MAX_LINKS) {
            match self.link_points_back(link, &check.profile_urls).await {
                Ok(true) => verified.push(link.clone()),
                Ok(false) => {}
                Err(e) => tracing::debug!(link = %link, error = %e, "profile link not checked"),
            }
        }
        self.core.record_link_checks(account_id, &verified).await?;
        Ok(())
    }

    /// Whether the page at `link` has a `rel="me"` link to one of `profile_urls` (one
    /// guarded fetch; an error says why the page could not be read).
    pub async fn link_points_back(&self, link: &str, profile_urls: &[String]) -> FedResult<bool> {
        let host = crate::vocab::host_of(link);
        if !self.core.may_fetch(host.as_deref()).await? {
            return Ok(false);
        }
        let Ok(url) = Url::parse(link) else {
            return Ok(false);
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/html, application/xhtml+xml"),
        );
        let page = self.fetcher.send(Method::GET, &url, headers, None).await?;
        if page.status != StatusCode::OK {
            return Ok(false);
        }
        let ct = page.content_type.to_ascii_lowercase();
        if !(ct.contains("html") || ct.is_empty()) {
            return Ok(false);
        }
        Ok(links_back(&String::from_utf8_lossy(&page.body), profile_urls))
    }
}
