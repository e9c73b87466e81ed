//! Whom to follow: authors a member recently favourited or boosted, and the most followed
//! local accounts; never someone followed, blocked, muted, dismissed, or oneself.

use crate::db::{Exec, q};
use crate::{Result, now_ms};

/// Leaves out accounts `$1` follows, requested, blocks or mutes (or is blocked by), dismissed,
/// itself, and suspended ones. `col` names the candidate.
fn unwanted(col: &str) -> String {
    format!(
        "{col} <> $1 \
         AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = {col}) \
         AND NOT EXISTS (SELECT 1 FROM follow_requests r WHERE r.account_id = $1 AND r.target_account_id = {col}) \
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = $1 AND b.target_account_id = {col}) \
           OR (b.account_id = {col} AND b.target_account_id = $1)) \
         AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_account_id = {col}) \
         AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals d WHERE d.account_id = $1 AND d.target_account_id = {col})"
    )
}

/// Authors of the statuses `account_id` favourited or boosted lately, most often first.
pub async fn past_interactions<'a>(ex: impl Into<Exec<'a>>, account_id: i64, limit: i64) -> Result<Vec<i64>> {
    q(format!(
        "SELECT author, COUNT(*) AS n FROM ( \
           SELECT s.account_id AS author FROM (SELECT status_id FROM favourites WHERE account_id = $1 \
             ORDER BY id DESC LIMIT 200) AS fav JOIN statuses s ON s.id = fav.status_id \
           UNION ALL \
           SELECT o.account_id AS author FROM (SELECT reblog_of_id FROM statuses WHERE account_id = $1 \
             AND reblog_of_id IS NOT NULL ORDER BY id DESC LIMIT 200) AS boosts JOIN statuses o ON o.id = boosts.reblog_of_id \
         ) AS interactions JOIN accounts a ON a.id = author AND a.suspended_at IS NULL \
         WHERE {} GROUP BY author ORDER BY n DESC, author DESC LIMIT $2",
        unwanted("author")
    ))
    .bind(account_id)
    .bind(limit)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("author"))
    .collect()
}

/// Discoverable local accounts with the most followers.
pub async fn most_followed<'a>(ex: impl Into<Exec<'a>>, account_id: i64, limit: i64) -> Result<Vec<i64>> {
    q(format!(
        "SELECT a.id FROM accounts a JOIN users u ON u.account_id = a.id \
         WHERE a.domain IS NULL AND a.discoverable = TRUE AND a.suspended_at IS NULL AND u.approved = TRUE \
           AND u.disabled = FALSE AND {} \
         ORDER BY a.followers_count DESC, a.id DESC LIMIT $2",
        unwanted("a.id")
    ))
    .bind(account_id)
    .bind(limit)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("id"))
    .collect()
}

pub async fn dismiss<'a>(ex: impl Into<Exec<'a>>, account_id: i64, target: i64) -> Result<()> {
    q(
        "INSERT INTO suggestion_dismissals (account_id, target_account_id, created_at) VALUES ($1, $2, $3) \
       ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(target)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}
