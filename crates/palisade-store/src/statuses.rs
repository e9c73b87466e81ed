//! Statuses (posts and boosts), their edits and mentions.

use crate::db::{Exec, Row, placeholders, q};
use crate::kinds::{Visibility, parse_stored};
use crate::page::{Page, PageQuery};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct Status {
    pub id: i64,
    pub account_id: i64,
    pub uri: String,
    pub url: Option<String>,
    pub local: bool,
    pub visibility: Visibility,
    pub text_source: String,
    pub content_html: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub in_reply_to_id: Option<i64>,
    pub in_reply_to_account_id: Option<i64>,
    pub in_reply_to_uri: Option<String>,
    pub reblog_of_id: Option<i64>,
    pub app_id: Option<i64>,
    pub replies_count: i64,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    /// The root of the thread (its own id for a status that replies to nothing here).
    pub conversation_id: Option<i64>,
}

const COLS: &str = "id, account_id, uri, url, local, visibility, text_source, content_html, \
    spoiler_text, sensitive, language, in_reply_to_id, in_reply_to_account_id, in_reply_to_uri, \
    reblog_of_id, app_id, replies_count, reblogs_count, favourites_count, created_at, edited_at, \
    conversation_id";

/// The column list qualified with a table alias, for joins.
pub fn cols(alias: &str) -> String {
    COLS.split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn from_row(r: &Row) -> Result<Status> {
    Ok(Status {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        uri: r.string("uri")?,
        url: r.opt_string("url")?,
        local: r.bool("local")?,
        visibility: parse_stored(&r.string("visibility")?, "visibility", Visibility::parse)?,
        text_source: r.string("text_source")?,
        content_html: r.string("content_html")?,
        spoiler_text: r.string("spoiler_text")?,
        sensitive: r.bool("sensitive")?,
        language: r.opt_string("language")?,
        in_reply_to_id: r.opt_i64("in_reply_to_id")?,
        in_reply_to_account_id: r.opt_i64("in_reply_to_account_id")?,
        in_reply_to_uri: r.opt_string("in_reply_to_uri")?,
        reblog_of_id: r.opt_i64("reblog_of_id")?,
        app_id: r.opt_i64("app_id")?,
        replies_count: r.i64("replies_count")?,
        reblogs_count: r.i64("reblogs_count")?,
        favourites_count: r.i64("favourites_count")?,
        created_at: r.i64("created_at")?,
        edited_at: r.opt_i64("edited_at")?,
        conversation_id: r.opt_i64("conversation_id")?,
    })
}

/// An id for a status made at `ms` that no status holds yet. An id is the time and a
/// per-process sequence, and remote statuses keep their published time: a status of the
/// same millisecond stored by another process, or by this one before a restart, may hold
/// the first one picked.
pub async fn free_id<'a>(ex: impl Into<Exec<'a>>, ms: i64) -> Result<i64> {
    let mut ex = ex.into();
    let mut id = crate::ids::id_at(ms);
    for _ in 0..16 {
        let taken = q("SELECT 1 FROM statuses WHERE id = $1")
            .bind(id)
            .fetch_optional(ex.reborrow())
            .await?
            .is_some();
        if !taken {
            break;
        }
        id = crate::ids::id_at(ms);
    }
    Ok(id)
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, s: &Status) -> Result<()> {
    q(format!(
        "INSERT INTO statuses ({COLS}) VALUES ({})",
        placeholders(1, 22)
    ))
    .bind(s.id)
    .bind(s.account_id)
    .bind(&s.uri)
    .bind(&s.url)
    .bind(s.local)
    .bind(s.visibility)
    .bind(&s.text_source)
    .bind(&s.content_html)
    .bind(&s.spoiler_text)
    .bind(s.sensitive)
    .bind(&s.language)
    .bind(s.in_reply_to_id)
    .bind(s.in_reply_to_account_id)
    .bind(&s.in_reply_to_uri)
    .bind(s.reblog_of_id)
    .bind(s.app_id)
    .bind(s.replies_count)
    .bind(s.reblogs_count)
    .bind(s.favourites_count)
    .bind(s.created_at)
    .bind(s.edited_at)
    .bind(s.conversation_id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Status>> {
    q(format!("SELECT {COLS} FROM statuses WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_uri<'a>(ex: impl Into<Exec<'a>>, uri: &str) -> Result<Option<Status>> {
    q(format!(
        "SELECT {COLS} FROM statuses WHERE uri = $1 OR url = $1 LIMIT 1"
    ))
    .bind(uri)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<Status>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM statuses WHERE id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The boost of `status_id` by `account_id`, if any.
pub async fn reblog_by<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    status_id: i64,
) -> Result<Option<Status>> {
    q(format!(
        "SELECT {COLS} FROM statuses WHERE reblog_of_id = $1 AND account_id = $2"
    ))
    .bind(status_id)
    .bind(account_id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Of `status_ids`, those that `account_id` has boosted.
pub async fn reblogged_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    status_ids: &[i64],
) -> Result<Vec<i64>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT reblog_of_id FROM statuses WHERE account_id = $1 AND reblog_of_id IN ({})",
        placeholders(2, status_ids.len())
    ))
    .bind(account_id)
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("reblog_of_id"))
    .collect()
}

pub struct Edit<'s> {
    pub text_source: &'s str,
    pub content_html: &'s str,
    pub spoiler_text: &'s str,
    pub sensitive: bool,
    pub language: Option<&'s str>,
}

/// Replaces the content of a status and stamps `edited_at`.
pub async fn update_content<'a>(ex: impl Into<Exec<'a>>, id: i64, e: &Edit<'_>) -> Result<i64> {
    let now = now_ms();
    q(
        "UPDATE statuses SET text_source = $2, content_html = $3, spoiler_text = $4, \
       sensitive = $5, language = COALESCE($6, language), edited_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(e.text_source)
    .bind(e.content_html)
    .bind(e.spoiler_text)
    .bind(e.sensitive)
    .bind(e.language)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(now)
}

/// Deletes a status; `false` if it was already gone (a concurrent delete).
pub async fn delete<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    Ok(q("DELETE FROM statuses WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?
        == 1)
}

/// Boosts of a status (deleted with it).
pub async fn reblog_ids_of<'a>(ex: impl Into<Exec<'a>>, status_id: i64) -> Result<Vec<(i64, i64)>> {
    q("SELECT id, account_id FROM statuses WHERE reblog_of_id = $1")
        .bind(status_id)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("account_id")?)))
        .collect()
}

/// Adds deltas to a status' reply/boost/favourite counters (never below zero).
pub async fn add_counts<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    replies: i64,
    reblogs: i64,
    favourites: i64,
) -> Result<()> {
    q("UPDATE statuses SET \
       replies_count = CASE WHEN replies_count + $2 < 0 THEN 0 ELSE replies_count + $2 END, \
       reblogs_count = CASE WHEN reblogs_count + $3 < 0 THEN 0 ELSE reblogs_count + $3 END, \
       favourites_count = CASE WHEN favourites_count + $4 < 0 THEN 0 ELSE favourites_count + $4 END \
       WHERE id = $1")
    .bind(id)
    .bind(replies)
    .bind(reblogs)
    .bind(favourites)
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct StatusEdit {
    pub id: i64,
    pub status_id: i64,
    pub text_source: String,
    pub content_html: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub created_at: i64,
}

pub async fn insert_edit<'a>(ex: impl Into<Exec<'a>>, e: &StatusEdit) -> Result<()> {
    q(
        "INSERT INTO status_edits (id, status_id, text_source, content_html, spoiler_text, \
       sensitive, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.id)
    .bind(e.status_id)
    .bind(&e.text_source)
    .bind(&e.content_html)
    .bind(&e.spoiler_text)
    .bind(e.sensitive)
    .bind(e.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every version of a status, oldest first.
pub async fn edits<'a>(ex: impl Into<Exec<'a>>, status_id: i64) -> Result<Vec<StatusEdit>> {
    q(
        "SELECT id, status_id, text_source, content_html, spoiler_text, sensitive, created_at \
       FROM status_edits WHERE status_id = $1 ORDER BY id",
    )
    .bind(status_id)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        Ok(StatusEdit {
            id: r.i64("id")?,
            status_id: r.i64("status_id")?,
            text_source: r.string("text_source")?,
            content_html: r.string("content_html")?,
            spoiler_text: r.string("spoiler_text")?,
            sensitive: r.bool("sensitive")?,
            created_at: r.i64("created_at")?,
        })
    })
    .collect()
}

pub async fn insert_mentions<'a>(ex: impl Into<Exec<'a>>, status_id: i64, account_ids: &[i64]) -> Result<()> {
    if account_ids.is_empty() {
        return Ok(());
    }
    let values = (0..account_ids.len())
        .map(|i| format!("($1, ${})", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    q(format!(
        "INSERT INTO mentions (status_id, account_id) VALUES {values} ON CONFLICT DO NOTHING"
    ))
    .bind(status_id)
    .bind_all(account_ids.iter().copied())
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_mentions<'a>(ex: impl Into<Exec<'a>>, status_id: i64) -> Result<()> {
    q("DELETE FROM mentions WHERE status_id = $1")
        .bind(status_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// (status_id, account_id) mention pairs of the given statuses.
pub async fn mentions_of<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT status_id, account_id FROM mentions WHERE status_id IN ({})",
        placeholders(1, status_ids.len())
    ))
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("status_id")?, r.i64("account_id")?)))
    .collect()
}

pub async fn is_mentioned<'a>(ex: impl Into<Exec<'a>>, status_id: i64, account_id: i64) -> Result<bool> {
    Ok(
        q("SELECT 1 FROM mentions WHERE status_id = $1 AND account_id = $2")
            .bind(status_id)
            .bind(account_id)
            .fetch_optional(ex)
            .await?
            .is_some(),
    )
}

/// Filters for an account's statuses page.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccountFilter {
    pub only_media: bool,
    pub exclude_replies: bool,
    pub exclude_reblogs: bool,
    pub tag_id: Option<i64>,
    /// Include followers-only posts (the viewer is the author or a follower).
    pub include_private: bool,
    /// Include direct posts (the viewer is the author).
    pub include_direct: bool,
    /// Leave direct posts out even for the author.
    pub exclude_direct: bool,
}

/// An account's statuses, newest first: a range scan on `statuses (account_id, id)`.
pub async fn by_account<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    f: &AccountFilter,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let mut vis = vec!["'public'", "'unlisted'"];
    if f.include_private {
        vis.push("'private'");
    }
    if f.include_direct && !f.exclude_direct {
        vis.push("'direct'");
    }
    let mut sql = format!(
        "SELECT id FROM statuses WHERE account_id = $1 AND visibility IN ({})",
        vis.join(", ")
    );
    if f.only_media {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = statuses.id AND m.position IS NOT NULL)",
        );
    }
    if f.exclude_replies {
        // Mastodon keeps self-replies (threads) when replies are excluded.
        sql.push_str(" AND (in_reply_to_id IS NULL OR in_reply_to_account_id = account_id)");
    }
    if f.exclude_reblogs {
        sql.push_str(" AND reblog_of_id IS NULL");
    }
    let mut query_args = vec![crate::Arg::from(account_id)];
    if let Some(tag) = f.tag_id {
        sql.push_str(" AND id IN (SELECT status_id FROM status_tags WHERE tag_id = $2)");
        query_args.push(tag.into());
    }
    let (clause, args) = page.clause("id", query_args.len() + 1);
    sql.push_str(&clause);
    let rows = q(sql).bind_all(query_args).bind_all(args).fetch_all(ex).await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Ancestors of a status, walking `in_reply_to_id` upwards (at most `limit`), oldest first.
pub async fn ancestors<'a>(ex: impl Into<Exec<'a>>, id: i64, limit: i64) -> Result<Vec<i64>> {
    let rows = q("WITH RECURSIVE up(id, parent, depth) AS ( \
            SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = $1 \
            UNION ALL \
            SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s \
            JOIN up ON s.id = up.parent WHERE up.depth < $2) \
         SELECT id FROM up WHERE depth > 0 ORDER BY depth DESC")
    .bind(id)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(|r| r.i64("id")).collect()
}

/// Descendants of a status in depth-first order (at most `limit` rows, `max_depth` levels).
pub async fn descendants<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    limit: i64,
    max_depth: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows = q("WITH RECURSIVE down(id, parent, depth) AS ( \
            SELECT id, in_reply_to_id, 1 FROM statuses WHERE in_reply_to_id = $1 \
            UNION ALL \
            SELECT s.id, s.in_reply_to_id, down.depth + 1 FROM statuses s \
            JOIN down ON s.in_reply_to_id = down.id WHERE down.depth < $3) \
         SELECT id, parent FROM down ORDER BY id LIMIT $2")
    .bind(id)
    .bind(limit)
    .bind(max_depth)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| Ok((r.i64("id")?, r.i64("parent")?)))
        .collect()
}

pub async fn count_local<'a>(ex: impl Into<Exec<'a>>) -> Result<i64> {
    q("SELECT COUNT(*) FROM statuses WHERE local = TRUE AND reblog_of_id IS NULL")
        .fetch_i64(ex)
        .await
}

/// Local statuses created in `[from, to)` (Unix ms), for weekly activity.
pub async fn count_local_between<'a>(ex: impl Into<Exec<'a>>, from: i64, to: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM statuses WHERE local = TRUE AND id >= $1 AND id < $2")
        .bind(crate::ids::min_id_at(from))
        .bind(crate::ids::min_id_at(to))
        .fetch_i64(ex)
        .await
}

/// The status created earlier with this `Idempotency-Key`, if any (keys live an hour).
pub async fn idempotent<'a>(ex: impl Into<Exec<'a>>, account_id: i64, key: &str) -> Result<Option<i64>> {
    q("SELECT status_id FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND created_at > $3")
        .bind(account_id)
        .bind(key)
        .bind(now_ms() - 3_600_000)
        .fetch_optional(ex)
        .await?
        .map(|r| r.i64("status_id"))
        .transpose()
}

pub async fn remember_idempotent<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    key: &str,
    status_id: i64,
) -> Result<()> {
    q(
        "INSERT INTO idempotency_keys (account_id, key, status_id, created_at) VALUES ($1, $2, $3, $4) \
       ON CONFLICT (account_id, key) DO UPDATE SET status_id = excluded.status_id, \
       created_at = excluded.created_at",
    )
    .bind(account_id)
    .bind(key)
    .bind(status_id)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// Accounts that boosted a status publicly, newest boost first, keyed by the boost's id
/// (followers-only self-boosts are not listed, as in Mastodon).
pub async fn reblogs_page<'a>(
    ex: impl Into<Exec<'a>>,
    status_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, account_id FROM statuses WHERE reblog_of_id = $1 \
         AND visibility IN ('public', 'unlisted'){clause}"
    ))
    .bind(status_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("account_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Mutes (`on`) or unmutes notifications from a thread for `account_id`.
pub async fn set_conversation_muted<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    conversation_id: i64,
    on: bool,
) -> Result<()> {
    let query = if on {
        q(
            "INSERT INTO conversation_mutes (account_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
    } else {
        q("DELETE FROM conversation_mutes WHERE account_id = $1 AND conversation_id = $2")
    };
    query.bind(account_id).bind(conversation_id).execute(ex).await?;
    Ok(())
}

/// Of `conversation_ids`, those `account_id` muted.
pub async fn muted_conversations_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    conversation_ids: &[i64],
) -> Result<Vec<i64>> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT conversation_id FROM conversation_mutes WHERE account_id = $1 AND conversation_id IN ({})",
        placeholders(2, conversation_ids.len())
    ))
    .bind(account_id)
    .bind_all(conversation_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("conversation_id"))
    .collect()
}
