//! The one place a new status row is built, for local posts and boosts and for those that
//! arrive from other servers: counters start at zero, a post joins its parent's thread (or
//! starts one), a content warning makes it sensitive, a boost carries no content.

use palisade_store::statuses::Status;
use palisade_store::{Visibility, accounts::Account};

/// A new status: who, where, when; and what it is.
pub(crate) struct NewStatusRow<'a> {
    pub id: i64,
    pub author: &'a Account,
    pub uri: String,
    pub url: Option<String>,
    pub visibility: Visibility,
    pub created_at: i64,
    pub app_id: Option<i64>,
    pub kind: RowKind<'a>,
}

pub(crate) enum RowKind<'a> {
    Post {
        /// What the author typed (local posts; empty for remote ones).
        text_source: String,
        content_html: String,
        spoiler_text: String,
        sensitive: bool,
        language: Option<String>,
        /// The status replied to, when it is known here.
        parent: Option<&'a Status>,
        /// The URI replied to (known here or not).
        in_reply_to_uri: Option<String>,
        edited_at: Option<i64>,
    },
    Boost {
        of: i64,
    },
}

pub(crate) fn build(new: NewStatusRow<'_>) -> Status {
    let mut status = Status {
        id: new.id,
        account_id: new.author.id,
        uri: new.uri,
        url: new.url,
        local: new.author.is_local(),
        visibility: new.visibility,
        text_source: String::new(),
        content_html: String::new(),
        spoiler_text: String::new(),
        sensitive: false,
        language: None,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        in_reply_to_uri: None,
        reblog_of_id: None,
        app_id: new.app_id,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        created_at: new.created_at,
        edited_at: None,
        conversation_id: None,
    };
    match new.kind {
        RowKind::Post {
            text_source,
            content_html,
            spoiler_text,
            sensitive,
            language,
            parent,
            in_reply_to_uri,
            edited_at,
        } => {
            status.sensitive = sensitive || !spoiler_text.is_empty();
            status.text_source = text_source;
            status.content_html = content_html;
            status.spoiler_text = spoiler_text;
            status.language = language;
            status.in_reply_to_id = parent.map(|p| p.id);
            status.in_reply_to_account_id = parent.map(|p| p.account_id);
            status.in_reply_to_uri = in_reply_to_uri.or_else(|| parent.map(|p| p.uri.clone()));
            status.edited_at = edited_at;
            status.conversation_id = Some(parent.map_or(new.id, |p| p.conversation_id.unwrap_or(p.id)));
        }
        RowKind::Boost { of } => status.reblog_of_id = Some(of),
    }
    status
}

/// A bare public status, for unit tests.
#[cfg(test)]
pub(crate) fn blank_status() -> Status {
    Status {
        id: 1,
        account_id: 10,
        uri: String::new(),
        url: None,
        local: true,
        visibility: Visibility::Public,
        text_source: String::new(),
        content_html: String::new(),
        spoiler_text: String::new(),
        sensitive: false,
        language: None,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        in_reply_to_uri: None,
        reblog_of_id: None,
        app_id: None,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        created_at: 0,
        edited_at: None,
        conversation_id: None,
    }
}
