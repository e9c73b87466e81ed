//! What Palisade publishes: actors, notes and activities as ActivityStreams JSON, with the
//! `@context` Mastodon and strict JSON-LD peers (Fedify) expect.

use palisade_core::accounts::fields_of;
use palisade_core::model::Account;
use palisade_core::model::Status;
use palisade_core::model::Tag;
use palisade_core::model::Visibility;
use serde_json::{Value, json};

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
pub const ACTIVITY_JSON: &str = "application/activity+json";

/// The `@context` of every document: ActivityStreams, the security vocabulary (without it
/// strict peers drop `publicKey`), and Mastodon's extensions.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "Emoji": "toot:Emoji",
            "blurhash": "toot:blurhash",
            "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"}
        }
    ])
}

pub fn iso(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A local account as an actor (`Person`, or `Application` for the instance actor).
pub fn actor(a: &Account, public_key_pem: &str, base_url: &str) -> Value {
    let fields: Vec<Value> = fields_of(a)
        .into_iter()
        .map(|f| json!({"type": "PropertyValue", "name": f.name, "value": if f.value_html.is_empty() { f.value } else { f.value_html }}))
        .collect();
    let mut doc = json!({
        "@context": context(),
        "id": a.uri,
        "type": a.actor_type,
        "preferredUsername": a.username,
        "name": a.display_name,
        "summary": a.note_html,
        "url": a.url,
        "inbox": a.inbox_url,
        "outbox": a.outbox_url,
        "followers": a.followers_url,
        "following": a.following_url,
        "featured": a.featured_url,
        "endpoints": {"sharedInbox": format!("{base_url}/inbox")},
        "manuallyApprovesFollowers": a.locked,
        "discoverable": a.discoverable,
        "indexable": a.indexable,
        "published": iso(a.created_at),
        "attachment": fields,
        "publicKey": {
            "id": format!("{}#main-key", a.uri),
            "owner": a.uri,
            "publicKeyPem": public_key_pem,
        },
    });
    if let Some(avatar) = &a.avatar_url {
        doc["icon"] = json!({"type": "Image", "url": avatar});
    }
    if a.bot {
        doc["type"] = json!("Service");
    }
    doc
}

/// Addressing of a status by visibility: (to, cc).
pub fn addressing(
    visibility: Visibility,
    author: &Account,
    mentioned: &[Account],
) -> (Vec<String>, Vec<String>) {
    let followers = author.followers_url.clone().unwrap_or_default();
    let mentions: Vec<String> = mentioned.iter().map(|m| m.uri.clone()).collect();
    match visibility {
        Visibility::Public => (vec![PUBLIC.into()], [vec![followers], mentions].concat()),
        Visibility::Unlisted => (vec![followers], [vec![PUBLIC.into()], mentions].concat()),
        Visibility::Private => (vec![followers], mentions),
        Visibility::Direct => (mentions, Vec::new()),
    }
}

/// A local status as a Note.
pub fn note(
    s: &Status,
    author: &Account,
    mentioned: &[Account],
    tags: &[Tag],
    in_reply_to: Option<&str>,
    base_url: &str,
) -> Value {
    let (to, cc) = addressing(s.visibility, author, mentioned);
    let mut tag: Vec<Value> = mentioned
        .iter()
        .map(|m| {
            let handle = match &m.domain {
                Some(d) => format!("@{}@{d}", m.username),
                None => format!("@{}@{}", m.username, base_url.split("://").nth(1).unwrap_or("")),
            };
            json!({"type": "Mention", "href": m.uri, "name": handle})
        })
        .collect();
    tag.extend(tags.iter().map(|t| {
        json!({"type": "Hashtag", "href": format!("{base_url}/tags/{}", t.name.to_lowercase()), "name": format!("#{}", t.name)})
    }));
    let lang = s.language.clone().unwrap_or_else(|| "en".into());
    let mut doc = json!({
        "id": s.uri,
        "type": "Note",
        "summary": if s.spoiler_text.is_empty() { Value::Null } else { json!(s.spoiler_text) },
        "inReplyTo": in_reply_to,
        "published": iso(s.created_at),
        "url": s.url,
        "attributedTo": author.uri,
        "to": to,
        "cc": cc,
        "sensitive": s.sensitive,
        "content": s.content_html,
        "contentMap": {lang: s.content_html},
        "tag": tag,
        "attachment": [],
    });
    if let Some(edited) = s.edited_at {
        doc["updated"] = json!(iso(edited));
    }
    doc
}

/// Wraps an object in an activity with the object's addressing.
pub fn activity(kind: &str, id: &str, actor: &str, object: Value, to: &[String], cc: &[String]) -> Value {
    json!({
        "@context": context(),
        "id": id,
        "type": kind,
        "actor": actor,
        "to": to,
        "cc": cc,
        "object": object,
    })
}

/// The id of the Like a local account sends for a status (deterministic, so Undo can name it).
pub fn like_id(actor: &Account, status_id: i64) -> String {
    format!("{}#likes/{status_id}", actor.uri)
}

pub fn block_id(actor: &Account, target_id: i64) -> String {
    format!("{}#blocks/{target_id}", actor.uri)
}

pub fn follow_id(actor: &Account, follow_id: i64) -> String {
    format!("{}#follows/{follow_id}", actor.uri)
}

/// A Tombstone for a deleted status.
pub fn tombstone(uri: &str) -> Value {
    json!({"@context": context(), "id": uri, "type": "Tombstone", "atomUri": uri})
}

/// An `OrderedCollection` with only its size (followers and following lists stay private).
pub fn collection_summary(id: &str, total: i64, first: Option<&str>) -> Value {
    let mut doc = json!({"@context": context(), "id": id, "type": "OrderedCollection", "totalItems": total});
    if let Some(f) = first {
        doc["first"] = json!(f);
    }
    doc
}

/// A page of an `OrderedCollection`.
pub fn collection_page(id: &str, part_of: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut doc = json!({
        "@context": context(),
        "id": id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "orderedItems": items,
    });
    if let Some(n) = next {
        doc["next"] = json!(n);
    }
    doc
}
