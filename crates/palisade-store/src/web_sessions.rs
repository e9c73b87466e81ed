//! Browser sessions of the web interface: a random secret in a cookie, stored as its hash.

use crate::db::{Exec, Row, q};
use crate::{Result, ids::new_id};

#[derive(Clone, Debug)]
pub struct WebSession {
    pub id: i64,
    pub user_id: i64,
    pub user_agent: Option<String>,
    pub created_at: i64,
    pub last_used_at: i64,
}

fn from_row(r: &Row) -> Result<WebSession> {
    Ok(WebSession {
        id: r.i64("id")?,
        user_id: r.i64("user_id")?,
        user_agent: r.opt_string("user_agent")?,
        created_at: r.i64("created_at")?,
        last_used_at: r.i64("last_used_at")?,
    })
}

pub async fn insert<'a>(
    ex: impl Into<Exec<'a>>,
    secret_hash: &str,
    user_id: i64,
    user_agent: Option<&str>,
    now: i64,
) -> Result<i64> {
    let id = new_id();
    q(
        "INSERT INTO web_sessions (id, secret_hash, user_id, user_agent, created_at, last_used_at) \
       VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(secret_hash)
    .bind(user_id)
    .bind(user_agent)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(id)
}

pub async fn by_hash<'a>(ex: impl Into<Exec<'a>>, secret_hash: &str) -> Result<Option<WebSession>> {
    q("SELECT id, user_id, user_agent, created_at, last_used_at FROM web_sessions WHERE secret_hash = $1")
        .bind(secret_hash)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn touch<'a>(ex: impl Into<Exec<'a>>, id: i64, now: i64) -> Result<()> {
    q("UPDATE web_sessions SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn delete_by_hash<'a>(ex: impl Into<Exec<'a>>, secret_hash: &str) -> Result<()> {
    q("DELETE FROM web_sessions WHERE secret_hash = $1")
        .bind(secret_hash)
        .execute(ex)
        .await?;
    Ok(())
}

/// Forgets sessions unused since `before` (ms); returns how many went.
pub async fn prune<'a>(ex: impl Into<Exec<'a>>, before: i64) -> Result<u64> {
    q("DELETE FROM web_sessions WHERE last_used_at < $1")
        .bind(before)
        .execute(ex)
        .await
}
