//! Favourites, bookmarks and pins: an account's marks on statuses. The three tables share a
//! shape, so one set of functions serves them all.

use crate::db::{Exec, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, now_ms};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Favourite,
    Bookmark,
    Pin,
}

impl Mark {
    fn table(self) -> &'static str {
        match self {
            Mark::Favourite => "favourites",
            Mark::Bookmark => "bookmarks",
            Mark::Pin => "status_pins",
        }
    }
}

/// Adds a mark; `false` when it was already there.
pub async fn add<'a>(
    ex: impl Into<Exec<'a>>,
    mark: Mark,
    id: i64,
    account_id: i64,
    status_id: i64,
) -> Result<bool> {
    let n = q(format!(
        "INSERT INTO {} (id, account_id, status_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id, status_id) DO NOTHING",
        mark.table()
    ))
    .bind(id)
    .bind(account_id)
    .bind(status_id)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(n == 1)
}

/// Removes a mark; `true` if it was there.
pub async fn remove<'a>(
    ex: impl Into<Exec<'a>>,
    mark: Mark,
    account_id: i64,
    status_id: i64,
) -> Result<bool> {
    let n = q(format!(
        "DELETE FROM {} WHERE account_id = $1 AND status_id = $2",
        mark.table()
    ))
    .bind(account_id)
    .bind(status_id)
    .execute(ex)
    .await?;
    Ok(n > 0)
}

/// Of `status_ids`, those that `account_id` has marked.
pub async fn marked_among<'a>(
    ex: impl Into<Exec<'a>>,
    mark: Mark,
    account_id: i64,
    status_ids: &[i64],
) -> Result<Vec<i64>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT status_id FROM {} WHERE account_id = $1 AND status_id IN ({})",
        mark.table(),
        placeholders(2, status_ids.len())
    ))
    .bind(account_id)
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("status_id"))
    .collect()
}

/// The statuses an account marked, newest mark first, keyed by the mark's id.
pub async fn page_of_account<'a>(
    ex: impl Into<Exec<'a>>,
    mark: Mark,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, status_id FROM {} WHERE account_id = $1{clause}",
        mark.table()
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("status_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// The accounts that marked a status, newest first, keyed by the mark's id.
pub async fn page_of_status<'a>(
    ex: impl Into<Exec<'a>>,
    mark: Mark,
    status_id: i64,
    page: &PageQuery,
) -> Result<Page<i64>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, account_id FROM {} WHERE status_id = $1{clause}",
        mark.table()
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

/// An account's pinned statuses, most recently pinned first.
pub async fn pinned<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Vec<i64>> {
    q("SELECT status_id FROM status_pins WHERE account_id = $1 ORDER BY id DESC")
        .bind(account_id)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.i64("status_id"))
        .collect()
}

pub async fn count_of_account<'a>(ex: impl Into<Exec<'a>>, mark: Mark, account_id: i64) -> Result<i64> {
    q(format!(
        "SELECT COUNT(*) FROM {} WHERE account_id = $1",
        mark.table()
    ))
    .bind(account_id)
    .fetch_i64(ex)
    .await
}
