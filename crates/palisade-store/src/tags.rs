//! Hashtags and the statuses that carry them.

use std::collections::HashMap;

use crate::db::{Exec, placeholders, q};
use crate::page::{Page, PageQuery};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct Tag {
    pub id: i64,
    pub name: String,
}

/// Names per statement at most, well within both databases' limits on bound values (a
/// remote note may name thousands of tags).
const CHUNK: usize = 500;

/// `names` with their lower case, once each (by lower case), in their order.
fn unique_lower(names: &[String]) -> Vec<(&String, String)> {
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    names
        .iter()
        .map(|n| (n, n.to_lowercase()))
        .filter(|(_, lower)| seen.insert(lower.clone()))
        .collect()
}

/// The tags named `names` (any case), in their order, once each, creating the missing ones:
/// one statement to insert and one to read (per 500 names), not two per name.
pub async fn upsert(tx: &mut crate::Tx, names: &[String]) -> Result<Vec<Tag>> {
    let unique = unique_lower(names);
    for chunk in unique.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${}, $1)", 3 * i + 2, 3 * i + 3, 3 * i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = q(format!(
            "INSERT INTO tags (id, name, name_lower, created_at) VALUES {values} \
             ON CONFLICT (name_lower) DO NOTHING"
        ))
        .bind(now_ms());
        for (name, lower) in chunk {
            insert = insert
                .bind(crate::ids::new_id())
                .bind(name.as_str())
                .bind(lower.as_str());
        }
        insert.execute(&mut *tx).await?;
    }
    let lowers: Vec<String> = unique.into_iter().map(|(_, l)| l).collect();
    by_names(&mut *tx, &lowers).await
}

/// The tags named `names` that exist (any case), in the order of `names`, once each.
pub async fn by_names<'a>(ex: impl Into<Exec<'a>>, names: &[String]) -> Result<Vec<Tag>> {
    let lowers: Vec<String> = unique_lower(names).into_iter().map(|(_, l)| l).collect();
    let mut ex = ex.into();
    let mut found: HashMap<String, Tag> = HashMap::with_capacity(lowers.len());
    for chunk in lowers.chunks(CHUNK) {
        let rows = q(format!(
            "SELECT id, name, name_lower FROM tags WHERE name_lower IN ({})",
            placeholders(1, chunk.len())
        ))
        .bind_all(chunk.iter().map(String::as_str))
        .fetch_all(ex.reborrow())
        .await?;
        for r in rows {
            let tag = Tag {
                id: r.i64("id")?,
                name: r.string("name")?,
            };
            found.insert(r.string("name_lower")?, tag);
        }
    }
    Ok(lowers.iter().filter_map(|l| found.remove(l)).collect())
}

pub async fn by_name<'a>(ex: impl Into<Exec<'a>>, name: &str) -> Result<Option<Tag>> {
    q("SELECT id, name FROM tags WHERE name_lower = $1")
        .bind(name.to_lowercase())
        .fetch_optional(ex)
        .await?
        .map(|r| {
            Ok(Tag {
                id: r.i64("id")?,
                name: r.string("name")?,
            })
        })
        .transpose()
}

/// Tags whose name starts with `prefix`, most used first.
pub async fn search<'a>(ex: impl Into<Exec<'a>>, prefix: &str, limit: i64, offset: i64) -> Result<Vec<Tag>> {
    let pattern = format!("{}%", crate::accounts::escape_like(&prefix.to_lowercase()));
    q(
        "SELECT t.id, t.name FROM tags t WHERE t.name_lower LIKE $1 ESCAPE '\\' \
       ORDER BY (SELECT COUNT(*) FROM status_tags st WHERE st.tag_id = t.id) DESC, t.name_lower \
       LIMIT $2 OFFSET $3",
    )
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        Ok(Tag {
            id: r.i64("id")?,
            name: r.string("name")?,
        })
    })
    .collect()
}

pub async fn attach(tx: &mut crate::Tx, status_id: i64, tag_ids: &[i64]) -> Result<()> {
    for chunk in tag_ids.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("($1, ${})", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        q(format!(
            "INSERT INTO status_tags (status_id, tag_id) VALUES {values} ON CONFLICT DO NOTHING"
        ))
        .bind(status_id)
        .bind_all(chunk.iter().copied())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

pub async fn detach_all<'a>(ex: impl Into<Exec<'a>>, status_id: i64) -> Result<()> {
    q("DELETE FROM status_tags WHERE status_id = $1")
        .bind(status_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// (status_id, tag) pairs for the given statuses.
pub async fn of_statuses<'a>(ex: impl Into<Exec<'a>>, status_ids: &[i64]) -> Result<Vec<(i64, Tag)>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT st.status_id, t.id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id \
         WHERE st.status_id IN ({})",
        placeholders(1, status_ids.len())
    ))
    .bind_all(status_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.i64("status_id")?,
            Tag {
                id: r.i64("id")?,
                name: r.string("name")?,
            },
        ))
    })
    .collect()
}

/// Public statuses tagged `tag_id`, newest first: a range scan on `status_tags (tag_id, status_id)`.
pub async fn timeline<'a>(
    ex: impl Into<Exec<'a>>,
    tags: &TagSelection,
    local_only: Option<bool>,
    page: &PageQuery,
) -> Result<Page<i64>> {
    // One tag (the usual case) reads its index range alone; with `any` a status carrying
    // several of them must come once.
    let distinct = if tags.any.len() > 1 { "DISTINCT " } else { "" };
    let mut sql = format!(
        "SELECT {distinct}st.status_id AS id FROM status_tags st JOIN statuses s ON s.id = st.status_id \
         WHERE st.tag_id IN ({}) AND s.visibility = 'public'",
        placeholders(1, tags.any.len())
    );
    let mut n = tags.any.len() + 1;
    for _ in &tags.all {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM status_tags a WHERE a.status_id = st.status_id AND a.tag_id = ${n})"
        ));
        n += 1;
    }
    if !tags.none.is_empty() {
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM status_tags x WHERE x.status_id = st.status_id AND x.tag_id IN ({}))",
            placeholders(n, tags.none.len())
        ));
        n += tags.none.len();
    }
    match local_only {
        Some(true) => sql.push_str(" AND s.local = TRUE"),
        Some(false) => sql.push_str(" AND s.local = FALSE"),
        None => {}
    }
    let (clause, args) = page.clause("st.status_id", n);
    sql.push_str(&clause);
    let rows = q(sql)
        .bind_all(tags.any.iter().chain(&tags.all).chain(&tags.none).copied())
        .bind_all(args)
        .fetch_all(ex)
        .await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, r.i64("id")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// The tags of a hashtag timeline (Mastodon's `any[]`, `all[]`, `none[]`): statuses with
/// one of `any` (the timeline's own tag first), every one of `all`, none of `none`.
#[derive(Clone, Debug, Default)]
pub struct TagSelection {
    pub any: Vec<i64>,
    pub all: Vec<i64>,
    pub none: Vec<i64>,
}

/// Daily use of a tag over the last `days` days: (day start ms, uses, distinct accounts).
pub async fn history<'a>(
    ex: impl Into<Exec<'a>>,
    tag_id: i64,
    day_starts: &[i64],
) -> Result<Vec<(i64, i64, i64)>> {
    crate::trends::per_day(
        ex,
        "SELECT COUNT(*) AS uses, COUNT(DISTINCT s.account_id) AS accounts \
         FROM status_tags st JOIN statuses s ON s.id = st.status_id \
         WHERE st.tag_id = $1 AND st.status_id >= $2 AND st.status_id < $3 AND s.visibility = 'public'",
        tag_id,
        day_starts,
    )
    .await
}

/// Follows (`on`) or unfollows a hashtag.
pub async fn set_followed<'a>(ex: impl Into<Exec<'a>>, account_id: i64, tag_id: i64, on: bool) -> Result<()> {
    let query = if on {
        q(
            "INSERT INTO tag_follows (id, account_id, tag_id, created_at) VALUES ($1, $2, $3, $4) \
           ON CONFLICT (account_id, tag_id) DO NOTHING",
        )
        .bind(crate::ids::new_id())
        .bind(account_id)
        .bind(tag_id)
        .bind(now_ms())
    } else {
        q("DELETE FROM tag_follows WHERE account_id = $1 AND tag_id = $2")
            .bind(account_id)
            .bind(tag_id)
    };
    query.execute(ex).await?;
    Ok(())
}

pub async fn followed_among<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    tag_ids: &[i64],
) -> Result<Vec<i64>> {
    if tag_ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT tag_id FROM tag_follows WHERE account_id = $1 AND tag_id IN ({})",
        placeholders(2, tag_ids.len())
    ))
    .bind(account_id)
    .bind_all(tag_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("tag_id"))
    .collect()
}

/// The hashtags an account follows, newest first, keyed by the follow's id.
pub async fn followed_page<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    page: &PageQuery,
) -> Result<Page<Tag>> {
    let (clause, args) = page.clause("f.id", 2);
    let rows = q(format!(
        "SELECT f.id AS key, t.id, t.name FROM tag_follows f JOIN tags t ON t.id = f.tag_id \
         WHERE f.account_id = $1{clause}"
    ))
    .bind(account_id)
    .bind_all(args)
    .fetch_all(ex)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok((
                r.i64("key")?,
                Tag {
                    id: r.i64("id")?,
                    name: r.string("name")?,
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Local accounts following any of `tag_ids` whose home feed may take a post by `author`
/// (they neither block nor mute the author, nor are blocked by them).
pub async fn feed_followers<'a>(ex: impl Into<Exec<'a>>, tag_ids: &[i64], author: i64) -> Result<Vec<i64>> {
    if tag_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(3, tag_ids.len());
    q(format!(
        "SELECT DISTINCT f.account_id FROM tag_follows f JOIN accounts a ON a.id = f.account_id \
         WHERE a.domain IS NULL AND f.tag_id IN ({list}) \
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = f.account_id AND b.target_account_id = $1) \
             OR (b.account_id = $1 AND b.target_account_id = f.account_id)) \
         AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = f.account_id AND m.target_account_id = $1 \
             AND (m.expires_at IS NULL OR m.expires_at > $2))"
    ))
    .bind(author)
    .bind(now_ms())
    .bind_all(tag_ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| r.i64("account_id"))
    .collect()
}
