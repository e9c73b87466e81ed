//! The connections of this web process: who is connected (token, address), what each
//! subscribed to, and a bounded queue per connection. Publishing into a queue never waits:
//! a client that falls behind by `streaming_backlog` messages is disconnected (it reconnects
//! and catches up through the REST API, as Mastodon clients do), so no slow reader can hold
//! up the others or the writers.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use palisade_core::Core;
use palisade_core::auth::Viewer;
use palisade_core::streaming::{Stream, Subscriber};
use tokio::sync::{OnceCell, mpsc};

/// Subscription key → (connection, the stream's name as events carry it).
pub(crate) type Routes = HashMap<u64, (u64, Vec<String>)>;

/// One message to a client: the stream it belongs to, Mastodon's event, its payload.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub stream: Vec<String>,
    pub event: &'static str,
    /// A JSON document, an id, or nothing (`filters_changed`).
    pub payload: Option<Arc<str>>,
}

struct Conn {
    viewer: Option<Viewer>,
    address: Option<IpAddr>,
    /// (subscription key, stream).
    subs: Vec<(u64, Stream)>,
    tx: mpsc::Sender<Outgoing>,
}

#[derive(Default)]
struct Registry {
    conns: HashMap<u64, Conn>,
    per_token: HashMap<i64, usize>,
    per_address: HashMap<IpAddr, usize>,
}

impl Registry {
    /// Forgets a connection; its queue's sender goes with it, so its session ends.
    fn remove(&mut self, id: u64) {
        let Some(c) = self.conns.remove(&id) else {
            return;
        };
        if let Some(t) = c.viewer.as_ref().map(|v| v.token.id)
            && let Some(n) = self.per_token.get_mut(&t)
        {
            *n -= 1;
            if *n == 0 {
                self.per_token.remove(&t);
            }
        }
        if let Some(a) = c.address
            && let Some(n) = self.per_address.get_mut(&a)
        {
            *n -= 1;
            if *n == 0 {
                self.per_address.remove(&a);
            }
        }
    }
}

pub(crate) struct Inner {
    pub(crate) core: Core,
    registry: Mutex<Registry>,
    next: AtomicU64,
    started: OnceCell<()>,
    per_token: usize,
    per_address: usize,
    backlog: usize,
}

/// This process's streaming connections. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    pub(crate) inner: Arc<Inner>,
}

/// Why a connection was refused (429).
#[derive(Debug)]
pub enum Refusal {
    TooManyForToken,
    TooManyForAddress,
}

/// An open connection; dropping it closes it.
pub struct Connection {
    hub: Hub,
    pub id: u64,
    pub rx: mpsc::Receiver<Outgoing>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Ok(mut r) = self.hub.inner.registry.lock() {
            r.remove(self.id);
        }
    }
}

impl Hub {
    pub fn new(core: Core) -> Hub {
        let limits = &core.settings.limits;
        let (per_token, per_address, backlog) = (
            limits.streaming_per_token.max(1),
            limits.streaming_per_address.max(1),
            limits.streaming_backlog.max(1),
        );
        Hub {
            inner: Arc::new(Inner {
                core,
                registry: Mutex::default(),
                next: AtomicU64::new(1),
                started: OnceCell::new(),
                per_token,
                per_address,
                backlog,
            }),
        }
    }

    /// Opens a connection within the limits; the dispatcher (and, on PostgreSQL, the
    /// listener for other processes' events) is running before this returns, so nothing
    /// committed afterwards is missed.
    pub async fn connect(
        &self,
        viewer: Option<Viewer>,
        address: Option<IpAddr>,
    ) -> Result<Connection, Refusal> {
        self.inner
            .started
            .get_or_init(|| super::dispatch::start(self.clone()))
            .await;
        let (tx, rx) = mpsc::channel(self.inner.backlog);
        let id = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let mut r = self
            .inner
            .registry
            .lock()
            .map_err(|_| Refusal::TooManyForAddress)?;
        let token = viewer.as_ref().map(|v| v.token.id);
        if let Some(t) = token
            && r.per_token.get(&t).copied().unwrap_or(0) >= self.inner.per_token
        {
            return Err(Refusal::TooManyForToken);
        }
        if let Some(a) = address
            && r.per_address.get(&a).copied().unwrap_or(0) >= self.inner.per_address
        {
            return Err(Refusal::TooManyForAddress);
        }
        if let Some(t) = token {
            *r.per_token.entry(t).or_default() += 1;
        }
        if let Some(a) = address {
            *r.per_address.entry(a).or_default() += 1;
        }
        r.conns.insert(
            id,
            Conn {
                viewer,
                address,
                subs: Vec::new(),
                tx,
            },
        );
        Ok(Connection {
            hub: self.clone(),
            id,
            rx,
        })
    }

    /// Adds a stream to a connection; `false` if it was subscribed already.
    pub fn subscribe(&self, conn: u64, stream: Stream) -> bool {
        let key = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let Ok(mut r) = self.inner.registry.lock() else {
            return false;
        };
        let Some(c) = r.conns.get_mut(&conn) else {
            return false;
        };
        if c.subs.iter().any(|(_, s)| *s == stream) {
            return false;
        }
        c.subs.push((key, stream));
        true
    }

    /// Removes a stream from a connection; `false` if it was not subscribed.
    pub fn unsubscribe(&self, conn: u64, stream: &Stream) -> bool {
        let Ok(mut r) = self.inner.registry.lock() else {
            return false;
        };
        let Some(c) = r.conns.get_mut(&conn) else {
            return false;
        };
        let before = c.subs.len();
        c.subs.retain(|(_, s)| s != stream);
        c.subs.len() != before
    }

    /// Every subscription now, as core's subscribers, with where each goes.
    pub(crate) fn snapshot(&self) -> (Vec<Subscriber>, Routes) {
        let mut subs = Vec::new();
        let mut routes = HashMap::new();
        if let Ok(r) = self.inner.registry.lock() {
            for (conn_id, c) in &r.conns {
                for (key, stream) in &c.subs {
                    subs.push(Core::subscriber(*key, c.viewer.as_ref(), stream.clone()));
                    routes.insert(*key, (*conn_id, stream.names()));
                }
            }
        }
        (subs, routes)
    }

    /// Queues a message for a connection; a connection whose queue is full is dropped.
    pub(crate) fn send(&self, conn: u64, message: Outgoing) {
        let Ok(mut r) = self.inner.registry.lock() else {
            return;
        };
        let full = match r.conns.get(&conn) {
            Some(c) => c.tx.try_send(message).is_err(),
            None => false,
        };
        if full {
            tracing::info!(connection = conn, "a streaming client fell behind; disconnected");
            r.remove(conn);
        }
    }

    /// Ends the connections of a revoked token.
    pub(crate) fn drop_token(&self, token: i64) {
        if let Ok(mut r) = self.inner.registry.lock() {
            let ids: Vec<u64> = r
                .conns
                .iter()
                .filter(|(_, c)| c.viewer.as_ref().is_some_and(|v| v.token.id == token))
                .map(|(id, _)| *id)
                .collect();
            for id in ids {
                r.remove(id);
            }
        }
    }

    /// Ends every connection (shutting down, or events were lost: clients reconnect and
    /// catch up).
    pub fn close_all(&self) {
        if let Ok(mut r) = self.inner.registry.lock() {
            let ids: Vec<u64> = r.conns.keys().copied().collect();
            for id in ids {
                r.remove(id);
            }
        }
    }

    /// Open connections (for tests and metrics).
    pub fn connections(&self) -> usize {
        self.inner.registry.lock().map(|r| r.conns.len()).unwrap_or(0)
    }
}
