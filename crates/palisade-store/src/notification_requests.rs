//! Notification policies (Mastodon 4.3): what becomes of notifications from strangers, the
//! requests filtered ones wait in (one per sender), and the senders a member accepted.

use crate::db::{Exec, Row, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, ids::new_id, now_ms};

/// `accept`, `filter` or `drop` for each kind of stranger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub account_id: i64,
    pub for_not_following: String,
    pub for_not_followers: String,
    pub for_new_accounts: String,
    pub for_private_mentions: String,
    pub for_limited_accounts: String,
}

impl Policy {
    /// Mastodon's defaults: private mentions and limited accounts filtered.
    pub fn default_for(account_id: i64) -> Policy {
        Policy {
            account_id,
            for_not_following: "accept".into(),
            for_not_followers: "accept".into(),
            for_new_accounts: "accept".into(),
            for_private_mentions: "filter".into(),
            for_limited_accounts: "filter".into(),
        }
    }
}

const COLS: &str = "account_id, for_not_following, for_not_followers, for_new_accounts, for_private_mentions, for_limited_accounts";

fn from_row(r: &Row) -> Result<Policy> {
    Ok(Policy {
        account_id: r.i64("account_id")?,
        for_not_following: r.string("for_not_following")?,
        for_not_followers: r.string("for_not_followers")?,
        for_new_accounts: r.string("for_new_accounts")?,
        for_private_mentions: r.string("for_private_mentions")?,
        for_limited_accounts: r.string("for_limited_accounts")?,
    })
}

/// The stored policies of `accounts` (those without one use the defaults).
pub async fn policies_of<'a>(ex: impl Into<Exec<'a>>, accounts: &[i64]) -> Result<Vec<Policy>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM notification_policies WHERE account_id IN ({})",
        placeholders(1, accounts.len())
    ))
    .bind_all(accounts.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// What decides a notification from `from` for one recipient.
#[derive(Clone, Debug)]
pub struct Standing {
    pub policy: Policy,
    /// The recipient follows `from`.
    pub follows_sender: bool,
    /// `from` follows the recipient.
    pub followed_by_sender: bool,
    /// The recipient accepted `from`'s notifications once.
    pub permitted: bool,
    /// The recipient has a Web Push subscription.
    pub subscribed: bool,
}

/// The standing of `from` with each of `recipients`, in one read (a received status waits
/// for it): their policies (defaults where none is stored), the follows both ways, the
/// permissions and whether they subscribed to Web Push. Recipients with no account row are left out.
pub async fn standing_among<'a>(
    ex: impl Into<Exec<'a>>,
    from: i64,
    recipients: &[i64],
) -> Result<Vec<Standing>> {
    if recipients.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT a.id, p.for_not_following, p.for_not_followers, p.for_new_accounts, \
         p.for_private_mentions, p.for_limited_accounts, \
         EXISTS (SELECT 1 FROM follows f WHERE f.account_id = a.id AND f.target_account_id = $1) AS follows_sender, \
         EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = a.id) AS followed_by_sender, \
         EXISTS (SELECT 1 FROM notification_permissions n WHERE n.account_id = a.id AND n.from_account_id = $1) AS permitted, \
         EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.account_id = a.id) AS subscribed \
         FROM accounts a LEFT JOIN notification_policies p ON p.account_id = a.id WHERE a.id IN ({})",
        placeholders(2, recipients.len())
    ))
    .bind(from)
    .bind_all(recipients.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        let id = r.i64("id")?;
        let policy = match r.opt_string("for_not_following")? {
            None => Policy::default_for(id),
            Some(for_not_following) => Policy {
                account_id: id,
                for_not_following,
                for_not_followers: r.string("for_not_followers")?,
                for_new_accounts: r.string("for_new_accounts")?,
                for_private_mentions: r.string("for_private_mentions")?,
                for_limited_accounts: r.string("for_limited_accounts")?,
            },
        };
        Ok(Standing {
            policy,
            follows_sender: r.bool("follows_sender")?,
            followed_by_sender: r.bool("followed_by_sender")?,
            permitted: r.bool("permitted")?,
            subscribed: r.bool("subscribed")?,
        })
    })
    .collect()
}

pub async fn set_policy<'a>(ex: impl Into<Exec<'a>>, p: &Policy) -> Result<()> {
    q(format!(
        "INSERT INTO notification_policies ({COLS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (account_id) DO UPDATE SET for_not_following = excluded.for_not_following, \
         for_not_followers = excluded.for_not_followers, for_new_accounts = excluded.for_new_accounts, \
         for_private_mentions = excluded.for_private_mentions, \
         for_limited_accounts = excluded.for_limited_accounts, updated_at = excluded.updated_at"
    ))
    .bind(p.account_id)
    .bind(&p.for_not_following)
    .bind(&p.for_not_followers)
    .bind(&p.for_new_accounts)
    .bind(&p.for_private_mentions)
    .bind(&p.for_limited_accounts)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn permit<'a>(ex: impl Into<Exec<'a>>, account_id: i64, from: i64) -> Result<()> {
    q(
        "INSERT INTO notification_permissions (account_id, from_account_id, created_at) VALUES ($1, $2, $3) \
       ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(from)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub account_id: i64,
    pub from_account_id: i64,
    pub last_status_id: Option<i64>,
    pub notifications_count: i64,
    pub updated_at: i64,
}

const REQUEST_SELECT: &str = "SELECT r.id, r.account_id, r.from_account_id, r.last_status_id, r.updated_at, \
    (SELECT COUNT(*) FROM notifications n WHERE n.account_id = r.account_id \
       AND n.from_account_id = r.from_account_id AND n.filtered = TRUE) AS notifications_count \
    FROM notification_requests r";

fn request_from_row(r: &Row) -> Result<Request> {
    Ok(Request {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        from_account_id: r.i64("from_account_id")?,
        last_status_id: r.opt_i64("last_status_id")?,
        notifications_count: r.i64("notifications_count")?,
        updated_at: r.i64("updated_at")?,
    })
}

/// Files filtered notifications from `from` under a request for each of `recipients`.
pub async fn file<'a>(
    ex: impl Into<Exec<'a>>,
    recipients: &[i64],
    from: i64,
    status_id: Option<i64>,
) -> Result<()> {
    let mut ex = ex.into();
    let now = now_ms();
    for r in recipients {
        q(
            "INSERT INTO notification_requests (id, account_id, from_account_id, last_status_id, updated_at) \
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, from_account_id) DO UPDATE SET \
           last_status_id = COALESCE(excluded.last_status_id, notification_requests.last_status_id), \
           updated_at = excluded.updated_at",
        )
        .bind(new_id())
        .bind(*r)
        .bind(from)
        .bind(status_id)
        .bind(now)
        .execute(ex.reborrow())
        .await?;
    }
    Ok(())
}

pub async fn page<'a>(ex: impl Into<Exec<'a>>, account_id: i64, page: &PageQuery) -> Result<Page<Request>> {
    let (clause, args) = page.clause("r.id", 2);
    let rows = q(format!("{REQUEST_SELECT} WHERE r.account_id = $1{clause}"))
        .bind(account_id)
        .bind_all(args)
        .fetch_all(ex)
        .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, request_from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<Option<Request>> {
    q(format!("{REQUEST_SELECT} WHERE r.account_id = $1 AND r.id = $2"))
        .bind(account_id)
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(request_from_row)
        .transpose()
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM notification_requests WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// Pending requests and the notifications they hold, for the policy's summary.
pub async fn summary<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<(i64, i64)> {
    let mut ex = ex.into();
    let requests = q("SELECT COUNT(*) FROM notification_requests WHERE account_id = $1")
        .bind(account_id)
        .fetch_i64(ex.reborrow())
        .await?;
    let notifications = q("SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND filtered = TRUE")
        .bind(account_id)
        .fetch_i64(ex)
        .await?;
    Ok((requests, notifications))
}

/// Lets a request's notifications through (accepted): they join the member's notifications.
pub async fn release<'a>(ex: impl Into<Exec<'a>>, account_id: i64, from: i64) -> Result<Vec<i64>> {
    q(
        "UPDATE notifications SET filtered = FALSE WHERE account_id = $1 AND from_account_id = $2 \
       AND filtered = TRUE RETURNING id",
    )
    .bind(account_id)
    .bind(from)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("id"))
    .collect()
}

/// Deletes a request's notifications (dismissed).
pub async fn discard<'a>(ex: impl Into<Exec<'a>>, account_id: i64, from: i64) -> Result<()> {
    q("DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND filtered = TRUE")
        .bind(account_id)
        .bind(from)
        .execute(ex)
        .await?;
    Ok(())
}
