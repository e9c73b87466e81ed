//! Several workers (each with its own connection pool, as separate processes would have)
//! share one queue: every delivery is sent, none twice. Run on PostgreSQL in CI
//! (`FOR UPDATE SKIP LOCKED`) and on SQLite (one writer at a time).
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use palisade_core::Core;
use palisade_core::store::{Db, jobs, now_ms};
use palisade_federation::outbound::{DELIVER_QUEUE, DeliveryJob, OutboxSink};
use palisade_federation::worker::{self, WorkerConfig};
use palisade_federation::{Federation, FederationConfig};
use palisade_testkit::TestServer;

type Seen = Arc<Mutex<HashMap<String, usize>>>;

async fn inbox(State(seen): State<Seen>, body: Bytes) -> StatusCode {
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = v["id"].as_str().unwrap_or("?").to_owned();
    *seen.lock().unwrap().entry(id).or_default() += 1;
    StatusCode::ACCEPTED
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_deliver_everything_once() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let (alice, _) = srv.core.local_user("alice").await.unwrap();

    let seen: Seen = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/inbox", post(inbox))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });

    const N: usize = 120;
    for i in 0..N {
        let job = DeliveryJob {
            inbox: format!("{sink}/inbox"),
            body:
                serde_json::json!({"id": format!("https://palisade.test/activities/{i}"), "type": "Create"})
                    .to_string(),
            signer_id: alice.id,
        };
        let host = sink.trim_start_matches("http://").to_owned();
        jobs::enqueue(
            &srv.core.db,
            DELIVER_QUEUE,
            &serde_json::to_string(&job).unwrap(),
            Some(&host),
            now_ms(),
        )
        .await
        .unwrap();
    }

    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let mut handles = Vec::new();
    for _ in 0..2 {
        // Each worker with its own pool, like a separate `palisade serve --role worker`.
        let db = Db::connect(&srv.database_url).await.unwrap();
        let core = Core::new(db, (*srv.core.settings).clone()).with_event_sink(Arc::new(OutboxSink));
        let mut config = FederationConfig::new("test".into());
        config.fetch.allow_private_addresses = true;
        let fed = Federation::new(core, config).await.unwrap();
        let cfg = WorkerConfig {
            deliveries: 8,
            per_host: 4,
            lease: Duration::from_secs(60),
        };
        handles.push(tokio::spawn(worker::run(fed, cfg, stop_rx.clone())));
    }
    for _ in 0..300 {
        if jobs::depth(&srv.core.db, DELIVER_QUEUE).await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), N, "every delivery arrived");
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(jobs::depth(&srv.core.db, DELIVER_QUEUE).await.unwrap(), 0);
}
