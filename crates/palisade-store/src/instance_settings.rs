//! Instance settings kept in the database: the domain recorded on first start, and the
//! federation settings admins change from the web interface (they override the file's).

use crate::db::{Exec, q};
use crate::{Result, now_ms};

pub async fn get<'a>(ex: impl Into<Exec<'a>>, key: &str) -> Result<Option<String>> {
    q("SELECT value FROM instance_settings WHERE key = $1")
        .bind(key)
        .fetch_optional(ex)
        .await?
        .map(|r| r.string("value"))
        .transpose()
}

pub async fn set<'a>(ex: impl Into<Exec<'a>>, key: &str, value: &str) -> Result<()> {
    q(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}

/// Records `value` unless the key has one; returns the value in force.
pub async fn set_once<'a>(ex: impl Into<Exec<'a>>, key: &str, value: &str) -> Result<String> {
    let mut ex = ex.into();
    q("INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .execute(ex.reborrow())
        .await?;
    Ok(get(ex, key).await?.unwrap_or_else(|| value.to_owned()))
}
