//! Inbound: N pre-signed, unique `Create(Note)` deliveries (half draft-cavage, half RFC
//! 9421) from actors on many stand-in servers, each mentioning a local member who follows
//! them all, fired at `/inbox` over many connections. Accepted/s counts 202s until the last
//! answer; processed/s waits until every note is in the member's home timeline (read from
//! the database). Both are divided by one core's RSA-2048 verify rate, measured just before.

use std::sync::Arc;
use std::time::{Duration, Instant};

use palisade_store::{Db, bulk, census, ids::new_id};

use crate::firing::{fire, wait_home_feed};
use crate::instance::Instance;
use crate::pg_counters::PgCounters;
use crate::procstat::{describe_cpu, describe_memory};
use crate::signing::{Presigned, Scheme, sign_post};
use crate::standin::StandIn;
use crate::stats::{ms, per_sec, percentile};
use crate::{BenchError, Env, Result, Target, notes, rates, work_dir};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Deliveries to fire.
    #[arg(long, default_value_t = 6_000)]
    pub n: usize,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Stand-in servers the actors live on.
    #[arg(long, default_value_t = 50)]
    pub servers: usize,
    /// Actors on each stand-in server.
    #[arg(long, default_value_t = 4)]
    pub actors_per_server: usize,
    /// Seconds to wait for processing before giving up.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

/// A member who follows every stand-in actor, and the deliveries to send.
pub struct Prepared {
    pub follower_id: i64,
    /// One delivery from each actor, so that the server fetches every actor (and makes
    /// its own instance key) before the measured run.
    pub warmup: Arc<Vec<Presigned>>,
    pub deliveries: Arc<Vec<Presigned>>,
    pub standin: StandIn,
}

/// Creates the member, the stand-in actors (known to the server, keys not yet fetched),
/// the follows, and signs one warm-up delivery per actor and `n` more.
pub async fn prepare(
    inst: &Instance,
    db: &Db,
    n: usize,
    servers: usize,
    per_server: usize,
) -> Result<Prepared> {
    inst.user_with_token("bench")?;
    let follower = palisade_store::accounts::by_username(db, "bench", None)
        .await?
        .ok_or_else(|| BenchError("the member bench was not created".into()))?;
    let (key, public) = rates::key_pair()?;
    let standin = StandIn::start(public).await?;
    let mut actors = Vec::new();
    let mut rows = Vec::new();
    let mut follows = Vec::new();
    for s in 0..servers {
        let host = standin.host(&format!("s{s}.inbound.test"));
        for u in 0..per_server {
            let uri = format!("http://{host}/users/u{u}");
            let id = new_id();
            rows.push(bulk::RemoteAccountRow {
                id,
                username: format!("u{u}"),
                domain: host.clone(),
                uri: uri.clone(),
                inbox_url: format!("{uri}/inbox"),
                shared_inbox_url: Some(format!("http://{host}/inbox")),
            });
            follows.push((new_id(), follower.id, id));
            actors.push(uri);
        }
    }
    let mut tx = db.begin().await?;
    bulk::insert_remote_accounts(&mut tx, &rows).await?;
    bulk::insert_follows(&mut tx, &follows).await?;
    bulk::recount(&mut tx).await?;
    tx.commit().await?;
    let mut deliveries = sign_all(&key, &actors, actors.len() + n, &follower.uri, &inst.authority)?;
    let rest = deliveries.split_off(actors.len());
    Ok(Prepared {
        follower_id: follower.id,
        warmup: Arc::new(deliveries),
        deliveries: Arc::new(rest),
        standin,
    })
}

/// Signs the deliveries on every core: even ones draft-cavage, odd ones RFC 9421.
fn sign_all(
    key: &palisade_federation::keys::SigningKey,
    actors: &[String],
    n: usize,
    mention: &str,
    authority: &str,
) -> Result<Vec<Presigned>> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let handle = format!("bench@{authority}");
    let chunk = n.div_ceil(cores).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                let handle = &handle;
                s.spawn(move || {
                    (start..(start + chunk).min(n))
                        .map(|i| {
                            let actor = &actors[i % actors.len()];
                            let body = notes::create_note(actor, i, mention, handle).to_string();
                            let scheme = if i % 2 == 0 {
                                Scheme::Cavage
                            } else {
                                Scheme::Rfc9421
                            };
                            let key_id = format!("{actor}#main-key");
                            sign_post(scheme, key, &key_id, authority, "/inbox", body.into_bytes())
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(n);
        for p in parts {
            all.extend(
                p.join()
                    .map_err(|_| BenchError("a signing thread failed".into()))??,
            );
        }
        Ok(all)
    })
}

pub async fn run(env: &Env, a: Args) -> Result<()> {
    let dir = work_dir(env, "inbound")?;
    let mut inst = Instance::new(env, a.target.db, a.target.roles(), &dir.path).await?;
    let mut db = inst.database.connect().await?;
    let prepared = prepare(&inst, &db, a.n, a.servers, a.actors_per_server).await?;
    inst.start().await?;
    let limit = Duration::from_secs(a.timeout);
    let warm = prepared.warmup.len();
    let warmed = fire(
        &inst.base,
        prepared.warmup.clone(),
        a.connections.min(warm),
        false,
    )
    .await?;
    if wait_home_feed(&db, prepared.follower_id, warm as i64, Instant::now(), limit)
        .await?
        .is_none()
    {
        return Err(BenchError(format!(
            "the warm-up was not processed: {:?}",
            warmed.refused
        )));
    }
    let counted = PgCounters::before(&db).await?;
    let (verify, _, _) = rates::measure(Duration::from_secs(1)).await?;
    let cpu_before = inst.cpu();
    let at = Instant::now();
    let fired = fire(&inst.base, prepared.deliveries.clone(), a.connections, false).await?;
    let expected = (warm + fired.accepted) as i64;
    let done = wait_home_feed(&db, prepared.follower_id, expected, at, limit).await?;
    let cpu = describe_cpu(&cpu_before, &inst.cpu(), at.elapsed());
    let memory = inst.memory();
    let in_feed = census::home_feed_len(&db, prepared.follower_id).await? - warm as i64;
    inst.stop().await;
    let per_delivery = counted.per_delivery(&mut db, &inst, fired.accepted).await?;
    let accepted_rate = per_sec(fired.accepted, fired.elapsed);
    let processed = match done {
        Some(d) => {
            let rate = per_sec(fired.accepted, d);
            format!(
                "processed {rate:.0}/s = {:.4} x verify (all {} in the home timeline {:.1} s after the first request)",
                rate / verify,
                fired.accepted,
                d.as_secs_f64()
            )
        }
        None => format!(
            "processed: only {in_feed} of {} in the home timeline after {} s",
            fired.accepted, a.timeout
        ),
    };
    let refused = if fired.refused.is_empty() {
        "none refused".to_owned()
    } else {
        format!("refused {:?}", fired.refused)
    };
    println!(
        "inbound {}: {} Create(Note) ({} draft-cavage, {} RFC 9421) from {} actors on {} servers (each fetched during a \
         warm-up delivery first) over {} connections: accepted {accepted_rate:.0}/s = {:.4} x verify, {processed}; \
         RSA-2048 verify {verify:.0}/s on one core; 202 latency p50 {} p99 {}; {refused}; {} actor documents served; \
         CPU used meanwhile: {cpu}; RSS at the end: {}{per_delivery}",
        a.target.describe(),
        a.n,
        a.n.div_ceil(2),
        a.n / 2,
        a.servers * a.actors_per_server,
        a.servers,
        a.connections,
        accepted_rate / verify,
        ms(percentile(&fired.latencies, 50.0)),
        ms(percentile(&fired.latencies, 99.0)),
        prepared.standin.with_log(|l| l.actor_fetches),
        describe_memory(&memory),
    );
    db.close().await;
    inst.finish().await;
    // A slow run is a result (the line says how far it got); nothing at all is a failure.
    if fired.accepted == 0 || in_feed <= 0 {
        return Err(BenchError("no delivery was accepted and processed".into()));
    }
    Ok(())
}
