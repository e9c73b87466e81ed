//! The one place that answers "may this thing reach this place". Issue 2 covers who may see
//! a status; domain policies (member and instance blocks) join here with federation.

use palisade_store::statuses::Status;

/// A domain as written by a member or an admin (`Threads.net`, `https://threads.net/`,
/// `@user@threads.net`), in the form blocks store: lowercase host, with a port if given.
pub fn normalize_domain(input: &str) -> Option<String> {
    let s = input.trim().to_lowercase();
    let s = match s.split_once("://") {
        // A URL: its host (and port).
        Some((_, rest)) => rest.split(['/', '?', '#']).next().unwrap_or(""),
        // A handle or a bare domain.
        None => s.rsplit('@').next().unwrap_or(&s),
    };
    let s = s.trim_end_matches('.');
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (s, None),
    };
    let labels_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !labels_ok || !(host.contains('.') || port.is_some() || host == "localhost") {
        return None;
    }
    Some(match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    })
}

/// Whether `domain` is `blocked` or one of its subdomains.
pub fn domain_matches(blocked: &str, domain: &str) -> bool {
    let domain = domain.to_lowercase();
    domain == blocked || domain.ends_with(&format!(".{blocked}"))
}

/// Whether any of `blocks` covers `domain` (`None`: a local account, never blocked).
pub fn domain_blocked(blocks: &[String], domain: Option<&str>) -> bool {
    domain.is_some_and(|d| blocks.iter().any(|b| domain_matches(b, d)))
}

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
    fn domains_normalize_and_match() {
        assert_eq!(normalize_domain(" Threads.NET ").as_deref(), Some("threads.net"));
        assert_eq!(
            normalize_domain("https://threads.net/@zuck").as_deref(),
            Some("threads.net")
        );
        assert_eq!(
            normalize_domain("@zuck@threads.net").as_deref(),
            Some("threads.net")
        );
        assert_eq!(
            normalize_domain("localhost:3000").as_deref(),
            Some("localhost:3000")
        );
        for bad in [
            "",
            "   ",
            "not a domain",
            "-bad.example",
            "bad",
            "a..b",
            "exa mple.com",
        ] {
            assert_eq!(normalize_domain(bad), None, "{bad:?}");
        }
        assert!(domain_matches("threads.net", "threads.net"));
        assert!(domain_matches("threads.net", "www.threads.net"));
        assert!(!domain_matches("threads.net", "notthreads.net"));
        assert!(domain_blocked(&["threads.net".into()], Some("Eu.Threads.net")));
        assert!(!domain_blocked(&["threads.net".into()], None));
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
