//! Fresh databases for tests: every test gets its own, so tests run in parallel.

use sqlx::Connection;

use crate::{Result, StoreError};

/// Creates an empty database next to the one `base_url` points at and returns its URL.
pub async fn fresh_postgres(base_url: &str) -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Config(e.to_string()))?;
    let name = format!("palisade_test_{}", u64::from_le_bytes(bytes));
    let mut conn = sqlx::PgConnection::connect(base_url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let (prefix, rest) = base_url
        .rsplit_once('/')
        .ok_or_else(|| StoreError::Config(format!("no database name in {base_url}")))?;
    let query = rest
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Ok(format!("{prefix}/{name}{query}"))
}

/// Drops a database made by [`fresh_postgres`] (benchmarks make big ones), connecting
/// through `base_url`.
pub async fn drop_postgres(base_url: &str, url: &str) -> Result<()> {
    let name = url
        .rsplit_once('/')
        .map(|(_, rest)| rest.split('?').next().unwrap_or(rest))
        .filter(|n| n.starts_with("palisade_test_"))
        .ok_or_else(|| StoreError::Config(format!("{url} is not a database made for a test")))?;
    let mut conn = sqlx::PgConnection::connect(base_url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(())
}
