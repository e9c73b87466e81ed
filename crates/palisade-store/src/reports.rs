//! Reports about accounts and their statuses.

use crate::db::{Exec, Row, q};
use crate::{Result, ids::new_id, now_ms};

#[derive(Clone, Debug)]
pub struct Report {
    pub id: i64,
    pub account_id: i64,
    pub target_account_id: i64,
    pub status_ids: Vec<i64>,
    pub comment: String,
    pub category: String,
    pub forwarded: bool,
    pub uri: Option<String>,
    pub created_at: i64,
    pub action_taken_at: Option<i64>,
}

const COLS: &str = "id, account_id, target_account_id, status_ids, comment, category, forwarded, uri, created_at, action_taken_at";

fn from_row(r: &Row) -> Result<Report> {
    Ok(Report {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        target_account_id: r.i64("target_account_id")?,
        status_ids: r
            .string("status_ids")?
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect(),
        comment: r.string("comment")?,
        category: r.string("category")?,
        forwarded: r.bool("forwarded")?,
        uri: r.opt_string("uri")?,
        created_at: r.i64("created_at")?,
        action_taken_at: r.opt_i64("action_taken_at")?,
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
    let id = new_id();
    let status_ids = r
        .status_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    q(format!(
        "INSERT INTO reports ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"
    ))
    .bind(id)
    .bind(r.account_id)
    .bind(r.target_account_id)
    .bind(status_ids)
    .bind(r.comment)
    .bind(r.category)
    .bind(r.forwarded)
    .bind(r.uri)
    .bind(now_ms())
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
