//! The one place that answers "may this thing reach this place". Issue 2 covers who may see
//! a status; domain policies (member and instance blocks) join here with federation.

use palisade_store::statuses::Status;

/// What is known about the viewer's relation to a status' author.
#[derive(Clone, Copy, Debug, Default)]
pub struct Relation {
    /// The viewer is the author.
    pub is_author: bool,
    /// The viewer follows the author.
    pub follows_author: bool,
    /// The status mentions the viewer.
    pub mentioned: bool,
    /// The author blocks the viewer.
    pub blocked_by_author: bool,
}

/// Whether a viewer (`None`: anonymous) may see a status, by Mastodon's visibility rules:
/// public and unlisted for everyone, followers-only for followers and the mentioned,
/// direct for the mentioned; never for someone the author blocks.
pub fn may_view_status(status: &Status, viewer: Option<i64>, rel: Relation) -> bool {
    if viewer.is_some() && rel.is_author {
        return true;
    }
    if rel.blocked_by_author {
        return false;
    }
    match status.visibility.as_str() {
        "public" | "unlisted" => true,
        "private" => viewer.is_some() && (rel.follows_author || rel.mentioned),
        "direct" => viewer.is_some() && rel.mentioned,
        _ => false,
    }
}

/// Whether `booster` may boost a status: public and unlisted ones, and their own
/// followers-only posts (the boost stays followers-only), as Mastodon allows.
pub fn may_reblog(status: &Status, booster: i64) -> bool {
    match status.visibility.as_str() {
        "public" | "unlisted" => true,
        "private" => status.account_id == booster,
        _ => false,
    }
}

/// Whether a local follower's home feed receives a status posted by someone they follow.
/// Mastodon shows replies only when the follower also follows the person replied to.
pub fn home_feed_accepts(status: &Status, follows_replied_to: bool, is_self_reply: bool) -> bool {
    match status.in_reply_to_account_id {
        Some(_) if is_self_reply => true,
        Some(_) => follows_replied_to,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(visibility: &str) -> Status {
        Status {
            id: 1,
            account_id: 10,
            uri: String::new(),
            url: None,
            local: true,
            visibility: visibility.into(),
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

    #[test]
    fn visibility_table() {
        let stranger = Relation::default();
        let follower = Relation {
            follows_author: true,
            ..Default::default()
        };
        let mentioned = Relation {
            mentioned: true,
            ..Default::default()
        };
        let author = Relation {
            is_author: true,
            ..Default::default()
        };
        let blocked = Relation {
            follows_author: true,
            blocked_by_author: true,
            ..Default::default()
        };
        // (visibility, relation, viewer present, expected)
        let cases = [
            ("public", stranger, false, true),
            ("unlisted", stranger, false, true),
            ("private", stranger, true, false),
            ("private", follower, true, true),
            ("private", mentioned, true, true),
            ("private", follower, false, false),
            ("direct", follower, true, false),
            ("direct", mentioned, true, true),
            ("direct", author, true, true),
            ("public", blocked, true, false),
        ];
        for (vis, rel, signed_in, expected) in cases {
            let viewer = signed_in.then_some(20);
            assert_eq!(
                may_view_status(&status(vis), viewer, rel),
                expected,
                "{vis} {rel:?} {signed_in}"
            );
        }
    }
}
