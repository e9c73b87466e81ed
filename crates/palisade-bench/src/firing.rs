//! The load generator: pre-signed deliveries sent over many connections, and the wait
//! until their notes are in a home timeline.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use palisade_store::{Db, census};

use crate::signing::Presigned;
use crate::{BenchError, Result};

/// What firing the deliveries gave.
pub struct Fired {
    pub accepted: usize,
    /// Answers other than 202, by status (0: no answer).
    pub refused: BTreeMap<u16, usize>,
    /// From the first request to the last answer.
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

/// Sends every delivery over `connections` connections. With `retry`, a delivery that
/// gets no answer or a 5xx is sent again (as a peer would) until it gets 202 or another
/// answer.
pub async fn fire(
    base: &str,
    deliveries: Arc<Vec<Presigned>>,
    connections: usize,
    retry: bool,
) -> Result<Fired> {
    let client = reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let at = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, next, deliveries, base) =
            (client.clone(), next.clone(), deliveries.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut out = (0usize, BTreeMap::<u16, usize>::new(), Vec::new());
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(d) = deliveries.get(i) else { break };
                loop {
                    let sent = Instant::now();
                    let mut req = client.post(format!("{base}{}", d.path)).body(d.body.clone());
                    for (k, v) in &d.headers {
                        req = req.header(*k, v);
                    }
                    let status = req.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                    if status == 202 {
                        out.0 += 1;
                        out.2.push(sent.elapsed());
                        break;
                    }
                    if retry && (status == 0 || status >= 500) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                    *out.1.entry(status).or_default() += 1;
                    break;
                }
            }
            out
        }));
    }
    let mut fired = Fired {
        accepted: 0,
        refused: BTreeMap::new(),
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    for t in tasks {
        let (accepted, refused, latencies) = t.await.map_err(|e| BenchError(e.to_string()))?;
        fired.accepted += accepted;
        for (k, v) in refused {
            *fired.refused.entry(k).or_default() += v;
        }
        fired.latencies.extend(latencies);
    }
    fired.elapsed = at.elapsed();
    Ok(fired)
}

/// Waits until `account_id`'s home feed holds `n` entries; how long it took from `since`.
pub async fn wait_home_feed(
    db: &Db,
    account_id: i64,
    n: i64,
    since: Instant,
    limit: Duration,
) -> Result<Option<Duration>> {
    loop {
        if census::home_feed_len(db, account_id).await? >= n {
            return Ok(Some(since.elapsed()));
        }
        if since.elapsed() > limit {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
