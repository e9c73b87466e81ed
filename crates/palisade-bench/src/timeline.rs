//! Timelines: home, public and account pages (20 statuses, as apps ask) through the real
//! HTTP API of a server whose database was seeded with N statuses, at several N. Each
//! timeline is asked for a first page, pages further down by `max_id` (as scrolling does),
//! and pages at random depths; p50 and p99 per page. The ratio is p50 at the largest size
//! over p50 at the smallest: flat means the index alone serves the page.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::instance::Instance;
use crate::seed::{Seeded, seed};
use crate::stats::{Rng, ms, percentile, short};
use crate::{BenchError, Env, Result, Target, work_dir};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Numbers of statuses, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
    pub sizes: Vec<i64>,
    /// Pages asked per timeline and size.
    #[arg(long, default_value_t = 200)]
    pub pages: usize,
}

const KINDS: [&str; 3] = ["home", "public", "account"];

struct SizeResult {
    size: i64,
    /// (p50, p99) per kind.
    figures: Vec<(Duration, Duration)>,
    seeding: Duration,
}

pub async fn run(env: &Env, a: Args) -> Result<()> {
    let mut results = Vec::new();
    for &size in &a.sizes {
        results.push(one_size(env, &a, size).await?);
    }
    let mut parts = Vec::new();
    for r in &results {
        let kinds: Vec<String> = KINDS
            .iter()
            .zip(&r.figures)
            .map(|(k, (p50, p99))| format!("{k} p50 {} p99 {}", ms(*p50), ms(*p99)))
            .collect();
        parts.push(format!(
            "{}: {} (seeded in {:.0} s)",
            short(r.size as u64),
            kinds.join(", "),
            r.seeding.as_secs_f64()
        ));
    }
    let ratio = match (results.first(), results.last()) {
        (Some(small), Some(big)) if results.len() > 1 => {
            let each: Vec<String> = KINDS
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    format!(
                        "{k} {:.2}",
                        big.figures[i].0.as_secs_f64() / small.figures[i].0.as_secs_f64().max(1e-9)
                    )
                })
                .collect();
            format!(
                "; p50 at {} / p50 at {}: {}",
                short(big.size as u64),
                short(small.size as u64),
                each.join(", ")
            )
        }
        _ => String::new(),
    };
    println!(
        "timeline {}: pages of 20 through the API, {} per timeline and size; {}{ratio}",
        a.target.describe(),
        a.pages,
        parts.join("; ")
    );
    Ok(())
}

async fn one_size(env: &Env, a: &Args, size: i64) -> Result<SizeResult> {
    let dir = work_dir(env, "timeline")?;
    let mut inst = Instance::new(env, a.target.db, a.target.roles(), &dir.path).await?;
    let db = inst.database.connect().await?;
    let token = inst.user_with_token("viewer")?;
    let viewer = palisade_store::accounts::by_username(&db, "viewer", None)
        .await?
        .ok_or_else(|| BenchError("the viewer was not created".into()))?;
    let seeded = seed(&db, &inst.base, viewer.id, size).await?;
    db.close().await;
    inst.start().await?;
    let http = reqwest::Client::new();
    let mut figures = Vec::new();
    for kind in KINDS {
        let path = match kind {
            "home" => "/api/v1/timelines/home".to_owned(),
            "public" => "/api/v1/timelines/public".to_owned(),
            _ => format!("/api/v1/accounts/{}/statuses", seeded.prolific_id),
        };
        let samples = pages(&http, &inst.base, &token, &path, &seeded, a.pages).await?;
        figures.push((percentile(&samples, 50.0), percentile(&samples, 99.0)));
    }
    inst.finish().await;
    Ok(SizeResult {
        size,
        figures,
        seeding: seeded.took,
    })
}

/// Times `count` pages of `path`: a tenth first pages, the rest alternately the next page
/// down and a page at a random depth.
async fn pages(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    seeded: &Seeded,
    count: usize,
) -> Result<Vec<Duration>> {
    let mut rng = Rng::new();
    let mut samples = Vec::with_capacity(count);
    let mut next: Option<String> = None;
    // Warm the connection and the server's caches of the viewer.
    for _ in 0..5 {
        page(http, base, token, path, None).await?;
    }
    for i in 0..count {
        let max_id = if i % 10 == 0 {
            None
        } else if i % 2 == 0 {
            next.clone()
        } else {
            let span = (seeded.last_status_id - seeded.first_status_id) as u64;
            Some((seeded.first_status_id + rng.range(0, span.max(1)) as i64).to_string())
        };
        let at = Instant::now();
        let last = page(http, base, token, path, max_id.as_deref()).await?;
        samples.push(at.elapsed());
        if i % 2 == 0 || next.is_none() {
            next = last;
        }
    }
    Ok(samples)
}

/// One page; the id of its last status.
async fn page(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    max_id: Option<&str>,
) -> Result<Option<String>> {
    let mut url = format!("{base}{path}?limit=20");
    if let Some(m) = max_id {
        url.push_str(&format!("&max_id={m}"));
    }
    let r = http.get(&url).bearer_auth(token).send().await?;
    let status = r.status();
    let body: Value = serde_json::from_slice(&r.bytes().await?)?;
    if !status.is_success() {
        return Err(BenchError(format!("{url}: {status} {body}")));
    }
    Ok(body
        .as_array()
        .and_then(|a| a.last())
        .and_then(|s| s["id"].as_str())
        .map(str::to_owned))
}
