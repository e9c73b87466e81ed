//! Palisade's domain: accounts, statuses, relationships, timelines, notifications, OAuth, and
//! the policy that decides what may reach whom. No HTTP and no SQL here: storage goes through
//! `palisade-store`, and side effects that leave the instance go out as [`events::Event`]s.

pub mod accounts;
mod actors;
pub mod admin;
pub mod announcements;
pub mod auth;
pub mod blocklists;
pub mod cards;
pub mod content;
pub mod conversations;
pub mod csv;
pub mod domain_blocks;
pub mod domain_views;
pub mod emojis;
mod error;
pub mod events;
pub mod featured_tags;
pub mod filters;
pub mod guard_counters;
pub mod html;
pub mod instance;
pub mod instance_settings;
pub mod interactions;
pub mod jobs;
pub mod languages;
pub mod links;
pub mod lists;
pub mod live;
mod lookups;
pub mod media;
pub mod model;
pub mod moderation;
pub mod notification_requests;
pub mod notifications;
pub mod oauth;
mod peer_tally;
pub mod peer_views;
pub mod peers;
pub mod policy;
pub mod polls;
pub mod preferences;
pub mod profiles;
pub mod push;
mod received;
pub mod relationships;
pub mod remote;
pub mod remote_actors;
pub mod reports;
pub mod scheduled;
pub mod scopes;
pub mod search;
pub mod secrets;
pub mod settings;
mod status_rows;
pub mod statuses;
pub mod streaming;
pub mod suggestions;
pub mod tags;
pub mod timelines;
pub mod timers;
pub mod trends;
pub mod urls;
pub mod views;
pub mod web_sessions;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use error::{Error, FieldError, Result, STORAGE_FULL, Validation};
pub use palisade_store::{Db, PageQuery};
pub use settings::Settings;

/// Opens the media storage a configuration names (the binary checks it before starting).
pub fn media_storage(config: &palisade_media::StorageConfig) -> Result<palisade_media::Storage> {
    palisade_media::Storage::new(config).map_err(|e| Error::Internal(e.to_string()))
}

/// The services of one instance: cheap to clone, shared by every request and worker. The
/// database is private: other crates go through these services (and read the types of
/// `model`), so only core decides what is written.
#[derive(Clone)]
pub struct Core {
    db: Db,
    pub settings: Arc<Settings>,
    /// Domain policies, reloaded when changed here and every few seconds (other processes).
    policies: Arc<std::sync::RwLock<Option<CachedPolicies>>>,
    /// Bumped when the policies change here: a reload that began before is not kept.
    policies_generation: Arc<AtomicU64>,
    /// A reload of stale policies is under way.
    policies_reloading: Arc<AtomicBool>,
    /// Inbound activities waiting for the next group commit (started on first use).
    intake: Arc<std::sync::OnceLock<tokio::sync::mpsc::Sender<jobs::Waiting>>>,
    /// Received statuses waiting for the writer's next group (started on first use).
    received: Arc<std::sync::OnceLock<tokio::sync::mpsc::Sender<received::Waiting>>>,
    /// Per-peer figures not written yet.
    tally: Arc<peer_tally::PeerTally>,
    /// The Web Push (VAPID) key pair, once loaded or generated.
    vapid: Arc<std::sync::OnceLock<push::VapidKeys>>,
    /// Where media files go, and ffmpeg.
    media: Arc<media::MediaServices>,
}

/// Opens the database at `url` (`sqlite:PATH`, created if missing, or `postgres://…`) and
/// brings its schema up to date; returns it and how many migrations ran.
pub async fn open_database(url: &str) -> Result<(Db, usize)> {
    let db = Db::connect(url).await?;
    let ran = palisade_store::migrate(&db).await?;
    Ok((db, ran))
}

/// The policies and when they were loaded.
type CachedPolicies = (std::time::Instant, Arc<policy::PolicySet>);

/// How long loaded policies are used before they are reloaded (other processes' changes).
const POLICIES_FRESH: std::time::Duration = std::time::Duration::from_secs(5);

impl Core {
    pub fn new(db: Db, settings: Settings) -> Core {
        let media = Arc::new(media::MediaServices::new(&settings.media));
        Core {
            db,
            settings: Arc::new(settings),
            policies: Arc::default(),
            policies_generation: Arc::default(),
            policies_reloading: Arc::default(),
            intake: Arc::default(),
            received: Arc::default(),
            tally: Arc::default(),
            vapid: Arc::default(),
            media,
        }
    }

    /// The domain policies in force. Once loaded, they are never waited for: a stale set
    /// (older than `POLICIES_FRESH`) is still served while one reload runs aside, so that
    /// no caller — one holding a write transaction least of all — waits for a connection.
    pub async fn policies(&self) -> Result<Arc<policy::PolicySet>> {
        let cached = self.policies.read().ok().and_then(|g| g.clone());
        match cached {
            Some((at, set)) if at.elapsed() < POLICIES_FRESH => Ok(set),
            Some((_, set)) => {
                if !self.policies_reloading.swap(true, Ordering::AcqRel) {
                    let core = self.clone();
                    tokio::spawn(async move {
                        if let Err(e) = core.load_policies().await {
                            tracing::warn!(error = %e, "reloading the domain policies failed");
                        }
                        core.policies_reloading.store(false, Ordering::Release);
                    });
                }
                Ok(set)
            }
            None => self.load_policies().await,
        }
    }

    /// Reads the policies and keeps them, unless they were changed here meanwhile (a newer
    /// load follows then).
    async fn load_policies(&self) -> Result<Arc<policy::PolicySet>> {
        let generation = self.policies_generation.load(Ordering::Acquire);
        let set = Arc::new(
            policy::PolicySet::new(
                palisade_store::domain_policies::blocks(&self.db).await?,
                palisade_store::domain_policies::allows(&self.db)
                    .await?
                    .into_iter()
                    .map(|(_, d, _)| d)
                    .collect(),
                self.federation_mode().await?.limited_federation,
                palisade_store::now_ms(),
            )
            .with_paused(palisade_store::peers::paused(&self.db).await?),
        );
        if let Ok(mut guard) = self.policies.write()
            && self.policies_generation.load(Ordering::Acquire) == generation
        {
            *guard = Some((std::time::Instant::now(), set.clone()));
        }
        Ok(set)
    }

    pub(crate) fn invalidate_policies(&self) {
        if let Ok(mut guard) = self.policies.write() {
            self.policies_generation.fetch_add(1, Ordering::AcqRel);
            *guard = None;
        }
    }

    pub fn urls(&self) -> urls::Urls<'_> {
        urls::Urls::with_files(
            &self.settings.public_url,
            self.settings.media.public_base_url.as_deref(),
        )
    }

    /// Which database this instance runs on.
    pub fn backend(&self) -> palisade_store::Backend {
        self.db.backend()
    }
}
