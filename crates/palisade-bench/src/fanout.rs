//! Fan-out: one public post by a member with many remote followers spread over many
//! servers (shared inboxes), answered by the stand-in sink under one host name per server.
//! Deliveries/s is measured from the API call to the last server's first delivery and
//! divided by the RSA-2048 sign rate of all cores, measured just before. The sink counts
//! signatures (one per request) and duplicates. With `--silent K`, K of the servers (spread
//! among the others) take the request and never answer.

use std::time::{Duration, Instant};

use palisade_store::{Db, bulk, ids::new_id};
use serde_json::Value;

use crate::instance::Instance;
use crate::procstat::{describe_cpu, describe_memory};
use crate::standin::StandIn;
use crate::stats::per_sec;
use crate::{BenchError, Env, Result, Target, rates, work_dir};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Remote followers of the member.
    #[arg(long, default_value_t = 10_000)]
    pub followers: usize,
    /// Distinct servers they are on (one shared inbox each).
    #[arg(long, default_value_t = 2_500)]
    pub servers: usize,
    /// How many of those servers never answer.
    #[arg(long, default_value_t = 0)]
    pub silent: usize,
    /// Seconds to wait for the deliveries; the rate is then of those that arrived.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

/// The host of server `i` of `servers`: `silent` of them, spread evenly among the others
/// (deliveries are planned in inbox order), never answer.
pub fn server_host(sink: &StandIn, i: usize, servers: usize, silent: usize) -> String {
    if is_silent(i, servers, silent) {
        sink.host(&format!("s{i}.silent.test"))
    } else {
        sink.host(&format!("s{i}.fan.test"))
    }
}

fn is_silent(i: usize, servers: usize, silent: usize) -> bool {
    let step = (servers / silent.max(1)).max(1);
    silent > 0 && i.is_multiple_of(step) && i / step < silent
}

/// Gives `account_id` `followers` remote followers on `servers` servers of `sink`.
pub async fn add_followers(
    db: &Db,
    sink: &StandIn,
    account_id: i64,
    followers: usize,
    servers: usize,
    silent: usize,
) -> Result<()> {
    let mut rows = Vec::with_capacity(followers);
    let mut follows = Vec::with_capacity(followers);
    for j in 0..followers {
        let host = server_host(sink, j % servers, servers, silent);
        let uri = format!("http://{host}/users/f{j}");
        let id = new_id();
        rows.push(bulk::RemoteAccountRow {
            id,
            username: format!("f{j}"),
            domain: host.clone(),
            uri: uri.clone(),
            inbox_url: format!("{uri}/inbox"),
            shared_inbox_url: Some(format!("http://{host}/inbox")),
        });
        follows.push((new_id(), id, account_id));
    }
    let mut tx = db.begin().await?;
    bulk::insert_remote_accounts(&mut tx, &rows).await?;
    bulk::insert_follows(&mut tx, &follows).await?;
    bulk::recount(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A local member with an access token.
pub async fn member(inst: &Instance, db: &Db, name: &str) -> Result<(i64, String)> {
    let token = inst.user_with_token(name)?;
    let account = palisade_store::accounts::by_username(db, name, None)
        .await?
        .ok_or_else(|| BenchError(format!("the member {name} was not created")))?;
    Ok((account.id, token))
}

/// Posts a public status through the API; returns the id of its Create activity.
pub async fn post(http: &reqwest::Client, base: &str, token: &str, text: &str) -> Result<String> {
    let r = http
        .post(format!("{base}/api/v1/statuses"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(serde_json::json!({"status": text, "visibility": "public"}).to_string())
        .send()
        .await?;
    let status = r.status();
    let body: Value = serde_json::from_slice(&r.bytes().await?)?;
    if !status.is_success() {
        return Err(BenchError(format!("posting failed: {status} {body}")));
    }
    let uri = body["uri"]
        .as_str()
        .ok_or_else(|| BenchError(format!("no uri in {body}")))?;
    Ok(format!("{uri}/activity"))
}

pub async fn run(env: &Env, a: Args) -> Result<()> {
    if a.silent >= a.servers {
        return Err(BenchError("--silent must be below --servers".into()));
    }
    let dir = work_dir(env, "fanout")?;
    let mut inst = Instance::new(env, a.target.db, a.target.roles(), &dir.path).await?;
    let db = inst.database.connect().await?;
    let (_, public) = rates::key_pair()?;
    let sink = StandIn::start(public).await?;
    let (poster, token) = member(&inst, &db, "poster").await?;
    add_followers(&db, &sink, poster, a.followers, a.servers, a.silent).await?;
    inst.start().await?;
    let (_, sign, cores) = rates::measure(Duration::from_secs(1)).await?;
    let http = reqwest::Client::new();
    let answering = a.servers - a.silent;
    let cpu_before = inst.cpu();
    let at = Instant::now();
    let activity = post(&http, &inst.base, &token, "Hello to every follower").await?;
    let complete = sink
        .wait_until(Duration::from_secs(a.timeout), |l| l.seen.len() >= answering)
        .await;
    let waited = at.elapsed();
    let cpu = describe_cpu(&cpu_before, &inst.cpu(), waited);
    // Give late duplicates a moment to show up before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (distinct, last, requests, signed, duplicates, silent_requests, other) = sink.with_log(|l| {
        (
            l.seen.len(),
            l.arrivals.last().map(|(t, _, _)| t.duration_since(at)),
            l.requests,
            l.signed,
            l.duplicates,
            l.silent,
            l.seen.keys().filter(|(_, id)| *id != activity).count(),
        )
    });
    let elapsed = if complete { last.unwrap_or(waited) } else { waited };
    let rate = per_sec(distinct, elapsed);
    let outcome = if complete {
        format!(
            "all {answering} answering servers reached in {:.2} s",
            elapsed.as_secs_f64()
        )
    } else {
        format!(
            "only {distinct} of {answering} answering servers reached in {} s",
            a.timeout
        )
    };
    let silent = if a.silent > 0 {
        format!(
            " ({} silent: {silent_requests} requests left unanswered)",
            a.silent
        )
    } else {
        String::new()
    };
    println!(
        "fanout {}: 1 post to {} followers on {} servers{silent}: {outcome}; {rate:.0} deliveries/s = {:.3} x sign rate; \
         signatures made (at the sink) {signed} for {distinct} distinct inboxes ({requests} requests, {duplicates} duplicates, \
         {other} unexpected); RSA-2048 sign {sign:.0}/s on {cores} cores; CPU used meanwhile: {cpu}; RSS at the end: {}",
        a.target.describe(),
        a.followers,
        a.servers,
        rate / sign,
        describe_memory(&inst.memory()),
    );
    db.close().await;
    inst.finish().await;
    // A slow run is a result (the line says how far it got); nothing at all is a failure.
    if distinct == 0 {
        return Err(BenchError("no delivery reached the sink".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn silent_servers_are_spread_and_counted() {
        for (servers, silent) in [(2500, 100), (50, 5), (10, 3), (7, 0)] {
            let picked: Vec<usize> = (0..servers)
                .filter(|&i| super::is_silent(i, servers, silent))
                .collect();
            assert_eq!(picked.len(), silent, "{servers} {silent}");
        }
    }
}
