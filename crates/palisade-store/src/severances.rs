//! Severed relationships: what a domain block or suspension cut, kept for the members'
//! notices and so that lifting a suspension in time can restore it.

use crate::db::{Exec, Row, q};
use crate::page::{Page, PageQuery};
use crate::relationships::Follow;
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub target_name: String,
    pub purged: bool,
    pub created_at: i64,
}

/// One member's share of an event.
#[derive(Clone, Debug)]
pub struct MemberSeverance {
    pub id: i64,
    pub event: Event,
    pub followers_count: i64,
    pub following_count: i64,
}

pub async fn create_event<'a>(ex: impl Into<Exec<'a>>, kind: &str, target_name: &str) -> Result<i64> {
    let id = new_id();
    q("INSERT INTO severance_events (id, kind, target_name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(kind)
        .bind(target_name)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(id)
}

/// Keeps a severed follow as it was.
pub async fn keep<'a>(ex: impl Into<Exec<'a>>, event_id: i64, f: &Follow) -> Result<()> {
    q("INSERT INTO severed_relationships (id, event_id, account_id, target_account_id, show_reblogs, notify, \
       languages, uri, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
    .bind(new_id())
    .bind(event_id)
    .bind(f.account_id)
    .bind(f.target_account_id)
    .bind(f.show_reblogs)
    .bind(f.notify)
    .bind(&f.languages)
    .bind(&f.uri)
    .bind(f.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn add_member<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    event_id: i64,
    followers: i64,
    following: i64,
) -> Result<i64> {
    let id = new_id();
    q("INSERT INTO account_severances (id, account_id, event_id, followers_count, following_count, created_at) \
       VALUES ($1, $2, $3, $4, $5, $6)")
    .bind(id)
    .bind(account_id)
    .bind(event_id)
    .bind(followers)
    .bind(following)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(id)
}

fn member_from_row(r: &Row) -> Result<MemberSeverance> {
    Ok(MemberSeverance {
        id: r.i64("id")?,
        followers_count: r.i64("followers_count")?,
        following_count: r.i64("following_count")?,
        event: Event {
            id: r.i64("event_id")?,
            kind: r.string("kind")?,
            target_name: r.string("target_name")?,
            purged: r.bool("purged")?,
            created_at: r.i64("event_created_at")?,
        },
    })
}

const MEMBER_COLS: &str = "s.id, s.event_id, s.followers_count, s.following_count, e.kind, e.target_name, e.purged, \
    e.created_at AS event_created_at";

/// A member's severances, newest first.
pub async fn of_member<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<MemberSeverance>> {
    let (clause, args) = page.clause("s.id", 2);
    let rows = q(format!(
        "SELECT {MEMBER_COLS} FROM account_severances s JOIN severance_events e ON e.id = s.event_id \
         WHERE s.account_id = $1{clause}"
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, member_from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// A member's severance of one event (for a notification).
pub async fn member_event<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    event_id: i64,
) -> Result<Option<MemberSeverance>> {
    q(format!(
        "SELECT {MEMBER_COLS} FROM account_severances s JOIN severance_events e ON e.id = s.event_id \
         WHERE s.account_id = $1 AND s.event_id = $2"
    ))
    .bind(account_id)
    .bind(event_id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(member_from_row)
    .transpose()
}

/// The follows an event severed.
pub async fn severed<'a>(ex: impl Into<Exec<'a>>, event_id: i64) -> Result<Vec<Follow>> {
    q(
        "SELECT id, account_id, target_account_id, show_reblogs, notify, languages, uri, created_at \
       FROM severed_relationships WHERE event_id = $1",
    )
    .bind(event_id)
    .fetch_all(ex)
    .await?
    .iter()
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

/// Whether the data behind an event was purged (then nothing can be restored).
pub async fn is_purged<'a>(ex: impl Into<Exec<'a>>, event_id: i64) -> Result<bool> {
    Ok(q("SELECT purged FROM severance_events WHERE id = $1")
        .bind(event_id)
        .fetch_optional(ex)
        .await?
        .map(|r| r.bool("purged"))
        .transpose()?
        .unwrap_or(true))
}

pub async fn mark_purged<'a>(ex: impl Into<Exec<'a>>, event_id: i64) -> Result<()> {
    q("UPDATE severance_events SET purged = TRUE WHERE id = $1")
        .bind(event_id)
        .execute(ex)
        .await?;
    Ok(())
}
