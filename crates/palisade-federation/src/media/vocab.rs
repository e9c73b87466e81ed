//! Reading media out of ActivityStreams documents: `attachment` (Document, Image, Video,
//! Audio, with `url` as a string, a Link or a list of Links), `Emoji` tags, `icon`/`image`.

use palisade_core::media::{RemoteAttachment, RemoteEmoji};
use serde_json::Value;

use crate::vocab::{first, id_of, kind, str_field};

/// The attachments of a note, in order (at most four are kept by core).
pub fn attachments(note: &Value) -> Vec<RemoteAttachment> {
    let items: Vec<&Value> = match note.get("attachment") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    items.into_iter().filter_map(attachment).take(8).collect()
}

fn attachment(a: &Value) -> Option<RemoteAttachment> {
    let t = kind(a);
    if !matches!(t.as_str(), "Document" | "Image" | "Video" | "Audio" | "Link") {
        return None;
    }
    let (url, link_type) = url_of(a.get("url").or_else(|| a.get("href"))?)?;
    let media_type = str_field(a, "mediaType")
        .map(str::to_owned)
        .or(link_type)
        .map(|m| m.split(';').next().unwrap_or("").trim().to_lowercase())
        .filter(|m| !m.is_empty());
    let by_type = match media_type.as_deref() {
        Some(m) if m.starts_with("image/") && m != "image/svg+xml" => "image",
        Some(m) if m.starts_with("video/") => "video",
        Some(m) if m.starts_with("audio/") => "audio",
        Some(_) => "unknown",
        None => match t.as_str() {
            "Image" => "image",
            "Video" => "video",
            "Audio" => "audio",
            _ => "unknown",
        },
    };
    let focus = a.get("focalPoint").and_then(Value::as_array).and_then(|p| {
        let x = p.first()?.as_f64()?;
        let y = p.get(1)?.as_f64()?;
        ((-1.0..=1.0).contains(&x) && (-1.0..=1.0).contains(&y)).then_some((x, y))
    });
    let dim = |k: &str| {
        a.get(k)
            .and_then(Value::as_u64)
            .filter(|v| *v > 0 && *v < 100_000)
            .map(|v| v as u32)
    };
    Some(RemoteAttachment {
        url,
        kind: by_type.into(),
        media_type,
        description: crate::sanitize::plain(&crate::vocab::text(a, "name").unwrap_or_default()),
        blurhash: str_field(a, "blurhash").map(str::to_owned),
        focus,
        width: dim("width"),
        height: dim("height"),
    })
}

/// An http(s) URL from a string, a Link (`href`, `mediaType`) or a list of Links (the
/// first that is a file rather than a web page).
fn url_of(v: &Value) -> Option<(String, Option<String>)> {
    let ok = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    match v {
        Value::String(s) if ok(s) => Some((s.clone(), None)),
        Value::Object(o) => {
            let href = o.get("href").and_then(Value::as_str)?;
            ok(href).then(|| {
                (
                    href.to_owned(),
                    o.get("mediaType").and_then(Value::as_str).map(str::to_owned),
                )
            })
        }
        Value::Array(items) => {
            let links: Vec<(String, Option<String>)> = items.iter().filter_map(url_of).collect();
            links
                .iter()
                .find(|(_, t)| t.as_deref().is_some_and(|t| !t.starts_with("text/")))
                .or_else(|| links.first())
                .cloned()
        }
        _ => None,
    }
}

/// The custom emoji of a document's `tag` (`Emoji` with `name` `:code:` and an `icon`).
pub fn emojis(doc: &Value) -> Vec<RemoteEmoji> {
    let tags: Vec<&Value> = match doc.get("tag") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    tags.into_iter()
        .filter(|t| kind(t) == "Emoji")
        .filter_map(|t| {
            let shortcode = str_field(t, "name")?.trim().trim_matches(':').to_owned();
            let icon = t.get("icon")?;
            let image_url = match first(icon)? {
                Value::String(s) => s.clone(),
                other => url_of(other.get("url")?)?.0,
            };
            Some(RemoteEmoji {
                shortcode,
                uri: id_of(t).filter(|u| u.starts_with("http")),
                image_url,
            })
        })
        .filter(|e| e.image_url.starts_with("https://") || e.image_url.starts_with("http://"))
        .collect()
}

/// An actor's `icon` or `image`: its URL and description (`name`).
pub fn image(doc: &Value, key: &str) -> (Option<String>, String) {
    let Some(i) = doc.get(key).and_then(first) else {
        return (None, String::new());
    };
    let url = match i {
        Value::String(s) => Some(s.clone()),
        other => other.get("url").and_then(url_of).map(|(u, _)| u),
    };
    let description = crate::sanitize::plain(&crate::vocab::text(i, "name").unwrap_or_default())
        .chars()
        .take(150)
        .collect();
    (
        url.filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        description,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn attachments_in_their_many_forms() {
        let note = json!({"attachment": [
            {"type": "Document", "mediaType": "image/jpeg", "url": "https://p.test/a.jpg", "name": "a cat",
             "blurhash": "UABC", "focalPoint": [0.5, -0.25], "width": 640, "height": 480},
            {"type": "Video", "url": [{"type": "Link", "mediaType": "text/html", "href": "https://p.test/watch"},
                                      {"type": "Link", "mediaType": "video/mp4", "href": "https://p.test/v.mp4"}]},
            {"type": "PropertyValue", "name": "x", "value": "y"},
            {"type": "Document", "url": "javascript:alert(1)"},
            {"type": "Image", "url": {"href": "https://p.test/i.png"}},
        ]});
        let a = super::attachments(&note);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].kind, "image");
        assert_eq!(a[0].description, "a cat");
        assert_eq!(a[0].focus, Some((0.5, -0.25)));
        assert_eq!((a[0].width, a[0].height), (Some(640), Some(480)));
        assert_eq!(
            (a[1].url.as_str(), a[1].kind.as_str()),
            ("https://p.test/v.mp4", "video")
        );
        assert_eq!(
            (a[2].url.as_str(), a[2].kind.as_str()),
            ("https://p.test/i.png", "image")
        );
    }

    #[test]
    fn emoji_and_images() {
        let doc = json!({
            "tag": [{"type": "Emoji", "id": "https://p.test/emojis/1", "name": ":blob:",
                     "icon": {"type": "Image", "url": "https://p.test/blob.png"}},
                    {"type": "Hashtag", "name": "#x"}],
            "icon": {"type": "Image", "url": "https://p.test/me.png", "name": "my face"},
            "image": "https://p.test/banner.jpg",
        });
        let e = super::emojis(&doc);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].shortcode, "blob");
        assert_eq!(e[0].image_url, "https://p.test/blob.png");
        assert_eq!(
            super::image(&doc, "icon"),
            (Some("https://p.test/me.png".into()), "my face".into())
        );
        assert_eq!(
            super::image(&doc, "image").0.as_deref(),
            Some("https://p.test/banner.jpg")
        );
        assert_eq!(super::image(&doc, "nothing"), (None, String::new()));
    }
}
