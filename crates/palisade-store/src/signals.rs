//! Wake-ups for job runners: a job enqueued in a transaction rings its queue's bell when the
//! transaction commits (never before: a runner woken early would find nothing). Across
//! processes on PostgreSQL the same ring goes out as `NOTIFY palisade_jobs, 'queue'`, sent
//! inside the transaction so that it is delivered exactly when the job becomes visible.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// The channel PostgreSQL carries job wake-ups on.
pub const CHANNEL: &str = "palisade_jobs";

/// One bell per queue name, shared by a pool and its transactions.
#[derive(Default)]
pub struct Bells {
    bells: Mutex<HashMap<String, Arc<Notify>>>,
}

impl Bells {
    /// The bell of `queue`: a runner waits on it while its queue is empty.
    pub fn of(&self, queue: &str) -> Arc<Notify> {
        match self.bells.lock() {
            Ok(mut map) => map.entry(queue.to_owned()).or_default().clone(),
            // A poisoned map still wakes nobody wrongly: hand out a fresh bell.
            Err(_) => Arc::default(),
        }
    }

    /// Rings `queue`'s bell. `notify_one` keeps the ring when nobody waits yet, so a runner
    /// that is busy claiming when a job arrives looks again instead of sleeping.
    pub fn ring(&self, queue: &str) {
        self.of(queue).notify_one();
    }
}

/// The channel PostgreSQL carries live events (for streaming clients) on.
pub const LIVE_CHANNEL: &str = "palisade_live";

/// Live events of this process: what streaming clients hear about. A change committed here
/// is published at once to this process's subscribers and, on PostgreSQL, as
/// `NOTIFY palisade_live, 'ORIGIN PAYLOAD'` to every other process (which ignores its own).
/// Publishing never waits: a subscriber that falls behind loses events (and learns it).
pub struct LiveBus {
    sender: tokio::sync::broadcast::Sender<Arc<str>>,
    origin: String,
}

/// How many live events a subscriber may fall behind before it loses some.
const LIVE_BACKLOG: usize = 4096;

impl Default for LiveBus {
    fn default() -> Self {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        let origin = bytes.iter().map(|b| format!("{b:02x}")).collect();
        LiveBus {
            sender: tokio::sync::broadcast::channel(LIVE_BACKLOG).0,
            origin,
        }
    }
}

impl LiveBus {
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<str>> {
        self.sender.subscribe()
    }

    /// This process's name on the channel.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Hands `payload` to this process's subscribers (none listening is fine).
    pub fn publish_local(&self, payload: &str) {
        let _ = self.sender.send(Arc::from(payload));
    }

    /// What goes out on PostgreSQL's channel for `payload`.
    pub(crate) fn wire(&self, payload: &str) -> String {
        format!("{} {payload}", self.origin)
    }

    /// A payload heard on the channel, unless this process sent it (it had it already).
    pub fn from_wire<'a>(&self, wire: &'a str) -> Option<&'a str> {
        let (origin, payload) = wire.split_once(' ')?;
        (origin != self.origin).then_some(payload)
    }
}

/// Hears live events other processes publish on PostgreSQL.
pub struct LiveListener(sqlx::postgres::PgListener);

impl LiveListener {
    /// `None` on SQLite (one process: the in-process bus is everything).
    pub async fn connect(db: &crate::Db) -> crate::Result<Option<LiveListener>> {
        let Some(pool) = db.pg_pool() else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(LIVE_CHANNEL).await?;
        Ok(Some(LiveListener(listener)))
    }

    /// The next notification's raw text (`ORIGIN PAYLOAD`; see [`LiveBus::from_wire`]).
    pub async fn next(&mut self) -> crate::Result<String> {
        let n = self.0.recv().await.map_err(crate::StoreError::from)?;
        Ok(n.payload().to_owned())
    }
}
