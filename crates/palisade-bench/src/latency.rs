//! First delivery: with the queues idle, how long a member's post takes from the API call
//! to the first remote inbox (the stand-in sink). Several posts, a pause of random length
//! before each so the worker is idle; p50 and the spread, against the time of one RSA-2048
//! signature (which every delivery needs) measured in the same run.

use std::time::{Duration, Instant};

use crate::fanout::{add_followers, member, post};
use crate::instance::Instance;
use crate::standin::StandIn;
use crate::stats::{Rng, ms, percentile};
use crate::{BenchError, Env, Result, Target, rates, work_dir};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Posts to time.
    #[arg(long, default_value_t = 15)]
    pub posts: usize,
    /// Least milliseconds of quiet before each post (a random wait up to twice this, so
    /// that posts do not fall in step with a polling worker).
    #[arg(long, default_value_t = 800)]
    pub idle_ms: u64,
}

pub async fn run(env: &Env, a: Args) -> Result<()> {
    let dir = work_dir(env, "first-delivery")?;
    let mut inst = Instance::new(env, a.target.db, a.target.roles(), &dir.path).await?;
    let db = inst.database.connect().await?;
    let (_, public) = rates::key_pair()?;
    let sink = StandIn::start(public).await?;
    let (poster, token) = member(&inst, &db, "poster").await?;
    add_followers(&db, &sink, poster, 1, 1, 0).await?;
    inst.start().await?;
    let (_, sign, cores) = rates::measure(Duration::from_millis(500)).await?;
    let one_signature = Duration::from_secs_f64(cores as f64 / sign);
    let http = reqwest::Client::new();
    // The first post makes the member's key pair: not part of the figure.
    let warm = post(&http, &inst.base, &token, "warming up").await?;
    let wait = |id: String| {
        let sink = &sink;
        async move {
            sink.wait_until(Duration::from_secs(60), |l| {
                l.arrivals.iter().any(|(_, _, a)| *a == id)
            })
            .await
        }
    };
    if !wait(warm).await {
        return Err(BenchError("the warm-up post was never delivered".into()));
    }
    let mut samples = Vec::new();
    let mut rng = Rng::new();
    for i in 0..a.posts {
        tokio::time::sleep(Duration::from_millis(rng.range(a.idle_ms, 2 * a.idle_ms + 1))).await;
        let at = Instant::now();
        let id = post(&http, &inst.base, &token, &format!("post {i}")).await?;
        if !wait(id.clone()).await {
            return Err(BenchError(format!("post {i} was never delivered")));
        }
        let arrived = sink.with_log(|l| {
            l.arrivals
                .iter()
                .find(|(_, _, a)| *a == id)
                .map(|(t, _, _)| t.duration_since(at))
        });
        samples.extend(arrived);
    }
    let p50 = percentile(&samples, 50.0);
    println!(
        "first-delivery {}: a member's post reaches the first remote inbox in p50 {} = {:.1} x one RSA-2048 signature ({}) \
         (min {}, p90 {}, max {}; {} posts, {}–{} ms idle before each)",
        a.target.describe(),
        ms(p50),
        p50.as_secs_f64() / one_signature.as_secs_f64(),
        ms(one_signature),
        ms(percentile(&samples, 0.0)),
        ms(percentile(&samples, 90.0)),
        ms(percentile(&samples, 100.0)),
        samples.len(),
        a.idle_ms,
        2 * a.idle_ms,
    );
    db.close().await;
    inst.finish().await;
    Ok(())
}
