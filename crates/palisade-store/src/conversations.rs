//! Direct-message conversations, one row per local participant and set of other
//! participants, with the statuses each holds.

use crate::db::{Backend, Exec, Row, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug)]
pub struct Conversation {
    pub id: i64,
    pub account_id: i64,
    pub conversation_id: i64,
    /// The other participants.
    pub participant_ids: Vec<i64>,
    pub last_status_id: i64,
    pub unread: bool,
}

const COLS: &str = "id, account_id, conversation_id, participant_ids, last_status_id, unread";

fn from_row(r: &Row) -> Result<Conversation> {
    Ok(Conversation {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        conversation_id: r.i64("conversation_id")?,
        participant_ids: r
            .string("participant_ids")?
            .split(',')
            .filter_map(|p| p.parse().ok())
            .collect(),
        last_status_id: r.i64("last_status_id")?,
        unread: r.bool("unread")?,
    })
}

/// The stored form of a participant set: sorted, comma separated.
pub fn participants_key(ids: &[i64]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Adds `status_id` to `account_id`'s conversation with `others` in thread `conversation_id`
/// (created if new); it is unread unless `account_id` wrote it. Returns the row's id.
pub async fn add_status<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    conversation_id: i64,
    others: &[i64],
    status_id: i64,
    unread: bool,
) -> Result<i64> {
    let mut ex = ex.into();
    let greatest = match ex.backend() {
        Backend::Postgres => "GREATEST",
        Backend::Sqlite => "MAX",
    };
    let id = q(format!(
        "INSERT INTO account_conversations ({COLS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (account_id, conversation_id, participant_ids) DO UPDATE SET \
           last_status_id = {greatest}(account_conversations.last_status_id, excluded.last_status_id), \
           unread = excluded.unread, updated_at = excluded.updated_at \
         RETURNING id"
    ))
    .bind(new_id())
    .bind(account_id)
    .bind(conversation_id)
    .bind(participants_key(others))
    .bind(status_id)
    .bind(unread)
    .bind(now_ms())
    .fetch_i64(ex.reborrow())
    .await?;
    q(
        "INSERT INTO conversation_statuses (account_conversation_id, status_id) VALUES ($1, $2) \
       ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(status_id)
    .execute(ex)
    .await?;
    Ok(id)
}

/// A page of `account_id`'s conversations, most recent status first (keyed by it).
pub async fn page<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<Conversation>> {
    let (clause, args) = page.clause("last_status_id", 2);
    let rows = q(format!(
        "SELECT {COLS} FROM account_conversations WHERE account_id = $1{clause}"
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("last_status_id")?, from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

pub async fn by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<Conversation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM account_conversations WHERE id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<Option<Conversation>> {
    q(format!(
        "SELECT {COLS} FROM account_conversations WHERE id = $1 AND account_id = $2"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn mark_read<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<bool> {
    let n = q("UPDATE account_conversations SET unread = FALSE WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn remove<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM account_conversations WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// The conversations that hold `status_id` (asked before it is deleted).
pub async fn holding<'a>(ex: impl Into<Exec<'a>>, status_id: i64) -> Result<Vec<i64>> {
    q("SELECT account_conversation_id FROM conversation_statuses WHERE status_id = $1")
        .bind(status_id)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.i64("account_conversation_id"))
        .collect()
}

/// After a status left `ids`: empty conversations go, the others point at their latest.
pub async fn refresh<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut ex = ex.into();
    let list = placeholders(1, ids.len());
    q(format!(
        "DELETE FROM account_conversations WHERE id IN ({list}) AND NOT EXISTS \
         (SELECT 1 FROM conversation_statuses cs WHERE cs.account_conversation_id = account_conversations.id)"
    ))
    .bind_all(ids.iter().copied())
    .execute(ex.reborrow())
    .await?;
    q(format!(
        "UPDATE account_conversations SET last_status_id = (SELECT MAX(cs.status_id) \
         FROM conversation_statuses cs WHERE cs.account_conversation_id = account_conversations.id) \
         WHERE id IN ({list})"
    ))
    .bind_all(ids.iter().copied())
    .execute(ex)
    .await?;
    Ok(())
}
