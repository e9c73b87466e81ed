//! MediaAttachment, CustomEmoji and PreviewCard.

use palisade_core::cards::Card;
use palisade_core::emojis::{Emoji, EmojiRef};
use palisade_core::media::Media;
use palisade_core::urls::Urls;
use serde::Serialize;
use serde_json::{Value, json};

use super::iso;

#[derive(Serialize)]
pub struct MediaAttachment {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `null` while an upload is processed.
    pub url: Option<String>,
    pub preview_url: Option<String>,
    /// The file at its origin: `null` unless `media.expose_remote_url` is on.
    pub remote_url: Option<String>,
    pub preview_remote_url: Option<String>,
    pub text_url: Option<String>,
    pub meta: Value,
    pub description: Option<String>,
    pub blurhash: Option<String>,
}

/// A file as Mastodon shows it. Remote files are served by this instance (`/system/proxy`),
/// whether cached yet or not.
pub fn media_attachment(m: &Media, urls: &Urls<'_>, expose_remote_url: bool) -> MediaAttachment {
    let (url, preview_url) = if m.is_remote() {
        let shown = m.kind != "unknown";
        (
            shown.then(|| urls.proxy(m.id, "original")),
            (shown && m.kind != "audio").then(|| urls.proxy(m.id, "small")),
        )
    } else {
        (
            m.file_key.as_deref().map(|k| urls.file(k)),
            m.preview_key.as_deref().map(|k| urls.file(k)),
        )
    };
    let mut meta: Value = serde_json::from_str(&m.meta_json).unwrap_or_else(|_| json!({}));
    if !meta.is_object() {
        meta = json!({});
    }
    MediaAttachment {
        id: m.id.to_string(),
        kind: m.kind.clone(),
        url,
        preview_url,
        remote_url: m.remote_url.clone().filter(|_| expose_remote_url),
        preview_remote_url: None,
        text_url: None,
        meta,
        description: (!m.description.is_empty()).then(|| m.description.clone()),
        blurhash: m.blurhash.clone(),
    }
}

#[derive(Serialize)]
pub struct CustomEmoji {
    pub shortcode: String,
    pub url: String,
    pub static_url: String,
    pub visible_in_picker: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// An emoji with its category (the `/api/v1/custom_emojis` list).
pub fn custom_emoji(e: &Emoji, urls: &Urls<'_>, with_category: bool) -> Option<CustomEmoji> {
    let r = EmojiRef::of(e)?;
    let mut out = emoji_ref(&r, urls);
    if with_category {
        out.category = r.category.clone();
    }
    Some(out)
}

pub fn emoji_ref(r: &EmojiRef, urls: &Urls<'_>) -> CustomEmoji {
    CustomEmoji {
        shortcode: r.shortcode.clone(),
        url: urls.served(&r.image_path),
        static_url: urls.served(&r.static_path),
        visible_in_picker: r.visible_in_picker,
        category: None,
    }
}

/// A PreviewCard, its image served by this instance.
pub fn preview_card(c: &Card, urls: &Urls<'_>) -> Value {
    json!({
        "url": c.url,
        "title": c.title,
        "description": c.description,
        "language": c.language,
        "type": c.kind,
        "author_name": c.author_name,
        "author_url": c.author_url,
        "provider_name": c.provider_name,
        "provider_url": c.provider_url,
        "html": "",
        "width": c.image_width.unwrap_or(0),
        "height": c.image_height.unwrap_or(0),
        "image": c.image_path.as_deref().map(|p| urls.served(p)),
        "image_description": "",
        "embed_url": "",
        "blurhash": c.blurhash,
        "published_at": c.published_at.map(iso),
        "authors": [],
    })
}

#[cfg(test)]
mod tests {
    use palisade_core::media::Media;
    use palisade_core::urls::Urls;

    #[test]
    fn remote_files_are_served_here_and_their_origin_hidden_unless_asked() {
        let m = Media {
            id: 7,
            kind: "image".into(),
            remote_url: Some("https://peer.test/a.png".into()),
            meta_json: "{}".into(),
            ..Default::default()
        };
        let urls = Urls::new("https://ours.test");
        let hidden = super::media_attachment(&m, &urls, false);
        assert_eq!(
            hidden.url.as_deref(),
            Some("https://ours.test/system/proxy/7/original")
        );
        assert_eq!(
            hidden.preview_url.as_deref(),
            Some("https://ours.test/system/proxy/7/small")
        );
        assert_eq!(hidden.remote_url, None);
        assert_eq!(hidden.description, None);
        let shown = super::media_attachment(&m, &urls, true);
        assert_eq!(shown.remote_url.as_deref(), Some("https://peer.test/a.png"));
        // A CDN serves local files only; remote ones stay on the instance (refetch on demand).
        let cdn = Urls::with_files("https://ours.test", Some("https://cdn.test/"));
        assert_eq!(
            cdn.file("media/1/x/original.png"),
            "https://cdn.test/media/1/x/original.png"
        );
        assert_eq!(
            super::media_attachment(&m, &cdn, false).url.as_deref(),
            Some("https://ours.test/system/proxy/7/original")
        );
    }
}
