//! Peers that never answer: a delivery waiting on one gives its slot back after a moment
//! (the slow lane), so the peers that answer keep their pace; the silent peer never has
//! more deliveries in flight than its per-host limit; and once one of its deliveries timed
//! out, its other deliveries wait for that backoff instead of each timing out in turn.
//! None is lost. SQLite by default, PostgreSQL in CI.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use palisade_core::jobs::{NewJob, Queue};
use palisade_core::model::now_ms;
use palisade_core::{Core, Db};
use palisade_federation::outbound::DeliveryJob;
use palisade_federation::{Federation, FederationConfig};
use palisade_testkit::TestServer;

/// How long our requests wait for an answer in this test.
const TIMEOUT: Duration = Duration::from_secs(3);

/// A peer that accepts connections and never answers; counts the connections.
async fn silent_peer(connections: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    host
}

/// A peer that answers at once; counts the deliveries.
async fn answering_peer(received: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let app = Router::new().route(
        "/inbox",
        post(move || {
            let received = received.clone();
            async move {
                received.fetch_add(1, Ordering::SeqCst);
                StatusCode::ACCEPTED
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    host
}

fn delivery(host: &str, signer: i64, n: usize) -> NewJob {
    let job = DeliveryJob {
        inbox: format!("http://{host}/inbox"),
        body: serde_json::json!({"id": format!("https://palisade.test/activities/{n}"), "type": "Create"})
            .to_string(),
        signer_id: signer,
    };
    NewJob {
        queue: Queue::Deliver.name(),
        payload: serde_json::to_string(&job).unwrap(),
        host: Some(host.to_owned()),
        ordering_key: None,
        run_at: now_ms(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_peers_hold_no_slot_for_long_and_wait_for_their_backoff() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let (alice, _) = srv.core.local_user("alice").await.unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(AtomicUsize::new(0));
    let silent = silent_peer(connections.clone()).await;
    let answering = answering_peer(received.clone()).await;
    // The silent peer's deliveries come first, enough to take every slot.
    let mut jobs: Vec<NewJob> = (0..6).map(|i| delivery(&silent, alice.id, i)).collect();
    jobs.extend((6..46).map(|i| delivery(&answering, alice.id, i)));
    srv.core.enqueue_jobs(&jobs).await.unwrap();

    let db = Db::connect(&srv.database_url).await.unwrap();
    let core = Core::new(db, (*srv.core.settings).clone());
    let mut config = FederationConfig::new("test".into());
    config.fetch.allow_private_addresses = true;
    config.fetch.timeout = TIMEOUT;
    let fed = Federation::new(core, config).await.unwrap();
    let started = Instant::now();
    let runners = palisade_jobs::start(
        fed,
        palisade_jobs::Config {
            deliveries: 2,
            per_host: 2,
            slow_deliveries: 8,
            ..Default::default()
        },
    );
    srv.eventually("the answering peer has every delivery", || async {
        received.load(Ordering::SeqCst) == 40
    })
    .await;
    assert!(
        started.elapsed() < TIMEOUT,
        "the answering peer waited for the silent one: {:?}",
        started.elapsed()
    );
    // Past the timeout: the silent peer's first deliveries failed, the others wait for
    // the backoff (30 s) instead of being tried.
    tokio::time::sleep(TIMEOUT + Duration::from_millis(1500)).await;
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "the silent peer got no more than its per-host limit, and nothing after it timed out"
    );
    assert_eq!(
        srv.core.jobs_pending(Queue::Deliver.name()).await.unwrap(),
        6,
        "none of the silent peer's deliveries is lost"
    );
    runners.stop().await;
}
