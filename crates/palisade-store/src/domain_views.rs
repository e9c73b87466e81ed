//! What the web interface shows about one domain: the accounts known there, who among the
//! members is tied to it, when a member last heard from it; and accounts by profile URL.

use crate::db::{Exec, q};
use crate::domains::{literal_args as domain_args, literal_covers_sql as domain_clause};
use crate::{Result, accounts};

/// Ids of the accounts known on a domain (subdomains included), most followed first.
pub async fn accounts_on<'a>(
    ex: impl Into<Exec<'a>>,
    domain: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<i64>> {
    q(format!(
        "SELECT id FROM accounts a WHERE a.suspended_at IS NULL AND {} \
         ORDER BY a.followers_count DESC, lower(a.username) LIMIT $5 OFFSET $6",
        domain_clause("a.domain", 1)
    ))
    .bind_all(domain_args(domain))
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64_at(0))
    .collect()
}

/// The account whose actor id or profile page is `url`.
pub async fn by_url<'a>(ex: impl Into<Exec<'a>>, url: &str) -> Result<Option<accounts::Account>> {
    let mut ex = ex.into();
    if let Some(a) = accounts::by_uri(ex.reborrow(), url).await? {
        return Ok(Some(a));
    }
    let id = q("SELECT id FROM accounts WHERE url = $1 ORDER BY id LIMIT 1")
        .bind(url)
        .fetch_optional(ex.reborrow())
        .await?
        .map(|r| r.i64_at(0))
        .transpose()?;
    match id {
        Some(id) => accounts::by_id(ex, id).await,
        None => Ok(None),
    }
}

/// Local members with at least one follow either way with a domain (what a suspension
/// would touch), by username.
pub async fn members_tied<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Vec<i64>> {
    q(format!(
        "SELECT me.id FROM accounts me WHERE me.domain IS NULL AND me.id IN (\
           SELECT f.account_id FROM follows f JOIN accounts t ON t.id = f.target_account_id WHERE {} \
           UNION SELECT f.target_account_id FROM follows f JOIN accounts t ON t.id = f.account_id WHERE {}) \
         ORDER BY lower(me.username)",
        domain_clause("t.domain", 1),
        domain_clause("t.domain", 1)
    ))
    .bind_all(domain_args(domain))
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64_at(0))
    .collect()
}

/// When something from a domain last reached a member: the newest post by an account
/// there in their home feed, or the newest notification from there (ms).
pub async fn last_heard<'a>(ex: impl Into<Exec<'a>>, member: i64, domain: &str) -> Result<Option<i64>> {
    let mut ex = ex.into();
    let home = q(format!(
        "SELECT CAST(COALESCE(MAX(s.created_at), 0) AS BIGINT) FROM home_feed h \
         JOIN statuses s ON s.id = h.status_id JOIN accounts a ON a.id = h.author_id \
         WHERE h.account_id = $5 AND {}",
        domain_clause("a.domain", 1)
    ))
    .bind_all(domain_args(domain))
    .bind(member)
    .fetch_i64(ex.reborrow())
    .await?;
    let notes = q(format!(
        "SELECT CAST(COALESCE(MAX(n.created_at), 0) AS BIGINT) FROM notifications n \
         JOIN accounts a ON a.id = n.from_account_id WHERE n.account_id = $5 AND {}",
        domain_clause("a.domain", 1)
    ))
    .bind_all(domain_args(domain))
    .bind(member)
    .fetch_i64(ex)
    .await?;
    Ok(Some(home.max(notes)).filter(|t| *t > 0))
}

/// A peer's hourly outcome counts since `from_hour`: (hour, outcome, count), oldest first.
pub async fn peer_hours<'a>(
    ex: impl Into<Exec<'a>>,
    domain: &str,
    from_hour: i64,
) -> Result<Vec<(i64, String, i64)>> {
    q("SELECT hour, outcome, count FROM peer_stats_hourly WHERE domain = $1 AND hour >= $2 ORDER BY hour, outcome")
        .bind(domain)
        .bind(from_hour)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.i64("hour")?, r.string("outcome")?, r.i64("count")?)))
        .collect()
}
