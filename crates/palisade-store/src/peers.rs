//! Known peers (remote domains) and their delivery health.

use crate::db::{Exec, Row, q};
use crate::{Result, now_ms};

/// Failures on this many distinct days make a domain unavailable (Mastodon's rule).
pub const UNAVAILABLE_AFTER_DAYS: usize = 7;

#[derive(Clone, Debug)]
pub struct Peer {
    pub domain: String,
    pub software: Option<String>,
    pub version: Option<String>,
    pub first_seen_at: i64,
    pub last_seen_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub last_failure_class: Option<String>,
    pub last_failure_message: Option<String>,
    /// Distinct days (Unix day numbers) with a failure since the last success.
    pub failure_days: Vec<i64>,
    pub unavailable_since: Option<i64>,
    pub delivery_paused: bool,
}

const COLS: &str = "domain, software, version, first_seen_at, last_seen_at, last_success_at, last_failure_at, \
    last_failure_class, last_failure_message, failure_days, unavailable_since, delivery_paused";

fn from_row(r: &Row) -> Result<Peer> {
    Ok(Peer {
        domain: r.string("domain")?,
        software: r.opt_string("software")?,
        version: r.opt_string("version")?,
        first_seen_at: r.i64("first_seen_at")?,
        last_seen_at: r.opt_i64("last_seen_at")?,
        last_success_at: r.opt_i64("last_success_at")?,
        last_failure_at: r.opt_i64("last_failure_at")?,
        last_failure_class: r.opt_string("last_failure_class")?,
        last_failure_message: r.opt_string("last_failure_message")?,
        failure_days: r
            .string("failure_days")?
            .split(',')
            .filter_map(|d| d.parse().ok())
            .collect(),
        unavailable_since: r.opt_i64("unavailable_since")?,
        delivery_paused: r.bool("delivery_paused")?,
    })
}

async fn ensure<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<()> {
    q("INSERT INTO peers (domain, first_seen_at) VALUES ($1, $2) ON CONFLICT (domain) DO NOTHING")
        .bind(domain)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Option<Peer>> {
    q(format!("SELECT {COLS} FROM peers WHERE domain = $1"))
        .bind(domain)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<Peer>> {
    q(format!("SELECT {COLS} FROM peers ORDER BY domain"))
        .fetch_all(ex)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Something arrived from `domain` at `at` (a signed request, a fetched document, a
/// delivery it accepted): it is alive, which clears its failures, as in Mastodon — unless a
/// failure was recorded after `at` (sightings are written a few seconds late, in batches).
pub async fn seen_alive<'a>(ex: impl Into<Exec<'a>>, domain: &str, at: i64) -> Result<()> {
    let mut ex = ex.into();
    ensure(ex.reborrow(), domain).await?;
    q("UPDATE peers SET last_seen_at = $2, last_success_at = $2, failure_days = '', unavailable_since = NULL \
       WHERE domain = $1 AND (last_success_at IS NULL OR last_success_at < $2) \
       AND (last_failure_at IS NULL OR last_failure_at <= $2)")
    .bind(domain)
    .bind(at)
    .execute(ex.reborrow())
    .await?;
    // Seen, even when a later failure stands.
    q("UPDATE peers SET last_seen_at = $2 WHERE domain = $1 AND (last_seen_at IS NULL OR last_seen_at < $2)")
        .bind(domain)
        .bind(at)
        .execute(ex)
        .await?;
    Ok(())
}

/// A delivery to `domain` failed with `class` and `message`; returns whether the domain is
/// now unavailable.
pub async fn record_failure<'a>(
    ex: impl Into<Exec<'a>>,
    domain: &str,
    class: &str,
    message: &str,
) -> Result<bool> {
    let mut ex = ex.into();
    ensure(ex.reborrow(), domain).await?;
    let now = now_ms();
    let today = now / 86_400_000;
    let peer = get(ex.reborrow(), domain).await?;
    let mut days = peer.as_ref().map(|p| p.failure_days.clone()).unwrap_or_default();
    if !days.contains(&today) {
        days.push(today);
    }
    let unavailable = days.len() >= UNAVAILABLE_AFTER_DAYS;
    let days_text = days.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    q("UPDATE peers SET last_failure_at = $2, last_failure_class = $3, last_failure_message = $4, \
       failure_days = $5, unavailable_since = CASE WHEN $6 THEN COALESCE(unavailable_since, $2) ELSE NULL END \
       WHERE domain = $1")
    .bind(domain)
    .bind(now)
    .bind(class)
    .bind(message)
    .bind(days_text)
    .bind(unavailable)
    .execute(ex)
    .await?;
    Ok(unavailable)
}

/// The current hour bucket.
pub fn this_hour() -> i64 {
    now_ms() / 3_600_000
}

/// Adds `n` to an outcome (`delivered`, `failed:<class>`, `inbound`, `refused`) in hour
/// `hour`'s bucket and in the peer's running total. Additions, so that several processes'
/// figures add up.
pub async fn count<'a>(
    ex: impl Into<Exec<'a>>,
    domain: &str,
    outcome: &str,
    hour: i64,
    n: i64,
) -> Result<()> {
    let mut ex = ex.into();
    q(
        "INSERT INTO peer_stats_hourly (domain, hour, outcome, count) VALUES ($1, $2, $3, $4) \
       ON CONFLICT (domain, hour, outcome) DO UPDATE SET count = peer_stats_hourly.count + $4",
    )
    .bind(domain)
    .bind(hour)
    .bind(outcome)
    .bind(n)
    .execute(ex.reborrow())
    .await?;
    q(
        "INSERT INTO peer_totals (domain, outcome, count) VALUES ($1, $2, $3) \
       ON CONFLICT (domain, outcome) DO UPDATE SET count = peer_totals.count + $3",
    )
    .bind(domain)
    .bind(outcome)
    .bind(n)
    .execute(ex)
    .await?;
    Ok(())
}

/// Outcome counts for `domain` since hour `from_hour` (inclusive).
pub async fn stats_since<'a>(
    ex: impl Into<Exec<'a>>,
    domain: &str,
    from_hour: i64,
) -> Result<Vec<(String, i64)>> {
    q(
        "SELECT outcome, CAST(SUM(count) AS BIGINT) AS n FROM peer_stats_hourly \
       WHERE domain = $1 AND hour >= $2 GROUP BY outcome",
    )
    .bind(domain)
    .bind(from_hour)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.string("outcome")?, r.i64("n")?)))
    .collect()
}

/// Every peer's running totals: (domain, outcome, count).
pub async fn totals<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<(String, String, i64)>> {
    q("SELECT domain, outcome, count FROM peer_totals ORDER BY domain, outcome")
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.string("domain")?, r.string("outcome")?, r.i64("count")?)))
        .collect()
}

/// Drops hourly buckets before `before_hour`; returns how many went.
pub async fn prune_stats<'a>(ex: impl Into<Exec<'a>>, before_hour: i64) -> Result<u64> {
    q("DELETE FROM peer_stats_hourly WHERE hour < $1")
        .bind(before_hour)
        .execute(ex)
        .await
}

/// What NodeInfo said about a peer (`None`: it did not say); records the check either way.
pub async fn set_software<'a>(
    ex: impl Into<Exec<'a>>,
    domain: &str,
    software: Option<(&str, &str)>,
) -> Result<()> {
    let mut ex = ex.into();
    ensure(ex.reborrow(), domain).await?;
    let (name, version) = software.unzip();
    q(
        "UPDATE peers SET software = COALESCE($2, software), version = COALESCE($3, version), \
       software_checked_at = $4 WHERE domain = $1",
    )
    .bind(domain)
    .bind(name)
    .bind(version)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// Peers whose software was never asked for, or not since `before` (ms), oldest first.
pub async fn software_due<'a>(ex: impl Into<Exec<'a>>, before: i64, limit: i64) -> Result<Vec<String>> {
    q(
        "SELECT domain FROM peers WHERE software_checked_at IS NULL OR software_checked_at < $1 \
       ORDER BY COALESCE(software_checked_at, 0), domain LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.string("domain"))
    .collect()
}

/// Peers an admin paused deliveries to.
pub async fn paused<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<String>> {
    q("SELECT domain FROM peers WHERE delivery_paused = TRUE")
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.string("domain"))
        .collect()
}

pub async fn set_paused<'a>(ex: impl Into<Exec<'a>>, domain: &str, paused: bool) -> Result<()> {
    let mut ex = ex.into();
    ensure(ex.reborrow(), domain).await?;
    q("UPDATE peers SET delivery_paused = $2 WHERE domain = $1")
        .bind(domain)
        .bind(paused)
        .execute(ex)
        .await?;
    Ok(())
}

/// Forgets failures (an admin's "clear failures").
pub async fn clear_failures<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<()> {
    q(
        "UPDATE peers SET failure_days = '', unavailable_since = NULL, last_failure_class = NULL, \
       last_failure_message = NULL, last_failure_at = NULL WHERE domain = $1",
    )
    .bind(domain)
    .execute(ex)
    .await?;
    Ok(())
}

/// How local members and a peer's accounts are connected, deduplicated: local members who
/// follow accounts there, accounts there who follow local members, and the distinct follow
/// relationships between the two sides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ties {
    pub accounts: i64,
    pub statuses: i64,
    pub local_followers_of_them: i64,
    pub their_followers_of_us: i64,
    pub relationships: i64,
}

pub async fn ties<'a>(ex: impl Into<Exec<'a>>, domain: &str) -> Result<Ties> {
    let mut ex = ex.into();
    let scalar = |sql: &'static str| q(sql).bind(domain);
    Ok(Ties {
        accounts: scalar("SELECT COUNT(*) FROM accounts WHERE lower(domain) = lower($1)").fetch_i64(ex.reborrow()).await?,
        // The accounts' counters of what is stored here, as in the list of every peer.
        statuses: scalar(
            "SELECT CAST(COALESCE(SUM(statuses_count), 0) AS BIGINT) FROM accounts WHERE lower(domain) = lower($1)",
        )
        .fetch_i64(ex.reborrow())
        .await?,
        local_followers_of_them: scalar(
            "SELECT COUNT(DISTINCT f.account_id) FROM follows f JOIN accounts t ON t.id = f.target_account_id \
             JOIN accounts me ON me.id = f.account_id WHERE lower(t.domain) = lower($1) AND me.domain IS NULL",
        )
        .fetch_i64(ex.reborrow())
        .await?,
        their_followers_of_us: scalar(
            "SELECT COUNT(DISTINCT f.account_id) FROM follows f JOIN accounts them ON them.id = f.account_id \
             JOIN accounts me ON me.id = f.target_account_id WHERE lower(them.domain) = lower($1) AND me.domain IS NULL",
        )
        .fetch_i64(ex.reborrow())
        .await?,
        relationships: scalar(
            "SELECT COUNT(*) FROM follows f JOIN accounts x ON x.id = f.account_id JOIN accounts y ON y.id = f.target_account_id \
             WHERE (lower(x.domain) = lower($1) AND y.domain IS NULL) OR (x.domain IS NULL AND lower(y.domain) = lower($1))",
        )
        .fetch_i64(ex)
        .await?,
    })
}

/// Every domain we know of: peers we talked to and domains of stored accounts.
pub async fn known<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<String>> {
    q("SELECT domain FROM peers UNION SELECT DISTINCT lower(domain) FROM accounts WHERE domain IS NOT NULL ORDER BY 1")
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.string_at(0))
        .collect()
}
