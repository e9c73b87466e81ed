//! Crash trials: while the server works, the process that runs the jobs (the `--role
//! worker` process, or the single `serve`) is killed with SIGKILL at random moments and
//! restarted at once, N times; then the trial waits for the work to finish and checks that
//! nothing was lost or doubled.
//!
//! - inbound: signed Create(Note) deliveries are fired (re-sent on no answer or 5xx, as a
//!   peer does) while the worker dies; every accepted note must become exactly one status,
//!   one home feed entry and one mention notification.
//! - fanout: a member with followers on many servers posts a few times; every (server,
//!   post) must reach the sink, which deduplicates by activity id and counts the duplicates
//!   sent (reported: delivery is at least once, receivers deduplicate).
//!
//! Exit status non-zero on any loss or doubled processing.

use std::time::{Duration, Instant};

use palisade_store::{Db, census};

use crate::firing::{fire, wait_home_feed};
use crate::inbound::prepare;
use crate::instance::Instance;
use crate::stats::Rng;
use crate::{BenchError, Env, Result, Target, fanout, rates, work_dir};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    Inbound,
    Fanout,
}

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    #[arg(long, value_enum)]
    pub scenario: Scenario,
    /// Times the worker is killed.
    #[arg(long, default_value_t = 5)]
    pub kills: usize,
    /// Inbound: deliveries fired.
    #[arg(long, default_value_t = 3000)]
    pub n: usize,
    /// Fan-out: servers with followers (one shared inbox each, 2 followers on each).
    #[arg(long, default_value_t = 500)]
    pub servers: usize,
    /// Fan-out: posts made.
    #[arg(long, default_value_t = 3)]
    pub posts: usize,
    /// Most milliseconds between two kills (each waits a random time up to this).
    #[arg(long, default_value_t = 1500)]
    pub max_gap_ms: u64,
    /// Seconds the work may take to finish after the last restart.
    #[arg(long, default_value_t = 420)]
    pub settle: u64,
}

/// Kills and restarts the worker `kills` times at random moments while `busy()` says the
/// work is unfinished; returns how many kills fell during the work.
async fn kill_loop<F, Fut>(inst: &mut Instance, a: &Args, busy: F) -> Result<usize>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let mut rng = Rng::new();
    let mut during = 0;
    for _ in 0..a.kills {
        tokio::time::sleep(Duration::from_millis(rng.range(50, a.max_gap_ms.max(51)))).await;
        let working = busy().await?;
        inst.kill_worker()?;
        during += usize::from(working);
        inst.restart_worker().await?;
    }
    Ok(during)
}

pub async fn run(env: &Env, a: Args) -> Result<()> {
    let mut dir = work_dir(env, "crash")?;
    let mut inst = Instance::new(env, a.target.db, a.target.roles(), &dir.path).await?;
    let db = inst.database.connect().await?;
    let result = match a.scenario {
        Scenario::Inbound => inbound(&mut inst, &db, &a).await,
        Scenario::Fanout => fanout_trial(&mut inst, &db, &a).await,
    };
    let queues = palisade_store::jobs::depth_by_queue(&db)
        .await
        .unwrap_or_default();
    db.close().await;
    inst.stop().await;
    let failed = match result {
        Ok(Verdict { line, failed }) => {
            println!("{line}; jobs left: {queues:?}");
            failed
        }
        Err(e) => {
            eprintln!("work directory: {}", inst.dir().display());
            return Err(e);
        }
    };
    if failed {
        eprintln!("server logs: {}", inst.dir().display());
        dir.keep();
        return Err(BenchError("work was lost or doubled".into()));
    }
    inst.finish().await;
    Ok(())
}

/// Waits until no job is pending; how long after `since` that was.
async fn wait_quiet(db: &Db, since: Instant, limit: Duration) -> Result<Option<Duration>> {
    loop {
        if census::pending_jobs(db).await? == 0 {
            return Ok(Some(since.elapsed()));
        }
        if since.elapsed() > limit {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn finished(what: &str, done: Option<Duration>, quiet: Option<Duration>, settle: u64) -> String {
    let done = match done {
        Some(d) => format!("all {what} {:.1} s after the last restart", d.as_secs_f64()),
        None => format!("NOT all {what} {settle} s after the last restart"),
    };
    match quiet {
        Some(q) => format!("{done}, job queue empty after {:.1} s", q.as_secs_f64()),
        None => format!("{done}, jobs STILL PENDING after {settle} s"),
    }
}

struct Verdict {
    line: String,
    failed: bool,
}

async fn inbound(inst: &mut Instance, db: &Db, a: &Args) -> Result<Verdict> {
    let prepared = prepare(inst, db, a.n, 20, 5).await?;
    inst.start().await?;
    let at = Instant::now();
    let (base, deliveries) = (inst.base.clone(), prepared.deliveries.clone());
    let firing = tokio::spawn(async move { fire(&base, deliveries, 16, true).await });
    // Kill only once processing has begun.
    wait_home_feed(db, prepared.follower_id, 1, at, Duration::from_secs(120)).await?;
    let follower = prepared.follower_id;
    let total = a.n as i64;
    let during = kill_loop(inst, a, || async move {
        Ok(census::home_feed_len(db, follower).await? < total)
    })
    .await?;
    let restarted = Instant::now();
    let fired = firing.await.map_err(|e| BenchError(e.to_string()))??;
    let accepted = fired.accepted as i64;
    let settle = Duration::from_secs(a.settle);
    let done = wait_home_feed(db, follower, accepted, restarted, settle).await?;
    // Jobs a killed worker held may run again: only an empty queue tells the whole story.
    let quiet = wait_quiet(db, restarted, settle).await?;
    let statuses = census::remote_statuses(db).await?;
    let feed = census::home_feed_len(db, follower).await?;
    let notifications = census::notifications_of(db, follower).await?;
    let dup_statuses = census::duplicate_statuses(db).await?;
    let dup_notifications = census::duplicate_notifications(db).await?;
    let lost = (accepted - statuses).max(0) + (accepted - feed).max(0) + (accepted - notifications).max(0);
    let doubled =
        dup_statuses + dup_notifications + (statuses - accepted).max(0) + (notifications - accepted).max(0);
    let finished = finished("processed", done, quiet, a.settle);
    Ok(Verdict {
        line: format!(
            "crash inbound {}: {} kill -9 of the worker ({during} during processing); {} deliveries, {accepted} accepted \
             (other answers {:?}); statuses {statuses}, home feed {feed}, mention notifications {notifications}; \
             lost {lost}, doubled {doubled} (duplicate statuses {dup_statuses}, notifications {dup_notifications}); {finished}",
            a.target.describe(),
            a.kills,
            a.n,
            fired.refused,
        ),
        failed: lost > 0 || doubled > 0 || done.is_none() || quiet.is_none(),
    })
}

async fn fanout_trial(inst: &mut Instance, db: &Db, a: &Args) -> Result<Verdict> {
    let (_, public) = rates::key_pair()?;
    let sink = crate::standin::StandIn::start(public).await?;
    let (poster, token) = fanout::member(inst, db, "poster").await?;
    fanout::add_followers(db, &sink, poster, a.servers * 2, a.servers, 0).await?;
    inst.start().await?;
    let http = reqwest::Client::new();
    let mut activities = Vec::new();
    for i in 0..a.posts {
        activities.push(fanout::post(&http, &inst.base, &token, &format!("crash trial post {i}")).await?);
    }
    let expected = a.posts * a.servers;
    sink.wait_until(Duration::from_secs(120), |l| !l.seen.is_empty())
        .await;
    let sink_ref = &sink;
    let during = kill_loop(inst, a, || async move { Ok(sink_ref.distinct() < expected) }).await?;
    let restarted = Instant::now();
    let settle = Duration::from_secs(a.settle);
    let complete = sink.wait_until(settle, |l| l.seen.len() >= expected).await;
    let done = complete.then(|| restarted.elapsed());
    let quiet = wait_quiet(db, restarted, settle).await?;
    let (received, duplicates, requests, unexpected) = sink.with_log(|l| {
        let wanted = |id: &String| activities.contains(id);
        (
            l.seen.keys().filter(|(_, id)| wanted(id)).count(),
            l.duplicates,
            l.requests,
            l.seen.keys().filter(|(_, id)| !wanted(id)).count(),
        )
    });
    let lost = expected.saturating_sub(received);
    let finished = finished("received", done, quiet, a.settle);
    Ok(Verdict {
        line: format!(
            "crash fanout {}: {} kill -9 of the worker ({during} during delivery); {} posts to {} servers = {expected} \
             deliveries expected, {received} received, lost {lost}; duplicates sent {duplicates} ({requests} requests, \
             {unexpected} unexpected); {finished}",
            a.target.describe(),
            a.kills,
            a.posts,
            a.servers,
        ),
        failed: lost > 0 || !complete || quiet.is_none(),
    })
}
