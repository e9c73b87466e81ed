//! Lists: a member's selections of accounts they follow, and the list timelines,
//! materialised on write in `list_feed` like the home feed.

use crate::db::{Exec, Row, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub id: i64,
    pub account_id: i64,
    pub title: String,
    /// `followed`, `list` or `none`: which replies the list shows.
    pub replies_policy: String,
    /// Members' posts stay out of the owner's home timeline.
    pub exclusive: bool,
    pub created_at: i64,
}

const COLS: &str = "id, account_id, title, replies_policy, exclusive, created_at";

fn from_row(r: &Row) -> Result<List> {
    Ok(List {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        title: r.string("title")?,
        replies_policy: r.string("replies_policy")?,
        exclusive: r.bool("exclusive")?,
        created_at: r.i64("created_at")?,
    })
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, l: &List) -> Result<()> {
    q(format!(
        "INSERT INTO lists ({COLS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(l.id)
    .bind(l.account_id)
    .bind(&l.title)
    .bind(&l.replies_policy)
    .bind(l.exclusive)
    .bind(l.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn update<'a>(ex: impl Into<Exec<'a>>, l: &List) -> Result<()> {
    q("UPDATE lists SET title = $2, replies_policy = $3, exclusive = $4 WHERE id = $1")
        .bind(l.id)
        .bind(&l.title)
        .bind(&l.replies_policy)
        .bind(l.exclusive)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM lists WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(owner)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// A list of `owner`'s.
pub async fn get<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<Option<List>> {
    q(format!(
        "SELECT {COLS} FROM lists WHERE id = $1 AND account_id = $2"
    ))
    .bind(id)
    .bind(owner)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<List>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM lists WHERE id IN ({})",
        placeholders(1, ids.len())
    ))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// `owner`'s lists, oldest first (as Mastodon orders them).
pub async fn of_owner<'a>(ex: impl Into<Exec<'a>>, owner: i64) -> Result<Vec<List>> {
    q(format!(
        "SELECT {COLS} FROM lists WHERE account_id = $1 ORDER BY id"
    ))
    .bind(owner)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// `owner`'s lists that hold `member`.
pub async fn holding<'a>(ex: impl Into<Exec<'a>>, owner: i64, member: i64) -> Result<Vec<List>> {
    q(format!(
        "SELECT {} FROM lists l JOIN list_accounts la ON la.list_id = l.id \
         WHERE l.account_id = $1 AND la.account_id = $2 ORDER BY l.id",
        crate::db::qualified(COLS, "l")
    ))
    .bind(owner)
    .bind(member)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Adds `member` (followed through `follow_id`); `false` if it was there.
pub async fn add_member<'a>(
    ex: impl Into<Exec<'a>>,
    list_id: i64,
    member: i64,
    follow_id: i64,
) -> Result<bool> {
    let n = q(
        "INSERT INTO list_accounts (list_id, account_id, follow_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(list_id)
    .bind(member)
    .bind(follow_id)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(n > 0)
}

/// Removes `members` (their posts leave the list timeline with them).
pub async fn remove_members<'a>(ex: impl Into<Exec<'a>>, list_id: i64, members: &[i64]) -> Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    q(format!(
        "DELETE FROM list_accounts WHERE list_id = $1 AND account_id IN ({})",
        placeholders(2, members.len())
    ))
    .bind(list_id)
    .bind_all(members.iter().copied())
    .execute(ex)
    .await?;
    Ok(())
}

/// A page of a list's members, keyed by the time they were added.
pub async fn members<'a>(ex: impl Into<Exec<'a>>, list_id: i64, page: &PageQuery) -> Result<Page<i64>> {
    // Rows are keyed by the follow id: unique per member and time-ordered.
    let (clause, args) = page.clause("follow_id", 2);
    let rows = q(format!(
        "SELECT follow_id, account_id FROM list_accounts WHERE list_id = $1{clause}"
    ))
    .bind(list_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("follow_id")?, r.i64("account_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Copies `member`'s recent entries of the owner's home feed into a list timeline. (`WHERE
/// TRUE`: SQLite would read `ON CONFLICT` after a bare `SELECT … FROM` as a join.)
pub async fn backfill<'a>(
    ex: impl Into<Exec<'a>>,
    list_id: i64,
    owner: i64,
    member: i64,
    limit: i64,
) -> Result<()> {
    q("INSERT INTO list_feed (list_id, status_id, author_id) \
       SELECT $1, status_id, author_id FROM (SELECT status_id, author_id FROM home_feed \
         WHERE account_id = $2 AND author_id = $3 ORDER BY status_id DESC LIMIT $4) AS recent \
       WHERE TRUE ON CONFLICT DO NOTHING")
    .bind(list_id)
    .bind(owner)
    .bind(member)
    .bind(limit)
    .execute(ex)
    .await?;
    Ok(())
}

/// The lists of `owners` that hold `author`, with their owner and replies policy.
pub async fn holding_author<'a>(ex: impl Into<Exec<'a>>, author: i64, owners: &[i64]) -> Result<Vec<List>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {} FROM lists l JOIN list_accounts la ON la.list_id = l.id \
         WHERE la.account_id = $1 AND l.account_id IN ({})",
        crate::db::qualified(COLS, "l"),
        placeholders(2, owners.len())
    ))
    .bind(author)
    .bind_all(owners.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Puts a status of `author` into list timelines.
pub async fn push<'a>(ex: impl Into<Exec<'a>>, list_ids: &[i64], status_id: i64, author: i64) -> Result<()> {
    let mut ex = ex.into();
    for chunk in list_ids.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, $1, $2)", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        q(format!(
            "INSERT INTO list_feed (list_id, status_id, author_id) VALUES {values} ON CONFLICT DO NOTHING"
        ))
        .bind(status_id)
        .bind(author)
        .bind_all(chunk.iter().copied())
        .execute(ex.reborrow())
        .await?;
    }
    Ok(())
}

/// A page of a list timeline: one range scan on its primary key.
pub async fn timeline<'a>(ex: impl Into<Exec<'a>>, list_id: i64, page: &PageQuery) -> Result<Page<i64>> {
    let (clause, args) = page.clause("status_id", 2);
    let rows = q(format!(
        "SELECT status_id FROM list_feed WHERE list_id = $1{clause}"
    ))
    .bind(list_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("status_id")?, r.i64("status_id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Of `list_ids`, those whose timeline holds `status_id`.
pub async fn holding_status<'a>(
    ex: impl Into<Exec<'a>>,
    status_id: i64,
    list_ids: &[i64],
) -> Result<Vec<i64>> {
    if list_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT list_id FROM list_feed WHERE status_id = $1 AND list_id IN ({})",
        placeholders(2, list_ids.len())
    ))
    .bind(status_id)
    .bind_all(list_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("list_id"))
    .collect()
}

/// Of `owners`, those with an exclusive list holding `author` (its posts skip their home).
pub async fn exclusive_owners<'a>(ex: impl Into<Exec<'a>>, author: i64, owners: &[i64]) -> Result<Vec<i64>> {
    Ok(holding_author(ex, author, owners)
        .await?
        .into_iter()
        .filter(|l| l.exclusive)
        .map(|l| l.account_id)
        .collect())
}

/// A new list row.
pub fn new_list(owner: i64, title: String, replies_policy: String, exclusive: bool) -> List {
    List {
        id: new_id(),
        account_id: owner,
        title,
        replies_policy,
        exclusive,
        created_at: now_ms(),
    }
}

/// Of `list_ids`, those that hold `member`.
pub async fn with_member<'a>(ex: impl Into<Exec<'a>>, list_ids: &[i64], member: i64) -> Result<Vec<i64>> {
    if list_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT list_id FROM list_accounts WHERE account_id = $1 AND list_id IN ({})",
        placeholders(2, list_ids.len())
    ))
    .bind(member)
    .bind_all(list_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("list_id"))
    .collect()
}
