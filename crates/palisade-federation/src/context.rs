//! `Federation`: the services of ActivityPub for one instance. Cheap to clone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use palisade_core::Core;
use palisade_core::model::Account;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, Url};

use crate::fetch::{FailureClass, FetchConfig, FetchError, Fetched, Fetcher};
use crate::key_cache::KeyCache;
use crate::keys::{self, KeyStrength, SigningKey};
use crate::signatures;

#[derive(Clone, Debug)]
pub struct FederationConfig {
    pub fetch: FetchConfig,
    /// Require signed GETs for actors, objects and collections (the instance actor excepted).
    pub authorized_fetch: bool,
    pub key_strength: KeyStrength,
    /// Look peers up with `http://` (in-process tests on loopback ports only).
    pub plain_http_peers: bool,
}

impl FederationConfig {
    /// Production defaults: guards on, HTTPS, a 1 MiB document limit.
    pub fn new(user_agent: String) -> FederationConfig {
        FederationConfig {
            fetch: FetchConfig {
                allow_private_addresses: false,
                extra_root_certificates: None,
                user_agent,
                max_body_bytes: 1 << 20,
                timeout: Duration::from_secs(20),
                resolve_all_to: None,
                test_network: None,
            },
            authorized_fetch: false,
            key_strength: KeyStrength::Modern,
            plain_http_peers: false,
        }
    }
}

/// Why federation work failed.
#[derive(Debug, thiserror::Error)]
pub enum FedError {
    #[error(transparent)]
    Core(#[from] palisade_core::Error),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Signature(#[from] signatures::SigError),
    /// The request or document is not acceptable (bad JSON, wrong origin…).
    #[error("{0}")]
    Invalid(String),
    /// Refused by policy (a blocked domain, a suspended account…).
    #[error("{0}")]
    Refused(String),
}

pub type FedResult<T> = Result<T, FedError>;

/// A signing account and when it was read.
type CachedSigner = (Instant, Arc<Account>);

#[derive(Clone)]
pub struct Federation {
    pub core: Core,
    pub fetcher: Fetcher,
    pub config: Arc<FederationConfig>,
    pub(crate) remote_keys: KeyCache,
    local_keys: Arc<Mutex<HashMap<i64, Arc<SigningKey>>>>,
    /// Local accounts that sign deliveries, read again after a minute (a fan-out signs
    /// thousands of deliveries with one account).
    signers: Arc<Mutex<HashMap<i64, CachedSigner>>>,
    key_creation: Arc<tokio::sync::Mutex<()>>,
    pub instance_actor: Arc<Account>,
}

impl Federation {
    /// Sets up federation, creating the instance actor on first start.
    pub async fn new(core: Core, config: FederationConfig) -> FedResult<Federation> {
        let fetcher = Fetcher::new(config.fetch.clone())?;
        let instance_actor = core.instance_actor().await?;
        let fed = Federation {
            core,
            fetcher,
            config: Arc::new(config),
            remote_keys: KeyCache::default(),
            local_keys: Arc::default(),
            signers: Arc::default(),
            key_creation: Arc::default(),
            instance_actor: Arc::new(instance_actor),
        };
        // Web Push needs the instance's VAPID key pair from the first start on.
        fed.ensure_vapid_keys().await?;
        Ok(fed)
    }

    pub fn base_url(&self) -> &str {
        &self.core.settings.public_url
    }

    pub fn domain(&self) -> &str {
        &self.core.settings.domain
    }

    /// A local account's signing key and key id, created on first need.
    pub async fn local_key(&self, account: &Account) -> FedResult<(String, Arc<SigningKey>)> {
        let key_id = format!("{}#main-key", account.uri);
        if let Some(k) = self
            .local_keys
            .lock()
            .ok()
            .and_then(|m| m.get(&account.id).cloned())
        {
            return Ok((key_id, k));
        }
        let pem = match self.core.private_key_pem(account.id).await? {
            Some(pem) => pem,
            None => {
                // One key generation at a time: the first signed fetches of a new instance
                // would otherwise each make a key pair for the instance actor, all but one
                // thrown away.
                let _one = self.key_creation.lock().await;
                match self.core.private_key_pem(account.id).await? {
                    Some(pem) => pem,
                    None => {
                        let (private, public) = tokio::task::spawn_blocking(keys::generate_rsa)
                            .await
                            .map_err(|e| FedError::Invalid(e.to_string()))?
                            .map_err(|e| FedError::Invalid(e.to_string()))?;
                        // Another process may have won the race: what is stored wins.
                        self.core
                            .install_key_pair(account.id, &key_id, &public, &private)
                            .await?
                    }
                }
            }
        };
        let key = Arc::new(SigningKey::from_pem(&pem).map_err(|e| FedError::Invalid(e.to_string()))?);
        if let Ok(mut m) = self.local_keys.lock() {
            m.insert(account.id, key.clone());
        }
        Ok((key_id, key))
    }

    /// The account that signs a delivery, from a short-lived cache.
    pub(crate) async fn signer(&self, id: i64) -> FedResult<Option<Arc<Account>>> {
        const FRESH: Duration = Duration::from_secs(60);
        if let Some((at, a)) = self.signers.lock().ok().and_then(|m| m.get(&id).cloned())
            && at.elapsed() < FRESH
        {
            return Ok(Some(a));
        }
        let Some(account) = self.core.find_account(id).await? else {
            return Ok(None);
        };
        let account = Arc::new(account);
        if let Ok(mut m) = self.signers.lock() {
            m.retain(|_, (at, _)| at.elapsed() < FRESH);
            m.insert(id, (Instant::now(), account.clone()));
        }
        Ok(Some(account))
    }

    /// The public key PEM of a local account (creating the pair if needed).
    pub async fn local_public_key(&self, account: &Account) -> FedResult<String> {
        self.local_key(account).await?;
        let fresh = self.core.find_account(account.id).await?;
        Ok(fresh.and_then(|a| a.public_key_pem).unwrap_or_default())
    }

    /// A request signed (draft-cavage) by `signer`: GET for fetching, POST for delivery.
    pub async fn signed_request(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
        signer: &Account,
    ) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError {
            class: FailureClass::Refused,
            message: format!("bad URL {url}: {e}"),
        })?;
        let (key_id, key) = self.local_key(signer).await.map_err(|e| FetchError {
            class: FailureClass::Other,
            message: format!("signing key: {e}"),
        })?;
        let host = match parsed.port() {
            Some(p) => format!("{}:{p}", parsed.host_str().unwrap_or("")),
            None => parsed.host_str().unwrap_or("").to_owned(),
        };
        let path = match parsed.query() {
            Some(q) => format!("{}?{q}", parsed.path()),
            None => parsed.path().to_owned(),
        };
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        let digest = body.as_deref().map(signatures::digest_header);
        let signature = signatures::sign_cavage(
            &key,
            &key_id,
            method.as_str(),
            &path,
            &host,
            &date,
            digest.as_deref(),
        )
        .map_err(|e| FetchError {
            class: FailureClass::Other,
            message: e.to_string(),
        })?;
        let mut headers = HeaderMap::new();
        let mut put = |name: header::HeaderName, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        };
        put(header::DATE, &date);
        put(header::HOST, &host);
        put(header::HeaderName::from_static("signature"), &signature);
        if let Some(d) = &digest {
            put(header::HeaderName::from_static("digest"), d);
            put(header::CONTENT_TYPE, crate::documents::ACTIVITY_JSON);
        }
        put(
            header::ACCEPT,
            "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        );
        self.fetcher.send(method, &parsed, headers, body).await
    }
}
