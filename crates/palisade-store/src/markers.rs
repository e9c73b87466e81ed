//! Read positions in the home and notifications timelines.

use crate::db::{Exec, q};
use crate::{Result, now_ms};

#[derive(Clone, Debug)]
pub struct Marker {
    pub timeline: String,
    pub last_read_id: i64,
    pub version: i64,
    pub updated_at: i64,
}

pub async fn get<'a>(ex: impl Into<Exec<'a>>, account_id: i64) -> Result<Vec<Marker>> {
    q("SELECT timeline, last_read_id, version, updated_at FROM markers WHERE account_id = $1")
        .bind(account_id)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| {
            Ok(Marker {
                timeline: r.string("timeline")?,
                last_read_id: r.i64("last_read_id")?,
                version: r.i64("version")?,
                updated_at: r.i64("updated_at")?,
            })
        })
        .collect()
}

pub async fn set<'a>(
    ex: impl Into<Exec<'a>>,
    account_id: i64,
    timeline: &str,
    last_read_id: i64,
) -> Result<()> {
    q(
        "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) \
       VALUES ($1, $2, $3, 0, $4) ON CONFLICT (account_id, timeline) DO UPDATE SET \
       last_read_id = excluded.last_read_id, version = markers.version + 1, \
       updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(timeline)
    .bind(last_read_id)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(())
}
