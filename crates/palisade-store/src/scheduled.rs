//! Statuses scheduled for later: what to post (its parameters as JSON) and when.

use crate::Result;
use crate::db::{Exec, Row, q};
use crate::page::{Page, PageQuery};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheduled {
    pub id: i64,
    pub account_id: i64,
    pub scheduled_at: i64,
    /// The status to post, as core serialized it.
    pub params: String,
    pub created_at: i64,
}

const COLS: &str = "id, account_id, scheduled_at, params, created_at";

fn from_row(r: &Row) -> Result<Scheduled> {
    Ok(Scheduled {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        scheduled_at: r.i64("scheduled_at")?,
        params: r.string("params")?,
        created_at: r.i64("created_at")?,
    })
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, s: &Scheduled) -> Result<()> {
    q(format!(
        "INSERT INTO scheduled_statuses ({COLS}) VALUES ($1, $2, $3, $4, $5)"
    ))
    .bind(s.id)
    .bind(s.account_id)
    .bind(s.scheduled_at)
    .bind(&s.params)
    .bind(s.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<Option<Scheduled>> {
    q(format!(
        "SELECT {COLS} FROM scheduled_statuses WHERE id = $1 AND account_id = $2"
    ))
    .bind(id)
    .bind(owner)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Takes a scheduled status out (to publish it): `None` if it is gone already (cancelled, or
/// published by another run).
pub async fn take<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Scheduled>> {
    q(format!(
        "DELETE FROM scheduled_statuses WHERE id = $1 RETURNING {COLS}"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn reschedule<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64, at: i64) -> Result<bool> {
    let n = q("UPDATE scheduled_statuses SET scheduled_at = $3 WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(owner)
        .bind(at)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM scheduled_statuses WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(owner)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn page<'a>(ex: impl Into<Exec<'a>>, owner: i64, page: &PageQuery) -> Result<Page<Scheduled>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT {COLS} FROM scheduled_statuses WHERE account_id = $1{clause}"
    ))
    .bind(owner)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// How many `owner` has scheduled in all, and for the day around `day_start..day_end`.
pub async fn counts<'a>(
    ex: impl Into<Exec<'a>>,
    owner: i64,
    day_start: i64,
    day_end: i64,
) -> Result<(i64, i64)> {
    let r = q(
        "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN scheduled_at >= $2 AND scheduled_at < $3 \
               THEN 1 ELSE 0 END), 0) AS day FROM scheduled_statuses WHERE account_id = $1",
    )
    .bind(owner)
    .bind(day_start)
    .bind(day_end)
    .fetch_one(ex)
    .await?;
    Ok((r.i64("total")?, r.i64("day")?))
}

/// A scheduled status by id, whoever scheduled it (the timer that publishes it).
pub async fn get_any<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Scheduled>> {
    q(format!("SELECT {COLS} FROM scheduled_statuses WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}
