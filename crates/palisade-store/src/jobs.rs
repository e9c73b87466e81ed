//! The durable job queue: inbound activities and outbound deliveries live here until done.
//! Workers claim due jobs with a lease (`locked_until`); a crashed worker's jobs come back
//! when the lease ends. On PostgreSQL several workers share the queue (`FOR UPDATE SKIP
//! LOCKED`); SQLite has one writer at a time, so a transaction is enough.

use crate::db::{Backend, Exec, Row, placeholders, q};
use crate::{Db, Result, ids::new_id, now_ms};

#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub queue: String,
    pub payload: String,
    pub host: Option<String>,
    pub attempts: i64,
    pub created_at: i64,
}

fn from_row(r: &Row) -> Result<Job> {
    Ok(Job {
        id: r.i64("id")?,
        queue: r.string("queue")?,
        payload: r.string("payload")?,
        host: r.opt_string("host")?,
        attempts: r.i64("attempts")?,
        created_at: r.i64("created_at")?,
    })
}

/// Adds a job, due at `run_at` (Unix ms); returns its id.
pub async fn enqueue<'a>(
    ex: impl Into<Exec<'a>>,
    queue: &str,
    payload: &str,
    host: Option<&str>,
    run_at: i64,
) -> Result<i64> {
    let id = new_id();
    q("INSERT INTO jobs (id, queue, payload, host, run_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(queue)
        .bind(payload)
        .bind(host)
        .bind(run_at)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(id)
}

/// Leases up to `limit` due jobs of `queue` to `worker` for `lease_ms`, skipping jobs for
/// `busy_hosts` (which already have as many deliveries in flight as allowed).
pub async fn claim(
    db: &Db,
    queue: &str,
    worker: &str,
    limit: i64,
    lease_ms: i64,
    busy_hosts: &[String],
) -> Result<Vec<Job>> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let busy = if busy_hosts.is_empty() {
        String::new()
    } else {
        format!(
            " AND (host IS NULL OR host NOT IN ({}))",
            placeholders(6, busy_hosts.len())
        )
    };
    let lock = match tx.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = q(format!(
        "UPDATE jobs SET locked_by = $1, locked_until = $2 WHERE id IN (\
           SELECT id FROM jobs WHERE queue = $3 AND run_at <= $4 \
           AND (locked_until IS NULL OR locked_until < $4){busy} \
           ORDER BY run_at LIMIT $5{lock}) \
         RETURNING id, queue, payload, host, attempts, created_at"
    ))
    .bind(worker)
    .bind(now + lease_ms)
    .bind(queue)
    .bind(now)
    .bind(limit)
    .bind_all(busy_hosts.iter())
    .fetch_all(&mut tx)
    .await?;
    tx.commit().await?;
    rows.iter().map(from_row).collect()
}

/// The job is done: it goes.
pub async fn complete<'a>(ex: impl Into<Exec<'a>>, id: i64) -> Result<()> {
    q("DELETE FROM jobs WHERE id = $1").bind(id).execute(ex).await?;
    Ok(())
}

/// The job failed this time: it runs again at `run_at`.
pub async fn retry<'a>(ex: impl Into<Exec<'a>>, id: i64, run_at: i64, error: &str) -> Result<()> {
    q(
        "UPDATE jobs SET attempts = attempts + 1, run_at = $2, locked_by = NULL, locked_until = NULL, \
       last_error = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(run_at)
    .bind(error)
    .execute(ex)
    .await?;
    Ok(())
}

/// The job will never succeed: it moves to the `dead` queue, kept for inspection.
pub async fn bury<'a>(ex: impl Into<Exec<'a>>, id: i64, error: &str) -> Result<()> {
    q(
        "UPDATE jobs SET queue = 'dead:' || queue, locked_by = NULL, locked_until = NULL, last_error = $2 \
       WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .execute(ex)
    .await?;
    Ok(())
}

/// Makes every pending job for `host` due now (an admin's "retry now").
pub async fn hurry_host<'a>(ex: impl Into<Exec<'a>>, queue: &str, host: &str) -> Result<u64> {
    q("UPDATE jobs SET run_at = $3 WHERE queue = $1 AND host = $2 AND locked_by IS NULL")
        .bind(queue)
        .bind(host)
        .bind(now_ms())
        .execute(ex)
        .await
}

/// Pending jobs per host of a queue.
pub async fn depth_by_host<'a>(ex: impl Into<Exec<'a>>, queue: &str) -> Result<Vec<(String, i64)>> {
    q("SELECT host, COUNT(*) AS n FROM jobs WHERE queue = $1 AND host IS NOT NULL GROUP BY host")
        .bind(queue)
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.string("host")?, r.i64("n")?)))
        .collect()
}

/// Pending jobs of a queue (all hosts).
pub async fn depth<'a>(ex: impl Into<Exec<'a>>, queue: &str) -> Result<i64> {
    q("SELECT COUNT(*) FROM jobs WHERE queue = $1")
        .bind(queue)
        .fetch_i64(ex)
        .await
}

/// Jobs per queue (due, waiting and claimed).
pub async fn depth_by_queue<'a>(ex: impl Into<Exec<'a>>) -> Result<Vec<(String, i64)>> {
    q("SELECT queue, COUNT(*) AS n FROM jobs GROUP BY queue ORDER BY queue")
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| Ok((r.string("queue")?, r.i64("n")?)))
        .collect()
}

/// Records an inbound activity id; `false` when it was seen before.
pub async fn first_sight<'a>(ex: impl Into<Exec<'a>>, activity_id: &str) -> Result<bool> {
    let n = q("INSERT INTO inbound_seen (activity_id, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(activity_id)
        .bind(now_ms())
        .execute(ex)
        .await?;
    Ok(n == 1)
}
