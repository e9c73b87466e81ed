//! What our documents carry of media: a Note's `Document` attachments (with alt text,
//! blurhash, focal point, size) and `Emoji` tags; an actor's `icon`, `image` and emoji.

use palisade_core::emojis::{Emoji, EmojiRef, account_emojis};
use palisade_core::media::{Media, content_type_of_key};
use palisade_core::model::Account;
use palisade_core::urls::Urls;
use serde_json::{Value, json};

use crate::context::{FedResult, Federation};

/// A local attachment as a `Document`.
pub fn document(m: &Media, urls: &Urls<'_>) -> Option<Value> {
    let key = m.file_key.as_deref()?;
    let meta: Value = serde_json::from_str(&m.meta_json).unwrap_or_default();
    let mut doc = json!({
        "type": "Document",
        "mediaType": m.content_type.clone().unwrap_or_else(|| content_type_of_key(key).into()),
        "url": urls.file(key),
        "name": if m.description.is_empty() { Value::Null } else { json!(m.description) },
        "blurhash": m.blurhash,
    });
    if let Some(focus) = meta.get("focus") {
        doc["focalPoint"] = json!([
            focus["x"].as_f64().unwrap_or(0.0),
            focus["y"].as_f64().unwrap_or(0.0)
        ]);
    } else {
        doc["focalPoint"] = json!([0.0, 0.0]);
    }
    if let (Some(w), Some(h)) = (
        meta["original"]["width"].as_u64(),
        meta["original"]["height"].as_u64(),
    ) {
        doc["width"] = json!(w);
        doc["height"] = json!(h);
    }
    Some(doc)
}

/// An emoji as an `Emoji` tag.
pub fn emoji_tag(id: i64, shortcode: &str, image_path: &str, urls: &Urls<'_>) -> Value {
    json!({
        "id": urls.emoji(id),
        "type": "Emoji",
        "name": format!(":{shortcode}:"),
        "icon": {"type": "Image", "mediaType": content_type_of_key(image_path), "url": urls.served(image_path)},
    })
}

/// Adds attachments and emoji tags to a Note.
pub fn note_media(note: &mut Value, media: &[Media], emojis: &[Emoji], urls: &Urls<'_>) {
    note["attachment"] = Value::Array(media.iter().filter_map(|m| document(m, urls)).collect());
    if let Some(tags) = note.get_mut("tag").and_then(Value::as_array_mut) {
        for e in emojis {
            if let Some(path) = &e.image_path {
                tags.push(emoji_tag(e.id, &e.shortcode, path, urls));
            }
        }
    }
}

fn image(path: &str, description: &str, urls: &Urls<'_>) -> Value {
    let mut v = json!({"type": "Image", "mediaType": content_type_of_key(path), "url": urls.served(path)});
    if !description.is_empty() {
        v["name"] = json!(description);
    }
    v
}

/// Adds `icon`, `image` and emoji `tag`s to a local actor.
pub fn actor_media(doc: &mut Value, a: &Account, urls: &Urls<'_>) {
    match &a.avatar_path {
        Some(p) => doc["icon"] = image(p, &a.avatar_description, urls),
        None => {
            if let Some(o) = doc.as_object_mut() {
                o.remove("icon");
            }
        }
    }
    if let Some(p) = &a.header_path {
        doc["image"] = image(p, &a.header_description, urls);
    }
    let tags: Vec<Value> = account_emojis(&a.emojis_json)
        .iter()
        .map(|e: &EmojiRef| emoji_tag(e.id, &e.shortcode, &e.image_path, urls))
        .collect();
    doc["tag"] = Value::Array(tags);
}

impl Federation {
    /// The attachments and emoji of a local status, for its Note.
    pub(crate) async fn note_media_of(&self, status_id: i64) -> FedResult<(Vec<Media>, Vec<Emoji>)> {
        Ok(self.core.published_media(status_id).await?)
    }
}
