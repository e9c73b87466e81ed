//! URIs of deleted local statuses: they answer 410 Gone with a Tombstone.

use crate::db::{Exec, q};
use crate::{Result, now_ms};

pub async fn add<'a>(ex: impl Into<Exec<'a>>, uri: &str, account_id: i64) -> Result<()> {
    q("INSERT INTO tombstones (uri, account_id, deleted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(uri)
        .bind(account_id)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(())
}

/// When the status at `uri` was deleted, if it was.
pub async fn deleted_at<'a>(ex: impl Into<Exec<'a>>, uri: &str) -> Result<Option<i64>> {
    q("SELECT deleted_at FROM tombstones WHERE uri = $1")
        .bind(uri)
        .fetch_optional(ex)
        .await?
        .map(|r| r.i64("deleted_at"))
        .transpose()
}
