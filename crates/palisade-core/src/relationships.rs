//! Follows, follow requests, blocks and mutes, and the Relationship between two accounts.

use palisade_store::relationships::{self as rel, Edge, Follow, FollowTable};
use palisade_store::{
    Page, PageQuery, Tx, accounts, accounts::Account, feeds, ids::new_id, notifications as notes, now_ms,
    profiles,
};

use crate::auth::Viewer;
use crate::events::Event;
use crate::{Core, Error, Result};

/// Mastodon's Relationship entity, from the viewer's side.
#[derive(Clone, Debug, Default)]
pub struct Relationship {
    pub id: i64,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub muting_expires_at: Option<i64>,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    /// The viewer's private note on the account.
    pub note: String,
}

/// Options of `POST /api/v1/accounts/:id/follow`; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct FollowOptions {
    pub reblogs: Option<bool>,
    pub notify: Option<bool>,
    pub languages: Option<Vec<String>>,
}

impl Core {
    pub async fn relationships(&self, viewer: &Account, targets: &[i64]) -> Result<Vec<Relationship>> {
        let rows = rel::relationships(&self.db, viewer.id, targets).await?;
        let blocked_domains = self.member_blocks(&self.db, viewer.id).await?;
        let target_domains: std::collections::HashMap<i64, Option<String>> =
            accounts::by_ids(&self.db, targets)
                .await?
                .into_iter()
                .map(|a| (a.id, a.domain))
                .collect();
        let notes = profiles::notes_among(&self.db, viewer.id, targets).await?;
        let endorsed = profiles::endorsed_among(&self.db, viewer.id, targets).await?;
        Ok(targets
            .iter()
            .map(|&id| {
                let following = rows.following.iter().find(|f| f.target_account_id == id);
                let requested = rows.requested.iter().find(|f| f.target_account_id == id);
                let either = following.or(requested);
                let mute = rows.muting.iter().find(|m| m.0 == id);
                Relationship {
                    id,
                    following: following.is_some(),
                    showing_reblogs: either.is_some_and(|f| f.show_reblogs),
                    notifying: either.is_some_and(|f| f.notify),
                    languages: either
                        .and_then(|f| f.languages.as_ref())
                        .map(|l| l.split(',').map(str::to_owned).collect()),
                    followed_by: rows.followed_by.contains(&id),
                    blocking: rows.blocking.contains(&id),
                    blocked_by: rows.blocked_by.contains(&id),
                    muting: mute.is_some(),
                    muting_notifications: mute.is_some_and(|m| m.1),
                    muting_expires_at: mute.and_then(|m| m.2),
                    requested: requested.is_some(),
                    requested_by: rows.requested_by.contains(&id),
                    domain_blocking: blocked_domains
                        .covers(target_domains.get(&id).and_then(|d| d.as_deref())),
                    endorsed: endorsed.contains(&id),
                    note: notes
                        .iter()
                        .find(|(t, _)| *t == id)
                        .map(|(_, c)| c.clone())
                        .unwrap_or_default(),
                }
            })
            .collect())
    }

    pub async fn relationship(&self, viewer: &Account, target: i64) -> Result<Relationship> {
        self.relationships(viewer, &[target])
            .await?
            .pop()
            .ok_or_else(Error::not_found)
    }

    /// Follows (or asks to follow, when the target approves followers by hand).
    pub async fn follow(&self, viewer: &Viewer, target_id: i64, opts: FollowOptions) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        if target.id == me.id {
            return Err(Error::Forbidden("You cannot follow yourself".into()));
        }
        if rel::blocked_either_way(&self.db, me.id, target.id).await? {
            return Err(Error::Forbidden("This action is not allowed".into()));
        }
        let mut tx = self.db.begin().await?;
        for table in [FollowTable::Follows, FollowTable::Requests] {
            if let Some(mut existing) = rel::get(&mut tx, table, me.id, target.id).await? {
                let stop_reblogs = existing.show_reblogs && opts.reblogs == Some(false);
                apply_options(&mut existing, &opts);
                rel::update_options(&mut tx, table, &existing).await?;
                if stop_reblogs && table == FollowTable::Follows {
                    feeds::remove_boosts_by(&mut tx, me.id, target.id).await?;
                }
                tx.commit().await?;
                return self.relationship(me, target.id).await;
            }
        }
        let mut follow = Follow {
            id: new_id(),
            account_id: me.id,
            target_account_id: target.id,
            show_reblogs: true,
            notify: false,
            languages: None,
            uri: None,
            created_at: now_ms(),
        };
        // The id of the Follow activity, so that a later Undo can name it.
        follow.uri = Some(format!("{}#follows/{}", me.uri, follow.id));
        apply_options(&mut follow, &opts);
        if target.locked || !target.is_local() {
            // Remote targets answer with Accept (federation), local locked ones by hand.
            rel::insert(&mut tx, FollowTable::Requests, &follow).await?;
            self.notify(&mut tx, target.id, me.id, "follow_request", None)
                .await?;
            self.emit(
                &mut tx,
                vec![Event::FollowRequested {
                    account_id: me.id,
                    target_id: target.id,
                }],
            )
            .await?;
        } else {
            self.establish_follow(&mut tx, &follow).await?;
            self.notify(&mut tx, target.id, me.id, "follow", None).await?;
        }
        tx.commit().await?;
        self.relationship(me, target.id).await
    }

    /// Turns a follow into a live one: counters, home feed backfill.
    pub(crate) async fn establish_follow(&self, tx: &mut Tx, follow: &Follow) -> Result<()> {
        if rel::insert(&mut *tx, FollowTable::Follows, follow).await? {
            accounts::add_counts(&mut *tx, follow.account_id, 0, 0, 1).await?;
            accounts::add_counts(&mut *tx, follow.target_account_id, 0, 1, 0).await?;
            feeds::backfill(
                &mut *tx,
                follow.account_id,
                follow.target_account_id,
                follow.show_reblogs,
                crate::timelines::BACKFILL,
            )
            .await?;
        }
        Ok(())
    }

    pub async fn unfollow(&self, viewer: &Viewer, target_id: i64) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        let mut tx = self.db.begin().await?;
        let follow_uri = match rel::get(&mut tx, FollowTable::Follows, me.id, target.id).await? {
            Some(f) => f.uri,
            None => rel::get(&mut tx, FollowTable::Requests, me.id, target.id)
                .await?
                .and_then(|f| f.uri),
        };
        if self.sever(&mut tx, me.id, target.id).await? {
            self.emit(
                &mut tx,
                vec![Event::FollowWithdrawn {
                    account_id: me.id,
                    target_id: target.id,
                    follow_uri,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.relationship(me, target.id).await
    }

    /// Ends `follower`'s follow (or request) of `followed`, with its counters and feed;
    /// `true` if there was one. Callers record the event that fits (Undo, Reject, Block).
    pub(crate) async fn sever(&self, tx: &mut Tx, follower: i64, followed: i64) -> Result<bool> {
        if rel::delete(&mut *tx, FollowTable::Follows, follower, followed).await? {
            accounts::add_counts(&mut *tx, follower, 0, 0, -1).await?;
            accounts::add_counts(&mut *tx, followed, 0, -1, 0).await?;
            feeds::remove_posts_of(&mut *tx, follower, followed).await?;
            notes::remove(&mut *tx, followed, follower, "follow", None).await?;
            Ok(true)
        } else if rel::delete(&mut *tx, FollowTable::Requests, follower, followed).await? {
            notes::remove(&mut *tx, followed, follower, "follow_request", None).await?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Pending requests to follow the viewer, newest first.
    pub async fn follow_requests(&self, viewer: &Viewer, page: &PageQuery) -> Result<Page<i64>> {
        Ok(rel::followers_page(&self.db, FollowTable::Requests, viewer.account_id()?, page).await?)
    }

    /// Accepts (`accept`) or rejects a pending request from `requester`.
    pub async fn answer_follow_request(
        &self,
        viewer: &Viewer,
        requester: i64,
        accept: bool,
    ) -> Result<Relationship> {
        let me = viewer.account()?;
        let mut tx = self.db.begin().await?;
        let request = rel::get(&mut tx, FollowTable::Requests, requester, me.id)
            .await?
            .ok_or_else(Error::not_found)?;
        rel::delete(&mut tx, FollowTable::Requests, requester, me.id).await?;
        notes::remove(&mut tx, me.id, requester, "follow_request", None).await?;
        if accept {
            self.establish_follow(
                &mut tx,
                &Follow {
                    id: new_id(),
                    created_at: now_ms(),
                    ..request.clone()
                },
            )
            .await?;
            self.emit(
                &mut tx,
                vec![Event::FollowAccepted {
                    account_id: requester,
                    target_id: me.id,
                    follow_uri: request.uri.clone(),
                }],
            )
            .await?;
        } else {
            self.emit(
                &mut tx,
                vec![Event::FollowRejected {
                    account_id: requester,
                    target_id: me.id,
                    follow_uri: request.uri.clone(),
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.relationship(me, requester).await
    }

    /// Blocks: ends follows both ways and hides everything between the two.
    pub async fn block(&self, viewer: &Viewer, target_id: i64) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        if target.id == me.id {
            return Err(Error::Forbidden("You cannot block yourself".into()));
        }
        let mut tx = self.db.begin().await?;
        self.sever(&mut tx, me.id, target.id).await?;
        self.sever(&mut tx, target.id, me.id).await?;
        feeds::remove_author(&mut tx, me.id, target.id).await?;
        notes::remove_all_from(&mut tx, me.id, target.id).await?;
        rel::block(&mut tx, new_id(), me.id, target.id).await?;
        self.emit(
            &mut tx,
            vec![Event::Blocked {
                account_id: me.id,
                target_id: target.id,
            }],
        )
        .await?;
        tx.commit().await?;
        self.relationship(me, target.id).await
    }

    pub async fn unblock(&self, viewer: &Viewer, target_id: i64) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        let mut tx = self.db.begin().await?;
        if rel::remove_edge(&mut tx, Edge::Blocks, me.id, target.id).await? {
            self.emit(
                &mut tx,
                vec![Event::Unblocked {
                    account_id: me.id,
                    target_id: target.id,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.relationship(me, target.id).await
    }

    /// Mutes for `duration_secs` (0 or none: until unmuted), notifications too by default.
    pub async fn mute(
        &self,
        viewer: &Viewer,
        target_id: i64,
        notifications: bool,
        duration_secs: Option<i64>,
    ) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        if target.id == me.id {
            return Err(Error::Forbidden("You cannot mute yourself".into()));
        }
        // Capped at ten years, so no duration can overflow.
        let expires_at = duration_secs
            .filter(|d| *d > 0)
            .map(|d| now_ms().saturating_add(d.min(10 * 365 * 86_400) * 1000));
        let mut tx = self.db.begin().await?;
        rel::mute(&mut tx, new_id(), me.id, target.id, notifications, expires_at).await?;
        feeds::remove_author(&mut tx, me.id, target.id).await?;
        tx.commit().await?;
        self.relationship(me, target.id).await
    }

    pub async fn unmute(&self, viewer: &Viewer, target_id: i64) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        rel::remove_edge(&self.db, Edge::Mutes, me.id, target.id).await?;
        self.relationship(me, target.id).await
    }

    pub async fn blocks_or_mutes(&self, viewer: &Viewer, edge: Edge, page: &PageQuery) -> Result<Page<i64>> {
        Ok(rel::edge_page(&self.db, edge, viewer.account_id()?, page).await?)
    }

    /// Followers (`followers`) or followed accounts of `account_id`; empty when the owner
    /// hides their network from others.
    pub async fn network(
        &self,
        viewer: Option<&Account>,
        account_id: i64,
        followers: bool,
        page: &PageQuery,
    ) -> Result<Page<i64>> {
        let account = self.account(account_id).await?;
        let own = viewer.is_some_and(|v| v.id == account.id);
        let blocked = match viewer {
            Some(v) if !own => !rel::excluded_among(&self.db, v.id, &[account.id], false)
                .await?
                .is_empty(),
            _ => false,
        };
        if blocked || (account.hide_collections && !own) {
            return Ok(Page { items: Vec::new() });
        }
        if followers {
            Ok(rel::followers_page(&self.db, FollowTable::Follows, account.id, page).await?)
        } else {
            Ok(rel::following_page(&self.db, account.id, page).await?)
        }
    }
}

fn apply_options(f: &mut Follow, opts: &FollowOptions) {
    if let Some(r) = opts.reblogs {
        f.show_reblogs = r;
    }
    if let Some(n) = opts.notify {
        f.notify = n;
    }
    if let Some(langs) = &opts.languages {
        f.languages = (!langs.is_empty()).then(|| langs.join(","));
    }
}

impl Core {
    /// Makes `follower_id` stop following the viewer (Mastodon's "remove from followers").
    pub async fn remove_follower(&self, viewer: &Viewer, follower_id: i64) -> Result<Relationship> {
        let me = viewer.account()?;
        let follower = self.account(follower_id).await?;
        let mut tx = self.db.begin().await?;
        let follow_uri = rel::get(&mut tx, FollowTable::Follows, follower.id, me.id)
            .await?
            .and_then(|f| f.uri);
        if self.sever(&mut tx, follower.id, me.id).await? {
            self.emit(
                &mut tx,
                vec![Event::FollowRejected {
                    account_id: follower.id,
                    target_id: me.id,
                    follow_uri,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.relationship(me, follower.id).await
    }
}
