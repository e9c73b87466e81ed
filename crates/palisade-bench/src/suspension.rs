//! Suspension: how long suspending a domain takes when members have many ties with it, and
//! how many statements it costs: M members each following, and followed by, F accounts of
//! the domain (2·M·F relationships), then the impact preview, the suspension and its lift
//! through the admin API. In-process (palisade-testkit) on a fresh database: SQLite, or
//! PostgreSQL when `PALISADE_TEST_DATABASE_URL` is set, as for the tests. The ratio is
//! statements per relationship severed: a set-based suspension stays far below 1.

use std::time::Instant;

use palisade_store::{bulk, ids::new_id};
use palisade_testkit::TestServer;
use serde_json::json;

use crate::{BenchError, Result};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Local members.
    #[arg(long, default_value_t = 200)]
    pub members: usize,
    /// Accounts of the suspended domain that each member follows and is followed by.
    #[arg(long, default_value_t = 50)]
    pub follows: usize,
}

pub async fn run(a: Args) -> Result<()> {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let mut remote = Vec::with_capacity(a.follows);
    for i in 0..a.follows {
        remote.push(srv.remote_account(&format!("r{i}"), "big.test").await.id);
    }
    // Members first: each is created in its own transaction (on SQLite a transaction held
    // open meanwhile would hold the only write lock that creating them needs).
    let mut members = Vec::with_capacity(a.members);
    for m in 0..a.members {
        let token = srv.user(&format!("m{m}")).await;
        let id: i64 = srv
            .account_id(&token)
            .await
            .parse()
            .map_err(|_| BenchError("an account id is not a number".into()))?;
        members.push(id);
    }
    let mut ties = Vec::with_capacity(a.members * a.follows * 2);
    for &me in &members {
        for &r in &remote {
            ties.push((new_id(), me, r));
            ties.push((new_id(), r, me));
        }
    }
    let mut tx = srv.db.begin().await?;
    bulk::insert_follows(&mut tx, &ties).await?;
    bulk::recount(&mut tx).await?;
    tx.commit().await?;

    let at = Instant::now();
    let p = srv
        .get(
            "/api/v1/admin/domain_blocks/preview?domain=big.test&severity=suspend",
            Some(&admin),
        )
        .await;
    let preview = at.elapsed();
    if p.body["impact"]["relationships"] != ties.len() {
        return Err(BenchError(format!(
            "the preview counts {} relationships, {} were made: {}",
            p.body["impact"]["relationships"],
            ties.len(),
            p.text
        )));
    }

    let before = srv.db.queries_run();
    let at = Instant::now();
    let r = srv
        .post_json(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            json!({"domain": "big.test", "severity": "suspend"}),
        )
        .await;
    let suspend = at.elapsed();
    let statements = srv.db.queries_run() - before;
    if r.status != 200 {
        return Err(BenchError(format!("suspending failed: {} {}", r.status, r.text)));
    }
    let block_id = r.body["id"].as_str().unwrap_or_default().to_owned();

    let at = Instant::now();
    let lifted = srv
        .delete(&format!("/api/v1/admin/domain_blocks/{block_id}"), Some(&admin))
        .await;
    let lift = at.elapsed();
    if lifted.status != 200 {
        return Err(BenchError(format!(
            "lifting failed: {} {}",
            lifted.status, lifted.text
        )));
    }
    println!(
        "suspension {:?} (in-process): {} members x {} accounts, {} relationships: preview {} ms; suspend {} ms in {statements} \
         statements = {:.4} statements per relationship; lift (restore) {} ms",
        srv.backend(),
        a.members,
        a.follows,
        ties.len(),
        preview.as_millis(),
        suspend.as_millis(),
        statements as f64 / ties.len() as f64,
        lift.as_millis(),
    );
    Ok(())
}
