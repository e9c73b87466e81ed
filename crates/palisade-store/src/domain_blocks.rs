//! A member's own domain blocks, and what they touch on that domain (subdomains included).

use crate::db::{Exec, q};
use crate::domains::{literal_args, literal_covers_sql};
use crate::page::{Page, PageQuery};
use crate::relationships::Follow;
use crate::{Result, ids::new_id, now_ms};

pub async fn add<'a>(ex: impl Into<Exec<'a>>, account_id: i64, domain: &str) -> Result<bool> {
    let n = q(
        "INSERT INTO account_domain_blocks (id, account_id, domain, created_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (account_id, domain) DO NOTHING",
    )
    .bind(new_id())
    .bind(account_id)
    .bind(domain)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(n == 1)
}

pub async fn remove<'a>(ex: impl Into<Exec<'a>>, account_id: i64, domain: &str) -> Result<bool> {
    Ok(
        q("DELETE FROM account_domain_blocks WHERE account_id = $1 AND domain = $2")
            .bind(account_id)
            .bind(domain)
            .execute(ex)
            .await?
            > 0,
    )
}

/// Every domain the member blocks (for filtering and export), alphabetically.
pub async fn all<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Vec<String>> {
    q("SELECT domain FROM account_domain_blocks WHERE account_id = $1 ORDER BY domain")
        .bind(account_id)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.string("domain"))
        .collect()
}

/// A page of the member's blocks, newest first, keyed by the block's id.
pub async fn page<'a>(ex: impl Into<Exec<'a>>, account_id: i64, page: &PageQuery) -> Result<Page<String>> {
    let (clause, args) = page.clause("id", 2);
    let rows = q(format!(
        "SELECT id, domain FROM account_domain_blocks WHERE account_id = $1{clause}"
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.string("domain")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Follows between a member and a domain's accounts: `outgoing` = the member's follows of
/// accounts there; otherwise their follows of the member. `requests` reads pending ones.
pub async fn ties_with_domain<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    domain: &str,
    outgoing: bool,
    requests: bool,
) -> Result<Vec<Follow>> {
    let table = if requests { "follow_requests" } else { "follows" };
    let (mine, theirs) = if outgoing {
        ("f.account_id", "f.target_account_id")
    } else {
        ("f.target_account_id", "f.account_id")
    };
    let rows = q(format!(
        "SELECT f.id, f.account_id, f.target_account_id, f.show_reblogs, f.notify, f.languages, f.uri, f.created_at \
         FROM {table} f JOIN accounts a ON a.id = {theirs} WHERE {mine} = $1 AND {}",
        literal_covers_sql("a.domain", 2)
    ))
    .bind(account_id)
    .bind_all(literal_args(domain))
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Follow {
                id: r.i64("id")?,
                account_id: r.i64("account_id")?,
                target_account_id: r.i64("target_account_id")?,
                show_reblogs: r.bool("show_reblogs")?,
                notify: r.bool("notify")?,
                languages: r.opt_string("languages")?,
                uri: r.opt_string("uri")?,
                created_at: r.i64("created_at")?,
            })
        })
        .collect()
}

/// Removes what accounts of a domain put in a member's notifications and home feed.
pub async fn clear_from<'a>(ex: impl Into<Exec<'a>>, account_id: i64, domain: &str) -> Result<()> {
    let mut ex = ex.into();
    q(format!(
        "DELETE FROM notifications WHERE account_id = $1 AND from_account_id IN \
         (SELECT id FROM accounts a WHERE {})",
        literal_covers_sql("a.domain", 2)
    ))
    .bind(account_id)
    .bind_all(literal_args(domain))
    .execute(ex.reborrow())
    .await?;
    q(format!(
        "DELETE FROM home_feed WHERE account_id = $1 AND author_id IN (SELECT id FROM accounts a WHERE {})",
        literal_covers_sql("a.domain", 2)
    ))
    .bind(account_id)
    .bind_all(literal_args(domain))
    .execute(ex)
    .await?;
    Ok(())
}

/// (following, followers) a block of `domain` would sever for a member, deduplicated.
pub async fn preview<'a>(ex: impl Into<Exec<'a>>, account_id: i64, domain: &str) -> Result<(i64, i64)> {
    let mut ex = ex.into();
    let mut counts = [0i64; 2];
    for (i, (mine, theirs)) in [
        ("f.account_id", "f.target_account_id"),
        ("f.target_account_id", "f.account_id"),
    ]
    .iter()
    .enumerate()
    {
        counts[i] = q(format!(
            "SELECT COUNT(DISTINCT {theirs}) FROM follows f JOIN accounts a ON a.id = {theirs} \
             WHERE {mine} = $1 AND {}",
            literal_covers_sql("a.domain", 2)
        ))
        .bind(account_id)
        .bind_all(literal_args(domain))
        .fetch_i64(ex.reborrow())
        .await?;
    }
    Ok((counts[0], counts[1]))
}
