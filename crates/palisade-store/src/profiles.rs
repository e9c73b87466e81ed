//! What an account keeps about others: private notes and endorsements (featured accounts).

use crate::db::{Exec, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, now_ms};

/// Sets (or with an empty comment, removes) `account_id`'s private note on `target_id`.
pub async fn set_note<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    target_id: i64,
    comment: &str,
) -> Result<()> {
    if comment.is_empty() {
        q("DELETE FROM account_notes WHERE account_id = $1 AND target_account_id = $2")
            .bind(account_id)
            .bind(target_id)
            .execute(ex)
            .await?;
        return Ok(());
    }
    q(
        "INSERT INTO account_notes (account_id, target_account_id, comment, updated_at) \
       VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, target_account_id) \
       DO UPDATE SET comment = excluded.comment, updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(target_id)
    .bind(comment)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// `account_id`'s notes on `targets`: (target, comment).
pub async fn notes_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    targets: &[i64],
) -> Result<Vec<(i64, String)>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT target_account_id, comment FROM account_notes WHERE account_id = $1 \
         AND target_account_id IN ({})",
        placeholders(2, targets.len())
    ))
    .bind(account_id)
    .bind_all(targets.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("target_account_id")?, r.string("comment")?)))
    .collect()
}

pub async fn endorse<'a>(ex: impl Into<Exec<'a>>, id: i64, account_id: i64, target_id: i64) -> Result<()> {
    q(
        "INSERT INTO endorsements (id, account_id, target_account_id, created_at) VALUES ($1, $2, $3, $4) \
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

pub async fn unendorse<'a>(ex: impl Into<Exec<'a>>, account_id: i64, target_id: i64) -> Result<()> {
    q("DELETE FROM endorsements WHERE account_id = $1 AND target_account_id = $2")
        .bind(account_id)
        .bind(target_id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn endorsed_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    targets: &[i64],
) -> Result<Vec<i64>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT target_account_id FROM endorsements WHERE account_id = $1 AND target_account_id IN ({})",
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

/// Accounts `account_id` endorses, newest first, keyed by the endorsement's id.
pub async fn endorsements<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, target_account_id FROM endorsements WHERE account_id = $1{clause}"
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

/// Followers of `target` whom `account_id` follows ("familiar followers"), at most `limit`.
pub async fn familiar_followers<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    target: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    q(
        "SELECT f.account_id FROM follows f JOIN follows mine ON mine.target_account_id = f.account_id \
       AND mine.account_id = $1 JOIN accounts a ON a.id = f.account_id AND a.hide_collections = FALSE \
       WHERE f.target_account_id = $2 ORDER BY f.id DESC LIMIT $3",
    )
    .bind(account_id)
    .bind(target)
    .bind(limit)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("account_id"))
    .collect()
}
