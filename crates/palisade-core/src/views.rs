//! Batch loading of everything a page of statuses needs, in a constant number of queries
//! whatever the page size: statuses, boosted originals, authors, mentions, tags, apps, what
//! the viewer may see, and the viewer's own marks.

use std::collections::{HashMap, HashSet};

use palisade_store::accounts::{self, Account};
use palisade_store::apps::{self, App};
use palisade_store::cards::{self, Card};
use palisade_store::emojis::{self, Emoji};
use palisade_store::interactions::{self, Mark};
use palisade_store::media::{self, Media};
use palisade_store::relationships;
use palisade_store::statuses::{self, Status};
use palisade_store::tags::{self, Tag};

use crate::policy::{self, Relation};
use crate::{Core, Result};

/// A status with everything its Mastodon entity shows.
#[derive(Clone, Debug)]
pub struct StatusView {
    pub status: Status,
    pub account: Account,
    pub reblog: Option<Box<StatusView>>,
    pub mentions: Vec<Account>,
    pub tags: Vec<Tag>,
    pub app: Option<App>,
    /// Attachments in order (remote ones of a domain whose media is rejected left out).
    pub media: Vec<Media>,
    pub emojis: Vec<Emoji>,
    pub card: Option<Card>,
    /// The viewer's marks; `None` for anonymous viewers. A boost carries its original's.
    pub viewer: Option<ViewerMarks>,
    /// The viewer's filters this status (or, for a boost, its original) matches.
    pub filtered: Vec<crate::filters::FilterMatch>,
    pub poll: Option<crate::polls::PollView>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ViewerMarks {
    pub favourited: bool,
    pub reblogged: bool,
    pub bookmarked: bool,
    pub pinned: bool,
    /// The viewer muted the thread.
    pub muted: bool,
}

/// Options for [`Core::status_views`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ViewOptions {
    /// Also leave out authors the viewer blocks or mutes (timelines; not a direct fetch).
    pub hide_blocked_and_muted: bool,
    /// Apply the viewer's filters of this context: `filtered` on what matches, and what a
    /// `hide` filter matches left out (unless `keep_hidden`).
    pub filter: Option<crate::filters::FilterContext>,
    /// Keep statuses a `hide` filter matches (a status asked for by id).
    pub keep_hidden: bool,
}

impl Core {
    /// Views of `ids` in the given order, leaving out what the viewer may not see.
    pub async fn status_views(
        &self,
        viewer: Option<&Account>,
        ids: &[i64],
        opts: ViewOptions,
    ) -> Result<Vec<StatusView>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let db = &self.db;
        let outer = statuses::by_ids(db, ids).await?;
        let inner_ids: Vec<i64> = outer.iter().filter_map(|s| s.reblog_of_id).collect();
        let inner = statuses::by_ids(db, &inner_ids).await?;
        let all: HashMap<i64, Status> = outer.into_iter().chain(inner).map(|s| (s.id, s)).collect();
        let all_ids: Vec<i64> = all.keys().copied().collect();

        let mentions = statuses::mentions_of(db, &all_ids).await?;
        let mut account_ids: HashSet<i64> = all.values().map(|s| s.account_id).collect();
        account_ids.extend(mentions.iter().map(|(_, a)| *a));
        let account_ids: Vec<i64> = account_ids.into_iter().collect();
        let accounts: HashMap<i64, Account> = accounts::by_ids(db, &account_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut tags_by_status: HashMap<i64, Vec<Tag>> = HashMap::new();
        for (sid, tag) in tags::of_statuses(db, &all_ids).await? {
            tags_by_status.entry(sid).or_default().push(tag);
        }
        let app_ids: Vec<i64> = all
            .values()
            .filter_map(|s| s.app_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let apps: HashMap<i64, App> = apps::apps_by_ids(db, &app_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let policies = self.policies().await?;
        let mut media_by_status: HashMap<i64, Vec<Media>> = HashMap::new();
        for m in media::of_statuses(db, &all_ids).await? {
            if m.is_remote() && policies.refused(policy::Boundary::Media, m.domain.as_deref()) {
                continue;
            }
            if let Some(sid) = m.status_id {
                media_by_status.entry(sid).or_default().push(m);
            }
        }
        let mut emojis_by_status: HashMap<i64, Vec<Emoji>> = HashMap::new();
        for (sid, e) in emojis::of_statuses(db, &all_ids).await? {
            emojis_by_status.entry(sid).or_default().push(e);
        }
        let cards_by_status: HashMap<i64, Card> =
            cards::of_statuses(db, &all_ids).await?.into_iter().collect();
        let mut mentions_by_status: HashMap<i64, Vec<i64>> = HashMap::new();
        for (sid, aid) in &mentions {
            mentions_by_status.entry(*sid).or_default().push(*aid);
        }

        let viewer_id = viewer.map(|v| v.id);
        let authors: Vec<i64> = all
            .values()
            .map(|s| s.account_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let (followed, excluded, marks) = match viewer_id {
            Some(v) => {
                let followed: HashSet<i64> = relationships::following_among(db, v, &authors)
                    .await?
                    .into_iter()
                    .collect();
                let excluded: HashSet<i64> =
                    relationships::excluded_among(db, v, &authors, opts.hide_blocked_and_muted)
                        .await?
                        .into_iter()
                        .collect();
                let content_ids: Vec<i64> = all
                    .values()
                    .filter(|s| s.reblog_of_id.is_none())
                    .map(|s| s.id)
                    .collect();
                let conversations: Vec<i64> = all.values().filter_map(|s| s.conversation_id).collect();
                let marks = MarkSets {
                    muted: statuses::muted_conversations_among(db, v, &conversations)
                        .await?
                        .into_iter()
                        .collect(),
                    favourited: interactions::marked_among(db, Mark::Favourite, v, &content_ids)
                        .await?
                        .into_iter()
                        .collect(),
                    bookmarked: interactions::marked_among(db, Mark::Bookmark, v, &content_ids)
                        .await?
                        .into_iter()
                        .collect(),
                    pinned: interactions::marked_among(db, Mark::Pin, v, &content_ids)
                        .await?
                        .into_iter()
                        .collect(),
                    reblogged: statuses::reblogged_among(db, v, &content_ids)
                        .await?
                        .into_iter()
                        .collect(),
                };
                (followed, excluded, Some(marks))
            }
            None => Default::default(),
        };

        // Nothing from a domain the viewer blocks reaches them (boosts of it included).
        let blocked_domains = match viewer_id {
            Some(v) => self.member_blocks(db, v).await?,
            None => policy::MemberBlocks::default(),
        };
        let content_ids: Vec<i64> = all
            .values()
            .filter(|s| s.reblog_of_id.is_none())
            .map(|s| s.id)
            .collect();
        let polls = self.poll_views(viewer_id, &content_ids).await?;
        let filters = match opts.filter {
            Some(_) => self.active_filters(viewer_id).await?,
            None => crate::filters::ActiveFilters::default(),
        };
        let build = |s: &Status| -> Option<StatusView> {
            let account = accounts.get(&s.account_id)?.clone();
            if account.suspended_at.is_some() {
                return None;
            }
            let mentioned_ids = mentions_by_status.get(&s.id).cloned().unwrap_or_default();
            let rel = Relation {
                is_author: viewer_id == Some(s.account_id),
                follows_author: followed.contains(&s.account_id),
                mentioned: viewer_id.is_some_and(|v| mentioned_ids.contains(&v)),
                // With `hide_blocked_and_muted` this also holds the viewer's own blocks and mutes.
                blocked_by_author: excluded.contains(&s.account_id),
            };
            if !policy::may_view_status(s, viewer_id, rel) {
                return None;
            }
            // Suspended domains and those the viewer blocks are hidden, silenced ones shown to
            // followers.
            let subject = policy::Subject::for_member(s_domain(&accounts, s), &blocked_domains);
            match policies.decide(policy::Boundary::Timeline, subject) {
                policy::Decision::Refuse => return None,
                policy::Decision::FollowersOnly
                    if !(rel.is_author || rel.follows_author || rel.mentioned) =>
                {
                    return None;
                }
                _ => {}
            }
            Some(StatusView {
                status: s.clone(),
                account,
                reblog: None,
                mentions: mentioned_ids
                    .iter()
                    .filter_map(|a| accounts.get(a).cloned())
                    .collect(),
                tags: tags_by_status.get(&s.id).cloned().unwrap_or_default(),
                app: s.app_id.and_then(|a| apps.get(&a).cloned()),
                media: media_by_status.get(&s.id).cloned().unwrap_or_default(),
                emojis: emojis_by_status.get(&s.id).cloned().unwrap_or_default(),
                card: cards_by_status.get(&s.id).cloned(),
                viewer: marks.as_ref().map(|m| m.of(s)),
                filtered: Vec::new(),
                poll: polls.get(&s.id).cloned(),
            })
        };

        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(s) = all.get(id) else { continue };
            let Some(mut view) = build(s) else { continue };
            if let Some(orig_id) = s.reblog_of_id {
                let Some(orig) = all.get(&orig_id).and_then(&build) else {
                    continue;
                };
                // A boost answers for its original: favourited, boosted, bookmarked.
                if let (Some(mine), Some(theirs)) = (view.viewer.as_mut(), orig.viewer) {
                    mine.favourited = theirs.favourited;
                    mine.reblogged = theirs.reblogged;
                    mine.bookmarked = theirs.bookmarked;
                    mine.muted = theirs.muted;
                }
                view.reblog = Some(Box::new(orig));
            }
            if let Some(context) = opts.filter.filter(|_| !filters.is_empty()) {
                let content = view.reblog.as_deref().unwrap_or(&view);
                let options = content
                    .poll
                    .as_ref()
                    .map(|p| p.poll.options.as_slice())
                    .unwrap_or(&[]);
                let text = crate::filters::searchable_text(&content.status, options);
                let boost = view.reblog.as_ref().map(|_| view.status.id);
                view.filtered = filters.matches(context, &content.status, boost, &text);
                if !opts.keep_hidden && view.filtered.iter().any(|m| m.hides()) {
                    continue;
                }
            }
            out.push(view);
        }
        Ok(out)
    }

    /// One status as the viewer may see it (with the filters of threads it matches), or 404.
    pub async fn status_view(&self, viewer: Option<&Account>, id: i64) -> Result<StatusView> {
        let opts = ViewOptions {
            filter: Some(crate::filters::FilterContext::Thread),
            keep_hidden: true,
            ..Default::default()
        };
        self.status_views(viewer, &[id], opts)
            .await?
            .pop()
            .ok_or_else(crate::Error::not_found)
    }

    /// Accounts in the given order, leaving out suspended ones.
    /// Accounts in the given order, leaving out suspended ones and those of suspended domains.
    pub async fn account_views(&self, ids: &[i64]) -> Result<Vec<Account>> {
        let policies = self.policies().await?;
        let found: HashMap<i64, Account> = accounts::by_ids(&self.db, ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id))
            .filter(|a| {
                a.suspended_at.is_none() && !policies.refused(policy::Boundary::Timeline, a.domain.as_deref())
            })
            .cloned()
            .collect())
    }
}

fn s_domain<'a>(accounts: &'a HashMap<i64, Account>, s: &Status) -> Option<&'a str> {
    accounts.get(&s.account_id).and_then(|a| a.domain.as_deref())
}

struct MarkSets {
    muted: HashSet<i64>,
    favourited: HashSet<i64>,
    bookmarked: HashSet<i64>,
    pinned: HashSet<i64>,
    reblogged: HashSet<i64>,
}

impl MarkSets {
    fn of(&self, s: &Status) -> ViewerMarks {
        let id = s.id;
        ViewerMarks {
            muted: s.conversation_id.is_some_and(|c| self.muted.contains(&c)),
            favourited: self.favourited.contains(&id),
            reblogged: self.reblogged.contains(&id),
            bookmarked: self.bookmarked.contains(&id),
            pinned: self.pinned.contains(&id),
        }
    }
}

impl Core {
    /// Statuses by id (`GET /api/v1/statuses?id[]=`): those the viewer may see, in order.
    pub async fn visible_statuses(&self, viewer: Option<&Account>, ids: &[i64]) -> Result<Vec<StatusView>> {
        let opts = ViewOptions {
            filter: Some(crate::filters::FilterContext::Thread),
            keep_hidden: true,
            ..Default::default()
        };
        self.status_views(viewer, ids, opts).await
    }
}
