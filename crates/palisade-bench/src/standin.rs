//! The other servers, played by one local HTTP server under many host names (the server
//! under test resolves every name to it, `test_resolve_all_to`): it serves actor documents
//! with their public key, and is the sink that counts what is delivered to its inboxes,
//! deduplicating by (host, activity id). Hosts named `….silent.…` take a delivery and
//! never answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::Result;

/// What the sink has seen.
#[derive(Default)]
pub struct Log {
    /// Deliveries per (host, activity id).
    pub seen: HashMap<(String, String), u32>,
    /// First arrival of each (host, activity id), in order.
    pub arrivals: Vec<(Instant, String, String)>,
    /// POSTs answered (with a signature header: every one is one signature made).
    pub requests: u64,
    pub signed: u64,
    /// POSTs of an activity this host already had.
    pub duplicates: u64,
    /// POSTs to silent hosts (never answered).
    pub silent: u64,
    /// Actor documents served.
    pub actor_fetches: u64,
}

pub struct Shared {
    public_key_pem: String,
    pub log: Mutex<Log>,
    pub changed: tokio::sync::Notify,
}

pub struct StandIn {
    pub port: u16,
    pub shared: Arc<Shared>,
}

impl StandIn {
    /// Starts on a free loopback port; every actor it serves has `public_key_pem`.
    pub async fn start(public_key_pem: String) -> Result<StandIn> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            public_key_pem,
            log: Mutex::default(),
            changed: tokio::sync::Notify::new(),
        });
        let app = Router::new()
            .route("/users/{name}", get(actor))
            .route("/users/{name}/inbox", post(inbox))
            .route("/inbox", post(shared_inbox))
            .with_state(shared.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("stand-in server stopped: {e}");
            }
        });
        Ok(StandIn { port, shared })
    }

    /// `name.test:PORT`: a host name the server under test will send here.
    pub fn host(&self, name: &str) -> String {
        format!("{name}:{}", self.port)
    }

    /// Runs `f` on the log.
    pub fn with_log<T>(&self, f: impl FnOnce(&Log) -> T) -> T {
        match self.shared.log.lock() {
            Ok(log) => f(&log),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// Distinct (host, activity) deliveries so far.
    pub fn distinct(&self) -> usize {
        self.with_log(|l| l.seen.len())
    }

    /// Waits until `done` holds of the log, or `limit` passes; whether it held.
    pub async fn wait_until(&self, limit: Duration, done: impl Fn(&Log) -> bool) -> bool {
        let at = Instant::now();
        loop {
            let notified = self.shared.changed.notified();
            if self.with_log(&done) {
                return true;
            }
            let left = limit.saturating_sub(at.elapsed());
            if left.is_zero() {
                return false;
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }
}

fn host_of(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

async fn actor(State(st): State<Arc<Shared>>, headers: HeaderMap, Path(name): Path<String>) -> Response {
    let host = host_of(&headers);
    if let Ok(mut log) = st.log.lock() {
        log.actor_fetches += 1;
    }
    let id = format!("http://{host}/users/{name}");
    let doc = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": name,
        "name": format!("Stand-in {name}"),
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "following": format!("{id}/following"),
        "url": id,
        "endpoints": {"sharedInbox": format!("http://{host}/inbox")},
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": st.public_key_pem},
    });
    (
        [(header::CONTENT_TYPE, "application/activity+json")],
        doc.to_string(),
    )
        .into_response()
}

async fn inbox(st: State<Arc<Shared>>, headers: HeaderMap, _name: Path<String>, body: Bytes) -> Response {
    shared_inbox(st, headers, body).await
}

async fn shared_inbox(State(st): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let host = host_of(&headers);
    let signed = headers.contains_key("signature");
    if host.contains(".silent.") {
        if let Ok(mut log) = st.log.lock() {
            log.silent += 1;
        }
        // Takes the request and never answers (the sender's timeout ends it).
        std::future::pending::<()>().await;
    }
    let id = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    if let Ok(mut log) = st.log.lock() {
        log.requests += 1;
        log.signed += u64::from(signed);
        let count = log.seen.entry((host.clone(), id.clone())).or_default();
        *count += 1;
        if *count == 1 {
            log.arrivals.push((Instant::now(), host, id));
        } else {
            log.duplicates += 1;
        }
    }
    st.changed.notify_waiters();
    StatusCode::ACCEPTED.into_response()
}
