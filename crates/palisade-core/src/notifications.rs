//! Notifications: created inside the transaction of what caused them, read in pages.

use palisade_store::notifications::{self, Filter, Notification};
use palisade_store::{Page, PageQuery, Tx, accounts, ids::new_id, now_ms, relationships};

use crate::auth::Viewer;
use crate::{Core, Error, Result};

/// Every notification type Mastodon defines (filters accept them all).
pub const TYPES: &[&str] = &[
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
    "severed_relationships",
    "moderation_warning",
];

/// Notifies local account `to` that `from` did `kind`, unless `to` is `from`, is remote, or
/// blocks or mutes `from` (with notifications hidden).
pub(crate) async fn notify(
    tx: &mut Tx,
    to: i64,
    from: i64,
    kind: &str,
    status_id: Option<i64>,
) -> Result<()> {
    if to == from {
        return Ok(());
    }
    let Some(recipient) = accounts::by_id(&mut *tx, to).await? else {
        return Ok(());
    };
    if !recipient.is_local() {
        return Ok(());
    }
    if relationships::blocked_either_way(&mut *tx, to, from).await?
        || relationships::mute_of(&mut *tx, to, from).await? == Some(true)
    {
        return Ok(());
    }
    notifications::insert(
        &mut *tx,
        &Notification {
            id: new_id(),
            account_id: to,
            from_account_id: from,
            kind: kind.to_owned(),
            status_id,
            created_at: now_ms(),
        },
    )
    .await?;
    Ok(())
}

impl Core {
    pub async fn notifications(
        &self,
        viewer: &Viewer,
        filter: &Filter,
        page: &PageQuery,
    ) -> Result<Page<Notification>> {
        let account = viewer.account_id()?;
        Ok(notifications::page(&self.db, account, filter, page).await?)
    }

    pub async fn notification(&self, viewer: &Viewer, id: i64) -> Result<Notification> {
        notifications::get(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn dismiss_notification(&self, viewer: &Viewer, id: i64) -> Result<()> {
        if notifications::dismiss(&self.db, viewer.account_id()?, id).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    pub async fn clear_notifications(&self, viewer: &Viewer) -> Result<()> {
        Ok(notifications::clear(&self.db, viewer.account_id()?).await?)
    }

    /// Unread notifications (after the notifications marker), capped as Mastodon caps it.
    pub async fn unread_notifications(&self, viewer: &Viewer, limit: i64) -> Result<i64> {
        let account = viewer.account_id()?;
        let markers = palisade_store::markers::get(&self.db, account).await?;
        let since = markers
            .iter()
            .find(|m| m.timeline == "notifications")
            .map_or(0, |m| m.last_read_id);
        Ok(notifications::count_after(&self.db, account, since, limit).await?)
    }
}
