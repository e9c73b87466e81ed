//! The database's own query plans for the hot reads, so that tests (and docs/ARCHITECTURE.md)
//! show they are index range scans on both backends. The statements mirror the ones in
//! `feeds::home`, `statuses::by_account` and `notifications::page` for a first page.

use crate::db::{Backend, Db, q};
use crate::{Result, Tx};

const HOME: &str = "SELECT status_id FROM home_feed WHERE account_id = $1 AND status_id < $2 \
    ORDER BY status_id DESC LIMIT $3";

const ACCOUNT_STATUSES: &str = "SELECT id FROM statuses WHERE account_id = $1 \
    AND visibility IN ('public', 'unlisted') AND id < $2 ORDER BY id DESC LIMIT $3";

const NOTIFICATIONS: &str = "SELECT id, kind FROM notifications n WHERE n.account_id = $1 \
    AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = n.account_id \
      AND b.target_account_id = n.from_account_id) \
    AND n.id < $2 ORDER BY n.id DESC LIMIT $3";

/// (name, plan) for the home timeline, an account's statuses and notifications. On
/// PostgreSQL sequential and bitmap scans are disabled for the explanation: on a test-sized
/// table the planner rightly prefers them, and the question is whether the index alone serves
/// the query in order (an ordered index scan, no sort), as it does on a large table.
pub async fn hot_reads(db: &Db, account_id: i64) -> Result<Vec<(&'static str, String)>> {
    let mut tx = db.begin().await?;
    if tx.backend() == Backend::Postgres {
        q("SET LOCAL enable_seqscan = off").execute(&mut tx).await?;
        q("SET LOCAL enable_bitmapscan = off").execute(&mut tx).await?;
    }
    let mut out = Vec::new();
    for (name, sql) in [
        ("home", HOME),
        ("account statuses", ACCOUNT_STATUSES),
        ("notifications", NOTIFICATIONS),
    ] {
        out.push((name, explain(&mut tx, sql, &[account_id, i64::MAX, 40]).await?));
    }
    Ok(out)
}

async fn explain(tx: &mut Tx, sql: &str, args: &[i64]) -> Result<String> {
    let (prefix, col) = match tx.backend() {
        Backend::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
        Backend::Postgres => ("EXPLAIN ", "QUERY PLAN"),
    };
    let rows = q(format!("{prefix}{sql}"))
        .bind_all(args.iter().copied())
        .fetch_all(&mut *tx)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.string(col))
        .collect::<Result<Vec<_>>>()?
        .join("\n"))
}
