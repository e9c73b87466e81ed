//! Preview cards: the instance fetches the page behind a status' first link (guarded,
//! 1 MiB at most), reads its OpenGraph tags or `<title>`, and caches its image like any
//! remote file.

use palisade_core::cards::PageInfo;
use palisade_core::html;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::context::{FedError, FedResult, Federation};

impl Federation {
    /// The card job: fetch, read, store, fetch the image.
    pub async fn fetch_card(&self, status_id: i64, url: &str) -> FedResult<()> {
        let Some(card) = self.core.card_to_fetch(status_id, url).await? else {
            return Ok(());
        };
        match self.read_page(url).await {
            Ok(info) => {
                let image = self.core.card_ready(&card, status_id, info).await?;
                if let Some(m) = image
                    && let Ok(cached) = self.cache_remote_media(&m).await
                {
                    self.core.card_image_cached(card.id, &cached).await?;
                }
                Ok(())
            }
            Err(e) => {
                self.core.card_failed(card.id, &e.to_string()).await?;
                Err(e)
            }
        }
    }

    async fn read_page(&self, url: &str) -> FedResult<PageInfo> {
        let host = crate::vocab::host_of(url);
        if !self.core.may_fetch(host.as_deref()).await? {
            return Err(FedError::Refused(format!(
                "{} is not fetched here",
                host.unwrap_or_default()
            )));
        }
        let parsed = Url::parse(url).map_err(|e| FedError::Invalid(format!("{url}: {e}")))?;
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/html, application/xhtml+xml"),
        );
        let page = self.fetcher.send(Method::GET, &parsed, headers, None).await?;
        if page.status != StatusCode::OK {
            return Err(FedError::Invalid(format!("{url} answered {}", page.status)));
        }
        let ct = page.content_type.to_ascii_lowercase();
        if !(ct.contains("html") || ct.is_empty()) {
            return Err(FedError::Invalid(format!("{url} is not a web page ({ct})")));
        }
        let body = String::from_utf8_lossy(&page.body);
        let info = page_info(&body, &page.url);
        if info.title.is_empty() {
            return Err(FedError::Invalid(format!("{url} has no title")));
        }
        Ok(info)
    }
}

/// What a page says about itself: OpenGraph first, then `<title>` and `<meta name>`.
pub fn page_info(body: &str, base: &Url) -> PageInfo {
    let tags = html::tags(body);
    let meta = |names: &[&str]| {
        tags.iter().filter(|t| t.name == "meta").find_map(|t| {
            let key = t
                .attr("property")
                .or_else(|| t.attr("name"))?
                .to_ascii_lowercase();
            names
                .contains(&key.as_str())
                .then(|| t.attr("content").unwrap_or("").trim().to_owned())
                .filter(|v| !v.is_empty())
        })
    };
    let title = meta(&["og:title", "twitter:title"])
        .or_else(|| html::title(body))
        .unwrap_or_default();
    let image = meta(&["og:image", "og:image:url", "og:image:secure_url", "twitter:image"])
        .and_then(|i| base.join(&i).ok())
        .map(|u| u.to_string())
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let kind = match meta(&["og:type"]).as_deref() {
        Some(t) if t.starts_with("video") => "video",
        Some(t) if t.starts_with("photo") => "photo",
        _ => "link",
    };
    let language = tags
        .iter()
        .find(|t| t.name == "html")
        .and_then(|t| t.attr("lang"))
        .map(|l| l.split(['-', '_']).next().unwrap_or("").to_lowercase())
        .filter(|l| palisade_core::languages::is_known(l));
    PageInfo {
        kind: kind.into(),
        title,
        description: meta(&["og:description", "twitter:description", "description"]).unwrap_or_default(),
        author_name: meta(&["author", "article:author"]).unwrap_or_default(),
        author_url: String::new(),
        provider_name: meta(&["og:site_name"]).unwrap_or_default(),
        language,
        image_url: image,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn opengraph_then_title() {
        let base = reqwest::Url::parse("https://news.test/a/b").unwrap();
        let page = r#"<html lang="fr-FR"><head><title>Fallback</title>
            <meta property="og:title" content="Le titre">
            <meta property="og:description" content="Ce qui s&#39;est passé">
            <meta property="og:image" content="/img/cover.jpg">
            <meta property="og:site_name" content="News"></head></html>"#;
        let info = super::page_info(page, &base);
        assert_eq!(info.title, "Le titre");
        assert_eq!(info.description, "Ce qui s'est passé");
        assert_eq!(info.image_url.as_deref(), Some("https://news.test/img/cover.jpg"));
        assert_eq!(info.provider_name, "News");
        assert_eq!(info.language.as_deref(), Some("fr"));
        let plain = super::page_info(
            "<title> Just a title </title><meta name=description content=d>",
            &base,
        );
        assert_eq!(
            (plain.title.as_str(), plain.description.as_str()),
            ("Just a title", "d")
        );
        assert_eq!(plain.kind, "link");
    }
}
