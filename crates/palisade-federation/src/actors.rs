//! Remote actors: fetched with a signed GET, checked, parsed tolerantly, cached in the
//! accounts table and refreshed after a day; WebFinger; public keys for signature checks.

use palisade_core::model::{Account, RemoteProfile, now_ms};
use palisade_core::policy::Boundary;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::context::{FedError, FedResult, Federation};
use crate::keys::PublicKey;
use crate::sanitize;
use crate::vocab::{self, id_of, kind, str_field};

/// Remote profiles are refreshed on lookup after a day.
const REFRESH_AFTER_MS: i64 = 86_400_000;

const ACTOR_TYPES: &[&str] = &["Person", "Service", "Application", "Group", "Organization"];

impl Federation {
    /// A JSON document fetched with a signed GET by the instance actor, checked to be
    /// ActivityStreams JSON and to carry the id it was fetched under (same origin).
    pub async fn fetch_object(&self, url: &str) -> FedResult<Value> {
        let domain = vocab::host_of(url);
        if self
            .core
            .policies()
            .await?
            .refused(palisade_core::policy::Boundary::Fetch, domain.as_deref())
        {
            return Err(FedError::Refused(format!(
                "fetching from {} is not allowed",
                domain.unwrap_or_default()
            )));
        }
        let actor = self.instance_actor.clone();
        let fetched = self.signed_request(Method::GET, url, None, &actor).await?;
        let final_domain = vocab::host_of(fetched.url.as_str());
        if let Some(host) = final_domain.as_deref() {
            // A redirect may have led to a refused domain: what it sent is not used.
            if self.core.policies().await?.refused(Boundary::Fetch, Some(host)) {
                return Err(FedError::Refused(format!(
                    "{url} redirected to {host}, which is refused"
                )));
            }
            self.core.peer_alive(host);
        }
        if fetched.status != StatusCode::OK {
            return Err(FedError::Invalid(format!("{url} answered {}", fetched.status)));
        }
        let ct = fetched.content_type.to_ascii_lowercase();
        if !(ct.contains("json")) {
            return Err(FedError::Invalid(format!("{url} is not JSON ({ct})")));
        }
        let doc: Value =
            serde_json::from_slice(&fetched.body).map_err(|e| FedError::Invalid(format!("{url}: {e}")))?;
        let id = id_of(doc.get("id").unwrap_or(&Value::Null)).unwrap_or_default();
        if !vocab::same_origin(&id, fetched.url.as_str()) {
            return Err(FedError::Invalid(format!(
                "{url} holds an object of another origin ({id})"
            )));
        }
        Ok(doc)
    }

    /// The account of an actor URI: stored and fresh, or fetched now.
    pub async fn actor(&self, uri: &str) -> FedResult<Account> {
        if let Some(a) = self.core.account_by_uri(uri).await? {
            let stale = a.fetched_at.is_none_or(|t| t < now_ms() - REFRESH_AFTER_MS);
            if a.is_local() || !stale {
                return Ok(a);
            }
            // A refresh that fails keeps the copy we have.
            return Ok(self.fetch_actor(uri).await.unwrap_or(a));
        }
        self.fetch_actor(uri).await
    }

    /// Fetches (or re-fetches) an actor document and stores it.
    pub async fn fetch_actor(&self, uri: &str) -> FedResult<Account> {
        if vocab::same_origin(uri, self.base_url()) {
            return self
                .core
                .account_by_uri(uri)
                .await?
                .ok_or_else(|| FedError::Invalid(format!("no local actor {uri}")));
        }
        let doc = self.fetch_object(uri).await?;
        self.store_actor(&doc).await
    }

    /// Stores an actor document that was fetched from (or embedded by) its own origin:
    /// profile and keys, its images and emoji as media records, its links to be checked.
    pub async fn store_actor(&self, doc: &Value) -> FedResult<Account> {
        let (profile, extra_keys) = parse_actor(doc)?;
        let (_, avatar_description) = crate::media::vocab::image(doc, "icon");
        let (_, header_description) = crate::media::vocab::image(doc, "image");
        let account = self
            .core
            .receive_remote_actor(palisade_core::remote_actors::RemoteActor {
                profile,
                extra_keys,
                emojis: crate::media::vocab::emojis(doc),
                avatar_description,
                header_description,
            })
            .await?;
        self.remote_keys.forget_owner(account.id);
        Ok(account)
    }

    /// `user@domain` → the actor's URI, through WebFinger.
    pub async fn webfinger(&self, username: &str, domain: &str) -> FedResult<String> {
        let scheme = if self.config.plain_http_peers {
            "http"
        } else {
            "https"
        };
        let url = format!("{scheme}://{domain}/.well-known/webfinger?resource=acct:{username}@{domain}");
        let parsed = reqwest::Url::parse(&url).map_err(|e| FedError::Invalid(e.to_string()))?;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            reqwest::header::HeaderValue::from_static("application/jrd+json"),
        );
        let fetched = self.fetcher.send(Method::GET, &parsed, headers, None).await?;
        if fetched.status != StatusCode::OK {
            return Err(FedError::Invalid(format!(
                "WebFinger for {username}@{domain} answered {}",
                fetched.status
            )));
        }
        let jrd: Value = serde_json::from_slice(&fetched.body)
            .map_err(|e| FedError::Invalid(format!("WebFinger: {e}")))?;
        webfinger_self_link(&jrd).ok_or_else(|| {
            FedError::Invalid(format!(
                "WebFinger for {username}@{domain} has no ActivityPub link"
            ))
        })
    }

    /// `@user@domain` → an account, resolving remote ones through WebFinger.
    pub async fn resolve_handle(&self, handle: &str) -> FedResult<Account> {
        if let Some((_, domain)) = handle.trim().trim_start_matches('@').split_once('@')
            && self.core.policies().await?.refused(
                palisade_core::policy::Boundary::Resolve,
                Some(domain.to_lowercase().as_str()),
            )
        {
            return Err(FedError::Refused(format!("{domain} is not resolved here")));
        }
        let handle = handle.trim().trim_start_matches('@');
        let (user, domain) = handle
            .split_once('@')
            .ok_or_else(|| FedError::Invalid(format!("{handle} is not user@domain")))?;
        if domain.eq_ignore_ascii_case(self.domain()) {
            return Ok(self.core.lookup_account(user).await?);
        }
        if let Some(a) = self.core.account_by_handle(user, Some(domain)).await? {
            return self.actor(&a.uri).await;
        }
        let uri = self.webfinger(user, domain).await?;
        self.actor(&uri).await
    }

    /// The key named by a signature's `keyId`, and the account that owns it. With
    /// `refresh`, the owner is fetched again first (key rotation).
    pub async fn public_key(&self, key_id: &str, refresh: bool) -> FedResult<(PublicKey, Account)> {
        if !refresh {
            if let Some(found) = self.remote_keys.get(key_id) {
                if let Some(owner) = found.owner {
                    return Ok((found.key, (*owner).clone()));
                }
                if let Some(a) = self.core.find_account(found.owner_id).await? {
                    self.remote_keys.refresh_owner(key_id, &a);
                    return Ok((found.key, a));
                }
            }
            if let Some((account, pem)) = self.core.account_by_key_id(key_id).await? {
                return self.cache_key(key_id, &pem, account);
            }
        }
        // This instance's own keys are in its database: a signature that names one and does
        // not verify is refused without fetching anything (no request to ourselves).
        if vocab::same_origin(key_id, self.base_url()) {
            if refresh && let Some((account, pem)) = self.core.account_by_key_id(key_id).await? {
                return self.cache_key(key_id, &pem, account);
            }
            return Err(FedError::Invalid(format!(
                "{key_id} is not a key of this instance"
            )));
        }
        // A key id is fetched at most three times in half a minute (first fetches, failed
        // ones, refetches for rotation): bad signatures cannot make us fetch on every request.
        if !self.remote_keys.may_fetch(key_id) {
            return Err(FedError::Invalid(format!(
                "{key_id} was fetched three times in the last half minute; not again yet"
            )));
        }
        // The key document is usually the actor itself (`…#main-key`); some servers serve a
        // separate key document naming its owner.
        let url = key_id.split('#').next().unwrap_or(key_id);
        let doc = self.fetch_object(url).await?;
        let actor_doc = if ACTOR_TYPES.contains(&kind(&doc).as_str()) {
            doc
        } else {
            let owner = str_field(&doc, "owner")
                .or_else(|| str_field(&doc, "controller"))
                .ok_or_else(|| {
                    FedError::Invalid(format!("{key_id} is neither an actor nor a key with an owner"))
                })?;
            self.fetch_object(owner).await?
        };
        let account = self.store_actor(&actor_doc).await?;
        let (account, pem) = self
            .core
            .account_by_key_id(key_id)
            .await?
            .filter(|(a, _)| a.id == account.id)
            .ok_or_else(|| FedError::Invalid(format!("{} does not publish the key {key_id}", account.uri)))?;
        self.cache_key(key_id, &pem, account)
    }

    fn cache_key(&self, key_id: &str, pem: &str, account: Account) -> FedResult<(PublicKey, Account)> {
        let key = PublicKey::from_pem(pem).map_err(|e| FedError::Invalid(format!("{key_id}: {e}")))?;
        self.remote_keys.insert(key_id, key.clone(), account.clone());
        Ok((key, account))
    }
}

/// The ActivityPub actor a WebFinger document points to: its `self` link of an
/// ActivityStreams type.
pub fn webfinger_self_link(jrd: &Value) -> Option<String> {
    jrd.get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|l| {
            l.get("rel").and_then(Value::as_str) == Some("self")
                && l.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.contains("activity+json") || t.contains("ld+json"))
        })
        .and_then(|l| l.get("href").and_then(Value::as_str))
        .map(str::to_owned)
}

/// Reads an actor document: its profile and, besides the main key, further keys
/// (`publicKey` may be a list; keys must be owned by the actor).
pub fn parse_actor(doc: &Value) -> FedResult<(RemoteProfile, Vec<(String, String)>)> {
    let id = id_of(doc.get("id").unwrap_or(&Value::Null))
        .ok_or_else(|| FedError::Invalid("actor without id".into()))?;
    let actor_type = kind(doc);
    if !ACTOR_TYPES.contains(&actor_type.as_str()) {
        return Err(FedError::Invalid(format!("{id} is a {actor_type}, not an actor")));
    }
    let domain = vocab::host_of(&id).ok_or_else(|| FedError::Invalid(format!("{id} has no host")))?;
    let username = str_field(doc, "preferredUsername")
        .map(str::to_owned)
        .unwrap_or_else(|| id.rsplit('/').next().unwrap_or("unknown").to_owned());
    let mut keys: Vec<(String, String)> = Vec::new();
    let key_values: Vec<&Value> = match doc.get("publicKey") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    for k in key_values {
        let owner = str_field(k, "owner").unwrap_or(&id);
        if let (Some(kid), Some(pem)) = (str_field(k, "id"), str_field(k, "publicKeyPem"))
            && owner == id
            && vocab::same_origin(kid, &id)
        {
            keys.push((kid.to_owned(), pem.to_owned()));
        }
    }
    let (main, extra) = match keys.split_first() {
        Some((m, rest)) => (Some(m.clone()), rest.to_vec()),
        None => (None, Vec::new()),
    };
    let fields: Vec<Value> = doc
        .get("attachment")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| kind(a) == "PropertyValue")
        .map(|a| {
            let value = sanitize::clean(str_field(a, "value").unwrap_or(""));
            serde_json::json!({"name": sanitize::plain(str_field(a, "name").unwrap_or("")), "value": value, "value_html": value})
        })
        .collect();
    let image = |key: &str| crate::media::vocab::image(doc, key).0;
    let endpoints = doc.get("endpoints");
    let profile = RemoteProfile {
        uri: id.clone(),
        username,
        domain,
        actor_type,
        display_name: sanitize::plain(&vocab::text(doc, "name").unwrap_or_default())
            .chars()
            .take(100)
            .collect(),
        note_html: sanitize::clean(&vocab::text(doc, "summary").unwrap_or_default()),
        fields_json: Value::Array(fields).to_string(),
        url: str_field(doc, "url")
            .map(str::to_owned)
            .or_else(|| id_of(doc.get("url").unwrap_or(&Value::Null)))
            .unwrap_or_else(|| id.clone()),
        avatar_url: image("icon"),
        header_url: image("image"),
        locked: doc
            .get("manuallyApprovesFollowers")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        bot: matches!(kind(doc).as_str(), "Service" | "Application"),
        discoverable: doc.get("discoverable").and_then(Value::as_bool).unwrap_or(false),
        indexable: doc.get("indexable").and_then(Value::as_bool).unwrap_or(false),
        inbox_url: str_field(doc, "inbox").map(str::to_owned),
        shared_inbox_url: endpoints
            .and_then(|e| str_field(e, "sharedInbox"))
            .map(str::to_owned),
        outbox_url: str_field(doc, "outbox").map(str::to_owned),
        followers_url: str_field(doc, "followers").map(str::to_owned),
        following_url: str_field(doc, "following").map(str::to_owned),
        featured_url: str_field(doc, "featured").map(str::to_owned),
        key_id: main.as_ref().map(|(k, _)| k.clone()),
        public_key_pem: main.map(|(_, p)| p),
        created_at: vocab::timestamp_ms(doc, "published"),
    };
    if profile.inbox_url.is_none() {
        return Err(FedError::Invalid(format!("{id} has no inbox")));
    }
    Ok((profile, extra))
}

impl Federation {
    /// Makes what a search names known here: `@user@domain` through WebFinger, or an actor
    /// or status URL fetched from its origin. Failures are quiet: the search then simply
    /// finds nothing new.
    pub async fn resolve_query(&self, q: &str) -> palisade_core::search::Resolved {
        use palisade_core::search::Resolved;
        let q = q.trim();
        let result = if q.starts_with("https://") || q.starts_with("http://") {
            match self.status_by_uri(q, 0).await {
                Ok(s) => Ok(Resolved::Status(s.id)),
                Err(_) => self.actor(q).await.map(|a| Resolved::Account(a.id)),
            }
        } else if q
            .trim_start_matches('@')
            .split_once('@')
            .is_some_and(|(u, d)| !u.is_empty() && (d.contains('.') || d.contains(':')))
        {
            self.resolve_handle(q).await.map(|a| Resolved::Account(a.id))
        } else {
            Ok(Resolved::Nothing)
        };
        match result {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(query = q, error = %e, "could not resolve a search");
                Resolved::Nothing
            }
        }
    }
}
