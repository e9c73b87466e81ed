//! Favourites, boosts, bookmarks and pins.

use palisade_store::interactions::{self, Mark};
use palisade_store::statuses::{self, Status};
use palisade_store::{Page, PageQuery, Visibility, accounts, ids::new_id, notifications, now_ms};

use crate::auth::Viewer;
use crate::events::Event;
use crate::policy;
use crate::status_rows::{NewStatusRow, RowKind, build};
use crate::views::StatusView;
use crate::{Core, Error, Result};

/// Pinned statuses per account, as Mastodon limits them.
const MAX_PINS: i64 = 5;

impl Core {
    pub async fn favourite(&self, viewer: &Viewer, id: i64) -> Result<StatusView> {
        let me = viewer.account()?;
        let status = self.visible_status(Some(me), id).await?;
        let target = content_status(self, status).await?;
        let mut tx = self.db.begin().await?;
        if interactions::add(&mut tx, Mark::Favourite, new_id(), me.id, target.id).await? {
            statuses::add_counts(&mut tx, target.id, 0, 0, 1).await?;
            self.notify(&mut tx, target.account_id, me.id, "favourite", Some(target.id))
                .await?;
            self.emit(
                &mut tx,
                vec![Event::Favourited {
                    account_id: me.id,
                    status_id: target.id,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.status_view(Some(me), target.id).await
    }

    pub async fn unfavourite(&self, viewer: &Viewer, id: i64) -> Result<StatusView> {
        let me = viewer.account()?;
        let status = self.visible_status(Some(me), id).await?;
        let target = content_status(self, status).await?;
        let mut tx = self.db.begin().await?;
        if interactions::remove(&mut tx, Mark::Favourite, me.id, target.id).await? {
            statuses::add_counts(&mut tx, target.id, 0, 0, -1).await?;
            notifications::remove(&mut tx, target.account_id, me.id, "favourite", Some(target.id)).await?;
            self.emit(
                &mut tx,
                vec![Event::Unfavourited {
                    account_id: me.id,
                    status_id: target.id,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.status_view(Some(me), target.id).await
    }

    /// Boosts a status; boosting twice returns the existing boost.
    pub async fn reblog(&self, viewer: &Viewer, id: i64, visibility: Option<&str>) -> Result<StatusView> {
        let me = viewer.account()?;
        let status = self.visible_status(Some(me), id).await?;
        let target = content_status(self, status).await?;
        if !policy::may_reblog(&target, me.id) {
            return Err(Error::invalid(
                "Validation failed: Reblog of status is not allowed",
            ));
        }
        if let Some(existing) = statuses::reblog_by(&self.db, me.id, target.id).await? {
            return self.status_view(Some(me), existing.id).await;
        }
        let default = viewer
            .user
            .as_ref()
            .and_then(|u| crate::preferences::preferences_of(u).default_privacy)
            .filter(|v| v != "direct");
        let visibility = match visibility.or(default.as_deref()).map(Visibility::parse) {
            // A self-boost of a followers-only post stays followers-only.
            _ if target.visibility == Visibility::Private => Visibility::Private,
            Some(Some(v)) if v != Visibility::Direct => v,
            Some(_) => {
                return Err(Error::field(
                    "visibility",
                    "ERR_INVALID",
                    "is not included in the list",
                ));
            }
            None => Visibility::Public,
        };
        let rid = new_id();
        let urls = self.urls();
        let reblog = build(NewStatusRow {
            id: rid,
            author: me,
            uri: urls.boost(&me.username, rid),
            url: None,
            visibility,
            created_at: now_ms(),
            app_id: viewer.token.app_id,
            kind: RowKind::Boost { of: target.id },
        });
        let mut tx = self.db.begin().await?;
        match statuses::insert(&mut tx, &reblog).await {
            Ok(()) => {}
            // A concurrent boost of the same status won the race: answer with it.
            Err(palisade_store::StoreError::Conflict(_)) => {
                drop(tx);
                let existing = statuses::reblog_by(&self.db, me.id, target.id)
                    .await?
                    .ok_or_else(Error::not_found)?;
                return self.status_view(Some(me), existing.id).await;
            }
            Err(e) => return Err(e.into()),
        }
        statuses::add_counts(&mut tx, target.id, 0, 1, 0).await?;
        accounts::add_counts(&mut tx, me.id, 1, 0, 0).await?;
        self.notify(&mut tx, target.account_id, me.id, "reblog", Some(target.id))
            .await?;
        self.fan_out(&mut tx, &reblog, &[], &[]).await?;
        self.emit(&mut tx, vec![Event::Reblogged { status_id: rid }])
            .await?;
        self.live(&mut tx, crate::live::LiveEvent::StatusCreated { id: rid });
        tx.commit().await?;
        self.status_view(Some(me), rid).await
    }

    /// Removes the viewer's boost; returns the original status.
    pub async fn unreblog(&self, viewer: &Viewer, id: i64) -> Result<StatusView> {
        let me = viewer.account()?;
        let status = statuses::by_id(&self.db, id)
            .await?
            .ok_or_else(Error::not_found)?;
        let original_id = status.reblog_of_id.unwrap_or(status.id);
        if let Some(boost) = statuses::reblog_by(&self.db, me.id, original_id).await? {
            let mut tx = self.db.begin().await?;
            if !self.remove_status(&mut tx, &boost).await? {
                return self.status_view(Some(me), original_id).await;
            }
            self.emit(
                &mut tx,
                vec![Event::Unreblogged {
                    boost_id: Some(boost.id),
                    account_id: me.id,
                    uri: boost.uri.clone(),
                    original_id,
                }],
            )
            .await?;
            tx.commit().await?;
        }
        self.status_view(Some(me), original_id).await
    }

    pub async fn set_bookmark(&self, viewer: &Viewer, id: i64, on: bool) -> Result<StatusView> {
        let me = viewer.account()?;
        let status = self.visible_status(Some(me), id).await?;
        let target = content_status(self, status).await?;
        if on {
            interactions::add(&self.db, Mark::Bookmark, new_id(), me.id, target.id).await?;
        } else {
            interactions::remove(&self.db, Mark::Bookmark, me.id, target.id).await?;
        }
        self.status_view(Some(me), target.id).await
    }

    pub async fn set_pin(&self, viewer: &Viewer, id: i64, on: bool) -> Result<StatusView> {
        let me = viewer.account()?;
        let status = self.own_status(me, id).await?;
        if on {
            if status.reblog_of_id.is_some() {
                return Err(Error::invalid("Validation failed: You cannot pin a boost"));
            }
            if status.visibility == Visibility::Direct {
                return Err(Error::invalid(
                    "Validation failed: Only public, unlisted or followers-only posts can be pinned",
                ));
            }
            if interactions::count_of_account(&self.db, Mark::Pin, me.id).await? >= MAX_PINS {
                return Err(Error::invalid(format!(
                    "Validation failed: You have already pinned the maximum number of posts ({MAX_PINS})"
                )));
            }
            interactions::add(&self.db, Mark::Pin, new_id(), me.id, status.id).await?;
        } else {
            interactions::remove(&self.db, Mark::Pin, me.id, status.id).await?;
        }
        self.status_view(Some(me), status.id).await
    }

    /// Who favourited or boosted a status, newest first, keyed for pagination.
    pub async fn status_audience(
        &self,
        viewer: Option<&palisade_store::accounts::Account>,
        id: i64,
        boosts: bool,
        page: &PageQuery,
    ) -> Result<Page<i64>> {
        self.visible_status(viewer, id).await?;
        if boosts {
            return Ok(statuses::reblogs_page(&self.db, id, page).await?);
        }
        Ok(interactions::page_of_status(&self.db, Mark::Favourite, id, page).await?)
    }
}

/// Interactions with a boost apply to the boosted status.
async fn content_status(core: &Core, status: Status) -> Result<Status> {
    match status.reblog_of_id {
        Some(orig) => statuses::by_id(&core.db, orig)
            .await?
            .ok_or_else(Error::not_found),
        None => Ok(status),
    }
}
