//! Notification policies and requests (Mastodon 4.3): notifications from strangers that a
//! member's policy filters wait in one request per sender, until accepted (they join the
//! notifications, and that sender is let through from then on) or dismissed (deleted).

use palisade_store::notification_requests::{self as store, Policy, Request};
use palisade_store::{Page, PageQuery};

use crate::auth::Viewer;
use crate::live::LiveEvent;
use crate::views::StatusView;
use crate::{Core, Error, Result};

/// A policy with its summary: pending requests and the notifications they hold.
#[derive(Clone, Debug)]
pub struct PolicyView {
    pub policy: Policy,
    pub pending_requests: i64,
    pub pending_notifications: i64,
}

/// A policy change: `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct PolicyChanges {
    pub for_not_following: Option<String>,
    pub for_not_followers: Option<String>,
    pub for_new_accounts: Option<String>,
    pub for_private_mentions: Option<String>,
    pub for_limited_accounts: Option<String>,
}

/// A request as its entity shows it.
#[derive(Clone, Debug)]
pub struct RequestView {
    pub request: Request,
    pub account: palisade_store::accounts::Account,
    pub last_status: Option<StatusView>,
}

fn check(field: &'static str, value: Option<String>, current: &mut String) -> Result<()> {
    if let Some(v) = value {
        match v.as_str() {
            "accept" | "filter" | "drop" => *current = v,
            _ => {
                return Err(Error::field(
                    field,
                    "ERR_INCLUSION",
                    "is not included in the list",
                ));
            }
        }
    }
    Ok(())
}

impl Core {
    pub async fn notification_policy(&self, viewer: &Viewer) -> Result<PolicyView> {
        let me = viewer.account_id()?;
        let policy = store::policies_of(&self.db, &[me])
            .await?
            .pop()
            .unwrap_or_else(|| Policy::default_for(me));
        let (pending_requests, pending_notifications) = store::summary(&self.db, me).await?;
        Ok(PolicyView {
            policy,
            pending_requests,
            pending_notifications,
        })
    }

    pub async fn update_notification_policy(&self, viewer: &Viewer, c: PolicyChanges) -> Result<PolicyView> {
        let mut p = self.notification_policy(viewer).await?.policy;
        check("for_not_following", c.for_not_following, &mut p.for_not_following)?;
        check("for_not_followers", c.for_not_followers, &mut p.for_not_followers)?;
        check("for_new_accounts", c.for_new_accounts, &mut p.for_new_accounts)?;
        check(
            "for_private_mentions",
            c.for_private_mentions,
            &mut p.for_private_mentions,
        )?;
        check(
            "for_limited_accounts",
            c.for_limited_accounts,
            &mut p.for_limited_accounts,
        )?;
        store::set_policy(&self.db, &p).await?;
        self.notification_policy(viewer).await
    }

    async fn request_views(&self, viewer: &Viewer, list: Vec<Request>) -> Result<Vec<RequestView>> {
        let me = viewer.account()?;
        let senders: Vec<i64> = list.iter().map(|r| r.from_account_id).collect();
        let accounts = self.account_views(&senders).await?;
        let status_ids: Vec<i64> = list.iter().filter_map(|r| r.last_status_id).collect();
        let statuses = self
            .status_views(Some(me), &status_ids, Default::default())
            .await?;
        Ok(list
            .into_iter()
            .filter_map(|r| {
                let account = accounts.iter().find(|a| a.id == r.from_account_id)?.clone();
                let last_status = r
                    .last_status_id
                    .and_then(|s| statuses.iter().find(|v| v.status.id == s).cloned());
                Some(RequestView {
                    request: r,
                    account,
                    last_status,
                })
            })
            .collect())
    }

    pub async fn notification_requests(
        &self,
        viewer: &Viewer,
        page: &PageQuery,
    ) -> Result<(Page<()>, Vec<RequestView>)> {
        let rows = store::page(&self.db, viewer.account_id()?, page).await?;
        let keys = Page {
            items: rows.items.iter().map(|(k, _)| (*k, ())).collect(),
        };
        let views = self
            .request_views(viewer, rows.items.into_iter().map(|(_, r)| r).collect())
            .await?;
        Ok((keys, views))
    }

    pub async fn notification_request(&self, viewer: &Viewer, id: i64) -> Result<RequestView> {
        let r = store::get(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)?;
        self.request_views(viewer, vec![r])
            .await?
            .pop()
            .ok_or_else(Error::not_found)
    }

    /// Accepts requests: their notifications join the member's, their senders are let
    /// through from now on; streams hear `notifications_merged`.
    pub async fn accept_notification_requests(&self, viewer: &Viewer, ids: &[i64]) -> Result<()> {
        let me = viewer.account_id()?;
        let mut tx = self.db.begin().await?;
        for id in ids {
            let Some(r) = store::get(&mut tx, me, *id).await? else {
                continue;
            };
            store::permit(&mut tx, me, r.from_account_id).await?;
            store::release(&mut tx, me, r.from_account_id).await?;
            store::delete(&mut tx, me, *id).await?;
        }
        self.live(&mut tx, LiveEvent::NotificationsMerged { account: me });
        tx.commit().await?;
        Ok(())
    }

    /// Dismisses requests: their notifications are deleted.
    pub async fn dismiss_notification_requests(&self, viewer: &Viewer, ids: &[i64]) -> Result<()> {
        let me = viewer.account_id()?;
        let mut tx = self.db.begin().await?;
        for id in ids {
            let Some(r) = store::get(&mut tx, me, *id).await? else {
                continue;
            };
            store::discard(&mut tx, me, r.from_account_id).await?;
            store::delete(&mut tx, me, *id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One request by id (404 when it is not the viewer's): for the single-request routes.
    pub async fn require_notification_request(&self, viewer: &Viewer, id: i64) -> Result<()> {
        store::get(&self.db, viewer.account_id()?, id)
            .await?
            .map(|_| ())
            .ok_or_else(Error::not_found)
    }
}
