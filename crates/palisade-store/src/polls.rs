//! Polls and votes. Local polls count their votes here; remote ones keep the tallies their
//! origin last sent (plus members' votes since).

use std::collections::HashMap;

use crate::db::{Backend, Exec, Row, placeholders, q};
use crate::{Result, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct Poll {
    pub id: i64,
    pub status_id: i64,
    pub account_id: i64,
    /// Ours: counted from `poll_votes`; otherwise the origin's tallies.
    pub local: bool,
    pub options: Vec<String>,
    /// Remote polls: the origin's counts per option.
    pub cached_counts: Vec<i64>,
    /// Remote polls: the origin's number of voters, if it says.
    pub cached_voters: Option<i64>,
    pub multiple: bool,
    pub hide_totals: bool,
    pub expires_at: Option<i64>,
    /// The end was announced (notifications sent).
    pub ended_notified: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, status_id, account_id, local, options, cached_counts, cached_voters, multiple, \
    hide_totals, expires_at, ended_notified, created_at, updated_at";

fn json_list<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<Vec<T>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn from_row(r: &Row) -> Result<Poll> {
    Ok(Poll {
        id: r.i64("id")?,
        status_id: r.i64("status_id")?,
        account_id: r.i64("account_id")?,
        local: r.bool("local")?,
        options: json_list(&r.string("options")?, "poll options")?,
        cached_counts: json_list(&r.string("cached_counts")?, "poll counts")?,
        cached_voters: r.opt_i64("cached_voters")?,
        multiple: r.bool("multiple")?,
        hide_totals: r.bool("hide_totals")?,
        expires_at: r.opt_i64("expires_at")?,
        ended_notified: r.bool("ended_notified")?,
        created_at: r.i64("created_at")?,
        updated_at: r.i64("updated_at")?,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, p: &Poll) -> Result<()> {
    q(format!(
        "INSERT INTO polls ({COLS}) VALUES ({})",
        placeholders(1, 13)
    ))
    .bind(p.id)
    .bind(p.status_id)
    .bind(p.account_id)
    .bind(p.local)
    .bind(to_json(&p.options))
    .bind(to_json(&p.cached_counts))
    .bind(p.cached_voters)
    .bind(p.multiple)
    .bind(p.hide_totals)
    .bind(p.expires_at)
    .bind(p.ended_notified)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// A remote poll's new state (an Update of its Question): options, tallies, end.
pub async fn update_remote<'a>(ex: impl Into<Exec<'a>>, p: &Poll) -> Result<()> {
    q(
        "UPDATE polls SET options = $2, cached_counts = $3, cached_voters = $4, multiple = $5, \
       expires_at = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(p.id)
    .bind(to_json(&p.options))
    .bind(to_json(&p.cached_counts))
    .bind(p.cached_voters)
    .bind(p.multiple)
    .bind(p.expires_at)
    .bind(p.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Poll>> {
    q(format!("SELECT {COLS} FROM polls WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// A poll, locked against concurrent votes until the transaction ends (PostgreSQL; SQLite
/// has one writer anyway).
pub async fn get_for_update<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Poll>> {
    let ex = ex.into();
    let lock = match ex.backend() {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    q(format!("SELECT {COLS} FROM polls WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn by_statuses<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<Poll>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM polls WHERE status_id IN ({})",
        placeholders(1, status_ids.len())
    ))
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Votes per poll and option, and voters per poll, for `poll_ids` (two queries).
pub async fn tallies<'a>(
    ex: impl Into<Exec<'a>>,
    poll_ids: &[i64],
) -> Result<(HashMap<(i64, i64), i64>, HashMap<i64, i64>)> {
    if poll_ids.is_empty() {
        return Ok(Default::default());
    }
    let mut ex = ex.into();
    let list = placeholders(1, poll_ids.len());
    let counts = q(format!(
        "SELECT poll_id, choice, COUNT(*) AS n FROM poll_votes WHERE poll_id IN ({list}) GROUP BY poll_id, choice"
    ))
    .bind_all(poll_ids.iter().copied())
    .fetch_all(ex.reborrow())
    .await?
    .iter()
    .map(|r| Ok(((r.i64("poll_id")?, r.i64("choice")?), r.i64("n")?)))
    .collect::<Result<_>>()?;
    let voters = q(format!(
        "SELECT poll_id, COUNT(DISTINCT account_id) AS n FROM poll_votes WHERE poll_id IN ({list}) GROUP BY poll_id"
    ))
    .bind_all(poll_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.i64("poll_id")?, r.i64("n")?)))
    .collect::<Result<_>>()?;
    Ok((counts, voters))
}

/// `account_id`'s choices in each of `poll_ids`, in the order cast.
pub async fn own_votes<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    poll_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    if poll_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = q(format!(
        "SELECT poll_id, choice FROM poll_votes WHERE account_id = $1 AND poll_id IN ({}) ORDER BY id",
        placeholders(2, poll_ids.len())
    ))
    .bind(account_id)
    .bind_all(poll_ids.iter().copied())
    .fetch_all(ex)
    .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in rows {
        out.entry(r.i64("poll_id")?).or_default().push(r.i64("choice")?);
    }
    Ok(out)
}

/// Records a vote; `false` if that choice was already cast by this account.
pub async fn insert_vote<'a>(
    ex: impl Into<Exec<'a>>,
    id: i64,
    poll_id: i64,
    account_id: i64,
    choice: i64,
    uri: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = q(
        "INSERT INTO poll_votes (id, poll_id, account_id, choice, uri, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(poll_id)
    .bind(account_id)
    .bind(choice)
    .bind(uri)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(n > 0)
}

/// Local accounts that voted in a poll (to tell them it ended).
pub async fn local_voters<'a>(ex: impl Into<Exec<'a>>, poll_id: i64) -> Result<Vec<i64>> {
    q(
        "SELECT DISTINCT v.account_id FROM poll_votes v JOIN accounts a ON a.id = v.account_id \
       WHERE v.poll_id = $1 AND a.domain IS NULL",
    )
    .bind(poll_id)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("account_id"))
    .collect()
}

/// Remote voters' inboxes of a local poll (they hear of new tallies).
pub async fn remote_voter_inboxes<'a>(ex: impl Into<Exec<'a>>, poll_id: i64) -> Result<Vec<String>> {
    q("SELECT DISTINCT COALESCE(a.shared_inbox_url, a.inbox_url) AS inbox FROM poll_votes v \
       JOIN accounts a ON a.id = v.account_id \
       WHERE v.poll_id = $1 AND a.domain IS NOT NULL AND COALESCE(a.shared_inbox_url, a.inbox_url) IS NOT NULL")
    .bind(poll_id)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.string("inbox"))
    .collect()
}

/// Marks the end announced; `false` if another run did it first.
pub async fn mark_ended<'a>(ex: impl Into<Exec<'a>>, poll_id: i64) -> Result<bool> {
    let n = q("UPDATE polls SET ended_notified = TRUE WHERE id = $1 AND ended_notified = FALSE")
        .bind(poll_id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// Replaces a remote poll's cached tallies (a member's vote counted before the origin's
/// next Update arrives).
pub async fn set_cached<'a>(
    ex: impl Into<Exec<'a>>,
    poll_id: i64,
    counts: &[i64],
    voters: Option<i64>,
) -> Result<()> {
    q("UPDATE polls SET cached_counts = $2, cached_voters = $3 WHERE id = $1")
        .bind(poll_id)
        .bind(to_json(&counts))
        .bind(voters)
        .execute(ex)
        .await?;
    Ok(())
}
