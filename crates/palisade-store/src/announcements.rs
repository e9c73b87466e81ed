//! Announcements from the instance, with members' reactions and dismissals.

use crate::Result;
use crate::db::{Exec, Row, placeholders, q};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    pub id: i64,
    pub text: String,
    pub content_html: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub all_day: bool,
    /// `None` until published.
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str =
    "id, text, content_html, starts_at, ends_at, all_day, published_at, created_at, updated_at";

fn from_row(r: &Row) -> Result<Announcement> {
    Ok(Announcement {
        id: r.i64("id")?,
        text: r.string("text")?,
        content_html: r.string("content_html")?,
        starts_at: r.opt_i64("starts_at")?,
        ends_at: r.opt_i64("ends_at")?,
        all_day: r.bool("all_day")?,
        published_at: r.opt_i64("published_at")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, a: &Announcement) -> Result<()> {
    q(format!(
        "INSERT INTO announcements ({COLS}) VALUES ({})",
        placeholders(1, 9)
    ))
    .bind(a.id)
    .bind(&a.text)
    .bind(&a.content_html)
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.all_day)
    .bind(a.published_at)
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// Marks an announcement published (once); `false` if it already was, or is gone.
pub async fn publish<'a>(ex: impl Into<Exec<'a>>, id: i64, at: i64) -> Result<bool> {
    let n = q("UPDATE announcements SET published_at = $2 WHERE id = $1 AND published_at IS NULL")
        .bind(id)
        .bind(at)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    let n = q("DELETE FROM announcements WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Announcement>> {
    q(format!("SELECT {COLS} FROM announcements WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Every announcement, newest first (the CLI's list).
pub async fn all<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<Announcement>> {
    q(format!("SELECT {COLS} FROM announcements ORDER BY id DESC"))
        .fetch_all(ex)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Published announcements that have not ended at `now`, newest first.
pub async fn active<'a>(ex: impl Into<Exec<'a>>, now: i64) -> Result<Vec<Announcement>> {
    q(format!(
        "SELECT {COLS} FROM announcements WHERE published_at IS NOT NULL \
         AND (ends_at IS NULL OR ends_at > $1) ORDER BY id DESC"
    ))
    .bind(now)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Reactions to `ids`: (announcement, name, count, whether `viewer` is among them), in the
/// order each name was first used.
pub async fn reactions<'a>(
    ex: impl Into<Exec<'a>>,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<Vec<(i64, String, i64, bool)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT announcement_id, name, COUNT(*) AS n, MIN(created_at) AS first, \
           SUM(CASE WHEN account_id = $1 THEN 1 ELSE 0 END) AS mine \
         FROM announcement_reactions WHERE announcement_id IN ({}) \
         GROUP BY announcement_id, name ORDER BY first",
        placeholders(2, ids.len())
    ))
    .bind(viewer.unwrap_or(0))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.i64("announcement_id")?,
            r.string("name")?,
            r.i64("n")?,
            r.i64("mine")? > 0,
        ))
    })
    .collect()
}

pub async fn react<'a>(ex: impl Into<Exec<'a>>, id: i64, account: i64, name: &str, now: i64) -> Result<bool> {
    let n = q(
        "INSERT INTO announcement_reactions (announcement_id, account_id, name, created_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(account)
    .bind(name)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(n > 0)
}

pub async fn unreact<'a>(ex: impl Into<Exec<'a>>, id: i64, account: i64, name: &str) -> Result<bool> {
    let n =
        q("DELETE FROM announcement_reactions WHERE announcement_id = $1 AND account_id = $2 AND name = $3")
            .bind(id)
            .bind(account)
            .bind(name)
            .execute(ex)
            .await?;
    Ok(n > 0)
}

/// How many reacted to `id` with `name`.
pub async fn reaction_count<'a>(ex: impl Into<Exec<'a>>, id: i64, name: &str) -> Result<i64> {
    q("SELECT COUNT(*) FROM announcement_reactions WHERE announcement_id = $1 AND name = $2")
        .bind(id)
        .bind(name)
        .fetch_i64(ex)
        .await
}

pub async fn dismiss<'a>(ex: impl Into<Exec<'a>>, id: i64, account: i64) -> Result<()> {
    q("INSERT INTO announcement_reads (announcement_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(account)
        .execute(ex)
        .await?;
    Ok(())
}

/// Of `ids`, those `account` dismissed.
pub async fn read_among<'a>(ex: impl Into<Exec<'a>>, account: i64, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT announcement_id FROM announcement_reads WHERE account_id = $1 AND announcement_id IN ({})",
        placeholders(2, ids.len())
    ))
    .bind(account)
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("announcement_id"))
    .collect()
}
