//! Whole-database counts that benchmarks and crash trials read to know when work is done and
//! whether anything was lost or doubled. The server itself never calls these.

use crate::db::{Backend, Exec, q};
use crate::{Db, Result};

/// Entries in one account's home feed.
pub async fn home_feed_len<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM home_feed WHERE account_id = $1")
        .bind(account_id)
        .fetch_i64(ex)
        .await
}

/// Statuses that arrived from other servers.
pub async fn remote_statuses<'a>(ex: impl Into<Exec<'a>>) -> Result<i64> {
    q("SELECT COUNT(*) FROM statuses WHERE local = FALSE")
        .fetch_i64(ex)
        .await
}

/// Notifications of one account.
pub async fn notifications_of<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<i64> {
    q("SELECT COUNT(*) FROM notifications WHERE account_id = $1")
        .bind(account_id)
        .fetch_i64(ex)
        .await
}

/// Notifications beyond the first of the same kind, from the same account, about the same
/// status, to the same account: each one is an activity processed twice.
pub async fn duplicate_notifications<'a>(ex: impl Into<Exec<'a>>) -> Result<i64> {
    q(
        "SELECT CAST(COALESCE(SUM(n - 1), 0) AS BIGINT) FROM (SELECT COUNT(*) AS n FROM notifications \
         GROUP BY account_id, from_account_id, kind, status_id HAVING COUNT(*) > 1) AS d",
    )
    .fetch_i64(ex)
    .await
}

/// Statuses sharing a URI beyond the first (the unique index should make this 0).
pub async fn duplicate_statuses<'a>(ex: impl Into<Exec<'a>>) -> Result<i64> {
    q(
        "SELECT CAST(COALESCE(SUM(n - 1), 0) AS BIGINT) FROM (SELECT COUNT(*) AS n FROM statuses \
         GROUP BY uri HAVING COUNT(*) > 1) AS d",
    )
    .fetch_i64(ex)
    .await
}

/// Jobs not yet done (due, waiting or held by a worker), the set-aside `dead:` ones apart.
pub async fn pending_jobs<'a>(ex: impl Into<Exec<'a>>) -> Result<i64> {
    q("SELECT COUNT(*) FROM jobs WHERE queue NOT LIKE 'dead:%'")
        .fetch_i64(ex)
        .await
}

/// What PostgreSQL counted for this database: transactions committed, and rows written
/// (inserted, updated, deleted) per table. `None` on SQLite, which counts nothing.
/// PostgreSQL publishes a session's figures when it ends or idles (within about 10 s).
pub async fn pg_activity(db: &Db) -> Result<Option<PgActivity>> {
    if db.backend() != Backend::Postgres {
        return Ok(None);
    }
    let transactions = q("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        .fetch_i64(db)
        .await?;
    let writes = q(
        "SELECT CAST(relname AS TEXT) AS relname, n_tup_ins + n_tup_upd + n_tup_del AS n \
         FROM pg_stat_user_tables ORDER BY relname",
    )
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| Ok((r.string("relname")?, r.i64("n")?)))
    .collect::<Result<Vec<_>>>()?;
    Ok(Some(PgActivity { transactions, writes }))
}

#[derive(Clone, Debug, Default)]
pub struct PgActivity {
    pub transactions: i64,
    pub writes: Vec<(String, i64)>,
}

/// Every table of the database (from its own catalog) with its row count, by name: what
/// tests compare before and after a request that must write nothing.
pub async fn table_row_counts(db: &Db) -> Result<std::collections::BTreeMap<String, i64>> {
    let list = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
    };
    let names = q(list).fetch_all(db).await?;
    let mut counts = std::collections::BTreeMap::new();
    for row in names {
        let name = row.string_at(0)?;
        // The names come from the catalog itself, quoted as identifiers.
        let n = q(format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")))
            .fetch_i64(db)
            .await?;
        counts.insert(name, n);
    }
    Ok(counts)
}
