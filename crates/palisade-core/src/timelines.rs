//! Timelines: home (materialised on write), public, hashtag, account, bookmarks, favourites.

use palisade_store::accounts::{self, Account};
use palisade_store::feeds::{self, Origin};
use palisade_store::interactions::{self, Mark};
use palisade_store::statuses::{self, AccountFilter, Status};
use palisade_store::{Exec, Page, PageQuery, Tx, Visibility, relationships, tags};

use crate::auth::Viewer;
use crate::filters::FilterContext;
use crate::policy;
use crate::views::{StatusView, ViewOptions};
use crate::{Core, Error, Result};

/// A page of statuses plus the keys for the `Link` header (which may be ids of bookmarks or
/// favourites rather than of statuses).
pub struct StatusPage {
    pub statuses: Vec<StatusView>,
    pub next_max_id: Option<i64>,
    pub prev_min_id: Option<i64>,
    /// Rows read before visibility filtering: a full page means there may be more.
    pub raw_len: usize,
}

impl StatusPage {
    fn empty() -> StatusPage {
        StatusPage {
            statuses: Vec::new(),
            next_max_id: None,
            prev_min_id: None,
            raw_len: 0,
        }
    }
}

/// Where a new status goes beyond its own row, decided before it is written.
#[derive(Clone)]
pub(crate) struct Reach {
    /// Home feeds.
    home: Vec<i64>,
    /// Lists.
    lists: Vec<i64>,
    /// The followers who asked to be notified of the author's posts.
    announce: Option<crate::notifications::NotifyPlan>,
}

/// Further tags of a hashtag timeline, by name.
#[derive(Clone, Debug, Default)]
pub struct MoreTags {
    pub any: Vec<String>,
    pub all: Vec<String>,
    pub none: Vec<String>,
}

/// Tags read from each of `any`, `all` and `none` at most (Mastodon takes four).
const MORE_TAGS: usize = 4;

/// Number of a followed account's recent statuses copied into the home feed on follow.
pub(crate) const BACKFILL: i64 = 40;

impl Core {
    /// Puts a new status (or boost) into the home feeds and lists that should show it, and
    /// notifies the followers who asked for its author's posts (see [`Core::plan_fan_out`]).
    pub(crate) async fn fan_out(
        &self,
        tx: &mut Tx,
        status: &Status,
        mentioned: &[i64],
        tag_ids: &[i64],
    ) -> Result<()> {
        let reach = self.plan_fan_out(&mut *tx, status, mentioned, tag_ids).await?;
        self.write_fan_out(tx, reach, status).await
    }

    /// Whose home feeds should show a new status (or boost): the author's, and those of
    /// local followers who would want it (Mastodon's rules: direct posts only to mentioned
    /// followers, replies only to followers of the person replied to, boosts only where
    /// `reblogs` is on and never of the follower's own status); public posts also reach
    /// local members who follow one of their hashtags. Reads only: a caller may run them
    /// before its write transaction (`status.id` is then not used).
    pub(crate) async fn plan_fan_out<'a>(
        &self,
        ex: impl Into<Exec<'a>>,
        status: &Status,
        mentioned: &[i64],
        tag_ids: &[i64],
    ) -> Result<Reach> {
        let mut ex = ex.into();
        let author = status.account_id;
        let original_author = match status.reblog_of_id {
            Some(orig) => statuses::by_id(ex.reborrow(), orig).await?.map(|s| s.account_id),
            None => None,
        };
        let followers = relationships::feed_followers(ex.reborrow(), author, original_author).await?;
        let candidates: Vec<i64> = followers
            .iter()
            .filter(|(f, show_reblogs, _)| match status.visibility {
                Visibility::Direct => mentioned.contains(f),
                _ if status.reblog_of_id.is_some() => *show_reblogs && original_author != Some(*f),
                _ => true,
            })
            .map(|(f, _, _)| *f)
            .collect();
        let self_reply = status.in_reply_to_account_id == Some(author);
        let follows_replied: Vec<i64> = match status.in_reply_to_account_id {
            Some(target) if !self_reply => {
                relationships::followers_among(ex.reborrow(), target, &candidates).await?
            }
            _ => Vec::new(),
        };
        let mut home: Vec<i64> = candidates
            .into_iter()
            .filter(|c| {
                policy::home_feed_accepts(
                    status,
                    follows_replied.contains(c) || Some(*c) == status.in_reply_to_account_id,
                    self_reply,
                )
            })
            .collect();
        // Local authors see their own posts, and their boosts of others' posts.
        if status.local && original_author != Some(author) {
            home.push(author);
        }
        if status.visibility == Visibility::Public && !tag_ids.is_empty() {
            for member in tags::feed_followers(ex.reborrow(), tag_ids, author).await? {
                if !home.contains(&member) {
                    home.push(member);
                }
            }
        }
        // Lists of those who get it at home; exclusive lists keep it from their home feed.
        let (lists, exclusive) = self.plan_lists(ex.reborrow(), status, &home).await?;
        home.retain(|r| !exclusive.contains(r));
        // Followers who asked to be notified of new posts ("notify"), not of replies to others.
        let announces = status.reblog_of_id.is_none()
            && status.visibility != Visibility::Direct
            && (status.in_reply_to_id.is_none() || self_reply);
        let wanting: Vec<i64> = followers
            .iter()
            .filter(|(_, _, wants)| *wants && announces)
            .map(|(f, _, _)| *f)
            .collect();
        let announce = match wanting.is_empty() {
            true => None,
            false => match accounts::by_id(ex.reborrow(), author).await? {
                Some(sender) => {
                    self.plan_notifications(ex.reborrow(), &wanting, &sender, "status", None)
                        .await?
                }
                None => None,
            },
        };
        Ok(Reach {
            home,
            lists,
            announce,
        })
    }

    /// Writes what [`Core::plan_fan_out`] decided for `status`.
    pub(crate) async fn write_fan_out(&self, tx: &mut Tx, reach: Reach, status: &Status) -> Result<()> {
        palisade_store::lists::push(&mut *tx, &reach.lists, status.id, status.account_id).await?;
        feeds::push(&mut *tx, &reach.home, status.id, status.account_id).await?;
        self.write_notifications(tx, reach.announce, Some(status.id))
            .await
    }

    pub async fn home_timeline(&self, viewer: &Viewer, page: &PageQuery) -> Result<StatusPage> {
        let account = viewer.account()?;
        let ids = feeds::home(&self.db, account.id, page).await?;
        self.page_of(Some(account), ids, true, Some(FilterContext::Home))
            .await
    }

    pub async fn public_timeline(
        &self,
        viewer: Option<&Account>,
        origin: Origin,
        only_media: bool,
        page: &PageQuery,
    ) -> Result<StatusPage> {
        let ids = feeds::public(&self.db, origin, viewer.map(|v| v.id), only_media, page).await?;
        self.page_of(viewer, ids, true, Some(FilterContext::Public)).await
    }

    /// A hashtag's timeline, with Mastodon's `any[]`, `all[]` and `none[]` tags in `more`
    /// (unknown tags in `all` leave nothing; elsewhere they are ignored).
    pub async fn tag_timeline(
        &self,
        viewer: Option<&Account>,
        name: &str,
        more: &MoreTags,
        local: Option<bool>,
        page: &PageQuery,
    ) -> Result<StatusPage> {
        let Some(tag) = tags::by_name(&self.db, name).await? else {
            return Ok(StatusPage::empty());
        };
        let mut selection = tags::TagSelection {
            any: vec![tag.id],
            ..Default::default()
        };
        for (names, ids, required) in [
            (&more.any, &mut selection.any, false),
            (&more.all, &mut selection.all, true),
            (&more.none, &mut selection.none, false),
        ] {
            let mut wanted: Vec<String> = Vec::new();
            for name in names.iter().take(MORE_TAGS) {
                let lower = name.trim_start_matches('#').to_lowercase();
                if !wanted.contains(&lower) {
                    wanted.push(lower);
                }
            }
            let found = tags::by_names(&self.db, &wanted).await?;
            if required && found.len() < wanted.len() {
                return Ok(StatusPage::empty());
            }
            for t in found {
                if !ids.contains(&t.id) {
                    ids.push(t.id);
                }
            }
        }
        let ids = tags::timeline(&self.db, &selection, local, page).await?;
        self.page_of(viewer, ids, true, Some(FilterContext::Public)).await
    }

    /// Public statuses sharing the link `url` (their preview card's); 404 for a link no
    /// status here has a card for, as Mastodon answers for one it does not know.
    pub async fn link_timeline(
        &self,
        viewer: Option<&Account>,
        url: &str,
        page: &PageQuery,
    ) -> Result<StatusPage> {
        let card = palisade_store::cards::by_url(&self.db, url.trim())
            .await?
            .filter(|c| c.state == "ready")
            .ok_or_else(crate::Error::not_found)?;
        let ids = feeds::link(&self.db, card.id, viewer.map(|v| v.id), page).await?;
        self.page_of(viewer, ids, true, Some(FilterContext::Public)).await
    }

    /// An account's statuses as the viewer may see them (pinned ones with `pinned`).
    pub async fn account_statuses(
        &self,
        viewer: Option<&Account>,
        account_id: i64,
        mut filter: AccountFilter,
        pinned: bool,
        tagged: Option<&str>,
        page: &PageQuery,
    ) -> Result<StatusPage> {
        let account = self.account(account_id).await?;
        if pinned {
            let ids = interactions::pinned(&self.db, account.id).await?;
            let opts = ViewOptions {
                filter: Some(FilterContext::Account),
                ..Default::default()
            };
            let statuses = self.status_views(viewer, &ids, opts).await?;
            return Ok(StatusPage {
                statuses,
                ..StatusPage::empty()
            });
        }
        if let Some(name) = tagged {
            match tags::by_name(&self.db, name).await? {
                Some(t) => filter.tag_id = Some(t.id),
                None => return Ok(StatusPage::empty()),
            }
        }
        if let Some(v) = viewer {
            filter.include_direct = v.id == account.id;
            filter.include_private = v.id == account.id
                || !relationships::following_among(&self.db, v.id, &[account.id])
                    .await?
                    .is_empty();
        }
        let ids = statuses::by_account(&self.db, account.id, &filter, page).await?;
        self.page_of(viewer, ids, false, Some(FilterContext::Account))
            .await
    }

    pub async fn marked_statuses(&self, viewer: &Viewer, mark: Mark, page: &PageQuery) -> Result<StatusPage> {
        let account = viewer.account()?;
        let ids = interactions::page_of_account(&self.db, mark, account.id, page).await?;
        self.page_of(Some(account), ids, false, None).await
    }

    pub(crate) async fn page_of(
        &self,
        viewer: Option<&Account>,
        page: Page<i64>,
        hide: bool,
        filter: Option<FilterContext>,
    ) -> Result<StatusPage> {
        let keys = page.keys();
        let ids: Vec<i64> = page.items.into_iter().map(|(_, id)| id).collect();
        let opts = ViewOptions {
            hide_blocked_and_muted: hide,
            filter,
            keep_hidden: false,
        };
        let statuses = self.status_views(viewer, &ids, opts).await?;
        Ok(StatusPage {
            statuses,
            next_max_id: keys.last().copied(),
            prev_min_id: keys.first().copied(),
            raw_len: keys.len(),
        })
    }

    /// The status behind a page key, checked for the viewer (used by single-status routes).
    pub async fn visible_status(&self, viewer: Option<&Account>, id: i64) -> Result<Status> {
        Ok(self
            .status_view(viewer, id)
            .await
            .map_err(|_| Error::not_found())?
            .status)
    }
}
