//! Follows, follow requests, blocks and mutes between accounts.

use crate::db::{Exec, Row, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct Follow {
    pub id: i64,
    pub account_id: i64,
    pub target_account_id: i64,
    pub show_reblogs: bool,
    pub notify: bool,
    pub languages: Option<String>,
    pub uri: Option<String>,
    pub created_at: i64,
}

const FOLLOW_COLS: &str =
    "id, account_id, target_account_id, show_reblogs, notify, languages, uri, created_at";

fn follow_from_row(r: &Row) -> Result<Follow> {
    Ok(Follow {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        target_account_id: r.i64("target_account_id")?,
        show_reblogs: r.bool("show_reblogs")?,
        notify: r.bool("notify")?,
        languages: r.opt_string("languages")?,
        uri: r.opt_string("uri")?,
        created_at: r.i64("created_at")?,
    })
}

/// The two tables with the same shape: established follows and pending requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowTable {
    Follows,
    Requests,
}

impl FollowTable {
    fn name(self) -> &'static str {
        match self {
            FollowTable::Follows => "follows",
            FollowTable::Requests => "follow_requests",
        }
    }
}

pub async fn get<'a>(
    ex: impl Into<Exec<'a>>,
    table: FollowTable,
    account_id: i64,
    target_id: i64,
) -> Result<Option<Follow>> {
    q(format!(
        "SELECT {FOLLOW_COLS} FROM {} WHERE account_id = $1 AND target_account_id = $2",
        table.name()
    ))
    .bind(account_id)
    .bind(target_id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(follow_from_row)
    .transpose()
}

/// Inserts a follow or request; `false` when it already existed (then nothing changes).
pub async fn insert<'a>(ex: impl Into<Exec<'a>>, table: FollowTable, f: &Follow) -> Result<bool> {
    let n = q(format!(
        "INSERT INTO {} ({FOLLOW_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (account_id, target_account_id) DO NOTHING",
        table.name()
    ))
    .bind(f.id)
    .bind(f.account_id)
    .bind(f.target_account_id)
    .bind(f.show_reblogs)
    .bind(f.notify)
    .bind(&f.languages)
    .bind(&f.uri)
    .bind(f.created_at)
    .execute(ex)
    .await?;
    Ok(n == 1)
}

/// Changes the options of an existing follow or request.
pub async fn update_options<'a>(ex: impl Into<Exec<'a>>, table: FollowTable, f: &Follow) -> Result<()> {
    q(format!(
        "UPDATE {} SET show_reblogs = $3, notify = $4, languages = $5 \
         WHERE account_id = $1 AND target_account_id = $2",
        table.name()
    ))
    .bind(f.account_id)
    .bind(f.target_account_id)
    .bind(f.show_reblogs)
    .bind(f.notify)
    .bind(&f.languages)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes a follow or request; `true` if one existed.
pub async fn delete<'a>(
    ex: impl Into<Exec<'a>>,
    table: FollowTable,
    account_id: i64,
    target_id: i64,
) -> Result<bool> {
    let n = q(format!(
        "DELETE FROM {} WHERE account_id = $1 AND target_account_id = $2",
        table.name()
    ))
    .bind(account_id)
    .bind(target_id)
    .execute(ex)
    .await?;
    Ok(n > 0)
}

/// Who follows `account_id` (or requested to), newest first, keyed by the follow's id.
pub async fn followers_page<'a>(
    ex: impl Into<Exec<'a>>,
    table: FollowTable,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, account_id FROM {} WHERE target_account_id = $1{clause}",
        table.name()
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("account_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Whom `account_id` follows, newest first, keyed by the follow's id.
pub async fn following_page<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, target_account_id FROM follows WHERE account_id = $1{clause}"
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("target_account_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Of `candidates`, those that follow `account_id`.
pub async fn followers_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    candidates: &[i64],
) -> Result<Vec<i64>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT account_id FROM follows WHERE target_account_id = $1 AND account_id IN ({})",
        placeholders(2, candidates.len())
    ))
    .bind(account_id)
    .bind_all(candidates.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("account_id"))
    .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Blocks,
    Mutes,
}

impl Edge {
    fn table(self) -> &'static str {
        match self {
            Edge::Blocks => "blocks",
            Edge::Mutes => "mutes",
        }
    }
}

pub async fn block<'a>(ex: impl Into<Exec<'a>>, id: i64, account_id: i64, target_id: i64) -> Result<()> {
    q(
        "INSERT INTO blocks (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4) \
       ON CONFLICT (account_id, target_account_id) DO NOTHING",
    )
    .bind(id)
    .bind(account_id)
    .bind(target_id)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// Mutes (or re-mutes with new options).
pub async fn mute<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    account_id: i64,
    target_id: i64,
    hide_notifications: bool,
    expires_at: Option<i64>,
) -> Result<()> {
    q(
        "INSERT INTO mutes (id, account_id, target_account_id, hide_notifications, expires_at, \
       created_at) VALUES ($1, $2, $3, $4, $5, $6) \
       ON CONFLICT (account_id, target_account_id) DO UPDATE SET \
       hide_notifications = excluded.hide_notifications, expires_at = excluded.expires_at",
    )
    .bind(id)
    .bind(account_id)
    .bind(target_id)
    .bind(hide_notifications)
    .bind(expires_at)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn remove_edge<'a>(
    ex: impl Into<Exec<'a>>,
    edge: Edge,
    account_id: i64,
    target_id: i64,
) -> Result<bool> {
    let n = q(format!(
        "DELETE FROM {} WHERE account_id = $1 AND target_account_id = $2",
        edge.table()
    ))
    .bind(account_id)
    .bind(target_id)
    .execute(ex)
    .await?;
    Ok(n > 0)
}

/// Accounts blocked or muted by `account_id`, newest first, keyed by the row id.
/// Expired mutes are left out.
pub async fn edge_page<'a>(
    ex: impl Into<Exec<'a>>,
    edge: Edge,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let mut head = vec![crate::Arg::from(account_id)];
    let expiry = match edge {
        Edge::Mutes => {
            head.push(now_ms().into());
            " AND (expires_at IS NULL OR expires_at > $2)"
        }
        Edge::Blocks => "",
    };
    let (clause, args) = page.clause("id", head.len() + 1);
    let rows = q(format!(
        "SELECT id, target_account_id FROM {} WHERE account_id = $1{expiry}{clause}",
        edge.table()
    ))
    .bind_all(head)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("target_account_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Whether either account blocks the other.
pub async fn blocked_either_way<'a>(ex: impl Into<Exec<'a>>, a: i64, b: i64) -> Result<bool> {
    Ok(q(
        "SELECT 1 FROM blocks WHERE (account_id = $1 AND target_account_id = $2) \
          OR (account_id = $2 AND target_account_id = $1)",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(ex)
    .await?
    .is_some())
}

/// Whether `viewer` has muted `target` (and the mute has not expired).
pub async fn mute_of<'a>(ex: impl Into<Exec<'a>>, viewer: i64, target: i64) -> Result<Option<bool>> {
    q(
        "SELECT hide_notifications FROM mutes WHERE account_id = $1 AND target_account_id = $2 \
       AND (expires_at IS NULL OR expires_at > $3)",
    )
    .bind(viewer)
    .bind(target)
    .bind(now_ms())
    .fetch_optional(ex)
    .await?
    .map(|r| r.bool("hide_notifications"))
    .transpose()
}

/// Everything the Relationship entity needs between `viewer` and each of `targets`,
/// in a constant number of queries.
#[derive(Clone, Debug, Default)]
pub struct RelationshipRows {
    pub following: Vec<Follow>,
    pub followed_by: Vec<i64>,
    pub requested: Vec<Follow>,
    pub requested_by: Vec<i64>,
    pub blocking: Vec<i64>,
    pub blocked_by: Vec<i64>,
    /// (target, hide_notifications, expires_at)
    pub muting: Vec<(i64, bool, Option<i64>)>,
}

pub async fn relationships<'a>(
    ex: impl Into<Exec<'a>>,
    viewer: i64,
    targets: &[i64],
) -> Result<RelationshipRows> {
    let mut out = RelationshipRows::default();
    if targets.is_empty() {
        return Ok(out);
    }
    let mut ex = ex.into();
    let list = placeholders(2, targets.len());
    let ids = || targets.iter().copied();
    out.following = q(format!(
        "SELECT {FOLLOW_COLS} FROM follows WHERE account_id = $1 AND target_account_id IN ({list})"
    ))
    .bind(viewer)
    .bind_all(ids())
    .fetch_all(ex.reborrow())
    .await?
    .iter()
    .map(follow_from_row)
    .collect::<Result<_>>()?;
    out.requested = q(format!(
        "SELECT {FOLLOW_COLS} FROM follow_requests WHERE account_id = $1 \
         AND target_account_id IN ({list})"
    ))
    .bind(viewer)
    .bind_all(ids())
    .fetch_all(ex.reborrow())
    .await?
    .iter()
    .map(follow_from_row)
    .collect::<Result<_>>()?;
    for (table, into) in [
        ("follows", &mut out.followed_by),
        ("follow_requests", &mut out.requested_by),
        ("blocks", &mut out.blocked_by),
    ] {
        *into = q(format!(
            "SELECT account_id FROM {table} WHERE target_account_id = $1 AND account_id IN ({list})"
        ))
        .bind(viewer)
        .bind_all(ids())
        .fetch_all(ex.reborrow())
        .await?
        .iter()
        .map(|r| r.i64("account_id"))
        .collect::<Result<_>>()?;
    }
    out.blocking = q(format!(
        "SELECT target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN ({list})"
    ))
    .bind(viewer)
    .bind_all(ids())
    .fetch_all(ex.reborrow())
    .await?
    .iter()
    .map(|r| r.i64("target_account_id"))
    .collect::<Result<_>>()?;
    out.muting = q(format!(
        "SELECT target_account_id, hide_notifications, expires_at FROM mutes \
         WHERE account_id = $1 AND target_account_id IN ({list}) \
         AND (expires_at IS NULL OR expires_at > ${})",
        targets.len() + 2
    ))
    .bind(viewer)
    .bind_all(ids())
    .bind(now_ms())
    .fetch_all(ex.reborrow())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.i64("target_account_id")?,
            r.bool("hide_notifications")?,
            r.opt_i64("expires_at")?,
        ))
    })
    .collect::<Result<_>>()?;
    Ok(out)
}

/// Of `targets`, those that `account_id` follows.
pub async fn following_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    targets: &[i64],
) -> Result<Vec<i64>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT target_account_id FROM follows WHERE account_id = $1 AND target_account_id IN ({})",
        placeholders(2, targets.len())
    ))
    .bind(account_id)
    .bind_all(targets.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("target_account_id"))
    .collect()
}

/// Of `candidates`, those who block `account_id`, or whom `account_id` blocks or mutes
/// (`hidden_by_viewer`): the authors a timeline must leave out.
pub async fn excluded_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    candidates: &[i64],
    hidden_by_viewer: bool,
) -> Result<Vec<i64>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(2, candidates.len());
    let mut sql = format!(
        "SELECT account_id AS id FROM blocks WHERE target_account_id = $1 AND account_id IN ({list})"
    );
    if hidden_by_viewer {
        sql.push_str(&format!(
            " UNION SELECT target_account_id AS id FROM blocks WHERE account_id = $1 \
              AND target_account_id IN ({list}) \
              UNION SELECT target_account_id AS id FROM mutes WHERE account_id = $1 \
              AND target_account_id IN ({list}) AND (expires_at IS NULL OR expires_at > ${})",
            candidates.len() + 2
        ));
    }
    let mut query = q(sql).bind(account_id).bind_all(candidates.iter().copied());
    if hidden_by_viewer {
        query = query.bind(now_ms());
    }
    query.fetch_all(ex).await?.iter().map(|r| r.i64("id")).collect()
}

/// Local followers of `author` whose home feed may take a new status: with their
/// `show_reblogs` and `notify` flags, leaving out those who block or mute `author` (or `also`, the author
/// of a boosted status) and those blocked by them.
pub async fn feed_followers<'a>(
    ex: impl Into<Exec<'a>>,
    author: i64,
    also: Option<i64>,
) -> Result<Vec<(i64, bool, bool)>> {
    let authors = "($1, $2)";
    q(format!(
        "SELECT f.account_id, f.show_reblogs, f.notify FROM follows f JOIN accounts a ON a.id = f.account_id \
         WHERE f.target_account_id = $1 AND a.domain IS NULL \
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = f.account_id \
             AND b.target_account_id IN {authors}) OR (b.target_account_id = f.account_id \
             AND b.account_id IN {authors})) \
         AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = f.account_id \
             AND m.target_account_id IN {authors} AND (m.expires_at IS NULL OR m.expires_at > $3))"
    ))
    .bind(author)
    .bind(also.unwrap_or(author))
    .bind(now_ms())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("account_id")?, r.bool("show_reblogs")?, r.bool("notify")?)))
    .collect()
}

pub async fn count_requests_to<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM follow_requests WHERE target_account_id = $1")
        .bind(account_id)
        .fetch_i64(ex)
        .await
}

/// The inboxes to deliver `account_id`'s posts to: its remote followers', one per shared
/// inbox (so one request reaches every follower on a server).
pub async fn remote_follower_inboxes<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Vec<String>> {
    q(
        "SELECT DISTINCT COALESCE(a.shared_inbox_url, a.inbox_url) AS inbox FROM follows f \
       JOIN accounts a ON a.id = f.account_id \
       WHERE f.target_account_id = $1 AND a.domain IS NOT NULL AND a.suspended_at IS NULL \
       AND COALESCE(a.shared_inbox_url, a.inbox_url) IS NOT NULL",
    )
    .bind(account_id)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.string("inbox"))
    .collect()
}
