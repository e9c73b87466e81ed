//! The durable job queue: inbound activities, planned events and outbound deliveries live
//! here until done. A runner claims due jobs with a short lease (`locked_until`) that it
//! renews while it works; a crashed runner's jobs come back when the lease runs out. On
//! PostgreSQL several processes share the queue (`FOR UPDATE SKIP LOCKED`); SQLite has one
//! writer at a time, so a transaction is enough. Jobs with the same `ordering_key` run one
//! after another, oldest first; an enqueued job rings its queue's bell on commit (`signals`).

use std::collections::HashMap;

use crate::db::{Backend, Exec, Row, placeholders, q};
use crate::{Db, Result, StoreError, ids::new_id, now_ms};

#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub queue: String,
    pub payload: String,
    pub host: Option<String>,
    pub attempts: i64,
    pub created_at: i64,
}

/// A job to add.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub queue: &'static str,
    pub payload: String,
    /// The peer a delivery goes to (per-host limits, admin views).
    pub host: Option<String>,
    /// Jobs with the same key run in the order they were added.
    pub ordering_key: Option<String>,
    pub run_at: i64,
}

const COLS: &str = "id, queue, payload, host, attempts, created_at";

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

/// Adds jobs (many rows per statement); each queue's bell rings when they are visible.
pub async fn enqueue<'a>(ex: impl Into<Exec<'a>>, jobs: &[NewJob]) -> Result<Vec<i64>> {
    let mut ex = ex.into();
    let now = now_ms();
    let mut ids = Vec::with_capacity(jobs.len());
    for chunk in jobs.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(i * 7 + 1, 7)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut query = q(format!(
            "INSERT INTO jobs (id, queue, payload, host, ordering_key, run_at, created_at) VALUES {values}"
        ));
        for job in chunk {
            let id = new_id();
            ids.push(id);
            query = query
                .bind(id)
                .bind(job.queue)
                .bind(job.payload.as_str())
                .bind(job.host.as_deref())
                .bind(job.ordering_key.as_deref())
                .bind(job.run_at)
                .bind(now);
        }
        query.execute(ex.reborrow()).await?;
    }
    let mut queues: Vec<&str> = jobs.iter().map(|j| j.queue).collect();
    queues.dedup();
    for queue in queues {
        match &mut ex {
            Exec::Tx(tx) => tx.ring_on_commit(queue),
            Exec::Pool(db) => ring_now(db, queue).await?,
        }
    }
    Ok(ids)
}

/// Rings a queue's bell at once (a job was added outside a transaction).
async fn ring_now(db: &Db, queue: &str) -> Result<()> {
    if db.backend() == Backend::Postgres {
        q("SELECT pg_notify($1, $2)")
            .bind(crate::signals::CHANNEL)
            .bind(queue)
            .execute(db)
            .await?;
    }
    db.bells().ring(queue);
    Ok(())
}

/// How many jobs a runner may still take for each host (deliveries): hosts not listed may
/// take `per_host`.
#[derive(Clone, Debug, Default)]
pub struct HostRoom {
    pub per_host: usize,
    pub in_flight: HashMap<String, usize>,
}

impl HostRoom {
    fn room(&self, host: &str) -> usize {
        self.per_host
            .saturating_sub(self.in_flight.get(host).copied().unwrap_or(0))
    }
}

/// Leases up to `limit` due jobs of `queue` to `worker` for `lease_ms`: the oldest first,
/// never a job whose ordering key has an older job still waiting or running, and, with
/// `hosts`, never more for one host than it has room for.
pub async fn claim(
    db: &Db,
    queue: &str,
    worker: &str,
    limit: usize,
    lease_ms: i64,
    hosts: Option<&HostRoom>,
) -> Result<Vec<Job>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let full: Vec<&String> = hosts
        .map(|h| h.in_flight.keys().filter(|k| h.room(k) == 0).collect())
        .unwrap_or_default();
    let skip_full = if full.is_empty() {
        String::new()
    } else {
        format!(
            " AND (host IS NULL OR host NOT IN ({}))",
            placeholders(4, full.len())
        )
    };
    let lock = match tx.backend() {
        Backend::Postgres => {
            // The queue swings between empty and thousands of rows: a plan cached while it
            // was empty (sequential scans) costs seconds per claim once it is full, just
            // when it must drain. Planned afresh each time, it uses the indexes (0.1 ms).
            tx.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
                .await?;
            " FOR UPDATE SKIP LOCKED"
        }
        Backend::Sqlite => "",
    };
    // With per-host room, read a few more than needed: some may be over their host's room.
    let window = if hosts.is_some() { limit * 4 } else { limit };
    // A job without an ordering key matches no other (NULL = NULL is not true): as a plain
    // NOT EXISTS, not inside an OR, it is an anti-join on `jobs_ordering`.
    let candidates = q(format!(
        "SELECT id, host FROM jobs j WHERE queue = $1 AND run_at <= $2 \
           AND (locked_until IS NULL OR locked_until < $2) \
           AND NOT EXISTS (SELECT 1 FROM jobs e \
                WHERE e.queue = j.queue AND e.ordering_key = j.ordering_key AND e.id < j.id){skip_full} \
         ORDER BY run_at, id LIMIT $3{lock}"
    ))
    .bind(queue)
    .bind(now)
    .bind(window as i64)
    .bind_all(full.iter().map(|h| h.as_str()))
    .fetch_all(&mut tx)
    .await?;
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut chosen = Vec::new();
    for row in &candidates {
        if chosen.len() == limit {
            break;
        }
        let host = row.opt_string("host")?;
        if let (Some(rooms), Some(h)) = (hosts, host.as_deref()) {
            let n = taken.entry(h.to_owned()).or_default();
            if *n >= rooms.room(h) {
                continue;
            }
            *n += 1;
        }
        chosen.push(row.i64("id")?);
    }
    if chosen.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let rows = q(format!(
        "UPDATE jobs SET locked_by = $1, locked_until = $2 WHERE id IN ({}) RETURNING {COLS}",
        placeholders(3, chosen.len())
    ))
    .bind(worker)
    .bind(now + lease_ms)
    .bind_all(chosen)
    .fetch_all(&mut tx)
    .await?;
    tx.commit().await?;
    let mut jobs = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// Extends the leases of every job `worker` holds; returns how many.
pub async fn renew(db: &Db, worker: &str, lease_ms: i64) -> Result<u64> {
    q("UPDATE jobs SET locked_until = $2 WHERE locked_by = $1")
        .bind(worker)
        .bind(now_ms() + lease_ms)
        .execute(db)
        .await
}

/// Gives back every job `worker` holds (a runner stopping before it finished them).
pub async fn release(db: &Db, worker: &str) -> Result<u64> {
    q("UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by = $1")
        .bind(worker)
        .execute(db)
        .await
}

/// The jobs are done: they go.
pub async fn complete<'a>(ex: impl Into<Exec<'a>>, ids: &[i64]) -> Result<()> {
    let mut ex = ex.into();
    for chunk in ids.chunks(1000) {
        q(format!(
            "DELETE FROM jobs WHERE id IN ({})",
            placeholders(1, chunk.len())
        ))
        .bind_all(chunk.iter().copied())
        .execute(ex.reborrow())
        .await?;
    }
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

/// A peer failed for now (one of its jobs is retried at `run_at`): its other waiting jobs
/// of `queue` wait until then too, instead of each finding out by failing. None is lost,
/// none loses a try; an admin's "retry now" (`hurry_host`) makes them due again.
pub async fn postpone_host<'a>(ex: impl Into<Exec<'a>>, queue: &str, host: &str, run_at: i64) -> Result<u64> {
    q("UPDATE jobs SET run_at = $3 WHERE queue = $1 AND host = $2 AND locked_by IS NULL AND run_at < $3")
        .bind(queue)
        .bind(host)
        .bind(run_at)
        .execute(ex)
        .await
}

/// The job will never succeed: it moves to the `dead:` queue, kept for inspection.
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

/// When the next waiting job of `queue` falls due (a retry, a scheduled job), if one waits.
pub async fn next_due(db: &Db, queue: &str) -> Result<Option<i64>> {
    let row = q("SELECT MIN(run_at) AS at FROM jobs WHERE queue = $1 AND run_at > $2 AND locked_by IS NULL")
        .bind(queue)
        .bind(now_ms())
        .fetch_one(db)
        .await?;
    row.opt_i64("at")
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

/// Records inbound activity ids; returns the ones not seen before (a redelivered activity
/// is accepted once).
pub async fn first_sight<'a>(ex: impl Into<Exec<'a>>, activity_ids: &[&str]) -> Result<Vec<String>> {
    let mut ex = ex.into();
    let now = now_ms();
    let mut fresh = Vec::new();
    for chunk in activity_ids.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${})", i * 2 + 1, i * 2 + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let mut query = q(format!(
            "INSERT INTO inbound_seen (activity_id, received_at) VALUES {values} \
             ON CONFLICT DO NOTHING RETURNING activity_id"
        ));
        for id in chunk {
            query = query.bind(*id).bind(now);
        }
        for row in query.fetch_all(ex.reborrow()).await? {
            fresh.push(row.string("activity_id")?);
        }
    }
    Ok(fresh)
}

/// Forgets activity ids seen before `before` (a redelivery that late is a new activity to
/// us, and its effects are idempotent anyway).
pub async fn forget_seen(db: &Db, before: i64) -> Result<u64> {
    q("DELETE FROM inbound_seen WHERE received_at < $1")
        .bind(before)
        .execute(db)
        .await
}

/// PostgreSQL's side of the bells: a connection that `LISTEN`s on the jobs channel and
/// yields the queue names other processes rang.
pub struct Listener(sqlx::postgres::PgListener);

impl Listener {
    /// `None` on SQLite (one process: the in-process bells are enough).
    pub async fn connect(db: &Db) -> Result<Option<Listener>> {
        let Some(pool) = db.pg_pool() else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(crate::signals::CHANNEL).await?;
        Ok(Some(Listener(listener)))
    }

    /// The next queue rung (reconnecting by itself after a lost connection).
    pub async fn next(&mut self) -> Result<String> {
        let n = self.0.recv().await.map_err(StoreError::from)?;
        Ok(n.payload().to_owned())
    }
}
