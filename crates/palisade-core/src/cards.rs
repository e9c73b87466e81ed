//! Preview cards: the first link of a status (not a mention, not a hashtag) is fetched by
//! the instance in the background, its OpenGraph tags (or `<title>`) become a card, and the
//! card's image is served through this instance like every remote file.

use palisade_store::cards as store;
pub use palisade_store::cards::Card;
use palisade_store::media::{self as media_store, Media};
use palisade_store::{Tx, ids::new_id, now_ms, statuses};

use crate::html;
use crate::media::MediaJob;
use crate::{Core, Result};

/// Cards are fetched again when older than this.
const FRESH_MS: i64 = 14 * 86_400_000;

/// The link of a status' HTML worth a card: the first `http(s)` link that is not a
/// mention or a hashtag.
pub fn first_link(content_html: &str) -> Option<String> {
    html::links(content_html)
        .into_iter()
        .filter(|a| {
            !a.has_token("class", "mention") && !a.has_token("class", "hashtag") && !a.has_token("rel", "tag")
        })
        .filter_map(|a| a.attr("href").map(str::to_owned))
        .find(|h| {
            (h.starts_with("https://") || h.starts_with("http://"))
                && h.len() <= 2048
                && !h.contains(char::is_whitespace)
        })
}

/// What a fetched page said.
#[derive(Clone, Debug, Default)]
pub struct PageInfo {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub author_name: String,
    pub author_url: String,
    pub provider_name: String,
    pub language: Option<String>,
    pub image_url: Option<String>,
}

impl Core {
    /// Queues the card of a new or edited status, if it has a link and no attachments;
    /// unlinks the card it had otherwise.
    pub(crate) async fn queue_card(
        &self,
        tx: &mut Tx,
        status_id: i64,
        content_html: &str,
        has_media: bool,
    ) -> Result<()> {
        if has_media || first_link(content_html).is_none() {
            store::unlink(&mut *tx, status_id).await?;
        }
        self.queue_new_card(tx, status_id, content_html, has_media).await
    }

    /// Queues the card of a status just inserted (nothing to unlink yet).
    pub(crate) async fn queue_new_card(
        &self,
        tx: &mut Tx,
        status_id: i64,
        content_html: &str,
        has_media: bool,
    ) -> Result<()> {
        match first_link(content_html) {
            Some(url) if !has_media => {
                self.enqueue_media_job(tx, &MediaJob::Card { status_id, url })
                    .await
            }
            _ => Ok(()),
        }
    }

    /// The card a job should fetch for `url`; `None` when a fresh one exists (it is linked
    /// to the status then) or the status is gone.
    pub async fn card_to_fetch(&self, status_id: i64, url: &str) -> Result<Option<Card>> {
        if statuses::by_id(&self.db, status_id).await?.is_none() {
            return Ok(None);
        }
        let card = store::ensure(&self.db, url).await?;
        let fresh = card.fetched_at.is_some_and(|t| t > now_ms() - FRESH_MS);
        if fresh && card.state == "ready" {
            store::link(&self.db, status_id, card.id).await?;
            return Ok(None);
        }
        if fresh {
            return Ok(None);
        }
        Ok(Some(card))
    }

    /// Stores what the page said, links the card to the status, and records its image
    /// (returned, to be fetched).
    pub async fn card_ready(&self, card: &Card, status_id: i64, page: PageInfo) -> Result<Option<Media>> {
        let image = match page
            .image_url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        {
            Some(u) => {
                let now = now_ms();
                Some(Media {
                    id: new_id(),
                    purpose: "card".into(),
                    kind: "image".into(),
                    state: "ready".into(),
                    remote_url: Some(u.to_owned()),
                    domain: host_of(u),
                    meta_json: "{}".into(),
                    created_at: now,
                    updated_at: now,
                    ..Default::default()
                })
            }
            None => None,
        };
        let provider_url = host_of(&card.url)
            .map(|h| format!("{}://{h}", card.url.split("://").next().unwrap_or("https")))
            .unwrap_or_default();
        let updated = Card {
            kind: if page.kind.is_empty() {
                "link".into()
            } else {
                page.kind
            },
            title: clip(&page.title, 300),
            description: clip(&page.description, 1000),
            author_name: clip(&page.author_name, 200),
            author_url: clip(&page.author_url, 2048),
            provider_name: clip(&page.provider_name, 200),
            provider_url,
            language: page.language,
            image_media_id: image.as_ref().map(|m| m.id),
            image_path: image.as_ref().map(|m| format!("proxy/{}/original", m.id)),
            ..card.clone()
        };
        let mut tx = self.db.begin().await?;
        let old_image = card.image_media_id;
        if let Some(m) = &image {
            media_store::insert(&mut tx, m).await?;
        }
        store::set_ready(&mut tx, &updated).await?;
        if let Some(old) = old_image {
            let records = media_store::by_ids(&mut tx, &[old]).await?;
            self.drop_media_records(&mut tx, &records).await?;
        }
        if statuses::by_id(&mut tx, status_id).await?.is_some() {
            store::link(&mut tx, status_id, card.id).await?;
        }
        tx.commit().await?;
        Ok(image)
    }

    /// The image of a card is cached: its size and blurhash join the card.
    pub async fn card_image_cached(&self, card_id: i64, image: &Media) -> Result<()> {
        let Some(mut card) = store::by_id(&self.db, card_id).await? else {
            return Ok(());
        };
        let meta: serde_json::Value = serde_json::from_str(&image.meta_json).unwrap_or_default();
        card.image_width = meta["original"]["width"].as_i64();
        card.image_height = meta["original"]["height"].as_i64();
        card.blurhash = image.blurhash.clone();
        store::set_ready(&self.db, &card).await?;
        Ok(())
    }

    pub async fn card_failed(&self, card_id: i64, error: &str) -> Result<()> {
        store::set_failed(&self.db, card_id, error).await?;
        Ok(())
    }

    /// `GET /api/v1/statuses/:id/card` (deprecated, still used): the card or nothing.
    pub async fn status_card(
        &self,
        viewer: Option<&palisade_store::accounts::Account>,
        id: i64,
    ) -> Result<Option<Card>> {
        let view = self.status_view(viewer, id).await?;
        Ok(view.card)
    }
}

fn clip(s: &str, n: usize) -> String {
    s.trim().chars().take(n).collect()
}

pub fn host_of(u: &str) -> Option<String> {
    let rest = u.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next().unwrap_or(host).to_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_link_skips_mentions_and_tags() {
        let html = r#"<p><span class="h-card"><a href="https://x.test/@a" class="u-url mention">@a</a></span>
            <a href="https://x.test/tags/t" class="mention hashtag" rel="tag">#t</a>
            <a href="https://example.org/page" rel="nofollow noopener" target="_blank">example.org/page</a>
            <a href="https://second.test/">2</a></p>"#;
        assert_eq!(
            super::first_link(html).as_deref(),
            Some("https://example.org/page")
        );
        assert_eq!(super::first_link("<p>no links</p>"), None);
        assert_eq!(super::first_link(r#"<a href="javascript:alert(1)">x</a>"#), None);
        assert_eq!(
            super::host_of("https://u@Ex.test:8443/a").as_deref(),
            Some("ex.test:8443")
        );
    }
}
