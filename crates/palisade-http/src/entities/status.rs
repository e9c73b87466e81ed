//! Status, StatusEdit, and the Tag entity.

use palisade_core::model::StatusEdit as EditRow;
use palisade_core::model::Tag as TagRow;
use palisade_core::urls::Urls;
use palisade_core::views::StatusView;
use serde::Serialize;
use serde_json::{Value, json};

use super::{
    Account, CustomEmoji, MediaAttachment, account, custom_emoji, iso, media_attachment, preview_card,
};

#[derive(Serialize)]
pub struct Mention {
    pub id: String,
    pub username: String,
    pub url: String,
    pub acct: String,
}

#[derive(Serialize)]
pub struct Tag {
    pub name: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct Status {
    pub id: String,
    pub created_at: String,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub visibility: String,
    pub language: Option<String>,
    pub uri: String,
    pub url: Option<String>,
    pub replies_count: i64,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub quotes_count: i64,
    pub edited_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favourited: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reblogged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bookmarked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    pub content: String,
    pub filtered: Vec<Value>,
    pub reblog: Option<Box<Status>>,
    /// On local statuses (possibly `null`): Mastodon's default "show the application used"
    /// setting; remote statuses have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<Option<Value>>,
    pub account: Account,
    pub media_attachments: Vec<MediaAttachment>,
    pub mentions: Vec<Mention>,
    pub tags: Vec<Tag>,
    pub emojis: Vec<CustomEmoji>,
    pub quote: Option<Value>,
    pub card: Option<Value>,
    pub poll: Option<Value>,
    /// The source text: only in the answer to a delete (for "delete and redraft").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// `viewer_id` decides what only the author sees (`pinned`); `expose_remote_url` whether
/// remote files' origins are shown.
pub fn status(v: &StatusView, viewer_id: Option<i64>, urls: &Urls<'_>, expose_remote_url: bool) -> Status {
    let s = &v.status;
    let own = viewer_id == Some(s.account_id);
    let marks = v.viewer;
    Status {
        id: s.id.to_string(),
        created_at: iso(s.created_at),
        in_reply_to_id: s.in_reply_to_id.map(|i| i.to_string()),
        in_reply_to_account_id: s.in_reply_to_account_id.map(|i| i.to_string()),
        sensitive: s.sensitive,
        spoiler_text: s.spoiler_text.clone(),
        visibility: s.visibility.as_str().to_owned(),
        language: s.language.clone(),
        uri: s.uri.clone(),
        url: s.url.clone(),
        replies_count: s.replies_count,
        reblogs_count: s.reblogs_count,
        favourites_count: s.favourites_count,
        quotes_count: 0,
        edited_at: s.edited_at.map(iso),
        favourited: marks.map(|m| m.favourited),
        reblogged: marks.map(|m| m.reblogged),
        muted: marks.map(|m| m.muted),
        bookmarked: marks.map(|m| m.bookmarked),
        pinned: marks
            .filter(|_| own && s.reblog_of_id.is_none())
            .map(|m| m.pinned),
        content: s.content_html.clone(),
        filtered: v.filtered.iter().map(super::filter_result).collect(),
        reblog: v
            .reblog
            .as_ref()
            .map(|r| Box::new(status(r, viewer_id, urls, expose_remote_url))),
        application: s.local.then(|| {
            v.app
                .as_ref()
                .map(|a| json!({"name": a.name, "website": a.website}))
        }),
        account: account(&v.account, urls),
        media_attachments: v
            .media
            .iter()
            .map(|m| media_attachment(m, urls, expose_remote_url))
            .collect(),
        mentions: v
            .mentions
            .iter()
            .map(|m| Mention {
                id: m.id.to_string(),
                username: m.username.clone(),
                url: m.url.clone(),
                acct: palisade_core::accounts::acct(m),
            })
            .collect(),
        tags: v.tags.iter().map(|t| tag(t, urls)).collect(),
        emojis: v
            .emojis
            .iter()
            .filter_map(|e| custom_emoji(e, urls, false))
            .collect(),
        quote: None,
        card: v.card.as_ref().map(|c| preview_card(c, urls)),
        poll: v.poll.as_ref().map(|p| super::poll(p, viewer_id)),
        text: None,
    }
}

pub fn tag(t: &TagRow, urls: &Urls<'_>) -> Tag {
    Tag {
        name: t.name.clone(),
        url: urls.tag(&t.name),
    }
}

#[derive(Serialize)]
pub struct StatusEdit {
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub created_at: String,
    pub account: Account,
    pub media_attachments: Vec<MediaAttachment>,
    pub emojis: Vec<CustomEmoji>,
}

/// A version of a status with the attachments (and descriptions) it had then.
pub fn status_edit(
    e: &EditRow,
    media: &[palisade_core::media::Media],
    emojis: Vec<CustomEmoji>,
    author: Account,
    urls: &Urls<'_>,
    expose_remote_url: bool,
) -> StatusEdit {
    StatusEdit {
        content: e.content_html.clone(),
        spoiler_text: e.spoiler_text.clone(),
        sensitive: e.sensitive,
        created_at: iso(e.created_at),
        account: author,
        media_attachments: media
            .iter()
            .map(|m| media_attachment(m, urls, expose_remote_url))
            .collect(),
        emojis,
    }
}
