//! Timelines. Home is materialised on write in `home_feed`; public and tag timelines are
//! range scans on partial indexes of `statuses`.

use crate::Result;
use crate::db::{Exec, q};
use crate::page::{Page, PageQuery};

/// Puts `status_id` (posted or boosted by `author_id`) into each of `account_ids`' home feeds.
pub async fn push<'a>(
    ex: impl Into<Exec<'a>>,
    account_ids: &[i64],
    status_id: i64,
    author_id: i64,
) -> Result<()> {
    let mut ex = ex.into();
    // Chunks keep each statement under SQLite's parameter limit.
    for chunk in account_ids.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, $1, $2)", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        q(format!(
            "INSERT INTO home_feed (account_id, status_id, author_id) VALUES {values} \
             ON CONFLICT DO NOTHING"
        ))
        .bind(status_id)
        .bind(author_id)
        .bind_all(chunk.iter().copied())
        .execute(ex.reborrow())
        .await?;
    }
    Ok(())
}

/// Copies the latest `limit` statuses of `author_id` that a follower may see into
/// `account_id`'s home feed (after a new follow); only local accounts have a home feed.
pub async fn backfill<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    author_id: i64,
    include_reblogs: bool,
    limit: i64,
) -> Result<()> {
    let reblogs = if include_reblogs {
        ""
    } else {
        " AND reblog_of_id IS NULL"
    };
    q(format!(
        "INSERT INTO home_feed (account_id, status_id, author_id) \
         SELECT $1, id, account_id FROM (SELECT id, account_id FROM statuses \
           WHERE account_id = $2 AND visibility IN ('public', 'unlisted', 'private') \
           AND (in_reply_to_id IS NULL OR in_reply_to_account_id = account_id){reblogs} \
           ORDER BY id DESC LIMIT $3) AS recent \
         WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1 AND domain IS NULL) \
         ON CONFLICT DO NOTHING"
    ))
    .bind(account_id)
    .bind(author_id)
    .bind(limit)
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes everything `author_id` posted or boosted from `account_id`'s home feed, and
/// boosts of `author_id`'s statuses by others (unfollow, block, mute).
pub async fn remove_author<'a>(ex: impl Into<Exec<'a>>, account_id: i64, author_id: i64) -> Result<()> {
    q(
        "DELETE FROM home_feed WHERE account_id = $1 AND (author_id = $2 OR status_id IN \
       (SELECT id FROM statuses WHERE account_id <> $2 AND reblog_of_id IN \
         (SELECT id FROM statuses WHERE account_id = $2)))",
    )
    .bind(account_id)
    .bind(author_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes only what `author_id` posted or boosted (unfollow: others' boosts of them stay).
pub async fn remove_posts_of<'a>(ex: impl Into<Exec<'a>>, account_id: i64, author_id: i64) -> Result<()> {
    q("DELETE FROM home_feed WHERE account_id = $1 AND author_id = $2")
        .bind(account_id)
        .bind(author_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Only the boosts by `author_id` (following with `reblogs: false`).
pub async fn remove_boosts_by<'a>(ex: impl Into<Exec<'a>>, account_id: i64, author_id: i64) -> Result<()> {
    q(
        "DELETE FROM home_feed WHERE account_id = $1 AND author_id = $2 AND status_id IN \
       (SELECT id FROM statuses WHERE account_id = $2 AND reblog_of_id IS NOT NULL)",
    )
    .bind(account_id)
    .bind(author_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// A page of `account_id`'s home feed: one range scan on the primary key.
pub async fn home<'a>(ex: impl Into<Exec<'a>>, account_id: i64, page: &PageQuery) -> Result<Page<i64>> {
    let (clause, args) = page.clause("status_id", 2);
    let rows = q(format!(
        "SELECT status_id FROM home_feed WHERE account_id = $1{clause}"
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("status_id")?, r.i64("status_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Where a public timeline's statuses come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    All,
    Local,
    Remote,
}

/// A page of the public timeline: original public statuses, newest first, minus authors the
/// viewer blocks or mutes and authors blocking the viewer.
pub async fn public<'a>(
    ex: impl Into<Exec<'a>>,
    origin: Origin,
    viewer: Option<i64>,
    only_media: bool,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let mut sql =
        "SELECT s.id FROM statuses s WHERE s.visibility = 'public' AND s.reblog_of_id IS NULL".to_owned();
    if only_media {
        sql.push_str(ONLY_MEDIA);
    }
    match origin {
        Origin::All => {}
        Origin::Local => sql.push_str(" AND s.local = TRUE"),
        Origin::Remote => sql.push_str(" AND s.local = FALSE"),
    }
    sql.push_str(
        " AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.suspended_at IS NOT NULL)",
    );
    let mut head = Vec::new();
    if let Some(v) = viewer {
        head.push(crate::Arg::from(v));
        sql.push_str(&viewer_filter("s.account_id", "$1"));
    }
    let (clause, args) = page.clause("s.id", head.len() + 1);
    sql.push_str(&clause);
    let rows = q(sql).bind_all(head).bind_all(args).fetch_all(ex).await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Public original statuses whose preview card is `card_id` (`/api/v1/timelines/link`).
pub async fn link<'a>(
    ex: impl Into<Exec<'a>>,
    card_id: i64,
    viewer: Option<i64>,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let mut sql = "SELECT s.id FROM status_cards sc JOIN statuses s ON s.id = sc.status_id \
        WHERE sc.card_id = $1 AND s.visibility = 'public' AND s.reblog_of_id IS NULL \
        AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id AND a.suspended_at IS NOT NULL)"
        .to_owned();
    let mut head = vec![crate::Arg::from(card_id)];
    if let Some(v) = viewer {
        head.push(crate::Arg::from(v));
        sql.push_str(&viewer_filter("s.account_id", "$2"));
    }
    let (clause, args) = page.clause("s.id", head.len() + 1);
    sql.push_str(&clause);
    let rows = q(sql).bind_all(head).bind_all(args).fetch_all(ex).await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Keeps statuses that show at least one attachment (an index lookup per status).
pub const ONLY_MEDIA: &str =
    " AND EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id AND m.position IS NOT NULL)";

/// SQL that drops rows by authors the viewer blocks, mutes (unexpired) or is blocked by.
pub fn viewer_filter(author_col: &str, viewer: &str) -> String {
    let now = crate::now_ms();
    format!(
        " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = {viewer} AND \
         b.target_account_id = {author_col}) OR (b.account_id = {author_col} AND \
         b.target_account_id = {viewer})) \
         AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = {viewer} AND \
         m.target_account_id = {author_col} AND (m.expires_at IS NULL OR m.expires_at > {now})){}",
        crate::notifications::domain_blocked_filter(viewer, author_col)
    )
}

/// Of `accounts`, those whose home feed holds `status_id`.
pub async fn holders<'a>(ex: impl Into<Exec<'a>>, status_id: i64, accounts: &[i64]) -> Result<Vec<i64>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT account_id FROM home_feed WHERE status_id = $1 AND account_id IN ({})",
        crate::db::placeholders(2, accounts.len())
    ))
    .bind(status_id)
    .bind_all(accounts.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("account_id"))
    .collect()
}
