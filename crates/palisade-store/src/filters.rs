//! Filters (Mastodon's v2 custom filters): keywords and statuses that warn, blur or hide
//! in some contexts. A v1 filter is a keyword of its own v2 filter.

use crate::Result;
use crate::db::{Exec, Row, placeholders, q};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub id: i64,
    pub account_id: i64,
    pub title: String,
    /// `home`, `notifications`, `public`, `thread`, `account`.
    pub context: Vec<String>,
    /// `warn`, `hide` or `blur`.
    pub action: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyword {
    pub id: i64,
    pub filter_id: i64,
    pub keyword: String,
    pub whole_word: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilteredStatus {
    pub id: i64,
    pub filter_id: i64,
    pub status_id: i64,
}

const COLS: &str = "id, account_id, title, context, action, expires_at, created_at";

fn from_row(r: &Row) -> Result<Filter> {
    Ok(Filter {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        title: r.string("title")?,
        context: r
            .string("context")?
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        action: r.string("action")?,
        expires_at: r.opt_i64("expires_at")?,
        created_at: r.i64("created_at")?,
    })
}

fn keyword_from_row(r: &Row) -> Result<Keyword> {
    Ok(Keyword {
        id: r.i64("id")?,
        filter_id: r.i64("filter_id")?,
        keyword: r.string("keyword")?,
        whole_word: r.bool("whole_word")?,
    })
}

fn status_from_row(r: &Row) -> Result<FilteredStatus> {
    Ok(FilteredStatus {
        id: r.i64("id")?,
        filter_id: r.i64("filter_id")?,
        status_id: r.i64("status_id")?,
    })
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, f: &Filter) -> Result<()> {
    q(format!(
        "INSERT INTO filters ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(f.id)
    .bind(f.account_id)
    .bind(&f.title)
    .bind(f.context.join(","))
    .bind(&f.action)
    .bind(f.expires_at)
    .bind(f.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn update<'a>(ex: impl Into<Exec<'a>>, f: &Filter) -> Result<()> {
    q("UPDATE filters SET title = $2, context = $3, action = $4, expires_at = $5 WHERE id = $1")
        .bind(f.id)
        .bind(&f.title)
        .bind(f.context.join(","))
        .bind(&f.action)
        .bind(f.expires_at)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn delete<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM filters WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(owner)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<Option<Filter>> {
    q(format!(
        "SELECT {COLS} FROM filters WHERE id = $1 AND account_id = $2"
    ))
    .bind(id)
    .bind(owner)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// `owner`'s filters (expired ones included), oldest first.
pub async fn of_owner<'a>(ex: impl Into<Exec<'a>>, owner: i64) -> Result<Vec<Filter>> {
    q(format!(
        "SELECT {COLS} FROM filters WHERE account_id = $1 ORDER BY id"
    ))
    .bind(owner)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Everything `owner`'s unexpired filters hold, in three queries.
pub async fn active<'a>(
    ex: impl Into<Exec<'a>>,
    owner: i64,
    now: i64,
) -> Result<(Vec<Filter>, Vec<Keyword>, Vec<FilteredStatus>)> {
    let mut ex = ex.into();
    let filters: Vec<Filter> = q(format!(
        "SELECT {COLS} FROM filters WHERE account_id = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY id"
    ))
    .bind(owner)
    .bind(now)
    .fetch_all(ex.reborrow())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_>>()?;
    if filters.is_empty() {
        return Ok((filters, Vec::new(), Vec::new()));
    }
    let ids: Vec<i64> = filters.iter().map(|f| f.id).collect();
    let keywords = keywords_of(ex.reborrow(), &ids).await?;
    let statuses = statuses_of(ex, &ids).await?;
    Ok((filters, keywords, statuses))
}

pub async fn keywords_of<'a>(ex: impl Into<Exec<'a>>, filter_ids: &[i64]) -> Result<Vec<Keyword>> {
    if filter_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT id, filter_id, keyword, whole_word FROM filter_keywords WHERE filter_id IN ({}) ORDER BY id",
        placeholders(1, filter_ids.len())
    ))
    .bind_all(filter_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(keyword_from_row)
    .collect()
}

pub async fn statuses_of<'a>(ex: impl Into<Exec<'a>>, filter_ids: &[i64]) -> Result<Vec<FilteredStatus>> {
    if filter_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT id, filter_id, status_id FROM filter_statuses WHERE filter_id IN ({}) ORDER BY id",
        placeholders(1, filter_ids.len())
    ))
    .bind_all(filter_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(status_from_row)
    .collect()
}

pub async fn insert_keyword<'a>(ex: impl Into<Exec<'a>>, k: &Keyword, now: i64) -> Result<()> {
    q("INSERT INTO filter_keywords (id, filter_id, keyword, whole_word, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(k.id)
        .bind(k.filter_id)
        .bind(&k.keyword)
        .bind(k.whole_word)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn update_keyword<'a>(ex: impl Into<Exec<'a>>, k: &Keyword) -> Result<()> {
    q("UPDATE filter_keywords SET keyword = $2, whole_word = $3 WHERE id = $1")
        .bind(k.id)
        .bind(&k.keyword)
        .bind(k.whole_word)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn delete_keyword<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    let n = q("DELETE FROM filter_keywords WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// A keyword with the filter it belongs to, if `owner`'s.
pub async fn keyword<'a>(ex: impl Into<Exec<'a>>, owner: i64, id: i64) -> Result<Option<(Keyword, Filter)>> {
    let mut ex = ex.into();
    let Some(k) = q("SELECT id, filter_id, keyword, whole_word FROM filter_keywords WHERE id = $1")
        .bind(id)
        .fetch_optional(ex.reborrow())
        .await?
    else {
        return Ok(None);
    };
    let k = keyword_from_row(&k)?;
    Ok(get(ex, owner, k.filter_id).await?.map(|f| (k, f)))
}

pub async fn insert_status<'a>(ex: impl Into<Exec<'a>>, s: &FilteredStatus, now: i64) -> Result<bool> {
    let n = q(
        "INSERT INTO filter_statuses (id, filter_id, status_id, created_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT DO NOTHING",
    )
    .bind(s.id)
    .bind(s.filter_id)
    .bind(s.status_id)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(n > 0)
}

pub async fn delete_status<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    let n = q("DELETE FROM filter_statuses WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

/// A filtered status with its filter, if `owner`'s.
pub async fn filtered_status<'a>(
    ex: impl Into<Exec<'a>>,
    owner: i64,
    id: i64,
) -> Result<Option<(FilteredStatus, Filter)>> {
    let mut ex = ex.into();
    let Some(r) = q("SELECT id, filter_id, status_id FROM filter_statuses WHERE id = $1")
        .bind(id)
        .fetch_optional(ex.reborrow())
        .await?
    else {
        return Ok(None);
    };
    let s = status_from_row(&r)?;
    Ok(get(ex, owner, s.filter_id).await?.map(|f| (s, f)))
}
