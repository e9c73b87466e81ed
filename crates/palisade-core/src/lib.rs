//! Palisade's domain: accounts, statuses, relationships, timelines, notifications, OAuth, and
//! the policy that decides what may reach whom. No HTTP and no SQL here: storage goes through
//! `palisade-store`, and side effects that leave the instance go out as [`events::Event`]s.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod blocklists;
pub mod content;
pub mod domain_blocks;
pub mod domain_views;
mod error;
pub mod events;
pub mod instance;
pub mod instance_settings;
pub mod interactions;
pub mod languages;
pub mod model;
pub mod moderation;
pub mod notifications;
pub mod oauth;
pub mod peer_views;
pub mod peers;
pub mod policy;
pub mod preferences;
pub mod profiles;
pub mod relationships;
pub mod remote;
pub mod reports;
pub mod scopes;
pub mod search;
pub mod secrets;
pub mod settings;
pub mod statuses;
pub mod tags;
pub mod timelines;
pub mod urls;
pub mod views;
pub mod web_sessions;

use std::sync::Arc;

pub use error::{Error, FieldError, Result, Validation};
pub use palisade_store as store;
pub use palisade_store::{Db, PageQuery};
pub use settings::Settings;

/// The services of one instance: cheap to clone, shared by every request and worker.
#[derive(Clone)]
pub struct Core {
    pub db: Db,
    pub settings: Arc<Settings>,
    events: Arc<dyn events::EventSink>,
    /// Domain policies, reloaded when changed here and every few seconds (other processes).
    policies: Arc<std::sync::RwLock<Option<CachedPolicies>>>,
}

/// The policies and when they were loaded.
type CachedPolicies = (std::time::Instant, Arc<policy::PolicySet>);

impl Core {
    pub fn new(db: Db, settings: Settings) -> Core {
        Core {
            db,
            settings: Arc::new(settings),
            events: Arc::new(events::LogOnly),
            policies: Arc::default(),
        }
    }

    /// The domain policies in force.
    pub async fn policies(&self) -> Result<Arc<policy::PolicySet>> {
        if let Ok(guard) = self.policies.read()
            && let Some((at, set)) = guard.as_ref()
            && at.elapsed() < std::time::Duration::from_secs(5)
        {
            return Ok(set.clone());
        }
        let set = Arc::new(policy::PolicySet::new(
            store::domain_policies::blocks(&self.db).await?,
            store::domain_policies::allows(&self.db)
                .await?
                .into_iter()
                .map(|(_, d, _)| d)
                .collect(),
            self.federation_mode().await?.limited_federation,
            store::now_ms(),
        ));
        if let Ok(mut guard) = self.policies.write() {
            *guard = Some((std::time::Instant::now(), set.clone()));
        }
        Ok(set)
    }

    pub(crate) fn invalidate_policies(&self) {
        if let Ok(mut guard) = self.policies.write() {
            *guard = None;
        }
    }

    /// Replaces where events go (federation installs its outbox here).
    pub fn with_event_sink(mut self, sink: Arc<dyn events::EventSink>) -> Core {
        self.events = sink;
        self
    }

    pub fn urls(&self) -> urls::Urls<'_> {
        urls::Urls::new(&self.settings.public_url)
    }

    /// Records `events` inside `tx`, so that they are durable exactly when the change is.
    pub(crate) async fn emit(&self, tx: &mut store::Tx, events: Vec<events::Event>) -> Result<()> {
        for event in events {
            self.events.record(tx, event).await?;
        }
        Ok(())
    }
}
