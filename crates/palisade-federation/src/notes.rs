//! Remote statuses: a Note (or Article, Page, Question) fetched or delivered, checked for
//! origin, sanitized, addressed, and stored through core.

use palisade_core::model::{Account, Status, Visibility};
use palisade_core::remote::RemoteStatus;
use serde_json::Value;

use crate::context::{FedError, FedResult, Federation};
use crate::sanitize;
use crate::vocab::{self, id_of, kind, str_field};

const NOTE_TYPES: &[&str] = &["Note", "Article", "Page", "Question"];
/// How far up a reply chain we fetch missing parents.
const MAX_PARENT_DEPTH: u8 = 3;
/// Unknown remote accounts mentioned in one status that we fetch.
const MAX_MENTION_FETCHES: usize = 5;

impl Federation {
    /// A status by its URI: stored, local, or fetched from its origin.
    pub async fn status_by_uri(&self, uri: &str, depth: u8) -> FedResult<Status> {
        if let Some(s) = self.core.status_by_uri(uri).await? {
            return Ok(s);
        }
        if vocab::same_origin(uri, self.base_url()) {
            return Err(FedError::Invalid(format!("no local status {uri}")));
        }
        let doc = self.fetch_object(uri).await?;
        let author_uri = id_of(doc.get("attributedTo").unwrap_or(&Value::Null))
            .ok_or_else(|| FedError::Invalid(format!("{uri} has no author")))?;
        if !vocab::same_origin(&author_uri, uri) {
            return Err(FedError::Invalid(format!(
                "{uri} is attributed to another origin"
            )));
        }
        let author = self.actor(&author_uri).await?;
        self.store_note(&doc, &author, depth).await
    }

    /// Stores a note whose author has been checked against its origin.
    pub async fn store_note(&self, note: &Value, author: &Account, depth: u8) -> FedResult<Status> {
        let uri = id_of(note.get("id").unwrap_or(&Value::Null))
            .ok_or_else(|| FedError::Invalid("note without id".into()))?;
        if !NOTE_TYPES.contains(&kind(note).as_str()) {
            return Err(FedError::Invalid(format!(
                "{uri} is a {}, not a note",
                kind(note)
            )));
        }
        if !vocab::same_origin(&uri, &author.uri) {
            return Err(FedError::Invalid(format!(
                "{uri} does not share its author's origin"
            )));
        }
        let in_reply_to_uri = id_of(note.get("inReplyTo").unwrap_or(&Value::Null));
        let in_reply_to = match &in_reply_to_uri {
            Some(parent) if depth < MAX_PARENT_DEPTH => {
                Box::pin(self.status_by_uri(parent, depth + 1)).await.ok()
            }
            Some(parent) => self.core.status_by_uri(parent).await?,
            None => None,
        };
        let mut mentions = Vec::new();
        let mut fetched = 0;
        let mut tags = Vec::new();
        for tag in note
            .get("tag")
            .map(|t| match t {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            })
            .unwrap_or_default()
        {
            match kind(&tag).as_str() {
                "Mention" => {
                    let Some(href) = str_field(&tag, "href") else {
                        continue;
                    };
                    let account = match self.core.account_by_uri(href).await? {
                        Some(a) => Some(a),
                        None if fetched < MAX_MENTION_FETCHES
                            && !vocab::same_origin(href, self.base_url()) =>
                        {
                            fetched += 1;
                            self.actor(href).await.ok()
                        }
                        None => None,
                    };
                    if let Some(a) = account.filter(|a| !mentions.contains(&a.id)) {
                        mentions.push(a.id);
                    }
                }
                "Hashtag" => {
                    if let Some(name) = str_field(&tag, "name") {
                        let name = name.trim_start_matches('#');
                        if palisade_core::tags::is_tag_name(name) {
                            tags.push(name.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
        let visibility = visibility_of(note, author);
        let published = vocab::timestamp_ms(note, "published").unwrap_or_else(palisade_core::model::now_ms);
        let content = vocab::text(note, "content").unwrap_or_default();
        let content = match kind(note).as_str() {
            // Articles show their title and a link, as Mastodon does.
            "Article" | "Page" => format!(
                "<p>{}</p>{}",
                palisade_core::content::escape(&vocab::text(note, "name").unwrap_or_default()),
                content
            ),
            _ => content,
        };
        let remote = RemoteStatus {
            uri: uri.clone(),
            url: str_field(note, "url")
                .map(str::to_owned)
                .or_else(|| id_of(note.get("url").unwrap_or(&Value::Null))),
            author: author.clone(),
            content_html: sanitize::clean(&content),
            spoiler_text: sanitize::plain(&vocab::text(note, "summary").unwrap_or_default()),
            sensitive: note.get("sensitive").and_then(Value::as_bool).unwrap_or(false),
            visibility,
            language: note
                .get("contentMap")
                .and_then(Value::as_object)
                .and_then(|m| m.keys().next().cloned())
                .filter(|l| palisade_core::languages::is_known(l)),
            in_reply_to,
            in_reply_to_uri,
            mentions,
            tags,
            published,
            edited: vocab::timestamp_ms(note, "updated"),
            poll: match kind(note).as_str() {
                "Question" => crate::polls::remote_poll(note),
                _ => None,
            },
            attachments: crate::media::vocab::attachments(note),
            emojis: crate::media::vocab::emojis(note),
        };
        Ok(self.core.receive_status(remote).await?)
    }
}

/// Mastodon's reading of addressing: public in `to`, unlisted when public is only in `cc`,
/// followers-only when the author's followers collection is addressed, direct otherwise.
fn visibility_of(note: &Value, author: &Account) -> Visibility {
    let (to, cc) = vocab::audience(note);
    if to.iter().any(|a| vocab::is_public(a)) {
        return Visibility::Public;
    }
    if cc.iter().any(|a| vocab::is_public(a)) {
        return Visibility::Unlisted;
    }
    let followers = author.followers_url.clone().unwrap_or_default();
    if !followers.is_empty() && to.iter().chain(cc.iter()).any(|a| *a == followers) {
        return Visibility::Private;
    }
    Visibility::Direct
}
