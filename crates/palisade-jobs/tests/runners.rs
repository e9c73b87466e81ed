//! The runners against a real queue: several processes (each with its own pool) share one
//! queue without sending anything twice, a host never gets more deliveries at once than its
//! limit, jobs about one object run in order, a dead worker's jobs come back when its lease
//! runs out, and stopping gives back what is held. SQLite by default, PostgreSQL in CI.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use palisade_core::jobs::{NewJob, Queue};
use palisade_core::model::now_ms;
use palisade_core::{Core, Db};
use palisade_federation::outbound::DeliveryJob;
use palisade_federation::{Federation, FederationConfig};
use palisade_testkit::TestServer;

#[derive(Clone, Default)]
struct Sink {
    seen: Arc<Mutex<HashMap<String, usize>>>,
    now: Arc<Mutex<usize>>,
    most: Arc<Mutex<usize>>,
}

async fn inbox(State(sink): State<Sink>, body: Bytes) -> StatusCode {
    {
        let mut now = sink.now.lock().unwrap();
        *now += 1;
        let mut most = sink.most.lock().unwrap();
        *most = (*most).max(*now);
    }
    // Slow enough that deliveries overlap.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = v["id"].as_str().unwrap_or("?").to_owned();
    *sink.seen.lock().unwrap().entry(id).or_default() += 1;
    *sink.now.lock().unwrap() -= 1;
    StatusCode::ACCEPTED
}

/// A sink on loopback; returns its base URL.
async fn start_sink(sink: Sink) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route("/inbox", post(inbox)).with_state(sink);
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    url
}

fn delivery(sink: &str, signer: i64, n: usize) -> NewJob {
    let job = DeliveryJob {
        inbox: format!("{sink}/inbox"),
        body: serde_json::json!({"id": format!("https://palisade.test/activities/{n}"), "type": "Create"})
            .to_string(),
        signer_id: signer,
    };
    NewJob {
        queue: Queue::Deliver.name(),
        payload: serde_json::to_string(&job).unwrap(),
        host: Some(sink.trim_start_matches("http://").to_owned()),
        ordering_key: None,
        run_at: now_ms(),
    }
}

/// A `palisade serve --role worker` of its own: its own pool on the same database.
async fn worker_process(srv: &TestServer) -> Federation {
    let db = Db::connect(&srv.database_url).await.unwrap();
    let core = Core::new(db, (*srv.core.settings).clone());
    let mut config = FederationConfig::new("test".into());
    config.fetch.allow_private_addresses = true;
    Federation::new(core, config).await.unwrap()
}

async fn wait_empty(srv: &TestServer, queue: Queue) {
    srv.eventually("the queue is empty", || async {
        srv.core.jobs_pending(queue.name()).await.unwrap() == 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_deliver_everything_once_within_the_host_limit() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let (alice, _) = srv.core.local_user("alice").await.unwrap();
    let sink = Sink::default();
    let url = start_sink(sink.clone()).await;
    const N: usize = 120;
    let jobs: Vec<NewJob> = (0..N).map(|i| delivery(&url, alice.id, i)).collect();
    srv.core.enqueue_jobs(&jobs).await.unwrap();

    let config = palisade_jobs::Config {
        deliveries: 16,
        per_host: 3,
        ..Default::default()
    };
    let a = palisade_jobs::start(worker_process(&srv).await, config.clone());
    let b = palisade_jobs::start(worker_process(&srv).await, config);
    wait_empty(&srv, Queue::Deliver).await;
    a.stop().await;
    b.stop().await;

    let seen = sink.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), N, "every delivery arrived");
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    // Each process keeps its own limit: two processes, at most 3 each.
    let most = *sink.most.lock().unwrap();
    assert!(most <= 6, "{most} deliveries at once to one host");
}

#[tokio::test]
async fn jobs_about_one_object_run_in_order() {
    let srv = TestServer::new().await;
    let keyed = |n: i64| NewJob {
        queue: Queue::Inbound.name(),
        payload: format!("{n}"),
        host: None,
        ordering_key: Some("https://peer.test/notes/1".into()),
        run_at: now_ms(),
    };
    srv.core.enqueue_jobs(&[keyed(1), keyed(2)]).await.unwrap();
    let first = srv
        .core
        .claim_jobs(Queue::Inbound, "w1", 10, 60_000, None)
        .await
        .unwrap();
    assert_eq!(first.len(), 1, "only the oldest of one key");
    assert_eq!(first[0].payload, "1");
    // While the first runs, another worker gets nothing of that key.
    assert!(
        srv.core
            .claim_jobs(Queue::Inbound, "w2", 10, 60_000, None)
            .await
            .unwrap()
            .is_empty()
    );
    srv.core.complete_jobs(&[first[0].id]).await.unwrap();
    let second = srv
        .core
        .claim_jobs(Queue::Inbound, "w2", 10, 60_000, None)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].payload, "2");
}

#[tokio::test]
async fn a_dead_workers_jobs_come_back_when_its_lease_ends() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let (alice, _) = srv.core.local_user("alice").await.unwrap();
    srv.core
        .enqueue_jobs(&[delivery("http://127.0.0.1:9", alice.id, 1)])
        .await
        .unwrap();
    // Claimed by a worker that then dies (never completes, never renews).
    let held = srv
        .core
        .claim_jobs(Queue::Deliver, "dead", 10, 300, None)
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert!(
        srv.core
            .claim_jobs(Queue::Deliver, "alive", 10, 60_000, None)
            .await
            .unwrap()
            .is_empty()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let back = srv
        .core
        .claim_jobs(Queue::Deliver, "alive", 10, 60_000, None)
        .await
        .unwrap();
    assert_eq!(back.len(), 1, "the job came back");
    // A renewing worker keeps its jobs.
    srv.core.renew_job_leases("alive", 60_000).await.unwrap();
    assert!(
        srv.core
            .claim_jobs(Queue::Deliver, "other", 10, 60_000, None)
            .await
            .unwrap()
            .is_empty()
    );
    // Released on a graceful stop: at once, not after the lease.
    assert_eq!(srv.core.release_jobs("alive").await.unwrap(), 1);
    assert_eq!(
        srv.core
            .claim_jobs(Queue::Deliver, "other", 10, 60_000, None)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_post_wakes_the_runners() {
    // No polling: the bell of the outbound queue rings when the post commits, and the
    // planner finds the event at once.
    let srv = TestServer::new().await;
    let token = srv.user("alice").await;
    let runners = palisade_jobs::start(srv.fed.clone(), palisade_jobs::Config::default());
    // Let the runners go idle first.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&token),
            serde_json::json!({"status": "hello"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    wait_empty(&srv, Queue::Outbound).await;
    // Well under the runners' idle look (2 s): they were woken, not polling.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    runners.stop().await;
}
