//! Mastodon's JSON entities, one file each, built from core views. Shapes follow Mastodon
//! 4.3+ as recorded in real responses (Mastodon.py's cassettes).

mod account;
mod app;
mod collections;
mod filter;
mod instance;
mod media;
mod notification;
mod poll;
mod relationship;
mod status;

pub use account::{Account, CredentialAccount, account, credential_account};
pub use app::{Application, application};
pub use collections::{
    announcement, conversation, featured_tag, list, notification_policy, notification_policy_v1,
    notification_request, push_subscription, scheduled_status,
};
pub use filter::{filter, filter_keyword, filter_result, filter_status, filter_v1};
pub use instance::{instance_v1, instance_v2, rules};
pub use media::{CustomEmoji, MediaAttachment, custom_emoji, emoji_ref, media_attachment, preview_card};
pub use notification::{Notification, notification, notification_of};
pub use poll::poll;
pub use relationship::{Relationship, relationship};
pub use status::{Status, StatusEdit, status, status_edit, tag};

use time::OffsetDateTime;

/// `2024-05-01T12:00:00.000Z`, the timestamp format of every Mastodon entity.
pub fn iso(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `2024-05-01`: `last_status_at` is a date only.
pub fn date(ms: i64) -> String {
    iso(ms)[..10].to_owned()
}

/// Accounts' `created_at` is the midnight of their creation day (Mastodon hides the time).
pub fn midnight(ms: i64) -> String {
    format!("{}T00:00:00.000Z", date(ms))
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps() {
        assert_eq!(super::iso(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(super::date(1_700_000_000_123), "2023-11-14");
        assert_eq!(super::midnight(1_700_000_000_123), "2023-11-14T00:00:00.000Z");
    }
}
