//! Hashtags members feature on their profiles, with how often they used them.

use crate::Result;
use crate::db::{Exec, Row, q};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeaturedTag {
    pub id: i64,
    pub account_id: i64,
    pub tag_id: i64,
    pub name: String,
    /// The member's public or unlisted statuses with the tag, and the latest one's time.
    pub statuses_count: i64,
    pub last_status_at: Option<i64>,
}

fn from_row(r: &Row) -> Result<FeaturedTag> {
    Ok(FeaturedTag {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        tag_id: r.i64("tag_id")?,
        name: r.string("name")?,
        statuses_count: r.i64("statuses_count")?,
        last_status_at: r.opt_i64("last_status_at")?,
    })
}

const SELECT: &str = "SELECT f.id, f.account_id, f.tag_id, t.name, \
    (SELECT COUNT(*) FROM status_tags st JOIN statuses s ON s.id = st.status_id \
       WHERE st.tag_id = f.tag_id AND s.account_id = f.account_id AND s.visibility IN ('public', 'unlisted')) AS statuses_count, \
    (SELECT MAX(s.created_at) FROM status_tags st JOIN statuses s ON s.id = st.status_id \
       WHERE st.tag_id = f.tag_id AND s.account_id = f.account_id AND s.visibility IN ('public', 'unlisted')) AS last_status_at \
    FROM featured_tags f JOIN tags t ON t.id = f.tag_id";

pub async fn of_account<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Vec<FeaturedTag>> {
    q(format!("{SELECT} WHERE f.account_id = $1 ORDER BY f.id"))
        .bind(account_id)
        .fetch_all(ex)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<Option<FeaturedTag>> {
    q(format!("{SELECT} WHERE f.account_id = $1 AND f.id = $2"))
        .bind(account_id)
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Features `tag_id` (idempotent); returns the row's id.
pub async fn add<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    account_id: i64,
    tag_id: i64,
    now: i64,
) -> Result<i64> {
    let mut ex = ex.into();
    q("INSERT INTO featured_tags (id, account_id, tag_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(account_id)
        .bind(tag_id)
        .bind(now)
        .execute(ex.reborrow())
        .await?;
    q("SELECT id FROM featured_tags WHERE account_id = $1 AND tag_id = $2")
        .bind(account_id)
        .bind(tag_id)
        .fetch_i64(ex)
        .await
}

pub async fn remove<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM featured_tags WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn remove_tag<'a>(ex: impl Into<Exec<'a>>, account_id: i64, tag_id: i64) -> Result<bool> {
    let n = q("DELETE FROM featured_tags WHERE account_id = $1 AND tag_id = $2")
        .bind(account_id)
        .bind(tag_id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn count<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM featured_tags WHERE account_id = $1")
        .bind(account_id)
        .fetch_i64(ex)
        .await
}

pub async fn is_featured<'a>(ex: impl Into<Exec<'a>>, account_id: i64, tag_id: i64) -> Result<bool> {
    Ok(
        q("SELECT COUNT(*) FROM featured_tags WHERE account_id = $1 AND tag_id = $2")
            .bind(account_id)
            .bind(tag_id)
            .fetch_i64(ex)
            .await?
            > 0,
    )
}

/// The tags `account_id` used most in its recent statuses (newest 200), not featured yet.
pub async fn suggestions<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    q("SELECT t.id, t.name, COUNT(*) AS uses FROM \
         (SELECT id FROM statuses WHERE account_id = $1 ORDER BY id DESC LIMIT 200) AS recent \
       JOIN status_tags st ON st.status_id = recent.id JOIN tags t ON t.id = st.tag_id \
       WHERE NOT EXISTS (SELECT 1 FROM featured_tags f WHERE f.account_id = $1 AND f.tag_id = t.id) \
       GROUP BY t.id, t.name ORDER BY uses DESC, t.id DESC LIMIT $2")
    .bind(account_id)
    .bind(limit)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("id")?, r.string("name")?)))
    .collect()
}
