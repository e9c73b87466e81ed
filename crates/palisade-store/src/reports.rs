//! Reports about accounts and their statuses: made by members here, or received as Flag
//! activities from other servers.

use crate::db::{Arg, Exec, Row, q};
use crate::page::{Page, PageQuery};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub id: i64,
    pub account_id: i64,
    pub target_account_id: i64,
    pub status_ids: Vec<i64>,
    pub comment: String,
    /// `other`, `spam`, `legal` or `violation`.
    pub category: String,
    pub forwarded: bool,
    pub uri: Option<String>,
    /// Ids of the instance rules cited (`violation` only).
    pub rule_ids: Vec<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub action_taken_at: Option<i64>,
    pub action_taken_by: Option<i64>,
}

const COLS: &str = "id, account_id, target_account_id, status_ids, comment, category, forwarded, uri, \
    rule_ids, created_at, updated_at, action_taken_at, action_taken_by";

/// Lists are stored as comma-separated ids (the same text on both backends).
fn ids_of(text: Option<String>) -> Vec<i64> {
    text.unwrap_or_default()
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect()
}

fn ids_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn from_row(r: &Row) -> Result<Report> {
    let created_at = r.i64("created_at")?;
    Ok(Report {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        target_account_id: r.i64("target_account_id")?,
        status_ids: ids_of(r.opt_string("status_ids")?),
        comment: r.string("comment")?,
        category: r.string("category")?,
        forwarded: r.bool("forwarded")?,
        uri: r.opt_string("uri")?,
        rule_ids: ids_of(r.opt_string("rule_ids")?),
        created_at,
        updated_at: r.opt_i64("updated_at")?.unwrap_or(created_at),
        action_taken_at: r.opt_i64("action_taken_at")?,
        action_taken_by: r.opt_i64("action_taken_by")?,
    })
}

pub struct NewReport<'s> {
    pub account_id: i64,
    pub target_account_id: i64,
    pub status_ids: &'s [i64],
    pub comment: &'s str,
    pub category: &'s str,
    pub forwarded: bool,
    pub uri: Option<&'s str>,
}

pub async fn insert<'a>(ex: impl Into<Exec<'a>>, r: &NewReport<'_>) -> Result<i64> {
    insert_with_rules(ex, r, &[]).await
}

/// Inserts a report citing instance rules (an empty list stores none).
pub async fn insert_with_rules<'a>(
    ex: impl Into<Exec<'a>>,
    r: &NewReport<'_>,
    rule_ids: &[i64],
) -> Result<i64> {
    let id = new_id();
    let now = now_ms();
    q(format!(
        "INSERT INTO reports ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, NULL, NULL)"
    ))
    .bind(id)
    .bind(r.account_id)
    .bind(r.target_account_id)
    .bind(ids_text(r.status_ids))
    .bind(r.comment)
    .bind(r.category)
    .bind(r.forwarded)
    .bind(r.uri)
    .bind(Some(ids_text(rule_ids)).filter(|s| !s.is_empty()))
    .bind(now)
    .execute(ex)
    .await?;
    Ok(id)
}

pub async fn by_id<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<Option<Report>> {
    q(format!("SELECT {COLS} FROM reports WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Reports about `target_account_id`, newest first.
pub async fn about<'a>(ex: impl Into<Exec<'a>>, target_account_id: i64) -> Result<Vec<Report>> {
    q(format!(
        "SELECT {COLS} FROM reports WHERE target_account_id = $1 ORDER BY id DESC"
    ))
    .bind(target_account_id)
    .fetch_all(ex)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// What the admin list narrows to.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter {
    /// Resolved reports instead of open ones.
    pub resolved: bool,
    /// Made by this account.
    pub account_id: Option<i64>,
    /// About this account.
    pub target_account_id: Option<i64>,
}

/// A page of reports, keyed by id.
pub async fn list<'a>(ex: impl Into<Exec<'a>>, f: &Filter, page: &PageQuery) -> Result<Page<Report>> {
    let mut sql = format!(
        "SELECT {COLS} FROM reports WHERE action_taken_at IS {}NULL",
        if f.resolved { "NOT " } else { "" }
    );
    let mut args: Vec<Arg> = Vec::new();
    for (col, value) in [
        ("account_id", f.account_id),
        ("target_account_id", f.target_account_id),
    ] {
        if let Some(v) = value {
            args.push(Arg::I64(Some(v)));
            sql.push_str(&format!(" AND {col} = ${}", args.len()));
        }
    }
    let (clause, page_args) = page.clause("id", args.len() + 1);
    sql.push_str(&clause);
    let rows = q(sql).bind_all(args).bind_all(page_args).fetch_all(ex).await?;
    let items = rows
        .iter()
        .map(|r| Ok((r.i64("id")?, from_row(r)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(page.finish(items))
}

/// Marks a report resolved (by `by`, the acting account).
pub async fn resolve<'a>(ex: impl Into<Exec<'a>>, id: i64, by: Option<i64>) -> Result<bool> {
    set_action(ex, id, Some(now_ms()), by).await
}

/// Opens a resolved report again.
pub async fn reopen<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<bool> {
    set_action(ex, id, None, None).await
}

async fn set_action<'a>(ex: impl Into<Exec<'a>>, id: i64, at: Option<i64>, by: Option<i64>) -> Result<bool> {
    Ok(
        q("UPDATE reports SET action_taken_at = $2, action_taken_by = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(at)
            .bind(by)
            .bind(now_ms())
            .execute(ex)
            .await?
            > 0,
    )
}

/// Marks a report as forwarded to the reported account's server (a moderator forwarded it).
pub async fn set_forwarded<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<()> {
    q("UPDATE reports SET forwarded = TRUE, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}
