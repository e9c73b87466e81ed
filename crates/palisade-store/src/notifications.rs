//! Notifications for local accounts.

use crate::Result;
use crate::db::{Exec, Row, placeholders, q};
use crate::page::{Page, PageQuery};

#[derive(Clone, Debug)]
pub struct Notification {
    pub id: i64,
    pub account_id: i64,
    pub from_account_id: i64,
    pub kind: String,
    pub status_id: Option<i64>,
    pub created_at: i64,
    /// Shared by notifications that group together (`None`: a group of its own).
    pub group_key: Option<String>,
    /// For `severed_relationships`: the severance event.
    pub event_id: Option<i64>,
}

impl Notification {
    /// The key clients see: the stored one or `ungrouped-ID`.
    pub fn group(&self) -> String {
        self.group_key
            .clone()
            .unwrap_or_else(|| format!("ungrouped-{}", self.id))
    }
}

const COLS: &str = "id, account_id, from_account_id, kind, status_id, created_at, group_key, event_id";

fn from_row(r: &Row) -> Result<Notification> {
    Ok(Notification {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        from_account_id: r.i64("from_account_id")?,
        kind: r.string("kind")?,
        status_id: r.opt_i64("status_id")?,
        created_at: r.i64("created_at")?,
        group_key: r.opt_string("group_key")?,
        event_id: r.opt_i64("event_id")?,
    })
}

/// SQL dropping rows whose `author` account is on a domain (or subdomain) that `viewer` blocks.
pub fn domain_blocked_filter(viewer: &str, author: &str) -> String {
    format!(
        " AND NOT EXISTS (SELECT 1 FROM account_domain_blocks adb JOIN accounts da ON da.id = {author} \
           WHERE adb.account_id = {viewer} AND da.domain IS NOT NULL AND {})",
        crate::domains::covers_sql("adb.domain", "da.domain")
    )
}

/// SQL keeping only notifications the owner wants to see: none from accounts they block or
/// mute with notifications hidden (unexpired). The table must be aliased `n`.
fn shown() -> String {
    // `now` is our own integer, safe to inline.
    format!(
        " AND n.filtered = FALSE AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = n.account_id \
           AND b.target_account_id = n.from_account_id) \
         AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = n.account_id \
           AND m.target_account_id = n.from_account_id AND m.hide_notifications = TRUE \
           AND (m.expires_at IS NULL OR m.expires_at > {})){}",
        crate::now_ms(),
        domain_blocked_filter("n.account_id", "n.from_account_id")
    )
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, n: &Notification) -> Result<()> {
    q(format!(
        "INSERT INTO notifications ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(n.id)
    .bind(n.account_id)
    .bind(n.from_account_id)
    .bind(&n.kind)
    .bind(n.status_id)
    .bind(n.created_at)
    .bind(&n.group_key)
    .bind(n.event_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// One notification to several members at once (`kind` by `from`, about `status_id`),
/// leaving out in the same statement each recipient who would not want it: itself, a
/// remote account, one blocking or blocked by `from`, one muting `from` with notifications
/// hidden, one who blocks `from`'s domain, one who muted the status' thread, and with
/// `followers_only`, one who does not follow `from`. With `filtered`, they wait in the
/// recipients' notification requests. Returns the ids written and their recipients.
#[allow(clippy::too_many_arguments)]
pub async fn insert_for<'a>(
    ex: impl Into<Exec<'a>>,
    recipients: &[i64],
    from: i64,
    kind: &str,
    status_id: Option<i64>,
    group_key: Option<&str>,
    created_at: i64,
    followers_only: bool,
    filtered: bool,
) -> Result<Vec<(i64, i64)>> {
    let mut ex = ex.into();
    let mut written = Vec::new();
    // Two placeholders per recipient (its new id and its account), five fixed ones first.
    for chunk in recipients.chunks(400) {
        let rows = (0..chunk.len())
            .map(|i| format!("SELECT ${} AS id, ${} AS account_id", 6 + 2 * i, 7 + 2 * i))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let followers = if followers_only {
            " AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = r.account_id AND f.target_account_id = $1)"
        } else {
            ""
        };
        let sql = format!(
            "INSERT INTO notifications ({COLS}, filtered) \
             SELECT r.id, r.account_id, $1, $2, $3, $4, $5, NULL, {filtered} FROM ({rows}) r \
             JOIN accounts a ON a.id = r.account_id AND a.domain IS NULL AND a.id <> $1 \
             JOIN accounts s ON s.id = $1 \
             WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = r.account_id AND b.target_account_id = $1) \
                 OR (b.account_id = $1 AND b.target_account_id = r.account_id)) \
               AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = r.account_id AND m.target_account_id = $1 \
                 AND m.hide_notifications = TRUE AND (m.expires_at IS NULL OR m.expires_at > {created_at})) \
               AND NOT EXISTS (SELECT 1 FROM account_domain_blocks adb WHERE adb.account_id = r.account_id \
                 AND s.domain IS NOT NULL AND {}) \
               AND NOT EXISTS (SELECT 1 FROM statuses st JOIN conversation_mutes cm \
                 ON cm.conversation_id = st.conversation_id AND cm.account_id = r.account_id WHERE st.id = $3){followers} \
             RETURNING id, account_id",
            crate::domains::covers_sql("adb.domain", "s.domain")
        );
        let mut query = q(sql)
            .bind(from)
            .bind(kind)
            .bind(status_id)
            .bind(created_at)
            .bind(group_key);
        for r in chunk {
            query = query.bind(crate::ids::new_id()).bind(*r);
        }
        for r in query.fetch_all(ex.reborrow()).await? {
            written.push((r.i64("id")?, r.i64("account_id")?));
        }
    }
    Ok(written)
}

/// Which notifications a page holds.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub types: Vec<String>,
    pub exclude_types: Vec<String>,
    pub from_account_id: Option<i64>,
}

/// A page of `account_id`'s notifications, newest first: a range scan on
/// `notifications (account_id, id)`. Notifications from accounts the owner blocks, or mutes
/// with notifications hidden, are left out.
pub async fn page<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    f: &Filter,
    page: &PageQuery,
) -> Result<Page<Notification>> {
    let mut sql = format!("SELECT {COLS} FROM notifications n WHERE n.account_id = $1");
    let mut head: Vec<crate::Arg> = vec![account_id.into()];
    if !f.types.is_empty() {
        sql.push_str(&format!(
            " AND n.kind IN ({})",
            placeholders(head.len() + 1, f.types.len())
        ));
        head.extend(f.types.iter().map(Into::into));
    }
    if !f.exclude_types.is_empty() {
        sql.push_str(&format!(
            " AND n.kind NOT IN ({})",
            placeholders(head.len() + 1, f.exclude_types.len())
        ));
        head.extend(f.exclude_types.iter().map(Into::into));
    }
    if let Some(from) = f.from_account_id {
        sql.push_str(&format!(" AND n.from_account_id = ${}", head.len() + 1));
        head.push(from.into());
    }
    sql.push_str(&shown());
    let (clause, args) = page.clause("n.id", head.len() + 1);
    sql.push_str(&clause);
    let rows = q(sql).bind_all(head).bind_all(args).fetch_all(ex).await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<Option<Notification>> {
    q(format!(
        "SELECT {COLS} FROM notifications n WHERE account_id = $1 AND id = $2{}",
        shown()
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(ex)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Notifications by id, whoever they are for (live events name them by id).
pub async fn by_ids<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<Vec<Notification>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT {COLS} FROM notifications n WHERE n.id IN ({}){}",
        placeholders(1, ids.len()),
        shown()
    ))
    .bind_all(ids.iter().copied())
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn dismiss<'a>(ex: impl Into<Exec<'a>>, account_id: i64, id: i64) -> Result<bool> {
    let n = q("DELETE FROM notifications WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(n > 0)
}

pub async fn clear<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<()> {
    q("DELETE FROM notifications WHERE account_id = $1")
        .bind(account_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Removes notifications of `kind` that `from` caused `to` (about `status_id` when given):
/// undoing an action takes its notification away, as in Mastodon.
pub async fn remove<'a>(
    ex: impl Into<Exec<'a>>,
    to: i64,
    from: i64,
    kind: &str,
    status_id: Option<i64>,
) -> Result<()> {
    let status_clause = if status_id.is_some() {
        " AND status_id = $4"
    } else {
        ""
    };
    let mut query = q(format!(
        "DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND kind = $3{status_clause}"
    ))
    .bind(to)
    .bind(from)
    .bind(kind);
    if let Some(s) = status_id {
        query = query.bind(s);
    }
    query.execute(ex).await?;
    Ok(())
}

/// Removes every notification `from` caused `to` (block).
pub async fn remove_all_from<'a>(ex: impl Into<Exec<'a>>, to: i64, from: i64) -> Result<()> {
    q("DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2")
        .bind(to)
        .bind(from)
        .execute(ex)
        .await?;
    Ok(())
}

/// The number of notifications newer than `since_id` (the unread count).
pub async fn count_after<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    since_id: i64,
    limit: i64,
) -> Result<i64> {
    q(format!(
        "SELECT COUNT(*) FROM (SELECT id FROM notifications n WHERE account_id = $1 AND id > $2{} \
       LIMIT $3) AS unread",
        shown()
    ))
    .bind(account_id)
    .bind(since_id)
    .bind(limit)
    .fetch_i64(ex)
    .await
}

/// Notifications of `account_id` under a client-visible group key, newest first.
pub async fn in_group<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    key: &str,
    limit: i64,
) -> Result<Vec<Notification>> {
    let rows = match key.strip_prefix("ungrouped-").and_then(|id| id.parse::<i64>().ok()) {
        Some(id) => {
            q(format!("SELECT {COLS} FROM notifications n WHERE account_id = $1 AND id = $2 AND group_key IS NULL{}", shown()))
                .bind(account_id)
                .bind(id)
                .fetch_all(ex)
                .await?
        }
        None => {
            q(format!(
                "SELECT {COLS} FROM notifications n WHERE account_id = $1 AND group_key = $2{} ORDER BY id DESC LIMIT $3", shown()
            ))
            .bind(account_id)
            .bind(key)
            .bind(limit)
            .fetch_all(ex)
            .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// How many notifications each of `keys` holds for `account_id`.
pub async fn group_counts<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    keys: &[String],
) -> Result<Vec<(String, i64)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    q(format!(
        "SELECT group_key, COUNT(*) AS total FROM notifications n WHERE account_id = $1 AND group_key IN ({}){} \
         GROUP BY group_key",
        placeholders(2, keys.len()),
        shown()
    ))
    .bind(account_id)
    .bind_all(keys.iter())
    .fetch_all(ex)
    .await?
    .iter()
    .map(|r| Ok((r.string("group_key")?, r.i64("total")?)))
    .collect()
}

/// Deletes every notification of a group.
pub async fn dismiss_group<'a>(ex: impl Into<Exec<'a>>, account_id: i64, key: &str) -> Result<bool> {
    let n = match key
        .strip_prefix("ungrouped-")
        .and_then(|id| id.parse::<i64>().ok())
    {
        Some(id) => {
            q("DELETE FROM notifications WHERE account_id = $1 AND id = $2")
                .bind(account_id)
                .bind(id)
                .execute(ex)
                .await?
        }
        None => {
            q("DELETE FROM notifications WHERE account_id = $1 AND group_key = $2")
                .bind(account_id)
                .bind(key)
                .execute(ex)
                .await?
        }
    };
    Ok(n > 0)
}
