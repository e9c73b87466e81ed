//! The one place that answers "may this remote thing reach this local place" (and who may
//! see a status). Every boundary asks here: inbound activities, deliveries, fetches, search,
//! timelines, notifications, follow requests, media and reports.

use std::collections::{HashMap, HashSet};

use palisade_store::domain_policies::DomainBlock;
use palisade_store::statuses::Status;
use palisade_store::{Severity, Visibility, domains};

/// Where something crosses between a remote domain and this instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// An activity delivered to our inboxes.
    Inbound,
    /// A delivery we would send there.
    Deliver,
    /// A document we would fetch from there (or a signed fetch it makes of ours).
    Fetch,
    /// Search resolving an account or status there.
    Resolve,
    /// Its statuses in our timelines, threads and search results.
    Timeline,
    /// Its accounts notifying our members.
    Notification,
    /// Its accounts following our members.
    FollowRequest,
    /// Its media files.
    Media,
    /// Its reports (Flag).
    Report,
}

/// The answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not at all (suspended, or outside an allowlist).
    Refuse,
    /// Accept and ignore (reports from a domain whose reports are rejected).
    Drop,
    /// Only for those who follow the account (silenced timelines and notifications).
    FollowersOnly,
    /// A follow needs the member's approval (silenced domains).
    RequireApproval,
    /// Not now: an admin paused deliveries to this peer; they wait, unsent and uncounted.
    Hold,
}

/// The instance's domain policies at one moment, indexed so that a decision costs a few
/// hash lookups (one per label of the domain) however long the block list is.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    blocks: Vec<DomainBlock>,
    /// Block domain → its position in `blocks`.
    index: HashMap<String, usize>,
    allows: HashSet<String>,
    /// Allowlist mode: only allowed domains federate.
    limited: bool,
    /// Peers an admin paused deliveries to (exact names, lowercase).
    paused: HashSet<String>,
    /// The moment the set describes: blocks that lapsed before it do not apply.
    pub now: i64,
}

impl PolicySet {
    pub fn new(blocks: Vec<DomainBlock>, allows: Vec<String>, limited: bool, now: i64) -> PolicySet {
        let index = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.domain.to_lowercase(), i))
            .collect();
        let allows = allows.into_iter().map(|a| a.to_lowercase()).collect();
        PolicySet {
            blocks,
            index,
            allows,
            limited,
            paused: HashSet::new(),
            now,
        }
    }

    /// The same set, with deliveries to `paused` peers held.
    pub fn with_paused(mut self, paused: Vec<String>) -> PolicySet {
        self.paused = paused.into_iter().map(|p| p.to_lowercase()).collect();
        self
    }

    /// Every block, lapsed or not.
    pub fn blocks(&self) -> &[DomainBlock] {
        &self.blocks
    }

    /// The active blocks covering `domain` (itself and its parents), most specific first.
    fn covering(&self, domain: &str) -> impl Iterator<Item = &DomainBlock> {
        domains::covering_names(domain)
            .into_iter()
            .filter_map(|n| self.index.get(&n).map(|&i| &self.blocks[i]))
            .filter(|b| b.expires_at.is_none_or(|e| e > self.now))
    }

    /// The block that governs `domain`: the strictest covering it (a silenced subdomain does
    /// not escape its parent's suspension), the most specific among equals.
    pub fn block_for(&self, domain: &str) -> Option<&DomainBlock> {
        let mut best: Option<&DomainBlock> = None;
        for b in self.covering(domain) {
            if best.is_none_or(|x| b.severity > x.severity) {
                best = Some(b);
            }
        }
        best
    }

    fn allowed(&self, domain: &str) -> bool {
        !self.limited
            || domains::covering_names(domain)
                .iter()
                .any(|n| self.allows.contains(n))
    }

    /// The decision for something from (or to) `domain` at `boundary`; local things
    /// (`None`) are always allowed. The strictest severity applies, and the flags of every
    /// block covering the domain.
    pub fn decide<'a>(&self, boundary: Boundary, subject: impl Into<Subject<'a>>) -> Decision {
        let subject = subject.into();
        let decision = self.decide_instance(boundary, subject.domain);
        // A member's own block refuses what would reach them from there (and what they would
        // send or show there); the instance's Refuse and Drop stand either way.
        let member_refuses = matches!(
            boundary,
            Boundary::Resolve
                | Boundary::Deliver
                | Boundary::Fetch
                | Boundary::Timeline
                | Boundary::Notification
                | Boundary::FollowRequest
        ) && subject.member.is_some_and(|m| m.covers(subject.domain));
        match decision {
            Decision::Refuse | Decision::Drop => decision,
            _ if member_refuses => Decision::Refuse,
            Decision::Allow
                if boundary == Boundary::Deliver
                    && subject
                        .domain
                        .is_some_and(|d| self.paused.contains(&d.to_lowercase())) =>
            {
                Decision::Hold
            }
            _ => decision,
        }
    }

    /// The instance's own decision.
    fn decide_instance(&self, boundary: Boundary, domain: Option<&str>) -> Decision {
        let Some(domain) = domain else {
            return Decision::Allow;
        };
        if !self.allowed(domain) {
            return Decision::Refuse;
        }
        let Some(block) = self.block_for(domain) else {
            return Decision::Allow;
        };
        let reject_media = self.covering(domain).any(|b| b.reject_media);
        let reject_reports = self.covering(domain).any(|b| b.reject_reports);
        match (block.severity, boundary) {
            (Severity::Suspend, Boundary::Report) => Decision::Drop,
            (Severity::Suspend, _) => Decision::Refuse,
            (_, Boundary::Report) if reject_reports => Decision::Drop,
            (_, Boundary::Media) if reject_media => Decision::Refuse,
            (Severity::Silence, Boundary::Timeline | Boundary::Notification) => Decision::FollowersOnly,
            (Severity::Silence, Boundary::FollowRequest) => Decision::RequireApproval,
            _ => Decision::Allow,
        }
    }

    pub fn refused<'a>(&self, boundary: Boundary, subject: impl Into<Subject<'a>>) -> bool {
        self.decide(boundary, subject) == Decision::Refuse
    }

    /// Whether files from `domain` may be fetched and shown here: neither its media
    /// (`reject_media`) nor fetches from it are refused.
    pub fn media_allowed(&self, domain: Option<&str>) -> bool {
        !self.refused(Boundary::Media, domain) && !self.refused(Boundary::Fetch, domain)
    }
}

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

/// A member's own domain blocks: what they chose not to hear from, on top of the instance's
/// policy.
#[derive(Clone, Debug, Default)]
pub struct MemberBlocks {
    domains: Vec<String>,
}

impl MemberBlocks {
    pub fn new(domains: Vec<String>) -> MemberBlocks {
        MemberBlocks { domains }
    }

    /// Whether one of the member's blocks covers `domain` (`None`: a local account, never).
    pub fn covers(&self, domain: Option<&str>) -> bool {
        domain.is_some_and(|d| self.domains.iter().any(|b| domains::covers(b, d)))
    }
}

/// What a decision is about: a domain (`None`: this instance), and, when the decision is
/// made for one member, that member's own blocks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Subject<'a> {
    pub domain: Option<&'a str>,
    pub member: Option<&'a MemberBlocks>,
}

impl<'a> Subject<'a> {
    /// Something from (or to) `domain`, for a member who keeps `blocks`.
    pub fn for_member(domain: Option<&'a str>, blocks: &'a MemberBlocks) -> Subject<'a> {
        Subject {
            domain,
            member: Some(blocks),
        }
    }
}

impl<'a> From<Option<&'a str>> for Subject<'a> {
    fn from(domain: Option<&'a str>) -> Self {
        Subject { domain, member: None }
    }
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
    match status.visibility {
        Visibility::Public | Visibility::Unlisted => true,
        Visibility::Private => viewer.is_some() && (rel.follows_author || rel.mentioned),
        Visibility::Direct => viewer.is_some() && rel.mentioned,
    }
}

/// Whether `booster` may boost a status: public and unlisted ones, and their own
/// followers-only posts (the boost stays followers-only), as Mastodon allows.
pub fn may_reblog(status: &Status, booster: i64) -> bool {
    match status.visibility {
        Visibility::Public | Visibility::Unlisted => true,
        Visibility::Private => status.account_id == booster,
        Visibility::Direct => false,
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

    fn block(domain: &str, severity: &str, reject_media: bool, reject_reports: bool) -> DomainBlock {
        DomainBlock {
            id: 1,
            domain: domain.into(),
            severity: Severity::parse(severity).unwrap(),
            reject_media,
            reject_reports,
            private_comment: None,
            public_comment: None,
            obfuscate: false,
            expires_at: None,
            severance_event_id: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    /// Each severity × each boundary, as docs/ADMIN.md describes them.
    #[test]
    fn policy_table() {
        use Boundary::*;
        use Decision::*;
        let boundaries = [
            Inbound,
            Deliver,
            Fetch,
            Resolve,
            Timeline,
            Notification,
            FollowRequest,
            Media,
            Report,
        ];
        let table: [(&str, bool, bool, [Decision; 9]); 5] = [
            (
                "none",
                false,
                false,
                [Allow, Allow, Allow, Allow, Allow, Allow, Allow, Allow, Allow],
            ),
            (
                "noop",
                true,
                true,
                [Allow, Allow, Allow, Allow, Allow, Allow, Allow, Refuse, Drop],
            ),
            (
                "silence",
                false,
                false,
                [
                    Allow,
                    Allow,
                    Allow,
                    Allow,
                    FollowersOnly,
                    FollowersOnly,
                    RequireApproval,
                    Allow,
                    Allow,
                ],
            ),
            (
                "silence",
                true,
                true,
                [
                    Allow,
                    Allow,
                    Allow,
                    Allow,
                    FollowersOnly,
                    FollowersOnly,
                    RequireApproval,
                    Refuse,
                    Drop,
                ],
            ),
            (
                "suspend",
                false,
                false,
                [
                    Refuse, Refuse, Refuse, Refuse, Refuse, Refuse, Refuse, Refuse, Drop,
                ],
            ),
        ];
        for (severity, media, reports, expected) in table {
            let blocks = if severity == "none" {
                vec![]
            } else {
                vec![block("threads.test", severity, media, reports)]
            };
            let set = PolicySet::new(blocks, vec![], false, 0);
            for (b, want) in boundaries.iter().zip(expected) {
                assert_eq!(
                    set.decide(*b, Some("threads.test")),
                    want,
                    "{severity} media={media} reports={reports} {b:?}"
                );
                assert_eq!(set.decide(*b, Some("www.threads.test")), want, "subdomains too");
                assert_eq!(set.decide(*b, Some("notthreads.test")), Allow);
                assert_eq!(set.decide(*b, None), Allow, "local is never refused");
            }
        }
    }

    #[test]
    fn allowlists_and_expiry() {
        let set = PolicySet::new(vec![], vec!["friends.test".into()], true, 0);
        assert_eq!(
            set.decide(Boundary::Inbound, Some("friends.test")),
            Decision::Allow
        );
        assert_eq!(
            set.decide(Boundary::Inbound, Some("social.friends.test:8443")),
            Decision::Allow,
            "subdomains and ports of an allowed domain"
        );
        assert_eq!(
            set.decide(Boundary::Deliver, Some("stranger.test")),
            Decision::Refuse
        );
        let mut old = block("old.test", "suspend", false, false);
        old.expires_at = Some(100);
        let mut set = PolicySet::new(
            vec![old, block("test", "silence", false, false)],
            vec![],
            false,
            0,
        );
        set.now = 200;
        assert_eq!(
            set.decide(Boundary::Inbound, Some("old.test")),
            Decision::Allow,
            "expired suspension"
        );
        assert_eq!(
            set.decide(Boundary::Timeline, Some("old.test")),
            Decision::FollowersOnly,
            "the parent silence applies"
        );
    }

    #[test]
    fn the_strictest_covering_block_governs_with_every_flag() {
        // A silenced subdomain does not escape its parent's suspension.
        let set = PolicySet::new(
            vec![
                block("eu.threads.test", "silence", false, true),
                block("threads.test", "suspend", false, false),
            ],
            vec![],
            false,
            0,
        );
        assert_eq!(set.block_for("eu.threads.test").unwrap().domain, "threads.test");
        assert!(set.refused(Boundary::Inbound, Some("eu.threads.test")));
        // Flags add up: a noop block with reject_media under a silence.
        let set = PolicySet::new(
            vec![
                block("cdn.threads.test", "noop", true, false),
                block("threads.test", "silence", false, false),
            ],
            vec![],
            false,
            0,
        );
        assert_eq!(
            set.decide(Boundary::Media, Some("cdn.threads.test")),
            Decision::Refuse
        );
        assert_eq!(set.decide(Boundary::Media, Some("threads.test")), Decision::Allow);
        assert_eq!(
            set.decide(Boundary::Timeline, Some("cdn.threads.test")),
            Decision::FollowersOnly
        );
    }

    fn status(visibility: &str) -> Status {
        Status {
            id: 1,
            account_id: 10,
            uri: String::new(),
            url: None,
            local: true,
            visibility: Visibility::parse(visibility).unwrap(),
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
        let member = MemberBlocks::new(vec!["threads.net".into()]);
        assert!(member.covers(Some("Eu.Threads.net")));
        assert!(!member.covers(None));
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

    #[test]
    fn paused_peers_are_held_at_delivery_only() {
        let set = PolicySet::new(vec![block("bad.test", "suspend", false, false)], vec![], false, 0)
            .with_paused(vec!["slow.test".into(), "bad.test".into()]);
        assert_eq!(set.decide(Boundary::Deliver, Some("slow.test")), Decision::Hold);
        assert_eq!(set.decide(Boundary::Deliver, Some("Slow.Test")), Decision::Hold);
        assert_eq!(set.decide(Boundary::Inbound, Some("slow.test")), Decision::Allow);
        assert_eq!(set.decide(Boundary::Deliver, Some("other.test")), Decision::Allow);
        // A suspension is stronger than a pause.
        assert_eq!(set.decide(Boundary::Deliver, Some("bad.test")), Decision::Refuse);
    }
}
